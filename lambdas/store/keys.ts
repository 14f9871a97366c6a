/**
 * Every key of the single table, built here and only here (see docs/data-model.md). Every partition key
 * starts with `T#<tenantId>#`, so no key of one tenant can equal a key of another.
 */
import { ScimError } from '../scim/errors';
import { matchKey } from '../scim/match-key';
import type { ResourceTypeName, UniqueAttribute } from '../scim/schema/resource-types';
import { RESOURCE_TYPES } from '../scim/schema/resource-types';

export interface TableKey {
  readonly pk: string;
  readonly sk: string;
}

/** DynamoDB limits, in UTF-8 bytes. */
const MAX_PARTITION_KEY_BYTES = 2048;
const MAX_SORT_KEY_BYTES = 1024;

const TENANT_ID = /^[A-Za-z0-9_-]{1,128}$/;
/** Our ids are v4 UUIDs; anything else cannot name a stored resource. */
const RESOURCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isResourceId = (value: string): boolean => RESOURCE_ID.test(value);

/**
 * The stored id a filter value may name (`id eq`, `members eq`): its case-exact match key, lower-cased
 * because ids are stored lower-case. It only finds candidates; the evaluator decides the match.
 */
export const candidateId = (value: string): string => matchKey(value, true).toLowerCase();

const tenantPrefix = (tenantId: string): string => {
  // A '#' in a tenant id could forge another tenant's prefix; the HTTP layer validates it too.
  if (!TENANT_ID.test(tenantId)) throw ScimError.notFound('Unknown tenant.');
  return `T#${tenantId}`;
};

const tooLong = (what: string): ScimError => ScimError.invalidValue(`The ${what} is too long to be stored.`);

const checkedPartition = (pk: string, what: string): string => {
  if (Buffer.byteLength(pk, 'utf8') > MAX_PARTITION_KEY_BYTES) throw tooLong(what);
  return pk;
};

const checkedKey = (pk: string, sk: string, what: string): TableKey => {
  if (Buffer.byteLength(sk, 'utf8') > MAX_SORT_KEY_BYTES) throw tooLong(what);
  return { pk: checkedPartition(pk, what), sk };
};

/** A resource type's label in keys: its name in capitals (`USER`), so the registry names every label. */
const resourceLabel = (type: string): string => type.toUpperCase();

/** The partition holding every resource of one type of a tenant, ordered by id. */
export const resourcePartition = (tenantId: string, type: ResourceTypeName): string =>
  `${tenantPrefix(tenantId)}#${resourceLabel(type)}S`;

export const resourceKey = (tenantId: string, type: ResourceTypeName, id: string): TableKey => ({
  pk: resourcePartition(tenantId, type),
  sk: `${resourceLabel(type)}#${id}`,
});

/** The id back from a resource item's sort key. */
export const idFromResourceSortKey = (type: ResourceTypeName, sk: string): string =>
  sk.slice(resourceLabel(type).length + 1);

/**
 * Unique attributes (each type's descriptor names one): one lookup item per value, whose existence is the
 * uniqueness constraint. userName and group displayName are case-insensitive (RFC 7643 caseExact false,
 * test/unit/store/keys.test.ts holds the schema to it), so their lookups are keyed by the case-insensitive
 * match key (lambdas/scim/match-key.ts): "Ada", "ａｄａ" and " ada" claim one item.
 */
export const normaliseUniqueValue = (value: string): string => matchKey(value, false);

export const uniqueKey = (
  tenantId: string,
  type: ResourceTypeName,
  attribute: UniqueAttribute,
  value: string,
): TableKey =>
  checkedKey(
    `${tenantPrefix(tenantId)}#${resourceLabel(type)}#${attribute.toUpperCase()}#${normaliseUniqueValue(value)}`,
    'UNIQUE',
    attribute,
  );

/**
 * externalId is the client's identifier and NOT unique (RFC 7643 §3.1: uniqueness none), so, like email,
 * it gets one lookup item per (resource type, externalId, resource id), read with a Query of its
 * partition: O(matches). Case-exact (caseExact true), so keyed by the case-exact match key.
 */
export const externalIdPartition = (tenantId: string, type: ResourceTypeName, externalId: string): string =>
  checkedPartition(
    `${tenantPrefix(tenantId)}#${resourceLabel(type)}#EXTERNALID#${matchKey(externalId, true)}`,
    'externalId',
  );

export const externalIdKey = (
  tenantId: string,
  type: ResourceTypeName,
  externalId: string,
  id: string,
): TableKey => checkedKey(externalIdPartition(tenantId, type, externalId), id, 'externalId');

/**
 * Email lookups are not unique (two users may share an address): one item per (email, user), keyed by the
 * case-insensitive match key (emails.value is caseExact false).
 */
export const emailPartition = (tenantId: string, email: string): string =>
  checkedPartition(`${tenantPrefix(tenantId)}#USER#EMAIL#${matchKey(email, false)}`, 'email');

export const emailKey = (tenantId: string, email: string, userId: string): TableKey =>
  checkedKey(emailPartition(tenantId, email), userId, 'email');

/**
 * The partition-key prefix of every lookup of a tenant, with whether its value part is a case-exact key:
 * what `tenant rekey` (rekey-lookups.ts) needs to tell an item written under an older key (its value part
 * is not a match key) from a current one. Built by the builders above, so it follows their formats.
 */
export const lookupKeyPrefixes = (
  tenantId: string,
): readonly { readonly prefix: string; readonly caseExact: boolean }[] => [
  ...RESOURCE_TYPES.flatMap((type) => [
    { prefix: uniqueKey(tenantId, type.name, type.uniqueAttribute, '').pk, caseExact: false },
    { prefix: externalIdPartition(tenantId, type.name, ''), caseExact: true },
  ]),
  ...(RESOURCE_TYPES.some((type) => type.lookups.some(({ kind }) => kind === 'email'))
    ? [{ prefix: emailPartition(tenantId, ''), caseExact: false }]
    : []),
];

/** The prefix of every partition key of a tenant (`T#<tenantId>#`). */
export const tenantItemPrefix = (tenantId: string): string => `${tenantPrefix(tenantId)}#`;

/** Member items of a group, ordered by user id. */
export const memberPartition = (tenantId: string, groupId: string): string =>
  `${tenantPrefix(tenantId)}#GROUP#${groupId}#MEMBERS`;

export const memberKey = (tenantId: string, groupId: string, userId: string): TableKey => ({
  pk: memberPartition(tenantId, groupId),
  sk: userId,
});

/**
 * The member items of one user in the `byMember` index (gsi1pk): the groups of a user (User.groups),
 * ordered by group id (gsi1sk). A membership is one item; this index serves the reverse direction.
 */
export const memberIndexPartition = (tenantId: string, userId: string): string =>
  `${tenantPrefix(tenantId)}#USER#${userId}`;

export const tenantKey = (tenantId: string): TableKey => ({ pk: tenantPrefix(tenantId), sk: 'TENANT' });

/**
 * Resource counts are sharded: every create/delete adds +1/-1 to one random shard inside its transaction,
 * so parallel creates rarely touch the same counter item (a transaction conflict), and totalResults is one
 * small Query of the shards.
 */
export const COUNTER_SHARDS = 16;

export const counterPartition = (tenantId: string): string => tenantPrefix(tenantId);

export const counterSortKeyPrefix = (type: ResourceTypeName): string => `COUNT#${resourceLabel(type)}#`;

export const counterKey = (tenantId: string, type: ResourceTypeName, shard: number): TableKey => ({
  pk: counterPartition(tenantId),
  sk: `${counterSortKeyPrefix(type)}${String(shard).padStart(2, '0')}`,
});

/**
 * Where an index page ended: the marker for `startIndex` holds the id of the resource at position
 * startIndex - 1, so the next page is one Query from there instead of skipping startIndex - 1 items.
 * It also holds the list version it was computed at, and is used only at that version.
 */
export const pageMarkerKey = (tenantId: string, type: ResourceTypeName, startIndex: number): TableKey => ({
  pk: `${tenantPrefix(tenantId)}#PAGES`,
  sk: `${resourceLabel(type)}#${startIndex}`,
});

/** What a changed item is, read back from its key (the table stream): only resources and memberships. */
export type ChangedItemKey =
  | {
      readonly kind: 'resource';
      readonly tenantId: string;
      readonly type: ResourceTypeName;
      readonly id: string;
    }
  | { readonly kind: 'member'; readonly tenantId: string; readonly groupId: string; readonly userId: string };

const RESOURCE_ITEM_KEY = /^T#([A-Za-z0-9_-]{1,128})#([A-Z]+)S$/;
const MEMBER_ITEM_KEY = /^T#([A-Za-z0-9_-]{1,128})#GROUP#([^#]+)#MEMBERS$/;
const TYPE_BY_LABEL: ReadonlyMap<string, ResourceTypeName> = new Map(
  RESOURCE_TYPES.map((type) => [resourceLabel(type.name), type.name]),
);

/**
 * The inverse of resourceKey and memberKey; undefined for every other item (lookups, counters, page
 * markers, tenant metadata): bookkeeping, not a change of a resource.
 */
export const parseChangedItemKey = (pk: string, sk: string): ChangedItemKey | undefined => {
  const resource = RESOURCE_ITEM_KEY.exec(pk);
  if (resource !== null) {
    const [, tenantId = '', label = ''] = resource;
    const type = TYPE_BY_LABEL.get(label);
    if (type === undefined || !sk.startsWith(`${label}#`)) return undefined;
    const id = idFromResourceSortKey(type, sk);
    return id === '' ? undefined : { kind: 'resource', tenantId, type, id };
  }
  const member = MEMBER_ITEM_KEY.exec(pk);
  if (member !== null && sk !== '') {
    const [, tenantId = '', groupId = ''] = member;
    return { kind: 'member', tenantId, groupId, userId: sk };
  }
  return undefined;
};

/** The setup links' partitions: the only items the setup Lambda may write (its IAM condition, lib/). */
export const SETUP_LINK_PARTITION_PREFIX = 'SETUP#';

/**
 * A setup link, found by the SHA-256 (hex) of its code alone: the page knows no tenant before it reads
 * this item. The only partition not starting with `T#`: `SETUP#` cannot be forged by a tenant id, and a
 * hash names no tenant.
 */
export const setupLinkKey = (codeSha256: string): TableKey => ({
  pk: `${SETUP_LINK_PARTITION_PREFIX}${codeSha256}`,
  sk: 'LINK',
});

/** The tenant's setup links (one pointer item per link, sk = the code's SHA-256), for `list` and ending. */
export const setupLinkIndexPartition = (tenantId: string): string => `${tenantPrefix(tenantId)}#SETUP`;

export const setupLinkIndexKey = (tenantId: string, codeSha256: string): TableKey => ({
  pk: setupLinkIndexPartition(tenantId),
  sk: codeSha256,
});

/** What the setup page's connection panel shows: last seen, provider, Test Connection. One item. */
export const tenantStatusKey = (tenantId: string): TableKey => ({ pk: tenantPrefix(tenantId), sk: 'STATUS' });

/** The errors answered to the tenant's provider: a ring of ANSWERED_ERROR_SLOTS items, overwritten in turn. */
export const answeredErrorPartition = (tenantId: string): string => `${tenantPrefix(tenantId)}#ERRORS`;

export const ANSWERED_ERROR_SLOTS = 20;

/**
 * The most ignored attribute names kept per tenant: enough for every mapping of a directory, and a bound
 * on what clients can make us store (each name is at most MAX_IGNORED_NAME_LENGTH characters, checked by
 * lambdas/scim/normalise.ts#reportableName).
 * Here, with the other bounds, because the status middleware needs it without the SDK the recorder imports.
 */
export const MAX_IGNORED_ATTRIBUTES = 50;

export const answeredErrorKey = (tenantId: string, slot: number): TableKey => ({
  pk: answeredErrorPartition(tenantId),
  sk: `SLOT#${slot % ANSWERED_ERROR_SLOTS}`,
});

/**
 * A tenant's request count in one fixed window (lambdas/tenant-request-limit.ts), keyed by the window's
 * start in epoch seconds; it expires by TTL soon after the window ends.
 */
export const requestCountKey = (tenantId: string, windowStartSeconds: number): TableKey => ({
  pk: `${tenantPrefix(tenantId)}#REQUESTS`,
  sk: `W#${windowStartSeconds}`,
});
