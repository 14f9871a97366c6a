/**
 * The Lambdas' token store: Secrets Manager behind the TTL cache. (The local server and the tenant CLI
 * build their own file store, bin/local/server.ts, so the Lambda bundles carry no file-system store.)
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

import type { BaseConfig } from '../config';
import { CachedTokenStore } from './cached-token-store';
import { SecretsManagerTokenStore } from './secrets-manager-token-store';

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
  config: Pick<BaseConfig, 'tenantSecretPrefix' | 'secretCacheTtlSeconds'>,
  secretsManager: () => SecretsManagerClient = createSecretsManagerClient,
): CachedTokenStore {
  const inner = new SecretsManagerTokenStore(secretsManager(), config.tenantSecretPrefix);
  return new CachedTokenStore(inner, { ttlMs: config.secretCacheTtlSeconds * 1000 });
}
