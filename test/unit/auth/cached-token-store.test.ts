import { describe, expect, it, jest } from '@jest/globals';

import { CachedTokenStore } from '../../../lambdas/auth/cached-token-store';
import type { TokenStore } from '../../../lambdas/auth/token-store';
import type { TenantTokenRecord } from '../../../lambdas/auth/tokens';

const recordOf = (tenantId: string): TenantTokenRecord => ({ tenantId, tokens: [] });

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
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
