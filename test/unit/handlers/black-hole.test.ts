/**
 * Time limits that fire: the users handler on the real AWS clients (the Lambdas' own limits), with
 * Secrets Manager or DynamoDB at a black-hole endpoint on loopback, which accepts connections and never
 * answers. Each must end in 503 + Retry-After within its client's budget, after the designed attempts.
 * (test/infra/bundling.test.ts does the same through the synthesized bundle.)
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import {
  SECRETS_MANAGER_CLIENT_LIMITS,
  createSecretsManagerClient,
  createTokenStore,
} from '../../../lambdas/auth/token-store-factory';
import type { TokenStore } from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';
import { type ClientLimits, worstCaseMs } from '../../../lambdas/client-limits';
import {
  DYNAMODB_CLIENT_LIMITS,
  createDocumentClient,
  createUsersHandler,
} from '../../../lambdas/http/handlers';
import { createLogger } from '../../../lambdas/logger';
import { DynamoDbUserRepository } from '../../../lambdas/store/dynamodb-users';
import { makeContext, makeEvent, parseResult } from '../middleware/helpers';
import { type BlackHole, startBlackHole } from './black-hole';

const DUMMY_AWS = {
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
};
const logger = createLogger({ serviceName: 'black-hole-test', logLevel: 'SILENT' });
const acme = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z'));
const knownTenant: TokenStore = { getTenantTokens: () => Promise.resolve(acme.record) };
/** A Lambda context far from its deadline: the clients' own limits must end the call. */
const context = { ...makeContext(), getRemainingTimeInMillis: () => 27_000 };

let hole: BlackHole | undefined;
afterEach(async () => {
  await hole?.close();
  hole = undefined;
});

async function timeGet(handler: ReturnType<typeof createUsersHandler>, path: string) {
  const started = performance.now();
  const result = await handler(
    makeEvent({ rawPath: path, headers: { authorization: `Bearer ${acme.token}` } }),
    context,
  );
  return { result: parseResult(result), elapsedMs: performance.now() - started };
}

/** The GET answers 503 + Retry-After after every attempt of `limits` timed out, within its worst case. */
async function expectUnavailableWithin(
  handler: ReturnType<typeof createUsersHandler>,
  path: string,
  limits: ClientLimits,
) {
  const { result, elapsedMs } = await timeGet(handler, path);
  expect(result.status).toBe(503);
  expect(result.headers['retry-after']).toBe('30');
  expect(hole?.connections()).toBe(limits.maxAttempts);
  expect(elapsedMs).toBeGreaterThanOrEqual(limits.maxAttempts * limits.requestTimeoutMs - 50);
  expect(elapsedMs).toBeLessThan(worstCaseMs(limits));
}

describe('a backend that accepts and never answers', () => {
  it('Secrets Manager: 503 + Retry-After within its budget, after its 2 attempts', async () => {
    hole = await startBlackHole();
    const handler = createUsersHandler({
      tokenStore: createTokenStore({ tenantSecretPrefix: 'scim/test/', secretCacheTtlSeconds: 60 }, () =>
        createSecretsManagerClient({ ...DUMMY_AWS, endpoint: hole?.url }),
      ),
      repository: new DynamoDbUserRepository({
        client: createDocumentClient({ dynamoDbEndpoint: 'http://127.0.0.1:9' }, DUMMY_AWS),
        tableName: 'unused',
      }),
      logger,
    });
    await expectUnavailableWithin(handler, '/tenants/acme/scim/v2/Users', SECRETS_MANAGER_CLIENT_LIMITS);
  }, 20_000);

  it('DynamoDB: 503 + Retry-After within its budget, after its 2 attempts', async () => {
    hole = await startBlackHole();
    const handler = createUsersHandler({
      tokenStore: knownTenant,
      repository: new DynamoDbUserRepository({
        client: createDocumentClient({ dynamoDbEndpoint: hole.url }, DUMMY_AWS),
        tableName: 'scim-test',
      }),
      logger,
    });
    await expectUnavailableWithin(
      handler,
      `/tenants/acme/scim/v2/Users/${randomUUID()}`,
      DYNAMODB_CLIENT_LIMITS,
    );
  }, 20_000);
});
