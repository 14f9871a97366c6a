/**
 * A short-lived in-memory cache in front of any TokenStore, so a warm Lambda does not call Secrets
 * Manager on every request.
 *
 * The TTL (SECRET_CACHE_TTL_SECONDS, default 60 s) is the revocation delay: a revoked or expired-by-rotate
 * token keeps working on a warm Lambda for up to one TTL. (A NEW token works at once: tenant-auth re-reads
 * a record older than a few seconds when verification fails.) Failures are never cached: the next request
 * tries again.
 *
 * Unauthenticated traffic must not drive the backend one read per request, nor push real tenants out
 * (issue 10): known tenants (a read found their record) live in their own LRU, which unknown tenant ids
 * never enter; unknown ids (a read found none) are remembered for the TTL in a separate bounded map. A
 * tenant id this container holds in neither needs a backend read, and those reads draw on one token
 * bucket per container (DEFAULT_NEW_TENANT_READS: 5 a second, 20 at once); past it the lookup is refused
 * with LookupBudgetExceededError (429 + Retry-After), never a 401: the id may be a real tenant that this
 * container has not met yet. A known tenant's re-reads (TTL expiry, refresh after a failed verification)
 * never draw on the bucket, so no flood of random ids can lock a known tenant out.
 */
import type { RateLimit } from '../token-bucket';
import { TokenBucket } from '../token-bucket';
import { LookupBudgetExceededError } from './token-store';
import type { TokenLookupOptions, TokenStore } from './token-store';
import type { TenantTokenRecord } from './tokens';

export const DEFAULT_CACHE_TTL_MS = 60_000;
/** Known tenants kept per container; more evicts the least recently used known tenant. */
export const DEFAULT_MAX_ENTRIES = 1_000;
/** Unknown tenant ids remembered per container; more evicts the oldest unknown id (never a known tenant). */
export const DEFAULT_MAX_UNKNOWN_ENTRIES = 1_000;
/** Backend reads of tenant ids a container holds in neither map. */
export const DEFAULT_NEW_TENANT_READS: RateLimit = { ratePerSecond: 5, burst: 20 };

interface CacheEntry {
  readonly record: TenantTokenRecord | undefined;
  readonly fetchedAtMs: number;
}

export interface CachedTokenStoreOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  readonly maxUnknownEntries?: number;
  /** false: no budget (the local server, whose file reads cost nothing). */
  readonly newTenantReads?: RateLimit | false;
  /** Epoch milliseconds; injectable for tests. */
  readonly clock?: () => number;
}

/** Inserts `key` as the most recent entry of `map`, evicting the oldest beyond `max`. */
const putBounded = <V>(map: Map<string, V>, key: string, value: V, max: number): void => {
  map.delete(key);
  map.set(key, value);
  if (map.size <= max) return;
  const oldest = map.keys().next();
  if (!oldest.done) map.delete(oldest.value);
};

export class CachedTokenStore implements TokenStore {
  readonly #known = new Map<string, CacheEntry>();
  readonly #unknown = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<TenantTokenRecord | undefined>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #maxUnknownEntries: number;
  readonly #clock: () => number;
  readonly #newTenantReads: TokenBucket | undefined;

  readonly #inner: TokenStore;

  constructor(inner: TokenStore, options: CachedTokenStoreOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#maxUnknownEntries = options.maxUnknownEntries ?? DEFAULT_MAX_UNKNOWN_ENTRIES;
    this.#clock = options.clock ?? Date.now;
    const newTenantReads = options.newTenantReads ?? DEFAULT_NEW_TENANT_READS;
    this.#newTenantReads =
      newTenantReads === false ? undefined : new TokenBucket(newTenantReads, this.#clock);
  }

  async getTenantTokens(
    tenantId: string,
    options?: TokenLookupOptions,
  ): Promise<TenantTokenRecord | undefined> {
    const known = this.#known.get(tenantId);
    if (known && this.#isUsable(known, options?.maxAgeMs)) {
      putBounded(this.#known, tenantId, known, this.#maxEntries);
      return known.record;
    }
    const unknown = this.#unknown.get(tenantId);
    if (unknown && this.#isUsable(unknown, options?.maxAgeMs)) return undefined;

    // Concurrent lookups of one tenant (the local server, or parallel awaits) share one backend call.
    const pending = this.#inFlight.get(tenantId);
    if (pending) return pending;
    const budget = known === undefined ? this.#newTenantReads : undefined;
    if (budget !== undefined && !budget.take())
      throw new LookupBudgetExceededError(budget.secondsUntilNext());
    const lookup = this.#fetch(tenantId);
    this.#inFlight.set(tenantId, lookup);
    try {
      return await lookup;
    } finally {
      this.#inFlight.delete(tenantId);
    }
  }

  /** Drops every cached entry (the CLI and tests use it). */
  clear(): void {
    this.#known.clear();
    this.#unknown.clear();
  }

  #isUsable(entry: CacheEntry, maxAgeMs: number | undefined): boolean {
    const age = this.#clock() - entry.fetchedAtMs;
    return age < this.#ttlMs && (maxAgeMs === undefined || age <= maxAgeMs);
  }

  async #fetch(tenantId: string): Promise<TenantTokenRecord | undefined> {
    const record = await this.#inner.getTenantTokens(tenantId);
    const entry = { record, fetchedAtMs: this.#clock() };
    if (record === undefined) {
      // A tenant that is gone is no longer known (its re-reads draw on the bucket again).
      this.#known.delete(tenantId);
      if (this.#ttlMs > 0) putBounded(this.#unknown, tenantId, entry, this.#maxUnknownEntries);
    } else {
      this.#unknown.delete(tenantId);
      // Kept even with a TTL of 0 (nothing is served from it then): it marks the tenant as known.
      putBounded(this.#known, tenantId, entry, this.#maxEntries);
    }
    return record;
  }
}
