import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileTokenStore } from '../../../lambdas/auth/file-token-store';
import {
  TenantExistsError,
  TokenStoreUnavailableError,
  UnknownTenantError,
} from '../../../lambdas/auth/token-store';
import { newTenantRecord, revokeTokens } from '../../../lambdas/auth/tokens';

let directory: string;
let store: FileTokenStore;
const acme = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z')).record;

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
    await store.putTenantTokens(revoked);
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
    await expect(store.putTenantTokens({ ...acme, tenantId: '../secret' })).rejects.toBeInstanceOf(
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

  it('putting an unknown tenant -> UnknownTenantError', async () => {
    await expect(store.putTenantTokens(acme)).rejects.toBeInstanceOf(UnknownTenantError);
  });

  it('a corrupt file -> TokenStoreUnavailableError', async () => {
    await store.createTenantTokens(acme);
    await writeFile(join(directory, 'tenants', 'acme.json'), '{"tenantId":');
    await expect(store.getTenantTokens('acme')).rejects.toBeInstanceOf(TokenStoreUnavailableError);
  });
});
