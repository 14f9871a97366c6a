import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ScimError } from '../../../lambdas/scim/errors';
import { parseFilter } from '../../../lambdas/scim/filter/parser';
import { decodeCursor, encodeCursor } from '../../../lambdas/store/cursor';
import { lookupPlan, needsMemberships, testedMemberIds } from '../../../lambdas/store/lookup-plan';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('cursors (RFC 9865)', () => {
  it('round-trips next and previous cursors', () => {
    expect(decodeCursor(encodeCursor({ after: ID }))).toEqual({ after: ID });
    expect(decodeCursor(encodeCursor({ before: ID }))).toEqual({ before: ID });
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each(['!!', 'YTpub3RhbmlkCg', Buffer.from(`z:${ID}`).toString('base64url'), 'a'.repeat(300)])(
    'refuses cursor %p with 400 invalidCursor (RFC 9865)',
    (text) => {
      try {
        decodeCursor(text);
        throw new Error('expected an error');
      } catch (error) {
        expect(error).toBeInstanceOf(ScimError);
        expect([(error as ScimError).status, (error as ScimError).scimType]).toEqual([400, 'invalidCursor']);
      }
    },
  );

  it('answers any input with a cursor or a ScimError, never another exception', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        try {
          decodeCursor(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
        }
      }),
    );
  });
});

describe('lookupPlan: which filters a lookup serves', () => {
  it.each([
    ['User', 'userName eq "A@x.com"', { kind: 'unique', attribute: 'userName', value: 'A@x.com' }],
    ['User', 'USERNAME eq "a"', { kind: 'unique', attribute: 'userName', value: 'a' }],
    [
      'User',
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"',
      { kind: 'unique', attribute: 'userName', value: 'a' },
    ],
    ['User', 'externalId eq "Obj"', { kind: 'externalId', value: 'Obj' }],
    ['User', 'EXTERNALID eq "obj"', { kind: 'externalId', value: 'obj' }],
    ['User', `id eq "${ID}"`, { kind: 'id', value: ID }],
    ['User', 'emails[type eq "work"].value eq "a@x.com"', { kind: 'email', value: 'a@x.com' }],
    ['User', 'emails[type eq "work" and value eq "a@x.com"]', { kind: 'email', value: 'a@x.com' }],
    ['User', 'emails.value eq "a@x.com"', { kind: 'email', value: 'a@x.com' }],
    ['User', 'active eq true and userName eq "a"', { kind: 'unique', attribute: 'userName', value: 'a' }],
    ['Group', 'displayName eq "Sales"', { kind: 'unique', attribute: 'displayName', value: 'Sales' }],
    ['Group', 'externalId eq "g"', { kind: 'externalId', value: 'g' }],
    // An `and` uses its cheapest lookup: one item (id, userName) before O(matches) (externalId, email).
    ['User', 'externalId eq "x" and userName eq "a"', { kind: 'unique', attribute: 'userName', value: 'a' }],
    ['User', `externalId eq "x" and id eq "${ID}"`, { kind: 'id', value: ID }],
    ['User', 'externalId eq "x" and emails.value eq "a@x.com"', { kind: 'externalId', value: 'x' }],
    ['User', 'active eq true and externalId eq "x"', { kind: 'externalId', value: 'x' }],
    ['Group', `members[value eq "${ID}"]`, { kind: 'memberOf', userId: ID }],
    ['Group', `members.value eq "${ID}"`, { kind: 'memberOf', userId: ID }],
  ] as const)('%s %s', (type, filter, expected) => {
    expect(lookupPlan(type, parseFilter(filter))).toEqual(expected);
  });

  it.each([
    ['User', 'userName sw "a"'],
    ['User', 'userName eq "a" or externalId eq "b"'],
    ['User', 'not (userName eq "a")'],
    ['User', 'displayName eq "a"'],
    ['User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"'],
    ['User', 'emails[type eq "work"]'],
    ['Group', 'userName eq "a"'],
    ['User', 'userName eq 1'],
  ] as const)('%s %s needs a scan', (type, filter) => {
    expect(lookupPlan(type, parseFilter(filter))).toBeUndefined();
  });

  it('knows when a filter reads memberships', () => {
    expect(needsMemberships('Group', parseFilter('members eq "x"'))).toBe(true);
    expect(needsMemberships('Group', parseFilter('displayName eq "x" or not (members pr)'))).toBe(true);
    expect(needsMemberships('Group', parseFilter('displayName eq "x"'))).toBe(false);
    expect(needsMemberships('User', parseFilter('groups[value eq "x"]'))).toBe(true);
  });
});

describe('testedMemberIds: Group filters that only ask whether given ids are members', () => {
  it.each([
    [`members[value eq "${ID}"]`, [ID]],
    [`members.value eq "${ID}"`, [ID]],
    [`id eq "${ID}" and members[value eq "u1"]`, ['u1']],
    ['not (members[value eq "u1"]) or members.value eq "u2"', ['u1', 'u2']],
    ['members[value eq "u1"] and members[value eq "u1"]', ['u1']],
    ['displayName eq "Sales"', []],
  ])('%s tests %p', (filter, expected) => {
    expect(testedMemberIds(parseFilter(filter))).toEqual(expected);
  });

  it.each([
    'members pr',
    'members[display co "Ada"]',
    'members[value eq "u1" and display eq "Ada"]',
    'members.value ne "u1"',
    'members.display eq "Ada"',
    'members[value eq "u1"] or members pr',
  ])('%s needs the whole member list (undefined)', (filter) => {
    expect(testedMemberIds(parseFilter(filter))).toBeUndefined();
  });
});
