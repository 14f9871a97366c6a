import { describe, expect, it } from '@jest/globals';
import {
  ALL_SCHEMAS,
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_URN,
  GROUP_SCHEMA,
  LIST_RESPONSE_URN,
  PATCH_OP_URN,
  PROFILE_USER_SCHEMA,
  PROFILE_USER_URN,
  SEARCH_REQUEST_URN,
  USER_SCHEMA,
} from '../../../../lambdas/scim/schema';
import { resolveAttribute } from '../../../../lambdas/scim/schema/resolve';
import type {
  AttributeDefinition,
  ResourceSchema,
  SchemaDefinition,
} from '../../../../lambdas/scim/schema/types';

const TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED = ['always', 'never', 'default', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

/** [path, definition] for every attribute and sub-attribute of a schema. */
const walk = (schema: SchemaDefinition): [string, AttributeDefinition][] =>
  schema.attributes.flatMap((attribute) => [
    [`${schema.id}:${attribute.name}`, attribute] as [string, AttributeDefinition],
    ...(attribute.subAttributes ?? []).map(
      (sub) => [`${schema.id}:${attribute.name}.${sub.name}`, sub] as [string, AttributeDefinition],
    ),
  ]);

const every = ALL_SCHEMAS.flatMap(walk);

/** Looks an attribute up the way filters and PATCH paths do. */
const resolve = (schema: ResourceSchema, path: string, uri?: string): AttributeDefinition => {
  const [attribute = '', subAttribute] = path.split('.');
  const resolved = resolveAttribute(schema, {
    ...(uri ? { uri } : {}),
    attribute,
    ...(subAttribute ? { subAttribute } : {}),
  });
  if (!resolved) throw new Error(`cannot resolve ${path}`);
  return resolved.subAttribute ?? resolved.attribute;
};

describe('schema data: every attribute has every RFC 7643 §2.2 characteristic', () => {
  it.each(every)('%s', (_path, attribute) => {
    expect(typeof attribute.name).toBe('string');
    expect(attribute.name).toMatch(/^\$?[A-Za-z][\w-]*$/);
    expect(TYPES).toContain(attribute.type);
    expect(typeof attribute.multiValued).toBe('boolean');
    // The description is discovery-only data (descriptions.ts, tested in descriptions.test.ts).
    expect(attribute).not.toHaveProperty('description');
    expect(typeof attribute.required).toBe('boolean');
    expect(typeof attribute.caseExact).toBe('boolean');
    expect(MUTABILITY).toContain(attribute.mutability);
    expect(RETURNED).toContain(attribute.returned);
    expect(UNIQUENESS).toContain(attribute.uniqueness);
    // Complex attributes have sub-attributes, one level only (RFC 7643 §2.3.8); others have none.
    if (attribute.type === 'complex') {
      expect(attribute.subAttributes?.length).toBeGreaterThan(0);
      for (const sub of attribute.subAttributes ?? []) expect(sub.type).not.toBe('complex');
    } else {
      expect(attribute.subAttributes).toBeUndefined();
    }
    if (attribute.type === 'reference') expect(attribute.referenceTypes?.length).toBeGreaterThan(0);
    else expect(attribute.referenceTypes).toBeUndefined();
  });

  it('has no duplicate names (case-insensitively) within a schema or a complex attribute', () => {
    for (const schema of ALL_SCHEMAS) {
      const names = schema.attributes.map((attribute) => attribute.name.toLowerCase());
      expect(new Set(names).size).toBe(names.length);
      for (const attribute of schema.attributes) {
        const subs = (attribute.subAttributes ?? []).map((sub) => sub.name.toLowerCase());
        expect(new Set(subs).size).toBe(subs.length);
      }
    }
  });
});

describe('schema data: URNs', () => {
  it.each([
    [CORE_USER_URN, 'urn:ietf:params:scim:schemas:core:2.0:User'],
    [CORE_GROUP_URN, 'urn:ietf:params:scim:schemas:core:2.0:Group'],
    [ENTERPRISE_USER_URN, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    [PROFILE_USER_URN, 'urn:ietf:params:scim:schemas:extension:profile:2.0:User'],
    [LIST_RESPONSE_URN, 'urn:ietf:params:scim:api:messages:2.0:ListResponse'],
    [PATCH_OP_URN, 'urn:ietf:params:scim:api:messages:2.0:PatchOp'],
    [SEARCH_REQUEST_URN, 'urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
  ])('%s', (constant, expected) => {
    expect(constant).toBe(expected);
  });

  it('ties resource types to their schemas', () => {
    expect(USER_SCHEMA.resourceType).toMatchObject({ id: 'User', endpoint: '/Users', schema: CORE_USER_URN });
    expect(USER_SCHEMA.core.id).toBe(CORE_USER_URN);
    expect(USER_SCHEMA.extensions.map((schema) => schema.id)).toEqual([
      ENTERPRISE_USER_URN,
      PROFILE_USER_URN,
    ]);
    expect(USER_SCHEMA.resourceType.schemaExtensions).toEqual([
      { schema: ENTERPRISE_USER_URN, required: false },
      { schema: PROFILE_USER_URN, required: false },
    ]);
    expect(GROUP_SCHEMA.resourceType).toMatchObject({
      id: 'Group',
      endpoint: '/Groups',
      schema: CORE_GROUP_URN,
    });
    expect(GROUP_SCHEMA.core.id).toBe(CORE_GROUP_URN);
    expect(GROUP_SCHEMA.extensions).toEqual([]);
  });
});

describe('schema data: characteristics from RFC 7643 §3.1, §4 and §8.7.1', () => {
  it.each<[string, ResourceSchema, string, Partial<AttributeDefinition>]>([
    [
      'id',
      USER_SCHEMA,
      'id',
      { type: 'string', caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' },
    ],
    ['group id', GROUP_SCHEMA, 'id', { caseExact: true, mutability: 'readOnly', returned: 'always' }],
    [
      'externalId',
      USER_SCHEMA,
      'externalId',
      { type: 'string', caseExact: true, mutability: 'readWrite', returned: 'default' },
    ],
    ['group externalId', GROUP_SCHEMA, 'externalId', { caseExact: true, mutability: 'readWrite' }],
    ['meta', USER_SCHEMA, 'meta', { type: 'complex', mutability: 'readOnly', multiValued: false }],
    ['meta.lastModified', USER_SCHEMA, 'meta.lastModified', { type: 'dateTime', mutability: 'readOnly' }],
    ['meta.created', GROUP_SCHEMA, 'meta.created', { type: 'dateTime', mutability: 'readOnly' }],
    ['meta.location', USER_SCHEMA, 'meta.location', { type: 'reference', referenceTypes: ['uri'] }],
    ['meta.version', USER_SCHEMA, 'meta.version', { type: 'string', caseExact: true }],
    ['meta.resourceType', USER_SCHEMA, 'meta.resourceType', { type: 'string', caseExact: true }],
    [
      'userName',
      USER_SCHEMA,
      'userName',
      { type: 'string', required: true, caseExact: false, uniqueness: 'server', returned: 'default' },
    ],
    ['name', USER_SCHEMA, 'name', { type: 'complex', multiValued: false, required: false }],
    [
      'name.givenName',
      USER_SCHEMA,
      'name.givenName',
      { type: 'string', caseExact: false, mutability: 'readWrite' },
    ],
    ['profileUrl', USER_SCHEMA, 'profileUrl', { type: 'reference', referenceTypes: ['external'] }],
    ['active', USER_SCHEMA, 'active', { type: 'boolean', multiValued: false, mutability: 'readWrite' }],
    ['emails', USER_SCHEMA, 'emails', { type: 'complex', multiValued: true }],
    ['emails.type', USER_SCHEMA, 'emails.type', { canonicalValues: ['work', 'home', 'other'] }],
    ['emails.primary', USER_SCHEMA, 'emails.primary', { type: 'boolean' }],
    [
      'phoneNumbers.type',
      USER_SCHEMA,
      'phoneNumbers.type',
      { canonicalValues: ['work', 'home', 'mobile', 'fax', 'pager', 'other'] },
    ],
    [
      'ims.type',
      USER_SCHEMA,
      'ims.type',
      { canonicalValues: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'] },
    ],
    ['photos.value', USER_SCHEMA, 'photos.value', { type: 'reference', referenceTypes: ['external'] }],
    ['photos.type', USER_SCHEMA, 'photos.type', { canonicalValues: ['photo', 'thumbnail'] }],
    ['addresses', USER_SCHEMA, 'addresses', { type: 'complex', multiValued: true }],
    ['addresses.locality', USER_SCHEMA, 'addresses.locality', { type: 'string' }],
    ['addresses.type', USER_SCHEMA, 'addresses.type', { canonicalValues: ['work', 'home', 'other'] }],
    ['groups', USER_SCHEMA, 'groups', { type: 'complex', multiValued: true, mutability: 'readOnly' }],
    ['groups.value', USER_SCHEMA, 'groups.value', { mutability: 'readOnly' }],
    [
      'groups.$ref',
      USER_SCHEMA,
      'groups.$ref',
      { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'readOnly' },
    ],
    [
      'groups.type',
      USER_SCHEMA,
      'groups.type',
      { canonicalValues: ['direct', 'indirect'], mutability: 'readOnly' },
    ],
    ['entitlements', USER_SCHEMA, 'entitlements', { type: 'complex', multiValued: true }],
    ['roles', USER_SCHEMA, 'roles', { type: 'complex', multiValued: true }],
    ['x509Certificates.value', USER_SCHEMA, 'x509Certificates.value', { type: 'binary' }],
    [
      'entitlements.type',
      USER_SCHEMA,
      'entitlements.type',
      { canonicalValues: ['license', 'permission', 'other'] },
    ],
    [
      'roles.type',
      USER_SCHEMA,
      'roles.type',
      { canonicalValues: ['WindowsAzureActiveDirectoryRole', 'other'] },
    ],
    [
      'x509Certificates.type',
      USER_SCHEMA,
      'x509Certificates.type',
      { canonicalValues: ['work', 'home', 'other'] },
    ],
    [
      'displayName (group)',
      GROUP_SCHEMA,
      'displayName',
      { type: 'string', required: true, uniqueness: 'server' },
    ],
    ['members', GROUP_SCHEMA, 'members', { type: 'complex', multiValued: true, mutability: 'readWrite' }],
    ['members.value', GROUP_SCHEMA, 'members.value', { type: 'string', mutability: 'immutable' }],
    [
      'members.$ref',
      GROUP_SCHEMA,
      'members.$ref',
      { type: 'reference', referenceTypes: ['User', 'Group'], mutability: 'immutable' },
    ],
    ['members.display', GROUP_SCHEMA, 'members.display', { type: 'string', mutability: 'immutable' }],
    [
      'members.type',
      GROUP_SCHEMA,
      'members.type',
      { canonicalValues: ['User', 'Group'], mutability: 'immutable' },
    ],
  ])('%s', (_label, schema, path, expected) => {
    expect(resolve(schema, path)).toMatchObject(expected);
  });

  it.each<[string, Partial<AttributeDefinition>]>([
    ['employeeNumber', { type: 'string' }],
    ['costCenter', { type: 'string' }],
    ['organization', { type: 'string' }],
    ['division', { type: 'string' }],
    ['department', { type: 'string' }],
    ['manager', { type: 'complex', multiValued: false }],
    ['manager.value', { type: 'string' }],
    ['manager.$ref', { type: 'reference', referenceTypes: ['User'] }],
    ['manager.displayName', { type: 'string', mutability: 'readOnly' }],
  ])('enterprise %s', (path, expected) => {
    expect(resolve(USER_SCHEMA, path, ENTERPRISE_USER_URN)).toMatchObject(expected);
  });

  it('has exactly the profile fields of docs/product.md: singular strings, peopleManager a boolean', () => {
    expect(
      PROFILE_USER_SCHEMA.attributes.map((attribute) => [
        attribute.name,
        attribute.type,
        attribute.multiValued,
      ]),
    ).toEqual([
      ['managementLevel', 'string', false],
      ['businessUnit', 'string', false],
      ['jobFunction', 'string', false],
      ['peopleManager', 'boolean', false],
      ['managerEmail', 'string', false],
      ['office', 'string', false],
    ]);
  });

  it('lists the RFC 7643 §8.7.1 User attributes after the common ones, and the enterprise ones', () => {
    expect(USER_SCHEMA.core.attributes.map((attribute) => attribute.name)).toEqual([
      'id',
      'externalId',
      'meta',
      'userName',
      'name',
      'displayName',
      'nickName',
      'profileUrl',
      'title',
      'userType',
      'preferredLanguage',
      'locale',
      'timezone',
      'active',
      'emails',
      'phoneNumbers',
      'ims',
      'photos',
      'addresses',
      'groups',
      'entitlements',
      'roles',
      'x509Certificates',
    ]);
    expect(ENTERPRISE_USER_SCHEMA.attributes.map((attribute) => attribute.name)).toEqual([
      'employeeNumber',
      'costCenter',
      'organization',
      'division',
      'department',
      'manager',
    ]);
    expect(GROUP_SCHEMA.core.attributes.map((attribute) => attribute.name)).toEqual([
      'id',
      'externalId',
      'meta',
      'displayName',
      'members',
    ]);
  });

  it('resolves filter paths such as meta.lastModified and emails.value for both resource types', () => {
    expect(resolve(USER_SCHEMA, 'META.LASTMODIFIED').name).toBe('lastModified');
    expect(resolve(GROUP_SCHEMA, 'meta.lastModified').name).toBe('lastModified');
    expect(resolve(USER_SCHEMA, 'emails.value').name).toBe('value');
    expect(resolve(USER_SCHEMA, 'userName', CORE_USER_URN).name).toBe('userName');
  });
});
