/**
 * The filters of Microsoft's SCIM reference test collection (AzureAD/SCIMReferenceCode,
 * PostmanCollection.json), evaluated on the users that collection has created by the time it sends them,
 * with the totals its tests expect. Three of them use unquoted values.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluateFilter } from '../../../../lambdas/scim/filter/evaluate';
import { parseFilter } from '../../../../lambdas/scim/filter/parser';
import type { JsonObject } from '../../../../lambdas/scim/json';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../../../lambdas/scim/schema';

const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A user as the collection posts it ("User tests with garbage"), in canonical form; meta is ours. */
const collectionUser = (
  userName: string,
  familyName: string,
  emails: readonly (readonly [type: string, value: string])[],
  created: string,
  extra: JsonObject = {},
): JsonObject => ({
  schemas: [CORE_USER],
  id: `id-${userName}`,
  userName,
  active: true,
  displayName: 'Kimberly Baker',
  name: { formatted: 'Daniel Mcgee', familyName, givenName: 'Darl' },
  emails: emails.map(([type, value], index) => ({ type, value, primary: index === 0 })),
  meta: { resourceType: 'User', created, lastModified: created },
  ...extra,
});

const EMPLOYEE_EMAILS = [
  ['work', 'anna33@gmail.com'],
  ['work', 'anna33@example.com'],
] as const;

/** After the collection's PUT: deactivated, its own family name, one work and one other email. */
const OMALLEY = collectionUser(
  'OMalley',
  'OMalley',
  [
    ['work', 'anna33@example.com'],
    ['other', 'anna33@gmail.com'],
  ],
  '2025-03-01T09:00:00.1234567Z',
  { active: false },
);

// The five users present when the filters are sent.
const USERS: readonly JsonObject[] = [
  OMALLEY,
  collectionUser('emp1', 'Employee', EMPLOYEE_EMAILS, '2025-03-01T09:00:01Z'),
  collectionUser('emp2', 'Employee', EMPLOYEE_EMAILS, '2025-03-01T09:00:02Z'),
  collectionUser('emp3', 'Employee', EMPLOYEE_EMAILS, '2025-03-01T09:00:03Z'),
  collectionUser('enterprise', 'Employee', EMPLOYEE_EMAILS, '2025-03-01T09:00:04Z', {
    schemas: [CORE_USER, ENTERPRISE_USER],
    [ENTERPRISE_USER]: { department: 'some department' },
  }),
];

const matchingUserNames = (filter: string, users: readonly JsonObject[] = USERS): unknown[] => {
  const parsed = parseFilter(filter);
  return users.filter((user) => evaluateFilter(parsed, user, USER_SCHEMA)).map((user) => user.userName);
};

describe("Microsoft's SCIM test collection: filters and the results it expects", () => {
  it.each<[string, string[]]>([
    // "filter eq and (val or val)": totalResults 4.
    [
      'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      ['emp1', 'emp2', 'emp3', 'enterprise'],
    ],
    // "filter starts with": totalResults 1 (userName is caseExact false).
    ['userName sw O', ['OMalley']],
    // "filter greater than": totalResults 5 (every user was created after 2015).
    ['meta.Created gt 2015-10-10T14:38:21.8617979-07:00', ['OMalley', 'emp1', 'emp2', 'emp3', 'enterprise']],
  ])('%s', (filter, expected) => {
    expect(matchingUserNames(filter)).toEqual(expected);
  });

  it('DisplayName eq "BobIsAmazing" (quoted) finds the user with that display name', () => {
    const bob = collectionUser('bob', 'Employee', EMPLOYEE_EMAILS, '2025-03-01T09:00:05Z', {
      displayName: 'BobIsAmazing',
    });
    expect(matchingUserNames('DisplayName eq "BobIsAmazing"', [...USERS, bob])).toEqual(['bob']);
  });
});

describe('unquoted values evaluate exactly like their quoted form', () => {
  const EVERYONE = ['OMalley', 'emp1', 'emp2', 'emp3', 'enterprise'];
  it.each<[string, string, string[]]>([
    ['userName sw o', 'userName sw "o"', ['OMalley']],
    ['userName eq omalley', 'userName eq "omalley"', ['OMalley']],
    ['userName ne omalley', 'userName ne "omalley"', ['emp1', 'emp2', 'emp3', 'enterprise']],
    [
      'name.familyName eq OMalley and emails[type eq other]',
      'name.familyName eq "OMalley" and emails[type eq "other"]',
      ['OMalley'],
    ],
    ['emails[type eq work].value ew example.com', 'emails[type eq "work"].value ew "example.com"', EVERYONE],
    ['emails[type eq work].value ew example.org', 'emails[type eq "work"].value ew "example.org"', []],
    // Literals stay booleans when unquoted, in any letter case.
    ['active eq FALSE', 'active eq false', ['OMalley']],
  ])('%s', (unquoted, quoted, expected) => {
    expect(matchingUserNames(quoted)).toEqual(expected);
    expect(matchingUserNames(unquoted)).toEqual(expected);
  });
});

describe('an unquoted dateTime compares as an instant (offset and 7 fractional digits)', () => {
  // 2015-10-10T14:38:21.8617979-07:00 is 2015-10-10T21:38:21.8617979Z.
  const FILTER_INSTANT = '2015-10-10T14:38:21.8617979-07:00';
  const createdAt = (created: string): JsonObject =>
    collectionUser('boundary', 'Employee', EMPLOYEE_EMAILS, created);

  it.each<[string, string, boolean]>([
    ['gt', '2015-10-10T21:38:21.8617980Z', true],
    ['gt', '2015-10-10T21:38:21.8617979Z', false],
    ['ge', '2015-10-10T21:38:21.8617979Z', true],
    ['eq', '2015-10-10T23:38:21.8617979+02:00', true],
    ['lt', '2015-10-10T21:38:21.8617978Z', true],
    ['gt', '2015-10-10T20:00:00Z', false],
  ])('meta.created %s %s -> %s', (op, created, expected) => {
    const parsed = parseFilter(`meta.created ${op} ${FILTER_INSTANT}`);
    expect(evaluateFilter(parsed, createdAt(created), USER_SCHEMA)).toBe(expected);
  });
});

describe('RFC 7644 §3.4.2.2: meta.resourceType eq User', () => {
  it('matches users and not groups', () => {
    const parsed = parseFilter('meta.resourceType eq User');
    expect(evaluateFilter(parsed, OMALLEY, USER_SCHEMA)).toBe(true);
    const group: JsonObject = {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      id: 'g1',
      displayName: 'Sales',
      meta: { resourceType: 'Group', created: '2025-03-01T09:00:00Z', lastModified: '2025-03-01T09:00:00Z' },
    };
    expect(evaluateFilter(parsed, group, GROUP_SCHEMA)).toBe(false);
  });
});
