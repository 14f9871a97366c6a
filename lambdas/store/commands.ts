/**
 * Pure builders of DynamoDB command inputs. The adapter only sends what these return, so every key,
 * condition and chunk size is unit-tested without AWS.
 */
import type {
  BatchGetCommandInput,
  BatchWriteCommandInput,
  QueryCommandInput,
  ScanCommandInput,
  TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ScimError } from '../scim/errors';
import type { ResourceTypeName } from '../scim/schema/types';
import type { IndexValues, ResourceItem } from './items';
import type { UniqueAttribute } from '../scim/schema/resource-types';
import type { TableKey } from './keys';
import {
  counterKey,
  emailKey,
  externalIdKey,
  memberKey,
  normaliseUniqueValue,
  memberIndexPartition,
  tenantItemPrefix,
  uniqueKey,
} from './keys';
import { MEMBER_INDEX } from './table-definition';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What a transaction action stands for, to explain a cancellation (CancellationReasons are positional). */
export type ActionMeaning =
  | { readonly kind: 'resource' }
  | { readonly kind: 'unique'; readonly attribute: UniqueAttribute }
  /**
   * A member item. Unconditional, so it never fails a condition; a conflict with
   * another transaction on it is retried like any other.
   */
  | { readonly kind: 'membership' }
  /**
   * The release of a unique value (releaseUniqueAction). Its condition fails only when another resource
   * holds the key: this one's item was written under an older key (docs/data-model.md, "Migration").
   * There is then nothing of its own to release, and the transaction is sent again without it.
   */
  | { readonly kind: 'release' }
  | { readonly kind: 'other' };

export interface TaggedAction {
  readonly action: TransactItem;
  readonly meaning: ActionMeaning;
}

/** DynamoDB limits. */
export const MAX_TRANSACTION_ACTIONS = 100;
export const MAX_BATCH_WRITE = 25;
export const MAX_BATCH_GET = 100;
export const MAX_ITEM_BYTES = 400 * 1024;
/** A transaction's items together (DynamoDB's aggregate limit), with room for its keys and conditions. */
export const MAX_TRANSACTION_BYTES = 4 * 1000 * 1000 - 64 * 1024;

export const RETURN_CONSUMED_CAPACITY = 'TOTAL';

export const chunk = <T>(values: readonly T[], size: number): T[][] => {
  const chunks: T[][] = [];
  for (let index = 0; index < values.length; index += size) chunks.push(values.slice(index, index + size));
  return chunks;
};

/** The optimistic-concurrency condition: the item still has the version that was read. */
const versionIs = (expectedVersion: number) => ({
  ConditionExpression: '#version = :expected',
  ExpressionAttributeNames: { '#version': 'version' },
  ExpressionAttributeValues: { ':expected': expectedVersion },
});

/**
 * Non-unique lookup items (work email, externalId): the put has no condition (another resource may share
 * the value) and the key holds this resource's id, so the delete can only ever remove its own item.
 */
const putPlainLookup = (tableName: string, key: TableKey, id: string): TaggedAction => ({
  meaning: { kind: 'other' },
  action: { Put: { TableName: tableName, Item: { ...key, id } } },
});

const deletePlainLookup = (tableName: string, key: TableKey): TaggedAction => ({
  meaning: { kind: 'other' },
  action: { Delete: { TableName: tableName, Key: key } },
});

/** Puts a resource item: new (no item with its key) or replacing exactly the version read. */
export const putResourceAction = (
  tableName: string,
  item: ResourceItem,
  expectedVersion: number | undefined,
): TaggedAction => ({
  meaning: { kind: 'resource' },
  action: {
    Put: {
      TableName: tableName,
      Item: { ...item },
      ...(expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : versionIs(expectedVersion)),
    },
  },
});

export const deleteResourceAction = (
  tableName: string,
  key: TableKey,
  expectedVersion: number,
): TaggedAction => ({
  meaning: { kind: 'resource' },
  action: {
    Delete: {
      TableName: tableName,
      Key: { pk: key.pk, sk: key.sk },
      ...versionIs(expectedVersion),
    },
  },
});

/** Claims a unique value: fails when any resource (this one included) already holds it. */
export const claimUniqueAction = (
  tableName: string,
  tenantId: string,
  type: ResourceTypeName,
  attribute: UniqueAttribute,
  value: string,
  id: string,
): TaggedAction => ({
  meaning: { kind: 'unique', attribute },
  action: {
    Put: {
      TableName: tableName,
      Item: { ...uniqueKey(tenantId, type, attribute, value), id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  },
});

/** Releases a unique value, but only one this resource holds (never another resource's). */
export const releaseUniqueAction = (
  tableName: string,
  tenantId: string,
  type: ResourceTypeName,
  attribute: UniqueAttribute,
  value: string,
  id: string,
): TaggedAction => ({
  meaning: { kind: 'release' },
  action: {
    Delete: {
      TableName: tableName,
      Key: uniqueKey(tenantId, type, attribute, value),
      ConditionExpression: 'attribute_not_exists(pk) OR #id = :id',
      ExpressionAttributeNames: { '#id': 'id' },
      ExpressionAttributeValues: { ':id': id },
    },
  },
});

export const putEmailAction = (
  tableName: string,
  tenantId: string,
  email: string,
  userId: string,
): TaggedAction => putPlainLookup(tableName, emailKey(tenantId, email, userId), userId);

export const deleteEmailAction = (
  tableName: string,
  tenantId: string,
  email: string,
  userId: string,
): TaggedAction => deletePlainLookup(tableName, emailKey(tenantId, email, userId));

export const putExternalIdAction = (
  tableName: string,
  tenantId: string,
  type: ResourceTypeName,
  externalId: string,
  id: string,
): TaggedAction => putPlainLookup(tableName, externalIdKey(tenantId, type, externalId, id), id);

export const deleteExternalIdAction = (
  tableName: string,
  tenantId: string,
  type: ResourceTypeName,
  externalId: string,
  id: string,
): TaggedAction => deletePlainLookup(tableName, externalIdKey(tenantId, type, externalId, id));

export const counterAction = (
  tableName: string,
  tenantId: string,
  type: ResourceTypeName,
  shard: number,
  delta: 1 | -1,
): TaggedAction => ({
  meaning: { kind: 'other' },
  action: {
    Update: {
      TableName: tableName,
      Key: counterKey(tenantId, type, shard),
      // `changes` only grows: its sum over the shards is the type's list version (page markers).
      UpdateExpression: 'ADD #count :delta, #changes :one',
      ExpressionAttributeNames: { '#count': 'count', '#changes': 'changes' },
      ExpressionAttributeValues: { ':delta': delta, ':one': 1 },
    },
  },
});

const uniqueKeyOf = (attribute: UniqueAttribute, value: string): string =>
  `${attribute}:${normaliseUniqueValue(value)}`;

/**
 * The lookup actions that move a resource from `before` to `after` index values: only changed values are
 * touched, so a rename claims the new value and releases the old one in the same transaction, and a
 * change no match key sees (letter case or width of userName/displayName, surrounding spaces) touches
 * nothing. externalId is case-exact: a change of letter case moves its item.
 */
export const lookupActions = (
  tableName: string,
  tenantId: string,
  type: ResourceTypeName,
  id: string,
  before: IndexValues,
  after: IndexValues,
): TaggedAction[] => {
  const beforeUnique = new Set(before.unique.map(({ attribute, value }) => uniqueKeyOf(attribute, value)));
  const afterUnique = new Set(after.unique.map(({ attribute, value }) => uniqueKeyOf(attribute, value)));
  const beforeExternalIds = new Set(before.externalIds);
  const afterExternalIds = new Set(after.externalIds);
  const beforeEmails = new Set(before.emails);
  const afterEmails = new Set(after.emails);
  return [
    ...after.unique
      .filter(({ attribute, value }) => !beforeUnique.has(uniqueKeyOf(attribute, value)))
      .map(({ attribute, value }) => claimUniqueAction(tableName, tenantId, type, attribute, value, id)),
    ...before.unique
      .filter(({ attribute, value }) => !afterUnique.has(uniqueKeyOf(attribute, value)))
      .map(({ attribute, value }) => releaseUniqueAction(tableName, tenantId, type, attribute, value, id)),
    ...after.externalIds
      .filter((externalId) => !beforeExternalIds.has(externalId))
      .map((externalId) => putExternalIdAction(tableName, tenantId, type, externalId, id)),
    ...before.externalIds
      .filter((externalId) => !afterExternalIds.has(externalId))
      .map((externalId) => deleteExternalIdAction(tableName, tenantId, type, externalId, id)),
    ...after.emails
      .filter((email) => !beforeEmails.has(email))
      .map((email) => putEmailAction(tableName, tenantId, email, id)),
    ...before.emails
      .filter((email) => !afterEmails.has(email))
      .map((email) => deleteEmailAction(tableName, tenantId, email, id)),
  ];
};

export const NO_INDEX: IndexValues = { unique: [], externalIds: [], emails: [] };

export const transactInput = (actions: readonly TaggedAction[]): TransactWriteCommandInput => ({
  TransactItems: actions.map(({ action }) => action),
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
});

export type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

/**
 * Puts the one item of a membership: under the group's member partition, keyed by user, and indexed by
 * user in `byMember` (gsi1pk, gsi1sk) for User.groups. It keeps the display the client sent for the
 * member; a Put replaces the whole item, so the caller passes the display the member should have afterwards.
 */
export const putMembershipRequest = (
  tenantId: string,
  groupId: string,
  userId: string,
  display?: string,
): WriteRequest => ({
  PutRequest: {
    Item: {
      ...memberKey(tenantId, groupId, userId),
      [MEMBER_INDEX.partitionKey.name]: memberIndexPartition(tenantId, userId),
      [MEMBER_INDEX.sortKey.name]: groupId,
      userId,
      groupId,
      ...(display === undefined ? {} : { display }),
    },
  },
});

export const deleteMembershipRequest = (tenantId: string, groupId: string, userId: string): WriteRequest => {
  const { pk, sk } = memberKey(tenantId, groupId, userId);
  return { DeleteRequest: { Key: { pk, sk } } };
};

/** A membership write request as an unconditional transaction action on the same item. */
export const membershipAction = (tableName: string, request: WriteRequest): TaggedAction => {
  const put = request.PutRequest?.Item;
  const deleted = request.DeleteRequest?.Key;
  if (put !== undefined)
    return { meaning: { kind: 'membership' }, action: { Put: { TableName: tableName, Item: put } } };
  if (deleted !== undefined) {
    return { meaning: { kind: 'membership' }, action: { Delete: { TableName: tableName, Key: deleted } } };
  }
  throw new Error('A membership write request is a put or a delete.');
};

/**
 * DynamoDB's item size rule for our flat items: the UTF-8 bytes of every attribute name and string value;
 * a number takes at most 21 bytes.
 */
export const itemBytes = (item: Record<string, unknown>): number =>
  Object.entries(item).reduce(
    (sum, [name, value]) =>
      sum + Buffer.byteLength(name) + (typeof value === 'string' ? Buffer.byteLength(value) : 21),
    0,
  );

/**
 * Refuses, before anything is written, a write whose items DynamoDB would refuse (over 400 KB): a member
 * item that DynamoDB rejected after the group's commit would leave the group half-written (issue 10).
 */
export const assertStorable = (plan: WritePlan): void => {
  const items: (Record<string, unknown> | undefined)[] = [
    ...plan.transaction.map((action) => action.action.Put?.Item),
    ...[...plan.beforeCommit, ...plan.afterCommit].map((request) => request.PutRequest?.Item),
  ];
  for (const item of items) {
    if (item !== undefined && itemBytes(item) > MAX_ITEM_BYTES) {
      throw ScimError.invalidValue(`${String(item.userId ?? item.type)} is too large to be stored.`);
    }
  }
};

/**
 * How a resource write goes out: membership writes that precede its transaction, the transaction, and
 * membership writes that follow its commit.
 */
export interface WritePlan {
  readonly beforeCommit: WriteRequest[];
  readonly transaction: TaggedAction[];
  readonly afterCommit: WriteRequest[];
}

/**
 * How a resource write and its membership writes (one action per changed member) go out. When together
 * they fit in one transaction (100 actions and 4 MB: up to 99 member changes with a group Put), they are one
 * transaction: atomic with the resource's version and uniqueness conditions, one round. Otherwise the
 * memberships are batch writes, one more round, on the side `overflow` names:
 * - `before` (a new group): the member items go first and the group last, so the group is invisible until
 *   it is complete; a failure leaves only member items of a group that does not exist, which no read
 *   returns, and the retry creates the group afresh.
 * - `after` (a change): the transaction goes first, so a rejected write (409, 412, a lost race) changes no
 *   membership; a failure after the commit is answered 503 and the retry, whose member writes are
 *   idempotent, completes it.
 */
export const groupWritePlan = (
  tableName: string,
  actions: readonly TaggedAction[],
  memberRequests: readonly WriteRequest[],
  overflow: 'before' | 'after',
): WritePlan => {
  const together = [...actions, ...memberRequests.map((request) => membershipAction(tableName, request))];
  const bytes = together.reduce((sum, { action }) => sum + itemBytes(action.Put?.Item ?? {}), 0);
  if (together.length <= MAX_TRANSACTION_ACTIONS && bytes <= MAX_TRANSACTION_BYTES) {
    return { beforeCommit: [], transaction: together, afterCommit: [] };
  }
  return overflow === 'before'
    ? { beforeCommit: [...memberRequests], transaction: [...actions], afterCommit: [] }
    : { beforeCommit: [], transaction: [...actions], afterCommit: [...memberRequests] };
};

/** Deletes of the items `requests` put (undoing membership writes of a group that was never created). */
export const undoPuts = (requests: readonly WriteRequest[]): WriteRequest[] =>
  requests.flatMap((request) => {
    const item: Record<string, unknown> | undefined = request.PutRequest?.Item;
    return item === undefined ? [] : [{ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }];
  });

/** BatchWriteItem inputs of at most 25 requests each. */
export const batchWriteInputs = (
  tableName: string,
  requests: readonly WriteRequest[],
): BatchWriteCommandInput[] =>
  chunk(requests, MAX_BATCH_WRITE).map((requestChunk) => ({
    RequestItems: { [tableName]: requestChunk },
    ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  }));

/** `#p0, #p1` for the attribute names, which need not avoid DynamoDB's reserved words. */
const projectionOf = (
  names: readonly string[],
): { ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> } => ({
  ProjectionExpression: names.map((_, index) => `#p${index}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(names.map((name, index) => [`#p${index}`, name])),
});

/**
 * A Scan for the lookup items of one tenant (keys and `id` only), for `tenant rekey`: lookup items live in
 * one partition per value, so no Query reaches them all. Reads the whole table; a one-off.
 */
export const tenantLookupScan = (tableName: string, tenantId: string): ScanCommandInput => {
  const projection = projectionOf(['pk', 'sk', 'id']);
  return {
    TableName: tableName,
    // #p0 is pk (projectionOf names the attributes in order).
    FilterExpression: 'begins_with(#p0, :prefix)',
    ExpressionAttributeNames: projection.ExpressionAttributeNames,
    ExpressionAttributeValues: { ':prefix': tenantItemPrefix(tenantId) },
    ProjectionExpression: projection.ProjectionExpression,
    ConsistentRead: true,
    ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  };
};

/** Strongly consistent BatchGetItem inputs of at most 100 keys each. */
export const batchGetInputs = (
  tableName: string,
  keys: readonly TableKey[],
  projection?: readonly string[],
): BatchGetCommandInput[] =>
  chunk(keys, MAX_BATCH_GET).map((keyChunk) => ({
    RequestItems: {
      [tableName]: {
        Keys: keyChunk.map(({ pk, sk }) => ({ pk, sk })),
        ConsistentRead: true,
        ...(projection === undefined ? {} : projectionOf(projection)),
      },
    },
    ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  }));

/**
 * A Query of one user's member items in the `byMember` index: the ids of its groups (gsi1sk), in order.
 * Eventually consistent (a GSI offers nothing else): only User.groups and clean-ups read it, never a
 * matching lookup.
 */
export const memberIndexQuery = (tableName: string, tenantId: string, userId: string): QueryCommandInput => ({
  TableName: tableName,
  IndexName: MEMBER_INDEX.indexName,
  KeyConditionExpression: '#pk = :pk',
  ExpressionAttributeNames: { '#pk': MEMBER_INDEX.partitionKey.name, '#p0': MEMBER_INDEX.sortKey.name },
  ExpressionAttributeValues: { ':pk': memberIndexPartition(tenantId, userId) },
  ProjectionExpression: '#p0',
  ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
});

/** A strongly consistent Query of one partition, in sort-key order. */
export const partitionQuery = (
  tableName: string,
  pk: string,
  options: {
    readonly limit?: number;
    readonly after?: TableKey;
    readonly backwards?: boolean;
    readonly sortKeyPrefix?: string;
    readonly projection?: readonly string[];
  } = {},
): QueryCommandInput => {
  const projection = options.projection === undefined ? undefined : projectionOf(options.projection);
  return {
    TableName: tableName,
    KeyConditionExpression:
      options.sortKeyPrefix === undefined ? '#pk = :pk' : '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: {
      '#pk': 'pk',
      ...(options.sortKeyPrefix === undefined ? {} : { '#sk': 'sk' }),
      ...projection?.ExpressionAttributeNames,
    },
    ExpressionAttributeValues: {
      ':pk': pk,
      ...(options.sortKeyPrefix === undefined ? {} : { ':prefix': options.sortKeyPrefix }),
    },
    ConsistentRead: true,
    ...(projection === undefined ? {} : { ProjectionExpression: projection.ProjectionExpression }),
    ...(options.limit === undefined ? {} : { Limit: options.limit }),
    ...(options.after === undefined
      ? {}
      : { ExclusiveStartKey: { pk: options.after.pk, sk: options.after.sk } }),
    ...(options.backwards === true ? { ScanIndexForward: false } : {}),
    ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
  };
};
