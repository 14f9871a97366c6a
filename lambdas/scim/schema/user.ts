/** The core User schema, RFC 7643 §4.1 and §8.7.1, plus the §3.1 common attributes (see common.ts). */
import { COMMON_ATTRIBUTES } from './common';
import { attribute, complexAttribute, multiValuedWithType, stringAttribute } from './define';
import type { SchemaDefinition } from './types';
import { CORE_USER_URN } from './urns';

const nameAttribute = complexAttribute('name', "The components of the user's real name.", [
  stringAttribute(
    'formatted',
    'The full name, including all middle names, titles, and suffixes, formatted for display.',
  ),
  stringAttribute('familyName', 'The family name of the User, or last name.'),
  stringAttribute('givenName', 'The given name of the User, or first name.'),
  stringAttribute('middleName', 'The middle name(s) of the User.'),
  stringAttribute('honorificPrefix', 'The honorific prefix(es) of the User, or title, e.g. "Ms.".'),
  stringAttribute('honorificSuffix', 'The honorific suffix(es) of the User, or suffix, e.g. "III".'),
]);

const addressesAttribute = complexAttribute(
  'addresses',
  'A physical mailing address for this User.',
  [
    stringAttribute(
      'formatted',
      'The full mailing address, formatted for display or use with a mailing label.',
    ),
    stringAttribute('streetAddress', 'The full street address component.'),
    stringAttribute('locality', 'The city or locality component.'),
    stringAttribute('region', 'The state or region component.'),
    stringAttribute('postalCode', 'The zip code or postal code component.'),
    stringAttribute('country', 'The country name component (ISO 3166-1 alpha-2 when specified).'),
    stringAttribute('type', "A label indicating the attribute's function, e.g. 'work' or 'home'.", {
      canonicalValues: ['work', 'home', 'other'],
    }),
    // §8.7.1 omits it, but §4.1.2 and §2.4 give every multi-valued address a "primary" flag.
    attribute('primary', 'boolean', 'A Boolean value indicating the primary or preferred address.'),
  ],
  { multiValued: true },
);

const groupsAttribute = complexAttribute(
  'groups',
  'A list of groups to which the user belongs, either through direct membership or through nested groups.',
  [
    stringAttribute('value', "The identifier of the User's group.", { mutability: 'readOnly' }),
    attribute(
      '$ref',
      'reference',
      "The URI of the corresponding 'Group' resource to which the user belongs.",
      {
        mutability: 'readOnly',
        referenceTypes: ['User', 'Group'],
      },
    ),
    stringAttribute('display', 'A human-readable name, primarily used for display purposes.', {
      mutability: 'readOnly',
    }),
    stringAttribute('type', "A label indicating the attribute's function, e.g. 'direct' or 'indirect'.", {
      mutability: 'readOnly',
      canonicalValues: ['direct', 'indirect'],
    }),
  ],
  // A documented deviation from RFC 7643's "default": groups costs a Query per user, and Entra's hot path
  // (GET /Users?filter=userName eq ..., no attributes) would pay it on every match. Returned when asked
  // (attributes=groups); /Schemas says so.
  { multiValued: true, mutability: 'readOnly', returned: 'request' },
);

export const USER_CORE_SCHEMA: SchemaDefinition = {
  id: CORE_USER_URN,
  name: 'User',
  description: 'User Account',
  attributes: [
    ...COMMON_ATTRIBUTES,
    stringAttribute(
      'userName',
      'Unique identifier for the User, typically used by the user to directly authenticate.',
      {
        required: true,
        uniqueness: 'server',
      },
    ),
    nameAttribute,
    stringAttribute('displayName', 'The name of the User, suitable for display to end-users.'),
    stringAttribute('nickName', 'The casual way to address the user in real life.'),
    attribute(
      'profileUrl',
      'reference',
      "A fully qualified URL pointing to a page representing the User's online profile.",
      {
        referenceTypes: ['external'],
      },
    ),
    stringAttribute('title', 'The user\'s title, such as "Vice President".'),
    stringAttribute('userType', 'Used to identify the relationship between the organization and the user.'),
    stringAttribute(
      'preferredLanguage',
      "Indicates the User's preferred written or spoken language (RFC 7231 Accept-Language).",
    ),
    stringAttribute(
      'locale',
      "Used to indicate the User's default location for localizing items (e.g. 'en-US').",
    ),
    stringAttribute('timezone', "The User's time zone in the 'Olson' time zone database format."),
    attribute('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    // writeOnly and never returned. We accept it on input and do not store it (see normalise.ts).
    stringAttribute('password', "The User's cleartext password.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedWithType('emails', 'Email addresses for the user.', {
      valueDescription: 'Email addresses for the user, canonicalised per RFC 5321.',
      typeCanonicalValues: ['work', 'home', 'other'],
    }),
    multiValuedWithType('phoneNumbers', 'Phone numbers for the User.', {
      valueDescription: 'Phone number of the User.',
      typeCanonicalValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    multiValuedWithType('ims', 'Instant messaging addresses for the User.', {
      valueDescription: 'Instant messaging address for the User.',
      typeCanonicalValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValuedWithType('photos', 'URLs of photos of the User.', {
      valueType: 'reference',
      valueDescription: 'URL of a photo of the User.',
      referenceTypes: ['external'],
      typeCanonicalValues: ['photo', 'thumbnail'],
    }),
    addressesAttribute,
    groupsAttribute,
    multiValuedWithType(
      'entitlements',
      'A list of entitlements for the User that represent a thing the User has.',
      {
        valueDescription: 'The value of an entitlement.',
      },
    ),
    multiValuedWithType(
      'roles',
      'A list of roles for the User that collectively represent who the User is.',
      {
        valueDescription: 'The value of a role.',
      },
    ),
    multiValuedWithType('x509Certificates', 'A list of certificates issued to the User.', {
      valueType: 'binary',
      valueDescription: 'The value of an X.509 certificate (base64).',
    }),
  ],
};
