/**
 * The events pipeline end to end on real APIs: Entra's provisioning flow replayed over HTTP against the
 * local server (both PATCH dialects, a group with members), the table's stream read through DynamoDB
 * Local's Streams API, each batch handed to the events Lambda's own handler (lambdas/events/
 * stream-handler.ts with the EventBridge sink of lambdas/events.ts), PutEvents to moto's EventBridge,
 * whose rule delivers to an SQS queue in moto, as lib/events.ts wires the platform queue; the test then
 * reads that queue.
 *
 * What stands in for AWS: Lambda's event source mapping is emulated here (`EventSourceMapping`): batches
 * of up to EVENTS_BATCH_SIZE records in shard order, a batch item failure resumes the batch at that
 * record, the checkpoint moves only after a batch succeeded (Lambda's own mapping cannot run locally; its
 * settings are asserted in test/infra/events.test.ts). moto 5 serves EventBridge (buses, rules, PutEvents
 * with per-entry results, refusing more than 10 entries a request) and delivers to SQS targets itself, so
 * the delivery here is moto's. What moto does not check: the 256 KB entry limit (the mapping's unit tests
 * size entries) and the queue policy (moto enforces no IAM; the template tests assert it). The archive and
 * its replay are not exercised here.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBStreamsClient, _Record } from '@aws-sdk/client-dynamodb-streams';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

import { localStreamsClient, readableShards, tableStreamArn } from '../../bin/local/event-feed';
import type { LocalServer } from '../../bin/local/server';
import { startLocalServer } from '../../bin/local/server';
import { EVENTS_BATCH_SIZE } from '../../lib/events';
import { EVENT_SOURCE, deterministicId } from '../../lambdas/events/change-events';
import type { ChangeEventDetail } from '../../lambdas/events/change-events';
import { eventBridgeSink } from '../../lambdas/events/eventbridge-sink';
import type { EventSink } from '../../lambdas/events/publisher';
import { createStreamHandler } from '../../lambdas/events/stream-handler';
import { createLogger } from '../../lambdas/logger';
import { localClient } from '../../lambdas/store/dynamodb-local';
import { CORE_GROUP, ENTERPRISE, ScimClient, entraUser, idOf } from './e2e/harness';
import { MOTO_CLIENT_CONFIG, startMotoServer } from './moto-server';
import type { MotoServer } from './moto-server';

const TENANT = 'pipeline-co';

let moto: MotoServer;
let eventBridge: EventBridgeClient;
let sqs: SQSClient;
let server: LocalServer;
let streams: DynamoDBStreamsClient;
let streamArn: string;
let dataDir: string;

// ---- moto: a bus whose rule delivers every event of ours to a queue (lib/events.ts, platform queue) ----

interface Platform {
  readonly busName: string;
  readonly queueUrl: string;
}

const createPlatform = async (): Promise<Platform> => {
  const name = `scim-${randomBytes(4).toString('hex')}`;
  await eventBridge.send(new CreateEventBusCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-events` }));
  if (QueueUrl === undefined) throw new Error('moto created no queue');
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  await eventBridge.send(
    new PutRuleCommand({
      Name: `${name}-to-platform`,
      EventBusName: name,
      EventPattern: JSON.stringify({ source: [EVENT_SOURCE] }),
    }),
  );
  await eventBridge.send(
    new PutTargetsCommand({
      Rule: `${name}-to-platform`,
      EventBusName: name,
      Targets: [{ Id: 'platform-queue', Arn: Attributes?.QueueArn }],
    }),
  );
  return { busName: name, queueUrl: QueueUrl };
};

interface Delivered {
  readonly 'detail-type': string;
  readonly source: string;
  readonly detail: ChangeEventDetail;
}

/** Every message the queue holds, deleted as read. */
const drainQueue = async (queueUrl: string): Promise<Delivered[]> => {
  const delivered: Delivered[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return delivered;
    // EventBridge's envelope id differs on every delivery (docs/events.md): left out, detail.eventId counts.
    delivered.push(
      ...Messages.map((message) => {
        const { 'detail-type': detailType, source, detail } = JSON.parse(message.Body ?? '') as Delivered;
        return { 'detail-type': detailType, source, detail };
      }),
    );
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
  }
};

/** In stream order: `sequence` orders every event (the order the publisher sent them). */
const inStreamOrder = (events: readonly Delivered[]): Delivered[] =>
  [...events].sort((a, b) => {
    const x = BigInt(a.detail.sequence);
    const y = BigInt(b.detail.sequence);
    return x < y ? -1 : x > y ? 1 : 0;
  });

// ---- Lambda's event source mapping, emulated -----------------------------------------------------------

/** The process 'dies': thrown by a hook, it ends the mapping's run without a checkpoint. */
class Crash extends Error {}

/** Lambda hands the handler this shape: the creation time in epoch seconds, the stream's ARN. */
const lambdaRecord = (record: _Record): DynamoDBRecord => {
  const created = record.dynamodb?.ApproximateCreationDateTime;
  // The Streams API's AttributeValue and aws-lambda's differ only in the type of binary values.
  return {
    ...record,
    eventSourceARN: streamArn,
    dynamodb: {
      ...record.dynamodb,
      ApproximateCreationDateTime: created === undefined ? undefined : created.getTime() / 1000,
    },
  } as unknown as DynamoDBRecord;
};

interface MappingHooks {
  /** Called after each invocation, before the checkpoint moves (throw Crash to 'die' there). */
  readonly afterInvoke?: (invocation: number) => void;
}

/**
 * Reads each shard past its checkpoint, invokes the handler on batches of up to EVENTS_BATCH_SIZE
 * records, resumes a batch at its reported item failure, and moves the checkpoint only after the batch is
 * done. The checkpoints outlive a run, as Lambda's do.
 */
class EventSourceMapping {
  readonly checkpoints = new Map<string, string>();
  invocations = 0;

  constructor(
    readonly handler: (
      event: DynamoDBStreamEvent,
    ) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>,
  ) {}

  async #shardRecords(shardId: string): Promise<_Record[]> {
    const after = this.checkpoints.get(shardId);
    const { ShardIterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shardId,
        ...(after === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }),
      }),
    );
    const records: _Record[] = [];
    let iterator = ShardIterator;
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      records.push(...(page.Records ?? []));
      // DynamoDB Local answers an open shard with an empty page once it is read to its end.
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
    return records;
  }

  async run(hooks: MappingHooks = {}): Promise<void> {
    const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
    for (const shardId of readableShards(StreamDescription?.Shards ?? [], new Set())) {
      const records = await this.#shardRecords(shardId);
      for (let start = 0; start < records.length; start += EVENTS_BATCH_SIZE) {
        let batch = records.slice(start, start + EVENTS_BATCH_SIZE);
        for (let attempt = 1; batch.length > 0; attempt += 1) {
          if (attempt > 5) throw new Error('the batch kept failing');
          this.invocations += 1;
          const { batchItemFailures } = await this.handler({ Records: batch.map(lambdaRecord) });
          hooks.afterInvoke?.(this.invocations);
          const failed = batchItemFailures[0]?.itemIdentifier;
          const resumeAt =
            failed === undefined
              ? batch.length
              : batch.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
          const last = batch[resumeAt - 1]?.dynamodb?.SequenceNumber;
          if (last !== undefined) this.checkpoints.set(shardId, last);
          batch = batch.slice(resumeAt);
        }
      }
    }
  }
}

const handlerFor = (sink: EventSink) =>
  createStreamHandler({
    sink,
    logger: createLogger({ logLevel: 'SILENT', serviceName: 'events-test' }),
    options: { delay: () => Promise.resolve() },
  });

// ---- The flow ------------------------------------------------------------------------------------------

/** [detail-type, resource id, version] of each event, in stream order (member events: version null). */
type Expected = readonly [string, string, number | null];
let expected: Expected[];
let ids: { ada: string; bob: string; group: string };

beforeAll(async () => {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined) throw new Error('DYNAMODB_ENDPOINT is not set: run in the integration project');
  moto = await startMotoServer();
  eventBridge = new EventBridgeClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
  sqs = new SQSClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
  dataDir = await mkdtemp(join(tmpdir(), 'scim-pipeline-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    dynamoDbEndpoint: endpoint,
    tableName: `pipeline-${randomBytes(6).toString('hex')}`,
    tenantId: TENANT,
    logLevel: 'SILENT',
    // The test reads the stream itself, as the events Lambda would.
    eventFeed: false,
  });
  const admin = localClient(endpoint);
  streamArn = await tableStreamArn(admin, server.tableName);
  admin.destroy();
  streams = localStreamsClient(endpoint);

  const legacy = new ScimClient(server.tenantUrl, server.token);
  const flagged = new ScimClient(server.tenantUrl, server.token, 'aadOptscim062020');
  const status = async (answer: Promise<{ status: number }>, code: number) =>
    expect((await answer).status).toBe(code);

  // Users. The legacy dialect: capitalised ops, string booleans.
  const ada = idOf(await legacy.post('/Users', entraUser('ada@contoso.example')));
  await status(legacy.patch(`/Users/${ada}`, [{ op: 'Replace', path: 'title', value: 'Analyst' }]), 204);
  await status(legacy.patch(`/Users/${ada}`, [{ op: 'Replace', path: 'active', value: 'False' }]), 204);
  // The same value again: nothing is written, so nothing is published.
  await status(legacy.patch(`/Users/${ada}`, [{ op: 'Replace', path: 'active', value: 'False' }]), 204);
  await status(legacy.patch(`/Users/${ada}`, [{ op: 'Replace', path: 'active', value: 'True' }]), 204);
  // aadOptscim062020: lower-case ops, real booleans, a no-path replace keyed by paths and URNs.
  const bob = idOf(await flagged.post('/Users', entraUser('bob@contoso.example')));
  await status(
    flagged.patch(`/Users/${bob}`, [
      { op: 'replace', value: { 'name.familyName': 'Builder', [`${ENTERPRISE}:department`]: 'Sales' } },
    ]),
    204,
  );
  await status(flagged.patch(`/Users/${bob}`, [{ op: 'replace', path: 'active', value: false }]), 204);

  // A group: created empty (as Entra does), members added in one PATCH, removed by filter and by list.
  const created = await legacy.post('/Groups', {
    schemas: [CORE_GROUP],
    displayName: 'Sales',
    externalId: 'g-1',
  });
  expect(created.status).toBe(201);
  const group = idOf(created);
  await status(
    legacy.patch(`/Groups/${group}`, [
      { op: 'Add', path: 'members', value: [{ value: ada }, { value: bob }] },
    ]),
    204,
  );
  await status(legacy.patch(`/Groups/${group}`, [{ op: 'Remove', path: `members[value eq "${ada}"]` }]), 204);
  await status(
    flagged.patch(`/Groups/${group}`, [{ op: 'replace', value: { displayName: 'Sales EMEA' } }]),
    204,
  );
  await status(
    flagged.patch(`/Groups/${group}`, [{ op: 'remove', path: 'members', value: [{ value: bob }] }]),
    204,
  );
  await status(
    flagged.patch(`/Groups/${group}`, [{ op: 'add', path: 'members', value: [{ value: ada }] }]),
    204,
  );
  // Deleting a user takes it out of its groups; then the group goes.
  await status(legacy.delete(`/Users/${ada}`), 204);
  await status(legacy.delete(`/Groups/${group}`), 204);

  ids = { ada, bob, group };
  expected = [
    ['User Provisioned', ada, 1],
    ['User Updated', ada, 2],
    ['User Deactivated', ada, 3],
    ['User Reactivated', ada, 4],
    ['User Provisioned', bob, 1],
    ['User Updated', bob, 2],
    ['User Deactivated', bob, 3],
    ['Group Created', group, 1],
    ['Group Members Added', group, null],
    ['Group Members Removed', group, null],
    // Each members-only PATCH bumps the group's version (2, 3, then 5, 6) without a Group Updated.
    ['Group Updated', group, 4],
    ['Group Members Removed', group, null],
    ['Group Members Added', group, null],
    ['User Deleted', ada, 5],
    ['Group Members Removed', group, null],
    ['Group Deleted', group, 7],
  ];
}, 120_000);

afterAll(async () => {
  streams?.destroy();
  eventBridge?.destroy();
  sqs?.destroy();
  await server?.stop();
  await moto?.stop();
  await rm(dataDir, { recursive: true, force: true });
}, 30_000);

const shapeOf = (events: readonly Delivered[]): Expected[] =>
  events.map((event) => [event['detail-type'], event.detail.id, event.detail.version]);

describe('stream -> events Lambda handler -> EventBridge (moto) -> rule -> SQS (moto)', () => {
  let clean: Delivered[];

  it('delivers exactly the expected events, once each, with deterministic ids', async () => {
    const platform = await createPlatform();
    const mapping = new EventSourceMapping(handlerFor(eventBridgeSink(eventBridge, platform.busName)));
    await mapping.run();

    const delivered = await drainQueue(platform.queueUrl);
    clean = inStreamOrder(delivered);
    expect(shapeOf(clean)).toEqual(expected);
    expect(new Set(clean.map((event) => event.detail.eventId)).size).toBe(clean.length);
    for (const event of clean) {
      expect(event.source).toBe(EVENT_SOURCE);
      expect(event.detail.tenantId).toBe(TENANT);
      if (event.detail.version !== null) {
        expect(event.detail.eventId).toBe(
          deterministicId(TENANT, event.detail.id, event.detail.version, event['detail-type']),
        );
      }
    }
    // The two members added by one PATCH are one event; deleting Ada removed her from the group.
    const members = clean
      .filter((event) => event.detail.members !== undefined)
      .map((event) => [event['detail-type'], event.detail.members?.map((member) => member.value)]);
    expect(members).toEqual([
      ['Group Members Added', [ids.ada, ids.bob]],
      ['Group Members Removed', [ids.ada]],
      ['Group Members Removed', [ids.bob]],
      ['Group Members Added', [ids.ada]],
      ['Group Members Removed', [ids.ada]],
    ]);
    // The profile travels: Bob's department change is in his profile-bearing event.
    const bobUpdated = clean.find((event) => event.detail.id === ids.bob && event.detail.version === 2);
    expect(bobUpdated?.detail.changedAttributes).toEqual(['name', `${ENTERPRISE}:department`]);
    expect(bobUpdated?.detail.profile?.after?.profile.lastName).toBe('Builder');
  }, 60_000);

  it('a PutEvents entry failing past its retries: the batch resumes there, nothing lost, repeats keep their id', async () => {
    const platform = await createPlatform();
    const real = eventBridgeSink(eventBridge, platform.busName);
    // One event of the second request (PutEvents takes 10) is throttled on every attempt of the first
    // invocation, while the entries after it in that request are accepted: PutEvents answers per entry.
    const FAILING = 11;
    // The id of that event, from the clean run above (member events' ids come from stream sequences).
    const failingEventId = clean[FAILING]?.detail.eventId;
    if (failingEventId === undefined) throw new Error('the clean run did not deliver the events');
    let firstInvocation = true;
    const sink: EventSink = {
      async put(events) {
        const failing = firstInvocation
          ? events.findIndex((event) => event.detail.eventId === failingEventId)
          : -1;
        if (failing < 0) return real.put(events);
        const others = events.filter((_event, index) => index !== failing);
        const accepted = others.length === 0 ? [] : await real.put(others);
        return events.map((_event, index) =>
          index === failing ? false : (accepted[index < failing ? index : index - 1] ?? false),
        );
      },
    };
    const mapping = new EventSourceMapping(handlerFor(sink));
    await mapping.run({
      afterInvoke: () => {
        firstInvocation = false;
      },
    });
    expect(mapping.invocations).toBe(2);

    const delivered = await drainQueue(platform.queueUrl);
    const distinct = new Map(delivered.map((event) => [event.detail.eventId, event]));
    expect(shapeOf(inStreamOrder([...distinct.values()]))).toEqual(expected);
    // Every copy of an event is the same event: a consumer dropping seen ids applies each once.
    for (const event of delivered) expect(event).toEqual(distinct.get(event.detail.eventId));
    // The events after the failed one in its request were sent again by the batch resumed at its record.
    const afterFailing = expected.length - FAILING - 1;
    expect(delivered.length).toBe(expected.length + afterFailing);
    const repeated = delivered.length - distinct.size;
    expect(repeated).toBe(afterFailing);
  }, 60_000);

  it('the process dies after publishing, before its checkpoint: the batch comes again, same ids', async () => {
    const platform = await createPlatform();
    const mapping = new EventSourceMapping(handlerFor(eventBridgeSink(eventBridge, platform.busName)));
    await expect(
      mapping.run({
        afterInvoke: () => {
          throw new Crash('killed');
        },
      }),
    ).rejects.toThrow(Crash);
    expect(mapping.checkpoints.size).toBe(0);
    // The restarted mapping reads the shard again from its (absent) checkpoint.
    await mapping.run();

    const delivered = await drainQueue(platform.queueUrl);
    expect(delivered).toHaveLength(2 * expected.length);
    const distinct = new Map(delivered.map((event) => [event.detail.eventId, event]));
    expect(distinct.size).toBe(expected.length);
    for (const event of delivered) expect(event).toEqual(distinct.get(event.detail.eventId));
    expect(shapeOf(inStreamOrder([...distinct.values()]))).toEqual(expected);
    // A third run publishes nothing: the checkpoint is at the end of the shard.
    await mapping.run();
    expect(await drainQueue(platform.queueUrl)).toEqual([]);
  }, 60_000);
});
