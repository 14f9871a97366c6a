/**
 * Token records for the local server: one `<tenantId>.json` file per tenant in a directory, holding the
 * same document as the Secrets Manager secret. The tenant id is format-checked before it becomes a path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parseSecretDocument } from './secrets-manager-token-store';
import { TenantExistsError, TokenStoreUnavailableError, UnknownTenantError } from './token-store';
import type { WritableTokenStore } from './token-store';
import { isValidTenantId } from './tokens';
import type { TenantTokenRecord } from './tokens';

/** The local server's token directory inside its data directory (SCIM_DATA_DIR). */
export const tokenDirectory = (dataDir: string): string => join(dataDir, 'tenants');

/** The Node error code (ENOENT, EEXIST, ...) of a file-system failure. */
export const errorCode = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

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

  async putTenantTokens(record: TenantTokenRecord): Promise<void> {
    const file = this.fileOf(record.tenantId);
    if ((await this.getTenantTokens(record.tenantId)) === undefined) {
      throw new UnknownTenantError(record.tenantId);
    }
    // Write then rename, so the local server never reads a half-written file.
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, serialise(record), { mode: 0o600 });
    await rename(temporary, file);
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
