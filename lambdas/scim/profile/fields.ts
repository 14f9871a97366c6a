/**
 * The member profile fields of the setup guide (docs/product.md, "Member profile"), as data: the
 * completeness lists, the tenant report and the mapping tables of the README and docs/product.md all follow this order.
 */
import { PROFILE_USER_URN } from '../schema';

export type ProfileFieldLevel = 'required' | 'recommended' | 'optional';

export type ProfileField =
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'managementLevel'
  | 'jobTitle'
  | 'businessUnit'
  | 'jobFunction'
  | 'peopleManager'
  | 'managerEmail'
  | 'location'
  | 'locale'
  | 'status';

export interface ProfileFieldDefinition {
  readonly field: ProfileField;
  readonly label: string;
  readonly level: ProfileFieldLevel;
  /** Where the value arrives, as an admin would write the target attribute in Entra. */
  readonly scimAttribute: string;
}

export const PROFILE_FIELDS: readonly ProfileFieldDefinition[] = [
  { field: 'firstName', label: 'First name', level: 'required', scimAttribute: 'name.givenName' },
  { field: 'lastName', label: 'Last name', level: 'required', scimAttribute: 'name.familyName' },
  { field: 'email', label: 'Email', level: 'required', scimAttribute: 'emails[type eq "work"].value' },
  {
    field: 'managementLevel',
    label: 'Management level',
    level: 'required',
    scimAttribute: `${PROFILE_USER_URN}:managementLevel`,
  },
  { field: 'jobTitle', label: 'Job title', level: 'recommended', scimAttribute: 'title' },
  {
    field: 'businessUnit',
    label: 'Business unit',
    level: 'recommended',
    scimAttribute: `${PROFILE_USER_URN}:businessUnit`,
  },
  {
    field: 'jobFunction',
    label: 'Job function',
    level: 'recommended',
    scimAttribute: `${PROFILE_USER_URN}:jobFunction`,
  },
  {
    field: 'peopleManager',
    label: 'People manager status',
    level: 'recommended',
    scimAttribute: `${PROFILE_USER_URN}:peopleManager`,
  },
  {
    field: 'managerEmail',
    label: 'Manager email',
    level: 'recommended',
    scimAttribute: `${PROFILE_USER_URN}:managerEmail`,
  },
  {
    field: 'location',
    label: 'City, country or office',
    level: 'optional',
    scimAttribute: `addresses[type eq "work"].locality / .country, ${PROFILE_USER_URN}:office`,
  },
  { field: 'locale', label: 'Locale', level: 'optional', scimAttribute: 'locale (else preferredLanguage)' },
  { field: 'status', label: 'Status', level: 'optional', scimAttribute: 'active' },
];

export const fieldsAtLevel = (level: ProfileFieldLevel): ProfileField[] =>
  PROFILE_FIELDS.filter((definition) => definition.level === level).map((definition) => definition.field);
