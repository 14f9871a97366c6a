import { describe, expect, it } from '@jest/globals';

import {
  generateSetupCode,
  hashSetupCode,
  isWellFormedSetupCode,
  newSetupLink,
  sameDigest,
  setupLinkState,
  setupLinkUrl,
} from '../../../lambdas/setup/links';

const T0 = new Date('2026-03-01T12:00:00.000Z');

describe('setup codes', () => {
  it('are 256 random bits in base64url (43 characters), never twice the same', () => {
    const codes = new Set(Array.from({ length: 200 }, generateSetupCode));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(code, 'base64url')).toHaveLength(32);
      expect(isWellFormedSetupCode(code)).toBe(true);
    }
  });

  it.each([
    ['', false],
    ['a'.repeat(42), false],
    ['a'.repeat(44), false],
    ['a'.repeat(4000), false],
    [`${'a'.repeat(42)}=`, false],
    [`${'a'.repeat(42)}/`, false],
    [`${'a'.repeat(42)}%`, false],
    [42, false],
    [undefined, false],
  ])('%j well-formed: %s', (value, expected) => {
    expect(isWellFormedSetupCode(value)).toBe(expected);
  });

  it('hashes to SHA-256 hex; digests compare only when equal', () => {
    const hash = hashSetupCode('abc');
    expect(hash).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sameDigest(hash, hashSetupCode('abc'))).toBe(true);
    expect(sameDigest(hash, hashSetupCode('abd'))).toBe(false);
    expect(sameDigest(hash, '')).toBe(false);
    expect(sameDigest('', '')).toBe(false);
  });

  it('builds the link URL under /setup of the API base', () => {
    expect(setupLinkUrl('https://scim.example.com/', 'CODE')).toBe('https://scim.example.com/setup/CODE');
  });
});

describe('a new link', () => {
  it('stores only the hash of its code, expires after the given days, and is open, then expired', () => {
    const { link, code } = newSetupLink('acme', T0, 2);
    expect(link).toEqual({
      tenantId: 'acme',
      codeSha256: hashSetupCode(code),
      createdAt: T0.toISOString(),
      expiresAt: '2026-03-03T12:00:00.000Z',
      revealAttempts: 0,
    });
    expect(setupLinkState(link, T0)).toBe('open');
    expect(setupLinkState({ ...link, revealedAt: T0.toISOString() }, T0)).toBe('revealed');
    expect(setupLinkState(link, new Date('2026-03-03T12:00:00.000Z'))).toBe('expired');
  });
});
