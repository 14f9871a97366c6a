/**
 * English messages for zod/mini, which has none of its own (every default one reads "Invalid input").
 * They are word for word those of zod's English locale (`zod/locales` `en`), for the issues our schemas
 * and the checks in zod-checks.ts raise: this function instead of that locale because the locale words
 * every issue zod knows and weighs several times as much in each bundle. Passed per parse rather than
 * installed with z.config, so nothing else in the process changes. Messages name types, limits and
 * allowed values, never the input: it may be personal data.
 * test/unit/scim/zod-english.test.ts checks each message against the locale.
 */
import type * as z from 'zod/mini';

/** The name zod's English gives the type of a value received: inputs are JSON values or env strings. */
const typeName = (input: unknown): string => {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  // NaN and ±Infinity come from numeric environment variables.
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  return typeof input;
};

/** How zod's English lists an allowed value: strings quoted, other primitives as written. */
const showValue = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : String(value));

/** What is counted in the length of a string or a list. */
const LENGTH_UNITS: Readonly<Record<string, string>> = { string: 'characters', array: 'items' };

const sizeMessage = (
  issue: { readonly origin: string; readonly inclusive?: boolean },
  size: 'Too small' | 'Too big',
  limit: number | bigint,
): string => {
  const comparison = `${size === 'Too small' ? '>' : '<'}${issue.inclusive ? '=' : ''}${limit}`;
  const unit = LENGTH_UNITS[issue.origin];
  return unit
    ? `${size}: expected ${issue.origin} to have ${comparison} ${unit}`
    : `${size}: expected ${issue.origin} to be ${comparison}`;
};

/** The formats of invalid_format issues we raise, as zod's English names them. */
const FORMAT_NAMES: Readonly<Record<string, string>> = { url: 'URL', datetime: 'ISO datetime' };

/** The English message of one issue. */
export const englishMessage = (issue: z.core.$ZodRawIssue): string => {
  switch (issue.code) {
    case 'invalid_type':
      return `Invalid input: expected ${issue.expected}, received ${typeName(issue.input)}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `Invalid input: expected ${showValue(issue.values[0])}`
        : `Invalid option: expected one of ${issue.values.map(showValue).join('|')}`;
    case 'too_small':
      return sizeMessage(issue, 'Too small', issue.minimum);
    case 'too_big':
      return sizeMessage(issue, 'Too big', issue.maximum);
    case 'invalid_format':
      if (issue.format === 'regex') return `Invalid string: must match pattern ${issue.pattern}`;
      return `Invalid ${FORMAT_NAMES[issue.format] ?? issue.format}`;
    default:
      return 'Invalid input';
  }
};

/** Parse options that word every issue in English. */
export const ENGLISH_MESSAGES: z.core.ParseContext<z.core.$ZodIssue> = { error: englishMessage };
