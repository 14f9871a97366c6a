import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import { isBlank, matchKey } from '../../../lambdas/scim/match-key';

const PRECOMPOSED = 'jos\u00e9';
const DECOMPOSED = 'jose\u0301';

describe('matchKey: one key for values nobody can tell apart', () => {
  // [case, a, b]: same key both case-insensitively and (for the invisible differences) case-exactly.
  it.each([
    ['precomposed and decomposed é (NFC)', PRECOMPOSED, DECOMPOSED],
    ['surrounding spaces', ' ada ', 'ada'],
    ['a tab and a no-break space', '\tada\u00a0', 'ada'],
    ['zero-width space inside', 'a\u200bda', 'ada'],
    ['zero-width non-joiner and joiner', 'a\u200cd\u200da', 'ada'],
    ['word joiner', 'ad\u2060a', 'ada'],
    ['byte-order mark in front', '\ufeffada', 'ada'],
    ['soft hyphen', 'a\u00adda', 'ada'],
    ['bidi override', '\u202eada', 'ada'],
    ['ideographic space around', '\u3000ada\u3000', 'ada'],
  ])('%s: one key in both modes', (_case, a, b) => {
    expect(matchKey(a, false)).toBe(matchKey(b, false));
    expect(matchKey(a, true)).toBe(matchKey(b, true));
  });

  it.each([
    ['letter case', 'ADA', 'ada'],
    ['full-width letters', '\uff41\uff44\uff41', 'ada'],
    ['full-width capitals', '\uff21\uff24\uff21', 'ada'],
    ['ligature', '\ufb01nn', 'finn'],
    ['mathematical bold', '\u{1d41a}\u{1d41d}\u{1d41a}', 'ada'],
    ['superscript two', 'x\u00b2', 'x2'],
    ['upper-case decomposed É', 'JOSE\u0301', PRECOMPOSED],
    ['full-width email', '\uff41\uff44\uff41\uff20\uff58\uff0e\uff49\uff4f', 'ada@x.io'],
  ])('%s: one key case-insensitively, two case-exactly', (_case, a, b) => {
    expect(matchKey(a, false)).toBe(matchKey(b, false));
    expect(matchKey(a, true)).not.toBe(matchKey(b, true));
  });

  it.each([
    ['different letters', 'ada', 'adb'],
    ['inner spaces count', 'ada lovelace', 'adalovelace'],
    ['an accent is not a base letter', PRECOMPOSED, 'jose'],
    ['German sharp s is not ss', 'stra\u00dfe', 'strasse'],
  ])('%s: distinct keys in both modes', (_case, a, b) => {
    expect(matchKey(a, false)).not.toBe(matchKey(b, false));
    expect(matchKey(a, true)).not.toBe(matchKey(b, true));
  });

  it('is idempotent, so a key built from a key finds the same item', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.boolean(), (value, caseExact) => {
        const key = matchKey(value, caseExact);
        expect(matchKey(key, caseExact)).toBe(key);
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees with the general path on printable ASCII (the fast path changes nothing)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }),
        (value) => {
          expect(matchKey(value, false)).toBe(value.normalize('NFKC').trim().toLowerCase());
          expect(matchKey(value, true)).toBe(value.trim());
        },
      ),
    );
  });
});

describe('isBlank', () => {
  it.each([
    ['', true],
    ['   ', true],
    ['\t\n', true],
    ['\u200b', true],
    ['\u00a0\ufeff\u2060', true],
    ['\u3164', true],
    [' a ', false],
    ['\u00e9', false],
    ['0', false],
  ])('%j -> %s', (value, blank) => {
    expect(isBlank(value)).toBe(blank);
  });
});
