/**
 * Token records in AWS Secrets Manager, one secret per tenant named `${prefix}${tenantId}` whose
 * SecretString is the JSON document described in tokens.ts.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

import { TenantExistsError, TokenStoreUnavailableError, UnknownTenantError } from './token-store';
import type { WritableTokenStore } from './token-store';
import { isValidTenantId, tenantTokenRecordSchema } from './tokens';
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
  const parsed = tenantTokenRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new TokenStoreUnavailableError(`The token secret of tenant ${tenantId} is malformed.`);
  }
  // A document copied from another tenant's secret must not let that tenant's token in here.
  if (parsed.data.tenantId !== tenantId) {
    throw new TokenStoreUnavailableError(`The token secret of tenant ${tenantId} names another tenant.`);
  }
  return parsed.data;
}

export class SecretsManagerTokenStore implements WritableTokenStore {
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
    if (!isValidTenantId(tenantId)) return undefined;
    let secretString: string | undefined;
    try {
      const output = await this.#client.send(
        new GetSecretValueCommand({ SecretId: this.secretName(tenantId) }),
      );
      secretString = output.SecretString;
    } catch (error) {
      const name = errorName(error);
      // No such secret, or one scheduled for deletion (GetSecretValue's only InvalidRequestException):
      // the tenant does not exist (any more).
      if (name === 'ResourceNotFoundException' || name === 'InvalidRequestException') return undefined;
      throw new TokenStoreUnavailableError(`Secrets Manager failed (${name ?? 'unknown error'}).`, {
        cause: error,
      });
    }
    return parseSecretDocument(secretString, tenantId);
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

  async putTenantTokens(record: TenantTokenRecord): Promise<void> {
    try {
      await this.#client.send(
        new PutSecretValueCommand({
          SecretId: this.secretName(record.tenantId),
          SecretString: JSON.stringify(record),
        }),
      );
    } catch (error) {
      if (errorName(error) === 'ResourceNotFoundException') throw new UnknownTenantError(record.tenantId);
      throw error;
    }
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
