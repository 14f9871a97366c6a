import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileTokenStore, STALE_LOCK_MS } from '../../../lambdas/auth/file-token-store';
import {
  TenantExistsError,
  TokenStoreUnavailableError,
  UnknownTenantError,
} from '../../../lambdas/auth/token-store';
import { issueToken, newTenantRecord, revokeTokens } from '../../../lambdas/auth/tokens';

let directory: string;
let store: FileTokenStore;
const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const acme = newTenantRecord('acme', new Date(T0)).record;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'scim-tokens-'));
  store = new FileTokenStore(join(directory, 'tenants'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('FileTokenStore', () => {
  it('creates, reads, replaces and lists tenants', async () => {
    expect(await store.listTenantIds()).toEqual([]);
    await store.createTenantTokens(acme);
    await store.createTenantTokens({ tenantId: 'globex', tokens: [] });
    expect(await store.getTenantTokens('acme')).toEqual(acme);
    const revoked = revokeTokens(acme, { all: true });
    expect(await store.updateTenantTokens('acme', (current) => revokeTokens(current, { all: true }))).toEqual(
      revoked,
    );
    expect(await store.getTenantTokens('acme')).toEqual(revoked);
    expect(await store.listTenantIds()).toEqual(['acme', 'globex']);
    expect((await readdir(join(directory, 'tenants'))).sort()).toEqual(['acme.json', 'globex.json']);
  });

  it('stores the same document as the Secrets Manager secret', async () => {
    await store.createTenantTokens(acme);
    expect(JSON.parse(await readFile(join(directory, 'tenants', 'acme.json'), 'utf8'))).toEqual(acme);
  });

  it('an absent tenant is unknown', async () => {
    expect(await store.getTenantTokens('acme')).toBeUndefined();
  });

  it('a malformed tenant id never becomes a path', async () => {
    await writeFile(join(directory, 'secret.json'), JSON.stringify(acme));
    expect(await store.getTenantTokens('../secret')).toBeUndefined();
    await expect(store.updateTenantTokens('../secret', (current) => current)).rejects.toBeInstanceOf(
      UnknownTenantError,
    );
  });

  it('creating twice -> TenantExistsError, and the first record is kept', async () => {
    await store.createTenantTokens(acme);
    await expect(store.createTenantTokens({ tenantId: 'acme', tokens: [] })).rejects.toBeInstanceOf(
      TenantExistsError,
    );
    expect(await store.getTenantTokens('acme')).toEqual(acme);
  });

  it('updating an unknown tenant -> UnknownTenantError, and no lock file is left', async () => {
    await store.createTenantTokens(acme);
    await expect(store.updateTenantTokens('globex', (current) => current)).rejects.toBeInstanceOf(
      UnknownTenantError,
    );
    expect(await readdir(join(directory, 'tenants'))).toEqual(['acme.json']);
  });

  it('concurrent updates run one after the other on the latest record: none is lost', async () => {
    await store.createTenantTokens({ tenantId: 'acme', tokens: [] });
    const issued = Array.from({ length: 12 }, (_, index) => issueToken(new Date(T0 + index)).entry);
    await Promise.all(
      issued.map((entry) =>
        store.updateTenantTokens('acme', (current) => ({ ...current, tokens: [...current.tokens, entry] })),
      ),
    );
    const ids = (await store.getTenantTokens('acme'))?.tokens.map((entry) => entry.id).sort();
    expect(ids).toEqual(issued.map((entry) => entry.id).sort());
    expect(await readdir(join(directory, 'tenants'))).toEqual(['acme.json']);
  });

  it('a change that throws stores nothing and releases the lock', async () => {
    await store.createTenantTokens(acme);
    await expect(
      store.updateTenantTokens('acme', () => {
        throw new Error('no such token');
      }),
    ).rejects.toThrow('no such token');
    expect(await store.getTenantTokens('acme')).toEqual(acme);
    expect(await store.updateTenantTokens('acme', (current) => revokeTokens(current, { all: true }))).toEqual(
      {
        tenantId: 'acme',
        tokens: [],
      },
    );
  });

  it('breaks a lock left by a writer that died, but waits for a live one', async () => {
    await store.createTenantTokens(acme);
    const lockFile = join(directory, 'tenants', 'acme.json.lock');
    await writeFile(lockFile, '1\n');
    const old = new Date(Date.now() - STALE_LOCK_MS - 1_000);
    await utimes(lockFile, old, old);
    await store.updateTenantTokens('acme', (current) => revokeTokens(current, { all: true }));
    expect((await store.getTenantTokens('acme'))?.tokens).toEqual([]);

    await writeFile(lockFile, '1\n');
    let changed = false;
    const update = store.updateTenantTokens('acme', (current) => {
      changed = true;
      return current;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(changed).toBe(false);
    await rm(lockFile);
    await update;
    expect(changed).toBe(true);
  });

  it('a corrupt file -> TokenStoreUnavailableError', async () => {
    await store.createTenantTokens(acme);
    await writeFile(join(directory, 'tenants', 'acme.json'), '{"tenantId":');
    await expect(store.getTenantTokens('acme')).rejects.toBeInstanceOf(TokenStoreUnavailableError);
  });
});
