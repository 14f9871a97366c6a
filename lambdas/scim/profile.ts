/**
 * Member profile normalisation (docs/product.md, "Member profile"): from a canonical SCIM User to the
 * profile the matching platform uses, plus what is missing or odd about it. Pure and total: a User
 * missing required fields is still a valid User (rejecting it would fail the admin's whole sync), so gaps
 * and odd values are reported in `completeness`, never thrown. Only a non-object input is an error.
 */
import { ScimError } from './errors';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { fieldsAtLevel, type ProfileField } from './profile/fields';
import { resolveLocale } from './profile/locale';
import {
  WarningLog,
  findOfType,
  getAttribute,
  getExtensionAttribute,
  isPrimary,
  parseBooleanText,
  readComplexValues,
  readText,
} from './profile/read';
import { summariseProfiles as summarise, type ProfileReport as Report } from './profile/report';
import { recogniseRole } from './profile/role';
import type { LocationProfile, MemberProfile, NormalisedProfile, RoleProfile } from './profile/types';
import type { ScimResource } from './resource';
import { ENTERPRISE_USER_URN, PROFILE_USER_URN } from './schema';

export { PROFILE_FIELDS, type ProfileField, type ProfileFieldLevel } from './profile/fields';
export { DEFAULT_LOCALE, SUPPORTED_LOCALES, mapLanguageTag, type SupportedLocale } from './profile/locale';
export { ROLE_SEGMENTS, recogniseRole, type RoleSegment } from './profile/role';
export * from './profile/types';
export {
  NOT_A_LANGUAGE_TAG,
  summariseProfiles,
  type ProfileReport,
  type ProfileReportEntry,
  type UserMissingRequired,
  type ValueCount,
} from './profile/report';

export interface NormaliseProfileOptions {
  /**
   * Our id of a user -> that user's email, used to derive the manager email from the enterprise
   * extension's `manager` reference when `managerEmail` is not mapped. See createManagerEmailResolver.
   * Called only then; what it throws propagates (it is the caller's lookup, not user input).
   */
  readonly resolveManagerEmail?: (managerId: string) => string | undefined;
}

const profileAttribute = (user: JsonObject, name: string): JsonValue | undefined =>
  getExtensionAttribute(user, PROFILE_USER_URN, name);

const profileAttributeName = (name: string): string => `${PROFILE_USER_URN}:${name}`;

/** A text attribute of the profile extension, named in warnings by its URN-qualified name. */
const readProfileText = (
  user: JsonObject,
  name: string,
  field: ProfileField,
  log: WarningLog,
): string | undefined => readText(profileAttribute(user, name), field, profileAttributeName(name), log);

const readNames = (user: JsonObject, log: WarningLog): { firstName?: string; lastName?: string } => {
  const name = getAttribute(user, 'name');
  if (name === undefined || name === null) return {};
  if (!isJsonObject(name)) {
    log.wrongType('firstName', 'name', 'a complex value');
    log.wrongType('lastName', 'name', 'a complex value');
    return {};
  }
  return {
    firstName: readText(getAttribute(name, 'givenName'), 'firstName', 'name.givenName', log),
    lastName: readText(getAttribute(name, 'familyName'), 'lastName', 'name.familyName', log),
  };
};

/** The work email, else the primary one, else the first one that has a value. */
const readEmail = (user: JsonObject, log: WarningLog): string | undefined => {
  const withValue = readComplexValues(getAttribute(user, 'emails'), 'email', 'emails', log)
    .map((element) => ({
      element,
      value: readText(getAttribute(element, 'value'), 'email', 'emails.value', log),
    }))
    .filter((candidate) => candidate.value !== undefined);
  const work = findOfType(
    withValue.map((candidate) => candidate.element),
    'work',
  );
  const chosen =
    withValue.find((candidate) => candidate.element === work) ??
    withValue.find((candidate) => isPrimary(candidate.element)) ??
    withValue[0];
  return chosen?.value;
};

const readRole = (user: JsonObject, log: WarningLog): RoleProfile => {
  const raw = readProfileText(user, 'managementLevel', 'managementLevel', log);
  const segment = raw === undefined ? undefined : recogniseRole(raw);
  if (raw !== undefined && segment === undefined) {
    log.add({
      field: 'managementLevel',
      code: 'unrecognisedRole',
      detail: `Management level is not a known Role segment; it is kept as sent.`,
      value: raw,
    });
  }
  return { segment, raw, recognised: segment !== undefined };
};

const PEOPLE_MANAGER_TEXT: ReadonlyMap<string, boolean> = new Map([
  ['yes', true],
  ['true', true],
  ['no', false],
  ['false', false],
]);

/**
 * yes/no/true/false in any case, or a JSON boolean. The SCIM layer rejects anything else with
 * invalidValue; a stored odd value is still flagged here rather than thrown, and not echoed.
 */
const readPeopleManager = (user: JsonObject, log: WarningLog): boolean | undefined => {
  const value = profileAttribute(user, 'peopleManager');
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === '') return undefined;
    const parsed = PEOPLE_MANAGER_TEXT.get(text);
    if (parsed !== undefined) return parsed;
  }
  log.add({
    field: 'peopleManager',
    code: 'invalidPeopleManager',
    detail: `Attribute "${profileAttributeName('peopleManager')}" should be yes/no or true/false; it was ignored.`,
  });
  return undefined;
};

/** Entra sends the manager as a bare id, as {"value": id} (canonical), or (legacy) as [{"value": id}]. */
const readManagerId = (user: JsonObject, log: WarningLog): string | undefined => {
  const attribute = `${ENTERPRISE_USER_URN}:manager`;
  const manager = getExtensionAttribute(user, ENTERPRISE_USER_URN, 'manager');
  if (manager === undefined || manager === null) return undefined;
  if (typeof manager === 'string') return readText(manager, 'managerEmail', attribute, log);
  if (Array.isArray(manager) && manager.length === 0) return undefined;
  const reference = Array.isArray(manager) ? manager[0] : manager;
  if (!isJsonObject(reference)) {
    log.wrongType('managerEmail', attribute, 'a manager reference');
    return undefined;
  }
  const id = getAttribute(reference, 'value');
  if (typeof id !== 'string') {
    if (id !== undefined && id !== null) log.wrongType('managerEmail', `${attribute}.value`, 'a string');
    return undefined;
  }
  return id.trim() === '' ? undefined : id.trim();
};

const readManagerEmail = (
  user: JsonObject,
  options: NormaliseProfileOptions,
  log: WarningLog,
): string | undefined => {
  const mapped = readProfileText(user, 'managerEmail', 'managerEmail', log);
  if (mapped !== undefined || options.resolveManagerEmail === undefined) return mapped;
  const managerId = readManagerId(user, log);
  if (managerId === undefined) return undefined;
  const derived: unknown = options.resolveManagerEmail(managerId);
  return typeof derived === 'string' && derived.trim() !== '' ? derived.trim() : undefined;
};

/** Only the work address: a home address is more personal than matching needs. */
const readLocation = (user: JsonObject, log: WarningLog): LocationProfile => {
  const addresses = readComplexValues(getAttribute(user, 'addresses'), 'location', 'addresses', log);
  const work = findOfType(addresses, 'work');
  return {
    city:
      work && readText(getAttribute(work, 'locality'), 'location', 'addresses[type eq "work"].locality', log),
    country:
      work && readText(getAttribute(work, 'country'), 'location', 'addresses[type eq "work"].country', log),
    office: readProfileText(user, 'office', 'location', log),
  };
};

const readLocale = (
  user: JsonObject,
  log: WarningLog,
): { locale: MemberProfile['locale']; present: boolean } => {
  const locale = readText(getAttribute(user, 'locale'), 'locale', 'locale', log);
  const preferredLanguage = readText(
    getAttribute(user, 'preferredLanguage'),
    'locale',
    'preferredLanguage',
    log,
  );
  const resolution = resolveLocale(locale, preferredLanguage);
  if (resolution.unsupported) {
    log.add({
      field: 'locale',
      code: 'unsupportedLocale',
      detail: 'Locale is not in a supported language (en-US, fr-CA, es-ES, ko, ja); en-US is used.',
      ...(resolution.unsupported.value === undefined ? {} : { value: resolution.unsupported.value }),
    });
  }
  return { locale: resolution.locale, present: resolution.hasSourceValue };
};

/** `active` defaults to true: Entra only sends it when the admin maps a status. */
const readActive = (user: JsonObject, log: WarningLog): { active: boolean; present: boolean } => {
  const value = getAttribute(user, 'active');
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { active: true, present: false };
  }
  const active = parseBooleanText(value);
  if (active !== undefined) return { active, present: true };
  log.add({
    field: 'status',
    code: 'invalidActive',
    detail: 'Attribute "active" should be true or false; the user is treated as active.',
  });
  return { active: true, present: true };
};

export const normaliseProfile = (
  user: ScimResource | JsonObject,
  options: NormaliseProfileOptions = {},
): NormalisedProfile => {
  // The type says object, but stored or decoded data may not honour it.
  if (!isJsonObject(user)) throw ScimError.invalidValue('A User must be a JSON object.');
  const log = new WarningLog();
  const { firstName, lastName } = readNames(user, log);
  const email = readEmail(user, log);
  const role = readRole(user, log);
  const jobTitle = readText(getAttribute(user, 'title'), 'jobTitle', 'title', log);
  const businessUnit = readProfileText(user, 'businessUnit', 'businessUnit', log);
  const jobFunction = readProfileText(user, 'jobFunction', 'jobFunction', log);
  const peopleManager = readPeopleManager(user, log);
  const managerEmail = readManagerEmail(user, options, log);
  const location = readLocation(user, log);
  const locale = readLocale(user, log);
  const status = readActive(user, log);

  const present: Readonly<Record<ProfileField, boolean>> = {
    firstName: firstName !== undefined,
    lastName: lastName !== undefined,
    email: email !== undefined,
    managementLevel: role.raw !== undefined,
    jobTitle: jobTitle !== undefined,
    businessUnit: businessUnit !== undefined,
    jobFunction: jobFunction !== undefined,
    peopleManager: peopleManager !== undefined,
    managerEmail: managerEmail !== undefined,
    location: location.city !== undefined || location.country !== undefined || location.office !== undefined,
    locale: locale.present,
    status: status.present,
  };
  const missingAt = (level: 'required' | 'recommended' | 'optional'): ProfileField[] =>
    fieldsAtLevel(level).filter((field) => !present[field]);

  return {
    profile: {
      firstName,
      lastName,
      email,
      role,
      jobTitle,
      businessUnit,
      jobFunction,
      peopleManager,
      managerEmail,
      location,
      locale: locale.locale,
      active: status.active,
    },
    completeness: {
      missingRequired: missingAt('required'),
      missingRecommended: missingAt('recommended'),
      missingOptional: missingAt('optional'),
      warnings: log.warnings,
    },
  };
};

/**
 * A resolveManagerEmail over a tenant's users (e.g. every user the report reads): our id -> that user's
 * email, chosen by the same rule as the profile email.
 */
export const createManagerEmailResolver = (
  users: readonly (ScimResource | JsonObject)[],
): ((managerId: string) => string | undefined) => {
  const emailById = new Map<string, string>();
  for (const user of users) {
    if (!isJsonObject(user)) continue;
    const id = getAttribute(user, 'id');
    const email = readEmail(user, new WarningLog());
    if (typeof id === 'string' && email !== undefined) emailById.set(id, email);
  }
  return (managerId) => emailById.get(managerId);
};

/** The completeness report of a tenant's users (the tenant CLI's `report`, the setup page's status panel). */
export const buildProfileReport = (users: readonly ScimResource[]): Report => {
  const resolveManagerEmail = createManagerEmailResolver(users);
  return summarise(
    users.map((user) => ({ id: user.id, profile: normaliseProfile(user, { resolveManagerEmail }) })),
  );
};
