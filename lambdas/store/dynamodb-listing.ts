/**
 * Listing for both repositories: index and cursor paging over a type's partition, and filters, served
 * from a lookup when one applies (lookup-plan.ts) or by reading the tenant's items up to a bound. What
 * differs per resource (its schema, how the membership attribute a filter tests is read) comes in a
 * ListingSpec, so that the user repository carries no group code and the other way round.
 */
import { isScimError, ScimError } from '../scim/errors';
import { compileFilter } from '../scim/filter/evaluate';
import type { Filter } from '../scim/filter/ast';
import type { JsonObject } from '../scim/json';
import type { ScimResource } from '../scim/resource';
import type { ResourceSchema, ResourceTypeName } from '../scim/schema/types';
import { resourceTypeNamed } from '../scim/schema/resource-types';
import { partitionQuery } from './commands';
import { decodeCursor, encodeCursor } from './cursor';
import type { Cursor } from './cursor';
import { Budget } from './dynamodb-store';
import type { DynamoDbStore } from './dynamodb-store';
import { asResourceItem, fromItem } from './items';
import {
  candidateId,
  counterPartition,
  counterSortKeyPrefix,
  emailPartition,
  externalIdPartition,
  isResourceId,
  pageMarkerKey,
  resourceKey,
  resourcePartition,
  uniqueKey,
} from './keys';
import type { TableKey } from './keys';
import { lookupPlan, needsMemberships } from './lookup-plan';
import type { LookupPlan } from './lookup-plan';
import { MAX_PAGE_SIZE } from './repository';
import type { FindQuery, FindResult } from './repository';

/** How long a remembered index page end lives (TTL attribute of the table). */
export const PAGE_MARKER_TTL_SECONDS = 15 * 60;

export interface ListingSpec {
  readonly type: ResourceTypeName;
  readonly schema: ResourceSchema;
  /**
   * The candidates with the membership attribute `filter` tests (User.groups, Group.members), every
   * item read spending `budget`.
   */
  readonly withMemberships: (
    tenantId: string,
    filter: Filter,
    candidates: readonly ScimResource[],
    budget: Budget,
  ) => Promise<ScimResource[]>;
}

type CursorRequest = { readonly position: Cursor | undefined } | undefined;

/** One page of `spec.type` resources of a tenant, as FindQuery asks (computed attributes not added). */
export async function findResources(
  store: DynamoDbStore,
  tenantId: string,
  spec: ListingSpec,
  query: FindQuery,
): Promise<FindResult> {
  const count = Math.min(Math.max(0, Math.floor(query.count ?? MAX_PAGE_SIZE)), MAX_PAGE_SIZE);
  const startIndex = Math.max(1, Math.floor(query.startIndex ?? 1));
  const cursor = query.cursor === undefined ? undefined : { position: decodeCursor(query.cursor) };
  return query.filter === undefined
    ? listAll(store, tenantId, spec.type, count, startIndex, cursor)
    : listFiltered(store, tenantId, spec, query.filter, query.view ?? asStored, count, startIndex, cursor);
}

/**
 * The type's count, and its list version: the number of creates and deletes ever made (the only writes
 * that move positions), so a page marker written at another version is not used.
 */
interface TypeCount {
  readonly total: number;
  readonly version: number;
}

async function countOf(store: DynamoDbStore, tenantId: string, type: ResourceTypeName): Promise<TypeCount> {
  const page = await store.queryPage(
    partitionQuery(store.tableName, counterPartition(tenantId), {
      sortKeyPrefix: counterSortKeyPrefix(type),
    }),
  );
  const sum = (attribute: string): number =>
    page.items.reduce((total, item) => {
      const value = item[attribute];
      return total + (typeof value === 'number' ? value : 0);
    }, 0);
  return { total: Math.max(0, sum('count')), version: sum('changes') };
}

const totalOf = async (store: DynamoDbStore, tenantId: string, type: ResourceTypeName): Promise<number> =>
  (await countOf(store, tenantId, type)).total;

const resourcesOf = (items: readonly Record<string, unknown>[]): ScimResource[] =>
  items.map((raw) => fromItem(asResourceItem(raw)));

/**
 * Every resource of the type, in id order, one Query per page, following DynamoDB's LastEvaluatedKey
 * (a page may end at 1 MB before `pageSize`).
 */
export async function* resourcePages(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  pageSize: number,
): AsyncGenerator<ScimResource[]> {
  const input = partitionQuery(store.tableName, resourcePartition(tenantId, type), { limit: pageSize });
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.queryPage(start === undefined ? input : { ...input, ExclusiveStartKey: start });
    if (page.items.length > 0) yield resourcesOf(page.items);
    start = page.lastKey;
  } while (start !== undefined);
}

/** No filter: one Query of the type's partition per page, in id order. */
async function listAll(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  count: number,
  startIndex: number,
  cursor: CursorRequest,
): Promise<FindResult> {
  const pk = resourcePartition(tenantId, type);
  if (cursor !== undefined) {
    const [totalResults, page] = await Promise.all([
      totalOf(store, tenantId, type),
      cursorPage(store, tenantId, type, pk, count, cursor.position),
    ]);
    return { totalResults, startIndex: 1, ...page };
  }
  const counted = countOf(store, tenantId, type);
  const [{ total: totalResults, version }, start] = await Promise.all([
    counted,
    indexStart(store, tenantId, type, startIndex, counted),
  ]);
  if (count === 0 || startIndex > totalResults) return { resources: [], totalResults, startIndex };
  const page = await store.queryPage(
    partitionQuery(store.tableName, pk, { limit: count, ...(start ? { after: start } : {}) }),
  );
  const resources = resourcesOf(page.items);
  const last = resources.at(-1);
  if (last !== undefined && resources.length === count) {
    await rememberPageEnd(store, tenantId, type, startIndex + count, last.id, version);
  }
  return { resources, totalResults, startIndex };
}

/**
 * Where the page at `startIndex` begins: a remembered page end written at the current list version
 * (so no create or delete has moved positions since), else by reading past startIndex - 1 keys, unless
 * the count (read in the same round as the marker) says there is nothing at startIndex.
 */
async function indexStart(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  startIndex: number,
  counted: Promise<TypeCount>,
): Promise<TableKey | undefined> {
  if (startIndex === 1) return undefined;
  const [marker, { total, version }] = await Promise.all([
    store.getItem(pageMarkerKey(tenantId, type, startIndex)),
    counted,
  ]);
  const nowSeconds = Math.floor(store.now().getTime() / 1000);
  if (
    marker &&
    typeof marker.lastId === 'string' &&
    typeof marker.ttl === 'number' &&
    marker.ttl > nowSeconds &&
    marker.version === version
  ) {
    return resourceKey(tenantId, type, marker.lastId);
  }
  // Past the end: nothing to skip to (the caller answers an empty page).
  if (startIndex > total) return undefined;
  // A jump to an arbitrary index: skip startIndex - 1 keys (O(startIndex), documented).
  let remaining = startIndex - 1;
  let after: TableKey | undefined;
  while (remaining > 0) {
    const page = await store.queryPage(
      partitionQuery(store.tableName, resourcePartition(tenantId, type), {
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

async function rememberPageEnd(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  nextStartIndex: number,
  lastId: string,
  version: number,
): Promise<void> {
  await store.putItem({
    ...pageMarkerKey(tenantId, type, nextStartIndex),
    lastId,
    version,
    ttl: Math.floor(store.now().getTime() / 1000) + PAGE_MARKER_TTL_SECONDS,
  });
}

async function cursorPage(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  pk: string,
  count: number,
  position: Cursor | undefined,
): Promise<Pick<FindResult, 'resources' | 'nextCursor' | 'previousCursor'>> {
  if (count === 0) return { resources: [] };
  const backwards = position !== undefined && 'before' in position;
  const anchor = position === undefined ? undefined : 'before' in position ? position.before : position.after;
  const page = await store.queryPage(
    partitionQuery(store.tableName, pk, {
      limit: count + 1,
      backwards,
      ...(anchor === undefined ? {} : { after: resourceKey(tenantId, type, anchor) }),
    }),
  );
  const items = resourcesOf(page.items);
  // A Query page also ends at 1 MB, before `count + 1` items: its LastEvaluatedKey says there is more.
  const more = items.length > count || page.lastKey !== undefined;
  const resources = backwards ? items.slice(0, count).reverse() : items.slice(0, count);
  return cursorsFor(resources, {
    hasNext: backwards ? true : more,
    hasPrevious: backwards ? more : position !== undefined,
  });
}

const asStored = (resource: ScimResource): JsonObject => resource;

/** A filter: candidates from a lookup when one applies, else the tenant's items up to a bound. */
async function listFiltered(
  store: DynamoDbStore,
  tenantId: string,
  spec: ListingSpec,
  filter: Filter,
  view: (resource: ScimResource) => JsonObject,
  count: number,
  startIndex: number,
  cursor: CursorRequest,
): Promise<FindResult> {
  const type = spec.type;
  const predicate = compileFilter(filter, spec.schema);
  const plan = lookupPlan(type, filter);
  // One read budget for the request: resources scanned and membership items read, all partitions.
  const budget = filterScanBudget(store, type);
  let candidates =
    plan === undefined
      ? await scanAll(store, tenantId, type, budget)
      : await lookup(store, tenantId, type, plan);
  const readsMemberships = needsMemberships(type, filter);
  if (readsMemberships) {
    candidates = await spec.withMemberships(tenantId, filter, candidates, budget);
  }
  const strip = readsMemberships
    ? (resource: ScimResource): ScimResource => withoutComputed(type, resource)
    : (resource: ScimResource) => resource;
  const matches = candidates
    .filter((resource) => predicate(view(resource)))
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

async function scanAll(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  budget: Budget,
): Promise<ScimResource[]> {
  const items = await store.queryAll(
    partitionQuery(store.tableName, resourcePartition(tenantId, type)),
    budget,
  );
  return resourcesOf(items);
}

async function lookup(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  plan: LookupPlan,
): Promise<ScimResource[]> {
  const ids = await lookupIds(store, tenantId, type, plan);
  const valid = [...new Set(ids)].filter(isResourceId);
  if (valid.length === 0) return [];
  if (valid.length === 1) {
    const item = await store.getResourceItem(tenantId, type, valid[0]);
    return item === undefined ? [] : [fromItem(item)];
  }
  if (valid.length > store.maxFilterScanItems) {
    throw ScimError.tooMany(`This filter matches more than ${store.maxFilterScanItems} resources.`);
  }
  return resourcesOf(await store.batchGet(valid.map((id) => resourceKey(tenantId, type, id))));
}

/**
 * A lookup key for a filter value. A value too long for any key (keys.ts) can be held by no stored
 * resource: the filter is what is wrong, not something to store.
 */
const filterLookupKey = <K extends TableKey | string>(attribute: string, build: () => K): K => {
  try {
    return build();
  } catch (error) {
    if (!isScimError(error) || error.scimType !== 'invalidValue') throw error;
    throw ScimError.invalidFilter(
      `The filter compares ${attribute} with a value longer than any stored ${attribute} can be.`,
    );
  }
};

async function lookupIds(
  store: DynamoDbStore,
  tenantId: string,
  type: ResourceTypeName,
  plan: LookupPlan,
): Promise<string[]> {
  const limit = store.maxFilterScanItems;
  switch (plan.kind) {
    case 'id':
      return [candidateId(plan.value)];
    case 'unique': {
      const item = await store.getItem(
        filterLookupKey(plan.attribute, () => uniqueKey(tenantId, type, plan.attribute, plan.value)),
      );
      return typeof item?.id === 'string' ? [item.id] : [];
    }
    case 'externalId': {
      // Reads `id`, not `sk`: a lookup item of the earlier unique layout (sk UNIQUE) is still found; a
      // stale one only adds a candidate that the filter then rejects.
      const items = await store.queryAll(
        partitionQuery(
          store.tableName,
          filterLookupKey('externalId', () => externalIdPartition(tenantId, type, plan.value)),
          {
            projection: ['id'],
          },
        ),
        new Budget(limit, () =>
          ScimError.tooMany(`This filter matches more than ${limit} ${type} resources.`),
        ),
      );
      return items.flatMap((item) => (typeof item.id === 'string' ? [item.id] : []));
    }
    case 'email': {
      const items = await store.queryAll(
        partitionQuery(
          store.tableName,
          filterLookupKey('email', () => emailPartition(tenantId, plan.value)),
          { projection: ['sk'] },
        ),
        new Budget(limit, () => ScimError.tooMany(`This filter matches more than ${limit} users.`)),
      );
      return items.flatMap((item) => (typeof item.sk === 'string' ? [item.sk] : []));
    }
    case 'memberOf': {
      const userId = candidateId(plan.userId);
      return isResourceId(userId) ? store.groupIdsOfUser(tenantId, userId) : [];
    }
  }
}

/** The descriptor's lookup attributes as a filter names them: `userName or emails`. */
const lookupNames = (type: ResourceTypeName): string => {
  const { uniqueAttribute, lookups } = resourceTypeNamed(type);
  const names = lookups.map(({ kind, attribute }) =>
    kind === 'memberOf' ? `${attribute}[value eq]` : attribute,
  );
  return [uniqueAttribute, ...names].join(' or ');
};

/** The items a filter no lookup serves may read, all partitions together. */
function filterScanBudget(store: DynamoDbStore, type: ResourceTypeName): Budget {
  const limit = store.maxFilterScanItems;
  return new Budget(limit, () =>
    ScimError.tooMany(
      `This filter needs more than ${limit} items to be read; filter by id, externalId, ${lookupNames(type)} eq instead.`,
    ),
  );
}

/** Drops the membership attribute added only to evaluate a filter (listings return it only when asked). */
const withoutComputed = (type: ResourceTypeName, resource: ScimResource): ScimResource => {
  const computed = resourceTypeNamed(type).membershipAttribute;
  if (!(computed in resource)) return resource;
  const rest = { ...resource };
  delete rest[computed];
  return rest;
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
