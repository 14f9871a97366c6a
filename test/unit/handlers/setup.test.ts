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
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';

import { SecretsManagerTokenStore } from '../../../lambdas/auth/secrets-manager-token-store';
import { hashToken } from '../../../lambdas/auth/tokens';
import type { Logger } from '../../../lambdas/logger';
import { createSetupHandler } from '../../../lambdas/setup/handler';
import type { SetupHandlerDeps, SetupResult } from '../../../lambdas/setup/handler';
import { type SetupLink, hashSetupCode, newSetupLink } from '../../../lambdas/setup/links';
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

const post = (path: string, body: unknown, headers: Record<string, string> = { origin: ORIGIN }) =>
  event('POST', path, {
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
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
