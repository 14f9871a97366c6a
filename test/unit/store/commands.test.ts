import { describe, expect, it } from '@jest/globals';
import {
  MAX_ITEM_BYTES,
  assertStorable,
  itemBytes,
  MAX_BATCH_GET,
  MAX_BATCH_WRITE,
  NO_INDEX,
  batchGetInputs,
  batchWriteInputs,
  chunk,
  counterAction,
  deleteMembershipRequest,
  groupWritePlan,
  lookupActions,
  membershipAction,
  partitionQuery,
  memberIndexQuery,
  putMembershipRequest,
  putResourceAction,
} from '../../../lambdas/store/commands';
import { cancellationCause } from '../../../lambdas/store/dynamodb-errors';
import { indexValues, toItem } from '../../../lambdas/store/items';
import { scimErrorFrom } from '../scim-errors';

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const GROUP = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const STAMP = { version: 3, created: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-02T00:00:00.000Z' };

describe('command builders', () => {
  it('puts a new resource only if absent, and a replacement only over the version read', () => {
    const item = toItem(
      'acme',
      'User',
      ID,
      { schemas: [], userName: 'a', meta: { version: 'x' }, id: 'forged' },
      STAMP,
    );
    expect(item.data).toBe('{"schemas":[],"userName":"a"}');
    expect(putResourceAction('t', item, undefined).action.Put).toMatchObject({
      TableName: 't',
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(putResourceAction('t', item, 3).action.Put).toMatchObject({
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': 3 },
    });
  });

  it('claims the unique userName of a new user and adds its non-unique externalId and email items', () => {
    const after = indexValues('User', {
      userName: 'Bob@X.com',
      externalId: 'Obj',
      emails: [{ value: 'Bob@X.com', type: 'work' }, { value: 'bob@x.com' }, { value: 'home@x.com' }],
    });
    const actions = lookupActions('t', 'acme', 'User', ID, NO_INDEX, after);
    expect(
      actions.map(({ action, meaning }): unknown[] => [
        meaning.kind,
        action.Put?.Item?.pk as unknown,
        action.Put?.Item?.sk as unknown,
        action.Put?.ConditionExpression,
      ]),
    ).toEqual([
      ['unique', 'T#acme#USER#USERNAME#bob@x.com', 'UNIQUE', 'attribute_not_exists(pk)'],
      // externalId is not unique (RFC 7643 §3.1): no condition, one item per user, case kept.
      ['other', 'T#acme#USER#EXTERNALID#Obj', ID, undefined],
      ['other', 'T#acme#USER#EMAIL#bob@x.com', ID, undefined],
      ['other', 'T#acme#USER#EMAIL#home@x.com', ID, undefined],
    ]);
    expect(actions[1]?.action.Put?.Item).toEqual({ pk: 'T#acme#USER#EXTERNALID#Obj', sk: ID, id: ID });
  });

  it('claims a new group displayName (unique) and adds its externalId item under the group type', () => {
    const actions = lookupActions(
      't',
      'acme',
      'Group',
      GROUP,
      NO_INDEX,
      indexValues('Group', { displayName: 'Sales', externalId: 'Obj' }),
    );
    expect(
      actions.map(({ action, meaning }): unknown[] => [
        meaning,
        action.Put?.Item?.pk as unknown,
        action.Put?.ConditionExpression,
      ]),
    ).toEqual([
      [
        { kind: 'unique', attribute: 'displayName' },
        'T#acme#GROUP#DISPLAYNAME#sales',
        'attribute_not_exists(pk)',
      ],
      [{ kind: 'other' }, 'T#acme#GROUP#EXTERNALID#Obj', undefined],
    ]);
  });

  it('moves a changed externalId (letter case included) in the same transaction, unconditionally', () => {
    const before = indexValues('User', { userName: 'a', externalId: 'obj-1' });
    const movesTo = (after: Record<string, string>): string[] =>
      lookupActions('t', 'acme', 'User', ID, before, indexValues('User', after)).map(({ action }) =>
        action.Put
          ? `put ${action.Put.Item?.pk}|${action.Put.Item?.sk} ${action.Put.ConditionExpression ?? '-'}`
          : `delete ${action.Delete?.Key?.pk}|${action.Delete?.Key?.sk} ${action.Delete?.ConditionExpression ?? '-'}`,
      );
    expect(movesTo({ userName: 'a', externalId: 'obj-2' })).toEqual([
      `put T#acme#USER#EXTERNALID#obj-2|${ID} -`,
      `delete T#acme#USER#EXTERNALID#obj-1|${ID} -`,
    ]);
    expect(movesTo({ userName: 'a', externalId: 'OBJ-1' })).toEqual([
      `put T#acme#USER#EXTERNALID#OBJ-1|${ID} -`,
      `delete T#acme#USER#EXTERNALID#obj-1|${ID} -`,
    ]);
    expect(movesTo({ userName: 'a' })).toEqual([`delete T#acme#USER#EXTERNALID#obj-1|${ID} -`]);
    expect(movesTo({ userName: 'a', externalId: 'obj-1' })).toEqual([]);
    expect(
      lookupActions('t', 'acme', 'User', ID, before, NO_INDEX).map(({ action }) => action.Delete?.Key),
    ).toEqual([
      { pk: 'T#acme#USER#USERNAME#a', sk: 'UNIQUE' },
      { pk: 'T#acme#USER#EXTERNALID#obj-1', sk: ID },
    ]);
  });

  it('moves a renamed value atomically and leaves a case-only change alone', () => {
    const before = indexValues('User', { userName: 'old', emails: [{ value: 'a@x.com' }] });
    const renamed = lookupActions(
      't',
      'acme',
      'User',
      ID,
      before,
      indexValues('User', { userName: 'new', emails: [{ value: 'a@x.com' }] }),
    );
    expect(
      renamed.map(({ action }) =>
        action.Put ? `put ${action.Put.Item?.pk}` : `delete ${action.Delete?.Key?.pk}`,
      ),
    ).toEqual(['put T#acme#USER#USERNAME#new', 'delete T#acme#USER#USERNAME#old']);
    expect(renamed[1]?.action.Delete).toMatchObject({
      ConditionExpression: 'attribute_not_exists(pk) OR #id = :id',
      ExpressionAttributeValues: { ':id': ID },
    });
    expect(
      lookupActions(
        't',
        'acme',
        'User',
        ID,
        before,
        indexValues('User', { userName: 'OLD', emails: [{ value: 'A@x.com' }] }),
      ),
    ).toEqual([]);
  });

  it('counts with a sharded ADD', () => {
    expect(counterAction('t', 'acme', 'Group', 5, -1).action.Update).toEqual({
      TableName: 't',
      Key: { pk: 'T#acme', sk: 'COUNT#GROUP#05' },
      UpdateExpression: 'ADD #count :delta, #changes :one',
      ExpressionAttributeNames: { '#count': 'count', '#changes': 'changes' },
      ExpressionAttributeValues: { ':delta': -1, ':one': 1 },
    });
  });

  it('writes a membership as one member item, indexed by user in byMember', () => {
    expect(putMembershipRequest('acme', GROUP, ID, 'VP')).toEqual({
      PutRequest: {
        Item: {
          pk: `T#acme#GROUP#${GROUP}#MEMBERS`,
          sk: ID,
          gsi1pk: `T#acme#USER#${ID}`,
          gsi1sk: GROUP,
          userId: ID,
          groupId: GROUP,
          display: 'VP',
        },
      },
    });
    expect(putMembershipRequest('acme', GROUP, ID).PutRequest?.Item).not.toHaveProperty('display');
    expect(deleteMembershipRequest('acme', GROUP, ID)).toEqual({
      DeleteRequest: { Key: { pk: `T#acme#GROUP#${GROUP}#MEMBERS`, sk: ID } },
    });
  });

  it('queries the groups of a user in the byMember index, without a consistent read (a GSI has none)', () => {
    const input = memberIndexQuery('t', 'acme', ID);
    expect(input).toEqual({
      TableName: 't',
      IndexName: 'byMember',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'gsi1pk', '#p0': 'gsi1sk' },
      ExpressionAttributeValues: { ':pk': `T#acme#USER#${ID}` },
      ProjectionExpression: '#p0',
      ReturnConsumedCapacity: 'TOTAL',
    });
    expect(input).not.toHaveProperty('ConsistentRead');
  });

  it('chunks batch writes by 25 and batch gets by 100, strongly consistent', () => {
    const requests = Array.from({ length: 51 }, (_, index) => ({
      DeleteRequest: { Key: { pk: 'p', sk: String(index) } },
    }));
    const writes = batchWriteInputs('t', requests);
    expect(writes.map((input) => input.RequestItems?.t?.length)).toEqual([
      MAX_BATCH_WRITE,
      MAX_BATCH_WRITE,
      1,
    ]);
    const keys = Array.from({ length: 201 }, (_, index) => ({ pk: 'p', sk: String(index) }));
    const gets = batchGetInputs('t', keys, ['sk', 'display']);
    expect(gets.map((input) => input.RequestItems?.t?.Keys?.length)).toEqual([
      MAX_BATCH_GET,
      MAX_BATCH_GET,
      1,
    ]);
    // Attribute names go through placeholders: they need not avoid DynamoDB's reserved words.
    expect(gets[0]?.RequestItems?.t).toMatchObject({
      ConsistentRead: true,
      ProjectionExpression: '#p0, #p1',
      ExpressionAttributeNames: { '#p0': 'sk', '#p1': 'display' },
    });
    expect(chunk([], 3)).toEqual([]);
  });

  it('queries a partition strongly consistently, forwards or backwards from a key', () => {
    expect(
      partitionQuery('t', 'P', {
        limit: 11,
        after: { pk: 'P', sk: 'S' },
        backwards: true,
        projection: ['sk'],
      }),
    ).toEqual({
      TableName: 't',
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk', '#p0': 'sk' },
      ExpressionAttributeValues: { ':pk': 'P' },
      ConsistentRead: true,
      ProjectionExpression: '#p0',
      Limit: 11,
      ExclusiveStartKey: { pk: 'P', sk: 'S' },
      ScanIndexForward: false,
      ReturnConsumedCapacity: 'TOTAL',
    });
  });
});

describe('cancellationCause', () => {
  const cancelled = (...codes: string[]): Error =>
    Object.assign(new Error('cancelled'), {
      name: 'TransactionCanceledException',
      CancellationReasons: codes.map((Code) => ({ Code })),
    });
  const meanings = [
    { kind: 'resource' },
    { kind: 'unique', attribute: 'userName' },
    { kind: 'other' },
    { kind: 'membership' },
  ] as const;

  it.each([
    [['None', 'ConditionalCheckFailed', 'None'], { kind: 'unique', attribute: 'userName' }],
    // Member actions in a group's transaction: a clash or a version change still decides, a conflict on
    // a member item is retried, an item too large is invalid.
    [['None', 'ConditionalCheckFailed', 'None', 'None'], { kind: 'unique', attribute: 'userName' }],
    [['ConditionalCheckFailed', 'None', 'None', 'None'], { kind: 'version' }],
    [['None', 'None', 'None', 'TransactionConflict'], { kind: 'retry' }],
    [['None', 'None', 'None', 'ValidationError'], { kind: 'invalid' }],
    [['ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'], { kind: 'unique', attribute: 'userName' }],
    [['ConditionalCheckFailed', 'None', 'None'], { kind: 'version' }],
    [['None', 'None', 'TransactionConflict'], { kind: 'retry' }],
    [['ThrottlingError', 'None', 'None'], { kind: 'retry' }],
    // AWS's form for an item over 400 KB in a transaction: the client's input, not an outage.
    [['None', 'None', 'ValidationError'], { kind: 'invalid' }],
    [['None', 'TransactionConflict', 'ValidationError'], { kind: 'invalid' }],
    [['None', 'None', 'None'], { kind: 'unavailable' }],
    [['InternalError', 'None', 'None'], { kind: 'unavailable' }],
  ])('%p -> %p', (codes, expected) => {
    expect(cancellationCause(cancelled(...codes), meanings)).toEqual(expected);
  });

  it('is undefined for other errors', () => {
    expect(cancellationCause(new Error('x'), meanings)).toBeUndefined();
  });

  // A rename or delete of a resource whose unique item has an older key (docs/data-model.md, Migration).
  const withReleases = [
    { kind: 'resource' },
    { kind: 'unique', attribute: 'userName' },
    { kind: 'release' },
    { kind: 'release' },
  ] as const;
  it.each([
    [['None', 'None', 'ConditionalCheckFailed', 'None'], { kind: 'notHeld', positions: [2] }],
    [
      ['None', 'None', 'ConditionalCheckFailed', 'ConditionalCheckFailed'],
      { kind: 'notHeld', positions: [2, 3] },
    ],
    // Anything else that failed decides first: the release may well be held after a retry.
    [['ConditionalCheckFailed', 'None', 'ConditionalCheckFailed', 'None'], { kind: 'version' }],
    [
      ['None', 'ConditionalCheckFailed', 'ConditionalCheckFailed', 'None'],
      { kind: 'unique', attribute: 'userName' },
    ],
    [['None', 'None', 'ConditionalCheckFailed', 'ValidationError'], { kind: 'invalid' }],
  ])('with releases: %p -> %p', (codes, expected) => {
    expect(cancellationCause(cancelled(...codes), withReleases)).toEqual(expected);
  });
});

describe('groupWritePlan', () => {
  const groupAction = putResourceAction('scim', toItem('acme', 'Group', GROUP, { schemas: [] }, STAMP), 3);
  const membersRequests = (count: number) =>
    Array.from({ length: count }, () => putMembershipRequest('acme', GROUP, ID));

  it('puts the member writes in the transaction when everything fits in 100 actions', () => {
    const requests = [...membersRequests(97), deleteMembershipRequest('acme', GROUP, GROUP)];
    const counter = counterAction('scim', 'acme', 'Group', 0, 1);
    const plan = groupWritePlan('scim', [groupAction, counter], requests, 'after');
    expect(plan.transaction).toHaveLength(100);
    expect(plan.afterCommit).toEqual([]);
    expect(plan.transaction[0]).toBe(groupAction);
    expect(plan.transaction.slice(2).every(({ meaning }) => meaning.kind === 'membership')).toBe(true);
    expect(plan.transaction[2]?.action).toEqual({
      Put: { TableName: 'scim', Item: requests[0]?.PutRequest?.Item },
    });
    expect(plan.transaction[99]?.action).toEqual({
      Delete: { TableName: 'scim', Key: requests[97]?.DeleteRequest?.Key },
    });
  });

  it("puts 50 member changes in the group transaction: one action each (Entra's PATCH of 50 members)", () => {
    const requests = membersRequests(50);
    const plan = groupWritePlan('scim', [groupAction], requests, 'after');
    expect(plan.transaction).toHaveLength(51);
    expect(plan.afterCommit).toEqual([]);
  });

  it('leaves them for after the commit when they do not fit (one group action + 100 members = 101)', () => {
    const requests = membersRequests(100);
    const plan = groupWritePlan('scim', [groupAction], requests, 'after');
    expect(plan.transaction).toEqual([groupAction]);
    expect(plan.afterCommit).toEqual(requests);
    expect(plan.beforeCommit).toEqual([]);
  });

  it("writes a new group's members before it when they do not fit (the group is invisible until complete)", () => {
    const requests = membersRequests(100);
    const plan = groupWritePlan('scim', [groupAction], requests, 'before');
    expect(plan.beforeCommit).toEqual(requests);
    expect(plan.transaction).toEqual([groupAction]);
    expect(plan.afterCommit).toEqual([]);
  });

  it('keeps the transaction within 4 MB: 20 members of 300 KB go out as batch writes', () => {
    const requests = Array.from({ length: 20 }, () =>
      putMembershipRequest('acme', GROUP, ID, 'd'.repeat(300 * 1024)),
    );
    const plan = groupWritePlan('scim', [groupAction], requests, 'after');
    expect(plan.transaction).toEqual([groupAction]);
    expect(plan.afterCommit).toEqual(requests);
  });
});

describe('itemBytes and assertStorable', () => {
  const groupAction = putResourceAction('scim', toItem('acme', 'Group', GROUP, { schemas: [] }, STAMP), 3);
  it("counts DynamoDB's way: names plus UTF-8 values, numbers at most 21 bytes", () => {
    expect(itemBytes({ pk: 'ab', sk: 'é', version: 3 })).toBe(2 + 2 + 2 + 2 + 7 + 21);
  });

  const planWith = (display: string) =>
    groupWritePlan('scim', [groupAction], [putMembershipRequest('acme', GROUP, ID, display)], 'after');

  it('accepts a member item of 400 KB and refuses one byte more, naming the member', () => {
    const overhead = itemBytes(putMembershipRequest('acme', GROUP, ID, '').PutRequest?.Item ?? {});
    const largest = planWith('x'.repeat(MAX_ITEM_BYTES - overhead));
    expect(itemBytes(largest.transaction[1]?.action.Put?.Item ?? {})).toBe(MAX_ITEM_BYTES);
    expect(() => assertStorable(largest)).not.toThrow();
    const error = scimErrorFrom(() => assertStorable(planWith('x'.repeat(MAX_ITEM_BYTES - overhead + 1))));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidValue' });
    expect(error.detail).toContain(ID);
  });

  it('refuses a resource item over 400 KB, before or after commit alike', () => {
    const big = putResourceAction(
      'scim',
      toItem('acme', 'Group', GROUP, { x: 'y'.repeat(MAX_ITEM_BYTES) }, STAMP),
      3,
    );
    const plan = groupWritePlan('scim', [big], [], 'after');
    expect(scimErrorFrom(() => assertStorable(plan)).detail).toBe('Group is too large to be stored.');
  });

  it('rejects a write request that is neither a put nor a delete', () => {
    expect(() => membershipAction('scim', {})).toThrow('put or a delete');
  });
});
