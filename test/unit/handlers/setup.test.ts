/**
 * The setup Lambda's handler on the real adapters (setup-link store, Secrets Manager token store, tenant
 * repository, activity reader) with only the AWS clients mocked, as lambdas/setup.ts wires them: the page,
 * the one reveal, what is refused and that nothing is written then, backend faults as 503 + Retry-After,
 * and that no log line carries a code or a token.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  SecretsManagerServiceException,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
// The module object itself (a default import), on which lambdas/setup/links.ts calls timingSafeEqual.
import nodeCrypto from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

import { SecretsManagerTokenStore } from '../../../lambdas/auth/secrets-manager-token-store';
import { hashToken } from '../../../lambdas/auth/tokens';
import type { Logger } from '../../../lambdas/logger';
import { createSetupHandler } from '../../../lambdas/setup/handler';
import type { SetupHandlerDeps, SetupResult } from '../../../lambdas/setup/handler';
import {
  MAX_REVEAL_ATTEMPTS_PER_LINK,
  type SetupLink,
  hashSetupCode,
  newSetupLink,
} from '../../../lambdas/setup/links';
import { DynamoDbTenantRepository } from '../../../lambdas/store/dynamodb-tenants';
import { setupLinkKey, tenantKey } from '../../../lambdas/store/keys';
import { DynamoDbSetupLinks } from '../../../lambdas/store/setup-links';
import { DynamoDbTenantActivity } from '../../../lambdas/store/tenant-status-reader';
import { captureLogs, testLogger } from '../middleware/helpers';
import type { LogCapture } from '../middleware/helpers';

const TABLE = 'scim-test';
const SECRET_PREFIX = 'scim/test/tenants/';
const TENANT = 'acme';
const HOST = 'scim.example.com';
const ORIGIN = `https://${HOST}`;
const T0 = new Date('2026-03-01T12:00:00.000Z');

const secretsClient = new SecretsManagerClient({ region: 'eu-west-1' });
const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const secrets = mockClient(secretsClient);
const dynamo = mockClient(documentClient);

/** The link items the mocked table holds, by code hash. */
let links: Map<string, SetupLink>;
let code: string;
let logs: LogCapture;

const conditionFailed = (): ConditionalCheckFailedException =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/** The table's answers to the setup-link updates (count, claim, release), by their expressions. */
const applyUpdate = (input: UpdateCommandInput): { Attributes?: Record<string, unknown> } => {
  const pk = String(input.Key?.pk);
  const hash = pk.replace(/^SETUP#/, '');
  const link = links.get(hash);
  const values = input.ExpressionAttributeValues ?? {};
  if (link === undefined) throw conditionFailed();
  if (input.UpdateExpression?.startsWith('ADD revealAttempts')) {
    if (!(link.expiresAt > String(values[':now'])) || link.revealAttempts >= Number(values[':max'])) {
      throw conditionFailed();
    }
    const counted = { ...link, revealAttempts: link.revealAttempts + 1 };
    links.set(hash, counted);
    return { Attributes: { ...setupLinkKey(hash), ...counted } };
  }
  if (input.UpdateExpression?.startsWith('SET revealedAt')) {
    if (link.revealedAt !== undefined) throw conditionFailed();
    links.set(hash, {
      ...link,
      revealedAt: String(values[':now']),
      revealedTokenId: String(values[':token']),
    });
    return {};
  }
  if (input.UpdateExpression?.startsWith('REMOVE revealedAt')) {
    if (link.revealedTokenId !== values[':token']) throw conditionFailed();
    const released: SetupLink = { ...link };
    delete (released as { revealedAt?: string }).revealedAt;
    delete (released as { revealedTokenId?: string }).revealedTokenId;
    links.set(hash, released);
    return {};
  }
  throw new Error(`unexpected update ${String(input.UpdateExpression)}`);
};

const secretDocument = JSON.stringify({
  tenantId: TENANT,
  tokens: [{ id: 'tok_old', sha256: hashToken('scim_old-token'), createdAt: '2026-01-01T00:00:00.000Z' }],
});

beforeEach(() => {
  secrets.reset();
  dynamo.reset();
  const issued = newSetupLink(TENANT, new Date(T0.getTime() - 3_600_000));
  code = issued.code;
  links = new Map([[issued.link.codeSha256, issued.link]]);
  dynamo.on(GetCommand).callsFake((input: { Key: { pk: string; sk: string } }) => {
    const hash = input.Key.pk.replace(/^SETUP#/, '');
    const link = input.Key.pk.startsWith('SETUP#') ? links.get(hash) : undefined;
    if (link !== undefined) return { Item: { ...setupLinkKey(hash), ...link } };
    const tenant = tenantKey(TENANT);
    if (input.Key.pk === tenant.pk && input.Key.sk === tenant.sk) {
      return { Item: { ...tenant, tenantId: TENANT, createdAt: T0.toISOString(), displayName: 'Acme & Co' } };
    }
    return {};
  });
  dynamo.on(UpdateCommand).callsFake(applyUpdate);
  dynamo.on(QueryCommand).resolves({ Items: [] });
  secrets.on(GetSecretValueCommand).resolves({ SecretString: secretDocument, VersionId: 'v1' });
  secrets.on(PutSecretValueCommand).resolves({});
  secrets.on(UpdateSecretVersionStageCommand).resolves({});
  logs = captureLogs();
});
afterEach(() => logs.restore());
afterAll(() => {
  secrets.restore();
  dynamo.restore();
});

const handler = (overrides: Partial<SetupHandlerDeps> = {}, logger: Logger = testLogger()) =>
  createSetupHandler({
    links: new DynamoDbSetupLinks({ client: documentClient, tableName: TABLE }),
    tokens: new SecretsManagerTokenStore(secretsClient, SECRET_PREFIX),
    tenants: new DynamoDbTenantRepository({ client: documentClient, tableName: TABLE }),
    activity: new DynamoDbTenantActivity(documentClient, TABLE),
    logger,
    now: () => T0,
    ...overrides,
  });

let sequence = 0;
/** An API Gateway payload v2 event as the setup routes deliver it. */
const event = (
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; sourceIp?: string } = {},
): APIGatewayProxyEventV2 => {
  sequence += 1;
  return {
    version: '2.0',
    routeKey: method === 'GET' ? 'GET /setup/{code}' : `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { host: HOST, 'x-forwarded-proto': 'https', ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: HOST,
      domainPrefix: 'scim',
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? `192.0.2.${sequence % 250}`,
        userAgent: 'Mozilla/5.0',
      },
      requestId: `req-${sequence}`,
      routeKey: '$default',
      stage: '$default',
      time: '01/Mar/2026:12:00:00 +0000',
      timeEpoch: T0.getTime(),
    },
  };
};

const post = (
  path: string,
  body: unknown,
  headers: Record<string, string> = { origin: ORIGIN },
  sourceIp?: string,
) =>
  event('POST', path, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
    ...(sourceIp !== undefined ? { sourceIp } : {}),
  });

const jsonOf = (result: SetupResult): Record<string, unknown> =>
  JSON.parse(String(result.body)) as Record<string, unknown>;

describe('logs', () => {
  it('carry no code, code hash or token through a page view, a reveal, a refused reveal and the status', async () => {
    const setup = handler();
    expect((await setup(event('GET', `/setup/${code}`))).statusCode).toBe(200);
    const revealed = await setup(post('/setup/reveal', { code }));
    expect(revealed.statusCode).toBe(200);
    const { token } = jsonOf(revealed) as { token: string };
    expect((await setup(post('/setup/reveal', { code }))).statusCode).toBe(409);
    expect((await setup(post('/setup/status', { code }))).statusCode).toBe(200);
    expect((await setup(event('GET', `/setup/${code}x`))).statusCode).toBe(404);

    const text = logs.text();
    // The log is there (so the absence below means something): the reveal names the tenant and token id.
    expect(logs.records()).toContainEqual(
      expect.objectContaining({ message: 'Token revealed', tenantId: TENANT, route: '/setup/reveal' }),
    );
    for (const secret of [code, hashSetupCode(code), token, hashToken(token)]) {
      expect(text).not.toContain(secret);
    }
  });
});

/** The commands that change something: link updates and token-record writes. */
const writesSent = (): number =>
  dynamo.commandCalls(UpdateCommand).length +
  secrets.commandCalls(PutSecretValueCommand).length +
  secrets.commandCalls(UpdateSecretVersionStageCommand).length;

const withoutNonce = (body: string | undefined): string | undefined => body?.replace(/nonce="[^"]+"/g, '');

const smThrottled = (): SecretsManagerServiceException =>
  new SecretsManagerServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {} });

const throttled = (): Error =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $fault: 'client',
  });

describe('GET /setup/{code}', () => {
  it('answers the page of a live link: company name escaped, Tenant URL on the request host, no-store', async () => {
    const page = await handler()(event('GET', `/setup/${code}`));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Acme &amp; Co');
    expect(page.body).toContain(`https://${HOST}/tenants/${TENANT}/scim/v2`);
    expect(page.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
    expect(String(page.headers?.['Content-Security-Policy'])).toContain("frame-ancestors 'none'");
    expect(writesSent()).toBe(0);
  });

  it('answers one identical 404 page for unknown, expired, revoked, malformed and very long codes', async () => {
    const setup = handler();
    const [hash] = [...links.keys()];
    const link = links.get(String(hash));
    const answers: SetupResult[] = [];
    answers.push(await setup(event('GET', `/setup/${newSetupLink(TENANT, T0).code}`)));
    answers.push(await setup(event('GET', '/setup/not-a-code')));
    answers.push(await setup(event('GET', `/setup/${'A'.repeat(10_000)}`)));
    answers.push(await setup(event('GET', `/setup/${code}%00`)));
    answers.push(await setup(event('GET', `/setup/${code}/deeper`)));
    // Expired (TTL deletes late: the item may still be there).
    links.set(String(hash), { ...(link as SetupLink), expiresAt: T0.toISOString() });
    answers.push(await setup(event('GET', `/setup/${code}`)));
    // Revoked: the item is gone.
    links.clear();
    answers.push(await setup(event('GET', `/setup/${code}`)));
    expect(answers.map((answer) => answer.statusCode)).toEqual(answers.map(() => 404));
    for (const answer of answers) {
      expect(withoutNonce(answer.body)).toBe(withoutNonce(answers[0]?.body));
      expect(answer.headers?.['Cache-Control']).toBe('no-store');
    }
    expect(answers[0]?.body).toContain('This link is no longer valid');
    // A malformed or oversized code is refused before any lookup.
    const lookedUp = dynamo.commandCalls(GetCommand).map((call) => String(call.args[0].input.Key?.pk));
    expect(lookedUp.filter((pk) => pk.startsWith('SETUP#'))).toHaveLength(3);
    expect(writesSent()).toBe(0);
  });

  it('compares the stored hash in constant time: timingSafeEqual on two 32-byte digests', async () => {
    const compare = jest.spyOn(nodeCrypto, 'timingSafeEqual');
    try {
      expect((await handler()(event('GET', `/setup/${code}`))).statusCode).toBe(200);
      expect(compare).toHaveBeenCalled();
      const [left, right] = compare.mock.calls.at(-1) ?? [];
      expect([Buffer.from(left as Uint8Array).length, Buffer.from(right as Uint8Array).length]).toEqual([
        32, 32,
      ]);
      expect(Buffer.from(left as Uint8Array).toString('hex')).toBe(hashSetupCode(code));

      // The comparison decides: an item whose stored hash differs (one bit) opens no page.
      compare.mockClear();
      const [hash] = [...links.keys()];
      const link = links.get(String(hash)) as SetupLink;
      const flipped = `${link.codeSha256.slice(0, -1)}${link.codeSha256.endsWith('0') ? '1' : '0'}`;
      links.set(String(hash), { ...link, codeSha256: flipped });
      expect((await handler()(event('GET', `/setup/${code}`))).statusCode).toBe(404);
      expect(compare).toHaveBeenCalledTimes(1);
    } finally {
      compare.mockRestore();
    }
  });

  it.each([
    ['reading the link', () => dynamo.on(GetCommand).rejects(throttled())],
    ['reading the tenant', () => dynamo.on(GetCommand, { Key: tenantKey(TENANT) }).rejects(throttled())],
    [
      'a malformed link item',
      () => dynamo.on(GetCommand).resolves({ Item: { pk: 'SETUP#x', sk: 'LINK', tenantId: 42 } }),
    ],
  ])('answers 503 + Retry-After when %s fails, never 500', async (_what, fail) => {
    fail();
    const page = await handler()(event('GET', `/setup/${code}`));
    expect(page.statusCode).toBe(503);
    expect(page.headers?.['Retry-After']).toBe('5');
  });
});

describe('POST /setup/reveal', () => {
  it('mints a token, adds it to the token record by compare-and-set, and answers it once', async () => {
    const revealed = await handler()(post('/setup/reveal', { code }));
    expect(revealed.statusCode).toBe(200);
    expect(revealed.headers?.['Cache-Control']).toBe('no-store');
    const { token, tokenId, revealedAt } = jsonOf(revealed) as Record<string, string>;
    expect(token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(revealedAt).toBe(T0.toISOString());

    const [staged] = secrets.commandCalls(PutSecretValueCommand);
    expect(staged?.args[0].input.SecretId).toBe(`${SECRET_PREFIX}${TENANT}`);
    const record = JSON.parse(String(staged?.args[0].input.SecretString)) as {
      tokens: { id: string; sha256: string }[];
    };
    // The older token stays; the new one is stored as its hash only.
    expect(record.tokens.map((entry) => entry.id)).toEqual(['tok_old', tokenId]);
    expect(record.tokens[1]?.sha256).toBe(hashToken(token ?? ''));
    expect(String(staged?.args[0].input.SecretString)).not.toContain(token);
    const [promoted] = secrets.commandCalls(UpdateSecretVersionStageCommand);
    expect(promoted?.args[0].input).toMatchObject({
      VersionStage: 'AWSCURRENT',
      MoveToVersionId: staged?.args[0].input.ClientRequestToken,
      RemoveFromVersionId: 'v1',
    });
    expect(links.get(hashSetupCode(code))).toMatchObject({
      revealedAt: T0.toISOString(),
      revealedTokenId: tokenId,
    });
  });

  it('refuses a second reveal with the date of the first, and writes nothing more', async () => {
    const setup = handler();
    expect((await setup(post('/setup/reveal', { code }))).statusCode).toBe(200);
    const writes = writesSent();
    const second = await setup(post('/setup/reveal', { code }));
    expect(second.statusCode).toBe(409);
    expect(jsonOf(second)).toMatchObject({ error: 'revealed' });
    expect(String(jsonOf(second).message)).toContain(`revealed on ${T0.toISOString()}`);
    expect(writesSent()).toBe(writes);
  });

  it.each<[string, Record<string, string>]>([
    ['no Origin', {}],
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['the right host over another scheme', { origin: `http://${HOST}` }],
    ['Origin "null"', { origin: 'null' }],
  ])('refuses %s with 403 and writes nothing', async (_what, headers) => {
    const refused = await handler()(post('/setup/reveal', { code }, headers));
    expect(refused.statusCode).toBe(403);
    expect(jsonOf(refused)).toMatchObject({ error: 'origin' });
    expect(writesSent()).toBe(0);
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it.each<[string, number, string]>([
    ['an empty body', 400, ''],
    ['a body that is not JSON', 400, 'code=x'],
    ['no code in the body', 404, '{}'],
    ['the code under another name', 404, JSON.stringify({ token: 'x' })],
    ['a code that is not a string', 404, JSON.stringify({ code: 42 })],
    ['a malformed code', 404, JSON.stringify({ code: 'short' })],
    [
      'a code of the right length with a foreign character',
      404,
      JSON.stringify({ code: `${'a'.repeat(42)}!` }),
    ],
    ['a very long code', 404, JSON.stringify({ code: 'A'.repeat(900) })],
    ['a body over 1 KiB', 400, JSON.stringify({ code: 'A'.repeat(5000) })],
  ])('answers %s with %i and writes nothing', async (_what, status, body) => {
    const refused = await handler()(post('/setup/reveal', body));
    expect(refused.statusCode).toBe(status);
    expect(typeof jsonOf(refused).message).toBe('string');
    expect(writesSent()).toBe(0);
    // Nothing is looked up for a code that cannot exist.
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('refuses a reveal with the code in the path only (the POST takes it from the body)', async () => {
    const refused = await handler()(post(`/setup/${code}`, { code }));
    expect(refused.statusCode).toBe(405);
    expect(refused.headers?.Allow).toBe('GET');
    expect(writesSent()).toBe(0);
  });

  it('limits a flood of reveals from one source with 429 + Retry-After; the refused ones touch nothing', async () => {
    const setup = handler({ sourceLimit: { attempts: 3, windowMs: 60_000 } });
    const flood = (body: unknown) => setup(post('/setup/reveal', body, { origin: ORIGIN }, '198.51.100.7'));
    const answers: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1)
      answers.push((await flood({ code: newSetupLink(TENANT, T0).code })).statusCode ?? 0);
    const calls = dynamo.calls().length;
    const limited = await flood({ code });
    expect(answers).toEqual([404, 404, 404]);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['Retry-After']).toBe('60');
    expect(dynamo.calls()).toHaveLength(calls);
    expect(writesSent()).toBe(0);
    // Another source still gets its reveal.
    expect((await setup(post('/setup/reveal', { code }))).statusCode).toBe(200);
  });

  it('spends a link after its reveal attempts: 429, and no token is minted', async () => {
    const hash = hashSetupCode(code);
    links.set(hash, { ...(links.get(hash) as SetupLink), revealAttempts: MAX_REVEAL_ATTEMPTS_PER_LINK });
    const spent = await handler()(post('/setup/reveal', { code }));
    expect(spent.statusCode).toBe(429);
    expect(jsonOf(spent)).toMatchObject({ error: 'attempts' });
    expect(secrets.calls()).toHaveLength(0);
  });

  it.each([
    ['Secrets Manager throttles the read', () => secrets.on(GetSecretValueCommand).rejects(smThrottled())],
    ['Secrets Manager fails the write', () => secrets.on(PutSecretValueCommand).rejects(smThrottled())],
  ])('%s: 503 + Retry-After, the link is given back, and the retry completes', async (_what, fail) => {
    fail();
    const setup = handler();
    const failed = await setup(post('/setup/reveal', { code }));
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['Retry-After']).toBe('5');
    expect(links.get(hashSetupCode(code))?.revealedAt).toBeUndefined();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: secretDocument, VersionId: 'v1' });
    secrets.on(PutSecretValueCommand).resolves({});
    expect((await setup(post('/setup/reveal', { code }))).statusCode).toBe(200);
  });

  it.each([
    ['counting the attempt', UpdateCommand],
    ['reading the link', GetCommand],
  ] as const)('DynamoDB failing at %s: 503 + Retry-After, nothing minted', async (_what, command) => {
    dynamo.on(command).rejects(throttled());
    const failed = await handler()(post('/setup/reveal', { code }));
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['Retry-After']).toBe('5');
    expect(secrets.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });
});

describe('POST /setup/status', () => {
  it('answers the panel for a live link (no writes), 404 for an unknown code', async () => {
    const setup = handler();
    const panel = await setup(post('/setup/status', { code }));
    expect(panel.statusCode).toBe(200);
    expect(panel.headers?.['Content-Type']).toBe('application/json');
    expect((await setup(post('/setup/status', { code: newSetupLink(TENANT, T0).code }))).statusCode).toBe(
      404,
    );
    expect(writesSent()).toBe(0);
  });

  it('answers 503 + Retry-After when the activity cannot be read', async () => {
    dynamo.on(QueryCommand).rejects(throttled());
    const failed = await handler()(post('/setup/status', { code }));
    expect(failed.statusCode).toBe(503);
    expect(failed.headers?.['Retry-After']).toBe('5');
  });
});
