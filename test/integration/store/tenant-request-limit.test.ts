/**
 * The per-tenant request limit through the real Users handler on DynamoDB Local: two "containers" (two
 * handlers, each with its own limiter) share the table's counters, so a tenant that fans out over both is
 * held to its share while another tenant in the same containers is served; and the counting adds no round
 * to the store's requests (the counter write runs beside them, never before them).
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { GetCommand } from '@aws-sdk/lib-dynamodb';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';
import type { TenantTokenRecord } from '../../../lambdas/auth/tokens';
import { createUsersHandler } from '../../../lambdas/http/handlers';
import { createLogger } from '../../../lambdas/logger';
import type { ScimLambdaHandler } from '../../../lambdas/middleware';
import { CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import { requestCountKey } from '../../../lambdas/store/keys';
import { dynamoDbRequestCounter } from '../../../lambdas/store/request-counts';
import { TenantRequestLimiter } from '../../../lambdas/tenant-request-limit';
import type { TenantRequestLimit } from '../../../lambdas/tenant-request-limit';
import { makeContext, makeEvent, parseResult } from '../../unit/middleware/helpers';
import { createTestTable } from './table';
import type { TestTable } from './table';

/** 10 requests per 10-second window. */
const LIMIT: TenantRequestLimit = { ratePerSecond: 1, burst: 10 };
/** A window start (a multiple of 10 s). */
const T0 = 1_800_000_000_000;

let table: TestTable;
let now = T0;
const records = new Map<string, { record: TenantTokenRecord; token: string }>();
const tokenStore: TokenStore = {
  getTenantTokens: (tenantId) => Promise.resolve(records.get(tenantId)?.record),
};
const logger = createLogger({ serviceName: 'tenant-request-limit', logLevel: 'SILENT' });

/** Store commands and counter writes, in the order they start and end. */
const trace: string[] = [];
/** Held this long, a counter write is surely still running when the request's own work starts. */
let counterDelayMs = 0;

const isCounterWrite = (input: unknown): boolean => {
  const pk = (input as { Key?: { pk?: unknown } }).Key?.pk;
  return typeof pk === 'string' && pk.endsWith('#REQUESTS');
};

beforeAll(async () => {
  table = await createTestTable();
  table.documentClient.middlewareStack.add(
    (next, context) => async (args) => {
      const label = isCounterWrite(args.input) ? 'counter' : (context.commandName ?? 'unknown');
      trace.push(`start ${label}`);
      if (label === 'counter' && counterDelayMs > 0)
        await new Promise((resolve) => setTimeout(resolve, counterDelayMs));
      try {
        return await next(args);
      } finally {
        trace.push(`end ${label}`);
      }
    },
    { step: 'initialize', name: 'trace' },
  );
  for (const tenantId of ['noisy', 'quiet', 'plain', 'limited']) {
    records.set(tenantId, newTenantRecord(tenantId, new Date()));
  }
});
afterAll(() => table.close());

/** One Lambda container: its own limiter (its own local counts) over the shared table. */
const container = (): ScimLambdaHandler =>
  createUsersHandler({
    repository: table.repository(),
    tokenStore,
    logger,
    requestLimiter: new TenantRequestLimiter(
      LIMIT,
      dynamoDbRequestCounter(table.documentClient, table.tableName),
      () => now,
    ),
  });

async function send(
  handler: ScimLambdaHandler,
  tenantId: string,
  options: { method?: string; path?: string; query?: string; body?: unknown } = {},
) {
  return parseResult(
    await handler(
      makeEvent({
        method: options.method ?? 'GET',
        rawPath: `/tenants/${tenantId}/scim/v2/Users${options.path ?? ''}`,
        rawQueryString: options.query ?? 'filter=userName+eq+%22ada%40example.com%22',
        headers: {
          authorization: `Bearer ${records.get(tenantId)?.token ?? ''}`,
          'content-type': 'application/scim+json',
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      }),
      makeContext(),
    ),
  );
}

const storedCount = async (tenantId: string, windowStartMs: number): Promise<number> => {
  const { Item } = await table.documentClient.send(
    new GetCommand({
      TableName: table.tableName,
      Key: requestCountKey(tenantId, windowStartMs / 1000),
      ConsistentRead: true,
    }),
  );
  return Number(Item?.count ?? 0);
};

jest.setTimeout(30_000);

describe('the per-tenant request limit over two containers, on DynamoDB Local', () => {
  it('holds a tenant fanning out over both to its share, while another tenant keeps getting 2xx', async () => {
    const containers = [container(), container()];
    const noisy: number[] = [];
    const quiet: number[] = [];
    const retryAfter: { second: number; seconds: string }[] = [];
    // Ten seconds of one window: the noisy tenant sends 4 requests a second (2 to each container), 40
    // in all, four times its share.
    for (let second = 0; second < 10; second += 1) {
      now = T0 + second * 1000 + 100;
      for (const handler of containers) {
        for (let index = 0; index < 2; index += 1) {
          const answer = await send(handler, 'noisy');
          noisy.push(answer.status);
          if (answer.status === 429) {
            retryAfter.push({ second, seconds: answer.headers['retry-after'] ?? '' });
            expect(answer.body).toMatchObject({
              schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
              status: '429',
            });
          }
        }
      }
      // The quiet tenant uses its whole share, 1 a second, in turn in each container.
      quiet.push((await send(containers[second % 2] ?? container(), 'quiet')).status);
    }
    const admitted = noisy.filter((status) => status === 200).length;
    expect(noisy.every((status) => status === 200 || status === 429)).toBe(true);
    // Its share (10), overshot by at most one second of its own traffic (4), never the 40 it sent.
    expect(admitted).toBeGreaterThanOrEqual(LIMIT.burst);
    expect(admitted).toBeLessThanOrEqual(LIMIT.burst + 4);
    // Every container has learned the count by the fifth second: from then on refused in both.
    expect(noisy.slice(4 * 4)).toEqual(Array<number>(6 * 4).fill(429));
    // ...told to wait until the window ends: 10 s from its start, in whole seconds rounded up.
    expect(retryAfter.every(({ second, seconds }) => seconds === String(10 - second))).toBe(true);
    expect(retryAfter.at(-1)).toEqual({ second: 9, seconds: '1' });
    // The quiet tenant, in the same containers, was served throughout.
    expect(quiet).toEqual(Array<number>(10).fill(200));
    // The shared count holds what the containers sent (each keeps at most one second's count unsent).
    const stored = await storedCount('noisy', T0);
    expect(stored).toBeGreaterThanOrEqual(LIMIT.burst);
    expect(stored).toBeLessThanOrEqual(admitted);

    // The next window starts afresh.
    now = T0 + 10_000 + 100;
    expect((await send(containers[1] ?? container(), 'noisy')).status).toBe(200);
  });

  it("adds no round to the store's requests: the count's write runs beside them, at most once a second", async () => {
    counterDelayMs = 50;
    now = T0 + 20_000;
    const flow = async (tenantId: string, handler: ScimLambdaHandler) => {
      const costs: { status: number; trace: string[] }[] = [];
      const step = async (options: Parameters<typeof send>[2]) => {
        trace.length = 0;
        const answer = await send(handler, tenantId, options);
        costs.push({ status: answer.status, trace: [...trace] });
        return answer;
      };
      await step({});
      const user = { schemas: [CORE_USER_URN], userName: 'ada@example.com', externalId: 'obj-1' };
      const created = await step({ method: 'POST', query: '', body: user });
      const id = String(created.body?.id);
      await step({});
      now += 1_000;
      await step({
        method: 'PATCH',
        path: `/${id}`,
        query: '',
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
          Operations: [{ op: 'replace', path: 'active', value: false }],
        },
      });
      await step({ path: `/${id}`, query: '' });
      return costs;
    };
    const plain = await flow(
      'plain',
      createUsersHandler({ repository: table.repository(), tokenStore, logger }),
    );
    const limited = await flow('limited', container());
    expect(limited.map(({ status }) => status)).toEqual([200, 201, 200, 204, 200]);
    expect(plain.map(({ status }) => status)).toEqual(limited.map(({ status }) => status));

    const storeOnly = (events: string[]) => events.filter((event) => !event.endsWith(' counter'));
    /** Sequential rounds of the store's commands: a round starts when none is running. */
    const rounds = (events: string[]) => {
      let running = 0;
      let count = 0;
      for (const event of events) {
        if (event.startsWith('start')) count += running++ === 0 ? 1 : 0;
        else running -= 1;
      }
      return count;
    };
    const counterWrites = limited.map(
      ({ trace: events }) => events.filter((e) => e === 'start counter').length,
    );
    // A write in the first request of the window, none in the next two (the same second), one after a second.
    expect(counterWrites).toEqual([1, 0, 0, 1, 0]);
    limited.forEach(({ trace: events }, index) => {
      const store = storeOnly(events);
      // The very same store requests, in the same rounds...
      expect(store).toEqual(storeOnly(plain[index]?.trace ?? []));
      expect(rounds(store)).toBe(rounds(storeOnly(plain[index]?.trace ?? [])));
      if (counterWrites[index] === 0) return;
      // ...with the count's write started first and still running while the store works: never awaited
      // before the request's own work.
      expect(events[0]).toBe('start counter');
      expect(events.indexOf('end counter')).toBeGreaterThan(events.indexOf(store[0] ?? ''));
    });
    counterDelayMs = 0;
  });
});
