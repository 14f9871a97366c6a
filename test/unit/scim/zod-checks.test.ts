/**
 * The plain-code checks stand in for zod's own (z.regex, z.minLength, z.maxLength, z.enum): on the values
 * their schemas let through, they must accept and reject the same inputs with the same messages. zod's
 * checks are the oracle.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import * as z from 'zod/mini';

import { matches, maxLength, minLength, oneOf, rule } from '../../../lambdas/scim/zod-checks';
import { ENGLISH_MESSAGES } from '../../../lambdas/scim/zod-english';

/** What a parse gives: the output, or each issue's path and message. */
const outcome = (schema: z.ZodMiniType, input: unknown): unknown => {
  const parsed = schema.safeParse(input, ENGLISH_MESSAGES);
  return parsed.success
    ? { data: parsed.data }
    : { issues: parsed.error.issues.map((issue) => [issue.path, issue.message]) };
};

/** Strings of ASCII, accented letters, emoji (two UTF-16 units each) and halves of emoji. */
const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '-', ' ', 'é', '😀', '\ud83d', '\ude00'),
  maxLength: 12,
});

describe('rule', () => {
  const positive = rule((value: number) => value > 0, { code: 'custom', message: 'must be positive' });
  const even = rule((value: number) => value % 2 === 0, { code: 'custom', message: 'must be even' });

  it('passes a value that meets it', () => {
    expect(outcome(z.number().check(positive), 4)).toEqual({ data: 4 });
  });

  it('raises its issue, and lets the later checks run', () => {
    expect(outcome(z.number().check(positive, even), -3)).toEqual({
      issues: [
        [[], 'must be positive'],
        [[], 'must be even'],
      ],
    });
  });

  it('stops the later checks when it aborts', () => {
    const aborting = rule(
      (value: number) => value > 0,
      { code: 'custom', message: 'must be positive' },
      true,
    );
    expect(outcome(z.number().check(aborting, even), -3)).toEqual({ issues: [[[], 'must be positive']] });
  });

  it('leaves a message to zod-english when it gives none', () => {
    const short = rule((list: unknown[]) => list.length <= 2, {
      code: 'too_big',
      origin: 'array',
      maximum: 2,
      inclusive: true,
    });
    expect(outcome(z.array(z.number()).check(short), [1, 2, 3])).toEqual({
      issues: [[[], 'Too big: expected array to have <=2 items']],
    });
  });

  it('does not run on a value that failed its type (z.minLength did, on anything with a length)', () => {
    const nonEmpty = rule((list: unknown[]) => list.length > 0, {
      code: 'too_small',
      origin: 'array',
      minimum: 1,
      inclusive: true,
    });
    expect(outcome(z.array(z.number()).check(nonEmpty), '')).toEqual({
      issues: [[[], 'Invalid input: expected array, received string']],
    });
  });
});

describe('matches', () => {
  const pattern = /^[a-z]+(-[a-z]+)*$/;

  it('words its failure as z.regex did', () => {
    fc.assert(
      fc.property(text, (input) => {
        expect(outcome(z.string().check(matches(pattern)), input)).toEqual(
          outcome(z.string().check(z.regex(pattern)), input),
        );
      }),
    );
    expect(outcome(z.string().check(matches(pattern)), 'A')).toEqual({
      issues: [[[], 'Invalid string: must match pattern /^[a-z]+(-[a-z]+)*$/']],
    });
  });

  it('uses the message given', () => {
    expect(outcome(z.string().check(matches(pattern, 'must be kebab-case')), 'A B')).toEqual({
      issues: [[[], 'must be kebab-case']],
    });
  });

  it('stops the later checks when it aborts', () => {
    const schema = z.string().check(matches(pattern, 'must be kebab-case', true), maxLength(3));
    expect(outcome(schema, 'ABCD')).toEqual({ issues: [[[], 'must be kebab-case']] });
  });
});

describe('minLength and maxLength', () => {
  it.each([0, 1, 3, 5])('count as z.minLength(%i) and z.maxLength did', (limit) => {
    fc.assert(
      fc.property(text, (input) => {
        expect(outcome(z.string().check(minLength(limit)), input)).toEqual(
          outcome(z.string().check(z.minLength(limit)), input),
        );
        expect(outcome(z.string().check(maxLength(limit)), input)).toEqual(
          outcome(z.string().check(z.maxLength(limit)), input),
        );
      }),
    );
  });

  it('count an emoji once', () => {
    expect(outcome(z.string().check(maxLength(2)), '😀😀')).toEqual({ data: '😀😀' });
    expect(outcome(z.string().check(minLength(3)), '😀😀')).toEqual({
      issues: [[[], 'Too small: expected string to have >=3 characters']],
    });
  });
});

describe('oneOf', () => {
  const values = ['secrets-manager', 'file'] as const;

  it('accepts and rejects as z.enum did, with its message', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom('file', 'secrets-manager', 'FILE', 'redis', ''), text),
        (input) => {
          expect(outcome(z.pipe(z.string(), oneOf(values)), input)).toEqual(outcome(z.enum(values), input));
        },
      ),
    );
    expect(outcome(z.pipe(z.string(), oneOf(values)), 'redis')).toEqual({
      issues: [[[], 'Invalid option: expected one of "secrets-manager"|"file"']],
    });
  });
});
