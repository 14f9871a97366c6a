import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  InvalidParameterException,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

import { PENDING_STAGE, SecretsManagerTokenStore } from '../../../lambdas/auth/secrets-manager-token-store';
import {
  TOKEN_UPDATE_ATTEMPTS,
  TenantExistsError,
  TokenRecordConflictError,
  TokenStoreUnavailableError,
  UnknownTenantError,
} from '../../../lambdas/auth/token-store';
import { newTenantRecord, revokeTokens } from '../../../lambdas/auth/tokens';

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
      VersionStage: 'AWSCURRENT',
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

  it('an update stages the changed record, then moves AWSCURRENT from the version it read', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify(acme), VersionId: 'v-read' });
    secretsManager.on(PutSecretValueCommand).resolves({});
    secretsManager.on(UpdateSecretVersionStageCommand).resolves({});
    const stored = await store.updateTenantTokens('acme', (current) => revokeTokens(current, { all: true }));
    expect(stored).toEqual({ tenantId: 'acme', tokens: [] });
    const put = secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input;
    expect(put).toEqual({
      SecretId: 'scim/tenants/acme',
      SecretString: JSON.stringify(stored),
      ClientRequestToken: expect.any(String),
      VersionStages: [PENDING_STAGE],
    });
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)[0]?.args[0].input).toEqual({
      SecretId: 'scim/tenants/acme',
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: put?.ClientRequestToken,
      RemoveFromVersionId: 'v-read',
    });
  });

  it('a refused move (someone else changed the record) re-applies the change to the newer record', async () => {
    const rotatedMeanwhile = { tenantId: 'acme', tokens: [...acme.tokens, ...acme.tokens] };
    secretsManager
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: JSON.stringify(acme), VersionId: 'v1' })
      .resolves({ SecretString: JSON.stringify(rotatedMeanwhile), VersionId: 'v2' });
    secretsManager.on(PutSecretValueCommand).resolves({});
    secretsManager
      .on(UpdateSecretVersionStageCommand)
      .rejectsOnce(new InvalidParameterException({ message: 'not on v1', $metadata: {} }))
      .resolves({});
    const seen: number[] = [];
    await store.updateTenantTokens('acme', (current) => {
      seen.push(current.tokens.length);
      return current;
    });
    expect(seen).toEqual([1, 2]);
    const moves = secretsManager.commandCalls(UpdateSecretVersionStageCommand);
    expect(moves.map((call) => call.args[0].input.RemoveFromVersionId)).toEqual(['v1', 'v2']);
  });

  it('losing every attempt -> TokenRecordConflictError', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify(acme), VersionId: 'v1' });
    secretsManager.on(PutSecretValueCommand).resolves({});
    secretsManager
      .on(UpdateSecretVersionStageCommand)
      .rejects(new InvalidParameterException({ message: 'not on v1', $metadata: {} }));
    await expect(store.updateTenantTokens('acme', (current) => current)).rejects.toBeInstanceOf(
      TokenRecordConflictError,
    );
    expect(secretsManager.commandCalls(UpdateSecretVersionStageCommand)).toHaveLength(TOKEN_UPDATE_ATTEMPTS);
  });

  it('updating an unknown tenant -> UnknownTenantError, nothing written', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(notFound());
    await expect(store.updateTenantTokens('acme', (current) => current)).rejects.toBeInstanceOf(
      UnknownTenantError,
    );
    expect(secretsManager.commandCalls(PutSecretValueCommand)).toHaveLength(0);
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
