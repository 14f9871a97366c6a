import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

import { SecretsManagerTokenStore } from '../../../lambdas/auth/secrets-manager-token-store';
import {
  TenantExistsError,
  TokenStoreUnavailableError,
  UnknownTenantError,
} from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';

const secretsManager = mockClient(SecretsManagerClient);
const store = new SecretsManagerTokenStore(new SecretsManagerClient({}), 'scim/tenants/');
const acme = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z')).record;
const notFound = () => new ResourceNotFoundException({ message: 'not found', $metadata: {} });

beforeEach(() => {
  secretsManager.reset();
});

describe('SecretsManagerTokenStore.getTenantTokens', () => {
  it('reads and validates the secret named prefix + tenant id', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(acme) });
    expect(await store.getTenantTokens('acme')).toEqual(acme);
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({
      SecretId: 'scim/tenants/acme',
    });
  });

  it('an absent secret is an unknown tenant', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(notFound());
    expect(await store.getTenantTokens('acme')).toBeUndefined();
  });

  it('a malformed tenant id is unknown without a call', async () => {
    expect(await store.getTenantTokens('../admin')).toBeUndefined();
    expect(secretsManager.calls()).toHaveLength(0);
  });

  it.each([
    ['throttling', Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })],
    ['a timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
  ])('%s -> TokenStoreUnavailableError keeping the cause', async (_name, error) => {
    secretsManager.on(GetSecretValueCommand).rejects(error);
    const failure = await store.getTenantTokens('acme').catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(TokenStoreUnavailableError);
    expect((failure as Error).cause).toBe(error);
  });

  it.each([
    ['a binary secret', {}],
    ['a non-JSON secret', { SecretString: 'hunter2' }],
    ['a secret of another tenant', { SecretString: JSON.stringify({ ...acme, tenantId: 'globex' }) }],
  ])('%s -> TokenStoreUnavailableError', async (_name, output) => {
    secretsManager.on(GetSecretValueCommand).resolves(output);
    await expect(store.getTenantTokens('acme')).rejects.toBeInstanceOf(TokenStoreUnavailableError);
  });
});

describe('SecretsManagerTokenStore writes', () => {
  it('creates the secret with the document, a description and a tenant tag', async () => {
    secretsManager.on(CreateSecretCommand).resolves({});
    await store.createTenantTokens(acme);
    const input = secretsManager.commandCalls(CreateSecretCommand)[0]?.args[0].input;
    expect(input?.Name).toBe('scim/tenants/acme');
    expect(JSON.parse(input?.SecretString ?? '')).toEqual(acme);
    expect(input?.Tags).toEqual([{ Key: 'scim:tenantId', Value: 'acme' }]);
  });

  it('creating an existing tenant -> TenantExistsError', async () => {
    secretsManager
      .on(CreateSecretCommand)
      .rejects(new ResourceExistsException({ message: 'x', $metadata: {} }));
    await expect(store.createTenantTokens(acme)).rejects.toBeInstanceOf(TenantExistsError);
  });

  it('puts a new secret version', async () => {
    secretsManager.on(PutSecretValueCommand).resolves({});
    await store.putTenantTokens(acme);
    const input = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(input?.SecretId).toBe('scim/tenants/acme');
    expect(JSON.parse(input?.SecretString ?? '')).toEqual(acme);
  });

  it('putting an unknown tenant -> UnknownTenantError', async () => {
    secretsManager.on(PutSecretValueCommand).rejects(notFound());
    await expect(store.putTenantTokens(acme)).rejects.toBeInstanceOf(UnknownTenantError);
  });

  it('lists tenant ids across pages, by prefix, skipping deleted and foreign names', async () => {
    secretsManager
      .on(ListSecretsCommand)
      .resolvesOnce({
        SecretList: [{ Name: 'scim/tenants/globex' }, { Name: 'scim/tenants/Bad_Id' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        SecretList: [
          { Name: 'scim/tenants/acme' },
          { Name: 'scim/tenants/gone', DeletedDate: new Date() },
          { Name: 'other/acme' },
        ],
      });
    expect(await store.listTenantIds()).toEqual(['acme', 'globex']);
    const calls = secretsManager.commandCalls(ListSecretsCommand).map((call) => call.args[0].input);
    expect(calls[0]?.Filters).toEqual([{ Key: 'name', Values: ['scim/tenants/'] }]);
    expect(calls[1]?.NextToken).toBe('page-2');
  });
});
