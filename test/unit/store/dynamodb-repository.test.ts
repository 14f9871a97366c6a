import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { parseFilter } from '../../../lambdas/scim/filter/parser';
import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import { memberJsonBytes } from '../../../lambdas/store/dynamodb-groups';
import { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import { ifMatchAccepts } from '../../../lambdas/store/dynamodb-store';
import { toItem } from '../../../lambdas/store/items';
import { MAX_PAGE_SIZE } from '../../../lambdas/store/repository';
import type { MemberEntry } from '../../../lambdas/scim/patch';
import { scimErrorOf } from '../scim-errors';

const TABLE = 'scim';
const TENANT = 'acme';
const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const GROUP = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const OTHER = '16fd2706-8baf-433b-82eb-8c7fada847da';
const NOW = new Date('2024-05-01T10:00:00.000Z');
const MEMBERS = `T#acme#GROUP#${GROUP}#MEMBERS`;

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' }));
const ddb = mockClient(documentClient);

const repository = (options: { maxFilterScanItems?: number } = {}): DynamoDbScimRepository =>
  new DynamoDbScimRepository({
    client: documentClient,
    tableName: TABLE,
    now: () => NOW,
    newId: () => ID,
    random: () => 0,
    sleep: () => Promise.resolve(),
    ...options,
  });

const userItem = (version: number, body: Record<string, unknown> = { userName: 'bob@x.com' }) =>
  toItem(
    TENANT,
    'User',
    ID,
    { schemas: [CORE_USER_URN], ...body },
    {
      version,
      created: '2024-01-01T00:00:00.000Z',
      lastModified: '2024-01-01T00:00:00.000Z',
    },
  );
const groupItem = (version: number) =>
  toItem(
    TENANT,
    'Group',
    GROUP,
    { schemas: [], displayName: 'Sales' },
    {
      version,
      created: '2024-01-01T00:00:00.000Z',
      lastModified: '2024-01-01T00:00:00.000Z',
    },
  );

const awsError = (name: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(name), { name, $metadata: {}, ...extra });
const cancelled = (...codes: string[]): Error =>
  awsError('TransactionCanceledException', { CancellationReasons: codes.map((Code) => ({ Code })) });

beforeEach(() => {
  ddb.reset();
});

describe('createUser', () => {
  it('writes the user, its lookups and a counter in one transaction', async () => {
    ddb.on(TransactWriteCommand).resolves({});
    const created = await repository().createUser(TENANT, {
      schemas: [CORE_USER_URN],
      userName: 'Bob@X.com',
      externalId: 'obj-1',
      id: 'ignored',
      meta: { version: 'W/"9"' },
    });
    expect(created).toEqual({
      schemas: [CORE_USER_URN],
      userName: 'Bob@X.com',
      externalId: 'obj-1',
      id: ID,
      meta: {
        resourceType: 'User',
        created: NOW.toISOString(),
        lastModified: NOW.toISOString(),
        version: 'W/"1"',
      },
    });
    const input = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input;
    expect(input?.ReturnConsumedCapacity).toBe('TOTAL');
    expect(input?.TransactItems?.map((item): unknown => item.Put?.Item?.pk ?? item.Update?.Key?.pk)).toEqual([
      'T#acme#USERS',
      'T#acme#USER#USERNAME#bob@x.com',
      'T#acme#USER#EXTERNALID#obj-1',
      'T#acme',
    ]);
    // userName is claimed (unique); externalId is not unique: one item per user, no condition.
    expect(input?.TransactItems?.[1]?.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(input?.TransactItems?.[2]?.Put).toEqual({
      TableName: TABLE,
      Item: { pk: 'T#acme#USER#EXTERNALID#obj-1', sk: ID, id: ID },
    });
  });

  it('maps a cancelled transaction to 409 uniqueness on userName', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'));
    const error = await scimErrorOf(
      repository().createUser(TENANT, { schemas: [], userName: 'bob', externalId: 'obj-1' }),
    );
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
    expect(error.detail).toContain('userName');
  });

  it('maps a cancelled group transaction to 409 uniqueness on displayName, with externalId unconditioned', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None'));
    const error = await scimErrorOf(
      repository().createGroup(TENANT, { schemas: [], displayName: 'Sales', externalId: 'obj-1' }),
    );
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
    expect(error.detail).toContain('displayName');
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((item) => [item.Put?.Item?.pk as unknown, item.Put?.ConditionExpression])).toEqual([
      ['T#acme#GROUPS', 'attribute_not_exists(pk)'],
      ['T#acme#GROUP#DISPLAYNAME#sales', 'attribute_not_exists(pk)'],
      ['T#acme#GROUP#EXTERNALID#obj-1', undefined],
      [undefined, undefined],
    ]);
  });

  it('retries a transaction conflict, then succeeds', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('TransactionConflict', 'None', 'None'))
      .resolves({});
    await repository().createUser(TENANT, { schemas: [], userName: 'bob' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it.each([
    'ProvisionedThroughputExceededException',
    'ThrottlingException',
    'RequestLimitExceeded',
    'InternalServerError',
    'TimeoutError',
  ])('maps %s to a retryable 503, never 500', async (name) => {
    ddb.on(TransactWriteCommand).rejects(awsError(name));
    const error = await scimErrorOf(repository().createUser(TENANT, { schemas: [], userName: 'bob' }));
    expect(error.status).toBe(503);
    expect(error.scimType).toBeUndefined();
    expect(error.headers['Retry-After']).toBeDefined();
  });

  it('maps an oversized item to 400 invalidValue', async () => {
    ddb
      .on(TransactWriteCommand)
      .rejects(
        awsError('ValidationException', { message: 'Item size has exceeded the maximum allowed size' }),
      );
    const error = await scimErrorOf(repository().createUser(TENANT, { schemas: [], userName: 'bob' }));
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
  });

  it('maps a transaction cancelled with a ValidationError reason (AWS: item over 400 KB) to 400 invalidValue, not retried', async () => {
    ddb.on(TransactWriteCommand).rejects(cancelled('ValidationError', 'None', 'None'));
    const error = await scimErrorOf(repository().createUser(TENANT, { schemas: [], userName: 'bob' }));
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    ddb.on(GetCommand).resolves({ Item: userItem(4) });
    const patched = await scimErrorOf(
      repository().updateUser(TENANT, ID, (current) => ({
        resource: { ...current, title: 't' },
        changed: true,
      })),
    );
    expect([patched.status, patched.scimType]).toEqual([400, 'invalidValue']);
  });

  it('refuses more than 10 distinct emails with 400 invalidValue before writing', async () => {
    const emails = Array.from({ length: 11 }, (_, index) => ({ value: `${index}@x.com` }));
    const error = await scimErrorOf(
      repository().createUser(TENANT, { schemas: [], userName: 'bob', emails }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('updateUser', () => {
  const rename = { resource: { schemas: [CORE_USER_URN], id: ID, userName: 'new@x.com' }, changed: true };

  it('writes conditionally on the version read and moves the userName lookup', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(4) });
    ddb.on(TransactWriteCommand).resolves({});
    const updated = await repository().updateUser(TENANT, ID, () => rename);
    expect(updated.meta).toMatchObject({ version: 'W/"5"', lastModified: NOW.toISOString() });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.ConsistentRead).toBe(true);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': 4 },
    });
    expect(items[1]?.Put?.Item?.pk).toBe('T#acme#USER#USERNAME#new@x.com');
    expect(items[2]?.Delete?.Key?.pk).toBe('T#acme#USER#USERNAME#bob@x.com');
  });

  it('moves the externalId item in the same transaction as the version-conditioned write', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(4, { userName: 'bob@x.com', externalId: 'obj-1' }) });
    ddb.on(TransactWriteCommand).resolves({});
    await repository().updateUser(TENANT, ID, (current) => ({
      resource: { ...current, externalId: 'obj-2' },
      changed: true,
    }));
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    expect(items).toHaveLength(3);
    expect(items[0]?.Put).toMatchObject({
      Item: { pk: 'T#acme#USERS', sk: `USER#${ID}`, version: 5 },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': 4 },
    });
    expect(items[1]).toEqual({
      Put: { TableName: TABLE, Item: { pk: 'T#acme#USER#EXTERNALID#obj-2', sk: ID, id: ID } },
    });
    expect(items[2]).toEqual({
      Delete: { TableName: TABLE, Key: { pk: 'T#acme#USER#EXTERNALID#obj-1', sk: ID } },
    });
  });

  it('re-reads and re-applies after a concurrent change (no lost update)', async () => {
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: userItem(4) })
      .resolves({ Item: userItem(5, { userName: 'bob@x.com', title: 'CEO' }) });
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled('ConditionalCheckFailed', 'None', 'None'))
      .resolves({});
    const seen: unknown[] = [];
    const updated = await repository().updateUser(TENANT, ID, (current) => {
      seen.push(current.title);
      return { resource: { ...current, active: false }, changed: true };
    });
    expect(seen).toEqual([undefined, 'CEO']);
    expect(updated).toMatchObject({ title: 'CEO', active: false, meta: { version: 'W/"6"' } });
  });

  it('gives up with 503 after maxAttempts conflicts', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(4) });
    ddb.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed'));
    const error = await scimErrorOf(repository().updateUser(TENANT, ID, () => rename, { maxAttempts: 3 }));
    expect(error.status).toBe(503);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('answers 412 when If-Match differs, without writing', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(4) });
    const error = await scimErrorOf(repository().updateUser(TENANT, ID, () => rename, { ifMatch: 'W/"3"' }));
    expect(error.status).toBe(412);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('writes nothing when the PATCH changed nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(4) });
    const same = await repository().updateUser(TENANT, ID, (current) => ({
      resource: current,
      changed: false,
    }));
    expect(same.meta).toMatchObject({ version: 'W/"4"' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it.each([ID, 'not-a-uuid'])('answers 404 for an unknown id %p', async (id) => {
    ddb.on(GetCommand).resolves({});
    const error = await scimErrorOf(repository().updateUser(TENANT, id, () => rename));
    expect(error.status).toBe(404);
  });

  it('maps a read that throttles to 503', async () => {
    ddb.on(GetCommand).rejects(awsError('ProvisionedThroughputExceededException'));
    const error = await scimErrorOf(repository().getUser(TENANT, ID));
    expect(error.status).toBe(503);
  });
});

describe('deleteUser', () => {
  it('deletes the user, its userName and externalId items and counts down, in one transaction', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(3, { userName: 'Bob@x.com', externalId: 'obj-1' }) });
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(TransactWriteCommand).resolves({});
    await repository().deleteUser(TENANT, ID);
    const items = ddb.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
    expect(items.map((item): unknown => item.Delete?.Key ?? item.Update?.Key)).toEqual([
      { pk: 'T#acme#USERS', sk: `USER#${ID}` },
      { pk: 'T#acme#USER#USERNAME#bob@x.com', sk: 'UNIQUE' },
      { pk: 'T#acme#USER#EXTERNALID#obj-1', sk: ID },
      { pk: 'T#acme', sk: 'COUNT#USER#00' },
    ]);
    expect(items[0]?.Delete?.ConditionExpression).toBe('#version = :expected');
    // Its own externalId item only (the key holds the id): other users sharing obj-1 keep theirs.
    expect(items[2]?.Delete?.ConditionExpression).toBeUndefined();
  });

  it('answers 412 for a stale If-Match, writing nothing (no delete, no membership clean-up)', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(3) });
    ddb.on(QueryCommand).resolves({ Items: [{ gsi1sk: GROUP }] });
    const error = await scimErrorOf(repository().deleteUser(TENANT, ID, { ifMatch: 'W/"2"' }));
    expect([error.status, error.scimType]).toEqual([412, undefined]);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('keeps the memberships when the delete transaction fails, and deletes them after it commits', async () => {
    ddb.on(GetCommand).resolves({ Item: userItem(3) });
    ddb.on(QueryCommand).resolves({ Items: [{ gsi1sk: GROUP }] });
    ddb.on(TransactWriteCommand).rejects(awsError('InternalServerError', { $fault: 'server' }));
    const error = await scimErrorOf(repository().deleteUser(TENANT, ID, { ifMatch: 'W/"3"' }));
    expect(error.status).toBe(503);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
    await repository().deleteUser(TENANT, ID, { ifMatch: 'W/"3"' });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(1);
    // The user's groups come from the byMember index; only the member item is deleted (no reverse item).
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'byMember',
      ExpressionAttributeValues: { ':pk': `T#acme#USER#${ID}` },
    });
    expect(ddb.commandCalls(BatchWriteCommand)[0]?.args[0].input.RequestItems?.[TABLE]).toEqual([
      { DeleteRequest: { Key: { pk: `T#acme#GROUP#${GROUP}#MEMBERS`, sk: ID } } },
    ]);
  });
});

describe('memberJsonBytes', () => {
  it.each([undefined, 'Ada', 'é'.repeat(300), 'quote " and \\ backslash', '\u0001 control'])(
    'is at least the UTF-8 size of the member as answered, plus a comma (display %p)',
    (display) => {
      const entry = { value: ID, type: 'User', ...(display === undefined ? {} : { display }) };
      const answered = Buffer.byteLength(`${JSON.stringify(entry)},`);
      const estimate = memberJsonBytes({ sk: ID, ...(display === undefined ? {} : { display }) });
      expect(estimate).toBeGreaterThanOrEqual(answered);
      expect(estimate - answered).toBeLessThan(8);
    },
  );
});

describe('ifMatchAccepts', () => {
  it.each([
    ['W/"3"', true],
    ['"3"', true],
    ['*', true],
    ['W/"2", W/"3"', true],
    ['W/"4"', false],
    ['3', false],
  ])('%s against version 3 -> %p', (header, expected) => {
    expect(ifMatchAccepts(header, 3)).toBe(expected);
  });
});

describe('group memberships', () => {
  const addPlan =
    (add: (string | MemberEntry)[], remove: string[] = []) =>
    () => ({
      resource: { schemas: [], id: GROUP, displayName: 'Sales' },
      changed: false,
      members: {
        removeAll: false,
        add: add.map((entry) => (typeof entry === 'string' ? { value: entry } : entry)),
        remove,
      },
    });

  it('checks that members exist in the tenant and names unknown ones, writing nothing', async () => {
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    ddb.on(BatchGetCommand).resolves({ Responses: { [TABLE]: [{ pk: 'T#acme#USERS', sk: `USER#${ID}` }] } });
    const error = await scimErrorOf(repository().updateGroup(TENANT, GROUP, addPlan([ID, OTHER, 'bogus'])));
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(error.detail).toContain(OTHER);
    expect(error.detail).toContain('bogus');
    expect(error.detail).not.toContain(ID);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    // The same BatchGet reads the member items of valid ids (for the display an add keeps).
    const keys = ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys;
    expect(keys).toEqual([
      { pk: 'T#acme#USERS', sk: `USER#${ID}` },
      { pk: 'T#acme#USERS', sk: `USER#${OTHER}` },
      { pk: MEMBERS, sk: ID },
      { pk: MEMBERS, sk: OTHER },
    ]);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(1);
  });

  /** Answers every BatchGet with the users asked for: they all exist. */
  const everyUserExists = (): void => {
    ddb
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => ({
        Responses: {
          [TABLE]: input.RequestItems[TABLE].Keys.filter((key) => key.pk === 'T#acme#USERS'),
        },
      }));
  };
  const userIds = (count: number): string[] =>
    Array.from({ length: count }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);

  it('writes a small member change in the group transaction itself: one round, atomic with the version', async () => {
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    everyUserExists();
    ddb.on(TransactWriteCommand).resolves({});
    const updated = await repository().updateGroup(TENANT, GROUP, addPlan([ID, OTHER], [GROUP]), {
      memberIdsHint: [ID, OTHER],
    });
    expect(updated.meta).toMatchObject({ version: 'W/"2"' });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
    const calls = ddb.commandCalls(TransactWriteCommand);
    expect(calls).toHaveLength(1);
    const items = calls[0]?.args[0].input.TransactItems ?? [];
    expect(items[0]?.Put).toMatchObject({ ConditionExpression: '#version = :expected' });
    // One item per membership, indexed by user (byMember) for User.groups: no reverse item.
    expect(items.slice(1).map((item): unknown => item.Put?.Item ?? item.Delete?.Key)).toEqual([
      { pk: MEMBERS, sk: ID, gsi1pk: `T#acme#USER#${ID}`, gsi1sk: GROUP, userId: ID, groupId: GROUP },
      {
        pk: MEMBERS,
        sk: OTHER,
        gsi1pk: `T#acme#USER#${OTHER}`,
        gsi1sk: GROUP,
        userId: OTHER,
        groupId: GROUP,
      },
      { pk: MEMBERS, sk: GROUP },
    ]);
    // Member actions carry no condition: only the group's version (and uniqueness) can cancel it.
    expect(items.slice(1).every((item) => (item.Put ?? item.Delete)?.ConditionExpression === undefined)).toBe(
      true,
    );
  });

  it.each([
    ['the version moved: re-read and retried', ['ConditionalCheckFailed'], 2, undefined],
    [
      'a conflict on a member item: the same transaction again',
      ['None', 'TransactionConflict'],
      2,
      undefined,
    ],
    ['the group item is too large', ['ValidationError', 'None'], 1, [400, 'invalidValue']],
  ])('maps a cancellation of a transaction with member actions: %s', async (_, codes, sends, error) => {
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    everyUserExists();
    ddb
      .on(TransactWriteCommand)
      .rejectsOnce(cancelled(...codes))
      .resolves({});
    const outcome = repository().updateGroup(TENANT, GROUP, addPlan([ID]), { memberIdsHint: [ID] });
    if (error === undefined) await outcome;
    else {
      const failure = await scimErrorOf(outcome);
      expect([failure.status, failure.scimType]).toEqual(error);
    }
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(sends);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('a rename to a taken displayName with members in the transaction is 409 uniqueness, not a retry', async () => {
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    everyUserExists();
    // Actions: group put, claim new displayName, release old displayName, two member items.
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None', 'None', 'None'));
    const rename = () => ({ ...addPlan([ID])(), resource: { schemas: [], id: GROUP, displayName: 'Taken' } });
    const error = await scimErrorOf(repository().updateGroup(TENANT, GROUP, rename, { memberIdsHint: [ID] }));
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it("writes 50 added members (Entra's batch) in the group transaction: 51 actions, no batch write", async () => {
    const added = userIds(50);
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    everyUserExists();
    ddb.on(TransactWriteCommand).resolves({});
    await repository().updateGroup(TENANT, GROUP, addPlan(added), { memberIdsHint: added });
    const transactions = ddb.commandCalls(TransactWriteCommand);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]?.args[0].input.TransactItems).toHaveLength(51);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('splits a change too large for one transaction: group transaction first, then member batches, retrying unprocessed items', async () => {
    const added = userIds(100); // 1 group put + 100 member actions > 100
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    everyUserExists();
    ddb.on(TransactWriteCommand).resolves({});
    const leftover = { PutRequest: { Item: { pk: 'x', sk: 'y' } } };
    ddb
      .on(BatchWriteCommand)
      .resolvesOnce({ UnprocessedItems: { [TABLE]: [leftover] } })
      .resolves({});
    const updated = await repository().updateGroup(TENANT, GROUP, addPlan(added), { memberIdsHint: added });
    expect(updated.meta).toMatchObject({ version: 'W/"2"' });
    const transactions = ddb.commandCalls(TransactWriteCommand);
    expect(transactions).toHaveLength(1);
    expect(transactions[0]?.args[0].input.TransactItems).toHaveLength(1);
    const writes = ddb
      .commandCalls(BatchWriteCommand)
      .map((call) => call.args[0].input.RequestItems?.[TABLE] ?? []);
    expect(writes.slice(0, 4).map((requests) => requests.length)).toEqual([25, 25, 25, 25]);
    expect(writes.slice(4)).toEqual([[leftover]]);
    // The batches went out only after the transaction.
    expect(ddb.calls().findIndex((call) => call.args[0] instanceof BatchWriteCommand)).toBeGreaterThan(
      ddb.calls().findIndex((call) => call.args[0] instanceof TransactWriteCommand),
    );
  });

  it('writes no member of a large change whose group transaction is rejected (409)', async () => {
    const added = userIds(100);
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    everyUserExists();
    ddb.on(TransactWriteCommand).rejects(cancelled('None', 'ConditionalCheckFailed', 'None'));
    const rename = () => ({
      ...addPlan(added)(),
      resource: { schemas: [], id: GROUP, displayName: 'Taken' },
    });
    const error = await scimErrorOf(
      repository().updateGroup(TENANT, GROUP, rename, { memberIdsHint: added }),
    );
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(0);
  });

  it('fails with 503 when unprocessed items of a large change never drain', async () => {
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    ddb.on(TransactWriteCommand).resolves({});
    ddb
      .on(BatchWriteCommand)
      .resolves({ UnprocessedItems: { [TABLE]: [{ DeleteRequest: { Key: { pk: 'x', sk: 'y' } } }] } });
    const error = await scimErrorOf(repository().updateGroup(TENANT, GROUP, addPlan([], userIds(100))));
    expect(error.status).toBe(503);
  });

  it('never reads member items when members are excluded', async () => {
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    const group = await repository().getGroup(TENANT, GROUP, { includeMembers: false });
    expect(group?.members).toBeUndefined();
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('member display', () => {
  const THIRD = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';
  const USERS = 'T#acme#USERS';

  /** BatchGet answered from a few stored items (users and member items), as DynamoDB would. */
  const storedItems = (items: Record<string, unknown>[]): void => {
    ddb
      .on(BatchGetCommand)
      .callsFake((input: { RequestItems: Record<string, { Keys: { pk: string; sk: string }[] }> }) => ({
        Responses: {
          [TABLE]: input.RequestItems[TABLE].Keys.flatMap((key) =>
            items.filter((item) => item.pk === key.pk && item.sk === key.sk),
          ),
        },
      }));
  };
  const userRow = (id: string) => ({ pk: USERS, sk: `USER#${id}` });
  /** Every write of an item, in a transaction or a batch, as a batch write request. */
  const writeRequests = () => [
    ...ddb
      .commandCalls(TransactWriteCommand)
      .flatMap((call) =>
        (call.args[0].input.TransactItems ?? []).flatMap((item) => [
          ...(item.Put === undefined ? [] : [{ PutRequest: { Item: item.Put.Item } }]),
          ...(item.Delete === undefined ? [] : [{ DeleteRequest: { Key: item.Delete.Key } }]),
        ]),
      ),
    ...ddb.commandCalls(BatchWriteCommand).flatMap((call) => call.args[0].input.RequestItems?.[TABLE] ?? []),
  ];
  /**
   * The member items put for the group `groupId`, without their byMember index keys (checked once, in
   * 'writes a small member change in the group transaction itself').
   */
  const memberPuts = (pk = MEMBERS) =>
    writeRequests().flatMap((request) => {
      const item: Record<string, unknown> | undefined = request.PutRequest?.Item;
      if (item?.pk !== pk) return [];
      expect([item.gsi1pk, item.gsi1sk]).toEqual([`T#acme#USER#${String(item.sk)}`, item.groupId]);
      return [Object.fromEntries(Object.entries(item).filter(([name]) => !name.startsWith('gsi1')))];
    });
  const memberDeletes = () =>
    writeRequests().flatMap((request) => {
      const key: Record<string, unknown> | undefined = request.DeleteRequest?.Key;
      return key?.pk === MEMBERS ? [key.sk] : [];
    });
  const plan =
    (add: MemberEntry[], remove: string[] = [], removeAll = false) =>
    () => ({
      resource: { schemas: [], id: GROUP, displayName: 'Sales' },
      changed: false,
      members: { removeAll, add, remove },
    });

  beforeEach(() => {
    ddb.on(GetCommand).resolves({ Item: groupItem(1) });
    ddb.on(TransactWriteCommand).resolves({});
    ddb.on(BatchWriteCommand).resolves({});
  });

  it('keeps the stored display when a hinted member is re-added without one, reading it with the users', async () => {
    storedItems([userRow(ID), { pk: MEMBERS, sk: ID, userId: ID, groupId: GROUP, display: 'VP' }]);
    await repository().updateGroup(TENANT, GROUP, plan([{ value: ID }]), { memberIdsHint: [ID] });
    const gets = ddb.commandCalls(BatchGetCommand);
    expect(gets).toHaveLength(1);
    expect(gets[0]?.args[0].input.RequestItems?.[TABLE]).toMatchObject({
      Keys: [
        { pk: USERS, sk: `USER#${ID}` },
        { pk: MEMBERS, sk: ID },
      ],
      ConsistentRead: true,
      ExpressionAttributeNames: { '#p0': 'pk', '#p1': 'sk', '#p2': 'display' },
    });
    expect(memberPuts()).toEqual([{ pk: MEMBERS, sk: ID, userId: ID, groupId: GROUP, display: 'VP' }]);
  });

  it("reads the member item alongside the users' check when the add was not hinted", async () => {
    storedItems([userRow(ID), userRow(OTHER), { pk: MEMBERS, sk: ID, display: 'VP' }]);
    await repository().updateGroup(TENANT, GROUP, plan([{ value: ID }, { value: OTHER }]));
    const gets = ddb.commandCalls(BatchGetCommand);
    expect(gets).toHaveLength(1);
    expect(gets[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toHaveLength(4);
    expect(memberPuts()).toEqual([
      { pk: MEMBERS, sk: ID, userId: ID, groupId: GROUP, display: 'VP' },
      { pk: MEMBERS, sk: OTHER, userId: OTHER, groupId: GROUP },
    ]);
  });

  it('writes a display given with an add, replacing the stored one, without reading the member item', async () => {
    storedItems([userRow(ID), { pk: MEMBERS, sk: ID, display: 'Old' }]);
    await repository().updateGroup(TENANT, GROUP, plan([{ value: ID, display: 'new User' }]));
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toEqual([
      { pk: USERS, sk: `USER#${ID}` },
    ]);
    expect(memberPuts()).toEqual([{ pk: MEMBERS, sk: ID, userId: ID, groupId: GROUP, display: 'new User' }]);
  });

  it('puts a member removed and added again in one request afresh, without its old display', async () => {
    storedItems([userRow(ID), { pk: MEMBERS, sk: ID, display: 'Old' }]);
    await repository().updateGroup(TENANT, GROUP, plan([{ value: ID }], [ID]));
    expect(memberPuts()).toEqual([{ pk: MEMBERS, sk: ID, userId: ID, groupId: GROUP }]);
    expect(memberDeletes()).toEqual([]);
  });

  it('replaces with PUT: writes new members and changed displays only, deletes the rest', async () => {
    storedItems([userRow(ID), userRow(OTHER), userRow(THIRD)]);
    ddb.on(QueryCommand).resolves({
      Items: [{ sk: ID, display: 'Old' }, { sk: OTHER, display: 'Same' }, { sk: GROUP }],
    });
    const replaced = await repository().replaceGroup(TENANT, GROUP, {
      schemas: [],
      displayName: 'Sales',
      members: [
        { value: ID, display: 'VP' },
        { value: OTHER, display: 'Same' },
        { value: THIRD, display: 'SenorVP' },
      ],
    });
    expect(replaced.members).toEqual([
      { value: ID, type: 'User', display: 'VP' },
      { value: OTHER, type: 'User', display: 'Same' },
      { value: THIRD, type: 'User', display: 'SenorVP' },
    ]);
    expect(memberPuts()).toEqual([
      { pk: MEMBERS, sk: ID, userId: ID, groupId: GROUP, display: 'VP' },
      { pk: MEMBERS, sk: THIRD, userId: THIRD, groupId: GROUP, display: 'SenorVP' },
    ]);
    expect(memberDeletes()).toEqual([GROUP]);
    // The current members are read with their display; a replace never reads member items one by one.
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeNames).toMatchObject({
      '#p0': 'sk',
      '#p1': 'display',
    });
    expect(ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE]?.Keys).toHaveLength(3);
  });

  it('creates a group with member displays and returns them', async () => {
    storedItems([userRow(ID), userRow(OTHER)]);
    const created = await repository().createGroup(TENANT, {
      schemas: [],
      displayName: 'Filled',
      members: [{ value: ID, display: 'VP' }, { value: OTHER }, { value: ID }],
    });
    expect(created.members).toEqual([
      { value: ID, type: 'User', display: 'VP' },
      { value: OTHER, type: 'User' },
    ]);
    // The repository's newId gives the new group the id ID.
    expect(memberPuts(`T#acme#GROUP#${ID}#MEMBERS`).map((item) => [item.sk, item.display])).toEqual([
      [ID, 'VP'],
      [OTHER, undefined],
    ]);
  });

  it('reads members back as {value, type: "User", display?}', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ sk: ID, display: 'new User' }, { sk: OTHER }] });
    const group = await repository().getGroup(TENANT, GROUP, { includeMembers: true });
    expect(group?.members).toEqual([
      { value: ID, type: 'User', display: 'new User' },
      { value: OTHER, type: 'User' },
    ]);
  });
});

describe('findUsers', () => {
  it('serves userName eq from the lookup item and the user item, both strongly consistent', async () => {
    ddb
      .on(GetCommand, { Key: { pk: 'T#acme#USER#USERNAME#bob@x.com', sk: 'UNIQUE' } })
      .resolves({ Item: { id: ID } });
    ddb.on(GetCommand, { Key: { pk: 'T#acme#USERS', sk: `USER#${ID}` } }).resolves({ Item: userItem(1) });
    const result = await repository().findUsers(TENANT, { filter: parseFilter('userName eq "BOB@x.com"') });
    expect(result.totalResults).toBe(1);
    expect(result.resources[0]?.id).toBe(ID);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand).every((call) => call.args[0].input.ConsistentRead === true)).toBe(
      true,
    );
  });

  it('serves externalId eq with one strongly consistent Query of its lookup partition, never a scan', async () => {
    const second = toItem(
      TENANT,
      'User',
      OTHER,
      { schemas: [CORE_USER_URN], userName: 'carol@x.com', externalId: 'obj-1' },
      { version: 1, created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-01T00:00:00.000Z' },
    );
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'T#acme#USER#EXTERNALID#obj-1' } })
      .resolves({ Items: [{ id: OTHER }, { id: ID }] });
    ddb.on(BatchGetCommand).resolves({
      Responses: { [TABLE]: [userItem(1, { userName: 'bob@x.com', externalId: 'obj-1' }), second] },
    });
    const result = await repository().findUsers(TENANT, { filter: parseFilter('externalId eq "obj-1"') });
    expect(result.totalResults).toBe(2);
    expect(result.resources.map((resource) => resource.id)).toEqual([ID, OTHER].sort());
    const queries = ddb.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toEqual([
      expect.objectContaining({
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeValues: { ':pk': 'T#acme#USER#EXTERNALID#obj-1' },
        ConsistentRead: true,
        ProjectionExpression: '#p0',
        ExpressionAttributeNames: { '#pk': 'pk', '#p0': 'id' },
      }),
    ]);
    const keys = ddb.commandCalls(BatchGetCommand)[0]?.args[0].input.RequestItems?.[TABLE];
    expect(keys).toMatchObject({ ConsistentRead: true });
    expect(keys?.Keys).toHaveLength(2);
  });

  it('keeps externalId case-exact: another letter case queries another partition and finds nothing', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    const result = await repository().findUsers(TENANT, { filter: parseFilter('externalId eq "OBJ-1"') });
    expect(result).toEqual({ resources: [], totalResults: 0, startIndex: 1 });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': 'T#acme#USER#EXTERNALID#OBJ-1',
    });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('reads one shared externalId match with a GetItem and drops a lookup whose user has changed', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ id: ID }] });
    ddb.on(GetCommand).resolves({ Item: userItem(2, { userName: 'bob@x.com', externalId: 'obj-9' }) });
    const result = await repository().findUsers(TENANT, { filter: parseFilter('externalId eq "obj-1"') });
    expect(result.totalResults).toBe(0);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'T#acme#USERS', sk: `USER#${ID}` },
      ConsistentRead: true,
    });
  });

  it('answers 400 tooMany when more resources share an externalId than the bound', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ id: ID }, { id: OTHER }, { id: GROUP }] });
    const error = await scimErrorOf(
      repository({ maxFilterScanItems: 2 }).findUsers(TENANT, { filter: parseFilter('externalId eq "x"') }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
    expect(ddb.commandCalls(BatchGetCommand)).toHaveLength(0);
  });

  it('answers 400 tooMany when a filter would read more than the bound', async () => {
    ddb.on(QueryCommand).resolves({
      Items: [userItem(1), userItem(1), userItem(1)],
      LastEvaluatedKey: { pk: 'T#acme#USERS', sk: 'USER#z' },
    });
    const error = await scimErrorOf(
      repository({ maxFilterScanItems: 2 }).findUsers(TENANT, { filter: parseFilter('title co "x"') }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'tooMany']);
  });

  it('answers 400 invalidFilter for a filter the schema rejects', async () => {
    const error = await scimErrorOf(
      repository().findUsers(TENANT, { filter: parseFilter('meta.created gt "yesterday"') }),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidFilter']);
  });

  it('caps count at MAX_PAGE_SIZE and reads totalResults from the counter shards', async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'T#acme', ':prefix': 'COUNT#USER#' } })
      .resolves({
        Items: [{ count: 7 }, { count: -2 }],
      });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'T#acme#USERS' } })
      .resolves({ Items: [userItem(1)] });
    const result = await repository().findUsers(TENANT, { count: 10_000 });
    expect(result.totalResults).toBe(5);
    const pageQuery = ddb
      .commandCalls(QueryCommand)
      .find((call) => call.args[0].input.ExpressionAttributeValues?.[':pk'] === 'T#acme#USERS');
    expect(pageQuery?.args[0].input.Limit).toBe(MAX_PAGE_SIZE);
  });

  it('answers an empty page for a startIndex past totalResults without reading the tenant', async () => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'T#acme', ':prefix': 'COUNT#USER#' } })
      .resolves({ Items: [{ count: 10 }] });
    ddb.on(GetCommand).resolves({});
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'T#acme#USERS' } }).resolves({
      Items: [userItem(1)],
      LastEvaluatedKey: { pk: 'T#acme#USERS', sk: `USER#${ID}` },
    });
    const result = await repository().findUsers(TENANT, { startIndex: 1_000_000, count: 10 });
    expect(result).toEqual({ resources: [], totalResults: 10, startIndex: 1_000_000 });
    const tenantReads = ddb
      .commandCalls(QueryCommand)
      .filter((call) => call.args[0].input.ExpressionAttributeValues?.[':pk'] === 'T#acme#USERS');
    expect(tenantReads).toHaveLength(0);
  });
});
