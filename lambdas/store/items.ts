/**
 * Pure conversions between SCIM resources and table items, and the values a resource is indexed by.
 * A resource item stores the resource body as a JSON string (`data`, without id, meta and the computed
 * `groups`/`members`) next to the attributes the store itself reads: id, version, created, lastModified.
 */
import { ScimError } from '../scim/errors';
import { isJsonObject } from '../scim/json';
import { matchKey } from '../scim/match-key';
import type { JsonObject, JsonValue } from '../scim/json';
import type { Meta, ScimResource } from '../scim/resource';
import type { ResourceTypeName, UniqueAttribute } from '../scim/schema/resource-types';
import { RESOURCE_TYPES, resourceTypeNamed } from '../scim/schema/resource-types';
import type { TableKey } from './keys';
import { resourceKey } from './keys';

export interface ResourceItem extends TableKey {
  readonly id: string;
  readonly type: ResourceTypeName;
  readonly version: number;
  readonly created: string;
  readonly lastModified: string;
  readonly data: string;
}

/** Attributes the store owns or computes (its membership attribute): never taken from a request body. */
const storeOwned = (type: ResourceTypeName): readonly string[] => [
  'id',
  'meta',
  resourceTypeNamed(type).membershipAttribute,
];

/** At most this many distinct email values per user are indexed; more is refused, not dropped. */
export const MAX_INDEXED_EMAILS = 10;

const withoutKeys = (object: JsonObject, names: readonly string[]): JsonObject => {
  const lower = new Set(names.map((name) => name.toLowerCase()));
  return Object.fromEntries(Object.entries(object).filter(([key]) => !lower.has(key.toLowerCase())));
};

/** The body to store: the input minus id, meta and computed attributes. */
export const storableBody = (type: ResourceTypeName, resource: JsonObject): JsonObject =>
  withoutKeys(resource, storeOwned(type));

export const formatVersion = (version: number): string => `W/"${version}"`;
/** The number of a `meta.version` formatVersion wrote; undefined for anything else. */
export const parseVersion = (text: string): number | undefined => {
  const match = /^W\/"(\d{1,15})"$/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

export const toItem = (
  tenantId: string,
  type: ResourceTypeName,
  id: string,
  body: JsonObject,
  stamp: { version: number; created: string; lastModified: string },
): ResourceItem => ({
  ...resourceKey(tenantId, type, id),
  id,
  type,
  version: stamp.version,
  created: stamp.created,
  lastModified: stamp.lastModified,
  data: JSON.stringify(storableBody(type, body)),
});

const isResourceTypeName = (value: unknown): value is ResourceTypeName =>
  RESOURCE_TYPES.some((type) => type.name === value);

/** Narrows a raw DynamoDB item; a malformed one is a backend fault (503), never a crash. */
export const asResourceItem = (raw: Record<string, unknown>): ResourceItem => {
  const { pk, sk, id, type, version, created, lastModified, data } = raw;
  if (
    typeof pk !== 'string' ||
    typeof sk !== 'string' ||
    typeof id !== 'string' ||
    !isResourceTypeName(type) ||
    typeof version !== 'number' ||
    typeof created !== 'string' ||
    typeof lastModified !== 'string' ||
    typeof data !== 'string'
  ) {
    throw ScimError.unavailable('The store returned a malformed item.');
  }
  return { pk, sk, id, type, version, created, lastModified, data };
};

export const fromItem = (item: ResourceItem): ScimResource => {
  const body: unknown = JSON.parse(item.data);
  if (!isJsonObject(body)) throw ScimError.unavailable('The store returned a malformed item.');
  const meta: Meta = {
    resourceType: item.type,
    created: item.created,
    lastModified: item.lastModified,
    version: formatVersion(item.version),
  };
  const schemas = Array.isArray(body.schemas) ? body.schemas.filter((s) => typeof s === 'string') : [];
  return { ...body, schemas, id: item.id, meta: { ...meta } };
};

export interface IndexValues {
  /** Unique lookups, value as given (keys.ts keys it by its match key). */
  readonly unique: readonly { readonly attribute: UniqueAttribute; readonly value: string }[];
  /**
   * The externalId's case-exact match key (not unique: at most one value per resource, shared by any
   * number). Keys, not values, so that a change no key sees (" x" to "x") touches no lookup item.
   */
  readonly externalIds: readonly string[];
  /** The distinct match keys of the email values (users only). */
  readonly emails: readonly string[];
}

const stringMember = (object: JsonObject, name: string): string | undefined => {
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  const value: JsonValue | undefined = key === undefined ? undefined : object[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const emailValues = (user: JsonObject, attribute: string): string[] => {
  const lower = attribute.toLowerCase();
  const key = Object.keys(user).find((candidate) => candidate.toLowerCase() === lower);
  const emails = key === undefined ? undefined : user[key];
  if (!Array.isArray(emails)) return [];
  const values = emails
    .filter(isJsonObject)
    .map((email) => stringMember(email, 'value'))
    .filter((value): value is string => value !== undefined)
    .map((value) => matchKey(value, false));
  return [...new Set(values)];
};

/** What a resource is findable by in O(1): the lookups behind Entra's matching filters. */
export const indexValues = (type: ResourceTypeName, resource: JsonObject): IndexValues => {
  const descriptor = resourceTypeNamed(type);
  const uniqueAttribute: UniqueAttribute = descriptor.uniqueAttribute;
  const uniqueValue = stringMember(resource, uniqueAttribute);
  const unique = uniqueValue === undefined ? [] : [{ attribute: uniqueAttribute, value: uniqueValue }];
  const externalId = stringMember(resource, 'externalId');
  const emailLookup = descriptor.lookups.find((lookup) => lookup.kind === 'email');
  const emails = emailLookup === undefined ? [] : emailValues(resource, emailLookup.attribute);
  if (emails.length > MAX_INDEXED_EMAILS) {
    throw ScimError.invalidValue(`A user may have at most ${MAX_INDEXED_EMAILS} distinct email addresses.`);
  }
  return { unique, externalIds: externalId === undefined ? [] : [matchKey(externalId, true)], emails };
};
