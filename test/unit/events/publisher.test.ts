import { describe, expect, it } from '@jest/globals';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';

import { MAX_ENTRY_BYTES, entryBytes, mapStreamRecords } from '../../../lambdas/events/change-events';
import type { ChangeEvent, StreamRecord } from '../../../lambdas/events/change-events';
import { eventBridgeSink, putEventsInput } from '../../../lambdas/events/eventbridge-sink';
import { envelopeJson, publishRecords, requestsOf } from '../../../lambdas/events/publisher';
import type { EventSink } from '../../../lambdas/events/publisher';
import { createStreamHandler } from '../../../lambdas/events/stream-handler';
import { createLogger } from '../../../lambdas/logger';
import { memberKey } from '../../../lambdas/store/keys';
import { TENANT, created, userId } from './stream-records';

const records = (count: number): StreamRecord[] => Array.from({ length: count }, (_, n) => created(n));
const noDelay = (): Promise<void> => Promise.resolve();

/** A sink that records what it accepted and fails as `decide` says. */
const fakeSink = (decide: (event: ChangeEvent, call: number) => boolean | 'throw') => {
  const accepted: string[] = [];
  const calls: number[] = [];
  const sink: EventSink = {
    put(events) {
      const call = calls.length;
      calls.push(events.length);
      if (events.some((event) => decide(event, call) === 'throw')) return Promise.reject(new Error('down'));
      const results = events.map((event) => decide(event, call) === true);
      events.forEach((event, index) => {
        if (results[index]) accepted.push(event.detail.userName ?? '');
      });
      return Promise.resolve(results);
    },
  };
  return { sink, accepted, calls };
};

describe('publishRecords', () => {
  it('sends every event in record order, 10 entries a request', async () => {
    const { sink, accepted, calls } = fakeSink(() => true);
    const result = await publishRecords(records(25), sink, { delay: noDelay });
    expect(result).toEqual({ published: 25, rejected: [], retried: 0 });
    expect(calls).toEqual([10, 10, 5]);
    expect(accepted).toEqual(Array.from({ length: 25 }, (_, n) => `user${n}@example.com`));
  });

  it('retries only the entries that failed, with back-off, and counts them', async () => {
    const waits: number[] = [];
    const { sink, accepted, calls } = fakeSink((event, call) => call > 0 || event.firstRecord % 3 !== 0);
    const result = await publishRecords(records(10), sink, {
      delay: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect(result).toMatchObject({ published: 10, retried: 4 });
    expect(result.failedRecord).toBeUndefined();
    expect(calls).toEqual([10, 4]);
    expect(waits).toEqual([100]);
    expect(new Set(accepted).size).toBe(10);
  });

  it('a thrown request counts as every entry failing and is retried', async () => {
    const { sink, accepted } = fakeSink((_event, call) => (call === 0 ? 'throw' : true));
    const result = await publishRecords(records(3), sink, { delay: noDelay });
    expect(result).toMatchObject({ published: 3, retried: 3 });
    expect(accepted).toHaveLength(3);
  });

  it('stops at the first event that never got through and reports its record', async () => {
    const { sink, accepted } = fakeSink((event) => event.firstRecord !== 13);
    const result = await publishRecords(records(30), sink, { delay: noDelay, maxAttempts: 3 });
    expect(result).toMatchObject({ failedRecord: 13, failedReason: 'unpublished', published: 19 });
    // Records 10..19 were one request: the others of it went through; nothing after it was sent.
    expect(accepted).toHaveLength(19);
    expect(accepted).not.toContain('user20@example.com');
  });

  it('publishes the records before a malformed one and resumes at it', async () => {
    const batch = [...records(3), { eventName: 'INSERT', dynamodb: { SequenceNumber: '7' } }, ...records(2)];
    const { sink, accepted } = fakeSink(() => true);
    const result = await publishRecords(batch, sink, { delay: noDelay });
    expect(result).toMatchObject({ failedRecord: 3, failedReason: 'rejected', published: 3 });
    expect(result.rejected).toEqual([{ index: 3, sequenceNumber: '7', reason: 'the record has no key' }]);
    expect(accepted).toHaveLength(3);
  });
});

describe('requestsOf', () => {
  it("keeps each PutEvents request under EventBridge's 256 KB", async () => {
    const bigGroup = Array.from({ length: 3000 }, (_, n): StreamRecord => ({
      eventName: 'INSERT',
      dynamodb: {
        Keys: marshall(memberKey(TENANT, userId(0), userId(n))),
        NewImage: marshall({ ...memberKey(TENANT, userId(0), userId(n)), display: 'd'.repeat(300) }),
        SequenceNumber: String(n),
        ApproximateCreationDateTime: 1_767_225_600,
      },
    }));
    const { sink, calls } = fakeSink(() => true);
    const result = await publishRecords(bigGroup, sink, { delay: noDelay });
    expect(calls.length).toBe(result.published);
    const { events } = mapStreamRecords(bigGroup);
    for (const request of requestsOf(events)) {
      const bytes = request.reduce((total, event) => total + entryBytes(event.detailType, event.detail), 0);
      expect(bytes).toBeLessThanOrEqual(MAX_ENTRY_BYTES);
    }
  });
});

describe('eventBridgeSink', () => {
  it('sends one PutEvents entry per event to the bus and reads the answer per entry', async () => {
    const sent: unknown[] = [];
    const client = {
      send: (command: { input: unknown }) => {
        sent.push(command.input);
        return Promise.resolve({
          Entries: [{ EventId: 'a' }, { ErrorCode: 'ThrottlingException' }],
          FailedEntryCount: 1,
        });
      },
    };
    const sink = eventBridgeSink(client as never, 'serverless-scim-dev');
    const mapped = mapStreamRecords(records(2)).events;
    expect(await sink.put(mapped)).toEqual([true, false]);
    expect(sent).toEqual([putEventsInput('serverless-scim-dev', mapped)]);
    const entry = putEventsInput('serverless-scim-dev', mapped).Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'serverless-scim-dev',
      Source: 'serverless-scim',
      DetailType: 'User Provisioned',
    });
    // Absent profile values are null on the wire: every field of the contract is present.
    const detail = JSON.parse(entry?.Detail ?? '{}') as {
      profile: { after: { profile: Record<string, unknown> } };
    };
    expect(detail.profile.after.profile.firstName).toBeNull();
    const [first] = mapped;
    if (first === undefined) throw new Error('no event');
    expect(JSON.parse(envelopeJson(first))).toMatchObject({
      id: mapped[0]?.detail.eventId,
      detail,
    });
  });
});

describe('createStreamHandler', () => {
  const logger = createLogger({ serviceName: 'test', logLevel: 'SILENT' });
  const event = (batch: StreamRecord[]): DynamoDBStreamEvent => ({
    Records: batch as DynamoDBStreamEvent['Records'],
  });

  it('reports no failure when every event went out', async () => {
    const handler = createStreamHandler({
      sink: fakeSink(() => true).sink,
      logger,
      options: { delay: noDelay },
    });
    expect(await handler(event(records(5)))).toEqual({ batchItemFailures: [] });
  });

  it('reports the sequence number of the first record not published, so Lambda resumes there', async () => {
    const handler = createStreamHandler({
      sink: fakeSink((changed) => changed.firstRecord < 4).sink,
      logger,
      options: { delay: noDelay, maxAttempts: 2 },
    });
    expect(await handler(event(records(8)))).toEqual({ batchItemFailures: [{ itemIdentifier: '1004' }] });
  });

  it('fails the whole batch when the record to resume at has no sequence number', async () => {
    const batch = records(2).map((record) => ({
      ...record,
      dynamodb: { ...record.dynamodb, SequenceNumber: undefined },
    }));
    const handler = createStreamHandler({
      sink: fakeSink(() => false).sink,
      logger,
      options: { delay: noDelay, maxAttempts: 1 },
    });
    await expect(handler(event(batch))).rejects.toThrow('no sequence number');
  });
});
