/**
 * The RFC 7643 §7 "description" of every attribute, which only /Schemas serves. It is kept apart from the
 * definitions (user.ts, group.ts, ...) so that the users and groups Lambdas, which import those for
 * validation, filters, projection and PATCH, do not bundle several KiB of prose; only the discovery
 * Lambda imports this module (through discovery-documents.ts). Keyed by schema URN, then by attribute
 * path as the definitions spell it: "userName", "name.givenName". A unit test checks that every attribute
 * and sub-attribute has an entry and that every entry names one.
 */
import { CORE_GROUP_URN, CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN } from './urns';

type Descriptions = Readonly<Record<string, string>>;

/** RFC 7643 §3.1 common attributes, which both core schemas list (see common.ts). */
const COMMON_DESCRIPTIONS: Descriptions = {
  id: 'A unique identifier for a SCIM resource as defined by the service provider.',
  externalId: 'A String that is an identifier for the resource as defined by the provisioning client.',
  meta: 'A complex attribute containing resource metadata.',
  'meta.resourceType': 'The name of the resource type of the resource.',
  'meta.created': 'The "DateTime" that the resource was added to the service provider.',
  'meta.lastModified': 'The most recent DateTime that the details of this resource were updated.',
  'meta.location': 'The URI of the resource being returned.',
  'meta.version': 'The version of the resource being returned (a weak ETag).',
};

/** The value, display, type and primary sub-attributes that define.ts's multiValuedWithType builds. */
const multiValuedWithTypeDescriptions = (
  name: string,
  description: string,
  valueDescription: string,
): Descriptions => ({
  [name]: description,
  [`${name}.value`]: valueDescription,
  [`${name}.display`]: 'A human-readable name, primarily used for display purposes.',
  [`${name}.type`]: `A label indicating the attribute's function.`,
  [`${name}.primary`]: `A Boolean value indicating the 'primary' or preferred attribute value for this attribute. The primary attribute value 'true' MUST appear no more than once.`,
});

export const ATTRIBUTE_DESCRIPTIONS: Readonly<Record<string, Descriptions>> = {
  [CORE_USER_URN]: {
    ...COMMON_DESCRIPTIONS,
    userName: 'Unique identifier for the User, typically used by the user to directly authenticate.',
    name: "The components of the user's real name.",
    'name.formatted':
      'The full name, including all middle names, titles, and suffixes, formatted for display.',
    'name.familyName': 'The family name of the User, or last name.',
    'name.givenName': 'The given name of the User, or first name.',
    'name.middleName': 'The middle name(s) of the User.',
    'name.honorificPrefix': 'The honorific prefix(es) of the User, or title, e.g. "Ms.".',
    'name.honorificSuffix': 'The honorific suffix(es) of the User, or suffix, e.g. "III".',
    displayName: 'The name of the User, suitable for display to end-users.',
    nickName: 'The casual way to address the user in real life.',
    profileUrl: "A fully qualified URL pointing to a page representing the User's online profile.",
    title: 'The user\'s title, such as "Vice President".',
    userType: 'Used to identify the relationship between the organization and the user.',
    preferredLanguage:
      "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language).",
    locale: "Used to indicate the User's default location for localizing items (e.g. 'en-US').",
    timezone: "The User's time zone in the 'Olson' time zone database format.",
    active: "A Boolean value indicating the User's administrative status.",
    ...multiValuedWithTypeDescriptions(
      'emails',
      'Email addresses for the user.',
      'Email addresses for the user, canonicalised per RFC 5321.',
    ),
    ...multiValuedWithTypeDescriptions(
      'phoneNumbers',
      'Phone numbers for the User.',
      'Phone number of the User.',
    ),
    ...multiValuedWithTypeDescriptions(
      'ims',
      'Instant messaging addresses for the User.',
      'Instant messaging address for the User.',
    ),
    ...multiValuedWithTypeDescriptions(
      'photos',
      'URLs of photos of the User.',
      'URL of a photo of the User.',
    ),
    addresses: 'A physical mailing address for this User.',
    'addresses.formatted': 'The full mailing address, formatted for display or use with a mailing label.',
    'addresses.streetAddress': 'The full street address component.',
    'addresses.locality': 'The city or locality component.',
    'addresses.region': 'The state or region component.',
    'addresses.postalCode': 'The zip code or postal code component.',
    'addresses.country': 'The country name component (ISO 3166-1 alpha-2 when specified).',
    'addresses.type': "A label indicating the attribute's function, e.g. 'work' or 'home'.",
    'addresses.primary': 'A Boolean value indicating the primary or preferred address.',
    groups:
      'A list of groups to which the user belongs, either through direct membership or through nested groups.',
    'groups.value': "The identifier of the User's group.",
    'groups.$ref': "The URI of the corresponding 'Group' resource to which the user belongs.",
    'groups.display': 'A human-readable name, primarily used for display purposes.',
    'groups.type': "A label indicating the attribute's function, e.g. 'direct' or 'indirect'.",
    ...multiValuedWithTypeDescriptions(
      'entitlements',
      'A list of entitlements for the User that represent a thing the User has.',
      'The value of an entitlement.',
    ),
    ...multiValuedWithTypeDescriptions(
      'roles',
      'A list of roles for the User that collectively represent who the User is.',
      'The value of a role.',
    ),
    ...multiValuedWithTypeDescriptions(
      'x509Certificates',
      'A list of certificates issued to the User.',
      'The value of an X.509 certificate (base64).',
    ),
  },
  [ENTERPRISE_USER_URN]: {
    employeeNumber: 'Numeric or alphanumeric identifier assigned to a person by the organization.',
    costCenter: 'Identifies the name of a cost center.',
    organization: 'Identifies the name of an organization.',
    division: 'Identifies the name of a division.',
    department: 'Identifies the name of a department.',
    manager:
      "The User's manager. A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.",
    'manager.value': "The id of the SCIM resource representing the User's manager.",
    'manager.$ref': "The URI of the SCIM resource representing the User's manager.",
    'manager.displayName': "The displayName of the User's manager.",
  },
  [PROFILE_USER_URN]: {
    managementLevel:
      'Management level, mapped to a role segment (e.g. "Director", "Individual Contributor").',
    businessUnit: 'The business unit the person belongs to.',
    jobFunction: 'The job function of the person.',
    peopleManager: 'Whether the person manages other people. Accepts true/false and yes/no in any case.',
    managerEmail: "The email address of the person's manager.",
    office: 'The office the person works from.',
  },
  [CORE_GROUP_URN]: {
    ...COMMON_DESCRIPTIONS,
    displayName: 'A human-readable name for the Group.',
    members: 'A list of members of the Group.',
    'members.value': 'Identifier of the member of this Group.',
    'members.$ref': 'The URI corresponding to a SCIM resource that is a member of this Group.',
    'members.display': 'A human-readable name, primarily used for display purposes.',
    'members.type': 'A label indicating the type of resource, e.g. "User" or "Group".',
  },
};

/**
 * The description of the attribute at `path` ("name.givenName") of the schema `schemaId`. A missing entry
 * is a programming error (the unit test of this module prevents it), so it throws rather than serve a
 * schema without one.
 */
export const attributeDescription = (schemaId: string, path: string): string => {
  // Own properties only: a path such as "constructor" must not find Object.prototype's.
  const known =
    Object.hasOwn(ATTRIBUTE_DESCRIPTIONS, schemaId) && Object.hasOwn(ATTRIBUTE_DESCRIPTIONS[schemaId], path);
  if (!known) throw new Error(`No description for attribute ${path} of schema ${schemaId}`);
  return ATTRIBUTE_DESCRIPTIONS[schemaId][path];
};
