import { describe, expect, it, jest } from '@jest/globals';

import { CachedTokenStore } from '../../../lambdas/auth/cached-token-store';
import type { CachedTokenStoreOptions } from '../../../lambdas/auth/cached-token-store';
import { LookupBudgetExceededError } from '../../../lambdas/auth/token-store';
import type { TokenStore } from '../../../lambdas/auth/token-store';
import type { TenantTokenRecord } from '../../../lambdas/auth/tokens';

const recordOf = (tenantId: string): TenantTokenRecord => ({ tenantId, tokens: [] });

function setup(options: CachedTokenStoreOptions = {}) {
  const clock = { now: 1_000_000 };
  const getTenantTokens = jest.fn<TokenStore['getTenantTokens']>((tenantId) =>
    Promise.resolve(tenantId.startsWith('unknown') ? undefined : recordOf(tenantId)),
  );
  const store = new CachedTokenStore({ getTenantTokens }, { ...options, clock: () => clock.now });
  return { clock, getTenantTokens, store };
}

describe('CachedTokenStore', () => {
  it('serves a hit within the TTL (default 60 s) and refreshes after it', async () => {
    const { clock, getTenantTokens, store } = setup();
    const first = await store.getTenantTokens('acme');
    clock.now += 59_999;
    expect(await store.getTenantTokens('acme')).toBe(first);
    expect(getTenantTokens).toHaveBeenCalledTimes(1);
    clock.now += 1;
    expect(await store.getTenantTokens('acme')).toEqual(first);
    expect(getTenantTokens).toHaveBeenCalledTimes(2);
  });

  it('caches per tenant', async () => {
    const { getTenantTokens, store } = setup();
    expect(await store.getTenantTokens('acme')).toEqual(recordOf('acme'));
    expect(await store.getTenantTokens('globex')).toEqual(recordOf('globex'));
    expect(getTenantTokens).toHaveBeenCalledTimes(2);
  });

  it('caches an unknown tenant', async () => {
    const { getTenantTokens, store } = setup();
    expect(await store.getTenantTokens('unknown-1')).toBeUndefined();
    expect(await store.getTenantTokens('unknown-1')).toBeUndefined();
    expect(getTenantTokens).toHaveBeenCalledTimes(1);
  });

  it('never caches a failure', async () => {
    const { getTenantTokens, store } = setup();
    getTenantTokens.mockRejectedValueOnce(new Error('throttled'));
    await expect(store.getTenantTokens('acme')).rejects.toThrow('throttled');
    expect(await store.getTenantTokens('acme')).toEqual(recordOf('acme'));
    expect(getTenantTokens).toHaveBeenCalledTimes(2);
  });

  it('honours maxAgeMs: re-reads an entry older than asked for, keeps a younger one', async () => {
    const { clock, getTenantTokens, store } = setup();
    const first = await store.getTenantTokens('acme');
    clock.now += 3_000;
    expect(await store.getTenantTokens('acme', { maxAgeMs: 5_000 })).toBe(first);
    clock.now += 3_000;
    expect(await store.getTenantTokens('acme', { maxAgeMs: 5_000 })).not.toBe(first);
    expect(getTenantTokens).toHaveBeenCalledTimes(2);
  });

  it('shares one backend call between concurrent lookups of a tenant', async () => {
    const { getTenantTokens, store } = setup();
    const results = await Promise.all([1, 2, 3].map(() => store.getTenantTokens('acme')));
    expect(new Set(results).size).toBe(1);
    expect(getTenantTokens).toHaveBeenCalledTimes(1);
  });

  it('evicts the oldest entry beyond maxEntries', async () => {
    const { getTenantTokens, store } = setup({ maxEntries: 2 });
    await store.getTenantTokens('t1');
    await store.getTenantTokens('t2');
    await store.getTenantTokens('t3');
    await store.getTenantTokens('t2');
    await store.getTenantTokens('t3');
    expect(getTenantTokens).toHaveBeenCalledTimes(3);
    await store.getTenantTokens('t1');
    expect(getTenantTokens).toHaveBeenCalledTimes(4);
  });

  it('keeps known tenants however many unknown ids come, in an LRU of their own', async () => {
    const { getTenantTokens, store } = setup({ maxEntries: 2, maxUnknownEntries: 10, newTenantReads: false });
    await store.getTenantTokens('acme');
    await store.getTenantTokens('globex');
    for (let index = 0; index < 5000; index += 1) await store.getTenantTokens(`unknown-${index}`);
    expect(getTenantTokens).toHaveBeenCalledTimes(5002);
    await store.getTenantTokens('acme');
    await store.getTenantTokens('globex');
    expect(getTenantTokens).toHaveBeenCalledTimes(5002);
    // The unknown map is bounded: the oldest unknown ids are read again, the newest are not.
    await store.getTenantTokens('unknown-4999');
    expect(getTenantTokens).toHaveBeenCalledTimes(5002);
    await store.getTenantTokens('unknown-0');
    expect(getTenantTokens).toHaveBeenCalledTimes(5003);
    // Known tenants evict the least recently used known tenant: acme was used after globex.
    await store.getTenantTokens('acme');
    await store.getTenantTokens('initech');
    await store.getTenantTokens('acme');
    expect(getTenantTokens).toHaveBeenCalledTimes(5004);
    await store.getTenantTokens('globex');
    expect(getTenantTokens).toHaveBeenCalledTimes(5005);
  });

  it('refuses reads of ids it holds in neither map beyond the budget, never those of known tenants', async () => {
    const { clock, getTenantTokens, store } = setup({ newTenantReads: { ratePerSecond: 2, burst: 3 } });
    await store.getTenantTokens('acme');
    await store.getTenantTokens('unknown-a');
    await store.getTenantTokens('unknown-b');
    const refused = store.getTenantTokens('unknown-c');
    await expect(refused).rejects.toBeInstanceOf(LookupBudgetExceededError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 1 });
    expect(getTenantTokens).toHaveBeenCalledTimes(3);
    // acme's entry expires: its re-read does not need the (empty) budget.
    clock.now += 60_000;
    await expect(store.getTenantTokens('acme')).resolves.toEqual(recordOf('acme'));
    expect(getTenantTokens).toHaveBeenCalledTimes(4);
    // 60 s refilled the bucket to its burst of 3, no more.
    await store.getTenantTokens('unknown-d');
    await store.getTenantTokens('unknown-e');
    await store.getTenantTokens('unknown-f');
    await expect(store.getTenantTokens('unknown-g')).rejects.toBeInstanceOf(LookupBudgetExceededError);
    clock.now += 500;
    await expect(store.getTenantTokens('unknown-g')).resolves.toBeUndefined();
  });

  it('forgets a known tenant whose secret is gone: its re-reads draw on the budget again', async () => {
    const { clock, getTenantTokens, store } = setup({ newTenantReads: { ratePerSecond: 1, burst: 1 } });
    await store.getTenantTokens('acme');
    getTenantTokens.mockResolvedValueOnce(undefined);
    clock.now += 60_000;
    await expect(store.getTenantTokens('acme')).resolves.toBeUndefined();
    clock.now += 60_000;
    await store.getTenantTokens('unknown-x');
    await expect(store.getTenantTokens('acme')).rejects.toBeInstanceOf(LookupBudgetExceededError);
  });

  it('a TTL of 0 disables caching', async () => {
    const { getTenantTokens, store } = setup({ ttlMs: 0 });
    await store.getTenantTokens('acme');
    await store.getTenantTokens('acme');
    expect(getTenantTokens).toHaveBeenCalledTimes(2);
  });

  it('clear() forgets every entry', async () => {
    const { getTenantTokens, store } = setup();
    await store.getTenantTokens('acme');
    store.clear();
    await store.getTenantTokens('acme');
    expect(getTenantTokens).toHaveBeenCalledTimes(2);
  });
});
