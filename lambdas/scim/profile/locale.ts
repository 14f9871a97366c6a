/**
 * Locale: the platform speaks en-US, fr-CA, es-ES, ko and ja. Any region of one of those languages is
 * served in the supported variant (fr-FR -> fr-CA); anything else falls back to en-US and is flagged.
 */
export const SUPPORTED_LOCALES = ['en-US', 'fr-CA', 'es-ES', 'ko', 'ja'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: SupportedLocale = 'en-US';

const LOCALE_BY_LANGUAGE: ReadonlyMap<string, SupportedLocale> = new Map([
  ['en', 'en-US'],
  ['fr', 'fr-CA'],
  ['es', 'es-ES'],
  ['ko', 'ko'],
  ['ja', 'ja'],
]);

/** BCP 47-ish: a 2-3 letter language, then subtags. `_` is accepted for `-` (POSIX and Java spell it so). */
const LANGUAGE_TAG = /^([a-z]{2,3})(?:-[a-z0-9]{1,8})*$/;

/**
 * "fr_FR", "FR-fr", "fr-CA", "fr", "fr_FR.UTF-8" -> 'fr-CA'; "de-DE", "french", "" -> undefined.
 * The POSIX encoding/modifier suffix (".UTF-8", "@euro") is ignored.
 */
export const mapLanguageTag = (tag: string): SupportedLocale | undefined => {
  const bare = tag.trim().split(/[.@]/, 1)[0] ?? '';
  const match = LANGUAGE_TAG.exec(bare.replace(/_/g, '-').toLowerCase());
  return match?.[1] === undefined ? undefined : LOCALE_BY_LANGUAGE.get(match[1]);
};

/** Only values shaped like a language tag are echoed in warnings: a mis-mapped field could hold anything. */
const TAG_LIKE = /^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$/;

const QUALITY = /^q=(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * RFC 7643 §4.1.1: preferredLanguage has the form of an Accept-Language header, e.g.
 * "da, en-gb;q=0.8, en;q=0.7". Returns the language tags, most preferred first; `*`, q=0 and ranges with
 * an unreadable weight are dropped. A single plain tag ("en-US") yields itself.
 */
export const parsePreferredLanguage = (value: string): string[] =>
  value
    .split(',')
    .map((range, position) => {
      const [tag = '', ...parameters] = range.split(';').map((part) => part.trim());
      const qualityParameter = parameters.find((parameter) => /^q=/i.test(parameter));
      const quality = qualityParameter === undefined ? 1 : qualityOf(qualityParameter);
      return { tag, quality, position };
    })
    .filter((range) => range.tag !== '' && range.tag !== '*' && range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.position - b.position)
    .map((range) => range.tag);

const qualityOf = (parameter: string): number => {
  const match = QUALITY.exec(parameter);
  return match?.[1] === undefined ? 0 : Number(match[1]);
};

export interface LocaleResolution {
  readonly locale: SupportedLocale;
  /** True when a source value was present (even one that could not be used). */
  readonly hasSourceValue: boolean;
  /** Set when values were present but none maps to a supported language. */
  readonly unsupported?: { readonly value: string | undefined };
}

/**
 * `locale` first, then the ranges of `preferredLanguage` in preference order; the first one in a
 * supported language wins. Absent values -> en-US quietly; present but unusable -> en-US, flagged.
 */
export const resolveLocale = (
  locale: string | undefined,
  preferredLanguage: string | undefined,
): LocaleResolution => {
  const candidates = [
    ...(locale === undefined ? [] : [locale]),
    ...(preferredLanguage === undefined ? [] : parsePreferredLanguage(preferredLanguage)),
  ];
  for (const candidate of candidates) {
    const supported = mapLanguageTag(candidate);
    if (supported !== undefined) return { locale: supported, hasSourceValue: true };
  }
  const hasSourceValue = locale !== undefined || preferredLanguage !== undefined;
  if (!hasSourceValue) return { locale: DEFAULT_LOCALE, hasSourceValue };
  const first = (candidates[0] ?? locale ?? preferredLanguage ?? '').trim();
  return {
    locale: DEFAULT_LOCALE,
    hasSourceValue,
    unsupported: { value: TAG_LIKE.test(first) ? first : undefined },
  };
};
