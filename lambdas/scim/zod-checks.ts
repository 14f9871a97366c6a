/**
 * zod/mini checks in plain code. Each zod/mini check kind (z.regex, z.minLength, z.refine, z.enum, ...)
 * brings its own classes into every Lambda bundle, while z.check and z.transform bring next to nothing.
 * These raise the issues the zod checks they stand for raised (same code and parameters, so
 * zod-english.ts words them alike), or the message given.
 */
import * as z from 'zod/mini';

/** An issue as a rule raises it; zod adds the path and, unless one is given, the message. */
export type RuleIssue =
  | { readonly code: 'custom'; readonly message: string }
  | { readonly code: 'invalid_type'; readonly expected: string }
  | {
      readonly code: 'invalid_format';
      readonly format: string;
      readonly pattern?: string;
      readonly message?: string;
    }
  | {
      readonly code: 'too_small';
      readonly origin: string;
      readonly minimum: number;
      readonly inclusive: true;
    }
  | { readonly code: 'too_big'; readonly origin: string; readonly maximum: number; readonly inclusive: true };

/**
 * A check raising `issue` when `test` fails. As with zod's checks, the schema's later checks still run
 * unless `abort` is set.
 */
export const rule = <T>(test: (value: T) => boolean, issue: RuleIssue, abort = false): z.core.$ZodCheck<T> =>
  z.check<T>((payload) => {
    // zod types an invalid_format issue's input as a string; a rule's is whatever value it checked.
    if (!test(payload.value))
      payload.issues.push({ ...issue, input: payload.value, continue: !abort } as z.core.$ZodRawIssue);
  });

/** z.regex: the string matches `pattern`. */
export const matches = (pattern: RegExp, message?: string, abort = false): z.core.$ZodCheck<string> =>
  rule(
    (text: string) => pattern.test(text),
    { code: 'invalid_format', format: 'regex', pattern: String(pattern), ...(message ? { message } : {}) },
    abort,
  );

/** The length zod gives a string: code points, so an emoji counts once. */
const codePoints = (text: string): number => [...text].length;

/** z.minLength for a string. */
export const minLength = (minimum: number): z.core.$ZodCheck<string> =>
  rule((text: string) => codePoints(text) >= minimum, {
    code: 'too_small',
    origin: 'string',
    minimum,
    inclusive: true,
  });

/** z.maxLength for a string. */
export const maxLength = (maximum: number): z.core.$ZodCheck<string> =>
  rule((text: string) => codePoints(text) <= maximum, {
    code: 'too_big',
    origin: 'string',
    maximum,
    inclusive: true,
  });

/** z.enum: the value when it is one of `values`, else an invalid_value issue listing them. */
export const oneOf = <const V extends string>(values: readonly V[]) => {
  const allowed: ReadonlySet<unknown> = new Set(values);
  const isAllowed = (value: unknown): value is V => allowed.has(value);
  return z.transform((value: string, payload): V => {
    if (isAllowed(value)) return value;
    payload.issues.push({ code: 'invalid_value', values: [...values], input: value });
    return z.NEVER;
  });
};
