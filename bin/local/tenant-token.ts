/**
 * The local server's dev tenant and its token. The plain token is kept in `<dataDir>/<tenant>.token`
 * (mode 600) so that it survives restarts; the token store itself, as in production, holds only its hash.
 *
 * The token store is the authority: a kept token is re-used only while the store still holds it as an
 * active (present, unexpired) token. One revoked with `npm run tenant -- revoke` or expired after
 * `rotate` is never put back; a new one is issued, kept and reported instead. An explicit SCIM_TOKEN is
 * the developer's own choice and is (re-)registered as a non-expiring token on every start.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { errorCode } from '../../lambdas/auth/file-token-store';
import type { WritableTokenStore } from '../../lambdas/auth/token-store';
import { hashToken, isValidTenantId, issueToken, verifyToken } from '../../lambdas/auth/tokens';
import type { TenantTokenRecord, TokenEntry } from '../../lambdas/auth/tokens';

export const localTokenFile = (dataDir: string, tenantId: string): string =>
  join(dataDir, `${tenantId}.token`);

async function readKeptToken(file: string): Promise<string | undefined> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? undefined : text;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

async function keepToken(dataDir: string, file: string, token: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${token}\n`, { mode: 0o600 });
}

/**
 * Where the dev token came from: `explicit` = SCIM_TOKEN; `kept` = the kept token, still active;
 * `new` = first start, nothing kept; `replaced` = the kept token was revoked or had expired, so a new
 * one was issued (the old one stays dead).
 */
export type LocalTokenSource = 'explicit' | 'kept' | 'new' | 'replaced';

export interface LocalTenantToken {
  readonly token: string;
  readonly source: LocalTokenSource;
}

const isActiveIn = (record: TenantTokenRecord | undefined, token: string, now: Date): boolean =>
  record !== undefined && verifyToken(token, record, now) !== undefined;

/** Adds `entry` to the tenant's record (creating it), dropping any older entry with the same hash. */
async function register(
  store: WritableTokenStore,
  tenantId: string,
  record: TenantTokenRecord | undefined,
  entry: TokenEntry,
): Promise<void> {
  if (record === undefined) {
    await store.createTenantTokens({ tenantId, tokens: [entry] });
    return;
  }
  await store.updateTenantTokens(tenantId, (current) => ({
    tenantId,
    tokens: [...current.tokens.filter((existing) => existing.sha256 !== entry.sha256), entry],
  }));
}

/**
 * Makes sure `tenantId` exists in the store and accepts the dev token, and says where it came from
 * (see the module comment for the rules). Other tokens of the tenant are left as they are.
 */
export async function ensureLocalTenant(
  store: WritableTokenStore,
  dataDir: string,
  tenantId: string,
  explicitToken?: string,
  now: Date = new Date(),
): Promise<LocalTenantToken> {
  if (!isValidTenantId(tenantId)) {
    throw new Error(`SCIM_TENANT must be 2-63 of a-z, 0-9 and '-', not starting with '-'.`);
  }
  const record = await store.getTenantTokens(tenantId);

  if (explicitToken !== undefined) {
    if (!isActiveIn(record, explicitToken, now)) {
      const entry = { ...issueToken(now).entry, sha256: hashToken(explicitToken) };
      await register(store, tenantId, record, entry);
    }
    return { token: explicitToken, source: 'explicit' };
  }

  const file = localTokenFile(dataDir, tenantId);
  const kept = await readKeptToken(file);
  if (kept !== undefined && isActiveIn(record, kept, now)) return { token: kept, source: 'kept' };

  const issued = issueToken(now);
  // Kept first: a token registered but never written down would be lost to the developer.
  await keepToken(dataDir, file, issued.token);
  await register(store, tenantId, record, issued.entry);
  return { token: issued.token, source: kept === undefined ? 'new' : 'replaced' };
}
