import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isScimError } from '../../../lambdas/scim/errors';
import type { JsonObject } from '../../../lambdas/scim/json';
import { normaliseResource } from '../../../lambdas/scim/normalise';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  GROUP_SCHEMA,
  PROFILE_USER_URN,
  USER_SCHEMA,
} from '../../../lambdas/scim/schema';
import { expectScimError } from '../scim-errors';

/** RFC 7643 §8.3, the full enterprise user (as a client would POST it: with id and meta, both ignored). */
const RFC_ENTERPRISE_USER = {
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: '701984',
  userName: 'bjensen@example.com',
  name: {
    formatted: 'Ms. Barbara J Jensen, III',
    familyName: 'Jensen',
    givenName: 'Barbara',
    middleName: 'Jane',
    honorificPrefix: 'Ms.',
    honorificSuffix: 'III',
  },
  displayName: 'Babs Jensen',
  nickName: 'Babs',
  profileUrl: 'https://login.example.com/bjensen',
  emails: [
    { value: 'bjensen@example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  addresses: [
    {
      streetAddress: '100 Universal City Plaza',
      locality: 'Hollywood',
      region: 'CA',
      postalCode: '91608',
      country: 'USA',
      formatted: '100 Universal City Plaza\nHollywood, CA 91608 USA',
      type: 'work',
      primary: true,
    },
    {
      streetAddress: '456 Hollywood Blvd',
      locality: 'Hollywood',
      region: 'CA',
      postalCode: '91608',
      country: 'USA',
      formatted: '456 Hollywood Blvd\nHollywood, CA 91608 USA',
      type: 'home',
    },
  ],
  phoneNumbers: [
    { value: '555-555-5555', type: 'work' },
    { value: '555-555-4444', type: 'mobile' },
  ],
  ims: [{ value: 'someaimhandle', type: 'aim' }],
  photos: [
    { value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo' },
    { value: 'https://photos.example.com/profilephoto/72930000000Ccne/T', type: 'thumbnail' },
  ],
  userType: 'Employee',
  title: 'Tour Guide',
  preferredLanguage: 'en-US',
  locale: 'en-US',
  timezone: 'America/Los_Angeles',
  active: true,
  password: 't1meMa$heen',
  groups: [
    { value: 'e9e30dba-f08f-4109-8486-d5c6a331660a', $ref: '../Groups/e9e30dba', display: 'Tour Guides' },
  ],
  x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAwTjELMAkGA1UEBhMCVVMx' }],
  [ENTERPRISE_USER_URN]: {
    employeeNumber: '701984',
    costCenter: '4130',
    organization: 'Universal Studios',
    division: 'Theme Park',
    department: 'Tour Operations',
    manager: {
      value: '26118915-6090-4610-87e4-49d8ca9f808d',
      $ref: '../Users/26118915',
      displayName: 'John Smith',
    },
  },
  meta: {
    resourceType: 'User',
    created: '2010-01-23T04:56:22Z',
    lastModified: '2011-05-13T04:42:34Z',
    version: 'W/"3694e05e9dff591"',
    location: 'https://example.com/v2/Users/2819c223-7f76-453a-919d-413861904646',
  },
};

/** The body Entra's validator POSTs (Microsoft's SCIM reference, docs/providers.md). */
const ENTRA_USER_POST = {
  schemas: [CORE_USER_URN, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
  userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
  active: 'True',
  emails: [{ primary: true, type: 'work', value: 'Test_User_fd0ea19b@testuser.com' }],
  meta: { resourceType: 'User' },
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  roles: [],
  nickName: null,
  title: null,
};

const ENTRA_GROUP_POST = {
  schemas: [CORE_GROUP_URN, 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
  externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
  displayName: 'Tour Guides',
  meta: { resourceType: 'Group' },
};

describe('normaliseResource: RFC 7643 examples', () => {
  it('keeps the full enterprise user (§8.3) minus id, meta, groups, password and readOnly sub-attributes', () => {
    const result = normaliseResource(RFC_ENTERPRISE_USER, USER_SCHEMA);
    const { id, meta, groups, password, ...expectedCore } = RFC_ENTERPRISE_USER;
    void [id, meta, groups, password];
    const { displayName, ...manager } = RFC_ENTERPRISE_USER[ENTERPRISE_USER_URN].manager;
    void displayName;
    expect(result).toEqual({
      ...expectedCore,
      [ENTERPRISE_USER_URN]: { ...RFC_ENTERPRISE_USER[ENTERPRISE_USER_URN], manager },
    });
    expect(result).not.toHaveProperty('password');
    expect(result).not.toHaveProperty('id');
    expect(result).not.toHaveProperty('meta');
    expect(result).not.toHaveProperty('groups');
  });

  it('keeps the minimal user (§8.1)', () => {
    const body = { schemas: [CORE_USER_URN], id: '2819c223', userName: 'bjensen@example.com', meta: {} };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN],
      userName: 'bjensen@example.com',
    });
  });

  it('keeps a group with members (§8.4)', () => {
    const body = {
      schemas: [CORE_GROUP_URN],
      id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
      displayName: 'Tour Guides',
      members: [
        {
          value: '2819c223-7f76-453a-919d-413861904646',
          $ref: 'https://example.com/v2/Users/2819c223',
          display: 'Babs Jensen',
        },
        {
          value: '902c246b-6245-4190-8e05-00816be7344a',
          $ref: 'https://example.com/v2/Users/902c246b',
          display: 'Mandy Pepperidge',
        },
      ],
    };
    const { id, ...expected } = body;
    void id;
    expect(normaliseResource(body, GROUP_SCHEMA)).toEqual(expected);
  });
});

describe('normaliseResource: Entra request shapes', () => {
  it('canonicalises the Entra user POST: "True", nulls, roles: []', () => {
    expect(normaliseResource(ENTRA_USER_POST, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1',
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      active: true,
      emails: [{ value: 'Test_User_fd0ea19b@testuser.com', type: 'work', primary: true }],
    });
  });

  it('ignores the extra ADSCIM Group schema URN and meta', () => {
    expect(normaliseResource(ENTRA_GROUP_POST, GROUP_SCHEMA)).toEqual({
      schemas: [CORE_GROUP_URN],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'Tour Guides',
    });
  });

  it('folds flat profile keys into the extension block (URN not in schemas)', () => {
    const body = {
      schemas: [CORE_USER_URN],
      userName: 'a@example.com',
      [`${PROFILE_USER_URN}:managementLevel`]: 'Director',
      [`${PROFILE_USER_URN}:peopleManager`]: 'Yes',
      [`${PROFILE_USER_URN}:office`]: null,
      [`${ENTERPRISE_USER_URN}:department`]: 'Tour Operations',
      [`${ENTERPRISE_USER_URN}:manager`]: 'm-1',
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
      userName: 'a@example.com',
      [ENTERPRISE_USER_URN]: { department: 'Tour Operations', manager: { value: 'm-1' } },
      [PROFILE_USER_URN]: { managementLevel: 'Director', peopleManager: true },
    });
  });

  it('accepts extension blocks by URN in any case, even when schemas omits them', () => {
    const body = {
      schemas: [CORE_USER_URN, 'urn:ietf:params:scim:schemas:extension:enterprize:2.0:User'],
      userName: 'a@example.com',
      [PROFILE_USER_URN.toUpperCase()]: { MANAGEMENTLEVEL: 'VP', peoplemanager: 'no' },
      [ENTERPRISE_USER_URN]: { department: 'R&D', [`${ENTERPRISE_USER_URN}:costCenter`]: '42' },
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
      userName: 'a@example.com',
      [ENTERPRISE_USER_URN]: { costCenter: '42', department: 'R&D' },
      [PROFILE_USER_URN]: { managementLevel: 'VP', peopleManager: false },
    });
  });

  it('merges a block and flat keys for the same extension', () => {
    const body = {
      userName: 'a@example.com',
      [PROFILE_USER_URN]: { managementLevel: 'VP' },
      [`${PROFILE_USER_URN}:businessUnit`]: 'Parks',
      [`${PROFILE_USER_URN}:managementLevel`]: 'VP',
      [`${ENTERPRISE_USER_URN}:manager.value`]: 'm-1',
      [`${ENTERPRISE_USER_URN}:manager.$ref`]: '../Users/m-1',
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
      userName: 'a@example.com',
      [ENTERPRISE_USER_URN]: { manager: { value: 'm-1', $ref: '../Users/m-1' } },
      [PROFILE_USER_URN]: { managementLevel: 'VP', businessUnit: 'Parks' },
    });
  });

  it('treats top-level names case-insensitively and takes schema casing', () => {
    const body = {
      USERNAME: 'a@example.com',
      DisplayName: 'A',
      Active: 'false',
      EMAILS: [{ VALUE: 'a@example.com' }],
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN],
      userName: 'a@example.com',
      displayName: 'A',
      active: false,
      emails: [{ value: 'a@example.com' }],
    });
  });

  it('accepts URN-qualified core attributes and dotted sub-attribute keys', () => {
    const body = {
      [`${CORE_USER_URN}:userName`]: 'a@example.com',
      'name.givenName': 'Barbara',
      name: { familyName: 'Jensen' },
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN],
      userName: 'a@example.com',
      name: { familyName: 'Jensen', givenName: 'Barbara' },
    });
  });

  it('ignores unknown attributes, unknown extension URNs and a core URN used as a block', () => {
    const body = {
      userName: 'a@example.com',
      favouriteColour: 'blue',
      department: 'bare extension names are not core attributes',
      'urn:ietf:params:scim:schemas:extension:Custom:2.0:User:shoeSize': 42,
      'urn:ietf:params:scim:schemas:extension:Custom:2.0:User': { shoeSize: 42 },
      [CORE_USER_URN]: { title: 'x' },
      [`${ENTERPRISE_USER_URN}X`]: 'not an extension',
      'name.nickname': 'no such sub-attribute',
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN],
      userName: 'a@example.com',
    });
  });

  it('drops an extension block with nothing in it, and its URN', () => {
    const body = {
      userName: 'a@example.com',
      [ENTERPRISE_USER_URN]: { department: null, manager: { value: '' } },
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN],
      userName: 'a@example.com',
    });
  });

  it('drops a password of any type (Okta password sync; we never store it) and does not report it', () => {
    const ignored = new Set<string>();
    for (const password of ['secret', { p: 1 }]) {
      expect(normaliseResource({ userName: 'a', password }, USER_SCHEMA, ignored)).toEqual({
        schemas: [CORE_USER_URN],
        userName: 'a',
      });
    }
    expect([...ignored]).toEqual([]);
  });

  it('reports the names it ignored (undefined attributes and schemas), never their values', () => {
    const ignored = new Set<string>();
    const body = {
      schemas: [CORE_USER_URN],
      userName: 'a',
      nickname2: 'Babs',
      'name.givenNme': 'B',
      [ENTERPRISE_USER_URN]: { schemas: [ENTERPRISE_USER_URN], department: 'D', costCentre: 'C1' },
      'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCode': 'X1',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:password': 'p',
    };
    expect(normaliseResource(body, USER_SCHEMA, ignored)).toEqual({
      schemas: [CORE_USER_URN, ENTERPRISE_USER_URN],
      userName: 'a',
      [ENTERPRISE_USER_URN]: { department: 'D' },
    });
    expect([...ignored].sort()).toEqual([
      'name.givenNme',
      'nickname2',
      'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCode',
      `${ENTERPRISE_USER_URN}:costCentre`,
    ]);
  });

  it('accepts an identical value given twice', () => {
    const body = {
      userName: 'a',
      USERNAME: 'a',
      [PROFILE_USER_URN]: { office: 'Paris' },
      [`${PROFILE_USER_URN}:office`]: 'Paris',
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN, PROFILE_USER_URN],
      userName: 'a',
      [PROFILE_USER_URN]: { office: 'Paris' },
    });
  });

  it('keeps two work emails (Microsoft reference collection, "Post emp1"), still at most one primary', () => {
    const body = {
      userName: 'emp1',
      active: 'True',
      emails: [
        { type: 'work', primary: true, value: 'anna33@gmail.com' },
        { type: 'work', primary: false, value: 'anna33@example.com' },
      ],
    };
    expect(normaliseResource(body, USER_SCHEMA)).toEqual({
      schemas: [CORE_USER_URN],
      userName: 'emp1',
      active: true,
      emails: [
        { value: 'anna33@gmail.com', type: 'work', primary: true },
        { value: 'anna33@example.com', type: 'work', primary: false },
      ],
    });
  });
});

describe('normaliseResource: Microsoft reference collection groups', () => {
  it('keeps member display ("Create filled group 2") and reads displayName as display', () => {
    expect(
      normaliseResource(
        {
          schemas: [CORE_GROUP_URN],
          displayName: 'GroupDisplayName2',
          members: [
            { value: 'id3', display: 'VP' },
            { value: 'id4', displayName: 'new User' },
          ],
        },
        GROUP_SCHEMA,
      ),
    ).toEqual({
      schemas: [CORE_GROUP_URN],
      displayName: 'GroupDisplayName2',
      members: [
        { value: 'id3', display: 'VP' },
        { value: 'id4', display: 'new User' },
      ],
    });
  });
});

describe('normaliseResource: errors', () => {
  it.each<[string, unknown]>([
    ['null', null],
    ['an array', [{ userName: 'a' }]],
    ['a string', 'userName=a'],
    ['a number', 42],
  ])('a body that is %s is invalidSyntax', (_label, body) => {
    expectScimError(() => normaliseResource(body, USER_SCHEMA), 400, 'invalidSyntax', 'JSON object');
  });

  it.each<[string, unknown, string]>([
    ['a user without userName', { name: { givenName: 'a' } }, '"userName" is required'],
    ['a user with a null userName', { userName: null }, '"userName" is required'],
    ['a user with an empty userName', { userName: '' }, '"userName" is required'],
    ['a user whose userName is an object', { userName: { value: 'a' } }, '"userName"'],
    [
      'peopleManager "maybe" (flat key)',
      { userName: 'a', [`${PROFILE_USER_URN}:peopleManager`]: 'maybe' },
      `${PROFILE_USER_URN}:peopleManager`,
    ],
    [
      'peopleManager "maybe" (block)',
      { userName: 'a', [PROFILE_USER_URN]: { peopleManager: 'maybe' } },
      `${PROFILE_USER_URN}:peopleManager`,
    ],
    ['active "maybe"', { userName: 'a', active: 'maybe' }, '"active"'],
    [
      'an extension block that is a string',
      { userName: 'a', [ENTERPRISE_USER_URN]: 'Sales' },
      ENTERPRISE_USER_URN,
    ],
    [
      'an extension block that is a list',
      { userName: 'a', [ENTERPRISE_USER_URN]: [{ department: 'x' }] },
      ENTERPRISE_USER_URN,
    ],
    [
      'two primary phone numbers',
      {
        userName: 'a',
        phoneNumbers: [
          { value: '1', primary: true },
          { value: '2', primary: true },
        ],
      },
      'phoneNumbers',
    ],
    ['conflicting duplicate names', { userName: 'a', USERNAME: 'b' }, 'more than once'],
    [
      'a block and a flat key that disagree',
      { userName: 'a', [PROFILE_USER_URN]: { office: 'Paris' }, [`${PROFILE_USER_URN}:office`]: 'Lyon' },
      'office',
    ],
    [
      'sub-attribute keys that disagree',
      { userName: 'a', name: { givenName: 'A' }, 'name.givenName': 'B' },
      'name.givenName',
    ],
    [
      'a sub-attribute key of a multi-valued attribute',
      { userName: 'a', 'emails.value': 'a@example.com' },
      'emails.value',
    ],
  ])('%s is invalidValue', (_label, body, fragment) => {
    expectScimError(() => normaliseResource(body, USER_SCHEMA), 400, 'invalidValue', fragment);
  });

  it.each<[string, unknown]>([
    ['a group without displayName', { externalId: 'x', members: [] }],
    ['a group with a null displayName', { displayName: null }],
  ])('%s is invalidValue naming displayName', (_label, body) => {
    expectScimError(
      () => normaliseResource(body, GROUP_SCHEMA),
      400,
      'invalidValue',
      '"displayName" is required',
    );
  });
});

describe('normaliseResource: properties', () => {
  /** Arbitrary JSON, plus bodies that look like resources so the interesting paths are reached. */
  const knownKeys = fc.constantFrom(
    'userName',
    'USERNAME',
    'active',
    'emails',
    'name',
    'name.givenName',
    'displayName',
    'members',
    'roles',
    'password',
    'id',
    'meta',
    'groups',
    'externalId',
    'addresses',
    'schemas',
    ENTERPRISE_USER_URN,
    PROFILE_USER_URN,
    `${PROFILE_USER_URN}:peopleManager`,
    `${ENTERPRISE_USER_URN}:manager`,
  );
  const resourceLike = fc.dictionary(fc.oneof(knownKeys, fc.string()), fc.jsonValue(), { maxKeys: 8 });
  const bodies = fc.oneof(
    fc.jsonValue(),
    resourceLike,
    resourceLike.map((body) => ({ userName: 'u', displayName: 'g', ...body })),
  );
  const schemas = fc.constantFrom(USER_SCHEMA, GROUP_SCHEMA);

  it('yields an object or a ScimError for any JSON, never another exception', () => {
    fc.assert(
      fc.property(bodies, schemas, (body, schema) => {
        try {
          const result = normaliseResource(body, schema);
          expect(typeof result).toBe('object');
          expect(result.schemas).toContain(schema.core.id);
        } catch (error: unknown) {
          expect(isScimError(error)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(bodies, schemas, (body, schema) => {
        let once: JsonObject;
        try {
          once = normaliseResource(body, schema);
        } catch {
          return;
        }
        expect(normaliseResource(once, schema)).toEqual(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('is idempotent on the RFC and Entra examples', () => {
    for (const [body, schema] of [
      [RFC_ENTERPRISE_USER, USER_SCHEMA],
      [ENTRA_USER_POST, USER_SCHEMA],
      [ENTRA_GROUP_POST, GROUP_SCHEMA],
    ] as const) {
      const once = normaliseResource(body, schema);
      expect(normaliseResource(once, schema)).toEqual(once);
    }
  });
});
