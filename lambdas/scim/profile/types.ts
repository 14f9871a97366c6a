import type { ProfileField } from './fields';
import type { SupportedLocale } from './locale';
import type { RoleSegment } from './role';

export interface RoleProfile {
  /** The canonical Role segment, when the management level was recognised. */
  readonly segment: RoleSegment | undefined;
  /** The management level as sent (trimmed), kept even when unrecognised. */
  readonly raw: string | undefined;
  readonly recognised: boolean;
}

export interface LocationProfile {
  readonly city: string | undefined;
  readonly country: string | undefined;
  readonly office: string | undefined;
}

/** What the matching platform uses of a User. */
export interface MemberProfile {
  readonly firstName: string | undefined;
  readonly lastName: string | undefined;
  readonly email: string | undefined;
  readonly role: RoleProfile;
  readonly jobTitle: string | undefined;
  readonly businessUnit: string | undefined;
  readonly jobFunction: string | undefined;
  readonly peopleManager: boolean | undefined;
  readonly managerEmail: string | undefined;
  readonly location: LocationProfile;
  readonly locale: SupportedLocale;
  readonly active: boolean;
}

export const PROFILE_WARNING_CODES = [
  /** A management level that matches no Role segment spelling; `value` holds it. */
  'unrecognisedRole',
  /** locale/preferredLanguage in an unsupported language; `value` holds it when it looks like a tag. */
  'unsupportedLocale',
  /** peopleManager is not yes/no/true/false. The value is not echoed. */
  'invalidPeopleManager',
  /** active is not a boolean or "true"/"false"; the user is treated as active. */
  'invalidActive',
  /** An attribute of the wrong JSON type was ignored. */
  'wrongType',
] as const;

export type ProfileWarningCode = (typeof PROFILE_WARNING_CODES)[number];

/**
 * Warnings are safe to log and to show the tenant admin: they carry attribute names and, only for role
 * and locale codes (which are not personal data), the offending value.
 */
export interface ProfileWarning {
  readonly field: ProfileField;
  readonly code: ProfileWarningCode;
  readonly detail: string;
  readonly value?: string;
}

export interface ProfileCompleteness {
  readonly missingRequired: ProfileField[];
  readonly missingRecommended: ProfileField[];
  /** Optional fields with no source value (locale and status then take their defaults). */
  readonly missingOptional: ProfileField[];
  readonly warnings: ProfileWarning[];
}

export interface NormalisedProfile {
  readonly profile: MemberProfile;
  readonly completeness: ProfileCompleteness;
}
