import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import {
  TENANT_ID_PATTERN,
  UnknownTokenIdError,
  generateToken,
  hashToken,
  isValidTenantId,
  issueToken,
  newTenantRecord,
  parseTenantTokenRecord,
  revokeTokens,
  rotateTokens,
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

describe('parseTenantTokenRecord', () => {
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
    expect(() => parseTenantTokenRecord(document)).toThrow();
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
