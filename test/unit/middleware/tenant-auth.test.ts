import {
  GetSecretValueCommand,
  InternalServiceError,
  InvalidRequestException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';
import { mockClient } from 'aws-sdk-client-mock';

import { CachedTokenStore } from '../../../lambdas/auth/cached-token-store';
import { SecretsManagerTokenStore } from '../../../lambdas/auth/secrets-manager-token-store';
import type { TokenStore } from '../../../lambdas/auth/token-store';
import { issueToken, newTenantRecord, rotateTokens } from '../../../lambdas/auth/tokens';
import type { TenantTokenRecord } from '../../../lambdas/auth/tokens';
import { chainState } from '../../../lambdas/middleware/chain-state';
import { scimErrors } from '../../../lambdas/middleware/scim-errors';
import { bearerToken, tenantAuth, tenantIdFromEvent } from '../../../lambdas/middleware/tenant-auth';
import type { ScimEvent, ScimResult } from '../../../lambdas/middleware/types';
import { captureLogs, makeContext, makeEvent, parseResult, testLogger } from './helpers';
import type { LogCapture } from './helpers';

const secretsManager = mockClient(SecretsManagerClient);
const NOW = new Date('2026-03-01T12:00:00.000Z');
const PREFIX = 'scim/tenants/';

const acme = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z'));
const globex = newTenantRecord('globex', new Date('2026-01-01T00:00:00.000Z'));

function secretsHold(...records: TenantTokenRecord[]): void {
  secretsManager
    .on(GetSecretValueCommand)
    .rejects(
      new ResourceNotFoundException({ message: 'Secrets Manager can’t find the secret.', $metadata: {} }),
    );
  for (const record of records) {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: `${PREFIX}${record.tenantId}` })
      .resolves({ SecretString: JSON.stringify(record) });
  }
}

function makeHandler(options: { store?: TokenStore; now?: Date; clockMs?: { value: number } } = {}) {
  const clock = options.clockMs;
  const store =
    options.store ??
    new CachedTokenStore(new SecretsManagerTokenStore(new SecretsManagerClient({}), PREFIX), {
      ttlMs: 60_000,
      clock: clock ? () => clock.value : undefined,
    });
  const logger = testLogger();
  return middy<ScimEvent, ScimResult>()
    .use([scimErrors({ logger }), tenantAuth({ tokenStore: store, logger, now: () => options.now ?? NOW })])
    .handler((event: ScimEvent): Promise<ScimResult> =>
      Promise.resolve({ statusCode: 200, body: JSON.stringify({ tenantId: chainState(event).tenantId }) }),
    );
}

const call = async (handler: ReturnType<typeof makeHandler>, event: ScimEvent) =>
  parseResult(await handler(event, makeContext()));

const withAuth = (authorization: string | undefined, rawPath = '/tenants/acme/scim/v2/Users'): ScimEvent =>
  makeEvent({ rawPath, headers: authorization === undefined ? {} : { authorization } });

const getSecretCalls = () => secretsManager.commandCalls(GetSecretValueCommand).length;

let logs: LogCapture;
beforeEach(() => {
  secretsManager.reset();
  logs = captureLogs();
});
afterEach(() => logs.restore());

const UNAUTHORIZED_BODY = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: '401',
  detail: 'Authentication failed.',
};

describe('tenant-auth: accepted requests', () => {
  it('accepts the tenant token and hands the tenant id to the route', async () => {
    secretsHold(acme.record, globex.record);
    const result = await call(makeHandler(), withAuth(`Bearer ${acme.token}`));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ tenantId: 'acme' });
    expect(secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([
      'scim/tenants/acme',
    ]);
  });

  it.each(['bearer', 'BEARER', 'BeArEr'])('accepts the scheme spelt %s', async (scheme) => {
    secretsHold(acme.record);
    const result = await call(makeHandler(), withAuth(`${scheme} ${acme.token}`));
    expect(result.status).toBe(200);
  });

  it('reads the tenant from pathParameters when API Gateway provides them', async () => {
    secretsHold(acme.record);
    const event = makeEvent({
      rawPath: '/tenants/acme/scim/v2/Users',
      pathParameters: { tenantId: 'acme' },
      headers: { authorization: `Bearer ${acme.token}` },
    });
    expect((await call(makeHandler(), event)).status).toBe(200);
  });

  it('after a rotation, both the old token (in its grace period) and the new one work', async () => {
    const rotated = rotateTokens(acme.record, new Date('2026-03-01T10:00:00.000Z'), 24);
    secretsHold(rotated.record);
    const handler = makeHandler();
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    expect((await call(handler, withAuth(`Bearer ${rotated.token}`))).status).toBe(200);
  });

  it('after the grace period only the new token works', async () => {
    const rotated = rotateTokens(acme.record, new Date('2026-03-01T10:00:00.000Z'), 1);
    secretsHold(rotated.record);
    const handler = makeHandler();
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(401);
    expect((await call(handler, withAuth(`Bearer ${rotated.token}`))).status).toBe(200);
  });
});

describe('tenant-auth: every credential failure is the same 401', () => {
  const expired = issueToken(new Date('2026-01-01T00:00:00.000Z'), new Date('2026-02-01T00:00:00.000Z'));
  const revoked = issueToken(new Date('2026-01-01T00:00:00.000Z'));
  const withExpired: TenantTokenRecord = { tenantId: 'acme', tokens: [...acme.record.tokens, expired.entry] };

  const cases: [string, () => ScimEvent][] = [
    ['no Authorization header', () => withAuth(undefined)],
    ['an empty Authorization header', () => withAuth('')],
    ['the Basic scheme', () => withAuth(`Basic ${Buffer.from(`acme:${acme.token}`).toString('base64')}`)],
    ['the token without a scheme', () => withAuth(acme.token)],
    ['Bearer with no token', () => withAuth('Bearer ')],
    ['Bearer with two words', () => withAuth(`Bearer ${acme.token} extra`)],
    ['a wrong token', () => withAuth('Bearer scim_not-the-right-token')],
    ["another tenant's token", () => withAuth(`Bearer ${globex.token}`)],
    ['an expired token', () => withAuth(`Bearer ${expired.token}`)],
    ['a revoked token (no longer in the record)', () => withAuth(`Bearer ${revoked.token}`)],
    ['an unknown tenant', () => withAuth(`Bearer ${acme.token}`, '/tenants/initech/scim/v2/Users')],
  ];

  it.each(cases)('%s', async (_name, event) => {
    secretsHold(withExpired, globex.record);
    const result = await call(makeHandler(), event());
    expect(result.status).toBe(401);
    expect(result.body).toEqual(UNAUTHORIZED_BODY);
    expect(result.body).not.toHaveProperty('scimType');
    expect(result.headers['www-authenticate']).toBe('Bearer realm="SCIM"');
    expect(result.headers['content-type']).toBe('application/scim+json');
  });

  it('treats a secret scheduled for deletion as an unknown tenant', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new InvalidRequestException({ message: 'marked for deletion', $metadata: {} }));
    const result = await call(makeHandler(), withAuth(`Bearer ${acme.token}`));
    expect(result.status).toBe(401);
    expect(result.body).toEqual(UNAUTHORIZED_BODY);
  });
});

describe('tenant-auth: the tenant id is checked before any lookup', () => {
  it.each([
    ['upper case', '/tenants/ACME/scim/v2/Users'],
    ['one character', '/tenants/a/scim/v2/Users'],
    ['a leading hyphen', '/tenants/-acme/scim/v2/Users'],
    ['an encoded slash', '/tenants/acme%2F..%2Fother/scim/v2/Users'],
    ['a dot segment', '/tenants/../scim/v2/Users'],
    ['an empty id', '/tenants//scim/v2/Users'],
    ['64 characters', `/tenants/${'a'.repeat(64)}/scim/v2/Users`],
    ['an underscore', '/tenants/ac_me/scim/v2/Users'],
  ])('%s -> 401, and Secrets Manager is not called', async (_name, rawPath) => {
    secretsHold(acme.record);
    const result = await call(makeHandler(), withAuth(`Bearer ${acme.token}`, rawPath));
    expect(result.status).toBe(401);
    expect(result.body).toEqual(UNAUTHORIZED_BODY);
    expect(getSecretCalls()).toBe(0);
  });

  it('a malformed id in pathParameters is rejected the same way', async () => {
    secretsHold(acme.record);
    const event = makeEvent({
      pathParameters: { tenantId: 'Robert); DROP' },
      headers: { authorization: 'x' },
    });
    expect((await call(makeHandler(), event)).status).toBe(401);
    expect(getSecretCalls()).toBe(0);
  });

  it('a path outside /tenants/{id}/scim/v2 is a 404 without a lookup', async () => {
    secretsHold(acme.record);
    const result = await call(makeHandler(), withAuth(`Bearer ${acme.token}`, '/admin/Users'));
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ status: '404' });
    expect(getSecretCalls()).toBe(0);
  });
});

describe('tenant-auth: a failing token store is a 503, never a 401', () => {
  const throttled = Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
  const timeout = Object.assign(new Error('Connection timed out after 2000 ms'), { name: 'TimeoutError' });
  const network = Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET' });
  const serverFault = new InternalServiceError({ message: 'internal', $metadata: { httpStatusCode: 500 } });
  const accessDenied = Object.assign(new Error('not authorized'), {
    name: 'AccessDeniedException',
    $fault: 'client',
  });

  it.each([
    ['throttled', throttled],
    ['an internal service error', serverFault],
    ['a timeout', timeout],
    ['a network error', network],
    ['access denied (misconfigured role)', accessDenied],
  ])('%s -> 503 with Retry-After', async (_name, error) => {
    secretsManager.on(GetSecretValueCommand).rejects(error);
    const result = await call(makeHandler(), withAuth(`Bearer ${acme.token}`));
    expect(result.status).toBe(503);
    expect(result.body).toMatchObject({ status: '503' });
    expect(result.body).not.toHaveProperty('scimType');
    expect(result.headers['retry-after']).toBe('30');
    expect(result.headers['content-type']).toBe('application/scim+json');
  });

  it.each([
    ['not JSON', 'not json'],
    ['missing tokens', JSON.stringify({ tenantId: 'acme' })],
    ['naming another tenant', JSON.stringify({ ...globex.record })],
  ])('a secret %s -> 503 (our fault, never a credential rejection)', async (_name, secretString) => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: secretString });
    const result = await call(makeHandler(), withAuth(`Bearer ${globex.token}`));
    expect(result.status).toBe(503);
  });

  it('does not cache the failure: the next request succeeds once the store is back', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejectsOnce(timeout)
      .resolves({ SecretString: JSON.stringify(acme.record) });
    const handler = makeHandler();
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(503);
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
  });
});

describe('tenant-auth: caching', () => {
  it('serves repeated requests within the TTL from the cache, and re-reads after it', async () => {
    secretsHold(acme.record);
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    await call(handler, withAuth(`Bearer ${acme.token}`));
    clock.value += 59_000;
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    expect(getSecretCalls()).toBe(1);
    clock.value += 2_000;
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    expect(getSecretCalls()).toBe(2);
  });

  it('a token revoked in the store stops working once the cache entry expires', async () => {
    secretsHold(acme.record);
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    secretsHold({ tenantId: 'acme', tokens: [] });
    clock.value += 61_000;
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(401);
  });

  it('a token created after the record was cached works at once (re-read on failure)', async () => {
    secretsHold(acme.record);
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    const rotated = rotateTokens(acme.record, NOW, 24);
    secretsHold(rotated.record);
    clock.value += 10_000;
    expect((await call(handler, withAuth(`Bearer ${rotated.token}`))).status).toBe(200);
    expect(getSecretCalls()).toBe(2);
  });

  it('wrong tokens in quick succession do not re-read the store each time', async () => {
    secretsHold(acme.record);
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect((await call(handler, withAuth('Bearer scim_wrong'))).status).toBe(401);
      clock.value += 100;
    }
    expect(getSecretCalls()).toBe(1);
  });

  it('caches an unknown tenant, so probing random tenants does not hammer Secrets Manager', async () => {
    secretsHold();
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(
        (await call(handler, withAuth(`Bearer ${acme.token}`, '/tenants/nobody/scim/v2/Users'))).status,
      ).toBe(401);
    }
    expect(getSecretCalls()).toBe(1);
  });
});

describe('tenant-auth: a flood of random tenant ids (issue 10)', () => {
  /** A well-formed tenant id no secret has. */
  const randomTenant = (index: number): string =>
    `t${index.toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

  it('makes at most 20 + 5 a second Secrets Manager reads, answers 401 or 429, and keeps the known tenant', async () => {
    secretsHold(acme.record);
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    const statuses = new Map<number, number>();
    // 1,000 requests in 2 s (one every 2 ms), with acme's own requests among them.
    for (let index = 0; index < 1000; index += 1) {
      clock.value += 2;
      const result = await call(
        handler,
        withAuth(`Bearer ${acme.token}`, `/tenants/${randomTenant(index)}/scim/v2/Users`),
      );
      statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
      if (index % 100 === 0) expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    }
    const reads = secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId);
    // One read for acme; the random ids: the burst of 20, then 5 a second for 2 s.
    expect(reads.filter((id) => id === `${PREFIX}acme`)).toHaveLength(1);
    expect(reads.length - 1).toBeLessThanOrEqual(20 + 5 * 2);
    expect(reads.length - 1).toBeGreaterThanOrEqual(20);
    expect([...statuses.keys()].sort()).toEqual([401, 429]);
    expect((statuses.get(429) ?? 0) + (statuses.get(401) ?? 0)).toBe(1000);
  });

  it('answers 429 with Retry-After (not 401, not 503) to a tenant first seen while the budget is spent', async () => {
    secretsHold(acme.record, globex.record);
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    for (let index = 0; index < 20; index += 1) {
      await call(handler, withAuth(`Bearer ${acme.token}`, `/tenants/${randomTenant(index)}/scim/v2/Users`));
    }
    const refused = await call(handler, withAuth(`Bearer ${globex.token}`, '/tenants/globex/scim/v2/Users'));
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({ status: '429' });
    clock.value += 200;
    expect(
      (await call(handler, withAuth(`Bearer ${globex.token}`, '/tenants/globex/scim/v2/Users'))).status,
    ).toBe(200);
  });

  it("re-reads a known tenant whose entry expired during a flood, without drawing on the flood's budget", async () => {
    secretsHold(acme.record);
    const clock = { value: 1_000_000 };
    const handler = makeHandler({ clockMs: clock });
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    for (let index = 0; index < 100; index += 1) {
      await call(handler, withAuth(`Bearer ${acme.token}`, `/tenants/${randomTenant(index)}/scim/v2/Users`));
    }
    clock.value += 60_000;
    for (let index = 100; index < 200; index += 1) {
      await call(handler, withAuth(`Bearer ${acme.token}`, `/tenants/${randomTenant(index)}/scim/v2/Users`));
    }
    expect((await call(handler, withAuth(`Bearer ${acme.token}`))).status).toBe(200);
    const reads = secretsManager.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId);
    expect(reads.filter((id) => id === `${PREFIX}acme`)).toHaveLength(2);
  });
});

describe('tenant-auth: logging', () => {
  it('never logs the token or the Authorization header', async () => {
    secretsHold(acme.record);
    const handler = makeHandler();
    await call(handler, withAuth(`Bearer ${acme.token}`));
    await call(handler, withAuth(`Bearer ${acme.token}x`));
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(Object.assign(new Error(acme.token), { name: 'TimeoutError' }));
    await call(makeHandler(), withAuth(`Bearer ${acme.token}`));
    expect(logs.text()).not.toContain(acme.token);
    expect(logs.text()).not.toContain(acme.token.slice(5, 20));
    expect(logs.text().toLowerCase()).not.toContain('bearer');
    expect(logs.records().some((line) => line.errorName === 'TokenStoreUnavailableError')).toBe(true);
  });
});

describe('tenantIdFromEvent and bearerToken', () => {
  it.each([
    ['/tenants/acme/scim/v2/Users', 'acme'],
    ['/tenants/acme/scim/v2', 'acme'],
    ['/tenants/acme/scim/v2/', 'acme'],
    ['/dev/tenants/acme/scim/v2/Groups/1', 'acme'],
    ['/tenants/acme/scim/v3/Users', undefined],
    ['/tenants/acme/scim/v2x/Users', undefined],
    ['/Users', undefined],
    ['', undefined],
  ])('%s -> %s', (rawPath, expected) => {
    expect(tenantIdFromEvent(makeEvent({ rawPath }))).toBe(expected);
  });

  it.each([
    ['Bearer abc', 'abc'],
    ['  bearer   abc  ', 'abc'],
    ['Bearer', undefined],
    ['Token abc', undefined],
    [undefined, undefined],
  ])('%s -> %s', (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });
});
