/** The token store a handler uses, chosen by configuration and wrapped in the TTL cache. */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { join } from 'node:path';

import type { BaseConfig } from '../config';
import { CachedTokenStore } from './cached-token-store';
import { FileTokenStore } from './file-token-store';
import { SecretsManagerTokenStore } from './secrets-manager-token-store';

/** The local server's token directory inside SCIM_DATA_DIR. */
export const tokenDirectory = (dataDir: string): string => join(dataDir, 'tenants');

/**
 * Short timeouts and few retries: a slow Secrets Manager must answer the client with a 503 well before
 * the API Gateway 30 s limit, not hang the request.
 */
export function createSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
}

export function createTokenStore(
  config: Pick<BaseConfig, 'tokenStore' | 'dataDir' | 'tenantSecretPrefix' | 'secretCacheTtlSeconds'>,
  secretsManager: () => SecretsManagerClient = createSecretsManagerClient,
): CachedTokenStore {
  const inner =
    config.tokenStore === 'file'
      ? new FileTokenStore(tokenDirectory(config.dataDir))
      : new SecretsManagerTokenStore(secretsManager(), config.tenantSecretPrefix);
  return new CachedTokenStore(inner, { ttlMs: config.secretCacheTtlSeconds * 1000 });
}
