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

/**
 * A change to a tenant's token record: the current record in, the record to store out. It may run more
 * than once (once per compare-and-set attempt), so it must not have effects beyond its result.
 */
export type TokenRecordChange = (current: TenantTokenRecord) => TenantTokenRecord;

export interface WritableTokenStore extends TokenStore {
  /** Creates the tenant's record; rejects with TenantExistsError if it already exists. */
  createTenantTokens(record: TenantTokenRecord): Promise<void>;
  /**
   * The only way to change an existing record: reads it, applies `change`, and stores the result only if
   * nobody changed the record in between (compare-and-set; on a conflict it re-reads and applies `change`
   * again), so concurrent rotate / revoke / reveal never lose each other's change. Resolves the record
   * stored; rejects with UnknownTenantError if there is none, with TokenRecordConflictError if it keeps
   * losing, and with whatever `change` throws.
   */
  updateTenantTokens(tenantId: string, change: TokenRecordChange): Promise<TenantTokenRecord>;
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

/** updateTenantTokens lost the compare-and-set on every attempt (or found the record locked too long). */
export class TokenRecordConflictError extends Error {
  override readonly name = 'TokenRecordConflictError';
  constructor(readonly tenantId: string) {
    super(`The token record of tenant ${tenantId} kept changing under us; try again.`);
  }
}

/** How many compare-and-set attempts updateTenantTokens makes before giving up. */
export const TOKEN_UPDATE_ATTEMPTS = 8;

/** A short random pause between compare-and-set attempts, so racing writers fall out of step. */
export const conflictBackoff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 5)));

/** The store could not answer: the caller must treat the tenant as temporarily unavailable. */
export class TokenStoreUnavailableError extends Error {
  override readonly name = 'TokenStoreUnavailableError';
}

/**
 * A tenant this container has not seen yet, while the container's budget of such lookups is spent: it is
 * not known whether the tenant exists, so it is neither a 401 (it may be a real tenant) nor a backend
 * fault. Answered 429 + Retry-After.
 */
export class LookupBudgetExceededError extends Error {
  override readonly name = 'LookupBudgetExceededError';
  constructor(readonly retryAfterSeconds: number) {
    super('Too many lookups of tenants not seen yet; retry later.');
  }
}
