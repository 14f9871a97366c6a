/**
 * Where tenants' token records live. The Lambdas only read (getTenantTokens); the tenant CLI writes.
 *
 * Contract: getTenantTokens resolves undefined for a tenant that does not exist, and THROWS for anything
 * else (backend down, throttled, access denied, corrupt document). The auth middleware turns a throw into
 * 503, never 401, because Entra quarantines a provisioning job that sees 401s.
 */
import type { TenantTokenRecord } from './tokens';

export interface TokenLookupOptions {
  /**
   * Accept a cached record only if it is at most this old. Used after a failed verification so that a
   * token created by `rotate` a moment ago works at once on a warm Lambda.
   */
  readonly maxAgeMs?: number;
}

export interface TokenStore {
  getTenantTokens(tenantId: string, options?: TokenLookupOptions): Promise<TenantTokenRecord | undefined>;
}

export interface WritableTokenStore extends TokenStore {
  /** Creates the tenant's record; rejects with TenantExistsError if it already exists. */
  createTenantTokens(record: TenantTokenRecord): Promise<void>;
  /** Replaces an existing tenant's record; rejects with UnknownTenantError if there is none. */
  putTenantTokens(record: TenantTokenRecord): Promise<void>;
  /** Every tenant id, sorted. */
  listTenantIds(): Promise<string[]>;
}

export class TenantExistsError extends Error {
  override readonly name = 'TenantExistsError';
  constructor(readonly tenantId: string) {
    super(`Tenant ${tenantId} already exists.`);
  }
}

export class UnknownTenantError extends Error {
  override readonly name = 'UnknownTenantError';
  constructor(readonly tenantId: string) {
    super(`Tenant ${tenantId} does not exist.`);
  }
}

/** The store could not answer: the caller must treat the tenant as temporarily unavailable. */
export class TokenStoreUnavailableError extends Error {
  override readonly name = 'TokenStoreUnavailableError';
}
