import { describe, expect, it } from '@jest/globals';
import type { Filter } from '../../../../lambdas/scim/filter/ast';
import {
  compileElementFilter,
  compileFilter,
  evaluateFilter,
  matchesElement,
  validateFilter,
} from '../../../../lambdas/scim/filter/evaluate';
import { MAX_FILTER_LENGTH, parseFilter } from '../../../../lambdas/scim/filter/parser';
import type { JsonObject } from '../../../../lambdas/scim/json';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../../../lambdas/scim/schema';
import { findAttribute } from '../../../../lambdas/scim/schema/resolve';
import { BJENSEN, CORE_URN, EMAILS_ATTRIBUTE, EXTENSION_URN, TEST_SCHEMA } from './fixtures';
import { scimErrorFrom } from '../../scim-errors';

const matches = (filter: string, resource: JsonObject = BJENSEN): boolean =>
  evaluateFilter(parseFilter(filter), resource, TEST_SCHEMA);

describe('evaluateFilter on the test schema', () => {
  it.each<[string, boolean]>([
    // userName is caseExact false; attribute names match case-insensitively.
    ['userName eq "bjensen@example.com"', true],
    ['USERNAME EQ "BJENSEN@EXAMPLE.COM"', true],
    ['userName eq "bjensen"', false],
    ['userName ne "bjensen@example.com"', false],
    ['userName ne "someone@example.com"', true],
    ['userName co "JENSEN@"', true],
    ['userName sw "bjen"', true],
    ['userName sw "jensen"', false],
    ['userName ew ".COM"', true],
    ['userName ew "example"', false],
    ['userName gt "a"', true],
    ['userName gt "C"', false],
    ['userName ge "bjensen@example.com"', true],
    ['userName lt "c"', true],
    ['userName le "b"', false],
    // id and externalId are caseExact.
    ['id eq "2819c223-7f76-453a-919d-413861904646"', true],
    ['id eq "2819C223-7F76-453A-919D-413861904646"', false],
    ['externalId eq "Bjensen-EXT"', true],
    ['externalId eq "bjensen-ext"', false],
    ['externalId sw "bjensen"', false],
    ['externalId co "sen-E"', true],
    // Sub-attributes of a single complex attribute.
    [`name.familyName co "o'mal"`, true],
    ['name.givenName eq "barbara"', true],
    ['Name.GivenName eq "Barbara"', true],
    // Booleans.
    ['active eq true', true],
    ['active eq false', false],
    ['active ne false', true],
    ['active eq "true"', false],
    // Numbers compare numerically.
    ['loginCount eq 42', true],
    ['loginCount eq 42.0', true],
    ['loginCount gt 9', true],
    ['loginCount lt 100', true],
    ['loginCount ge 42', true],
    ['loginCount le 41', false],
    ['loginCount eq "42"', false],
    ['rating gt 4.25', true],
    ['rating lt 4.5', false],
    ['rating le 4.5e0', true],
    // Binary: equality only.
    ['certificate eq "TUlJRERE"', true],
    // Multi-valued: any value matches.
    ['tags eq "alpha"', true],
    ['tags eq "BETA"', true],
    ['tags eq "gamma"', false],
    ['tags ne "alpha"', false],
    ['tags ne "gamma"', true],
    ['emails.value eq "babs@jensen.org"', true],
    ['emails.type eq "home"', true],
    ['emails.type eq "other"', false],
    ['emails.primary eq true', true],
    // A complex multi-valued attribute without a sub-attribute compares its value.
    ['emails co "jensen.org"', true],
    ['emails eq "BJENSEN@example.com"', true],
    ['emails eq "work"', false],
    ['emails sw "babs"', true],
    // Value paths: all conditions on the same element.
    ['emails[type eq "work"]', true],
    ['emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "work" and value co "jensen.org"]', false],
    ['emails[type eq "home" and value co "jensen.org"]', true],
    ['emails[type eq "home" and primary eq true]', false],
    ['emails[type eq "work" or type eq "other"]', true],
    ['emails[not (type eq "work")]', true],
    ['emails[type eq "fax"]', false],
    ['EMAILS[TYPE eq "WORK"]', true],
    ['emails[display pr]', false],
    // Entra's valuePath.subAttr form.
    ['emails[type eq "work"].value eq "bjensen@example.com"', true],
    ['emails[type eq "work"].value eq "BJENSEN@EXAMPLE.COM"', true],
    ['emails[type eq "work"].value eq "babs@jensen.org"', false],
    ['emails[type eq "home"].value eq "babs@jensen.org"', true],
    ['emails[type eq "work"].primary eq true', true],
    ['emails[type eq "home"].primary pr', false],
    // Extension attributes, with and without the URN; core URN at the top level.
    ['department eq "tour operations"', true],
    [`${EXTENSION_URN}:department eq "Tour Operations"`, true],
    [`${EXTENSION_URN.toLowerCase()}:DEPARTMENT eq "Tour Operations"`, true],
    [`${EXTENSION_URN}:manager.value eq "mgr-1"`, true],
    [`${EXTENSION_URN}:manager eq "MGR-1"`, true],
    ['manager.value eq "MGR-1"', true],
    ['manager eq "MGR-2"', false],
    ['manager.displayName sw "John"', true],
    [`${CORE_URN}:userName sw "b"`, true],
    [`${CORE_URN}:name.familyName pr`, true],
    // dateTime: instants, any offset, 7 fractional digits kept.
    ['meta.created eq "2010-01-23T04:56:22Z"', true],
    ['meta.created eq "2010-01-23T06:56:22+02:00"', true],
    ['meta.created eq "2010-01-22T23:56:22-05:00"', true],
    ['meta.created eq "2010-01-23T04:56:22.000Z"', true],
    ['meta.created ne "2010-01-23T04:56:22.000Z"', false],
    ['meta.created gt "2010-01-23T05:00:00+01:00"', true],
    ['meta.created lt "2010-01-23T05:00:00Z"', true],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', true],
    ['meta.lastModified gt "2011-05-13T04:42:34.123Z"', true],
    ['meta.lastModified gt "2011-05-13T04:42:34.1234566Z"', true],
    ['meta.lastModified ge "2011-05-13T04:42:34.1234567Z"', true],
    ['meta.lastModified gt "2011-05-13T04:42:34.1234567Z"', false],
    ['meta.lastModified lt "2011-05-13T04:42:34.1234568Z"', true],
    ['meta.lastModified le "2011-05-13T06:42:34.124+02:00"', true],
    ['meta.lastModified co "2011-05"', true],
    // pr and null.
    ['userName pr', true],
    ['title pr', false],
    ['emails pr', true],
    ['name pr', true],
    ['manager pr', true],
    ['title eq null', true],
    ['userName eq null', false],
    ['userName ne null', true],
    ['title ne null', false],
    ['displayName eq "BABS JENSEN"', true],
    // `schemas` is defined by no schema but held by every resource.
    [`schemas eq "${EXTENSION_URN}"`, true],
    // Logic.
    ['userName pr and active eq true', true],
    ['userName pr and active eq false', false],
    ['title pr or active eq true', true],
    ['not (title pr) and not (active eq false)', true],
    ['title pr or active eq false or loginCount eq 42', true],
    ['(title pr or active eq false) and loginCount eq 42', false],
  ])('%s -> %s', (filter, expected) => {
    expect(matches(filter)).toBe(expected);
  });

  it('reads a complex attribute written as a single object or a list', () => {
    const withObject: JsonObject = { ...BJENSEN, emails: { value: 'solo@x.com', type: 'work' } };
    expect(matches('emails[type eq "work"].value eq "solo@x.com"', withObject)).toBe(true);
    expect(matches('emails co "solo"', withObject)).toBe(true);
  });

  it('treats null, "", [] and empty objects as absent for pr', () => {
    const empty: JsonObject = {
      schemas: [],
      id: '1',
      userName: '',
      name: { givenName: null },
      emails: [],
      tags: [null],
    };
    expect(matches('userName pr', empty)).toBe(false);
    expect(matches('name pr', empty)).toBe(false);
    expect(matches('name.givenName pr', empty)).toBe(false);
    expect(matches('emails pr', empty)).toBe(false);
    expect(matches('tags pr', empty)).toBe(false);
    expect(matches('userName eq null', empty)).toBe(true);
    expect(matches('emails ne "x"', empty)).toBe(true);
  });

  it('does not match values of the wrong JSON type (no coercion, no crash)', () => {
    const odd: JsonObject = {
      schemas: [],
      id: '1',
      userName: 7,
      active: 'true',
      loginCount: '42',
      meta: { created: 'not a date', lastModified: 5 },
      emails: ['plain', 3, { value: { nested: true } }],
      urn_extension_not_object: 'x',
      [EXTENSION_URN]: 'not an object',
    };
    expect(matches('userName eq "7"', odd)).toBe(false);
    // A number against a string attribute is refused from the schema alone, whatever is stored.
    expect(scimErrorFrom(() => matches('userName eq 7', odd)).scimType).toBe('invalidFilter');
    expect(matches('active eq true', odd)).toBe(false);
    expect(matches('loginCount gt 1', odd)).toBe(false);
    expect(matches('meta.created gt "2000-01-01T00:00:00Z"', odd)).toBe(false);
    expect(matches('meta.lastModified lt "2000-01-01T00:00:00Z"', odd)).toBe(false);
    expect(matches('emails eq "plain"', odd)).toBe(false);
    expect(matches('emails[value pr]', odd)).toBe(true);
    expect(matches('department pr', odd)).toBe(false);
  });

  it.each([
    ['nickName eq "babs"', 'nickName'],
    ['not (nickName eq "babs")', 'nickName'],
    ['userName pr or nickName pr', 'nickName'],
    ['name.middleName ne "x"', 'name.middleName'],
    [`${CORE_URN}:department pr`, `${CORE_URN}:department`],
    ['urn:example:unknown:2.0:User:thing eq "x"', 'urn:example:unknown:2.0:User:thing'],
    ['emails[kind eq "work"]', 'kind'],
    ['constructor pr', 'constructor'],
    ['hasOwnProperty pr', 'hasOwnProperty'],
    ['valueOf.x pr', 'valueOf.x'],
    ['toString eq "x"', 'toString'],
  ])('%s -> invalidFilter naming %s: no schema defines it, so it could match nothing', (filter, name) => {
    const extra: JsonObject = { ...BJENSEN, Nickname: 'Babs', constructor: 'x' };
    const error = scimErrorFrom(() => matches(filter, extra));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(`'${name}'`);
  });
});

describe('evaluateFilter errors are invalidFilter, raised from the schema alone', () => {
  const emptyUser: JsonObject = { schemas: [], id: '1' };
  it.each<[string, string]>([
    ['active gt "a"', "'gt' cannot compare the boolean attribute 'active'"],
    ['active le 1', "'le' cannot compare the boolean attribute 'active'"],
    ['emails.primary ge "x"', "'ge' cannot compare the boolean attribute 'emails.primary'"],
    ['emails[primary lt "x"]', "'lt' cannot compare the boolean attribute 'primary'"],
    ['certificate gt "a"', "'gt' cannot compare the binary attribute 'certificate'"],
    ['meta.lastModified gt "yesterday"', "'meta.lastModified' is a dateTime"],
    ['meta.created eq "2011-02-30T00:00:00Z"', "'meta.created' is a dateTime"],
    ['meta.created ne "2011-05-13"', "'meta.created' is a dateTime"],
    ['userName[value eq "x"]', "'userName' is not a complex attribute"],
    ['not (active ge 3) or userName pr', "'ge' cannot compare the boolean attribute 'active'"],
  ])('%s', (filter, detail) => {
    const error = scimErrorFrom(() => evaluateFilter(parseFilter(filter), emptyUser, TEST_SCHEMA));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(detail);
    // validateFilter reports the same without any resource, e.g. for a store query that finds nothing.
    expect(scimErrorFrom(() => validateFilter(parseFilter(filter), TEST_SCHEMA)).detail).toBe(error.detail);
  });

  it('accepts co/sw/ew on a dateTime as text', () => {
    expect(() => validateFilter(parseFilter('meta.created sw "2010"'), TEST_SCHEMA)).not.toThrow();
    expect(matches('meta.created sw "2010"')).toBe(true);
  });

  it('rejects hand-built trees the parser would not produce', () => {
    const nested: Filter = {
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: {
        kind: 'valuePath',
        path: { attribute: 'value' },
        filter: { kind: 'present', path: { attribute: 'x' } },
      },
    };
    const nestedError = scimErrorFrom(() => validateFilter(nested, TEST_SCHEMA));
    expect(nestedError.scimType).toBe('invalidFilter');
    expect(nestedError.detail).toContain('cannot be nested');

    const uriInside: Filter = {
      kind: 'valuePath',
      path: { attribute: 'emails' },
      filter: { kind: 'present', path: { uri: CORE_URN, attribute: 'type' } },
    };
    const uriError = scimErrorFrom(() => validateFilter(uriInside, TEST_SCHEMA));
    expect(uriError.scimType).toBe('invalidFilter');
    expect(uriError.detail).toContain('must be a sub-attribute name');
  });
});

describe('compileFilter', () => {
  it('evaluates the longest chain the length cap allows without exhausting the stack', () => {
    // "title pr" plus " or " is 12 characters per term.
    const terms = Math.floor((MAX_FILTER_LENGTH + 4) / 12);
    const chain = parseFilter(Array.from({ length: terms }, () => 'title pr').join(' or '));
    const predicate = compileFilter(chain, TEST_SCHEMA);
    expect(predicate(BJENSEN)).toBe(false);
    expect(predicate({ ...BJENSEN, title: 'Boss' })).toBe(true);
  });

  it('compiles once and filters many resources', () => {
    const predicate = compileFilter(
      parseFilter('emails[type eq "work"].value ew "@example.com"'),
      TEST_SCHEMA,
    );
    const people: JsonObject[] = [
      BJENSEN,
      { schemas: [], id: '2', emails: [{ value: 'x@example.com', type: 'home' }] },
      { schemas: [], id: '3', emails: [{ value: 'y@EXAMPLE.com', type: 'Work' }] },
      { schemas: [], id: '4' },
    ];
    expect(people.filter(predicate).map((person) => person.id)).toEqual([BJENSEN.id, '3']);
  });
});

describe('matchesElement: one element of a multi-valued complex attribute (PATCH value paths)', () => {
  const work = { value: 'bjensen@example.com', type: 'work', primary: true };
  const home = { value: 'babs@jensen.org', type: 'home' };
  it.each<[string, JsonObject, boolean]>([
    ['type eq "work"', work, true],
    ['type eq "WORK"', work, true],
    ['type eq "work"', home, false],
    ['type eq "work" and value co "@example"', work, true],
    ['type eq "home" or primary eq true', work, true],
    ['primary eq true', home, false],
    ['not (primary eq true)', home, true],
    ['primary pr', home, false],
    ['display eq "x"', work, false],
  ])('%s on %p -> %s', (filter, element, expected) => {
    expect(matchesElement(parseFilter(filter), element, EMAILS_ATTRIBUTE)).toBe(expected);
  });

  it('works on the bracket filter from parsePath, for Group members', () => {
    const members = findAttribute(GROUP_SCHEMA.core.attributes, 'members');
    if (!members) throw new Error('members is not defined');
    const isMember = compileElementFilter(parseFilter('value eq "2819c223"'), members);
    expect(isMember({ value: '2819c223', display: 'Babs' })).toBe(true);
    expect(isMember({ value: 'other' })).toBe(false);
  });

  it('rejects an ordering comparison on a boolean sub-attribute', () => {
    const error = scimErrorFrom(() => matchesElement(parseFilter('primary gt "a"'), work, EMAILS_ATTRIBUTE));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain("cannot compare the boolean attribute 'primary'");
  });
});

describe('evaluateFilter on the production schemas', () => {
  const user: JsonObject = {
    schemas: [CORE_URN],
    id: 'c3a8f2e0-0000-4000-8000-000000000001',
    externalId: '5d2c7a10-Entra-ObjectId',
    userName: 'Ada.Lovelace@Contoso.com',
    active: false,
    emails: [{ value: 'ada@contoso.com', type: 'work', primary: true }],
    addresses: [{ type: 'work', locality: 'London', country: 'GB' }],
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
      manager: { value: 'mgr-id' },
      department: 'R&D',
    },
    'urn:ietf:params:scim:schemas:extension:profile:2.0:User': {
      managementLevel: 'Director',
      peopleManager: true,
    },
    meta: {
      resourceType: 'User',
      created: '2024-01-01T00:00:00Z',
      lastModified: '2024-02-01T10:00:00.5+01:00',
    },
  };
  const group: JsonObject = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
    id: 'g-1',
    displayName: 'Sales EMEA',
    externalId: 'grp-Obj',
    members: [{ value: 'c3a8f2e0-0000-4000-8000-000000000001' }, { value: 'u-2' }],
  };
  const resources = { user, group };
  it.each<[string, keyof typeof resources, boolean]>([
    // Entra Test Connection and matching (the validator re-sends userName in other letter case).
    ['userName eq "ada.lovelace@contoso.com"', 'user', true],
    ['userName eq "ADA.LOVELACE@CONTOSO.COM"', 'user', true],
    ['userName eq "8b4f5a4e-1c55-4d36-8c4f-4b0a5e0c1d2e"', 'user', false],
    ['externalId eq "5d2c7a10-Entra-ObjectId"', 'user', true],
    ['externalId eq "5d2c7a10-entra-objectid"', 'user', false],
    ['emails[type eq "work"].value eq "ADA@contoso.com"', 'user', true],
    ['active eq false', 'user', true],
    ['addresses[type eq "work"].locality eq "london"', 'user', true],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "mgr-id"', 'user', true],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "r&d"', 'user', true],
    ['urn:ietf:params:scim:schemas:extension:profile:2.0:User:managementLevel eq "director"', 'user', true],
    ['urn:ietf:params:scim:schemas:extension:profile:2.0:User:peopleManager eq true', 'user', true],
    ['managementLevel eq "Director" and peopleManager eq true', 'user', true],
    ['meta.lastModified eq "2024-02-01T09:00:00.500Z"', 'user', true],
    ['meta.lastModified gt "2024-02-01T09:00:00Z"', 'user', true],
    ['meta.resourceType eq "User"', 'user', true],
    ['meta.resourceType eq "user"', 'user', false],
    ['displayName eq "sales emea"', 'group', true],
    ['displayName eq "Sales"', 'group', false],
    ['externalId eq "grp-Obj"', 'group', true],
    ['members eq "u-2"', 'group', true],
    ['members[value eq "c3a8f2e0-0000-4000-8000-000000000001"]', 'group', true],
    ['members ne "u-3"', 'group', true],
    ['members ne "u-2"', 'group', false],
    // Match keys (lambdas/scim/match-key.ts): what uniqueness treats as one value, a filter finds.
    ['userName eq "\uff21\uff44\uff41.Lovelace@Contoso.com"', 'user', true],
    ['userName eq " ada.lovelace@contoso.com\u200b"', 'user', true],
    ['userName sw "\uff41\uff44\uff41"', 'user', true],
    ['emails.value eq "\ufeffADA@contoso.com"', 'user', true],
    ['externalId eq "5d2c7a10-Entra-ObjectId "', 'user', true],
    ['externalId eq "\uff15d2c7a10-Entra-ObjectId"', 'user', false],
    ['displayName eq "sales\u00a0emea"', 'group', true],
    ['displayName eq "\uff33ales EMEA"', 'group', true],
  ])('%s on the %s -> %s', (filter, kind, expected) => {
    const schema = kind === 'group' ? GROUP_SCHEMA : USER_SCHEMA;
    expect(evaluateFilter(parseFilter(filter), resources[kind], schema)).toBe(expected);
  });

  it.each<[string, string]>([
    ['active gt true', "'gt' compares order"],
    ['active lt "x"', "'lt' cannot compare the boolean attribute 'active'"],
    ['x509Certificates gt "a"', "'gt' cannot compare the binary attribute 'x509Certificates'"],
    ['meta.created ge "last week"', "'meta.created' is a dateTime"],
    ['urn:ietf:params:scim:schemas:extension:profile:2.0:User:peopleManager ge 1', 'boolean'],
    ['title gt 5', "'title' is a string attribute and cannot be compared with the number 5"],
    ['meta.created gt 2011', "'meta.created' is a dateTime attribute and cannot be compared with the number"],
    ['externalId eq 123', "'externalId' is a string attribute"],
    ['emails[value ne 1]', "'value' is a string attribute"],
    ['not (userName ne 7)', "'userName' is a string attribute"],
  ])('%s -> invalidFilter', (filter, detail) => {
    const error = scimErrorFrom(() => validateFilter(parseFilter(filter), USER_SCHEMA));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(detail);
  });

  it.each(['password sw "S3"', 'password pr', 'not (password eq "x")', 'PASSWORD eq "x"'])(
    '%s -> invalidFilter: no schema defines a password (it would be an oracle for its value)',
    (filter) => {
      const stored: JsonObject = { ...user, password: 'S3cret' };
      const error = scimErrorFrom(() => evaluateFilter(parseFilter(filter), stored, USER_SCHEMA));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toMatch(/defines '(password|PASSWORD)'/);
      expect(scimErrorFrom(() => validateFilter(parseFilter(filter), USER_SCHEMA)).detail).toBe(error.detail);
    },
  );
});
