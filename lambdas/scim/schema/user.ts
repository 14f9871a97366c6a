/** The core User schema, RFC 7643 §4.1 and §8.7.1, plus the §3.1 common attributes (see common.ts). */
import { COMMON_ATTRIBUTES } from './common';
import { attribute, complexAttribute, multiValuedWithType, stringAttribute } from './define';
import type { SchemaDefinition } from './types';
import { CORE_USER_URN } from './urns';

const nameAttribute = complexAttribute('name', [
  stringAttribute('formatted'),
  stringAttribute('familyName'),
  stringAttribute('givenName'),
  stringAttribute('middleName'),
  stringAttribute('honorificPrefix'),
  stringAttribute('honorificSuffix'),
]);

const addressesAttribute = complexAttribute(
  'addresses',
  [
    stringAttribute('formatted'),
    stringAttribute('streetAddress'),
    stringAttribute('locality'),
    stringAttribute('region'),
    stringAttribute('postalCode'),
    stringAttribute('country'),
    stringAttribute('type', { canonicalValues: ['work', 'home', 'other'] }),
    // §8.7.1 omits it, but §4.1.2 and §2.4 give every multi-valued address a "primary" flag.
    attribute('primary', 'boolean'),
  ],
  { multiValued: true },
);

const groupsAttribute = complexAttribute(
  'groups',
  [
    stringAttribute('value', { mutability: 'readOnly' }),
    attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
    stringAttribute('display', { mutability: 'readOnly' }),
    stringAttribute('type', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
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
    stringAttribute('userName', { required: true, uniqueness: 'server' }),
    nameAttribute,
    stringAttribute('displayName'),
    stringAttribute('nickName'),
    attribute('profileUrl', 'reference', { referenceTypes: ['external'] }),
    stringAttribute('title'),
    stringAttribute('userType'),
    stringAttribute('preferredLanguage'),
    stringAttribute('locale'),
    stringAttribute('timezone'),
    attribute('active', 'boolean'),
    // No password (RFC 7643 lists one): we never store passwords and the IPSIE profile forbids offering
    // one, so /Schemas does not list it. One that arrives (Okta's password sync) is dropped as an undefined
    // attribute, and not reported as a lost mapping (normalise.ts DROPPED_ON_PURPOSE).
    multiValuedWithType('emails', { typeCanonicalValues: ['work', 'home', 'other'] }),
    multiValuedWithType('phoneNumbers', {
      typeCanonicalValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'],
    }),
    multiValuedWithType('ims', {
      typeCanonicalValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValuedWithType('photos', {
      valueType: 'reference',
      referenceTypes: ['external'],
      typeCanonicalValues: ['photo', 'thumbnail'],
    }),
    addressesAttribute,
    groupsAttribute,
    // RFC 7643 names no vocabulary for these types; canonicalValues only suggest (other values are kept,
    // a case-insensitive match takes the canonical spelling). Entra sends app roles with the first roles type.
    multiValuedWithType('entitlements', { typeCanonicalValues: ['license', 'permission', 'other'] }),
    multiValuedWithType('roles', { typeCanonicalValues: ['WindowsAzureActiveDirectoryRole', 'other'] }),
    multiValuedWithType('x509Certificates', {
      valueType: 'binary',
      typeCanonicalValues: ['work', 'home', 'other'],
    }),
  ],
};
