import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseFilter } from '../../../lambdas/scim/filter/parser';
import type { JsonObject } from '../../../lambdas/scim/json';
import { CORE_GROUP_URN, CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import type { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import { mapLimit } from '../../../lambdas/store/dynamodb-store';
import type { GroupPatchPlan, MemberEntry } from '../../../lambdas/scim/patch';
import { memberIndexPartition, memberPartition, resourceKey } from '../../../lambdas/store/keys';
import { MEMBER_INDEX } from '../../../lambdas/store/table-definition';
import { scimErrorOf } from '../../unit/scim-errors';
import { createTestTable } from './table';
import type { TestTable } from './table';

const TENANT = 'tenant-groups';
const OTHER = 'tenant-other';

const group = (displayName: string, extra: JsonObject = {}): JsonObject => ({
  schemas: [CORE_GROUP_URN],
  displayName,
  ...extra,
});

/** A plan that changes only members, as planGroupPatch returns for Entra's member PATCHes. */
const memberPlan =
  (add: readonly (string | MemberEntry)[], remove: readonly string[] = [], removeAll = false) =>
  (current: JsonObject & { id: string; schemas: string[] }): GroupPatchPlan => ({
    resource: current,
    changed: false,
    members: {
      removeAll,
      add: add.map((entry) => (typeof entry === 'string' ? { value: entry } : entry)),
      remove,
    },
  });

/** The members of a group read back, by id, as {display?} (`type` is always User). */
const displaysOf = async (groupId: string): Promise<Record<string, string | undefined>> => {
  const read = await repository.getGroup(TENANT, groupId, { includeMembers: true });
  const members = (read?.members ?? []) as JsonObject[];
  expect(members.every((member) => member.type === 'User')).toBe(true);
  return Object.fromEntries(
    members.map((member) => [
      typeof member.value === 'string' ? member.value : '?',
      typeof member.display === 'string' ? member.display : undefined,
    ]),
  );
};

/** 0, 1, ..., count - 1. */
const indexes = (count: number): number[] => Array.from({ length: count }, (_, index) => index);

let table: TestTable;
let repository: DynamoDbScimRepository;
let userIds: string[];

beforeAll(async () => {
  table = await createTestTable();
  repository = table.repository();
  userIds = (
    await mapLimit(indexes(5000), 50, (index) =>
      repository.createUser(TENANT, { schemas: [CORE_USER_URN], userName: `member-${index}@example.com` }),
    )
  ).map((user) => user.id);
}, 120_000);
afterAll(() => table.close());

describe('groups and memberships on DynamoDB Local', () => {
  it('adds, lists, removes and cascades a 5,000-member group', async () => {
    const created = await repository.createGroup(TENANT, group('Everyone', { externalId: 'obj-everyone' }));
    expect(created.members).toBeUndefined();

    const afterAdd = await repository.updateGroup(TENANT, created.id, memberPlan(userIds), {
      memberIdsHint: userIds,
    });
    expect(afterAdd.meta).toMatchObject({ version: 'W/"2"' });
    // Adding again is idempotent.
    await repository.updateGroup(TENANT, created.id, memberPlan(userIds.slice(0, 10)));

    const full = await repository.getGroup(TENANT, created.id, { includeMembers: true });
    expect((full?.members as JsonObject[]).length).toBe(5000);
    const withoutMembers = await repository.getGroup(TENANT, created.id, { includeMembers: false });
    expect(withoutMembers?.members).toBeUndefined();

    const someUser = userIds[42];
    const groupsOfUser = await repository.getUser(TENANT, someUser, { includeGroups: true });
    expect(groupsOfUser?.groups).toEqual([{ value: created.id, type: 'direct' }]);

    await repository.updateGroup(TENANT, created.id, memberPlan([], [someUser]));
    const afterRemove = await repository.getGroup(TENANT, created.id, { includeMembers: true });
    const memberIds = (afterRemove?.members as JsonObject[]).map((member) => member.value);
    expect(memberIds).toHaveLength(4999);
    expect(memberIds).not.toContain(someUser);
    expect((await repository.getUser(TENANT, someUser, { includeGroups: true }))?.groups).toBeUndefined();

    const byMember = await repository.findGroups(TENANT, {
      filter: parseFilter(`members eq "${userIds[7]}"`),
    });
    expect(byMember.resources.map((resource) => resource.id)).toEqual([created.id]);

    await repository.deleteGroup(TENANT, created.id);
    expect(await repository.getGroup(TENANT, created.id, { includeMembers: true })).toBeUndefined();
    const member = await table.documentClient.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#${TENANT}#GROUP#${created.id}#MEMBERS` },
        Select: 'COUNT',
      }),
    );
    expect(member.Count).toBe(0);
    expect((await repository.getUser(TENANT, userIds[7], { includeGroups: true }))?.groups).toBeUndefined();
  }, 120_000);

  it('refuses unknown member ids with 400 invalidValue naming them, writing nothing', async () => {
    const created = await repository.createGroup(TENANT, group('Strict'));
    const foreign = await repository.createUser(OTHER, {
      schemas: [CORE_USER_URN],
      userName: 'x@example.com',
    });
    const missing = '00000000-0000-4000-8000-000000000000';
    const error = await scimErrorOf(
      repository.updateGroup(TENANT, created.id, memberPlan([userIds[0], missing, foreign.id])),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(error.detail).toContain(missing);
    expect(error.detail).toContain(foreign.id);
    const after = await repository.getGroup(TENANT, created.id, { includeMembers: true });
    expect(after?.members).toEqual([]);
    expect(after?.meta).toMatchObject({ version: 'W/"1"' });
  });

  it('enforces unique displayNames per tenant, case-insensitively, and renames atomically', async () => {
    const sales = await repository.createGroup(TENANT, group('Sales'));
    const clash = await scimErrorOf(repository.createGroup(TENANT, group('SALES')));
    expect([clash.status, clash.scimType]).toEqual([409, 'uniqueness']);
    await expect(repository.createGroup(OTHER, group('Sales'))).resolves.toBeDefined();

    await repository.updateGroup(TENANT, sales.id, (current) => ({
      resource: { ...current, displayName: 'Sales EMEA' },
      changed: true,
      members: { removeAll: false, add: [], remove: [] },
    }));
    const found = await repository.findGroups(TENANT, { filter: parseFilter('displayName eq "sales emea"') });
    expect(found.resources.map((resource) => resource.id)).toEqual([sales.id]);
    await expect(repository.createGroup(TENANT, group('Sales'))).resolves.toBeDefined();
  });

  it('lets groups share an externalId (not unique) and finds each by it', async () => {
    const first = await repository.createGroup(TENANT, group('Shared one', { externalId: 'obj-shared' }));
    const second = await repository.createGroup(TENANT, group('Shared two', { externalId: 'obj-shared' }));
    const found = await repository.findGroups(TENANT, { filter: parseFilter('externalId eq "obj-shared"') });
    expect(found.resources.map((resource) => resource.id)).toEqual([first.id, second.id].sort());
    const other = await repository.findGroups(OTHER, { filter: parseFilter('externalId eq "obj-shared"') });
    expect(other.totalResults).toBe(0);
  });

  it('replaces the whole member list with PUT, writing only the difference', async () => {
    const created = await repository.createGroup(
      TENANT,
      group('Okta', { members: userIds.slice(0, 3).map((value) => ({ value })) }),
    );
    expect((created.members as JsonObject[]).length).toBe(3);
    const replaced = await repository.replaceGroup(
      TENANT,
      created.id,
      group('Okta', { members: userIds.slice(2, 5).map((value) => ({ value })) }),
    );
    expect((replaced.members as JsonObject[]).map((member) => member.value)).toEqual(userIds.slice(2, 5));
    const read = await repository.getGroup(TENANT, created.id, { includeMembers: true });
    expect((read?.members as JsonObject[]).map((member) => member.value).sort()).toEqual(
      [...userIds.slice(2, 5)].sort(),
    );
  });

  it('keeps the display sent with a member: PATCH add, re-add, remove and add again', async () => {
    const [a, b] = userIds.slice(100, 102);
    const created = await repository.createGroup(TENANT, group('Displays'));
    // Microsoft's reference collection: add with a display (displayName on the wire), then GET shows it.
    await repository.updateGroup(TENANT, created.id, memberPlan([{ value: a, display: 'new User' }, b]), {
      memberIdsHint: [a, b],
    });
    expect(await displaysOf(created.id)).toEqual({ [a]: 'new User', [b]: undefined });

    // Re-adding without a display keeps it (hinted or not); with a new one, updates it.
    await repository.updateGroup(TENANT, created.id, memberPlan([a]), { memberIdsHint: [a] });
    await repository.updateGroup(TENANT, created.id, memberPlan([a, { value: b, display: 'Bee' }]));
    expect(await displaysOf(created.id)).toEqual({ [a]: 'new User', [b]: 'Bee' });

    // Removed, then added afresh in one request: the old display is gone.
    await repository.updateGroup(TENANT, created.id, memberPlan([a], [a]));
    expect(await displaysOf(created.id)).toEqual({ [a]: undefined, [b]: 'Bee' });
    const listed = await repository.findGroups(TENANT, {
      filter: parseFilter('members[display eq "Bee"]'),
      includeMembers: true,
    });
    expect(listed.resources.map((resource) => resource.id)).toEqual([created.id]);
  });

  it('keeps member displays given with POST and PUT ("Create filled group 2", "Put replace group3")', async () => {
    const [a, b, c] = userIds.slice(110, 113);
    const created = await repository.createGroup(
      TENANT,
      group('Filled', { members: [{ value: a, display: 'VP' }, { value: b }] }),
    );
    expect(created.members).toEqual([
      { value: a, type: 'User', display: 'VP' },
      { value: b, type: 'User' },
    ]);
    expect(await displaysOf(created.id)).toEqual({ [a]: 'VP', [b]: undefined });

    const replaced = await repository.replaceGroup(
      TENANT,
      created.id,
      group('putName', {
        members: [
          { value: a, display: 'SenorVP' },
          { value: c, display: 'VP' },
        ],
      }),
    );
    expect(replaced.members).toEqual([
      { value: a, type: 'User', display: 'SenorVP' },
      { value: c, type: 'User', display: 'VP' },
    ]);
    expect(await displaysOf(created.id)).toEqual({ [a]: 'SenorVP', [c]: 'VP' });

    // A PUT states the whole list: a member sent without a display loses the stored one.
    await repository.replaceGroup(TENANT, created.id, group('putName', { members: [{ value: a }] }));
    expect(await displaysOf(created.id)).toEqual({ [a]: undefined });
  });

  // 1 member fits in the group's transaction (atomic); 60 do not (transaction first, then member batches).
  it.each([1, 60])(
    'a PATCH rejected with 409 (rename to a taken displayName) writes none of its %i added members',
    async (count) => {
      const users = await Promise.all(
        Array.from({ length: count }, (_, index) =>
          repository.createUser(TENANT, {
            schemas: [CORE_USER_URN],
            userName: `rejected-member-${count}-${index}@example.com`,
          }),
        ),
      );
      const ids = users.map((user) => user.id);
      const renamed = await repository.createGroup(TENANT, group(`Rename me ${count}`));
      await repository.createGroup(TENANT, group(`Taken name ${count}`));
      const error = await scimErrorOf(
        repository.updateGroup(
          TENANT,
          renamed.id,
          (current) => ({
            resource: { ...current, displayName: `Taken name ${count}` },
            changed: true,
            members: { removeAll: false, add: ids.map((value) => ({ value })), remove: [] },
          }),
          { memberIdsHint: ids },
        ),
      );
      expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
      const read = await repository.getGroup(TENANT, renamed.id, { includeMembers: true });
      expect(read).toMatchObject({
        displayName: `Rename me ${count}`,
        members: [],
        meta: { version: 'W/"1"' },
      });
      for (const id of [ids[0], ids[ids.length - 1]]) {
        const reader = await repository.getUser(TENANT, id ?? '', { includeGroups: true });
        expect(reader?.groups).toBeUndefined();
      }
      // The same add without the clash writes every member, on either path.
      await repository.updateGroup(TENANT, renamed.id, memberPlan(ids), { memberIdsHint: ids });
      expect(Object.keys(await displaysOf(renamed.id)).sort()).toEqual([...ids].sort());
      const member = await repository.getUser(TENANT, ids[ids.length - 1] ?? '', { includeGroups: true });
      expect(member?.groups).toEqual([expect.objectContaining({ value: renamed.id })]);
    },
  );

  it.each([1, 60])('a POST of a taken displayName with %i members writes no member', async (count) => {
    const users = await Promise.all(
      Array.from({ length: count }, (_, index) =>
        repository.createUser(TENANT, {
          schemas: [CORE_USER_URN],
          userName: `rejected-post-${count}-${index}@example.com`,
        }),
      ),
    );
    const members = users.map((user) => ({ value: user.id }));
    const first = await repository.createGroup(TENANT, group(`Posted twice ${count}`));
    const error = await scimErrorOf(
      repository.createGroup(TENANT, group(`Posted twice ${count}`, { members })),
    );
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
    for (const user of [users[0], users[users.length - 1]]) {
      const reader = await repository.getUser(TENANT, user?.id ?? '', { includeGroups: true });
      expect(reader?.groups).toBeUndefined();
    }
    expect(await displaysOf(first.id)).toEqual({});
  });

  it('stores a membership as one item, found by user through the byMember index', async () => {
    const user = await repository.createUser(TENANT, {
      schemas: [CORE_USER_URN],
      userName: 'single-item@example.com',
    });
    const created = await repository.createGroup(
      TENANT,
      group('One item', { members: [{ value: user.id }] }),
    );
    const { Items: members = [] } = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': memberPartition(TENANT, created.id) },
        ConsistentRead: true,
      }),
    );
    expect(members).toEqual([
      expect.objectContaining({
        sk: user.id,
        gsi1pk: memberIndexPartition(TENANT, user.id),
        gsi1sk: created.id,
      }),
    ]);
    const { Items: byUser = [] } = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: MEMBER_INDEX.indexName,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': memberIndexPartition(TENANT, user.id) },
      }),
    );
    expect(byUser.map((item): unknown => item.gsi1sk)).toEqual([created.id]);
    expect((await repository.getUser(TENANT, user.id, { includeGroups: true }))?.groups).toEqual([
      { value: created.id, type: 'direct' },
    ]);
    await repository.updateGroup(TENANT, created.id, memberPlan([], [user.id]));
    expect((await repository.getUser(TENANT, user.id, { includeGroups: true }))?.groups).toBeUndefined();
  });

  it('deleting a user removes its memberships', async () => {
    const user = await repository.createUser(TENANT, {
      schemas: [CORE_USER_URN],
      userName: 'leaver@example.com',
    });
    const first = await repository.createGroup(TENANT, group('Leavers 1', { members: [{ value: user.id }] }));
    const second = await repository.createGroup(
      TENANT,
      group('Leavers 2', { members: [{ value: user.id }] }),
    );
    await repository.deleteUser(TENANT, user.id);
    for (const groupId of [first.id, second.id]) {
      expect((await repository.getGroup(TENANT, groupId, { includeMembers: true }))?.members).toEqual([]);
    }
  });

  it('DELETE with a stale If-Match is 412 and keeps the group and its members; a matching one deletes', async () => {
    const user = await repository.createUser(TENANT, {
      schemas: [CORE_USER_URN],
      userName: 'kept-member@example.com',
    });
    const created = await repository.createGroup(TENANT, group('Guarded', { members: [{ value: user.id }] }));
    const error = await scimErrorOf(repository.deleteGroup(TENANT, created.id, { ifMatch: 'W/"7"' }));
    expect([error.status, error.scimType]).toEqual([412, undefined]);
    expect(await displaysOf(created.id)).toEqual({ [user.id]: undefined });
    expect((await repository.getUser(TENANT, user.id, { includeGroups: true }))?.groups).toEqual([
      { value: created.id, type: 'direct' },
    ]);
    await repository.deleteGroup(TENANT, created.id, { ifMatch: 'W/"1"' });
    expect(await repository.getGroup(TENANT, created.id, { includeMembers: false })).toBeUndefined();
    expect((await repository.getUser(TENANT, user.id, { includeGroups: true }))?.groups).toBeUndefined();
  });

  it('User.groups leaves out a group that is gone but whose member clean-up did not run', async () => {
    const user = await repository.createUser(TENANT, {
      schemas: [CORE_USER_URN],
      userName: 'orphaned-member@example.com',
    });
    const kept = await repository.createGroup(TENANT, group('Kept', { members: [{ value: user.id }] }));
    const gone = await repository.createGroup(TENANT, group('Gone', { members: [{ value: user.id }] }));
    // As if the clean-up after the group's committed delete had failed: only the group item goes.
    await table.documentClient.send(
      new DeleteCommand({ TableName: table.tableName, Key: resourceKey(TENANT, 'Group', gone.id) }),
    );
    expect((await repository.getUser(TENANT, user.id, { includeGroups: true }))?.groups).toEqual([
      { value: kept.id, type: 'direct' },
    ]);
  });

  it('serves members[value eq] filters by member keys, not whole member lists, within the read budget', async () => {
    const small = table.repository({ maxFilterScanItems: 20 });
    const member = userIds[200];
    const big = await small.createGroup(
      TENANT,
      group('Keyed', { members: userIds.slice(200, 225).map((value) => ({ value })) }),
    );
    // 25 members > 20 items: reading the member list would be 400 tooMany; one member key is 1 item.
    for (const filter of [
      `id eq "${big.id}" and members[value eq "${member}"]`,
      `id eq "${big.id}" and members.value eq "${member}"`,
      `members[value eq "${member}"]`,
    ]) {
      const found = await small.findGroups(TENANT, { filter: parseFilter(filter) });
      expect([filter, found.totalResults, found.resources[0]?.id]).toEqual([filter, 1, big.id]);
      expect(found.resources[0]?.members).toBeUndefined();
    }
    const none = await small.findGroups(TENANT, {
      filter: parseFilter(`id eq "${big.id}" and not (members[value eq "${userIds[300]}"])`),
    });
    expect(none.totalResults).toBe(1);
  });

  it('counts member items of every partition a filter reads against one budget: 400 tooMany', async () => {
    const tenant = 'tenant-read-budget';
    const small = table.repository({ maxFilterScanItems: 20 });
    const members = await mapLimit(indexes(24), 24, (index) =>
      small.createUser(tenant, { schemas: [CORE_USER_URN], userName: `budget-${index}@example.com` }),
    );
    for (const [name, start] of [
      ['Budget A', 0],
      ['Budget B', 12],
    ] as const) {
      await small.createGroup(
        tenant,
        group(name, { members: members.slice(start, start + 12).map((user) => ({ value: user.id })) }),
      );
    }
    // One group's members (12 items) fit in 20; both groups and their members (2 + 24 items) do not,
    // though each member partition alone would.
    const alone = await small.findGroups(tenant, {
      filter: parseFilter('displayName eq "Budget A" and members[display pr]'),
    });
    expect(alone.totalResults).toBe(0);
    const error = await scimErrorOf(
      small.findGroups(tenant, { filter: parseFilter('displayName sw "Budget" and members[display pr]') }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
    expect(error.detail).toContain('more than 20 items');
  });

  it('answers 400 tooMany, suggesting excludedAttributes=members, for a group too large to return', async () => {
    // A member without display takes 32 + 36 = 68 bytes: 10 fit in 700 bytes, 11 do not.
    const small = table.repository({ maxMemberResponseBytes: 700 });
    const fits = await small.createGroup(
      TENANT,
      group('Fits', { members: userIds.slice(0, 10).map((value) => ({ value })) }),
    );
    expect((await small.getGroup(TENANT, fits.id, { includeMembers: true }))?.members).toHaveLength(10);
    const created = await small.createGroup(
      TENANT,
      group('Big', { members: userIds.slice(0, 11).map((value) => ({ value })) }),
    );
    const error = await scimErrorOf(small.getGroup(TENANT, created.id, { includeMembers: true }));
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
    expect(error.detail).toContain('excludedAttributes=members');
    await expect(small.getGroup(TENANT, created.id, { includeMembers: false })).resolves.toMatchObject({
      id: created.id,
    });
  });

  it('counts member displays in bytes: one member with a long display is too large to return', async () => {
    const small = table.repository({ maxMemberResponseBytes: 700 });
    const created = await small.createGroup(
      TENANT,
      group('Long display', { members: [{ value: userIds[0], display: 'é'.repeat(400) }] }),
    );
    const error = await scimErrorOf(small.getGroup(TENANT, created.id, { includeMembers: true }));
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
  });

  it('applies the member byte budget to a whole page of groups, not group by group', async () => {
    const small = table.repository({ maxMemberResponseBytes: 700 });
    for (const [name, members] of [
      ['Page A', userIds.slice(100, 106)],
      ['Page B', userIds.slice(106, 112)],
    ] as const) {
      await small.createGroup(TENANT, group(name, { members: members.map((value) => ({ value })) }));
    }
    // Each group (6 x 68 = 408 bytes) fits alone; both together (816) do not.
    const one = await small.findGroups(TENANT, {
      filter: parseFilter('displayName eq "Page A"'),
      includeMembers: true,
    });
    expect(one.resources[0]?.members).toHaveLength(6);
    const error = await scimErrorOf(
      small.findGroups(TENANT, { filter: parseFilter('displayName sw "Page "'), includeMembers: true }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
    expect(error.detail).toContain('excludedAttributes=members');
    const without = await small.findGroups(TENANT, { filter: parseFilter('displayName sw "Page "') });
    expect(without.totalResults).toBe(2);
  });
});
