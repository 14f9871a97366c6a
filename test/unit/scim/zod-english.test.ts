/**
 * englishMessage must word every issue our schemas and checks raise exactly as zod's English locale did
 * (the messages reach PATCH error details and configuration errors). The locale itself is the oracle.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { en } from 'zod/locales';
import * as z from 'zod/mini';

import { ENGLISH_MESSAGES, englishMessage } from '../../../lambdas/scim/zod-english';

const zodEnglish = en().localeError;

describe('englishMessage', () => {
  it.each<[string, z.core.$ZodRawIssue, string]>([
    [
      'an object missing',
      { code: 'invalid_type', expected: 'object', input: undefined },
      'Invalid input: expected object, received undefined',
    ],
    [
      'null for an object',
      { code: 'invalid_type', expected: 'object', input: null },
      'Invalid input: expected object, received null',
    ],
    [
      'a list for a string',
      { code: 'invalid_type', expected: 'string', input: ['a'] },
      'Invalid input: expected string, received array',
    ],
    [
      'an object for a list',
      { code: 'invalid_type', expected: 'array', input: { a: 1 } },
      'Invalid input: expected array, received object',
    ],
    [
      'a string for a list',
      { code: 'invalid_type', expected: 'array', input: 'Operations' },
      'Invalid input: expected array, received string',
    ],
    [
      'a number for a string',
      { code: 'invalid_type', expected: 'string', input: 7 },
      'Invalid input: expected string, received number',
    ],
    [
      'a boolean for a string',
      { code: 'invalid_type', expected: 'string', input: false },
      'Invalid input: expected string, received boolean',
    ],
    [
      'NaN for a number',
      { code: 'invalid_type', expected: 'number', input: Number.NaN },
      'Invalid input: expected number, received NaN',
    ],
    [
      'Infinity for a number',
      { code: 'invalid_type', expected: 'number', input: Number.POSITIVE_INFINITY },
      'Invalid input: expected number, received Infinity',
    ],
    [
      '-Infinity for a number',
      { code: 'invalid_type', expected: 'number', input: Number.NEGATIVE_INFINITY },
      'Invalid input: expected number, received -Infinity',
    ],
    [
      'a fraction for an integer',
      { code: 'invalid_type', expected: 'int', input: 1.5 },
      'Invalid input: expected int, received number',
    ],
    [
      'an unknown option',
      { code: 'invalid_value', values: ['add', 'replace', 'remove'], input: 'copy' },
      'Invalid option: expected one of "add"|"replace"|"remove"',
    ],
    [
      'an unknown number',
      { code: 'invalid_value', values: [1, 2, true], input: 3 },
      'Invalid option: expected one of 1|2|true',
    ],
    [
      'a single allowed value',
      { code: 'invalid_value', values: ['file'], input: 'redis' },
      'Invalid input: expected "file"',
    ],
    [
      'an empty string',
      { code: 'too_small', origin: 'string', minimum: 1, inclusive: true, input: '' },
      'Too small: expected string to have >=1 characters',
    ],
    [
      'an empty list',
      { code: 'too_small', origin: 'array', minimum: 1, inclusive: true, input: [] },
      'Too small: expected array to have >=1 items',
    ],
    [
      'a number below its minimum',
      { code: 'too_small', origin: 'number', minimum: 0, inclusive: true, input: -1 },
      'Too small: expected number to be >=0',
    ],
    [
      'a number at an exclusive minimum',
      { code: 'too_small', origin: 'number', minimum: 0, inclusive: false, input: 0 },
      'Too small: expected number to be >0',
    ],
    [
      'an integer below the safe range',
      {
        code: 'too_small',
        origin: 'int',
        minimum: Number.MIN_SAFE_INTEGER,
        inclusive: true,
        input: -1e20,
      },
      'Too small: expected int to be >=-9007199254740991',
    ],
    [
      'a long string',
      { code: 'too_big', origin: 'string', maximum: 64, inclusive: true, input: 'x'.repeat(65) },
      'Too big: expected string to have <=64 characters',
    ],
    [
      'a long list',
      { code: 'too_big', origin: 'array', maximum: 2, inclusive: true, input: [1, 2, 3] },
      'Too big: expected array to have <=2 items',
    ],
    [
      'a number above its maximum',
      { code: 'too_big', origin: 'number', maximum: 3600, inclusive: true, input: 3601 },
      'Too big: expected number to be <=3600',
    ],
    [
      'an integer above the safe range',
      {
        code: 'too_big',
        origin: 'int',
        maximum: Number.MAX_SAFE_INTEGER,
        inclusive: true,
        input: 1e20,
      },
      'Too big: expected int to be <=9007199254740991',
    ],
    [
      'a string not matching a pattern',
      { code: 'invalid_format', format: 'regex', pattern: '/^[a-z]+$/', input: 'A' },
      'Invalid string: must match pattern /^[a-z]+$/',
    ],
    ['a malformed URL', { code: 'invalid_format', format: 'url', input: 'ftp://x' }, 'Invalid URL'],
    [
      'a malformed date and time',
      { code: 'invalid_format', format: 'datetime', input: 'yesterday' },
      'Invalid ISO datetime',
    ],
    [
      'a format we have no name for',
      { code: 'invalid_format', format: 'tenant_id', input: 'x' },
      'Invalid tenant_id',
    ],
    ['a failed custom check without a message', { code: 'custom', input: 'x' }, 'Invalid input'],
  ])('words %s as zod English did', (_name, issue, expected) => {
    expect(englishMessage(issue)).toBe(expected);
    expect(englishMessage(issue)).toBe(zodEnglish(issue));
  });

  it('never repeats the input (it may be personal data)', () => {
    const secret = 'barbara.jensen@example.com';
    const issues: z.core.$ZodRawIssue[] = [
      { code: 'invalid_type', expected: 'array', input: secret },
      { code: 'invalid_value', values: ['add'], input: secret },
      { code: 'too_big', origin: 'string', maximum: 3, inclusive: true, input: secret },
      { code: 'invalid_format', format: 'regex', pattern: '/^a$/', input: secret },
      { code: 'invalid_format', format: 'url', input: secret },
      { code: 'custom', input: secret },
    ];
    for (const issue of issues) expect(englishMessage(issue)).not.toContain('barbara');
  });

  it('gives the message zod English gives for any value of a wrong type', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.constantFrom('string', 'array', 'object', 'number'),
        (input, expected) => {
          const issue: z.core.$ZodRawIssue = { code: 'invalid_type', expected, input };
          expect(englishMessage(issue)).toBe(zodEnglish(issue));
        },
      ),
    );
  });
});

describe('ENGLISH_MESSAGES', () => {
  it('words the issues of a parse, and leaves given messages alone', () => {
    const schema = z.object({
      name: z.string(),
      code: z.string().check(z.refine((text: string) => text === 'ok', 'must be ok')),
    });
    const parsed = schema.safeParse({ name: 1, code: 'no' }, ENGLISH_MESSAGES);
    expect(parsed.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([
      [['name'], 'Invalid input: expected string, received number'],
      [['code'], 'must be ok'],
    ]);
  });
});
