import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import {
  TENANT_ID_PATTERN,
  UnknownTokenIdError,
  generateToken,
  hashToken,
  isIsoDateTime,
  isValidTenantId,
  issueToken,
  newTenantRecord,
  revokeTokens,
  rotateTokens,
  readTenantTokenRecord,
  verifyToken,
} from '../../../lambdas/auth/tokens';
import type { TenantTokenRecord } from '../../../lambdas/auth/tokens';

const T0 = new Date('2026-01-01T00:00:00.000Z');
const hours = (n: number) => new Date(T0.getTime() + n * 3_600_000);

describe('generateToken', () => {
  it('is scim_ + 43 base64url characters (256 bits)', () => {
    const token = generateToken();
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(5), 'base64url')).toHaveLength(32);
  });

  it('does not repeat', () => {
    const tokens = new Set(Array.from({ length: 500 }, generateToken));
    expect(tokens.size).toBe(500);
  });
});

describe('hashToken', () => {
  it('is the SHA-256 hex digest (FIPS 180-2 "abc" vector)', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('verifyToken', () => {
  const first = issueToken(T0);
  const expiring = issueToken(T0, hours(2));
  const record: TenantTokenRecord = { tenantId: 'acme', tokens: [first.entry, expiring.entry] };

  it('returns the id of the matching active token', () => {
    expect(verifyToken(first.token, record, hours(1))).toBe(first.entry.id);
    expect(verifyToken(expiring.token, record, hours(1))).toBe(expiring.entry.id);
  });

  it('rejects an expired token, exactly at its expiry', () => {
    expect(verifyToken(expiring.token, record, hours(2))).toBeUndefined();
  });

  it.each([
    ['an unknown token', 'scim_unknown'],
    ['a token differing in case', () => first.token.toUpperCase()],
    ['the hash itself', () => first.entry.sha256],
    ['an empty string', ''],
  ])('rejects %s', (_name, token) => {
    expect(verifyToken(typeof token === 'function' ? token() : token, record, hours(1))).toBeUndefined();
  });

  it('rejects everything for a tenant with no tokens', () => {
    expect(verifyToken(first.token, { tenantId: 'acme', tokens: [] }, hours(1))).toBeUndefined();
  });

  it('never throws, whatever the presented token (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (token) => {
        expect(verifyToken(token, record, hours(1))).toBeUndefined();
      }),
    );
  });
});

describe('tenant ids', () => {
  it.each([
    ['acme', true],
    ['a1', true],
    ['contoso-emea-2', true],
    ['0abc', true],
    [`a${'b'.repeat(62)}`, true],
    [`a${'b'.repeat(63)}`, false],
    ['a', false],
    ['-acme', false],
    ['Acme', false],
    ['ac_me', false],
    ['ac.me', false],
    ['ac/me', false],
    ['acme\n', false],
  ])('%j -> %s', (tenantId, valid) => {
    expect(isValidTenantId(tenantId)).toBe(valid);
  });

  it('the pattern is anchored', () => {
    expect(TENANT_ID_PATTERN.source.startsWith('^')).toBe(true);
    expect(TENANT_ID_PATTERN.source.endsWith('$')).toBe(true);
  });
});

/** The record read from a secret document, or the issues found, as [path, message] pairs. */
const parseTenantTokenRecord = (value: unknown): TenantTokenRecord => {
  const read = readTenantTokenRecord(value);
  if ('issues' in read) throw new Error(JSON.stringify(read.issues));
  return read.record;
};
const issuesOf = (value: unknown): [readonly (string | number)[], string][] => {
  const read = readTenantTokenRecord(value);
  return 'issues' in read ? read.issues.map((issue) => [issue.path, issue.message]) : [];
};

describe('readTenantTokenRecord', () => {
  const valid = newTenantRecord('acme', T0).record;

  it('accepts a valid document', () => {
    expect(parseTenantTokenRecord(JSON.parse(JSON.stringify(valid)))).toEqual(valid);
  });

  it.each([
    ['no tokens array', { tenantId: 'acme' }],
    ['a bad tenant id', { ...valid, tenantId: 'ACME' }],
    ['an upper-case hash', { ...valid, tokens: [{ ...valid.tokens[0], sha256: 'A'.repeat(64) }] }],
    ['a short hash', { ...valid, tokens: [{ ...valid.tokens[0], sha256: 'a'.repeat(63) }] }],
    ['a bad date', { ...valid, tokens: [{ ...valid.tokens[0], createdAt: 'yesterday' }] }],
    ['not an object', 'acme'],
  ])('rejects %s', (_name, document) => {
    expect(readTenantTokenRecord(document)).not.toHaveProperty('record');
    expect(issuesOf(document).length).toBeGreaterThan(0);
  });

  it('keeps the known keys only', () => {
    const document = { ...valid, comment: 'x', tokens: [{ ...valid.tokens[0], note: 'y' }] };
    expect(parseTenantTokenRecord(document)).toStrictEqual(valid);
  });

  const entry = valid.tokens[0];
  it.each<[string, unknown, [(string | number)[], string][]]>([
    ['not an object', 'acme', [[[], 'Invalid input: expected object, received string']]],
    [
      'a bad tenant id and no tokens',
      { tenantId: 'ACME' },
      [
        [['tenantId'], 'Invalid string: must match pattern /^[a-z0-9][a-z0-9-]{1,62}$/'],
        [['tokens'], 'Invalid input: expected array, received undefined'],
      ],
    ],
    [
      'an empty id and a bad hash',
      { tenantId: 'acme', tokens: [{ ...entry, id: '', sha256: 'A'.repeat(64) }] },
      [
        [['tokens', 0, 'id'], 'Too small: expected string to have >=1 characters'],
        [['tokens', 0, 'sha256'], 'sha256 must be 64 lower-case hex digits'],
      ],
    ],
    [
      'an id of 65 characters',
      { tenantId: 'acme', tokens: [{ ...entry, id: 'x'.repeat(65) }] },
      [[['tokens', 0, 'id'], 'Too big: expected string to have <=64 characters']],
    ],
    [
      'dates that are not ISO date-times',
      { tenantId: 'acme', tokens: [{ ...entry, createdAt: 'yesterday', expiresAt: 5 }] },
      [
        [['tokens', 0, 'createdAt'], 'Invalid ISO datetime'],
        [['tokens', 0, 'expiresAt'], 'Invalid input: expected string, received number'],
      ],
    ],
  ])('names each problem in %s', (_name, document, problems) => {
    expect(issuesOf(document)).toEqual(problems);
  });

  it('counts the id length in characters, an emoji as one', () => {
    const record = { tenantId: 'acme', tokens: [{ ...entry, id: '😀'.repeat(64) }] };
    expect(parseTenantTokenRecord(record).tokens[0]?.id).toBe('😀'.repeat(64));
  });
});

describe('isIsoDateTime', () => {
  it.each([
    '2026-01-01T00:00:00Z',
    '2026-01-01T00:00:00.000Z',
    '2026-12-31T23:59:59.123456789Z',
    '2026-06-30T12:00:00+05:30',
    '2026-06-30T12:00:00-23:59',
    '2024-02-29T00:00:00Z',
    '2000-02-29T00:00:00Z',
    '0000-02-29T00:00:00Z',
  ])('accepts %s', (text) => {
    expect(isIsoDateTime(text)).toBe(true);
  });

  it.each([
    ['29 February of a common year', '2026-02-29T00:00:00Z'],
    ['29 February of a century not divisible by 400', '1900-02-29T00:00:00Z'],
    ['31 April', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 0', '2026-00-10T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['minute 60', '2026-01-01T00:60:00Z'],
    ['second 60', '2026-01-01T00:00:60Z'],
    ['no seconds', '2026-01-01T00:00Z'],
    ['no offset', '2026-01-01T00:00:00'],
    ['a lower-case t and z', '2026-01-01t00:00:00z'],
    ['a space for T', '2026-01-01 00:00:00Z'],
    ['an offset without a colon', '2026-01-01T00:00:00+0100'],
    ['an offset of 24 hours', '2026-01-01T00:00:00+24:00'],
    ['a five-digit year', '20260-01-01T00:00:00Z'],
    ['a signed year', '+2026-01-01T00:00:00Z'],
    ['a dot without digits', '2026-01-01T00:00:00.Z'],
    ['a date alone', '2026-01-01'],
  ])('rejects %s', (_name, text) => {
    expect(isIsoDateTime(text)).toBe(false);
  });

  /** A model of RFC 3339 with seconds and an offset, part by part (the parts are generated apart). */
  const inRange = (text: string, low: number, high: number): boolean => {
    const value = Number(text);
    return /^\d\d$/.test(text) && value >= low && value <= high;
  };
  const daysIn = (year: number, month: number): number =>
    month === 2
      ? year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)
        ? 29
        : 28
      : [4, 6, 9, 11].includes(month)
        ? 30
        : 31;
  const modelAccepts = (parts: readonly string[]): boolean => {
    const [y, m, d, h, min, s, fraction, offset] = parts;
    return (
      /^\d{4}$/.test(y) &&
      inRange(m, 1, 12) &&
      inRange(d, 1, inRange(m, 1, 12) ? daysIn(Number(y), Number(m)) : 31) &&
      inRange(h, 0, 23) &&
      inRange(min, 0, 59) &&
      s.startsWith(':') &&
      inRange(s.slice(1), 0, 59) &&
      /^(\.\d+)?$/.test(fraction) &&
      (offset === 'Z' ||
        (/^[+-]\d\d:\d\d$/.test(offset) &&
          inRange(offset.slice(1, 3), 0, 23) &&
          inRange(offset.slice(4), 0, 59)))
    );
  };

  it('accepts exactly the date-times of the model (property)', () => {
    const digits = (length: number) =>
      fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
    const part = (length: number, ...specials: string[]) =>
      fc.oneof(digits(length), fc.constantFrom(...specials));
    const dateTime = fc.tuple(
      part(4, '2000', '1900', '2024', '0000', '0400', '2100'),
      part(2, '01', '02', '04', '12', '13', '00'),
      part(2, '28', '29', '30', '31', '00', '32'),
      part(2, '00', '23', '24'),
      part(2, '00', '59', '60'),
      fc.constantFrom(':00', ':59', ':60', ''),
      fc.constantFrom('', '.5', '.123456789', '.'),
      fc.constantFrom('Z', 'z', '', '+01:00', '-23:59', '+24:00', '+0100', '-00:60'),
    );
    fc.assert(
      fc.property(dateTime, (parts) => {
        const [y, m, d, h, min, s, fraction, offset] = parts;
        expect(isIsoDateTime(`${y}-${m}-${d}T${h}:${min}${s}${fraction}${offset}`)).toBe(modelAccepts(parts));
      }),
      { numRuns: 5_000 },
    );
  });
});

describe('rotateTokens', () => {
  it('adds a new token and gives the old one the grace period', () => {
    const created = newTenantRecord('acme', T0);
    const rotated = rotateTokens(created.record, hours(10), 24);
    expect(rotated.record.tokens).toHaveLength(2);
    expect(rotated.record.tokens[0]).toEqual({
      ...created.record.tokens[0],
      expiresAt: hours(34).toISOString(),
    });
    expect(verifyToken(created.token, rotated.record, hours(33))).toBe(created.record.tokens[0]?.id);
    expect(verifyToken(created.token, rotated.record, hours(34))).toBeUndefined();
    expect(verifyToken(rotated.token, rotated.record, hours(1000))).toBe(rotated.tokenId);
  });

  it('keeps an earlier expiry and drops tokens already expired', () => {
    const soon = issueToken(T0, hours(5));
    const gone = issueToken(T0, hours(1));
    const rotated = rotateTokens({ tenantId: 'acme', tokens: [soon.entry, gone.entry] }, hours(2), 24);
    expect(rotated.record.tokens.map((entry) => entry.id)).toEqual([soon.entry.id, rotated.tokenId]);
    expect(rotated.record.tokens[0]?.expiresAt).toBe(hours(5).toISOString());
  });

  it('a zero grace period ends the old tokens at once', () => {
    const created = newTenantRecord('acme', T0);
    const rotated = rotateTokens(created.record, hours(1), 0);
    expect(verifyToken(created.token, rotated.record, hours(1))).toBeUndefined();
  });
});

describe('revokeTokens', () => {
  const a = issueToken(T0);
  const b = issueToken(T0);
  const record: TenantTokenRecord = { tenantId: 'acme', tokens: [a.entry, b.entry] };

  it('removes one token by id', () => {
    const revoked = revokeTokens(record, { tokenId: a.entry.id });
    expect(verifyToken(a.token, revoked, T0)).toBeUndefined();
    expect(verifyToken(b.token, revoked, T0)).toBe(b.entry.id);
  });

  it('removes every token', () => {
    expect(revokeTokens(record, { all: true }).tokens).toEqual([]);
  });

  it('an unknown token id is an error, not a silent no-op', () => {
    expect(() => revokeTokens(record, { tokenId: 'tok_nope' })).toThrow(UnknownTokenIdError);
  });
});
