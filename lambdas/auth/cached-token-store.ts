/**
 * A short-lived in-memory cache in front of any TokenStore, so a warm Lambda does not call Secrets
 * Manager on every request.
 *
 * The TTL (SECRET_CACHE_TTL_SECONDS, default 60 s) is the revocation delay: a revoked or expired-by-rotate
 * token keeps working on a warm Lambda for up to one TTL. (A NEW token works at once: tenant-auth re-reads
 * a record older than a few seconds when verification fails.) Unknown tenants are cached too, so random
 * tenant ids cannot drive Secrets Manager into throttling real tenants; the map is bounded. Failures are
 * never cached: the next request tries again.
 */
import type { TokenLookupOptions, TokenStore } from './token-store';
import type { TenantTokenRecord } from './tokens';

export const DEFAULT_CACHE_TTL_MS = 60_000;
export const DEFAULT_MAX_ENTRIES = 1_000;

interface CacheEntry {
  readonly record: TenantTokenRecord | undefined;
  readonly fetchedAtMs: number;
}

export interface CachedTokenStoreOptions {
  readonly ttlMs?: number;
  readonly maxEntries?: number;
  /** Epoch milliseconds; injectable for tests. */
  readonly clock?: () => number;
}

export class CachedTokenStore implements TokenStore {
  readonly #entries = new Map<string, CacheEntry>();
  readonly #inFlight = new Map<string, Promise<TenantTokenRecord | undefined>>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #clock: () => number;

  readonly #inner: TokenStore;

  constructor(inner: TokenStore, options: CachedTokenStoreOptions = {}) {
    this.#inner = inner;
    this.#ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#clock = options.clock ?? Date.now;
  }

  async getTenantTokens(
    tenantId: string,
    options?: TokenLookupOptions,
  ): Promise<TenantTokenRecord | undefined> {
    const entry = this.#entries.get(tenantId);
    if (entry && this.#isUsable(entry, options?.maxAgeMs)) return entry.record;

    // Concurrent lookups of one tenant (the local server, or parallel awaits) share one backend call.
    const pending = this.#inFlight.get(tenantId);
    if (pending) return pending;
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
    this.#entries.clear();
  }

  #isUsable(entry: CacheEntry, maxAgeMs: number | undefined): boolean {
    const age = this.#clock() - entry.fetchedAtMs;
    return age < this.#ttlMs && (maxAgeMs === undefined || age <= maxAgeMs);
  }

  async #fetch(tenantId: string): Promise<TenantTokenRecord | undefined> {
    const record = await this.#inner.getTenantTokens(tenantId);
    if (this.#ttlMs > 0) {
      this.#entries.delete(tenantId);
      this.#entries.set(tenantId, { record, fetchedAtMs: this.#clock() });
      if (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    }
    return record;
  }
}
