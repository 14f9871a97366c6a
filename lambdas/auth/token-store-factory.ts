/**
 * The Lambdas' token store: Secrets Manager behind the TTL cache. (The local server and the tenant CLI
 * build their own file store, bin/local/server.ts, so the Lambda bundles carry no file-system store.)
 */
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';

import { type ClientLimits, clientTimeLimits } from '../client-limits';

import type { BaseConfig } from '../config';
import { CachedTokenStore } from './cached-token-store';
import { SecretsManagerTokenReader } from './secrets-manager-token-store';

/**
 * Short timeouts and few retries: a slow Secrets Manager must end in our 503 + Retry-After before the
 * Lambda times out (a timeout is a bare API Gateway 500). Worst case: 2 x (1 s connect + 2 s response)
 * + one retry back-off (< 1 s: the SDK's throttling base delay is 500 ms, doubled, jittered) = 7 s;
 * lib/scim-function.ts sizes the Lambda timeout from it (docs/deploy.md).
 */
export const SECRETS_MANAGER_CLIENT_LIMITS: ClientLimits = {
  maxAttempts: 2,
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 2_000,
};

export function createSecretsManagerClient(overrides: SecretsManagerClientConfig = {}): SecretsManagerClient {
  return new SecretsManagerClient({ ...clientTimeLimits(SECRETS_MANAGER_CLIENT_LIMITS), ...overrides });
}

export function createTokenStore(
  config: Pick<BaseConfig, 'tenantSecretPrefix' | 'secretCacheTtlSeconds'>,
  secretsManager: () => SecretsManagerClient = () => createSecretsManagerClient(),
): CachedTokenStore {
  const inner = new SecretsManagerTokenReader(secretsManager(), config.tenantSecretPrefix);
  return new CachedTokenStore(inner, { ttlMs: config.secretCacheTtlSeconds * 1000 });
}
