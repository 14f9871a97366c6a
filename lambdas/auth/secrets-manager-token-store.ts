/**
 * Token records in AWS Secrets Manager, one secret per tenant named `${prefix}${tenantId}` whose
 * SecretString is the JSON document described in tokens.ts; the record is the version labelled
 * AWSCURRENT.
 *
 * Changes are compare-and-set on that label: the new document is stored as a version labelled
 * SCIM_PENDING (AWSCURRENT stays put), then AWSCURRENT is moved to it with RemoveFromVersionId = the
 * version the change was computed from. If another writer moved AWSCURRENT meanwhile, Secrets Manager
 * refuses the move (InvalidParameterException) and the change is re-applied to the newer record; the
 * refused version keeps no AWSCURRENT label and is never served.
 */
import { randomUUID } from 'node:crypto';

import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import type {
  GetSecretValueCommandInput,
  PutSecretValueCommandInput,
  SecretsManagerClient,
  UpdateSecretVersionStageCommandInput,
} from '@aws-sdk/client-secrets-manager';

import {
  TOKEN_UPDATE_ATTEMPTS,
  TenantExistsError,
  TokenRecordConflictError,
  TokenStoreUnavailableError,
  UnknownTenantError,
  conflictBackoff,
} from './token-store';
import type { TokenRecordChange, TokenStore, WritableTokenStore } from './token-store';
import { isValidTenantId, readTenantTokenRecord } from './tokens';
import type { TenantTokenRecord } from './tokens';

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

/** Parses and checks a secret document; the tenantId inside must be the one asked for. */
export function parseSecretDocument(secretString: string | undefined, tenantId: string): TenantTokenRecord {
  let json: unknown;
  try {
    json = JSON.parse(secretString ?? '');
  } catch {
    throw new TokenStoreUnavailableError(`The token secret of tenant ${tenantId} is not JSON.`);
  }
  const parsed = readTenantTokenRecord(json);
  if (!('record' in parsed)) {
    throw new TokenStoreUnavailableError(`The token secret of tenant ${tenantId} is malformed.`);
  }
  // A document copied from another tenant's secret must not let that tenant's token in here.
  if (parsed.record.tenantId !== tenantId) {
    throw new TokenStoreUnavailableError(`The token secret of tenant ${tenantId} names another tenant.`);
  }
  return parsed.record;
}

/** The label of a changed record waiting for its compare-and-set (see the module comment). */
export const PENDING_STAGE = 'SCIM_PENDING';

/** Reads the current record, naming the stage: the compare-and-set moves it explicitly. */
export const readCurrentInput = (secretId: string): GetSecretValueCommandInput => ({
  SecretId: secretId,
  VersionStage: 'AWSCURRENT',
});

/** Stores a changed record as a new version that is not served yet. */
export const stagePendingInput = (
  secretId: string,
  record: TenantTokenRecord,
  versionId: string,
): PutSecretValueCommandInput => ({
  SecretId: secretId,
  SecretString: JSON.stringify(record),
  ClientRequestToken: versionId,
  VersionStages: [PENDING_STAGE],
});

/** Serves `versionId` if and only if AWSCURRENT is still on `expectedVersionId`. */
export const promoteInput = (
  secretId: string,
  versionId: string,
  expectedVersionId: string,
): UpdateSecretVersionStageCommandInput => ({
  SecretId: secretId,
  VersionStage: 'AWSCURRENT',
  MoveToVersionId: versionId,
  RemoveFromVersionId: expectedVersionId,
});

/** The record with its version id (from which a compare-and-set change starts); undefined: no tenant. */
async function readCurrent(
  client: SecretsManagerClient,
  secretId: string,
  tenantId: string,
): Promise<{ record: TenantTokenRecord; versionId: string | undefined } | undefined> {
  if (!isValidTenantId(tenantId)) return undefined;
  let secretString: string | undefined;
  let versionId: string | undefined;
  try {
    const output = await client.send(new GetSecretValueCommand(readCurrentInput(secretId)));
    secretString = output.SecretString;
    versionId = output.VersionId;
  } catch (error) {
    const name = errorName(error);
    // No such secret, or one scheduled for deletion (GetSecretValue's only InvalidRequestException):
    // the tenant does not exist (any more).
    if (name === 'ResourceNotFoundException' || name === 'InvalidRequestException') return undefined;
    throw new TokenStoreUnavailableError(`Secrets Manager failed (${name ?? 'unknown error'}).`, {
      cause: error,
    });
  }
  return { record: parseSecretDocument(secretString, tenantId), versionId };
}

/**
 * The read side alone, as the SCIM Lambdas use it: their bundles carry no write path (the cold-start
 * budget, test/infra/bundling.test.ts).
 */
export class SecretsManagerTokenReader implements TokenStore {
  readonly #client: SecretsManagerClient;
  readonly #secretPrefix: string;

  constructor(client: SecretsManagerClient, secretPrefix: string) {
    this.#client = client;
    this.#secretPrefix = secretPrefix;
  }

  secretName(tenantId: string): string {
    return `${this.#secretPrefix}${tenantId}`;
  }

  async getTenantTokens(tenantId: string): Promise<TenantTokenRecord | undefined> {
    return (await readCurrent(this.#client, this.secretName(tenantId), tenantId))?.record;
  }
}

export class SecretsManagerTokenStore extends SecretsManagerTokenReader implements WritableTokenStore {
  readonly #client: SecretsManagerClient;
  readonly #secretPrefix: string;

  constructor(client: SecretsManagerClient, secretPrefix: string) {
    super(client, secretPrefix);
    this.#client = client;
    this.#secretPrefix = secretPrefix;
  }

  async createTenantTokens(record: TenantTokenRecord): Promise<void> {
    try {
      await this.#client.send(
        new CreateSecretCommand({
          Name: this.secretName(record.tenantId),
          Description: `SCIM bearer token hashes of tenant ${record.tenantId}`,
          SecretString: JSON.stringify(record),
          Tags: [{ Key: 'scim:tenantId', Value: record.tenantId }],
        }),
      );
    } catch (error) {
      if (errorName(error) === 'ResourceExistsException') throw new TenantExistsError(record.tenantId);
      throw error;
    }
  }

  async updateTenantTokens(tenantId: string, change: TokenRecordChange): Promise<TenantTokenRecord> {
    const secretId = this.secretName(tenantId);
    for (let attempt = 1; attempt <= TOKEN_UPDATE_ATTEMPTS; attempt += 1) {
      const current = await readCurrent(this.#client, secretId, tenantId);
      if (current === undefined) throw new UnknownTenantError(tenantId);
      if (current.versionId === undefined) {
        throw new TokenStoreUnavailableError(`Secrets Manager gave no version id for tenant ${tenantId}.`);
      }
      const next = change(current.record);
      const versionId = randomUUID();
      try {
        await this.#client.send(new PutSecretValueCommand(stagePendingInput(secretId, next, versionId)));
        await this.#client.send(
          new UpdateSecretVersionStageCommand(promoteInput(secretId, versionId, current.versionId)),
        );
        return next;
      } catch (error) {
        const name = errorName(error);
        if (name === 'ResourceNotFoundException') throw new UnknownTenantError(tenantId);
        // AWSCURRENT is no longer on the version we read: someone else's change won; redo ours on theirs.
        if (name !== 'InvalidParameterException') throw error;
      }
      await conflictBackoff(attempt);
    }
    throw new TokenRecordConflictError(tenantId);
  }

  async listTenantIds(): Promise<string[]> {
    const tenantIds: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListSecretsCommand({
          // The name filter is a prefix match.
          Filters: [{ Key: 'name', Values: [this.#secretPrefix] }],
          NextToken: nextToken,
          MaxResults: 100,
        }),
      );
      for (const secret of page.SecretList ?? []) {
        const name = secret.Name ?? '';
        if (!name.startsWith(this.#secretPrefix)) continue;
        const tenantId = name.slice(this.#secretPrefix.length);
        if (isValidTenantId(tenantId) && secret.DeletedDate === undefined) tenantIds.push(tenantId);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return tenantIds.sort();
  }
}
