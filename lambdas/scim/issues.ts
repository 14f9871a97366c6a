/**
 * Validation issues and their wording, shared by every hand-written check (PATCH envelope, values,
 * environment, token secrets). The wording is that of zod's English locale, which these checks once used
 * and which tests, error details and operators' logs know. Messages name types, limits and allowed
 * values, never the input: it may be personal data or a secret.
 */

/** One problem: where in the checked document (`['Operations', 0, 'op']`) and what. */
export interface Issue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The name of the type of a value received: inputs are JSON values or environment strings. */
export const typeName = (input: unknown): string => {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  // NaN and ±Infinity come from numeric environment variables.
  if (typeof input === 'number' && !Number.isFinite(input)) return String(input);
  return typeof input;
};

/** `Invalid input: expected string, received number` */
export const expectedType = (expected: string, input: unknown): string =>
  `Invalid input: expected ${expected}, received ${typeName(input)}`;

/** `Invalid option: expected one of "add"|"replace"|"remove"` */
export const expectedOneOf = (values: readonly string[]): string =>
  `Invalid option: expected one of ${values.map((value) => `"${value}"`).join('|')}`;

/** `Invalid string: must match pattern /^x$/` */
export const expectedPattern = (pattern: RegExp): string =>
  `Invalid string: must match pattern ${String(pattern)}`;

/** What is counted in the length of a string or a list. */
const LENGTH_UNITS: Readonly<Record<string, string>> = { string: 'characters', array: 'items' };

type Origin = 'string' | 'array' | 'number' | 'int';

const sizeMessage = (size: 'Too small' | 'Too big', origin: Origin, comparison: string): string => {
  const unit = LENGTH_UNITS[origin];
  return unit
    ? `${size}: expected ${origin} to have ${comparison} ${unit}`
    : `${size}: expected ${origin} to be ${comparison}`;
};

/** `Too small: expected string to have >=1 characters`, `Too small: expected number to be >=0` */
export const tooSmall = (origin: Origin, minimum: number): string =>
  sizeMessage('Too small', origin, `>=${minimum}`);

/** `Too big: expected string to have <=64 characters`, `Too big: expected number to be <=3600` */
export const tooBig = (origin: Origin, maximum: number): string =>
  sizeMessage('Too big', origin, `<=${maximum}`);

/** The length of a string in code points, so an emoji counts once. */
export const codePoints = (text: string): number => [...text].length;
