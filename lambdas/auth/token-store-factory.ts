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
 * Short timeouts and few retries: a slow Secrets Manager must end in our 503 + Retry-After before the
 * Lambda times out (a timeout is a bare API Gateway 500). Worst case: 2 x (1 s connect + 2 s response)
 * + one retry back-off (< 1 s: the SDK's throttling base delay is 500 ms, doubled, jittered) = 7 s;
 * lib/scim-function.ts sizes the Lambda timeout from it (docs/deploy.md).
 */
export const SECRETS_MANAGER_CLIENT_LIMITS = {
  maxAttempts: 2,
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
} as const;

export function createSecretsManagerClient(): SecretsManagerClient {
  return new SecretsManagerClient({
    maxAttempts: SECRETS_MANAGER_CLIENT_LIMITS.maxAttempts,
    requestHandler: {
      connectionTimeout: SECRETS_MANAGER_CLIENT_LIMITS.connectionTimeoutMs,
      requestTimeout: SECRETS_MANAGER_CLIENT_LIMITS.requestTimeoutMs,
    },
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
