import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import type { JsonValue } from '../../../../lambdas/scim/json';
import { isJsonObject } from '../../../../lambdas/scim/json';
import { applyPatch } from '../../../../lambdas/scim/patch/apply';
import type { MemberChanges, MemberEntry } from '../../../../lambdas/scim/patch';
import { applyMemberChanges, planGroupPatch } from '../../../../lambdas/scim/patch';
import type { ScimResource } from '../../../../lambdas/scim/resource';
import { CORE_GROUP_URN, GROUP_SCHEMA } from '../../../../lambdas/scim/schema';
import { expectScimError } from '../../scim-errors';
import { deepFreeze } from './deep-freeze';
import type { PatchFixture } from './fixtures';
import { ALL_FIXTURES, group, isErrorTarget, patchRequest } from './fixtures';

const withoutMembers = (resource: ScimResource): ScimResource => {
  const copy = { ...resource };
  delete copy.members;
  return copy;
};

/** The members of a full group as the store keeps them: id and display. */
const memberEntriesOf = (resource: ScimResource): MemberEntry[] =>
  (Array.isArray(resource.members) ? resource.members : []).map((member) => {
    const value = isJsonObject(member) && typeof member.value === 'string' ? member.value : '?';
    const display = isJsonObject(member) ? member.display : undefined;
    return typeof display === 'string' ? { value, display } : { value };
  });

const sorted = (entries: readonly MemberEntry[]): MemberEntry[] =>
  [...entries].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));

const ids = (...values: string[]): MemberEntry[] => values.map((value) => ({ value }));

interface PlanFixture {
  readonly name: string;
  readonly ops: readonly JsonValue[];
  readonly members: MemberChanges;
}

const PLAN_FIXTURES: readonly PlanFixture[] = [
  {
    name: 'remove all then add a list = removeAll + add',
    ops: [
      { op: 'remove', path: 'members' },
      { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
    ],
    members: { removeAll: true, add: ids('a', 'b'), remove: [] },
  },
  {
    name: 'add a then remove a = remove a, not add',
    ops: [
      { op: 'add', path: 'members', value: [{ value: 'a' }] },
      { op: 'remove', path: 'members[value eq "a"]' },
    ],
    members: { removeAll: false, add: [], remove: ['a'] },
  },
  {
    name: 'remove a then add a = remove a, then add it afresh (no old display kept)',
    ops: [
      { op: 'Remove', path: 'members', value: [{ value: 'a' }] },
      { op: 'Add', path: 'members', value: [{ $ref: null, value: 'a' }] },
    ],
    members: { removeAll: false, add: ids('a'), remove: ['a'] },
  },
  {
    name: 'Okta replace members = removeAll + add the list, with displays',
    ops: [{ op: 'replace', path: 'members', value: [{ value: 'a', display: 'A' }, { value: 'b' }] }],
    members: { removeAll: true, add: [{ value: 'a', display: 'A' }, { value: 'b' }], remove: [] },
  },
  {
    name: 'Microsoft reference collection: add with displayName (an alias of display)',
    ops: [{ op: 'add', path: 'members', value: [{ displayName: 'new User', value: 'a' }] }],
    members: { removeAll: false, add: [{ value: 'a', display: 'new User' }], remove: [] },
  },
  {
    name: 're-adding with a new display: the later display wins',
    ops: [
      { op: 'add', path: 'members', value: [{ value: 'a', display: 'Old' }] },
      { op: 'add', path: 'members', value: [{ value: 'a', display: 'New' }] },
    ],
    members: { removeAll: false, add: [{ value: 'a', display: 'New' }], remove: [] },
  },
  {
    name: 're-adding without display keeps the display given earlier, also within one list',
    ops: [
      { op: 'add', path: 'members', value: [{ value: 'a', display: 'A' }, { value: 'a' }] },
      { op: 'add', path: 'members', value: [{ value: 'a' }] },
    ],
    members: { removeAll: false, add: [{ value: 'a', display: 'A' }], remove: [] },
  },
  {
    name: 'add with display, remove, add without: added afresh without display',
    ops: [
      { op: 'add', path: 'members', value: [{ value: 'a', display: 'A' }] },
      { op: 'remove', path: 'members[value eq "a"]' },
      { op: 'add', path: 'members', value: [{ value: 'a' }] },
    ],
    members: { removeAll: false, add: ids('a'), remove: ['a'] },
  },
  {
    name: 'replace members with an empty list = removeAll',
    ops: [{ op: 'replace', path: 'members', value: [] }],
    members: { removeAll: true, add: [], remove: [] },
  },
  {
    name: 'Entra legacy Remove with a value list removes only those',
    ops: [{ op: 'Remove', path: 'members', value: [{ value: 'a' }, { value: 'c' }] }],
    members: { removeAll: false, add: [], remove: ['a', 'c'] },
  },
  {
    name: 'remove by or-ed value filters',
    ops: [{ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }],
    members: { removeAll: false, add: [], remove: ['a', 'b'] },
  },
  {
    name: 'Entra legacy Add of several members, with a duplicate, in one request',
    ops: [{ op: 'Add', path: 'members', value: [{ value: 'a' }, { value: 'b' }, { value: 'a' }] }],
    members: { removeAll: false, add: ids('a', 'b'), remove: [] },
  },
  {
    name: 'no-path add with a members key',
    ops: [{ op: 'add', value: { members: [{ value: 'a', display: 'A' }] } }],
    members: { removeAll: false, add: [{ value: 'a', display: 'A' }], remove: [] },
  },
  {
    name: 'a remove after remove-all needs no remove entry',
    ops: [
      { op: 'remove', path: 'members' },
      { op: 'remove', path: 'members[value eq "a"]' },
    ],
    members: { removeAll: true, add: [], remove: [] },
  },
  {
    name: 'add with no value changes nothing',
    ops: [{ op: 'add', path: 'members', value: null }],
    members: { removeAll: false, add: [], remove: [] },
  },
];

describe('planGroupPatch', () => {
  it.each(PLAN_FIXTURES.map((fixture) => [fixture.name, fixture] as const))('%s', (_name, fixture) => {
    const source = deepFreeze(withoutMembers(group({})));
    const plan = planGroupPatch(source, deepFreeze(patchRequest(fixture.ops)), GROUP_SCHEMA);
    expect(plan.members).toEqual(fixture.members);
    expect(plan.changed).toBe(false);
    expect(plan.resource).toEqual(source);
  });

  it('applies the non-member operations to the group', () => {
    const plan = planGroupPatch(
      withoutMembers(group({})),
      patchRequest([
        { op: 'Replace', path: 'displayName', value: 'Renamed' },
        { op: 'Add', path: 'members', value: [{ value: 'a' }] },
      ]),
      GROUP_SCHEMA,
    );
    expect(plan.resource).toEqual(withoutMembers(group({ displayName: 'Renamed' })));
    expect(plan.changed).toBe(true);
    expect(plan.members).toEqual({ removeAll: false, add: ids('a'), remove: [] });
  });

  it.each([
    ['a filter on another sub-attribute', 'members[type eq "User"]'],
    ['a non-eq operator', 'members[value co "a"]'],
    ['an and of value filters', 'members[value eq "a" and value eq "b"]'],
    ['a not', 'members[not (value eq "a")]'],
  ])('rejects removal by %s with invalidFilter', (_title, path) => {
    expectScimError(
      () =>
        planGroupPatch(group({ members: undefined }), patchRequest([{ op: 'remove', path }]), GROUP_SCHEMA),
      400,
      'invalidFilter',
    );
  });

  it.each([
    ['add through a member filter', { op: 'add', path: 'members[value eq "a"]', value: { value: 'a' } }],
    ['a member sub-attribute', { op: 'remove', path: 'members[value eq "a"].display' }],
  ])('rejects %s with invalidPath', (_title, op) => {
    expectScimError(
      () => planGroupPatch(group({ members: undefined }), patchRequest([op]), GROUP_SCHEMA),
      400,
      'invalidPath',
    );
  });

  it('fails the whole request on a bad operation, like applyPatch', () => {
    expectScimError(
      () =>
        planGroupPatch(
          group({ members: undefined }),
          patchRequest([
            { op: 'add', path: 'members', value: [{ value: 'a' }] },
            { op: 'replace', path: 'id', value: 'x' },
          ]),
          GROUP_SCHEMA,
        ),
      400,
      'mutability',
    );
  });
});

describe('applyMemberChanges', () => {
  it('removes, then appends the added ids that are not members yet', () => {
    expect(
      applyMemberChanges(ids('a', 'b', 'c'), { removeAll: false, add: ids('d', 'a'), remove: ['b'] }),
    ).toEqual(ids('a', 'c', 'd'));
  });

  it('starts from nothing after a remove-all', () => {
    expect(
      applyMemberChanges([{ value: 'a' }, { value: 'b', display: 'B' }], {
        removeAll: true,
        add: ids('b', 'e'),
        remove: [],
      }),
    ).toEqual(ids('b', 'e'));
  });

  it('re-adding a member sets a given display and keeps the old one otherwise', () => {
    expect(
      applyMemberChanges(
        [
          { value: 'a', display: 'A' },
          { value: 'b', display: 'B' },
        ],
        { removeAll: false, add: [{ value: 'a', display: 'New' }, { value: 'b' }], remove: [] },
      ),
    ).toEqual([
      { value: 'a', display: 'New' },
      { value: 'b', display: 'B' },
    ]);
  });

  it('a member both removed and added is added afresh, without its old display', () => {
    expect(
      applyMemberChanges([{ value: 'a', display: 'A' }], { removeAll: false, add: ids('a'), remove: ['a'] }),
    ).toEqual(ids('a'));
  });
});

/** The plan, applied to a member list, must give what applyPatch gives on the full group. */
const expectAgreement = (source: ScimResource, ops: readonly JsonValue[]): void => {
  const request = patchRequest(ops);
  const full = applyPatch(source, request, GROUP_SCHEMA);
  const plan = planGroupPatch(withoutMembers(source), request, GROUP_SCHEMA);
  expect(sorted(applyMemberChanges(memberEntriesOf(source), plan.members))).toEqual(
    sorted(memberEntriesOf(full.resource)),
  );
  expect(plan.resource).toEqual(withoutMembers(full.resource));
};

const isGroupFixture = (fixture: PatchFixture): boolean =>
  fixture.source.schemas.includes(CORE_GROUP_URN) && !isErrorTarget(fixture.target);

describe('planGroupPatch agrees with applyPatch', () => {
  it.each(ALL_FIXTURES.filter(isGroupFixture).map((fixture) => [fixture.name, fixture] as const))(
    'on fixture: %s',
    (_name, fixture) => {
      expectAgreement(fixture.source, fixture.ops);
    },
  );

  it.each(PLAN_FIXTURES.map((fixture) => [fixture.name, fixture] as const))(
    'on plan fixture: %s',
    (_name, fixture) => {
      expectAgreement(group({ members: [{ value: 'a' }, { value: 'x' }] }), fixture.ops);
      expectAgreement(group({ members: [{ value: 'a', display: 'Old' }, { value: 'x' }] }), fixture.ops);
    },
  );

  // Ids differing only in letter case are different members (ids are case-sensitive, as the store's).
  const id = fc.constantFrom('a', 'b', 'A', 'B', 'c');
  // Displays and their displayName alias, so re-adds with a new display, the same one or none all occur.
  const memberList = fc.uniqueArray(
    fc.record(
      { value: id, display: fc.constantFrom('A', 'B'), displayName: fc.constantFrom('A', 'C') },
      { requiredKeys: ['value'] },
    ),
    { selector: (member) => member.value },
  );
  const memberOperation = fc.oneof(
    memberList.map((value) => ({ op: 'add', path: 'members', value })),
    memberList.map((value) => ({ op: 'Add', path: 'members', value })),
    memberList.map((value) => ({ op: 'replace', path: 'members', value })),
    memberList.map((value) => ({ op: 'Remove', path: 'members', value })),
    fc.constant({ op: 'remove', path: 'members' }),
    fc.uniqueArray(id, { minLength: 1 }).map((values) => ({
      op: 'remove',
      path: `members[${values.map((value) => `value eq "${value}"`).join(' or ')}]`,
    })),
    memberList.map((value) => ({ op: 'replace', value: { members: value } })),
  );

  it('on any sequence of member operations from any member list', () => {
    fc.assert(
      fc.property(memberList, fc.array(memberOperation, { minLength: 1, maxLength: 6 }), (members, ops) => {
        const source = group({ members: members.length > 0 ? members : undefined });
        expectAgreement(source, ops);
      }),
      { numRuns: 300 },
    );
  });
});
