/**
 * Group writes that fail part-way (issue 10, item 2): a request that fails leaves nothing half-written,
 * or a state its own retry completes. Real DynamoDB Local, with a client that fails chosen calls.
 */
import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { isJsonObject } from '../../../lambdas/scim/json';
import type { JsonObject } from '../../../lambdas/scim/json';
import { CORE_GROUP_URN, CORE_USER_URN, PATCH_OP_URN } from '../../../lambdas/scim/schema/urns';
import { createGroupService } from '../../../lambdas/service/groups';
import type { ResourceService } from '../../../lambdas/service/types';
import { localDocumentClient } from '../../../lambdas/store/dynamodb-local';
import { mapLimit } from '../../../lambdas/store/dynamodb-store';
import { memberIndexPartition } from '../../../lambdas/store/keys';
import { MEMBER_INDEX } from '../../../lambdas/store/table-definition';
import { scimErrorOf } from '../../unit/scim-errors';
import { createTestTable } from './table';
import type { TestTable } from './table';

const TENANT = 'tenant-group-faults';

type CommandClass =
  typeof BatchGetCommand | typeof BatchWriteCommand | typeof TransactWriteCommand | typeof QueryCommand;

/** A document client over DynamoDB Local whose `nth` call of one command class throws throttling. */
interface FaultyClient {
  readonly client: DynamoDBDocumentClient;
  /** Fails the `nth` (1-based) call of `command` from now on; 0 disarms. */
  failNth(command: CommandClass, nth: number): void;
  /** Calls of `command` since the last failNth. */
  calls(command: CommandClass): number;
}

const faultyClient = (endpoint: string): FaultyClient => {
  const client = localDocumentClient(endpoint);
  const realSend = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  let target: CommandClass | undefined;
  let failAt = 0;
  const counts = new Map<CommandClass, number>();
  jest.spyOn(client, 'send').mockImplementation(((command: unknown) => {
    for (const commandClass of [BatchGetCommand, BatchWriteCommand, TransactWriteCommand, QueryCommand]) {
      if (command instanceof commandClass) counts.set(commandClass, (counts.get(commandClass) ?? 0) + 1);
    }
    if (target !== undefined && command instanceof target && counts.get(target) === failAt) {
      const error = new Error('Injected: rate of requests exceeds the allowed throughput.');
      error.name = 'ThrottlingException';
      return Promise.reject(error);
    }
    return realSend(command);
  }) as never);
  return {
    client,
    failNth: (command, nth) => {
      counts.clear();
      target = nth === 0 ? undefined : command;
      failAt = nth;
    },
    calls: (command) => counts.get(command) ?? 0,
  };
};

const indexes = (count: number): number[] => Array.from({ length: count }, (_, index) => index);
const HUGE_DISPLAY = 'x'.repeat(500 * 1024);

let table: TestTable;
let faulty: FaultyClient;
let groups: ResourceService;
let userIds: string[];

beforeAll(async () => {
  table = await createTestTable();
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  faulty = faultyClient(endpoint);
  const repository = table.repository({ client: faulty.client, sleep: () => Promise.resolve() });
  groups = createGroupService(repository);
  userIds = (
    await mapLimit(indexes(150), 25, (index) =>
      table
        .repository()
        .createUser(TENANT, { schemas: [CORE_USER_URN], userName: `faults-${index}@example.com` }),
    )
  ).map((user) => user.id);
}, 60_000);
afterAll(() => {
  faulty.client.destroy();
  table.close();
});

const members = (ids: readonly string[], hugeAt = -1): JsonObject[] =>
  ids.map((value, index) => (index === hugeAt ? { value, display: HUGE_DISPLAY } : { value }));

const groupBody = (displayName: string, extra: JsonObject = {}): JsonObject => ({
  schemas: [CORE_GROUP_URN],
  displayName,
  ...extra,
});

/** The groups named `displayName`, read back with their members. */
const groupsNamed = async (displayName: string): Promise<JsonObject[]> => {
  const found = await groups.list(TENANT, {
    filter: `displayName eq "${displayName}"`,
    startIndex: 1,
    count: 10,
    attributes: [],
    excludedAttributes: [],
  });
  return found.resources;
};

/** Every group id a user's member items name (byMember; orphans included). */
const memberItemGroupIds = async (userId: string): Promise<string[]> => {
  const output = await table.documentClient.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: MEMBER_INDEX.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': MEMBER_INDEX.partitionKey.name },
      ExpressionAttributeValues: { ':pk': memberIndexPartition(TENANT, userId) },
    }),
  );
  return (output.Items ?? []).map((item) => String(item[MEMBER_INDEX.sortKey.name]));
};

const memberIdsOf = (group: JsonObject): string[] =>
  (Array.isArray(group.members) ? group.members : []).map((member) =>
    isJsonObject(member) && typeof member.value === 'string' ? member.value : '?',
  );

describe('a group write validated before its first write', () => {
  it('refuses a POST with a member too large to store, writing nothing; its fixed retry is 201', async () => {
    faulty.failNth(TransactWriteCommand, 0);
    const error = await scimErrorOf(
      groups.create(TENANT, groupBody('Huge member', { members: members(userIds, 75) })),
    );
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(faulty.calls(TransactWriteCommand) + faulty.calls(BatchWriteCommand)).toBe(0);
    expect(await groupsNamed('Huge member')).toHaveLength(0);
    expect(await memberItemGroupIds(userIds[0])).toEqual([]);

    const created = await groups.create(TENANT, groupBody('Huge member', { members: members(userIds) }));
    expect(memberIdsOf(created)).toHaveLength(150);
  });

  it('refuses a PATCH [replace externalId, add 150 members, one too large] and changes nothing', async () => {
    const created = await groups.create(TENANT, groupBody('Patched', { externalId: 'before' }));
    faulty.failNth(TransactWriteCommand, 0);
    const error = await scimErrorOf(
      groups.patch(
        TENANT,
        created.id,
        {
          schemas: [PATCH_OP_URN],
          Operations: [
            { op: 'replace', path: 'externalId', value: 'after' },
            { op: 'add', path: 'members', value: members(userIds, 140) },
          ],
        },
        {},
      ),
    );
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(faulty.calls(TransactWriteCommand) + faulty.calls(BatchWriteCommand)).toBe(0);
    const [stored] = await groupsNamed('Patched');
    expect(stored).toMatchObject({ externalId: 'before', meta: { version: 'W/"1"' } });
    expect(memberIdsOf(stored)).toEqual([]);
  });
});

describe('a POST of a group with more members than one transaction holds', () => {
  const post = (displayName: string): Promise<JsonObject> =>
    groups.create(
      TENANT,
      groupBody(displayName, { externalId: `ext-${displayName}`, members: members(userIds) }),
    );

  it.each([
    ['the users check', BatchGetCommand, 1],
    ['the first member batch', BatchWriteCommand, 1],
    ['a later member batch', BatchWriteCommand, 4],
    ['the group transaction', TransactWriteCommand, 1],
  ] as const)(
    'failing at %s answers 503, shows no group, and its retry is 201 with every member',
    async (_, command, nth) => {
      const name = `Post fails at ${command.name} ${nth}`;
      faulty.failNth(command, nth);
      const error = await scimErrorOf(post(name));
      expect(error).toMatchObject({ status: 503 });
      expect(faulty.calls(command)).toBeGreaterThanOrEqual(nth);
      expect(await groupsNamed(name)).toHaveLength(0);

      faulty.failNth(command, 0);
      const created = await post(name);
      expect(memberIdsOf(created).sort()).toEqual([...userIds].sort());
      const [stored] = await groupsNamed(name);
      expect(stored.id).toBe(created.id);
      expect(memberIdsOf(stored).sort()).toEqual([...userIds].sort());
    },
  );

  it('leaves no member items behind when the displayName is taken (409)', async () => {
    faulty.failNth(TransactWriteCommand, 0);
    const first = await groups.create(TENANT, groupBody('Taken'));
    const before = await memberItemGroupIds(userIds[3]);
    const error = await scimErrorOf(post('TAKEN'));
    expect(error).toMatchObject({ status: 409, scimType: 'uniqueness' });
    expect(await memberItemGroupIds(userIds[3])).toEqual(before);
    expect(memberIdsOf((await groupsNamed('Taken'))[0])).toEqual([]);
    expect(first.id).toBeDefined();
  });
});

describe('a PATCH of more member changes than one transaction holds', () => {
  const patch = (id: string): Promise<JsonObject> =>
    groups.patch(
      TENANT,
      id,
      {
        schemas: [PATCH_OP_URN],
        Operations: [
          { op: 'replace', path: 'externalId', value: 'patched' },
          { op: 'add', path: 'members', value: members(userIds) },
        ],
      },
      {},
    );

  it('failing at the group transaction answers 503 and changes nothing', async () => {
    const created = await groups.create(TENANT, groupBody('Patch tx fails', { externalId: 'original' }));
    faulty.failNth(TransactWriteCommand, 1);
    expect(await scimErrorOf(patch(created.id))).toMatchObject({ status: 503 });
    faulty.failNth(TransactWriteCommand, 0);
    const [stored] = await groupsNamed('Patch tx fails');
    expect(stored).toMatchObject({ externalId: 'original', meta: { version: 'W/"1"' } });
    expect(memberIdsOf(stored)).toEqual([]);
  });

  it('failing at a member batch after the commit answers 503 saying so; its retry completes', async () => {
    const created = await groups.create(TENANT, groupBody('Patch batch fails', { externalId: 'original' }));
    faulty.failNth(BatchWriteCommand, 3);
    const error = await scimErrorOf(patch(created.id));
    expect(error).toMatchObject({ status: 503 });
    expect(error.detail).toMatch(/retry/i);
    expect(error.detail).toMatch(/saved|part/i);
    faulty.failNth(BatchWriteCommand, 0);
    const [partial] = await groupsNamed('Patch batch fails');
    expect(partial).toMatchObject({ externalId: 'patched' });
    expect(memberIdsOf(partial).length).toBeLessThan(150);

    const retried = await patch(created.id);
    expect(retried).toMatchObject({ externalId: 'patched' });
    const [stored] = await groupsNamed('Patch batch fails');
    expect(memberIdsOf(stored).sort()).toEqual([...userIds].sort());
  });
});
