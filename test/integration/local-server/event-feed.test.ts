/**
 * The local event feed as `npm start` runs it: the local server on a free port and a temporary data dir,
 * changes made over HTTP, the exact lines of `<data dir>/events.jsonl`, the webhook (a loopback server),
 * and a restart that neither repeats nor loses events.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CreateTableCommand } from '@aws-sdk/client-dynamodb';

import { CHECKPOINT_FILE, EVENTS_FILE } from '../../../bin/local/event-feed';
import type { LocalServer, LocalServerOptions } from '../../../bin/local/server';
import { startLocalServer } from '../../../bin/local/server';
import { deterministicId, wireJson } from '../../../lambdas/events/change-events';
import { normaliseProfile } from '../../../lambdas/scim/profile';
import type { JsonObject } from '../../../lambdas/scim/json';
import { createTableInput, localClient, localDocumentClient } from '../../../lambdas/store/dynamodb-local';
import { DynamoDbScimRepository } from '../../../lambdas/store/dynamodb-repository';
import { CORE_GROUP, ScimClient, entraUser, idOf } from '../e2e/harness';

const TENANT = 'feed-co';
const endpoint = (): string => {
  const value = process.env.DYNAMODB_ENDPOINT;
  if (value === undefined) throw new Error('DYNAMODB_ENDPOINT is not set: run in the integration project');
  return value;
};

/** A loopback webhook: records each body; answers 503 to the first `failFirst` requests. */
interface Webhook {
  readonly url: string;
  readonly bodies: string[];
  requests: number;
  failFirst: number;
  close(): Promise<void>;
}

const startWebhook = async (): Promise<Webhook> => {
  const hook: Omit<Webhook, 'url' | 'close'> = { bodies: [], requests: 0, failFirst: 0 };
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      hook.requests += 1;
      if (hook.requests <= hook.failFirst) {
        response.writeHead(503).end();
        return;
      }
      expect(request.headers['content-type']).toBe('application/json');
      hook.bodies.push(body);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(hook, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
};

let dataDir: string;
let tableName: string;
let webhook: Webhook;
let server: LocalServer | undefined;

const start = async (eventFeed: LocalServerOptions['eventFeed']): Promise<LocalServer> => {
  server = await startLocalServer({
    port: 0,
    dataDir,
    dynamoDbEndpoint: endpoint(),
    tableName,
    tenantId: TENANT,
    logLevel: 'SILENT',
    eventFeed,
  });
  return server;
};

const feedLines = async (): Promise<string[]> =>
  (await readFile(join(dataDir, EVENTS_FILE), 'utf8')).split('\n').filter((line) => line !== '');

const drain = async (): Promise<void> => {
  const feed = server?.eventFeed;
  if (feed === undefined) throw new Error('the event feed is off');
  const round = await feed.drain();
  expect(round).toEqual({ published: expect.any(Number), deadLettered: 0, stalled: false });
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-feed-'));
  tableName = `feed-${randomBytes(6).toString('hex')}`;
  webhook = await startWebhook();
  // A table kept from before the change stream existed: the start turns its stream on.
  const withoutStream = { ...createTableInput(tableName), StreamSpecification: undefined };
  const admin = localClient(endpoint());
  await admin.send(new CreateTableCommand(withoutStream));
  admin.destroy();
}, 30_000);

afterAll(async () => {
  await server?.stop();
  await webhook.close();
  await rm(dataDir, { recursive: true, force: true });
}, 30_000);

/** What the consumer contract (docs/events.md) says each line is, for the resources as answered. */
const userEvent = (
  detailType: string,
  after: JsonObject | undefined,
  before: JsonObject | undefined,
  version: number,
  changedAttributes: string[],
) => {
  const current = (after ?? before) as JsonObject;
  const id = current.id as string;
  const eventId = deterministicId(TENANT, id, version, detailType);
  const time = after === undefined ? expect.any(String) : (after.meta as JsonObject).lastModified;
  return {
    version: '0',
    id: eventId,
    'detail-type': detailType,
    source: 'serverless-scim',
    time,
    detail: {
      eventId,
      tenantId: TENANT,
      resourceType: 'User',
      id,
      externalId: current.externalId,
      version,
      sequence: expect.stringMatching(/^\d+$/),
      time,
      changedAttributes,
      userName: current.userName,
      profile: {
        before: before === undefined ? null : (JSON.parse(wireJson(normaliseProfile(before))) as unknown),
        after: after === undefined ? null : (JSON.parse(wireJson(normaliseProfile(after))) as unknown),
      },
    },
  };
};

const memberEvent = (
  detailType: 'Group Members Added' | 'Group Members Removed',
  groupId: string,
  members: { value: string; display?: string }[],
) => ({
  version: '0',
  id: expect.any(String),
  'detail-type': detailType,
  source: 'serverless-scim',
  time: expect.any(String),
  detail: {
    eventId: expect.any(String),
    tenantId: TENANT,
    resourceType: 'Group',
    id: groupId,
    externalId: null,
    version: null,
    sequence: expect.stringMatching(/^\d+$/),
    time: expect.any(String),
    changedAttributes: ['members'],
    members,
  },
});

describe('the local event feed', () => {
  let scim: ScimClient;
  let ada: JsonObject;
  let bob: JsonObject;
  let groupId: string;
  const snapshots: JsonObject[] = [];
  const get = async (path: string): Promise<JsonObject> => {
    const result = await scim.get(path);
    expect(result.status).toBe(200);
    return result.body as JsonObject;
  };

  it('writes one line per change, in order, exactly as the consumer contract says', async () => {
    webhook.failFirst = 1; // The first POST fails once: retried, nothing lost, order kept.
    const local = await start({ webhookUrl: webhook.url, webhook: { delay: () => Promise.resolve() } });
    scim = new ScimClient(local.tenantUrl, local.token);

    const adaId = idOf(await scim.post('/Users', entraUser('ada@example.com', { title: 'Engineer' })));
    const bobId = idOf(await scim.post('/Users', entraUser('bob@example.com')));
    const adaV1 = await get(`/Users/${adaId}`);
    bob = await get(`/Users/${bobId}`);
    snapshots.push(adaV1);
    // Entra's older dialect: "Replace" with a capital, string booleans.
    expect(
      (await scim.patch(`/Users/${adaId}`, [{ op: 'Replace', path: 'title', value: 'Director' }])).status,
    ).toBe(204);
    const adaV2 = await get(`/Users/${adaId}`);
    expect(
      (await scim.patch(`/Users/${adaId}`, [{ op: 'Replace', path: 'active', value: 'False' }])).status,
    ).toBe(204);
    const adaV3 = await get(`/Users/${adaId}`);
    // The same value again: nothing written, nothing published.
    expect(
      (await scim.patch(`/Users/${adaId}`, [{ op: 'Replace', path: 'active', value: 'False' }])).status,
    ).toBe(204);
    expect(
      (await scim.patch(`/Users/${adaId}`, [{ op: 'replace', path: 'active', value: true }])).status,
    ).toBe(204);
    ada = await get(`/Users/${adaId}`);

    const group = await scim.post('/Groups', {
      schemas: [CORE_GROUP],
      displayName: 'Sales',
      externalId: 'ext-sales',
      members: [{ value: adaId }],
    });
    expect(group.status).toBe(201);
    groupId = idOf(group);
    const groupV1 = group.body as JsonObject;
    expect(
      (await scim.patch(`/Groups/${groupId}`, [{ op: 'Add', path: 'members', value: [{ value: bobId }] }]))
        .status,
    ).toBe(204);
    expect(
      (await scim.patch(`/Groups/${groupId}`, [{ op: 'Remove', path: `members[value eq "${adaId}"]` }]))
        .status,
    ).toBe(204);
    expect((await scim.delete(`/Users/${bobId}`)).status).toBe(204);

    await drain();
    const lines = await feedLines();
    const events = lines.map((line) => JSON.parse(line) as JsonObject);
    expect(events).toEqual([
      userEvent('User Provisioned', adaV1, undefined, 1, expect.any(Array) as unknown as string[]),
      userEvent('User Provisioned', bob, undefined, 1, expect.any(Array) as unknown as string[]),
      userEvent('User Updated', adaV2, adaV1, 2, ['title']),
      userEvent('User Deactivated', adaV3, adaV2, 3, ['active']),
      userEvent('User Reactivated', ada, adaV3, 4, ['active']),
      {
        version: '0',
        id: deterministicId(TENANT, groupId, 1, 'Group Created'),
        'detail-type': 'Group Created',
        source: 'serverless-scim',
        time: (groupV1.meta as JsonObject).lastModified,
        detail: {
          eventId: deterministicId(TENANT, groupId, 1, 'Group Created'),
          tenantId: TENANT,
          resourceType: 'Group',
          id: groupId,
          externalId: 'ext-sales',
          version: 1,
          sequence: expect.stringMatching(/^\d+$/),
          time: (groupV1.meta as JsonObject).lastModified,
          changedAttributes: ['displayName', 'externalId'],
          displayName: 'Sales',
        },
      },
      memberEvent('Group Members Added', groupId, [{ value: adaId }]),
      memberEvent('Group Members Added', groupId, [{ value: bobId }]),
      memberEvent('Group Members Removed', groupId, [{ value: adaId }]),
      expect.objectContaining({ 'detail-type': 'User Deleted' }),
      memberEvent('Group Members Removed', groupId, [{ value: bobId }]),
    ]);
    expect(events[9]).toEqual(
      userEvent('User Deleted', undefined, bob, 2, expect.any(Array) as unknown as string[]),
    );
    // Creation lists every attribute set.
    expect((events[0]?.detail as JsonObject).changedAttributes).toEqual(
      expect.arrayContaining(['active', 'emails', 'externalId', 'name', 'title', 'userName']),
    );
    // One compact JSON object per line, the envelope id being the deterministic event id; in stream order.
    const sequences = events.map((event) => BigInt((event.detail as JsonObject).sequence as string));
    expect(sequences).toEqual([...sequences].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const [index, event] of events.entries()) {
      expect(JSON.stringify(event)).toBe(lines[index]);
      const detail = event.detail as JsonObject;
      expect(event.id).toBe(detail.eventId);
      // A member event of one record: its id from the group, the direction and that record's sequence.
      if (detail.version === null) {
        const sequence = detail.sequence as string;
        expect(detail.eventId).toBe(
          deterministicId(TENANT, groupId, event['detail-type'] as string, sequence, sequence),
        );
      }
    }
    // The webhook got every line, in order, the first after one retry.
    expect(webhook.bodies).toEqual(lines);
    expect(webhook.requests).toBe(lines.length + 1);
  }, 60_000);

  it('resumes from its checkpoint after a restart: nothing again, nothing lost', async () => {
    const before = await feedLines();
    await server?.stop();
    server = undefined;
    const checkpoint = JSON.parse(await readFile(join(dataDir, CHECKPOINT_FILE), 'utf8')) as JsonObject;
    expect(Object.keys(checkpoint.shards as JsonObject).length).toBeGreaterThan(0);

    // A change while the server (and its feed) is down, straight into the table.
    const client = localDocumentClient(endpoint());
    const carol = await new DynamoDbScimRepository({ client, tableName }).createUser(
      TENANT,
      entraUser('carol@example.com') as JsonObject,
    );
    client.destroy();

    // A webhook that does not answer (nothing listens there) never holds the file back.
    const deadPort = new URL(webhook.url).port === '1' ? 2 : 1;
    const local = await start({
      webhookUrl: `http://127.0.0.1:${deadPort}/events`,
      webhook: { delay: () => Promise.resolve() },
    });
    scim = new ScimClient(local.tenantUrl, local.token);
    expect(
      (
        await scim.patch(`/Users/${ada.id as string}`, [
          { op: 'replace', path: 'displayName', value: 'Ada L.' },
        ])
      ).status,
    ).toBe(204);
    await drain();

    const after = await feedLines();
    expect(after.slice(0, before.length)).toEqual(before);
    const added = after.slice(before.length).map((line) => JSON.parse(line) as JsonObject);
    expect(
      added.map((event) => [
        event['detail-type'],
        (event.detail as JsonObject).id,
        (event.detail as JsonObject).version,
      ]),
    ).toEqual([
      ['User Provisioned', carol.id, 1],
      ['User Updated', ada.id, 5],
    ]);
    expect((added[1]?.detail as JsonObject).changedAttributes).toEqual(['displayName']);
    expect(webhook.bodies).toHaveLength(before.length);
  }, 60_000);
});
