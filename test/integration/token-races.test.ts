/**
 * `revoke` and `rotate` run together (the tenant CLI's own functions) on both token stores: the file
 * store in a temp dir and Secrets Manager as moto emulates it, reached through the CLI's own client
 * (createSecretsManagerClient) via AWS_ENDPOINT_URL_SECRETS_MANAGER. Neither change may be lost: the
 * revoked token must stay revoked and the rotated one must be stored.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { revokeTenantTokens, rotateTenant } from '../../bin/tenant';
import type { CliDeps } from '../../bin/tenant';
import { FileTokenStore } from '../../lambdas/auth/file-token-store';
import { SecretsManagerTokenStore } from '../../lambdas/auth/secrets-manager-token-store';
import { createSecretsManagerClient } from '../../lambdas/auth/token-store-factory';
import type { WritableTokenStore } from '../../lambdas/auth/token-store';
import { newTenantRecord, verifyToken } from '../../lambdas/auth/tokens';
import { MOTO_CLIENT_CONFIG, startMotoServer } from './moto-server';
import type { MotoServer } from './moto-server';

const TRIALS = 10;
/** Each trial is a handful of local HTTP calls, but moto is slow on a busy machine. */
const RACE_TIMEOUT_MS = 60_000;
const NOW = new Date('2026-03-01T12:00:00.000Z');

let moto: MotoServer;
let directory: string;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  moto = await startMotoServer();
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    AWS_REGION: MOTO_CLIENT_CONFIG.region,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT_CONFIG.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT_CONFIG.credentials.secretAccessKey,
  });
  directory = await mkdtemp(join(tmpdir(), 'scim-token-races-'));
}, 30_000);
afterAll(async () => {
  process.env = savedEnvironment;
  await rm(directory, { recursive: true, force: true });
  await moto.stop();
});

const depsWith = (tokenStore: WritableTokenStore): CliDeps => ({
  tokenStore,
  now: () => NOW,
  print: () => undefined,
  warn: () => undefined,
});

describe.each([
  ['the file store', () => new FileTokenStore(join(directory, 'tenants'))],
  ['Secrets Manager (moto)', () => new SecretsManagerTokenStore(createSecretsManagerClient(), 'scim/race/')],
])('concurrent token changes on %s', (_name, makeStore) => {
  it(
    `revoke || rotate, ${TRIALS} trials: the revoked token stays revoked and the new one is kept`,
    async () => {
      const deps = depsWith(makeStore());
      const outcomes = [];
      for (let trial = 0; trial < TRIALS; trial += 1) {
        const tenantId = `race-${trial}-${Math.random().toString(36).slice(2, 8)}`;
        const created = newTenantRecord(tenantId, NOW);
        const createdTokenId = created.record.tokens[0]?.id ?? '';
        await deps.tokenStore.createTenantTokens(created.record);
        const [, rotated] = await Promise.all([
          revokeTenantTokens(deps, tenantId, { tokenId: createdTokenId }),
          rotateTenant(deps, tenantId, 24),
        ]);
        const record = await deps.tokenStore.getTenantTokens(tenantId);
        if (record === undefined) throw new Error(`tenant ${tenantId} vanished`);
        outcomes.push({
          revokedStillValid: verifyToken(created.token, record, NOW) !== undefined,
          newTokenValid: verifyToken(rotated.token, record, NOW) === rotated.tokenId,
        });
      }
      expect(outcomes).toEqual(
        Array.from({ length: TRIALS }, () => ({ revokedStillValid: false, newTokenValid: true })),
      );
    },
    RACE_TIMEOUT_MS,
  );

  it(
    'three concurrent rotations keep all three new tokens',
    async () => {
      const deps = depsWith(makeStore());
      const tenantId = `rotations-${Math.random().toString(36).slice(2, 8)}`;
      await deps.tokenStore.createTenantTokens(newTenantRecord(tenantId, NOW).record);
      const rotations = await Promise.all([1, 2, 3].map(() => rotateTenant(deps, tenantId, 24)));
      const record = await deps.tokenStore.getTenantTokens(tenantId);
      if (record === undefined) throw new Error(`tenant ${tenantId} vanished`);
      expect(rotations.map(({ token }) => verifyToken(token, record, NOW))).toEqual(
        rotations.map(({ tokenId }) => tokenId),
      );
    },
    RACE_TIMEOUT_MS,
  );
});
