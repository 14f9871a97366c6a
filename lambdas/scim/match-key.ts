/**
 * The one comparison key of a string value: what uniqueness lookups (lambdas/store/keys.ts), filters
 * (filter/evaluate.ts) and PATCH element matching compare, so `userName eq "ａｄａ"` finds the user that a
 * second "ada" could not be created beside. Only keys are normalised; stored and returned values stay as
 * sent.
 *
 * Differences nobody can see never count, for every string:
 * - canonically equivalent sequences are one (NFC: precomposed "é" = "e" + U+0301);
 * - default-ignorable code points are dropped (zero-width space/joiners U+200B–U+200D, word joiner
 *   U+2060, BOM U+FEFF, soft hyphen, bidi controls, variation selectors, Hangul fillers): they render as
 *   nothing, so "ada" with a U+200B inside must not be a second "ada";
 * - leading and trailing white space is trimmed.
 *
 * Where the attribute is case-insensitive (caseExact false: userName, Group displayName, emails.value),
 * differences a reader is meant to ignore do not count either: letter case, and compatibility variants
 * (NFKC: full-width "ａｄａ" = "ada", "ﬁ" = "fi", "①" = "1", "x²" = "x2", mathematical bold "𝐚" = "a").
 * NFKC also folds a few pairs that are arguably distinct ("x²" and "x2"); for a case-insensitive
 * identifier that is the safe side: a false clash is a visible 409 an admin can resolve, a missed one is a
 * silent duplicate account. Case-exact attributes (externalId, ids, member values: opaque identifiers of
 * another system) are NOT folded by NFKC: there "x²" and "x2" are different identifiers.
 */

/** Printable ASCII: every step below is the identity on it except trimming and lower-casing. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;

export const matchKey = (value: string, caseExact: boolean): string => {
  if (PRINTABLE_ASCII.test(value)) return caseExact ? value.trim() : value.trim().toLowerCase();
  if (caseExact) return value.normalize('NFC').replace(INVISIBLE, '').trim().normalize('NFC');
  // NFKC again after lower-casing: a lower-case mapping may leave a sequence that is not normalised.
  return value.normalize('NFKC').replace(INVISIBLE, '').trim().toLowerCase().normalize('NFKC');
};

/** A string with nothing a reader can see (empty, white space, invisible characters only). */
export const isBlank = (value: string): boolean => matchKey(value, true) === '';
