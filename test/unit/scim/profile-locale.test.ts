import { describe, expect, it } from '@jest/globals';
import { mapLanguageTag, type SupportedLocale } from '../../../lambdas/scim/profile';
import { parsePreferredLanguage, resolveLocale } from '../../../lambdas/scim/profile/locale';

describe('mapLanguageTag', () => {
  const SUPPORTED: readonly (readonly [string, SupportedLocale])[] = [
    // Supported as is.
    ['en-US', 'en-US'],
    ['fr-CA', 'fr-CA'],
    ['es-ES', 'es-ES'],
    ['ko', 'ko'],
    ['ja', 'ja'],
    // Other regions and bare languages map to the supported variant.
    ['en', 'en-US'],
    ['en-GB', 'en-US'],
    ['en-AU', 'en-US'],
    ['fr', 'fr-CA'],
    ['fr-FR', 'fr-CA'],
    ['fr-BE', 'fr-CA'],
    ['es', 'es-ES'],
    ['es-MX', 'es-ES'],
    ['es-419', 'es-ES'],
    ['ko-KR', 'ko'],
    ['ja-JP', 'ja'],
    // Any case, `_` for `-`, surrounding whitespace, POSIX suffixes, script subtags.
    ['fr_fr', 'fr-CA'],
    ['FR_CA', 'fr-CA'],
    ['EN-us', 'en-US'],
    ['en_US', 'en-US'],
    ['  ja-JP  ', 'ja'],
    ['KO', 'ko'],
    ['fr_FR.UTF-8', 'fr-CA'],
    ['es_ES@euro', 'es-ES'],
    ['ko-Kore-KR', 'ko'],
  ];

  it.each(SUPPORTED)('maps %j to %s', (tag, locale) => {
    expect(mapLanguageTag(tag)).toBe(locale);
  });

  it.each([
    'de-DE',
    'de',
    'zh-Hant-TW',
    'pt-BR',
    'it',
    'French',
    'english',
    'e',
    'en--US',
    'en-',
    '-en',
    '',
    ' ',
    'fr FR',
    '*',
  ])('does not map %j', (tag) => {
    expect(mapLanguageTag(tag)).toBeUndefined();
  });
});

describe('parsePreferredLanguage (RFC 7643 §4.1.1: Accept-Language form)', () => {
  it.each([
    ['en-US', ['en-US']],
    ['da, en-gb;q=0.8, en;q=0.7', ['da', 'en-gb', 'en']],
    ['en;q=0.5, fr-CA', ['fr-CA', 'en']],
    ['de;q=0.9, ja;q=0.9, ko;q=1', ['ko', 'de', 'ja']],
    ['*, fr', ['fr']],
    ['fr;q=0, en', ['en']],
    ['fr;q=banana, en', ['en']],
    ['fr;Q=0.5, en;q=0.25', ['fr', 'en']],
    ['fr;level=1, en', ['fr', 'en']],
    [' , ,', []],
  ] as const)('%j -> %j', (value, tags) => {
    expect(parsePreferredLanguage(value)).toEqual(tags);
  });
});

describe('resolveLocale', () => {
  it('defaults to en-US quietly when neither locale nor preferredLanguage is present', () => {
    expect(resolveLocale(undefined, undefined)).toEqual({ locale: 'en-US', hasSourceValue: false });
  });

  it('prefers locale over preferredLanguage', () => {
    expect(resolveLocale('ja-JP', 'fr')).toEqual({ locale: 'ja', hasSourceValue: true });
  });

  it('falls back to preferredLanguage when locale is absent', () => {
    expect(resolveLocale(undefined, 'es-MX')).toEqual({ locale: 'es-ES', hasSourceValue: true });
  });

  it('falls back to preferredLanguage when locale is in an unsupported language', () => {
    expect(resolveLocale('de-DE', 'fr-FR')).toEqual({ locale: 'fr-CA', hasSourceValue: true });
  });

  it('takes the most preferred supported language of an Accept-Language list', () => {
    expect(resolveLocale(undefined, 'de, ko;q=0.5, fr;q=0.8')).toEqual({
      locale: 'fr-CA',
      hasSourceValue: true,
    });
  });

  it('uses en-US and reports the first value when nothing is supported', () => {
    expect(resolveLocale('de-DE', 'it')).toEqual({
      locale: 'en-US',
      hasSourceValue: true,
      unsupported: { value: 'de-DE' },
    });
  });

  it('does not echo an unsupported value that is not shaped like a language tag', () => {
    expect(resolveLocale('jane.doe@example.com', undefined)).toEqual({
      locale: 'en-US',
      hasSourceValue: true,
      unsupported: { value: undefined },
    });
  });

  it('flags a preferredLanguage that is only a wildcard, without echoing it', () => {
    expect(resolveLocale(undefined, '*')).toEqual({
      locale: 'en-US',
      hasSourceValue: true,
      unsupported: { value: undefined },
    });
  });
});
