import { describe, expect, it } from '@jest/globals';
import { marshall } from '@aws-sdk/util-dynamodb';

import {
  CHANGE_EVENT_TYPES,
  MAX_ENTRY_BYTES,
  entryBytes,
  mapStreamRecords,
} from '../../../lambdas/events/change-events';
import type { ChangeEvent, StreamRecord } from '../../../lambdas/events/change-events';
import type { JsonObject } from '../../../lambdas/scim/json';
import { normaliseProfile } from '../../../lambdas/scim/profile';
import { toItem } from '../../../lambdas/store/items';
import {
  counterKey,
  emailKey,
  externalIdKey,
  memberKey,
  pageMarkerKey,
  tenantKey,
  uniqueKey,
} from '../../../lambdas/store/keys';
import type { TableKey } from '../../../lambdas/store/keys';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';
const TENANT = 'acme';
const USER_ID = '6f1c1b1e-4b8a-4c49-9a51-3f1f5d9e2a01';
const GROUP_ID = '0b7d4a52-2f4e-4a43-8d0c-1c9e2b6f4a02';
const OTHER_GROUP_ID = '9a3e8c1d-5b2f-4e6a-8c7d-2e1f0a9b8c03';

const user = (attributes: JsonObject = {}): JsonObject => ({
  schemas: [CORE, ENTERPRISE, PROFILE],
  externalId: 'ext-1',
  userName: 'jane@example.com',
  name: { givenName: 'Jane', familyName: 'Doe' },
  emails: [{ value: 'jane@example.com', type: 'work', primary: true }],
  active: true,
  [PROFILE]: { managementLevel: 'Director' },
  ...attributes,
});

const group = (displayName = 'Sales'): JsonObject => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  displayName,
  externalId: 'g-ext',
});

const stamp = (version: number) => ({
  version,
  created: '2026-01-01T00:00:00.000Z',
  lastModified: `2026-01-01T00:00:0${version}.000Z`,
});

let sequence = 100;
const record = (
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  key: TableKey,
  images: { old?: Record<string, unknown>; new?: Record<string, unknown> },
): StreamRecord => {
  sequence += 1;
  return {
    eventName,
    dynamodb: {
      Keys: marshall(key),
      ...(images.old === undefined
        ? {}
        : { OldImage: marshall(images.old, { removeUndefinedValues: true }) }),
      ...(images.new === undefined
        ? {}
        : { NewImage: marshall(images.new, { removeUndefinedValues: true }) }),
      SequenceNumber: String(sequence),
      ApproximateCreationDateTime: 1_767_225_600,
    },
  };
};

const userItem = (body: JsonObject, version: number) => toItem(TENANT, 'User', USER_ID, body, stamp(version));
const groupItem = (body: JsonObject, version: number, id = GROUP_ID) =>
  toItem(TENANT, 'Group', id, body, stamp(version));
const keyOf = (item: TableKey): TableKey => ({ pk: item.pk, sk: item.sk });
const userRecord = (before?: JsonObject, after?: JsonObject, version = 1): StreamRecord => {
  const old = before === undefined ? undefined : userItem(before, version);
  const now = after === undefined ? undefined : userItem(after, before === undefined ? version : version + 1);
  const eventName = old === undefined ? 'INSERT' : now === undefined ? 'REMOVE' : 'MODIFY';
  return record(eventName, keyOf(userItem(user(), 1)), {
    ...(old === undefined ? {} : { old: { ...old } }),
    ...(now === undefined ? {} : { new: { ...now } }),
  });
};
const memberItem = (groupId: string, userId: string, display?: string) => ({
  ...memberKey(TENANT, groupId, userId),
  gsi1pk: `T#${TENANT}#USER#${userId}`,
  gsi1sk: groupId,
  userId,
  groupId,
  ...(display === undefined ? {} : { display }),
});
const memberAdded = (groupId: string, userId: string, display?: string) =>
  record('INSERT', memberKey(TENANT, groupId, userId), { new: memberItem(groupId, userId, display) });
const memberRemoved = (groupId: string, userId: string) =>
  record('REMOVE', memberKey(TENANT, groupId, userId), { old: memberItem(groupId, userId) });
const userId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const summary = (events: readonly ChangeEvent[]) =>
  events.map((event) => ({
    type: event.detailType,
    id: event.detail.id,
    version: event.detail.version,
    changed: event.detail.changedAttributes,
  }));

describe('mapStreamRecords: one event per real change of a resource', () => {
  const manager = { value: 'u-9' };
  it.each<[string, StreamRecord, { type: string; version: number; changed: string[] }]>([
    [
      'a created user',
      userRecord(undefined, user()),
      {
        type: 'User Provisioned',
        version: 1,
        changed: ['active', 'emails', 'externalId', 'name', `${PROFILE}:managementLevel`, 'userName'],
      },
    ],
    [
      'a new title',
      userRecord(user(), user({ title: 'VP' })),
      { type: 'User Updated', version: 2, changed: ['title'] },
    ],
    [
      'an extension attribute',
      userRecord(user(), user({ [ENTERPRISE]: { manager } })),
      { type: 'User Updated', version: 2, changed: [`${ENTERPRISE}:manager`] },
    ],
    [
      'active true -> false',
      userRecord(user(), user({ active: false })),
      { type: 'User Deactivated', version: 2, changed: ['active'] },
    ],
    [
      'active false -> true',
      userRecord(user({ active: false }), user({ active: true })),
      { type: 'User Reactivated', version: 2, changed: ['active'] },
    ],
    [
      'active absent (true) -> "False"',
      userRecord(user({ active: undefined }), user({ active: 'False', title: 'x' })),
      { type: 'User Deactivated', version: 2, changed: ['active', 'title'] },
    ],
    [
      'a deleted user',
      userRecord(user(), undefined, 3),
      {
        type: 'User Deleted',
        version: 4,
        changed: ['active', 'emails', 'externalId', 'name', `${PROFILE}:managementLevel`, 'userName'],
      },
    ],
    [
      'a created group',
      record('INSERT', keyOf(groupItem(group(), 1)), { new: { ...groupItem(group(), 1) } }),
      { type: 'Group Created', version: 1, changed: ['displayName', 'externalId'] },
    ],
    [
      'a renamed group',
      record('MODIFY', keyOf(groupItem(group(), 1)), {
        old: { ...groupItem(group(), 1) },
        new: { ...groupItem(group('Sales EMEA'), 2) },
      }),
      { type: 'Group Updated', version: 2, changed: ['displayName'] },
    ],
    [
      'a deleted group',
      record('REMOVE', keyOf(groupItem(group(), 5)), { old: { ...groupItem(group(), 5) } }),
      { type: 'Group Deleted', version: 6, changed: ['displayName', 'externalId'] },
    ],
  ])('%s', (_name, streamRecord, expected) => {
    const { events, rejected } = mapStreamRecords([streamRecord]);
    expect(rejected).toEqual([]);
    expect(summary(events)).toEqual([{ ...expected, id: expect.any(String) }]);
  });

  it('a user event carries the identity and the normalised profile before and after', () => {
    const before = user();
    const after = user({ title: 'VP', [PROFILE]: { managementLevel: 'Vice President' } });
    const [event] = mapStreamRecords([userRecord(before, after)]).events;
    expect(event?.detail).toEqual({
      eventId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      tenantId: TENANT,
      resourceType: 'User',
      id: USER_ID,
      externalId: 'ext-1',
      userName: 'jane@example.com',
      version: 2,
      sequence: expect.any(String),
      time: '2026-01-01T00:00:02.000Z',
      changedAttributes: ['title', `${PROFILE}:managementLevel`],
      profile: {
        before: normaliseProfile({ ...before, id: USER_ID }),
        after: normaliseProfile({ ...after, id: USER_ID }),
      },
    });
    expect(event?.detail.profile?.after?.completeness.missingRequired).toEqual([]);
    expect(event?.detail.profile?.after?.profile.jobTitle).toBe('VP');
  });

  it('a deleted user is stamped with the time the stream recorded, and has no profile after', () => {
    const [event] = mapStreamRecords([userRecord(user(), undefined, 3)]).events;
    expect(event?.detail.time).toBe('2026-01-01T00:00:00.000Z');
    expect(event?.detail.profile?.after).toBeNull();
    expect(event?.detail.profile?.before?.profile.email).toBe('jane@example.com');
  });

  it('ids are deterministic: the same record gives the same id, another version another id', () => {
    const first = userRecord(user(), user({ title: 'A' }), 1);
    const again = mapStreamRecords([first]).events[0]?.detail.eventId;
    expect(mapStreamRecords([first]).events[0]?.detail.eventId).toBe(again);
    const next = mapStreamRecords([userRecord(user({ title: 'A' }), user({ title: 'B' }), 2)]).events[0];
    expect(next?.detail.eventId).not.toBe(again);
    expect(new Set(CHANGE_EVENT_TYPES).size).toBe(10);
  });
});

describe('mapStreamRecords: writes that change nothing publish nothing', () => {
  it.each<[string, StreamRecord]>([
    ['a PUT of the same body (version bumped)', userRecord(user(), user())],
    [
      'the same body with keys in another order',
      userRecord(user(), Object.fromEntries(Object.entries(user()).reverse())),
    ],
    [
      "a members-only PATCH bumping the group's version",
      record('MODIFY', keyOf(groupItem(group(), 1)), {
        old: { ...groupItem(group(), 1) },
        new: { ...groupItem(group(), 2) },
      }),
    ],
    [
      'a new member display',
      record('MODIFY', memberKey(TENANT, GROUP_ID, userId(1)), {
        old: memberItem(GROUP_ID, userId(1)),
        new: memberItem(GROUP_ID, userId(1), 'Jane'),
      }),
    ],
    [
      'a userName lookup',
      record('INSERT', uniqueKey(TENANT, 'User', 'userName', 'Jane'), {
        new: { ...uniqueKey(TENANT, 'User', 'userName', 'Jane'), id: USER_ID },
      }),
    ],
    [
      'an externalId lookup',
      record('REMOVE', externalIdKey(TENANT, 'User', 'x', USER_ID), {
        old: { ...externalIdKey(TENANT, 'User', 'x', USER_ID), id: USER_ID },
      }),
    ],
    [
      'an email lookup',
      record('INSERT', emailKey(TENANT, 'a@b.c', USER_ID), {
        new: { ...emailKey(TENANT, 'a@b.c', USER_ID), id: USER_ID },
      }),
    ],
    [
      'a counter shard',
      record('MODIFY', counterKey(TENANT, 'User', 3), {
        old: { ...counterKey(TENANT, 'User', 3), count: 1 },
        new: { ...counterKey(TENANT, 'User', 3), count: 2 },
      }),
    ],
    [
      'a page marker expiring',
      record('REMOVE', pageMarkerKey(TENANT, 'User', 101), {
        old: { ...pageMarkerKey(TENANT, 'User', 101), lastId: USER_ID, ttl: 1 },
      }),
    ],
    [
      'the tenant metadata',
      record('INSERT', tenantKey(TENANT), {
        new: { ...tenantKey(TENANT), tenantId: TENANT, createdAt: 'x' },
      }),
    ],
  ])('%s', (_name, streamRecord) => {
    expect(mapStreamRecords([streamRecord])).toEqual({ events: [], rejected: [] });
  });
});

describe('mapStreamRecords: memberships', () => {
  it('consecutive changes of one group and direction are one event, in record order', () => {
    const records = [
      memberAdded(GROUP_ID, userId(1), 'Jane'),
      memberAdded(GROUP_ID, userId(2)),
      memberAdded(OTHER_GROUP_ID, userId(1)),
      memberRemoved(OTHER_GROUP_ID, userId(3)),
      memberRemoved(OTHER_GROUP_ID, userId(4)),
    ];
    const { events } = mapStreamRecords(records);
    expect(
      events.map((event) => [
        event.detailType,
        event.detail.id,
        event.detail.members,
        event.firstRecord,
        event.lastRecord,
      ]),
    ).toEqual([
      ['Group Members Added', GROUP_ID, [{ value: userId(1), display: 'Jane' }, { value: userId(2) }], 0, 1],
      ['Group Members Added', OTHER_GROUP_ID, [{ value: userId(1) }], 2, 2],
      ['Group Members Removed', OTHER_GROUP_ID, [{ value: userId(3) }, { value: userId(4) }], 3, 4],
    ]);
    expect(events[0]?.detail).toMatchObject({
      tenantId: TENANT,
      resourceType: 'Group',
      version: null,
      changedAttributes: ['members'],
      sequence: records[0]?.dynamodb?.SequenceNumber,
      time: '2026-01-01T00:00:00.000Z',
    });
  });

  it('a resource change between member changes keeps the order and splits the run', () => {
    const records = [
      memberAdded(GROUP_ID, userId(1)),
      record('MODIFY', keyOf(groupItem(group(), 1)), {
        old: { ...groupItem(group(), 1) },
        new: { ...groupItem(group('Renamed'), 2) },
      }),
      memberAdded(GROUP_ID, userId(2)),
    ];
    expect(mapStreamRecords(records).events.map((event) => event.detailType)).toEqual([
      'Group Members Added',
      'Group Updated',
      'Group Members Added',
    ]);
  });

  it('splits a large change into events under the entry limit, losing and repeating no member', () => {
    const records = Array.from({ length: 40 }, (_, n) =>
      memberAdded(GROUP_ID, userId(n), `Member number ${n}`),
    );
    const limit = 1200;
    const { events } = mapStreamRecords(records, { maxEntryBytes: limit });
    expect(events.length).toBeGreaterThan(2);
    for (const event of events) expect(entryBytes(event.detailType, event.detail)).toBeLessThanOrEqual(limit);
    // Each part is as full as it can be: the next member would not have fitted.
    for (const [index, event] of events.slice(0, -1).entries()) {
      const next = events[index + 1]?.detail.members?.[0];
      const bigger = { ...event.detail, members: [...(event.detail.members ?? []), next] };
      expect(entryBytes(event.detailType, bigger as typeof event.detail)).toBeGreaterThan(limit);
    }
    expect(events.flatMap((event) => event.detail.members?.map((member) => member.value))).toEqual(
      Array.from({ length: 40 }, (_, n) => userId(n)),
    );
    expect(new Set(events.map((event) => event.detail.eventId)).size).toBe(events.length);
  });

  it("5,000 members with long displays fit EventBridge's 256 KB entries", () => {
    const records = Array.from({ length: 5000 }, (_, n) => memberAdded(GROUP_ID, userId(n), 'x'.repeat(200)));
    const { events } = mapStreamRecords(records);
    expect(events.length).toBeGreaterThan(1);
    for (const event of events)
      expect(entryBytes(event.detailType, event.detail)).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    expect(events.reduce((total, event) => total + (event.detail.members?.length ?? 0), 0)).toBe(5000);
  });
});

describe('mapStreamRecords: malformed records are rejected by index, never dropped or thrown', () => {
  const good = userRecord(undefined, user());
  const bad = (streamRecord: StreamRecord): StreamRecord => ({ ...streamRecord });
  it.each<[string, StreamRecord, string]>([
    ['no keys', bad({ eventName: 'INSERT', dynamodb: { SequenceNumber: '9' } }), 'the record has no key'],
    [
      'an image that is not an item',
      bad({
        eventName: 'INSERT',
        dynamodb: {
          Keys: marshall(keyOf(userItem(user(), 1))),
          NewImage: { data: { Z: 1 } },
          SequenceNumber: '9',
        },
      }),
      'an image is not a DynamoDB item',
    ],
    [
      'a resource without data',
      record('INSERT', keyOf(userItem(user(), 1)), {
        new: { ...keyOf(userItem(user(), 1)), id: USER_ID, type: 'User', version: 1 },
      }),
      'a resource image is malformed',
    ],
    [
      'a resource whose data is not JSON',
      record('INSERT', keyOf(userItem(user(), 1)), { new: { ...userItem(user(), 1), data: '{not json' } }),
      'a resource image is malformed',
    ],
    [
      'a resource record without images',
      record('MODIFY', keyOf(userItem(user(), 1)), {}),
      'a resource record has no image',
    ],
    [
      'a member record without a time',
      {
        eventName: 'INSERT',
        dynamodb: { Keys: marshall(memberKey(TENANT, GROUP_ID, userId(1))), SequenceNumber: '9' },
      },
      'no creation time',
    ],
  ])('%s', (_name, streamRecord, reason) => {
    const { events, rejected } = mapStreamRecords([good, streamRecord, good]);
    expect(rejected).toEqual([{ index: 1, sequenceNumber: streamRecord.dynamodb?.SequenceNumber, reason }]);
    expect(events.map((event) => [event.detailType, event.firstRecord])).toEqual([
      ['User Provisioned', 0],
      ['User Provisioned', 2],
    ]);
  });
});
