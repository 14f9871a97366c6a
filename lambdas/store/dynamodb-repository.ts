/**
 * The DynamoDB adapter of the repository port (single table, see docs/data-model.md). Thin: it sends what
 * the pure builders in commands.ts return and decides what conditional failures mean.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  BatchWriteCommandInput,
  DynamoDBDocumentClient,
  QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ScimError } from '../scim/errors';
import { entityTagListMatches } from '../scim/etag';
import { compileFilter } from '../scim/filter/evaluate';
import type { Filter } from '../scim/filter/ast';
import { isJsonObject } from '../scim/json';
import type { JsonObject } from '../scim/json';
import type { ScimResource } from '../scim/resource';
import { GROUP_SCHEMA, USER_SCHEMA } from '../scim/schema';
import type { ResourceTypeName } from '../scim/schema/types';
import type { TaggedAction, WriteRequest } from './commands';
import {
  NO_INDEX,
  RETURN_CONSUMED_CAPACITY,
  batchGetInputs,
  batchWriteInputs,
  counterAction,
  deleteMembershipRequest,
  groupWritePlan,
  deleteResourceAction,
  lookupActions,
  partitionQuery,
  memberIndexQuery,
  putMembershipRequest,
  putResourceAction,
  transactInput,
} from './commands';
import { decodeCursor, encodeCursor } from './cursor';
import type { Cursor } from './cursor';
import { cancellationCause, toScimError } from './dynamodb-errors';
import type { CancellationCause } from './dynamodb-errors';
import { asResourceItem, fromItem, indexValues, storableBody, toItem } from './items';
import type { ResourceItem } from './items';
import {
  COUNTER_SHARDS,
  counterPartition,
  counterSortKeyPrefix,
  emailPartition,
  externalIdPartition,
  idFromResourceSortKey,
  isResourceId,
  memberKey,
  memberPartition,
  pageMarkerKey,
  resourceKey,
  resourcePartition,
  tenantKey,
  uniqueKey,
} from './keys';
import { MEMBER_INDEX } from './table-definition';
import type { TableKey } from './keys';
import { lookupPlan, needsMemberships, testedMemberIds } from './lookup-plan';
import type { LookupPlan } from './lookup-plan';
import { DEFAULT_MAX_ATTEMPTS, MAX_PAGE_SIZE } from './repository';
import type {
  FindGroupsQuery,
  FindQuery,
  FindResult,
  GroupPlan,
  GroupPlanner,
  GroupUpdateOptions,
  MemberChanges,
  MemberEntry,
  ScimRepository,
  TenantMetadata,
  UpdateOptions,
  UserMutation,
  WriteOptions,
} from './repository';

/** Filters no lookup can serve read at most this many items per request; beyond: 400 tooMany. */
export const DEFAULT_MAX_FILTER_SCAN_ITEMS = 10_000;
/**
 * Lambda answers are capped at 6 MB: the members of one response (a group, or every group of a listed
 * page) may take up to this many bytes of JSON, leaving 1 MB for the rest of the response.
 */
export const DEFAULT_MAX_MEMBER_RESPONSE_BYTES = 5 * 1024 * 1024;
/** How long a remembered index page end lives (TTL attribute of the table). */
export const PAGE_MARKER_TTL_SECONDS = 15 * 60;
/** Attempts for BatchWriteItem/BatchGetItem unprocessed items and transaction conflicts. */
const MAX_BATCH_ATTEMPTS = 8;
/** Parallel requests for member clean-up and bulk membership writes. */
const BULK_CONCURRENCY = 16;

export interface DynamoDbRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly maxFilterScanItems?: number;
  readonly maxMemberResponseBytes?: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly random?: () => number;
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

const SCHEMAS = { User: USER_SCHEMA, Group: GROUP_SCHEMA } as const;

const defaultSleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** `W/"3"`, `"3"` and `*` (any version) all match version 3. */
export const ifMatchAccepts = (ifMatch: string, version: number): boolean =>
  entityTagListMatches(ifMatch, `W/"${version}"`);

/** Runs `task` over `values` with at most `limit` in flight. */
const mapLimit = async <T, R>(
  values: readonly T[],
  limit: number,
  task: (value: T) => Promise<R>,
): Promise<R[]> => {
  const results: R[] = new Array<R>(values.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < values.length) {
      const index = next;
      next += 1;
      results[index] = await task(values[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, values.length) }, worker));
  return results;
};

/** An allowance (items read, or bytes answered) shared by every read of one request; past it -> `exceeded()`. */
class Budget {
  private spent = 0;

  constructor(
    private readonly limit: number,
    private readonly exceeded: () => ScimError,
  ) {}

  spend(amount: number): void {
    this.spent += amount;
    if (this.spent > this.limit) throw this.exceeded();
  }
}

const unbounded = (): Budget =>
  new Budget(Number.POSITIVE_INFINITY, () => ScimError.unavailable('unreachable'));

const countOne = (): number => 1;

/**
 * The bytes a member item takes in the answer: `{"value":"<id>","type":"User","display":<json>},`
 * (UTF-8; the display is unbounded, so it is measured, not assumed).
 */
export const memberJsonBytes = ({ sk, display }: Record<string, unknown>): number =>
  32 +
  (typeof sk === 'string' ? Buffer.byteLength(sk) : 0) +
  (typeof display === 'string' ? 11 + Buffer.byteLength(JSON.stringify(display)) : 0);

/** Thrown inside the adapter when a transaction was cancelled for a reason the caller must decide on. */
class TransactionCancelled extends Error {
  constructor(readonly reason: CancellationCause) {
    super(`transaction cancelled: ${reason.kind}`);
  }
}

/** `entry` merged into an earlier entry for the same id: a display given wins, none keeps the earlier one. */
const mergedEntry = (earlier: MemberEntry | undefined, entry: MemberEntry): MemberEntry =>
  earlier?.display !== undefined && entry.display === undefined
    ? { value: entry.value, display: earlier.display }
    : entry;

/** One entry per id, in first-seen order, merged as a repeated add merges. */
const distinctMembers = (entries: readonly MemberEntry[]): MemberEntry[] => {
  const byId = new Map<string, MemberEntry>();
  for (const entry of entries) byId.set(entry.value, mergedEntry(byId.get(entry.value), entry));
  return [...byId.values()];
};

/** The members of a POST/PUT body: ids and the display sent with each, if any. */
const membersOf = (group: JsonObject): MemberEntry[] => {
  const key = Object.keys(group).find((name) => name.toLowerCase() === 'members');
  const members = key === undefined ? undefined : group[key];
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw ScimError.invalidValue('members must be an array.');
  return distinctMembers(
    members.map((member) => {
      const value = isJsonObject(member) ? member.value : undefined;
      if (typeof value !== 'string') throw ScimError.invalidValue('Every member needs a string value.');
      const display = isJsonObject(member) ? member.display : undefined;
      return typeof display === 'string' ? { value, display } : { value };
    }),
  );
};

const idsOf = (members: readonly MemberEntry[]): string[] => members.map((member) => member.value);

/**
 * What a group write knows about the users it adds: which exist, and the member items read so far
 * (id -> the stored member, or null when the user is not a member; ids not read are absent).
 */
interface AddedUsers {
  readonly existing: Set<string>;
  readonly memberItems: Map<string, MemberEntry | null>;
}

const putMembers = (tenantId: string, groupId: string, members: readonly MemberEntry[]): WriteRequest[] =>
  members.map((member) => putMembershipRequest(tenantId, groupId, member.value, member.display));

interface Page {
  readonly items: Record<string, unknown>[];
  readonly lastKey?: Record<string, unknown>;
}

export class DynamoDbScimRepository implements ScimRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly maxFilterScanItems: number;
  private readonly maxMemberResponseBytes: number;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly random: () => number;
  private readonly sleep: (milliseconds: number) => Promise<void>;

  constructor(options: DynamoDbRepositoryOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxFilterScanItems = options.maxFilterScanItems ?? DEFAULT_MAX_FILTER_SCAN_ITEMS;
    this.maxMemberResponseBytes = options.maxMemberResponseBytes ?? DEFAULT_MAX_MEMBER_RESPONSE_BYTES;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? defaultSleep;
  }

  // ---- Users -------------------------------------------------------------------------------------

  createUser(tenantId: string, user: JsonObject): Promise<ScimResource> {
    return this.createResource(tenantId, 'User', user);
  }

  async getUser(
    tenantId: string,
    id: string,
    options: { readonly includeGroups?: boolean } = {},
  ): Promise<ScimResource | undefined> {
    if (!isResourceId(id)) return undefined;
    const [item, groupIds] = await Promise.all([
      this.getResourceItem(tenantId, 'User', id),
      options.includeGroups === true ? this.groupIdsOfUser(tenantId, id) : Promise.resolve(undefined),
    ]);
    if (item === undefined) return undefined;
    const user = fromItem(item);
    return groupIds === undefined ? user : withGroups(user, await this.existingGroups(tenantId, groupIds));
  }

  /**
   * The ids of `groupIds` whose group still exists (one BatchGet, O(groups of the user)): a member
   * clean-up that failed after its group's delete committed, or a member write racing that delete, can
   * leave a member item behind.
   */
  private async existingGroups(tenantId: string, groupIds: readonly string[]): Promise<string[]> {
    const valid = groupIds.filter(isResourceId);
    if (valid.length === 0) return [];
    const items = await this.batchGet(
      valid.map((groupId) => resourceKey(tenantId, 'Group', groupId)),
      ['sk'],
    );
    const existing = new Set(
      items.flatMap(({ sk }) => (typeof sk === 'string' ? [idFromResourceSortKey('Group', sk)] : [])),
    );
    return valid.filter((groupId) => existing.has(groupId));
  }

  replaceUser(
    tenantId: string,
    id: string,
    user: JsonObject,
    options: UpdateOptions = {},
  ): Promise<ScimResource> {
    return this.updateUser(
      tenantId,
      id,
      (current) => ({ resource: { ...user, schemas: schemasOf(user, current), id }, changed: true }),
      options,
    );
  }

  async updateUser(
    tenantId: string,
    id: string,
    mutate: UserMutation,
    options: UpdateOptions = {},
  ): Promise<ScimResource> {
    const { item } = await this.updateResource(tenantId, 'User', id, options, (current) =>
      Promise.resolve(mutate(current)),
    );
    return fromItem(item);
  }

  async deleteUser(tenantId: string, id: string, options: WriteOptions = {}): Promise<void> {
    await this.deleteResource(tenantId, 'User', id, options, async () => {
      // The byMember index is eventually consistent: a membership written within its lag (typically
      // under a second) before this delete can be missed and stay as an orphan member item (see
      // docs/data-model.md, "Consistency of the byMember index").
      const groupIds = await this.groupIdsOfUser(tenantId, id);
      return groupIds.map((groupId) => deleteMembershipRequest(tenantId, groupId, id));
    });
  }

  async findUsers(tenantId: string, query: FindQuery): Promise<FindResult> {
    const result = await this.find(tenantId, 'User', query, false);
    if (query.includeGroups !== true) return result;
    // As getUser: a Query of each user's member items in the byMember index, then only the groups that still exist.
    const resources = await mapLimit(result.resources, BULK_CONCURRENCY, async (user) =>
      withGroups(user, await this.existingGroups(tenantId, await this.groupIdsOfUser(tenantId, user.id))),
    );
    return { ...result, resources };
  }

  // ---- Groups ------------------------------------------------------------------------------------

  async createGroup(tenantId: string, group: JsonObject): Promise<ScimResource> {
    const members = membersOf(group);
    await this.assertUsersExist(tenantId, idsOf(members));
    const created = await this.createResource(tenantId, 'Group', group, (id) =>
      putMembers(tenantId, id, members),
    );
    return members.length === 0 ? created : withMembers(created, members);
  }

  async getGroup(
    tenantId: string,
    id: string,
    options: { readonly includeMembers: boolean },
  ): Promise<ScimResource | undefined> {
    if (!isResourceId(id)) return undefined;
    const [item, members] = await Promise.all([
      this.getResourceItem(tenantId, 'Group', id),
      options.includeMembers
        ? this.membersOfGroup(tenantId, id, this.memberResponseBudget('The group'))
        : Promise.resolve(undefined),
    ]);
    if (item === undefined) return undefined;
    const group = fromItem(item);
    return members === undefined ? group : withMembers(group, members);
  }

  async replaceGroup(
    tenantId: string,
    id: string,
    group: JsonObject,
    options: UpdateOptions = {},
  ): Promise<ScimResource> {
    const members = membersOf(group);
    const updated = await this.writeGroup(
      tenantId,
      id,
      (current) => ({
        resource: { ...storableBody('Group', group), schemas: schemasOf(group, current), id },
        changed: true,
        members: { removeAll: true, add: members, remove: [] },
      }),
      options,
      // A replace reads the current members anyway: only the users' existence is checked up front.
      { users: idsOf(members), memberItems: [] },
    );
    return withMembers(updated, members);
  }

  updateGroup(
    tenantId: string,
    id: string,
    plan: GroupPlanner,
    options: GroupUpdateOptions = {},
  ): Promise<ScimResource> {
    const hint = options.memberIdsHint ?? [];
    return this.writeGroup(tenantId, id, plan, options, { users: hint, memberItems: hint });
  }

  private async writeGroup(
    tenantId: string,
    id: string,
    plan: GroupPlanner,
    options: UpdateOptions,
    hint: { readonly users: readonly string[]; readonly memberItems: readonly string[] },
  ): Promise<ScimResource> {
    // The users the request names, and their member items, are read in the same round as the group.
    const known: AddedUsers = { existing: new Set(), memberItems: new Map() };
    const hintRead = this.readAddedUsers(tenantId, id, hint.users, hint.memberItems, known);
    const { item } = await this.updateResource(
      tenantId,
      'Group',
      id,
      options,
      async (current) => {
        const result: GroupPlan = plan(current);
        const requests = await this.membershipRequests(tenantId, id, result.members, known);
        return {
          resource: result.resource,
          changed: result.changed || requests.length > 0,
          memberRequests: requests,
        };
      },
      hintRead,
    );
    return fromItem(item);
  }

  async deleteGroup(tenantId: string, id: string, options: WriteOptions = {}): Promise<void> {
    await this.deleteResource(tenantId, 'Group', id, options, async () => {
      // Member clean-up grows with the group (documented); it runs after the group's own delete.
      const members = await this.membersOfGroup(tenantId, id, unbounded());
      return members.map((member) => deleteMembershipRequest(tenantId, id, member.value));
    });
  }

  findGroups(tenantId: string, query: FindGroupsQuery): Promise<FindResult> {
    return this.find(tenantId, 'Group', query, query.includeMembers === true);
  }

  // ---- Tenants -----------------------------------------------------------------------------------

  async getTenant(tenantId: string): Promise<TenantMetadata | undefined> {
    const raw = await this.getItem(tenantKey(tenantId));
    if (raw === undefined) return undefined;
    const { createdAt, displayName } = raw;
    if (typeof createdAt !== 'string') throw ScimError.unavailable('The store returned a malformed item.');
    return { tenantId, createdAt, ...(typeof displayName === 'string' ? { displayName } : {}) };
  }

  async putTenant(metadata: TenantMetadata): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...tenantKey(metadata.tenantId),
            tenantId: metadata.tenantId,
            createdAt: metadata.createdAt,
            ...(metadata.displayName === undefined ? {} : { displayName: metadata.displayName }),
          },
          ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
        }),
      ),
    );
  }

  // ---- Writes ------------------------------------------------------------------------------------

  private async createResource(
    tenantId: string,
    type: ResourceTypeName,
    body: JsonObject,
    memberRequests: (id: string) => WriteRequest[] = () => [],
  ): Promise<ScimResource> {
    const id = this.newId();
    const timestamp = this.now().toISOString();
    const item = toItem(tenantId, type, id, body, {
      version: 1,
      created: timestamp,
      lastModified: timestamp,
    });
    const actions = [
      putResourceAction(this.tableName, item, undefined),
      ...lookupActions(this.tableName, tenantId, type, id, NO_INDEX, indexValues(type, body)),
      counterAction(this.tableName, tenantId, type, this.shard(), 1),
    ];
    // A group's members are written with it when they fit in the transaction, else once it has committed
    // (a 409 on the displayName must write no member).
    const { transaction, afterCommit } = groupWritePlan(this.tableName, actions, memberRequests(id));
    try {
      await this.transact(transaction);
    } catch (error) {
      throw this.cancellationToScimError(error, type);
    }
    await this.writeMemberships(afterCommit);
    return fromItem(item);
  }

  /**
   * Read, apply, write conditionally on the version read; on a concurrent change, again (bounded). The
   * membership writes of a group plan go in that transaction when they fit (groupWritePlan), else follow
   * its commit; they are idempotent puts/deletes.
   */
  private async updateResource(
    tenantId: string,
    type: ResourceTypeName,
    id: string,
    options: UpdateOptions,
    apply: (
      current: ScimResource,
    ) => Promise<{ resource: ScimResource; changed: boolean; memberRequests?: WriteRequest[] }>,
    parallelRead?: Promise<void>,
  ): Promise<{ item: ResourceItem }> {
    const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    if (!isResourceId(id)) throw ScimError.notFound(`${type} ${id} not found.`);
    return this.retryOnVersionConflict(type, maxAttempts, async () => {
      const [stored] = await Promise.all([this.getResourceItem(tenantId, type, id), parallelRead]);
      if (stored === undefined) throw ScimError.notFound(`${type} ${id} not found.`);
      if (options.ifMatch !== undefined && !ifMatchAccepts(options.ifMatch, stored.version)) {
        throw ScimError.preconditionFailed(
          `The ${type} has changed: its version is now W/"${stored.version}".`,
        );
      }
      const current = fromItem(stored);
      const result = await apply(current);
      const memberRequests = result.memberRequests ?? [];
      if (!result.changed) return { item: stored };
      const body = storableBody(type, result.resource);
      const item = toItem(tenantId, type, id, body, {
        version: stored.version + 1,
        created: stored.created,
        lastModified: this.now().toISOString(),
      });
      const actions = [
        putResourceAction(this.tableName, item, stored.version),
        ...lookupActions(
          this.tableName,
          tenantId,
          type,
          id,
          indexValues(type, current),
          indexValues(type, body),
        ),
      ];
      // A rejected write (409, 412, a lost race, a concurrent delete) must change no membership: the
      // memberships ride in the version-checked transaction when they fit, else follow its commit. A
      // member write failing after the commit answers 503 and the client's retry completes it (member
      // puts/deletes are idempotent).
      const { transaction, afterCommit } = groupWritePlan(this.tableName, actions, memberRequests);
      await this.transact(transaction);
      await this.writeMemberships(afterCommit);
      return { item };
    });
  }

  private async deleteResource(
    tenantId: string,
    type: ResourceTypeName,
    id: string,
    options: WriteOptions,
    cleanUp: () => Promise<WriteRequest[]>,
  ): Promise<void> {
    if (!isResourceId(id)) throw ScimError.notFound(`${type} ${id} not found.`);
    const requests = await this.retryOnVersionConflict(type, DEFAULT_MAX_ATTEMPTS, async () => {
      // The memberships are read with the resource; they are deleted only once its delete has committed,
      // so a delete that fails (412, a lost race) leaves every membership in place.
      const [stored, cleanUpRequests] = await Promise.all([
        this.getResourceItem(tenantId, type, id),
        cleanUp(),
      ]);
      if (stored === undefined) throw ScimError.notFound(`${type} ${id} not found.`);
      if (options.ifMatch !== undefined && !ifMatchAccepts(options.ifMatch, stored.version)) {
        throw ScimError.preconditionFailed(
          `The ${type} has changed: its version is now W/"${stored.version}".`,
        );
      }
      const actions = [
        deleteResourceAction(this.tableName, stored, stored.version),
        ...lookupActions(this.tableName, tenantId, type, id, indexValues(type, fromItem(stored)), NO_INDEX),
        counterAction(this.tableName, tenantId, type, this.shard(), -1),
      ];
      await this.transact(actions);
      return cleanUpRequests;
    });
    // A clean-up that fails here answers 503 and leaves member items of a resource that is gone:
    // getUser drops groups that no longer exist, and a deleted group's member items are never read again.
    await this.writeMemberships(requests);
  }

  /**
   * Runs one optimistic attempt (read, decide, write conditionally on the version read) again while a
   * concurrent write beats it, at most `maxAttempts` times: no update is lost and none waits forever.
   */
  private async retryOnVersionConflict<T>(
    type: ResourceTypeName,
    maxAttempts: number,
    runAttempt: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        return await runAttempt();
      } catch (error) {
        // Reads and writes already throw ScimErrors; only a cancelled transaction needs a meaning here.
        if (!(error instanceof TransactionCancelled)) throw error;
        if (error.reason.kind !== 'version') throw this.cancellationToScimError(error, type);
        await this.backoff(attempt);
      }
    }
    throw ScimError.unavailable(`Too many concurrent changes to this ${type}; please retry.`, 1);
  }

  /**
   * The batch writes for a group plan: O(changed members), except removeAll, which reads the members.
   * A Put replaces the whole member item, so an add without a display that keeps the member's stored one
   * needs that item read: in the round of the group read when hinted, else with the users' check.
   */
  private async membershipRequests(
    tenantId: string,
    groupId: string,
    changes: MemberChanges,
    known: AddedUsers,
  ): Promise<WriteRequest[]> {
    const add = distinctMembers(changes.add);
    const addIds = new Set(idsOf(add));
    if (changes.removeAll) {
      // Everything is added afresh: write the members that are new or whose display changed.
      const current = await this.membersOfGroup(tenantId, groupId, unbounded());
      const stored = new Map(current.map((member) => [member.value, member]));
      const newIds = idsOf(add.filter((member) => !stored.has(member.value)));
      await this.assertUsersExist(
        tenantId,
        newIds.filter((userId) => !known.existing.has(userId)),
      );
      return [
        ...putMembers(
          tenantId,
          groupId,
          add.filter(
            (member) => !stored.has(member.value) || stored.get(member.value)?.display !== member.display,
          ),
        ),
        ...current
          .filter((member) => !addIds.has(member.value))
          .map((member) => deleteMembershipRequest(tenantId, groupId, member.value)),
      ];
    }
    const removed = new Set(changes.remove);
    const keepingDisplay = add.filter((member) => member.display === undefined && !removed.has(member.value));
    await this.readAddedUsers(
      tenantId,
      groupId,
      [...addIds].filter((userId) => !known.existing.has(userId)),
      idsOf(keepingDisplay).filter((userId) => !known.memberItems.has(userId)),
      known,
    );
    const unknown = [...addIds].filter((userId) => !known.existing.has(userId));
    if (unknown.length > 0) throw unknownMembers(unknown);
    const kept = add.map((member) =>
      member.display === undefined && !removed.has(member.value)
        ? mergedEntry(known.memberItems.get(member.value) ?? undefined, member)
        : member,
    );
    return [
      ...putMembers(tenantId, groupId, kept),
      ...[...removed]
        .filter((userId) => !addIds.has(userId))
        .map((userId) => deleteMembershipRequest(tenantId, groupId, userId)),
    ];
  }

  private cancellationToScimError(error: unknown, type: ResourceTypeName): ScimError {
    if (error instanceof TransactionCancelled) {
      if (error.reason.kind === 'unique') {
        return ScimError.uniqueness(`Another ${type} already has this ${error.reason.attribute}.`);
      }
      if (error.reason.kind === 'invalid') {
        return ScimError.invalidValue(`The ${type} is too large to be stored.`);
      }
      return ScimError.unavailable('The store is busy, please retry later.', 1);
    }
    return toScimError(error);
  }

  /** Sends a transaction, retrying conflicts with other transactions; other cancellations are thrown. */
  private async transact(actions: readonly TaggedAction[]): Promise<void> {
    const meanings = actions.map(({ meaning }) => meaning);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.client.send(new TransactWriteCommand(transactInput(actions)));
        return;
      } catch (error) {
        const cause = cancellationCause(error, meanings);
        if (cause === undefined) throw toScimError(error);
        if (cause.kind === 'retry' && attempt < MAX_BATCH_ATTEMPTS) {
          await this.backoff(attempt);
          continue;
        }
        throw new TransactionCancelled(cause);
      }
    }
  }

  /** BatchWriteItem in chunks of 25, in parallel, retrying unprocessed items with backoff. */
  private async writeMemberships(requests: readonly WriteRequest[]): Promise<void> {
    if (requests.length === 0) return;
    await mapLimit(batchWriteInputs(this.tableName, requests), BULK_CONCURRENCY, (input) =>
      this.batchWrite(input),
    );
  }

  private async batchWrite(input: BatchWriteCommandInput): Promise<void> {
    let pending = input;
    for (let attempt = 1; attempt <= MAX_BATCH_ATTEMPTS; attempt += 1) {
      const output = await this.call(() => this.client.send(new BatchWriteCommand(pending)));
      const unprocessed = output.UnprocessedItems?.[this.tableName] ?? [];
      if (unprocessed.length === 0) return;
      pending = { ...pending, RequestItems: { [this.tableName]: unprocessed } };
      await this.backoff(attempt);
    }
    throw ScimError.unavailable('The store is busy, please retry later.');
  }

  // ---- Reads -------------------------------------------------------------------------------------

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toScimError(error);
    }
  }

  private async getItem(key: TableKey): Promise<Record<string, unknown> | undefined> {
    const output = await this.call(() =>
      this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: key.pk, sk: key.sk },
          ConsistentRead: true,
          ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
        }),
      ),
    );
    return output.Item;
  }

  private async getResourceItem(
    tenantId: string,
    type: ResourceTypeName,
    id: string,
  ): Promise<ResourceItem | undefined> {
    const raw = await this.getItem(resourceKey(tenantId, type, id));
    return raw === undefined ? undefined : asResourceItem(raw);
  }

  /** Strongly consistent BatchGetItem of any number of keys, retrying unprocessed keys. */
  private async batchGet(
    keys: readonly TableKey[],
    projection?: readonly string[],
  ): Promise<Record<string, unknown>[]> {
    const results = await mapLimit(
      batchGetInputs(this.tableName, keys, projection),
      BULK_CONCURRENCY,
      async (input) => {
        const items: Record<string, unknown>[] = [];
        let pending = input;
        for (let attempt = 1; attempt <= MAX_BATCH_ATTEMPTS; attempt += 1) {
          const output = await this.call(() => this.client.send(new BatchGetCommand(pending)));
          items.push(...(output.Responses?.[this.tableName] ?? []));
          const unprocessed = output.UnprocessedKeys?.[this.tableName];
          if (unprocessed?.Keys === undefined || unprocessed.Keys.length === 0) return items;
          pending = { ...pending, RequestItems: { [this.tableName]: unprocessed } };
          await this.backoff(attempt);
        }
        throw ScimError.unavailable('The store is busy, please retry later.');
      },
    );
    return results.flat();
  }

  private async queryPage(input: QueryCommandInput): Promise<Page> {
    const output = await this.call(() => this.client.send(new QueryCommand(input)));
    return {
      items: output.Items ?? [],
      ...(output.LastEvaluatedKey ? { lastKey: output.LastEvaluatedKey } : {}),
    };
  }

  /** Every item of a partition, page by page, each page spending `measure(item)` per item of `budget`. */
  private async queryAll(
    input: QueryCommandInput,
    budget: Budget,
    measure: (item: Record<string, unknown>) => number = countOne,
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.queryPage(start === undefined ? input : { ...input, ExclusiveStartKey: start });
      budget.spend(page.items.reduce((sum, item) => sum + measure(item), 0));
      items.push(...page.items);
      start = page.lastKey;
    } while (start !== undefined);
    return items;
  }

  /** The member bytes one response may carry (shared by every group of a listing). */
  private memberResponseBudget(subject: string): Budget {
    const limit = this.maxMemberResponseBytes;
    return new Budget(limit, () =>
      ScimError.tooMany(
        `${subject} has more members than fit in one response (over ${limit} bytes of members); ask with excludedAttributes=members.`,
      ),
    );
  }

  /**
   * Reads, in one strongly consistent BatchGet, which of `userIds` are users of the tenant and the member
   * items of `memberIds` in the group, into `known`.
   */
  private async readAddedUsers(
    tenantId: string,
    groupId: string,
    userIds: readonly string[],
    memberIds: readonly string[],
    known: AddedUsers,
  ): Promise<void> {
    const users = [...new Set(userIds)].filter(isResourceId);
    const members = [...new Set(memberIds)].filter(isResourceId);
    if (users.length === 0 && members.length === 0) return;
    const usersPk = resourcePartition(tenantId, 'User');
    const items = await this.batchGet(
      [
        ...users.map((userId) => resourceKey(tenantId, 'User', userId)),
        ...members.map((userId) => memberKey(tenantId, groupId, userId)),
      ],
      ['pk', 'sk', 'display'],
    );
    for (const userId of members) known.memberItems.set(userId, null);
    for (const { pk, sk, display } of items) {
      if (typeof sk !== 'string') continue;
      if (pk === usersPk) known.existing.add(idFromResourceSortKey('User', sk));
      else known.memberItems.set(sk, typeof display === 'string' ? { value: sk, display } : { value: sk });
    }
  }

  /** Members must be users of the same tenant: unknown ids -> 400 invalidValue naming them. */
  private async assertUsersExist(tenantId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const known: AddedUsers = { existing: new Set(), memberItems: new Map() };
    await this.readAddedUsers(tenantId, '', ids, [], known);
    const unknown = [...new Set(ids)].filter((id) => !known.existing.has(id));
    if (unknown.length > 0) throw unknownMembers(unknown);
  }

  /** Every member of a group; with a response budget, each member spends the bytes it takes in JSON. */
  private async membersOfGroup(
    tenantId: string,
    groupId: string,
    budget: Budget,
    measure: (item: Record<string, unknown>) => number = memberJsonBytes,
  ): Promise<MemberEntry[]> {
    const items = await this.queryAll(
      partitionQuery(this.tableName, memberPartition(tenantId, groupId), { projection: ['sk', 'display'] }),
      budget,
      measure,
    );
    return items.flatMap(({ sk, display }) =>
      typeof sk !== 'string' ? [] : [typeof display === 'string' ? { value: sk, display } : { value: sk }],
    );
  }

  private async groupIdsOfUser(
    tenantId: string,
    userId: string,
    budget: Budget = unbounded(),
  ): Promise<string[]> {
    const items = await this.queryAll(memberIndexQuery(this.tableName, tenantId, userId), budget);
    return items.flatMap((item) => {
      const groupId = item[MEMBER_INDEX.sortKey.name];
      return typeof groupId === 'string' ? [groupId] : [];
    });
  }

  // ---- Listing -----------------------------------------------------------------------------------

  private async find(
    tenantId: string,
    type: ResourceTypeName,
    query: FindQuery,
    includeMembers: boolean,
  ): Promise<FindResult> {
    const count = Math.min(Math.max(0, Math.floor(query.count ?? MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
    const startIndex = Math.max(1, Math.floor(query.startIndex ?? 1));
    const cursor = query.cursor === undefined ? undefined : { position: decodeCursor(query.cursor) };
    const result =
      query.filter === undefined
        ? await this.listAll(tenantId, type, count, startIndex, cursor)
        : await this.listFiltered(tenantId, type, query.filter, count, startIndex, cursor);
    if (!includeMembers || type !== 'Group') return result;
    // One budget for the whole page: many groups of moderate size overflow the 6 MB answer as one big one does.
    const budget = this.memberResponseBudget('This page of groups');
    const resources = await mapLimit(result.resources, BULK_CONCURRENCY, async (group) =>
      withMembers(group, await this.membersOfGroup(tenantId, group.id, budget)),
    );
    return { ...result, resources };
  }

  private async totalOf(tenantId: string, type: ResourceTypeName): Promise<number> {
    const page = await this.queryPage(
      partitionQuery(this.tableName, counterPartition(tenantId), {
        sortKeyPrefix: counterSortKeyPrefix(type),
      }),
    );
    const total = page.items.reduce(
      (sum, item) => sum + (typeof item.count === 'number' ? item.count : 0),
      0,
    );
    return Math.max(0, total);
  }

  private resourcesOf(items: readonly Record<string, unknown>[]): ScimResource[] {
    return items.map((raw) => fromItem(asResourceItem(raw)));
  }

  /** No filter: one Query of the type's partition per page, in id order. */
  private async listAll(
    tenantId: string,
    type: ResourceTypeName,
    count: number,
    startIndex: number,
    cursor: { position: Cursor | undefined } | undefined,
  ): Promise<FindResult> {
    const pk = resourcePartition(tenantId, type);
    if (cursor !== undefined) {
      const [totalResults, page] = await Promise.all([
        this.totalOf(tenantId, type),
        this.cursorPage(tenantId, type, pk, count, cursor.position),
      ]);
      return { totalResults, startIndex: 1, ...page };
    }
    const total = this.totalOf(tenantId, type);
    const [totalResults, start] = await Promise.all([
      total,
      this.indexStart(tenantId, type, startIndex, total),
    ]);
    if (count === 0 || startIndex > totalResults) return { resources: [], totalResults, startIndex };
    const page = await this.queryPage(
      partitionQuery(this.tableName, pk, { limit: count, ...(start ? { after: start } : {}) }),
    );
    const resources = this.resourcesOf(page.items);
    const last = resources.at(-1);
    if (last !== undefined && resources.length === count) {
      await this.rememberPageEnd(tenantId, type, startIndex + count, last.id);
    }
    return { resources, totalResults, startIndex };
  }

  /**
   * Where the page at `startIndex` begins: a remembered page end, else by reading past startIndex - 1 keys,
   * unless `total` (read in the same round as the marker) says there is nothing at startIndex.
   */
  private async indexStart(
    tenantId: string,
    type: ResourceTypeName,
    startIndex: number,
    total: Promise<number>,
  ): Promise<TableKey | undefined> {
    if (startIndex === 1) return undefined;
    const marker = await this.getItem(pageMarkerKey(tenantId, type, startIndex));
    const nowSeconds = Math.floor(this.now().getTime() / 1000);
    if (
      marker &&
      typeof marker.lastId === 'string' &&
      typeof marker.ttl === 'number' &&
      marker.ttl > nowSeconds
    ) {
      return resourceKey(tenantId, type, marker.lastId);
    }
    // Past the end: nothing to skip to (the caller answers an empty page).
    if (startIndex > (await total)) return undefined;
    // A jump to an arbitrary index: skip startIndex - 1 keys (O(startIndex), documented).
    let remaining = startIndex - 1;
    let after: TableKey | undefined;
    while (remaining > 0) {
      const page = await this.queryPage(
        partitionQuery(this.tableName, resourcePartition(tenantId, type), {
          limit: Math.min(remaining, 1000),
          projection: ['pk', 'sk'],
          ...(after ? { after } : {}),
        }),
      );
      const lastItem = page.items.at(-1);
      if (lastItem === undefined || typeof lastItem.sk !== 'string' || typeof lastItem.pk !== 'string')
        return after ?? { pk: resourcePartition(tenantId, type), sk: '\uffff' };
      after = { pk: lastItem.pk, sk: lastItem.sk };
      remaining -= page.items.length;
      if (page.lastKey === undefined && remaining > 0) return { pk: lastItem.pk, sk: '\uffff' };
    }
    return after;
  }

  private async rememberPageEnd(
    tenantId: string,
    type: ResourceTypeName,
    nextStartIndex: number,
    lastId: string,
  ): Promise<void> {
    await this.call(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...pageMarkerKey(tenantId, type, nextStartIndex),
            lastId,
            ttl: Math.floor(this.now().getTime() / 1000) + PAGE_MARKER_TTL_SECONDS,
          },
          ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
        }),
      ),
    );
  }

  private async cursorPage(
    tenantId: string,
    type: ResourceTypeName,
    pk: string,
    count: number,
    position: Cursor | undefined,
  ): Promise<Pick<FindResult, 'resources' | 'nextCursor' | 'previousCursor'>> {
    if (count === 0) return { resources: [] };
    const backwards = position !== undefined && 'before' in position;
    const anchor =
      position === undefined ? undefined : 'before' in position ? position.before : position.after;
    const page = await this.queryPage(
      partitionQuery(this.tableName, pk, {
        limit: count + 1,
        backwards,
        ...(anchor === undefined ? {} : { after: resourceKey(tenantId, type, anchor) }),
      }),
    );
    const items = this.resourcesOf(page.items);
    const more = items.length > count;
    const resources = backwards ? items.slice(0, count).reverse() : items.slice(0, count);
    return cursorsFor(resources, {
      hasNext: backwards ? true : more,
      hasPrevious: backwards ? more : position !== undefined,
    });
  }

  /** A filter: candidates from a lookup when one applies, else the tenant's items up to a bound. */
  private async listFiltered(
    tenantId: string,
    type: ResourceTypeName,
    filter: Filter,
    count: number,
    startIndex: number,
    cursor: { position: Cursor | undefined } | undefined,
  ): Promise<FindResult> {
    const predicate = compileFilter(filter, SCHEMAS[type]);
    const plan = lookupPlan(type, filter);
    // One read budget for the request: resources scanned and membership items read, all partitions.
    const budget = this.filterScanBudget(type);
    let candidates =
      plan === undefined
        ? await this.scanAll(tenantId, type, budget)
        : await this.lookup(tenantId, type, plan);
    if (needsMemberships(type, filter)) {
      candidates = await this.withMembershipsToTest(tenantId, type, filter, candidates, budget);
    }
    const strip = needsMemberships(type, filter)
      ? (resource: ScimResource): ScimResource => withoutComputed(type, resource)
      : (resource: ScimResource) => resource;
    const matches = candidates
      .filter((resource) => predicate(resource))
      .map(strip)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const totalResults = matches.length;
    if (cursor === undefined) {
      return { resources: matches.slice(startIndex - 1, startIndex - 1 + count), totalResults, startIndex };
    }
    const position = cursor.position;
    if (position === undefined) {
      const resources = matches.slice(0, count);
      return {
        totalResults,
        startIndex: 1,
        ...cursorsFor(resources, { hasNext: matches.length > count, hasPrevious: false }),
      };
    }
    if ('after' in position) {
      const rest = matches.filter((resource) => resource.id > position.after);
      const resources = rest.slice(0, count);
      return {
        totalResults,
        startIndex: 1,
        ...cursorsFor(resources, { hasNext: rest.length > count, hasPrevious: true }),
      };
    }
    const before = matches.filter((resource) => resource.id < position.before);
    const resources = before.slice(Math.max(0, before.length - count));
    return {
      totalResults,
      startIndex: 1,
      ...cursorsFor(resources, { hasNext: true, hasPrevious: before.length > count }),
    };
  }

  private async scanAll(tenantId: string, type: ResourceTypeName, budget: Budget): Promise<ScimResource[]> {
    const items = await this.queryAll(
      partitionQuery(this.tableName, resourcePartition(tenantId, type)),
      budget,
    );
    return this.resourcesOf(items);
  }

  /**
   * The candidates with the membership attribute the filter tests. A Group filter that only asks whether
   * given ids are members reads those member keys (BatchGet, candidates x ids keys); any other reads each
   * candidate's whole member partition (or, for User.groups, its member items in the byMember index). Every item read spends the request's budget.
   */
  private async withMembershipsToTest(
    tenantId: string,
    type: ResourceTypeName,
    filter: Filter,
    candidates: readonly ScimResource[],
    budget: Budget,
  ): Promise<ScimResource[]> {
    const tested = type === 'Group' ? testedMemberIds(filter) : undefined;
    if (tested !== undefined) {
      // Stored ids are lower-case uuids: read the lower-cased key; the evaluator then decides the match
      // with the schema's caseExact, exactly as on the whole member list.
      const ids = [...new Set(tested.map((id) => id.toLowerCase()))].filter(isResourceId);
      const keys = candidates.flatMap((group) => ids.map((userId) => memberKey(tenantId, group.id, userId)));
      budget.spend(keys.length);
      const items = keys.length === 0 ? [] : await this.batchGet(keys, ['pk', 'sk', 'display']);
      const byPartition = new Map<string, MemberEntry[]>();
      for (const { pk, sk, display } of items) {
        if (typeof pk !== 'string' || typeof sk !== 'string') continue;
        const entry = typeof display === 'string' ? { value: sk, display } : { value: sk };
        const entries = byPartition.get(pk) ?? [];
        entries.push(entry);
        byPartition.set(pk, entries);
      }
      return candidates.map((group) =>
        withMembers(group, byPartition.get(memberPartition(tenantId, group.id)) ?? []),
      );
    }
    return mapLimit(candidates, BULK_CONCURRENCY, async (resource) =>
      type === 'Group'
        ? withMembers(resource, await this.membersOfGroup(tenantId, resource.id, budget, countOne))
        : withGroups(resource, await this.groupIdsOfUser(tenantId, resource.id, budget)),
    );
  }

  private async lookup(tenantId: string, type: ResourceTypeName, plan: LookupPlan): Promise<ScimResource[]> {
    const ids = await this.lookupIds(tenantId, type, plan);
    const valid = [...new Set(ids)].filter(isResourceId);
    if (valid.length === 0) return [];
    if (valid.length === 1) {
      const item = await this.getResourceItem(tenantId, type, valid[0]);
      return item === undefined ? [] : [fromItem(item)];
    }
    if (valid.length > this.maxFilterScanItems) {
      throw ScimError.tooMany(`This filter matches more than ${this.maxFilterScanItems} resources.`);
    }
    return this.resourcesOf(await this.batchGet(valid.map((id) => resourceKey(tenantId, type, id))));
  }

  private async lookupIds(tenantId: string, type: ResourceTypeName, plan: LookupPlan): Promise<string[]> {
    switch (plan.kind) {
      case 'id':
        return [plan.value];
      case 'unique': {
        const item = await this.getItem(uniqueKey(tenantId, type, plan.attribute, plan.value));
        return typeof item?.id === 'string' ? [item.id] : [];
      }
      case 'externalId': {
        // Reads `id`, not `sk`: a lookup item of the earlier unique layout (sk UNIQUE) is still found; a
        // stale one only adds a candidate that the filter then rejects.
        const items = await this.queryAll(
          partitionQuery(this.tableName, externalIdPartition(tenantId, type, plan.value), {
            projection: ['id'],
          }),
          new Budget(this.maxFilterScanItems, () =>
            ScimError.tooMany(`This filter matches more than ${this.maxFilterScanItems} ${type} resources.`),
          ),
        );
        return items.flatMap((item) => (typeof item.id === 'string' ? [item.id] : []));
      }
      case 'email': {
        const items = await this.queryAll(
          partitionQuery(this.tableName, emailPartition(tenantId, plan.value), { projection: ['sk'] }),
          new Budget(this.maxFilterScanItems, () =>
            ScimError.tooMany(`This filter matches more than ${this.maxFilterScanItems} users.`),
          ),
        );
        return items.flatMap((item) => (typeof item.sk === 'string' ? [item.sk] : []));
      }
      case 'memberOf': {
        // Stored ids are lower-case: an upper-cased id finds its candidates; the evaluator decides.
        const userId = plan.userId.toLowerCase();
        return isResourceId(userId) ? this.groupIdsOfUser(tenantId, userId) : [];
      }
    }
  }

  // ---- Helpers -----------------------------------------------------------------------------------

  /** The items a filter no lookup serves may read, all partitions together. */
  private filterScanBudget(type: ResourceTypeName): Budget {
    const limit = this.maxFilterScanItems;
    return new Budget(limit, () =>
      ScimError.tooMany(
        `This filter needs more than ${limit} items to be read; filter by id, externalId, ${
          type === 'User' ? 'userName or emails' : 'displayName or members[value eq]'
        } eq instead.`,
      ),
    );
  }

  private shard(): number {
    return Math.floor(this.random() * COUNTER_SHARDS) % COUNTER_SHARDS;
  }

  /** Exponential backoff with full jitter: 10 ms, 20 ms, ... capped at 500 ms. */
  private backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(500, 10 * 2 ** (attempt - 1));
    return this.sleep(Math.floor(this.random() * ceiling) + 1);
  }
}

const schemasOf = (input: JsonObject, current: ScimResource): string[] =>
  Array.isArray(input.schemas)
    ? input.schemas.filter((schema) => typeof schema === 'string')
    : current.schemas;

const withMembers = (group: ScimResource, members: readonly MemberEntry[]): ScimResource => ({
  ...group,
  members: members.map(({ value, display }) => ({
    value,
    type: 'User',
    ...(display === undefined ? {} : { display }),
  })),
});

const unknownMembers = (ids: readonly string[]): ScimError => {
  const shown = ids.slice(0, 20).join(', ');
  const more = ids.length > 20 ? ` and ${ids.length - 20} more` : '';
  return ScimError.invalidValue(`No users with these member ids exist: ${shown}${more}.`);
};

const withGroups = (user: ScimResource, groupIds: readonly string[]): ScimResource =>
  groupIds.length === 0 ? user : { ...user, groups: groupIds.map((value) => ({ value, type: 'direct' })) };

/** Drops the membership attribute added only to evaluate a filter (listings return it only when asked). */
const withoutComputed = (type: ResourceTypeName, resource: ScimResource): ScimResource => {
  const { members, groups, ...rest } = resource;
  return type === 'Group'
    ? { ...rest, ...(groups === undefined ? {} : { groups }) }
    : { ...rest, ...(members === undefined ? {} : { members }) };
};

const cursorsFor = (
  resources: ScimResource[],
  more: { hasNext: boolean; hasPrevious: boolean },
): Pick<FindResult, 'resources' | 'nextCursor' | 'previousCursor'> => {
  const first = resources.at(0);
  const last = resources.at(-1);
  return {
    resources,
    ...(more.hasNext && last !== undefined ? { nextCursor: encodeCursor({ after: last.id }) } : {}),
    ...(more.hasPrevious && first !== undefined
      ? { previousCursor: encodeCursor({ before: first.id }) }
      : {}),
  };
};
