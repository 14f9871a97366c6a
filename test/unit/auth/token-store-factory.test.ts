import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTokenStore } from '../../../lambdas/auth/token-store-factory';
import { newTenantRecord } from '../../../lambdas/auth/tokens';

const secretsManager = mockClient(SecretsManagerClient);
let directory: string;

beforeEach(async () => {
  secretsManager.reset();
  directory = await mkdtemp(join(tmpdir(), 'scim-factory-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const config = {
  tenantSecretPrefix: 'scim/dev/tenants/',
  secretCacheTtlSeconds: 60,
};

describe('createTokenStore', () => {
  it('reads Secrets Manager under the configured prefix, through the cache', async () => {
    const acme = newTenantRecord('acme', new Date()).record;
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(acme) });
    const store = createTokenStore(config, () => new SecretsManagerClient({}));
    expect(await store.getTenantTokens('acme')).toEqual(acme);
    expect(await store.getTenantTokens('acme')).toEqual(acme);
    const calls = secretsManager.commandCalls(GetSecretValueCommand);
    expect(calls.map((call) => call.args[0].input.SecretId)).toEqual(['scim/dev/tenants/acme']);
  });
});
