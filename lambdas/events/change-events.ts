/**
 * From table stream records to change events (docs/events.md is the consumer contract). Pure: the same
 * records always give the same events with the same ids, so a retried batch repeats ids, never invents new
 * ones. Only resources and memberships change anything a consumer sees; lookups, counters, page markers
 * and tenant metadata are bookkeeping and map to nothing, and a write that left the resource as it was
 * (a PUT of the same body, a members-only PATCH bumping the group's version) maps to nothing either.
 */
import { createHash } from 'node:crypto';

import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

import { isJsonObject } from '../scim/json';
import type { JsonObject, JsonValue } from '../scim/json';
import { normaliseProfile } from '../scim/profile';
import type { NormalisedProfile } from '../scim/profile';
import type { ResourceTypeName } from '../scim/schema/types';
import { asResourceItem, fromItem } from '../store/items';
import type { ResourceItem } from '../store/items';
import { parseChangedItemKey } from '../store/keys';

export const CHANGE_EVENT_TYPES = [
  'User Provisioned',
  'User Updated',
  'User Deactivated',
  'User Reactivated',
  'User Deleted',
  'Group Created',
  'Group Updated',
  'Group Deleted',
  'Group Members Added',
  'Group Members Removed',
] as const;
export type ChangeEventType = (typeof CHANGE_EVENT_TYPES)[number];

/** The `source` of every event on the bus. */
export const EVENT_SOURCE = 'serverless-scim';

/** EventBridge's limit for one entry (and for one PutEvents request), in bytes as it counts them. */
export const MAX_ENTRY_BYTES = 256 * 1024;
/** EventBridge counts `Time` as 14 bytes whatever its text. */
const TIME_BYTES = 14;

/**
 * A table stream record, as Lambda delivers it and as the DynamoDB Streams API returns it (the two differ
 * only in the type of ApproximateCreationDateTime and of binary values, which no item of ours holds).
 */
export interface StreamRecord {
  readonly eventName?: string;
  readonly dynamodb?: {
    readonly Keys?: Record<string, unknown>;
    readonly NewImage?: Record<string, unknown>;
    readonly OldImage?: Record<string, unknown>;
    readonly SequenceNumber?: string;
    /** Epoch seconds (Lambda) or a Date (the Streams API). */
    readonly ApproximateCreationDateTime?: number | Date;
  };
}

export interface MemberReference {
  readonly value: string;
  readonly display?: string;
}

export interface ProfileChange {
  readonly before: NormalisedProfile | null;
  readonly after: NormalisedProfile | null;
}

export interface ChangeEventDetail {
  /** Deterministic: the same change always has the same id (drop repeats by it). */
  readonly eventId: string;
  readonly tenantId: string;
  readonly resourceType: ResourceTypeName;
  /** The user's or group's id (for member events: the group's). */
  readonly id: string;
  readonly externalId: string | null;
  readonly userName?: string | null;
  readonly displayName?: string | null;
  /**
   * The resource version this event brings the resource to (a delete: the last version + 1); null for
   * member events, whose order is `sequence`.
   */
  readonly version: number | null;
  /** The table stream's sequence number of the (first) record: orders member events of one group. */
  readonly sequence: string;
  /** ISO 8601: lastModified of the written resource, else when the stream recorded the change. */
  readonly time: string;
  readonly changedAttributes: readonly string[];
  /** Users only: the normalised member profile before and after (null when there is none). */
  readonly profile?: ProfileChange;
  /** Member events only: the members added or removed by this event (one part of a larger change). */
  readonly members?: readonly MemberReference[];
}

export interface ChangeEvent {
  readonly detailType: ChangeEventType;
  readonly detail: ChangeEventDetail;
  /** Index, in the mapped batch, of the first and the last record this event comes from. */
  readonly firstRecord: number;
  readonly lastRecord: number;
}

export interface RejectedRecord {
  readonly index: number;
  readonly sequenceNumber: string | undefined;
  /** Why, without any value of the item (no personal data). */
  readonly reason: string;
}

export interface MappedBatch {
  readonly events: readonly ChangeEvent[];
  /** Records that look like a resource or a membership but cannot be read: never dropped silently. */
  readonly rejected: readonly RejectedRecord[];
}

// ---- Reading a record --------------------------------------------------------------------------------

class MalformedRecord extends Error {}

const image = (raw: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
  if (raw === undefined) return undefined;
  try {
    return unmarshall(raw as Record<string, AttributeValue>) as Record<string, unknown>;
  } catch {
    throw new MalformedRecord('an image is not a DynamoDB item');
  }
};

const creationTime = (record: StreamRecord): string => {
  const raw = record.dynamodb?.ApproximateCreationDateTime;
  const date = raw instanceof Date ? raw : typeof raw === 'number' ? new Date(raw * 1000) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) throw new MalformedRecord('no creation time');
  return date.toISOString();
};

/** A stored resource as the SCIM layer returns it, or undefined when the image is absent. */
interface StoredResource {
  readonly item: ResourceItem;
  readonly body: JsonObject;
}

const storedResource = (raw: Record<string, unknown> | undefined): StoredResource | undefined => {
  if (raw === undefined) return undefined;
  try {
    const item = asResourceItem(raw);
    return { item, body: fromItem(item) };
  } catch {
    throw new MalformedRecord('a resource image is malformed');
  }
};

const text = (body: JsonObject | undefined, name: string): string | null => {
  const value = body?.[name];
  return typeof value === 'string' ? value : null;
};

// ---- Changed attributes ------------------------------------------------------------------------------

/** Not attributes of the resource: the store's and the protocol's own. */
const NOT_COMPARED = new Set(['id', 'meta', 'schemas']);

/** Top-level attributes, and each attribute of an extension under `<urn>:<name>`. */
const attributeValues = (body: JsonObject | undefined): Map<string, string> => {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(body ?? {})) {
    if (NOT_COMPARED.has(name)) continue;
    if (name.startsWith('urn:') && isJsonObject(value)) {
      for (const [sub, subValue] of Object.entries(value)) values.set(`${name}:${sub}`, canonical(subValue));
    } else {
      values.set(name, canonical(value));
    }
  }
  return values;
};

/** JSON with sorted keys: two bodies that differ only in key order are the same resource. */
const canonical = (value: JsonValue | undefined): string =>
  JSON.stringify(value, (_key, nested: unknown) =>
    isJsonObject(nested) && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : nested,
  );

export const changedAttributes = (
  before: JsonObject | undefined,
  after: JsonObject | undefined,
): string[] => {
  const old = attributeValues(before);
  const now = attributeValues(after);
  const names = new Set([...old.keys(), ...now.keys()]);
  return [...names].filter((name) => old.get(name) !== now.get(name)).sort();
};

// ---- Ids ---------------------------------------------------------------------------------------------

/** A UUID-shaped SHA-256 of the parts: the same change, the same id, on any retry or replay. */
export const deterministicId = (...parts: readonly (string | number)[]): string => {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

// ---- Resources ---------------------------------------------------------------------------------------

const userEventType = (
  before: NormalisedProfile | null,
  after: NormalisedProfile | null,
): ChangeEventType => {
  if (before === null) return 'User Provisioned';
  if (after === null) return 'User Deleted';
  if (before.profile.active && !after.profile.active) return 'User Deactivated';
  if (!before.profile.active && after.profile.active) return 'User Reactivated';
  return 'User Updated';
};

const groupEventType = (before: StoredResource | undefined, after: StoredResource | undefined) =>
  before === undefined ? 'Group Created' : after === undefined ? 'Group Deleted' : 'Group Updated';

const resourceEvent = (
  record: StreamRecord,
  index: number,
  key: { tenantId: string; type: ResourceTypeName; id: string },
): ChangeEvent | undefined => {
  const before = storedResource(image(record.dynamodb?.OldImage));
  const after = storedResource(image(record.dynamodb?.NewImage));
  if (before === undefined && after === undefined)
    throw new MalformedRecord('a resource record has no image');
  const changed = changedAttributes(before?.body, after?.body);
  // Written, yet the same resource: a PUT of the same body, a members-only PATCH of a group.
  if (before !== undefined && after !== undefined && changed.length === 0) return undefined;

  const current = after ?? before;
  if (current === undefined) return undefined;
  const version = after?.item.version ?? current.item.version + 1;
  const time = after?.item.lastModified ?? creationTime(record);
  const common = {
    tenantId: key.tenantId,
    resourceType: key.type,
    id: key.id,
    externalId: text(current.body, 'externalId'),
    version,
    sequence: record.dynamodb?.SequenceNumber ?? '',
    time,
    changedAttributes: changed,
  };
  if (key.type === 'User') {
    const profileBefore = before === undefined ? null : normaliseProfile(before.body);
    const profileAfter = after === undefined ? null : normaliseProfile(after.body);
    const detailType = userEventType(profileBefore, profileAfter);
    return {
      detailType,
      detail: {
        eventId: deterministicId(key.tenantId, key.id, version, detailType),
        ...common,
        userName: text(current.body, 'userName'),
        profile: { before: profileBefore, after: profileAfter },
      },
      firstRecord: index,
      lastRecord: index,
    };
  }
  const detailType = groupEventType(before, after);
  return {
    detailType,
    detail: {
      eventId: deterministicId(key.tenantId, key.id, version, detailType),
      ...common,
      displayName: text(current.body, 'displayName'),
    },
    firstRecord: index,
    lastRecord: index,
  };
};

// ---- Memberships -------------------------------------------------------------------------------------

interface MemberChange {
  readonly index: number;
  readonly tenantId: string;
  readonly groupId: string;
  readonly detailType: 'Group Members Added' | 'Group Members Removed';
  readonly member: MemberReference;
  readonly sequence: string;
  readonly time: string;
}

/** INSERT adds a member, REMOVE removes one; a MODIFY (a new display) changes no membership. */
const memberChange = (
  record: StreamRecord,
  index: number,
  key: { tenantId: string; groupId: string; userId: string },
): MemberChange | undefined => {
  if (record.eventName !== 'INSERT' && record.eventName !== 'REMOVE') return undefined;
  const item = image(record.eventName === 'INSERT' ? record.dynamodb?.NewImage : record.dynamodb?.OldImage);
  const display = item?.display;
  return {
    index,
    tenantId: key.tenantId,
    groupId: key.groupId,
    detailType: record.eventName === 'INSERT' ? 'Group Members Added' : 'Group Members Removed',
    member: typeof display === 'string' ? { value: key.userId, display } : { value: key.userId },
    sequence: record.dynamodb?.SequenceNumber ?? '',
    time: creationTime(record),
  };
};

/**
 * JSON as sent: the profile's absent values (undefined) are null on the wire, so every field of the
 * contract is always present.
 */
export const wireJson = (value: unknown): string =>
  JSON.stringify(value, (_key, nested: unknown) => (nested === undefined ? null : nested));

export const detailJson = (detail: ChangeEventDetail): string => wireJson(detail);

/** The bytes EventBridge counts for an entry: Source, DetailType, Detail, Time (as 14). */
export const entryBytes = (detailType: string, detail: ChangeEventDetail): number =>
  Buffer.byteLength(EVENT_SOURCE) +
  Buffer.byteLength(detailType) +
  Buffer.byteLength(detailJson(detail)) +
  TIME_BYTES;

const memberEvent = (run: readonly MemberChange[]): ChangeEvent => {
  const first = run[0];
  const last = run[run.length - 1];
  if (first === undefined || last === undefined) throw new Error('an empty member run');
  return {
    detailType: first.detailType,
    detail: {
      eventId: deterministicId(
        first.tenantId,
        first.groupId,
        first.detailType,
        first.sequence,
        last.sequence,
      ),
      tenantId: first.tenantId,
      resourceType: 'Group',
      id: first.groupId,
      externalId: null,
      version: null,
      sequence: first.sequence,
      time: first.time,
      changedAttributes: ['members'],
      members: run.map((change) => change.member),
    },
    firstRecord: first.index,
    lastRecord: last.index,
  };
};

/**
 * Consecutive member changes of one group and one direction become one event, split where the next
 * member would take the entry over `maxEntryBytes`.
 */
const memberEvents = (run: readonly MemberChange[], maxEntryBytes: number): ChangeEvent[] => {
  const events: ChangeEvent[] = [];
  let part: MemberChange[] = [];
  let partBytes = 0;
  for (const change of run) {
    // One more element of the members array: its JSON and a comma (the ids keep their length).
    const added = Buffer.byteLength(JSON.stringify(change.member)) + 1;
    if (part.length > 0 && partBytes + added > maxEntryBytes) {
      events.push(memberEvent(part));
      part = [];
    }
    if (part.length === 0) {
      const single = memberEvent([change]);
      partBytes = entryBytes(single.detailType, single.detail);
    } else {
      partBytes += added;
    }
    part.push(change);
  }
  if (part.length > 0) events.push(memberEvent(part));
  return events;
};

// ---- A batch -----------------------------------------------------------------------------------------

export interface MapOptions {
  /** Tests use a small limit to see the split; EventBridge's is the default. */
  readonly maxEntryBytes?: number;
}

const keyOf = (record: StreamRecord) => {
  const keys = image(record.dynamodb?.Keys);
  const { pk, sk } = keys ?? {};
  if (typeof pk !== 'string' || typeof sk !== 'string') throw new MalformedRecord('the record has no key');
  return parseChangedItemKey(pk, sk);
};

export const mapStreamRecords = (records: readonly StreamRecord[], options: MapOptions = {}): MappedBatch => {
  const maxEntryBytes = options.maxEntryBytes ?? MAX_ENTRY_BYTES;
  const events: ChangeEvent[] = [];
  const rejected: RejectedRecord[] = [];
  let run: MemberChange[] = [];
  const flushRun = (): void => {
    if (run.length > 0) events.push(...memberEvents(run, maxEntryBytes));
    run = [];
  };
  records.forEach((record, index) => {
    try {
      const key = keyOf(record);
      if (key === undefined) return;
      if (key.kind === 'member') {
        const change = memberChange(record, index, key);
        if (change === undefined) return;
        const previous = run[run.length - 1];
        if (
          previous !== undefined &&
          (previous.groupId !== change.groupId ||
            previous.tenantId !== change.tenantId ||
            previous.detailType !== change.detailType)
        ) {
          flushRun();
        }
        run.push(change);
        return;
      }
      flushRun();
      const event = resourceEvent(record, index, key);
      if (event !== undefined) events.push(event);
    } catch (error) {
      if (!(error instanceof MalformedRecord)) throw error;
      flushRun();
      rejected.push({ index, sequenceNumber: record.dynamodb?.SequenceNumber, reason: error.message });
    }
  });
  flushRun();
  return { events, rejected };
};
