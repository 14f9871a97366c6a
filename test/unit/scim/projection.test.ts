import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { JsonObject } from '../../../lambdas/scim/json';
import { projectResource } from '../../../lambdas/scim/projection';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  GROUP_SCHEMA,
  PROFILE_USER_URN,
  USER_SCHEMA,
} from '../../../lambdas/scim/schema';
import { stringAttribute } from '../../../lambdas/scim/schema/define';
import type { ResourceSchema } from '../../../lambdas/scim/schema/types';

const META = {
  resourceType: 'User',
  created: '2010-01-23T04:56:22Z',
  lastModified: '2011-05-13T04:42:34Z',
  version: 'W/"3"',
  location: 'https://example.com/v2/Users/u1',
};

/** A stored user as the store hands it over. */
const USER: JsonObject = {
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
  id: 'u1',
  externalId: 'e1',
  userName: 'bjensen@example.com',
  name: { familyName: 'Jensen', givenName: 'Barbara' },
  displayName: 'Babs Jensen',
  active: true,
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  [ENTERPRISE_USER_URN]: { department: 'Tour Operations', manager: { value: 'm1', $ref: '../Users/m1' } },
  [PROFILE_USER_URN]: { managementLevel: 'Director', peopleManager: true },
  meta: META,
};

const GROUP: JsonObject = {
  schemas: [CORE_GROUP_URN],
  id: 'g1',
  externalId: 'eg1',
  displayName: 'Tour Guides',
  members: [{ value: 'u1' }, { value: 'u2' }],
  meta: { ...META, resourceType: 'Group' },
};

const copyOfUser = (): JsonObject => ({ ...USER });

describe('projectResource: defaults', () => {
  it('returns every default attribute', () => {
    expect(projectResource(USER, USER_SCHEMA, {})).toEqual(copyOfUser());
  });

  it('treats empty lists as no parameter', () => {
    expect(projectResource(USER, USER_SCHEMA, { attributes: [], excludedAttributes: [] })).toEqual(
      copyOfUser(),
    );
  });
});

describe('projectResource: attributes (RFC 7644 §3.9)', () => {
  it.each<[string, string[], JsonObject]>([
    [
      'userName only, plus id and schemas (returned always)',
      ['userName'],
      { schemas: [CORE_USER_URN], id: 'u1', userName: 'bjensen@example.com' },
    ],
    [
      'case-insensitive names',
      ['USERNAME'],
      { schemas: [CORE_USER_URN], id: 'u1', userName: 'bjensen@example.com' },
    ],
    [
      'a sub-attribute of a complex attribute',
      ['name.givenName'],
      { schemas: [CORE_USER_URN], id: 'u1', name: { givenName: 'Barbara' } },
    ],
    [
      'a sub-attribute of a multi-valued attribute',
      ['emails.value'],
      {
        schemas: [CORE_USER_URN],
        id: 'u1',
        emails: [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }],
      },
    ],
    [
      'two sub-attributes of one attribute',
      ['emails.value', 'EMAILS.TYPE'],
      {
        schemas: [CORE_USER_URN],
        id: 'u1',
        emails: [
          { value: 'bjensen@example.com', type: 'work' },
          { value: 'babs@jensen.org', type: 'home' },
        ],
      },
    ],
    [
      'a whole attribute wins over one of its sub-attributes',
      ['name.givenName', 'name'],
      { schemas: [CORE_USER_URN], id: 'u1', name: { familyName: 'Jensen', givenName: 'Barbara' } },
    ],
    [
      'a URN-qualified extension attribute',
      [`${ENTERPRISE_USER_URN}:manager`],
      {
        schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
        id: 'u1',
        [ENTERPRISE_USER_URN]: { manager: { value: 'm1', $ref: '../Users/m1' } },
      },
    ],
    [
      'a URN-qualified extension sub-attribute, in other case',
      [`${ENTERPRISE_USER_URN.toLowerCase()}:manager.VALUE`],
      {
        schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
        id: 'u1',
        [ENTERPRISE_USER_URN]: { manager: { value: 'm1' } },
      },
    ],
    [
      'an unqualified extension attribute (RFC 7644 §3.10 resolution)',
      ['managementLevel'],
      {
        schemas: [CORE_USER_URN, PROFILE_USER_URN],
        id: 'u1',
        [PROFILE_USER_URN]: { managementLevel: 'Director' },
      },
    ],
    [
      'a whole extension by URN',
      [PROFILE_USER_URN],
      {
        schemas: [CORE_USER_URN, PROFILE_USER_URN],
        id: 'u1',
        [PROFILE_USER_URN]: { managementLevel: 'Director', peopleManager: true },
      },
    ],
    [
      'a URN-qualified core attribute',
      [`${CORE_USER_URN}:displayName`],
      { schemas: [CORE_USER_URN], id: 'u1', displayName: 'Babs Jensen' },
    ],
    [
      'meta sub-attributes',
      ['meta.lastModified'],
      { schemas: [CORE_USER_URN], id: 'u1', meta: { lastModified: META.lastModified } },
    ],
    [
      'an attribute no schema defines (password) is not returned',
      ['password'],
      { schemas: [CORE_USER_URN], id: 'u1' },
    ],
    [
      'unknown names are ignored',
      ['shoeSize', 'name.nickname', 'urn:x:y'],
      { schemas: [CORE_USER_URN], id: 'u1' },
    ],
    ['asking for id alone', ['id'], { schemas: [CORE_USER_URN], id: 'u1' }],
  ])('%s', (_label, attributes, expected) => {
    expect(projectResource(USER, USER_SCHEMA, { attributes })).toEqual(expected);
  });

  it('wins over excludedAttributes when both are given', () => {
    expect(
      projectResource(USER, USER_SCHEMA, { attributes: ['userName'], excludedAttributes: ['userName'] }),
    ).toEqual({
      schemas: [CORE_USER_URN],
      id: 'u1',
      userName: 'bjensen@example.com',
    });
  });
});

describe('projectResource: excludedAttributes', () => {
  it.each<[string, string[], (user: JsonObject) => void]>([
    ['an attribute', ['emails'], (user) => delete user.emails],
    ['a sub-attribute', ['name.givenName'], (user) => (user.name = { familyName: 'Jensen' })],
    [
      'a sub-attribute of a multi-valued attribute',
      ['emails.primary', 'emails.type'],
      (user) => (user.emails = [{ value: 'bjensen@example.com' }, { value: 'babs@jensen.org' }]),
    ],
    [
      'an extension attribute by URN',
      [`${ENTERPRISE_USER_URN}:department`],
      (user) => (user[ENTERPRISE_USER_URN] = { manager: { value: 'm1', $ref: '../Users/m1' } }),
    ],
    [
      'a whole extension by URN, which leaves schemas too',
      [ENTERPRISE_USER_URN],
      (user) => {
        delete user[ENTERPRISE_USER_URN];
        user.schemas = [CORE_USER_URN, PROFILE_USER_URN];
      },
    ],
    [
      'every attribute of an extension, which leaves schemas too',
      ['managementLevel', `${PROFILE_USER_URN}:peopleManager`],
      (user) => {
        delete user[PROFILE_USER_URN];
        user.schemas = [CORE_USER_URN, ENTERPRISE_USER_URN];
      },
    ],
    ['meta', ['META'], (user) => delete user.meta],
    ['id cannot be excluded (returned always)', ['id', 'schemas'], () => undefined],
    ['unknown names are ignored', ['shoeSize', 'emails.nothing'], () => undefined],
  ])('%s', (_label, excludedAttributes, edit) => {
    const expected = copyOfUser();
    edit(expected);
    expect(projectResource(USER, USER_SCHEMA, { excludedAttributes })).toEqual(expected);
  });

  it('excludedAttributes=members drops the members of a group (Entra group matching)', () => {
    const expected = { ...GROUP };
    delete expected.members;
    expect(projectResource(GROUP, GROUP_SCHEMA, { excludedAttributes: ['members'] })).toEqual(expected);
  });
});

describe('projectResource: "request" attributes and unknown keys', () => {
  const nickName = stringAttribute('nickName', { returned: 'request' });
  const schemaWithRequestOnly: ResourceSchema = {
    ...USER_SCHEMA,
    core: {
      ...USER_SCHEMA.core,
      attributes: USER_SCHEMA.core.attributes.map((attribute) =>
        attribute.name === 'nickName' ? nickName : attribute,
      ),
    },
  };
  const user: JsonObject = {
    schemas: [CORE_USER_URN],
    id: 'u1',
    userName: 'b',
    nickName: 'Babs',
    internalNote: 'x',
  };

  it('omits a "request" attribute by default', () => {
    expect(projectResource(user, schemaWithRequestOnly, {})).toEqual({
      schemas: [CORE_USER_URN],
      id: 'u1',
      userName: 'b',
      internalNote: 'x',
    });
  });

  it('returns a "request" attribute when named', () => {
    expect(projectResource(user, schemaWithRequestOnly, { attributes: ['nickName'] })).toEqual({
      schemas: [CORE_USER_URN],
      id: 'u1',
      nickName: 'Babs',
    });
  });
});

describe('projectResource: properties', () => {
  const names = fc.constantFrom(
    'id',
    'userName',
    'name',
    'name.givenName',
    'emails',
    'emails.value',
    'meta',
    'meta.version',
    'password',
    ENTERPRISE_USER_URN,
    PROFILE_USER_URN,
    `${ENTERPRISE_USER_URN}:manager.value`,
    'managementLevel',
    'nonsense',
  );

  it('always keeps id and schemas, and never invents keys', () => {
    fc.assert(
      fc.property(fc.array(names), fc.array(names), (attributes, excludedAttributes) => {
        const projected = projectResource(USER, USER_SCHEMA, { attributes, excludedAttributes });
        expect(projected.id).toBe('u1');
        expect(projected.schemas).toContain(CORE_USER_URN);
        for (const key of Object.keys(projected)) expect(USER).toHaveProperty([key]);
      }),
    );
  });
});
