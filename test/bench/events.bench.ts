/**
 * Change events (docs/events.md): how fast one publisher turns a batch of 100 table stream records into
 * published events, and what the feature costs the SCIM request path in DynamoDB (nothing: the stream
 * is a table setting, and no request reads or writes anything for it).
 *
 * Throughput: `publishRecords` (mapping, request batching, per-entry results) on a batch of 100 User
 * changes, each a full Entra profile before and after, into (a) an in-process sink that accepts every
 * entry at once, which measures our code alone, and (b) moto's EventBridge over HTTP (PutEvents of 10
 * entries), which adds a real API's serialisation and round trips, on loopback, not AWS's latency.
 *
 * Request path: the local server's SCIM requests over HTTP, every DynamoDB command of its client
 * recorded, once with the table's stream on and once with it turned off (UpdateTable).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';

import { startLocalServer } from '../../bin/local/server';
import { mapStreamRecords } from '../../lambdas/events/change-events';
import type { StreamRecord } from '../../lambdas/events/change-events';
import { eventBridgeSink } from '../../lambdas/events/eventbridge-sink';
import { publishRecords } from '../../lambdas/events/publisher';
import type { EventSink } from '../../lambdas/events/publisher';
import type { JsonObject } from '../../lambdas/scim/json';
import { CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN } from '../../lambdas/scim/schema/urns';
import { localClient, startDynamoDbLocal } from '../../lambdas/store/dynamodb-local';
import { toItem } from '../../lambdas/store/items';
import { CORE_GROUP, ScimClient, entraUser, idOf } from '../integration/e2e/harness';
import { MOTO_CLIENT_CONFIG, startMotoServer } from '../integration/moto-server';
import type { BenchReporter } from './report';

const BATCH_RECORDS = 100;
const TENANT = 'bench-events';

// ---- Throughput ----------------------------------------------------------------------------------------

const profileUser = (n: number, title: string): JsonObject => ({
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
  externalId: `0c1d2e3f-0000-4000-8000-${String(n).padStart(12, '0')}`,
  userName: `member${n}@contoso.example`,
  active: true,
  displayName: `Member ${n}`,
  title,
  preferredLanguage: 'fr-CA',
  name: { givenName: 'Camille', familyName: `Member ${n}` },
  emails: [{ value: `member${n}@contoso.example`, type: 'work', primary: true }],
  addresses: [{ type: 'work', locality: 'Montréal', country: 'CA' }],
  [ENTERPRISE_USER_URN]: { department: 'Sales', manager: { value: 'manager-id' } },
  [PROFILE_USER_URN]: {
    managementLevel: 'Director',
    businessUnit: 'EMEA Sales',
    jobFunction: 'Sales',
    peopleManager: 'yes',
    managerEmail: 'boss@contoso.example',
  },
});

/** A MODIFY of user n from version 1 to 2 (a title change): one User Updated with two profiles. */
const updateRecord = (n: number): StreamRecord => {
  const id = `6f1c1b1e-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const stamp = (version: number) => ({
    version,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: `2026-01-01T00:00:0${version}.000Z`,
  });
  const before = toItem(TENANT, 'User', id, profileUser(n, 'Analyst'), stamp(1));
  const after = toItem(TENANT, 'User', id, profileUser(n, 'Director'), stamp(2));
  return {
    eventName: 'MODIFY',
    dynamodb: {
      Keys: marshall({ pk: after.pk, sk: after.sk }),
      OldImage: marshall({ ...before }),
      NewImage: marshall({ ...after }),
      SequenceNumber: String(1_000_000 + n),
      ApproximateCreationDateTime: 1_767_225_600,
    },
  };
};

const batch: readonly StreamRecord[] = Array.from({ length: BATCH_RECORDS }, (_, n) => updateRecord(n));

/** Accepts every entry at once: our code's cost alone. */
const inProcessSink: EventSink = { put: (events) => Promise.resolve(events.map(() => true)) };

interface Throughput {
  readonly batches: number;
  readonly events: number;
  readonly milliseconds: number;
}

/** Publishes the batch again and again for at least `minimumMs` (after one warm-up batch). */
const publishFor = async (
  sink: EventSink,
  minimumMs: number,
  minimumBatches: number,
): Promise<Throughput> => {
  await publishRecords(batch, sink);
  let batches = 0;
  let events = 0;
  const start = performance.now();
  while (performance.now() - start < minimumMs || batches < minimumBatches) {
    const result = await publishRecords(batch, sink);
    if (result.failedRecord !== undefined) throw new Error('a bench batch was not published');
    events += result.published;
    batches += 1;
  }
  return { batches, events, milliseconds: performance.now() - start };
};

const throughputRow = (label: string, figures: Throughput): string[] => [
  label,
  String(figures.batches),
  (figures.milliseconds / figures.batches).toFixed(1),
  String(Math.round((figures.events / figures.milliseconds) * 1000)),
  String(Math.round(((figures.batches * BATCH_RECORDS) / figures.milliseconds) * 1000)),
];

// ---- The request path ----------------------------------------------------------------------------------

/** Each SCIM request of Entra's flow, named, and the DynamoDB commands it sent. */
type Flow = readonly (readonly [operation: string, commands: string])[];

const runFlow = async (scim: ScimClient, commands: string[], suffix: string): Promise<Flow> => {
  const rows: [string, string][] = [];
  const step = async <T>(operation: string, request: () => Promise<T>): Promise<T> => {
    commands.length = 0;
    const result = await request();
    rows.push([operation, commands.join(', ')]);
    return result;
  };
  const userName = `ada.${suffix}@contoso.example`;
  await step('GET /Users?filter=userName eq (no match)', () =>
    scim.filter('Users', `userName eq "${userName}"`),
  );
  const ada = idOf(await step('POST /Users', () => scim.post('/Users', entraUser(userName))));
  const bob = idOf(await scim.post('/Users', entraUser(`bob.${suffix}@contoso.example`)));
  await step('PATCH /Users (replace title)', () =>
    scim.patch(`/Users/${ada}`, [{ op: 'Replace', path: 'title', value: 'Director' }]),
  );
  await step('PATCH /Users (deactivate)', () =>
    scim.patch(`/Users/${ada}`, [{ op: 'Replace', path: 'active', value: 'False' }]),
  );
  await step('PATCH /Users (no change)', () =>
    scim.patch(`/Users/${ada}`, [{ op: 'Replace', path: 'active', value: 'False' }]),
  );
  const group = idOf(
    await step('POST /Groups', () =>
      scim.post('/Groups', { schemas: [CORE_GROUP], displayName: `Sales ${suffix}` }),
    ),
  );
  await step('PATCH /Groups (add 2 members)', () =>
    scim.patch(`/Groups/${group}`, [{ op: 'Add', path: 'members', value: [{ value: ada }, { value: bob }] }]),
  );
  await step('DELETE /Users (in 1 group)', () => scim.delete(`/Users/${ada}`));
  await step('DELETE /Groups', () => scim.delete(`/Groups/${group}`));
  return rows;
};

const setStream = async (endpoint: string, tableName: string, enabled: boolean): Promise<void> => {
  const admin = localClient(endpoint);
  try {
    await admin.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: enabled
          ? { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' }
          : { StreamEnabled: false },
      }),
    );
  } finally {
    admin.destroy();
  }
};

const requestPath = async (): Promise<{ on: Flow; off: Flow }> => {
  const dynamo = await startDynamoDbLocal();
  const dataDir = await mkdtemp(join(tmpdir(), 'scim-bench-events-'));
  try {
    const server = await startLocalServer({
      port: 0,
      dataDir,
      dynamoDbEndpoint: dynamo.endpoint,
      tableName: `bench-events-${randomBytes(4).toString('hex')}`,
      tenantId: TENANT,
      logLevel: 'SILENT',
      // The feed reads the stream with a client of its own; off, so that only requests are counted.
      eventFeed: false,
    });
    try {
      const commands: string[] = [];
      server.client.middlewareStack.add(
        (next, context) => (args) => {
          commands.push((context.commandName ?? 'unknown').replace(/Command$/, ''));
          return next(args);
        },
        { step: 'initialize', name: 'benchCommands' },
      );
      const scim = new ScimClient(server.tenantUrl, server.token);
      // Warm-up: the first requests also write the tenant's activity and status.
      await runFlow(scim, commands, 'warm');
      const on = await runFlow(scim, commands, 'on');
      await setStream(dynamo.endpoint, server.tableName, false);
      const off = await runFlow(scim, commands, 'off');
      return { on, off };
    } finally {
      await server.stop();
    }
  } finally {
    await dynamo.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
};

// ---- The report ----------------------------------------------------------------------------------------

export async function run(report: BenchReporter): Promise<void> {
  const { events: eventsPerBatch } = mapStreamRecords(batch);
  const inProcess = await publishFor(inProcessSink, 3_000, 20);

  const moto = await startMotoServer();
  let viaMoto: Throughput;
  try {
    const client = new EventBridgeClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const busName = `bench-${randomBytes(4).toString('hex')}`;
    await client.send(new CreateEventBusCommand({ Name: busName }));
    viaMoto = await publishFor(eventBridgeSink(client, busName), 3_000, 5);
    client.destroy();
  } finally {
    await moto.stop();
  }

  report.section('events', 'Change events: publisher throughput and request-path cost');
  report.text(
    `One publisher (\`publishRecords\`, lambdas/events/publisher.ts) on a batch of ${BATCH_RECORDS} table ` +
      `stream records, each a User change with a full Entra profile before and after (${eventsPerBatch.length} ` +
      'User Updated events per batch): mapping, requests of 10 entries, per-entry results. "In-process" ' +
      'accepts every entry at once and measures our code alone; "moto" sends each request to moto\'s ' +
      'EventBridge over loopback HTTP (python3 -m moto.server), adding serialisation and round trips but ' +
      "not AWS's network latency. One run; the ratio of the two is the figure to read.",
  );
  report.table(
    ['Sink', 'batches', 'ms per batch', 'events/s', 'records/s'],
    [throughputRow('in-process', inProcess), throughputRow('moto EventBridge (HTTP)', viaMoto)],
  );

  const { on, off } = await requestPath();
  const rows = on.map(([operation, withStream], index) => {
    const withoutStream = off[index]?.[1] ?? '(missing)';
    return [
      operation,
      withStream || '(none)',
      withoutStream || '(none)',
      withStream === withoutStream ? 'yes' : 'NO',
    ];
  });
  const count = (flow: Flow) =>
    flow.reduce((total, [, commands]) => total + (commands === '' ? 0 : commands.split(', ').length), 0);
  report.text(
    "The feature's DynamoDB cost on the request path: Entra's requests over HTTP to the local server, every " +
      'DynamoDB command its client sent, with the table stream on and then turned off (UpdateTable). ' +
      `Commands in all: ${count(on)} with the stream, ${count(off)} without. The stream is a table setting ` +
      'that DynamoDB fills on its own; reading it is billed to the events Lambda (GetRecords, free for ' +
      'Lambda triggers), not to any request.',
  );
  report.table(['Request', 'DynamoDB commands, stream on', 'stream off', 'same'], rows);
}
