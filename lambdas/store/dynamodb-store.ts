/**
 * What the DynamoDB repositories of users and groups share (single table, see docs/data-model.md): the
 * send wrapper, reads, batches and transactions with their retries, and the version-checked create,
 * update and delete of a resource with its lookups and counter. Thin: it sends what the pure builders in
 * commands.ts return and decides what conditional failures mean. Each repository (dynamodb-users.ts,
 * dynamodb-groups.ts) holds one, so a Lambda bundles only its own resource's code.
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
import type { JsonObject } from '../scim/json';
import type { ScimResource } from '../scim/resource';
import type { ResourceTypeName } from '../scim/schema/types';
import type { TaggedAction, WritePlan, WriteRequest } from './commands';
import {
  NO_INDEX,
  RETURN_CONSUMED_CAPACITY,
  assertStorable,
  batchGetInputs,
  batchWriteInputs,
  counterAction,
  deleteResourceAction,
  lookupActions,
  memberIndexQuery,
  putResourceAction,
  transactInput,
  undoPuts,
} from './commands';
import { cancellationCause, toScimError } from './dynamodb-errors';
import type { CancellationCause } from './dynamodb-errors';
import { asResourceItem, formatVersion, fromItem, indexValues, storableBody, toItem } from './items';
import type { ResourceItem } from './items';
import { COUNTER_SHARDS, isResourceId, resourceKey } from './keys';
import type { TableKey } from './keys';
import { DEFAULT_MAX_ATTEMPTS } from './repository';
import type { UpdateOptions, WriteOptions } from './repository';
import { MEMBER_INDEX } from './table-definition';

/** Filters no lookup can serve read at most this many items per request; beyond: 400 tooMany. */
export const DEFAULT_MAX_FILTER_SCAN_ITEMS = 10_000;
/** Attempts for BatchWriteItem/BatchGetItem unprocessed items and transaction conflicts. */
const MAX_BATCH_ATTEMPTS = 8;
/** Parallel requests for member clean-up and bulk membership writes. */
export const BULK_CONCURRENCY = 16;

export interface DynamoDbRepositoryOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly maxFilterScanItems?: number;
  /** Groups only: see DEFAULT_MAX_MEMBER_RESPONSE_BYTES. */
  readonly maxMemberResponseBytes?: number;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly random?: () => number;
  readonly sleep?: (milliseconds: number) => Promise<void>;
}

const defaultSleep = (milliseconds: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** `W/"3"`, `"3"` and `*` (any version) all match version 3. */
export const ifMatchAccepts = (ifMatch: string, version: number): boolean =>
  entityTagListMatches(ifMatch, formatVersion(version));

/** The item a write is conditioned on, as read: 404 when absent, 412 when `ifMatch` names another version. */
const writableVersion = (
  type: ResourceTypeName,
  id: string,
  stored: ResourceItem | undefined,
  options: WriteOptions,
): ResourceItem => {
  if (stored === undefined) throw ScimError.resourceNotFound(type, id);
  if (options.ifMatch !== undefined && !ifMatchAccepts(options.ifMatch, stored.version)) {
    throw ScimError.preconditionFailed(
      `The ${type} has changed: its version is now ${formatVersion(stored.version)}.`,
    );
  }
  return stored;
};

/** Runs `task` over `values` with at most `limit` in flight. */
export const mapLimit = async <T, R>(
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
export class Budget {
  #spent = 0;

  readonly #limit: number;
  readonly #exceeded: () => ScimError;

  constructor(limit: number, exceeded: () => ScimError) {
    this.#limit = limit;
    this.#exceeded = exceeded;
  }

  spend(amount: number): void {
    this.#spent += amount;
    if (this.#spent > this.#limit) throw this.#exceeded();
  }
}

export const unbounded = (): Budget =>
  new Budget(Number.POSITIVE_INFINITY, () => ScimError.unavailable('unreachable'));

export const countOne = (): number => 1;

/** Thrown inside the adapter when a transaction was cancelled for a reason the caller must decide on. */
class TransactionCancelled extends Error {
  constructor(readonly reason: CancellationCause) {
    super(`transaction cancelled: ${reason.kind}`);
  }
}

interface Page {
  readonly items: Record<string, unknown>[];
  readonly lastKey?: Record<string, unknown>;
}

/** Turns a resource write's actions into its WritePlan (a group adds its membership writes). */
export type WritePlanner = (actions: TaggedAction[]) => WritePlan;

/** A write that carries no membership change: its actions alone, in one transaction. */
const actionsAlone: WritePlanner = (actions) => ({ beforeCommit: [], transaction: actions, afterCommit: [] });

/** What an update decides from the current resource. */
export interface ResourceUpdate {
  readonly resource: ScimResource;
  /** False: nothing is written and the version stays. */
  readonly changed: boolean;
  /** Groups: how the membership writes go with the resource write (default: none). */
  readonly plan?: WritePlanner;
}

/** The `schemas` a PUT stores: the input's, else the current resource's. */
export const schemasOf = (input: JsonObject, current: ScimResource): string[] =>
  Array.isArray(input.schemas)
    ? input.schemas.filter((schema) => typeof schema === 'string')
    : current.schemas;

export class DynamoDbStore {
  readonly #client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly maxFilterScanItems: number;
  readonly now: () => Date;
  readonly #newId: () => string;
  readonly #random: () => number;
  readonly #sleep: (milliseconds: number) => Promise<void>;

  constructor(options: DynamoDbRepositoryOptions) {
    this.#client = options.client;
    this.tableName = options.tableName;
    this.maxFilterScanItems = options.maxFilterScanItems ?? DEFAULT_MAX_FILTER_SCAN_ITEMS;
    this.now = options.now ?? (() => new Date());
    this.#newId = options.newId ?? randomUUID;
    this.#random = options.random ?? Math.random;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  // ---- Writes ------------------------------------------------------------------------------------

  /** A new resource with a new id, version 1, its lookups and a counter increment; `plan` gets the id. */
  async createResource(
    tenantId: string,
    type: ResourceTypeName,
    body: JsonObject,
    plan: (id: string) => WritePlanner = () => actionsAlone,
  ): Promise<ScimResource> {
    const id = this.#newId();
    const timestamp = this.now().toISOString();
    const item = toItem(tenantId, type, id, body, {
      version: 1,
      created: timestamp,
      lastModified: timestamp,
    });
    const actions = [
      putResourceAction(this.tableName, item, undefined),
      ...lookupActions(this.tableName, tenantId, type, id, NO_INDEX, indexValues(type, body)),
      counterAction(this.tableName, tenantId, type, this.#shard(), 1),
    ];
    const writePlan = plan(id)(actions);
    assertStorable(writePlan);
    // A group too large for one transaction writes its member items first: it is invisible until complete.
    await this.writeMemberships(writePlan.beforeCommit);
    try {
      await this.#transact(writePlan.transaction);
    } catch (error) {
      // A cancelled transaction certainly did not commit: its member items would only be litter (no read
      // returns members of a group that does not exist), so they are removed, best effort.
      if (error instanceof TransactionCancelled && writePlan.beforeCommit.length > 0) {
        await this.writeMemberships(undoPuts(writePlan.beforeCommit)).catch(() => undefined);
      }
      throw this.#cancellationToScimError(error, type);
    }
    await this.#afterCommit(type, writePlan);
    return fromItem(item);
  }

  /**
   * Read, apply, write conditionally on the version read; on a concurrent change, again (bounded). The
   * membership writes of a group plan go in that transaction when they fit (groupWritePlan), else follow
   * its commit; they are idempotent puts/deletes.
   */
  async updateResource(
    tenantId: string,
    type: ResourceTypeName,
    id: string,
    options: UpdateOptions,
    apply: (current: ScimResource) => Promise<ResourceUpdate>,
    parallelRead?: Promise<void>,
  ): Promise<{ item: ResourceItem }> {
    const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
    if (!isResourceId(id)) throw ScimError.resourceNotFound(type, id);
    return this.#retryOnVersionConflict(type, maxAttempts, async () => {
      const [read] = await Promise.all([this.getResourceItem(tenantId, type, id), parallelRead]);
      const stored = writableVersion(type, id, read, options);
      const current = fromItem(stored);
      const result = await apply(current);
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
      const writePlan = (result.plan ?? actionsAlone)(actions);
      assertStorable(writePlan);
      await this.writeMemberships(writePlan.beforeCommit);
      await this.#transact(writePlan.transaction);
      await this.#afterCommit(type, writePlan);
      return { item };
    });
  }

  /**
   * Deletes a resource, its lookups and a counter (conditional on the version read, and on `ifMatch`:
   * 412), then the membership writes `cleanUp` returns, which it reads in the round of the resource.
   */
  async deleteResource(
    tenantId: string,
    type: ResourceTypeName,
    id: string,
    options: WriteOptions,
    cleanUp: () => Promise<WriteRequest[]>,
  ): Promise<void> {
    if (!isResourceId(id)) throw ScimError.resourceNotFound(type, id);
    const requests = await this.#retryOnVersionConflict(type, DEFAULT_MAX_ATTEMPTS, async () => {
      // The memberships are read with the resource; they are deleted only once its delete has committed,
      // so a delete that fails (412, a lost race) leaves every membership in place.
      const [read, cleanUpRequests] = await Promise.all([
        this.getResourceItem(tenantId, type, id),
        cleanUp(),
      ]);
      const stored = writableVersion(type, id, read, options);
      const actions = [
        deleteResourceAction(this.tableName, stored, stored.version),
        ...lookupActions(this.tableName, tenantId, type, id, indexValues(type, fromItem(stored)), NO_INDEX),
        counterAction(this.tableName, tenantId, type, this.#shard(), -1),
      ];
      await this.#transact(actions);
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
  async #retryOnVersionConflict<T>(
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
        if (error.reason.kind !== 'version') throw this.#cancellationToScimError(error, type);
        await this.#backoff(attempt);
      }
    }
    throw ScimError.unavailable(`Too many concurrent changes to this ${type}; please retry.`, 1);
  }

  #cancellationToScimError(error: unknown, type: ResourceTypeName): ScimError {
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

  /**
   * Sends a transaction, retrying conflicts with other transactions, and again without the releases of
   * unique values the resource turned out not to hold (ActionMeaning `release`); other cancellations
   * are thrown.
   */
  async #transact(transaction: readonly TaggedAction[]): Promise<void> {
    let actions = transaction;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.#client.send(new TransactWriteCommand(transactInput(actions)));
        return;
      } catch (error) {
        const cause = cancellationCause(
          error,
          actions.map(({ meaning }) => meaning),
        );
        if (cause === undefined) throw toScimError(error);
        if (cause.kind === 'notHeld' && attempt < MAX_BATCH_ATTEMPTS) {
          const dropped = new Set(cause.positions);
          actions = actions.filter((_action, position) => !dropped.has(position));
          continue;
        }
        if (cause.kind === 'retry' && attempt < MAX_BATCH_ATTEMPTS) {
          await this.#backoff(attempt);
          continue;
        }
        throw new TransactionCancelled(cause);
      }
    }
  }

  /**
   * The membership writes that follow a committed transaction. Whatever stops them, the answer must not
   * read as "nothing happened": it is a 503 saying the change is saved in part and that the same request,
   * retried, completes it (membership puts and deletes are idempotent).
   */
  async #afterCommit(type: ResourceTypeName, plan: WritePlan): Promise<void> {
    try {
      await this.writeMemberships(plan.afterCommit);
    } catch {
      throw ScimError.unavailable(
        `The ${type} was saved but not all its member changes; retry the same request to complete them.`,
        1,
      );
    }
  }

  /** BatchWriteItem in chunks of 25, in parallel, retrying unprocessed items with backoff. */
  async writeMemberships(requests: readonly WriteRequest[]): Promise<void> {
    if (requests.length === 0) return;
    await mapLimit(batchWriteInputs(this.tableName, requests), BULK_CONCURRENCY, (input) =>
      this.#batchWrite(input),
    );
  }

  async #batchWrite(input: BatchWriteCommandInput): Promise<void> {
    let pending = input;
    for (let attempt = 1; attempt <= MAX_BATCH_ATTEMPTS; attempt += 1) {
      const output = await this.#call(() => this.#client.send(new BatchWriteCommand(pending)));
      const unprocessed = output.UnprocessedItems?.[this.tableName] ?? [];
      if (unprocessed.length === 0) return;
      pending = { ...pending, RequestItems: { [this.tableName]: unprocessed } };
      await this.#backoff(attempt);
    }
    throw ScimError.unavailable('The store is busy, please retry later.');
  }

  /** An unconditional PutItem (tenant metadata, remembered page ends). */
  async putItem(item: Record<string, unknown>): Promise<void> {
    await this.#call(() =>
      this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ReturnConsumedCapacity: RETURN_CONSUMED_CAPACITY,
        }),
      ),
    );
  }

  // ---- Reads -------------------------------------------------------------------------------------

  /** Sends a command; any failure becomes a ScimError (toScimError). */
  async #call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toScimError(error);
    }
  }

  async getItem(key: TableKey): Promise<Record<string, unknown> | undefined> {
    const output = await this.#call(() =>
      this.#client.send(
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

  async getResourceItem(
    tenantId: string,
    type: ResourceTypeName,
    id: string,
  ): Promise<ResourceItem | undefined> {
    const raw = await this.getItem(resourceKey(tenantId, type, id));
    return raw === undefined ? undefined : asResourceItem(raw);
  }

  /** Strongly consistent BatchGetItem of any number of keys, retrying unprocessed keys. */
  async batchGet(
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
          const output = await this.#call(() => this.#client.send(new BatchGetCommand(pending)));
          items.push(...(output.Responses?.[this.tableName] ?? []));
          const unprocessed = output.UnprocessedKeys?.[this.tableName];
          if (unprocessed?.Keys === undefined || unprocessed.Keys.length === 0) return items;
          pending = { ...pending, RequestItems: { [this.tableName]: unprocessed } };
          await this.#backoff(attempt);
        }
        throw ScimError.unavailable('The store is busy, please retry later.');
      },
    );
    return results.flat();
  }

  async queryPage(input: QueryCommandInput): Promise<Page> {
    const output = await this.#call(() => this.#client.send(new QueryCommand(input)));
    return {
      items: output.Items ?? [],
      ...(output.LastEvaluatedKey ? { lastKey: output.LastEvaluatedKey } : {}),
    };
  }

  /** Every item of a partition, page by page, each page spending `measure(item)` per item of `budget`. */
  async queryAll(
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

  /**
   * The ids of the groups a user is in, from its member items in the byMember index (eventually
   * consistent): User.groups, a deleted user's clean-up, and the Group filter `members eq <user id>`.
   */
  async groupIdsOfUser(tenantId: string, userId: string, budget: Budget = unbounded()): Promise<string[]> {
    const items = await this.queryAll(memberIndexQuery(this.tableName, tenantId, userId), budget);
    return items.flatMap((item) => {
      const groupId = item[MEMBER_INDEX.sortKey.name];
      return typeof groupId === 'string' ? [groupId] : [];
    });
  }

  // ---- Helpers -----------------------------------------------------------------------------------

  #shard(): number {
    return Math.floor(this.#random() * COUNTER_SHARDS) % COUNTER_SHARDS;
  }

  /** Exponential backoff with full jitter: 10 ms, 20 ms, ... capped at 500 ms. */
  #backoff(attempt: number): Promise<void> {
    const ceiling = Math.min(500, 10 * 2 ** (attempt - 1));
    return this.#sleep(Math.floor(this.#random() * ceiling) + 1);
  }
}
