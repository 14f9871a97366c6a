import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';
import type { TenantTokenRecord } from '../../../lambdas/auth/tokens';
import { scimHandler } from '../../../lambdas/middleware';
import { ANSWER_BEFORE_DEADLINE_MS } from '../../../lambdas/middleware';
import { FLUSH_WAIT_MS } from '../../../lambdas/middleware/tenant-request-limit';
import type { RequestCounter } from '../../../lambdas/store/request-counts';
import { TenantRequestLimiter } from '../../../lambdas/tenant-request-limit';
import { captureLogs, makeContext, makeEvent, parseResult, testLogger } from './helpers';
import type { LogCapture } from './helpers';

const records = new Map<string, { record: TenantTokenRecord; token: string }>(
  ['acme', 'other'].map((tenantId) => [tenantId, newTenantRecord(tenantId, new Date())]),
);
const tokenStore: TokenStore = {
  getTenantTokens: (tenantId) => Promise.resolve(records.get(tenantId)?.record),
};

/** 2 requests per 2-second window. */
const LIMIT = { ratePerSecond: 1, burst: 2 };
const T0 = 1_700_000_000_000;

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function setUp(counter: RequestCounter, clock: () => number = () => T0 + 500) {
  let routeCalls = 0;
  const handler = scimHandler(
    () => {
      routeCalls += 1;
      return Promise.resolve({ status: 200, body: { ok: true } });
    },
    { tokenStore, logger: testLogger(), requestLimiter: new TenantRequestLimiter(LIMIT, counter, clock) },
  );
  const call = async (tenantId: string, token = records.get(tenantId)?.token ?? '', remainingMs = 10_000) => {
    const startedMs = Date.now();
    const context = {
      ...makeContext(),
      getRemainingTimeInMillis: () => remainingMs - (Date.now() - startedMs),
    };
    return parseResult(
      await handler(
        makeEvent({
          rawPath: `/tenants/${tenantId}/scim/v2/Users`,
          headers: { authorization: `Bearer ${token}` },
        }),
        context,
      ),
    );
  };
  return { call, routeCalls: () => routeCalls };
}

const counting = (): RequestCounter & { total: number } => {
  const counter = {
    total: 0,
    add: (_tenantId: string, flush: { count: number }) => Promise.resolve((counter.total += flush.count)),
  };
  return counter;
};

describe('the tenant request limit on the chain', () => {
  it('answers 429 with Retry-After and a SCIM error beyond the share, without reaching the route', async () => {
    const { call, routeCalls } = setUp(counting());
    expect((await call('acme')).status).toBe(200);
    expect((await call('acme')).status).toBe(200);
    const refused = await call('acme');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '429',
    });
    expect(routeCalls()).toBe(2);
    expect((await call('other')).status).toBe(200);
  });

  it('never counts an unauthenticated request against the tenant', async () => {
    const counter = counting();
    const { call } = setUp(counter);
    for (let index = 0; index < 3; index += 1) expect((await call('acme', 'scim_wrong')).status).toBe(401);
    expect((await call('acme')).status).toBe(200);
    expect(counter.total).toBe(1);
  });

  it('answers without waiting for a flush that hangs longer than FLUSH_WAIT_MS', async () => {
    const { call } = setUp({ add: () => new Promise<number>(() => undefined) });
    const started = Date.now();
    expect((await call('acme')).status).toBe(200);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(FLUSH_WAIT_MS - 20);
    expect(elapsed).toBeLessThan(FLUSH_WAIT_MS + 1_000);
  });

  it("stops waiting for a hung flush before the chain's deadline, so the answer stays the route's", async () => {
    const { call } = setUp({ add: () => new Promise<number>(() => undefined) });
    const started = Date.now();
    // The deadline would answer 503 after 250 ms; the flush is waited for at most until 100 ms before.
    const answer = await call('acme', undefined, ANSWER_BEFORE_DEADLINE_MS + 250);
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(250);
  });

  it('answers 2xx when the count cannot be written, and logs the error name only', async () => {
    const { call } = setUp({ add: () => Promise.reject(new Error('ResourceNotFoundException acme')) });
    expect((await call('acme')).status).toBe(200);
    const warning = logs.records().find((line) => line.message === 'Request count not flushed');
    expect(warning).toMatchObject({ errorName: 'Error', tenantId: 'acme' });
    expect(JSON.stringify(warning)).not.toContain('ResourceNotFoundException acme');
  });
});
