/**
 * The local server's dev tenant and its token. The plain token is kept in `<dataDir>/<tenant>.token`
 * (mode 600) so that it survives restarts; the token store itself, as in production, holds only its hash.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { WritableTokenStore } from '../../lambdas/auth/token-store';
import { generateToken, generateTokenId, hashToken, isValidTenantId } from '../../lambdas/auth/tokens';

const errorCode = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

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

/**
 * Makes sure `tenantId` exists in the store and accepts a token: `token` when given, else the kept one,
 * else a new one (kept for next time). Other tokens of the tenant stay valid. Returns the token.
 */
export async function ensureLocalTenant(
  store: WritableTokenStore,
  dataDir: string,
  tenantId: string,
  token?: string,
): Promise<string> {
  if (!isValidTenantId(tenantId)) {
    throw new Error(`SCIM_TENANT must be 2-63 of a-z, 0-9 and '-', not starting with '-'.`);
  }
  const file = localTokenFile(dataDir, tenantId);
  let chosen = token ?? (await readKeptToken(file));
  if (chosen === undefined) {
    chosen = generateToken();
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, `${chosen}\n`, { mode: 0o600 });
  }
  const entry = { id: generateTokenId(), sha256: hashToken(chosen), createdAt: new Date().toISOString() };
  const record = await store.getTenantTokens(tenantId);
  if (record === undefined) {
    await store.createTenantTokens({ tenantId, tokens: [entry] });
  } else if (!record.tokens.some((existing) => existing.sha256 === entry.sha256)) {
    await store.putTenantTokens({ tenantId, tokens: [...record.tokens, entry] });
  }
  return chosen;
}
