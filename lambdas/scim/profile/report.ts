/**
 * The tenant CLI's `report`: how complete the tenant's member profiles are, so the admin can be told
 * exactly what to map. Only active users count: inactive people are not matched. Holds ids, field names,
 * counts and role/locale codes only, never names or emails.
 */
import { PROFILE_FIELDS, type ProfileField } from './fields';
import { PROFILE_WARNING_CODES, type NormalisedProfile, type ProfileWarningCode } from './types';

export interface ProfileReportEntry {
  /** Our id of the user. */
  readonly id: string;
  readonly profile: NormalisedProfile;
}

export interface ValueCount {
  readonly value: string;
  readonly count: number;
}

export interface UserMissingRequired {
  readonly id: string;
  readonly missing: readonly ProfileField[];
}

export interface ProfileReport {
  readonly totalUsers: number;
  readonly activeUsers: number;
  readonly inactiveUsers: number;
  /** Per profile field, how many active users lack it. */
  readonly missingByField: Readonly<Record<ProfileField, number>>;
  /** Active users missing at least one required field, sorted by id. */
  readonly usersMissingRequired: readonly UserMissingRequired[];
  /** Unrecognised management levels among active users, most frequent first. */
  readonly unrecognisedRoles: readonly ValueCount[];
  /** Active users whose locale fell back to en-US because its language is not supported. */
  readonly localeWarnings: number;
  /** Their values, most frequent first; values not shaped like a language tag are grouped. */
  readonly unsupportedLocales: readonly ValueCount[];
  /** Active users' warnings of every kind, by code. */
  readonly warningsByCode: Readonly<Record<ProfileWarningCode, number>>;
}

export const NOT_A_LANGUAGE_TAG = '(not a language tag)';

/** Code-unit order, as a default sort orders strings. */
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const countValues = (values: readonly string[]): ValueCount[] => {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || compareText(a.value, b.value));
};

/** A count of 0 for each key. */
const zeroCounts = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;

export const summariseProfiles = (entries: readonly ProfileReportEntry[]): ProfileReport => {
  const active = entries.filter((entry) => entry.profile.profile.active);
  const missingByField = zeroCounts(PROFILE_FIELDS.map(({ field }) => field));
  const warningsByCode = zeroCounts(PROFILE_WARNING_CODES);
  const unrecognisedRoles: string[] = [];
  const unsupportedLocales: string[] = [];

  for (const { profile } of active) {
    const { missingRequired, missingRecommended, missingOptional, warnings } = profile.completeness;
    for (const field of [...missingRequired, ...missingRecommended, ...missingOptional])
      missingByField[field] += 1;
    for (const warning of warnings) {
      warningsByCode[warning.code] += 1;
      if (warning.code === 'unsupportedLocale') unsupportedLocales.push(warning.value ?? NOT_A_LANGUAGE_TAG);
    }
    const { role } = profile.profile;
    if (role.raw !== undefined && !role.recognised) unrecognisedRoles.push(role.raw);
  }

  return {
    totalUsers: entries.length,
    activeUsers: active.length,
    inactiveUsers: entries.length - active.length,
    missingByField,
    usersMissingRequired: active
      .filter(({ profile }) => profile.completeness.missingRequired.length > 0)
      .map(({ id, profile }) => ({ id, missing: profile.completeness.missingRequired }))
      .sort((a, b) => compareText(a.id, b.id)),
    unrecognisedRoles: countValues(unrecognisedRoles),
    localeWarnings: unsupportedLocales.length,
    unsupportedLocales: countValues(unsupportedLocales),
    warningsByCode,
  };
};
