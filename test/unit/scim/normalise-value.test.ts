import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { isScimError } from '../../../lambdas/scim/errors';
import { normaliseValue } from '../../../lambdas/scim/normalise';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_CORE_SCHEMA,
  PEOPLE_MANAGER_ATTRIBUTE,
  PROFILE_USER_SCHEMA,
  USER_CORE_SCHEMA,
} from '../../../lambdas/scim/schema';
import { attribute } from '../../../lambdas/scim/schema/define';
import type { AttributeDefinition, SchemaDefinition } from '../../../lambdas/scim/schema/types';
import { expectScimError } from '../scim-errors';

const definition = (schema: SchemaDefinition, name: string): AttributeDefinition => {
  const found = schema.attributes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no attribute ${name} in ${schema.id}`);
  return found;
};

const active = definition(USER_CORE_SCHEMA, 'active');
const userName = definition(USER_CORE_SCHEMA, 'userName');
const name = definition(USER_CORE_SCHEMA, 'name');
const emails = definition(USER_CORE_SCHEMA, 'emails');
const phoneNumbers = definition(USER_CORE_SCHEMA, 'phoneNumbers');
const addresses = definition(USER_CORE_SCHEMA, 'addresses');
const roles = definition(USER_CORE_SCHEMA, 'roles');
const x509Certificates = definition(USER_CORE_SCHEMA, 'x509Certificates');
const meta = definition(USER_CORE_SCHEMA, 'meta');
const manager = definition(ENTERPRISE_USER_SCHEMA, 'manager');
const employeeNumber = definition(ENTERPRISE_USER_SCHEMA, 'employeeNumber');
const managementLevel = definition(PROFILE_USER_SCHEMA, 'managementLevel');
const members = definition(GROUP_CORE_SCHEMA, 'members');
const count = attribute('count', 'integer');
const ratio = attribute('ratio', 'decimal');

describe('normaliseValue: accepted forms', () => {
  it.each<[string, AttributeDefinition, unknown, unknown]>([
    // Booleans as Entra sends them (docs/providers.md: "active":"True", "False").
    ['JSON true', active, true, true],
    ['JSON false', active, false, false],
    ['"True"', active, 'True', true],
    ['"False"', active, 'False', false],
    ['"TRUE"', active, 'TRUE', true],
    ['"false"', active, 'false', false],
    // docs/product.md: peopleManager accepts yes/no and true/false in any case.
    ['peopleManager "yes"', PEOPLE_MANAGER_ATTRIBUTE, 'yes', true],
    ['peopleManager "NO"', PEOPLE_MANAGER_ATTRIBUTE, 'NO', false],
    ['peopleManager "Yes"', PEOPLE_MANAGER_ATTRIBUTE, 'Yes', true],
    ['peopleManager "TRUE"', PEOPLE_MANAGER_ATTRIBUTE, 'TRUE', true],
    ['peopleManager false', PEOPLE_MANAGER_ATTRIBUTE, false, false],
    // Strings.
    ['a string', userName, 'bjensen@example.com', 'bjensen@example.com'],
    ['a number for a string', employeeNumber, 701984, '701984'],
    ['a string, case preserved', managementLevel, 'Sr. Director', 'Sr. Director'],
    // Numbers.
    ['an integer', count, 42, 42],
    ['an integer string', count, '42', 42],
    ['a negative integer string', count, '-7', -7],
    ['a decimal', ratio, 1.5, 1.5],
    ['a decimal string', ratio, '1.25', 1.25],
    ['a number string with spaces around', count, ' 42\t', 42],
    ['a decimal string with an exponent', ratio, '-2.5e2', -250],
    ['the largest safe integer', count, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    // dateTime and binary.
    ['a dateTime', meta, { lastModified: '2011-05-13T04:42:34Z' }, { lastModified: '2011-05-13T04:42:34Z' }],
    ['base64', x509Certificates, [{ value: 'TUlJRA==' }], [{ value: 'TUlJRA==' }]],
    // Complex: schema casing, unknown sub-attributes dropped, schema order.
    [
      'complex with odd casing and an unknown sub-attribute',
      name,
      { GIVENNAME: 'Barbara', familyname: 'Jensen', nickname: 'Babs' },
      { familyName: 'Jensen', givenName: 'Barbara' },
    ],
    [
      'complex with nulls',
      name,
      { givenName: 'Barbara', middleName: null, familyName: '' },
      { givenName: 'Barbara' },
    ],
    // The manager as Entra sends it (docs/providers.md): bare id, object, legacy one-element list.
    [
      'manager as a bare id',
      manager,
      '26118915-6090-4610-87e4-49d8ca9f808d',
      { value: '26118915-6090-4610-87e4-49d8ca9f808d' },
    ],
    ['manager as an object', manager, { value: 'm1' }, { value: 'm1' }],
    ['manager as a legacy list', manager, [{ value: 'm1' }], { value: 'm1' }],
    [
      'manager with $ref',
      manager,
      { value: 'm1', $REF: '../Users/m1' },
      { value: 'm1', $ref: '../Users/m1' },
    ],
    // Multi-valued.
    [
      'emails with canonical type casing and string primary',
      emails,
      [{ Value: 'bjensen@example.com', Type: 'Work', primary: 'true' }],
      [{ value: 'bjensen@example.com', type: 'work', primary: true }],
    ],
    ['a single email object is wrapped', emails, { value: 'a@example.com' }, [{ value: 'a@example.com' }]],
    ['a bare email is wrapped as a value', emails, 'a@example.com', [{ value: 'a@example.com' }]],
    [
      'elements that are entirely empty are dropped',
      emails,
      [{ value: 'a@example.com', type: 'work' }, {}, { value: null, type: null }, null, { type: 'home' }],
      [{ value: 'a@example.com', type: 'work' }],
    ],
    [
      'non-canonical types are kept',
      phoneNumbers,
      [{ value: '555-1', type: 'satellite' }],
      [{ value: '555-1', type: 'satellite' }],
    ],
    [
      "Entra's app role type takes its canonical spelling; another role type is kept",
      roles,
      [
        { value: 'Admin', type: 'windowsazureactivedirectoryrole', primary: true },
        { value: 'Reader', type: 'custom' },
      ],
      [
        { value: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: true },
        { value: 'Reader', type: 'custom' },
      ],
    ],
    [
      'a work address',
      addresses,
      [{ type: 'work', locality: 'Hollywood', country: 'USA', postalCode: 91608 }],
      [{ locality: 'Hollywood', postalCode: '91608', country: 'USA', type: 'work' }],
    ],
    [
      'Entra member values with a null $ref',
      members,
      [
        { $ref: null, value: 'u1' },
        { $ref: null, value: 'u2' },
      ],
      [{ value: 'u1' }, { value: 'u2' }],
    ],
    [
      // Microsoft's reference client posts two work emails, one primary (RFC 7643 allows it).
      'two work emails are both kept',
      emails,
      [
        { value: 'a@example.com', type: 'work', primary: true },
        { value: 'b@example.com', type: 'Work' },
      ],
      [
        { value: 'a@example.com', type: 'work', primary: true },
        { value: 'b@example.com', type: 'work' },
      ],
    ],
    [
      'two home phones are both kept',
      phoneNumbers,
      [
        { value: '1', type: 'home' },
        { value: '2', type: 'home' },
      ],
      [
        { value: '1', type: 'home' },
        { value: '2', type: 'home' },
      ],
    ],
    [
      'members with the same type are fine',
      members,
      [
        { value: 'u1', type: 'user' },
        { value: 'u2', type: 'User' },
      ],
      [
        { value: 'u1', type: 'User' },
        { value: 'u2', type: 'User' },
      ],
    ],
    [
      'roles may share a type (Entra app roles)',
      roles,
      [
        { value: 'a', type: 'WindowsAzureActiveDirectoryRole' },
        { value: 'b', type: 'WindowsAzureActiveDirectoryRole' },
      ],
      [
        { value: 'a', type: 'WindowsAzureActiveDirectoryRole' },
        { value: 'b', type: 'WindowsAzureActiveDirectoryRole' },
      ],
    ],
  ])('%s', (_label, attributeDefinition, input, expected) => {
    expect(normaliseValue(input, attributeDefinition, attributeDefinition.name)).toEqual(expected);
  });

  it.each<[string, AttributeDefinition, unknown]>([
    ['null', active, null],
    ['undefined', userName, undefined],
    ['the empty string', userName, ''],
    ['an empty list (Entra roles: [])', roles, []],
    ['an empty object', name, {}],
    ['a list of empty elements', emails, [{}, { value: '' }]],
    ['a legacy empty manager list', manager, []],
    ['an empty list for a single string', userName, []],
    ['a manager with an empty value', manager, { value: '' }],
  ])('%s means no value', (_label, attributeDefinition, input) => {
    expect(normaliseValue(input, attributeDefinition, attributeDefinition.name)).toBeUndefined();
  });
});

/** Microsoft's reference SCIM test collection sends a member's `display` as `displayName`. */
describe('normaliseValue: displayName as an alias of Group member display', () => {
  it.each<[string, AttributeDefinition, unknown, unknown]>([
    [
      'a member list (the collection\'s "Patch add user4 to group1")',
      members,
      [{ displayName: 'new User', value: 'u4' }],
      [{ value: 'u4', display: 'new User' }],
    ],
    [
      'a lone member',
      members,
      { value: 'u4', displayName: 'new User' },
      [{ value: 'u4', display: 'new User' }],
    ],
    [
      'any letter case of the alias',
      members,
      [{ value: 'u4', DisplayName: 'A' }],
      [{ value: 'u4', display: 'A' }],
    ],
    [
      'display wins when both are given',
      members,
      [{ value: 'u4', displayName: 'Alias', display: 'Own' }],
      [{ value: 'u4', display: 'Own' }],
    ],
    [
      'an empty display leaves room for the alias',
      members,
      [{ value: 'u4', Display: '', displayName: 'Alias' }],
      [{ value: 'u4', display: 'Alias' }],
    ],
    ['an empty alias is no display', members, [{ value: 'u4', displayName: null }], [{ value: 'u4' }]],
    ['an alias alone is no member (labels only)', members, [{ displayName: 'Nobody' }], undefined],
    [
      'only members: an email keeps its own sub-attributes',
      emails,
      [{ value: 'a@example.com', displayName: 'A' }],
      [{ value: 'a@example.com' }],
    ],
  ])('%s', (_label, attributeDefinition, input, expected) => {
    expect(normaliseValue(input, attributeDefinition, attributeDefinition.name)).toEqual(expected);
  });

  it('does not modify its input', () => {
    const input = Object.freeze([Object.freeze({ value: 'u4', displayName: 'new User' })]);
    normaliseValue(input, members, 'members');
    expect(input).toEqual([{ value: 'u4', displayName: 'new User' }]);
  });

  it('refuses the alias given twice in different case with invalidValue naming it', () => {
    expectScimError(
      () =>
        normaliseValue(
          [{ value: 'u4' }, { value: 'u5', displayName: 'A', DISPLAYNAME: 'B' }],
          members,
          'members',
        ),
      400,
      'invalidValue',
      'members[1].DISPLAYNAME',
    );
  });
});

describe('normaliseValue: wrong types are invalidValue naming the path', () => {
  it.each<[string, AttributeDefinition, unknown, string]>([
    ['peopleManager "maybe"', PEOPLE_MANAGER_ATTRIBUTE, 'maybe', 'urn:x:peopleManager'],
    ['active "yes" (only peopleManager accepts yes/no)', active, 'yes', 'active'],
    ['active as a number', active, 1, 'active'],
    ['an object for a string', userName, { value: 'x' }, 'userName'],
    ['a boolean for a string', userName, true, 'userName'],
    ['a list for a single value', userName, ['a', 'b'], 'userName'],
    ['a string for a complex without value', name, 'Barbara Jensen', 'name'],
    ['a wrong sub-attribute type', name, { givenName: 42.5, familyName: ['x'] }, 'name.familyName'],
    ['a wrong element sub-attribute type', emails, [{ value: 'a' }, { value: { x: 1 } }], 'emails[1].value'],
    ['a nested list as an element', emails, [[{ value: 'a' }]], 'emails[0]'],
    ['two manager values', manager, [{ value: 'a' }, { value: 'b' }], 'manager'],
    ['a non-numeric integer', count, '4x', 'count'],
    ['a fractional integer', count, 4.5, 'count'],
    ['a non-numeric decimal', ratio, 'one', 'ratio'],
    ['a malformed dateTime', meta, { created: 'yesterday' }, 'meta.created'],
    ['an impossible dateTime', meta, { created: '2011-13-45T99:99:99Z' }, 'meta.created'],
    ['non-base64 binary', x509Certificates, [{ value: 'not base64!' }], 'x509Certificates[0].value'],
    [
      'two primary emails',
      emails,
      [
        { value: 'a', primary: true },
        { value: 'b', primary: 'True' },
      ],
      'primary',
    ],
    [
      'a sub-attribute given twice in different case',
      name,
      { givenName: 'a', GivenName: 'b' },
      'name.givenName',
    ],
  ])('%s', (_label, attributeDefinition, input, fragment) => {
    const path =
      attributeDefinition === PEOPLE_MANAGER_ATTRIBUTE ? 'urn:x:peopleManager' : attributeDefinition.name;
    expectScimError(() => normaliseValue(input, attributeDefinition, path), 400, 'invalidValue', fragment);
  });

  it.each<[string, AttributeDefinition, unknown, string]>([
    ['a fractional integer', count, 4.5, '"count": expected an integer'],
    ['an integer beyond the safe range', count, 2 ** 53, '"count": expected an integer'],
    ['a non-numeric integer string', count, '4x', '"count": expected an integer'],
    ['a decimal string for an integer', count, '4.0', '"count": expected an integer'],
    ['a boolean for an integer', count, true, '"count": expected an integer'],
    ['a non-numeric decimal', ratio, 'one', '"ratio": expected a number'],
    ['an object for a decimal', ratio, { n: 1 }, '"ratio": expected a number'],
    ['a number for a boolean', active, 1, '"active": expected a boolean (true or false)'],
    [
      'a word that is no peopleManager boolean',
      PEOPLE_MANAGER_ATTRIBUTE,
      'maybe',
      '"urn:x:peopleManager": expected a boolean (true, false, yes or no)',
    ],
    ['a boolean for a string', userName, true, '"userName": expected a string'],
    ['an object for a canonical string', emails, [{ type: {} }], '"emails[0].type": expected a string'],
    ['a number for a dateTime', meta, { created: 5 }, '"meta.created": expected a dateTime string'],
    [
      'a malformed dateTime',
      meta,
      { created: 'yesterday' },
      '"meta.created": expected an xsd:dateTime such as 2011-05-13T04:42:34Z',
    ],
    [
      'an impossible dateTime',
      meta,
      { created: '2011-13-45T99:99:99Z' },
      '"meta.created": expected a valid dateTime',
    ],
    [
      'a number for binary',
      x509Certificates,
      [{ value: 5 }],
      '"x509Certificates[0].value": expected a base64 string',
    ],
    [
      'non-base64 binary',
      x509Certificates,
      [{ value: 'not base64!' }],
      '"x509Certificates[0].value": expected base64',
    ],
  ])('words %s exactly', (_label, attributeDefinition, input, problem) => {
    const path =
      attributeDefinition === PEOPLE_MANAGER_ATTRIBUTE ? 'urn:x:peopleManager' : attributeDefinition.name;
    const error = expectScimError(
      () => normaliseValue(input, attributeDefinition, path),
      400,
      'invalidValue',
    );
    expect(error.detail).toBe(`Invalid value for attribute ${problem}.`);
  });

  it('does not echo the rejected value (it may be personal data)', () => {
    const error = expectScimError(
      () => normaliseValue({ secret: 'barbara@example.com' }, userName, 'userName'),
      400,
      'invalidValue',
    );
    expect(error.detail).not.toContain('barbara');
  });
});

describe('normaliseValue: properties', () => {
  const attributes = [
    ...USER_CORE_SCHEMA.attributes,
    ...ENTERPRISE_USER_SCHEMA.attributes,
    ...PROFILE_USER_SCHEMA.attributes,
    ...GROUP_CORE_SCHEMA.attributes,
  ];

  it('any JSON input yields a value, no value or a ScimError, never another exception', () => {
    fc.assert(
      fc.property(fc.constantFrom(...attributes), fc.jsonValue(), (attributeDefinition, input) => {
        try {
          normaliseValue(input, attributeDefinition, attributeDefinition.name);
        } catch (error: unknown) {
          expect(isScimError(error)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent: canonical output normalises to itself', () => {
    fc.assert(
      fc.property(fc.constantFrom(...attributes), fc.jsonValue(), (attributeDefinition, input) => {
        let once: unknown;
        try {
          once = normaliseValue(input, attributeDefinition, attributeDefinition.name);
        } catch {
          return;
        }
        expect(normaliseValue(once, attributeDefinition, attributeDefinition.name)).toEqual(once);
      }),
      { numRuns: 2000 },
    );
  });
});
