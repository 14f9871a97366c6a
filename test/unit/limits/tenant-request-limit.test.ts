import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

import { parseChangedItemKey, requestCountKey } from '../../../lambdas/store/keys';
import type { RequestCountFlush, RequestCounter } from '../../../lambdas/store/request-counts';
import { addRequestCountInput, dynamoDbRequestCounter } from '../../../lambdas/store/request-counts';
import {
  COUNT_RETENTION_SECONDS,
  TenantRequestLimiter,
  tenantRequestLimitProblem,
} from '../../../lambdas/tenant-request-limit';
import type { Admission, FlushOutcome } from '../../../lambdas/tenant-request-limit';

/** A counter whose answers the test releases: the shared count, as DynamoDB would add it. */
class HeldCounter implements RequestCounter {
  readonly calls: { tenantId: string; flush: RequestCountFlush }[] = [];
  readonly totals = new Map<string, number>();
  #release: (() => void)[] = [];
  hold = false;
  fail: Error | undefined;

  add(tenantId: string, flush: RequestCountFlush): Promise<number> {
    this.calls.push({ tenantId, flush });
    const answer = (): number => {
      if (this.fail) throw this.fail;
      const key = `${tenantId}/${flush.windowStartSeconds}`;
      const total = (this.totals.get(key) ?? 0) + flush.count;
      this.totals.set(key, total);
      return total;
    };
    if (!this.hold) return Promise.resolve().then(answer);
    return new Promise((resolve, reject) =>
      this.#release.push(() => {
        try {
          resolve(answer());
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
  }

  release(): void {
    for (const release of this.#release.splice(0)) release();
  }

  /** Another container's count, already in the table. */
  addOthers(tenantId: string, windowStartSeconds: number, count: number): void {
    const key = `${tenantId}/${windowStartSeconds}`;
    this.totals.set(key, (this.totals.get(key) ?? 0) + count);
  }
}

/** 5 requests per 5-second window (1 a second). */
const LIMIT = { ratePerSecond: 1, burst: 5 };
const T0 = 1_700_000_000_000; // a window start: a multiple of 5 s

let now = T0;
let counter: HeldCounter;
let limiter: TenantRequestLimiter;

beforeEach(() => {
  now = T0;
  counter = new HeldCounter();
  limiter = new TenantRequestLimiter(LIMIT, counter, () => now);
});

const admitted = (admission: Admission): boolean => admission.admitted;
const flushOf = (admission: Admission): Promise<FlushOutcome> | undefined =>
  admission.admitted ? admission.flush : undefined;
async function admitSettled(tenantId: string): Promise<Admission> {
  const admission = limiter.admit(tenantId);
  await flushOf(admission);
  return admission;
}

describe('TenantRequestLimiter', () => {
  it('admits the burst in a window, then refuses with the seconds left in the window', async () => {
    const results: Admission[] = [];
    for (let index = 0; index < 6; index += 1) results.push(await admitSettled('acme'));
    expect(results.map(admitted)).toEqual([true, true, true, true, true, false]);
    expect(results[5]).toEqual({ admitted: false, retryAfterSeconds: 5 });

    now = T0 + 3_200;
    expect(limiter.admit('acme')).toEqual({ admitted: false, retryAfterSeconds: 2 });
    now = T0 + 4_999;
    expect(limiter.admit('acme')).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('starts a fresh count in the next window', async () => {
    for (let index = 0; index < 5; index += 1) await admitSettled('acme');
    expect(limiter.admit('acme').admitted).toBe(false);
    now = T0 + 5_000;
    expect((await admitSettled('acme')).admitted).toBe(true);
    expect(counter.calls.at(-1)?.flush.windowStartSeconds).toBe((T0 + 5_000) / 1000);
  });

  it('flushes at most once a second, at the first request of a window, with the counts in between', async () => {
    const flushes: (Promise<FlushOutcome> | undefined)[] = [];
    for (let index = 0; index < 3; index += 1) flushes.push(flushOf(limiter.admit('acme')));
    expect(flushes.map((flush) => flush !== undefined)).toEqual([true, false, false]);
    await flushes[0];
    now = T0 + 999;
    expect(flushOf(limiter.admit('acme'))).toBeUndefined();
    now = T0 + 1_000;
    await flushOf(limiter.admit('acme'));
    expect(counter.calls.map((call) => call.flush.count)).toEqual([1, 4]);
    expect(counter.calls[0]?.flush).toEqual({
      windowStartSeconds: T0 / 1000,
      count: 1,
      expiresAtSeconds: T0 / 1000 + 5 + COUNT_RETENTION_SECONDS,
    });
  });

  it('keeps one flush in flight per tenant: a slow one delays the next', async () => {
    counter.hold = true;
    const first = flushOf(limiter.admit('acme'));
    now = T0 + 2_000;
    expect(flushOf(limiter.admit('acme'))).toBeUndefined();
    counter.release();
    await first;
    expect(counter.calls).toHaveLength(1);
    counter.hold = false;
    now = T0 + 3_000;
    await flushOf(limiter.admit('acme'));
    expect(counter.calls.map((call) => call.flush.count)).toEqual([1, 2]);
  });

  it("refuses once the global count learned (other containers' requests) reaches the burst", async () => {
    counter.addOthers('acme', T0 / 1000, 3);
    expect((await admitSettled('acme')).admitted).toBe(true); // learns 4
    expect(limiter.admit('acme').admitted).toBe(true); // 5
    expect(limiter.admit('acme')).toEqual({ admitted: false, retryAfterSeconds: 5 });
  });

  it('counts each tenant apart: one refused, another admitted in the same container', async () => {
    counter.addOthers('noisy', T0 / 1000, 10);
    await admitSettled('noisy');
    expect(limiter.admit('noisy').admitted).toBe(false);
    expect((await admitSettled('quiet')).admitted).toBe(true);
    expect(counter.calls.map((call) => call.tenantId)).toEqual(['noisy', 'quiet']);
  });

  it('fails open: a failed flush admits the request, keeps the count and sends it with the next flush', async () => {
    counter.fail = new Error('ProvisionedThroughputExceededException');
    const admission = limiter.admit('acme');
    expect(admission.admitted).toBe(true);
    await expect(flushOf(admission)).resolves.toEqual({ failed: counter.fail });
    counter.fail = undefined;
    now = T0 + 1_000;
    await flushOf(limiter.admit('acme'));
    expect(counter.calls.map((call) => call.flush.count)).toEqual([1, 2]);
  });

  it('still caps the tenant per container while every flush fails', async () => {
    counter.fail = new Error('down');
    const results: boolean[] = [];
    for (let index = 0; index < 6; index += 1) {
      now = T0 + index * 500;
      results.push((await admitSettled('acme')).admitted);
    }
    expect(results).toEqual([true, true, true, true, true, false]);
  });

  it("ignores a late answer of the previous window's flush", async () => {
    counter.hold = true;
    counter.addOthers('acme', T0 / 1000, 100);
    const late = flushOf(limiter.admit('acme'));
    now = T0 + 5_000;
    counter.hold = false;
    expect((await admitSettled('acme')).admitted).toBe(true);
    counter.hold = true;
    counter.release();
    await late;
    expect(limiter.admit('acme').admitted).toBe(true);
  });

  it('rejects a limit whose window is not whole seconds from 1 to 60', () => {
    expect(tenantRequestLimitProblem({ ratePerSecond: 25, burst: 250 })).toBeUndefined();
    expect(tenantRequestLimitProblem({ ratePerSecond: 25, burst: 100 })).toBeUndefined();
    expect(tenantRequestLimitProblem({ ratePerSecond: 0, burst: 10 })).toMatch(/rate/);
    expect(tenantRequestLimitProblem({ ratePerSecond: 2.5, burst: 10 })).toMatch(/rate/);
    expect(tenantRequestLimitProblem({ ratePerSecond: 25, burst: 260 })).toMatch(/multiple/);
    expect(tenantRequestLimitProblem({ ratePerSecond: 25, burst: 0 })).toMatch(/window/);
    expect(tenantRequestLimitProblem({ ratePerSecond: 1, burst: 61 })).toMatch(/window/);
    expect(() => new TenantRequestLimiter({ ratePerSecond: 3, burst: 10 }, counter)).toThrow(RangeError);
  });
});

describe('the shared request counter', () => {
  const dynamo = mockClient(DynamoDBDocumentClient);
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
  const flush = { windowStartSeconds: 1_700_000_000, count: 7, expiresAtSeconds: 1_700_003_610 };
  beforeEach(() => {
    dynamo.reset();
  });

  it("adds the count to the tenant's window item, sets its TTL once and asks for the new count", () => {
    expect(addRequestCountInput('scim', 'acme', flush)).toEqual({
      TableName: 'scim',
      Key: requestCountKey('acme', 1_700_000_000),
      UpdateExpression: 'ADD #count :count SET #ttl = if_not_exists(#ttl, :ttl)',
      ExpressionAttributeNames: { '#count': 'count', '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':count': 7, ':ttl': 1_700_003_610 },
      ReturnValues: 'UPDATED_NEW',
    });
    expect(requestCountKey('acme', 1_700_000_000)).toEqual({ pk: 'T#acme#REQUESTS', sk: 'W#1700000000' });
    // In the tenant's key space, and bookkeeping for the change stream, never a change event.
    const key = requestCountKey('acme', 1_700_000_000);
    expect(parseChangedItemKey(key.pk, key.sk)).toBeUndefined();
  });

  it('sends one UpdateItem and answers the global count', async () => {
    dynamo.on(UpdateCommand).resolves({ Attributes: { count: 42, ttl: 1_700_003_610 } });
    await expect(dynamoDbRequestCounter(client, 'scim').add('acme', flush)).resolves.toBe(42);
    expect(dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input)).toEqual([
      addRequestCountInput('scim', 'acme', flush),
    ]);
  });

  it('rejects an answer without a count, so the limiter keeps the count for the next flush', async () => {
    dynamo.on(UpdateCommand).resolves({});
    await expect(dynamoDbRequestCounter(client, 'scim').add('acme', flush)).rejects.toThrow(TypeError);
  });
});
