/**
 * Token records for the local server: one `<tenantId>.json` file per tenant in a directory, holding the
 * same document as the Secrets Manager secret. The tenant id is format-checked before it becomes a path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parseSecretDocument } from './secrets-manager-token-store';
import {
  TOKEN_UPDATE_ATTEMPTS,
  TenantExistsError,
  TokenRecordConflictError,
  TokenStoreUnavailableError,
  UnknownTenantError,
  conflictBackoff,
} from './token-store';
import type { TokenRecordChange, WritableTokenStore } from './token-store';
import { isValidTenantId } from './tokens';
import type { TenantTokenRecord } from './tokens';

/** The local server's token directory inside its data directory (SCIM_DATA_DIR). */
export const tokenDirectory = (dataDir: string): string => join(dataDir, 'tenants');

/** The Node error code (ENOENT, EEXIST, ...) of a file-system failure. */
export const errorCode = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

/**
 * A lock older than this was left by a writer that died mid-update (an update holds it for a read and a
 * rename: milliseconds), so it is broken.
 */
export const STALE_LOCK_MS = 10_000;
/** How long updateTenantTokens waits for another writer's lock before giving up. */
const LOCK_WAIT_MS = 5_000;

export class FileTokenStore implements WritableTokenStore {
  constructor(readonly directory: string) {}

  private fileOf(tenantId: string): string {
    if (!isValidTenantId(tenantId)) throw new UnknownTenantError(tenantId);
    return join(this.directory, `${tenantId}.json`);
  }

  async getTenantTokens(tenantId: string): Promise<TenantTokenRecord | undefined> {
    if (!isValidTenantId(tenantId)) return undefined;
    let text: string;
    try {
      text = await readFile(this.fileOf(tenantId), 'utf8');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return undefined;
      throw new TokenStoreUnavailableError(`Cannot read the token file of tenant ${tenantId}.`, {
        cause: error,
      });
    }
    return parseSecretDocument(text, tenantId);
  }

  async createTenantTokens(record: TenantTokenRecord): Promise<void> {
    // Private: the tenants' token hashes (the local server's data directory is private too).
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    try {
      await writeFile(this.fileOf(record.tenantId), serialise(record), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if (errorCode(error) === 'EEXIST') throw new TenantExistsError(record.tenantId);
      throw error;
    }
  }

  /**
   * Read-change-write under `<tenant>.json.lock` (created exclusively), so a concurrent rotate and revoke
   * (two CLI processes, or the CLI and the local server) run one after the other on the latest record.
   */
  async updateTenantTokens(tenantId: string, change: TokenRecordChange): Promise<TenantTokenRecord> {
    const file = this.fileOf(tenantId);
    const release = await this.#lock(tenantId, `${file}.lock`);
    try {
      const current = await this.getTenantTokens(tenantId);
      if (current === undefined) throw new UnknownTenantError(tenantId);
      const next = change(current);
      // Write then rename, so the local server never reads a half-written file.
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, serialise(next), { mode: 0o600 });
      await rename(temporary, file);
      return next;
    } finally {
      await release();
    }
  }

  async #lock(tenantId: string, lockFile: string): Promise<() => Promise<void>> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await writeFile(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        return () => unlink(lockFile).catch(() => undefined);
      } catch (error) {
        // No directory: no tenant at all.
        if (errorCode(error) === 'ENOENT') throw new UnknownTenantError(tenantId);
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const held = await stat(lockFile).catch(() => undefined);
      if (held !== undefined && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new TokenRecordConflictError(tenantId);
      await conflictBackoff(Math.min(attempt, TOKEN_UPDATE_ATTEMPTS));
    }
  }

  async listTenantIds(): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter(isValidTenantId)
      .sort();
  }
}

const serialise = (record: TenantTokenRecord): string => `${JSON.stringify(record, null, 2)}\n`;
