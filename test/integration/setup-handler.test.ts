/**
 * The setup handler as the Lambda and the local server run it: payload v2 events, the real setup-link
 * store on DynamoDB Local, the file token store. The page, the reveal (once), the status panel, and bad
 * input: malformed and very long codes, a missing or foreign Origin, floods of reveals.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileTokenStore } from '../../lambdas/auth/file-token-store';
import { verifyToken } from '../../lambdas/auth/tokens';
import type { LogAttributes, Logger } from '../../lambdas/logger';
import { createSetupHandler } from '../../lambdas/setup/handler';
import type { SetupHandlerDeps, SetupResult } from '../../lambdas/setup/handler';
import { MAX_REVEAL_ATTEMPTS_PER_LINK, generateSetupCode, newSetupLink } from '../../lambdas/setup/links';
import { DynamoDbSetupLinks } from '../../lambdas/store/setup-links';
import { DynamoDbTenantActivity } from '../../lambdas/store/tenant-status-reader';
import { createTestTable } from './store/table';
import type { TestTable } from './store/table';

const HOST = 'scim.example.com';
const ORIGIN = `https://${HOST}`;
const T0 = new Date('2026-03-01T12:00:00.000Z');

let table: TestTable;
let directory: string;
let tokens: FileTokenStore;
let links: DynamoDbSetupLinks;
let clock: Date;
let logged: string[];

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.close());
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'scim-setup-'));
  tokens = new FileTokenStore(directory);
  links = new DynamoDbSetupLinks({ client: table.documentClient, tableName: table.tableName });
  clock = T0;
  logged = [];
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const remember = (message: string, attributes?: LogAttributes): void => {
  logged.push(JSON.stringify({ message, ...attributes }));
};
const logger = {
  debug: remember,
  info: remember,
  warn: remember,
  error: remember,
  appendKeys: (attributes: LogAttributes) => remember('keys', attributes),
  resetKeys: () => undefined,
  addContext: () => undefined,
} as unknown as Logger;

const handler = (overrides: Partial<SetupHandlerDeps> = {}) =>
  createSetupHandler({
    links,
    tokens,
    tenants: table.repository(),
    activity: new DynamoDbTenantActivity(table.documentClient, table.tableName),
    logger,
    now: () => clock,
    ...overrides,
  });

let sequence = 0;
const event = (
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; sourceIp?: string } = {},
): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: { host: HOST, 'x-forwarded-proto': 'https', ...options.headers },
    requestContext: {
      domainName: HOST,
      requestId: `r${(sequence += 1)}`,
      http: {
        method,
        path,
        protocol: 'HTTP/1.1',
        sourceIp: options.sourceIp ?? '203.0.113.9',
        userAgent: 'x',
      },
    },
    isBase64Encoded: false,
    ...(options.body !== undefined ? { body: options.body } : {}),
  }) as unknown as APIGatewayProxyEventV2;

const post = (
  path: string,
  code: unknown,
  headers: Record<string, string> = { origin: ORIGIN },
  sourceIp?: string,
) =>
  event('POST', path, {
    body: JSON.stringify({ code }),
    headers: { 'content-type': 'application/json', ...headers },
    ...(sourceIp !== undefined ? { sourceIp } : {}),
  });

const bodyOf = (result: SetupResult): Record<string, unknown> =>
  JSON.parse(result.body ?? '{}') as Record<string, unknown>;

const uniqueTenant = () => `acme-${Math.random().toString(36).slice(2, 8)}`;

/** A tenant with an empty token record, its metadata and one open link. */
const tenantWithLink = async (displayName = 'Acme <Corp> & "Co"') => {
  const tenantId = uniqueTenant();
  await tokens.createTenantTokens({ tenantId, tokens: [] });
  await table.repository().putTenant({ tenantId, createdAt: T0.toISOString(), displayName });
  const { link, code } = newSetupLink(tenantId, T0, 7);
  await links.issue(link);
  return { tenantId, code };
};

describe('GET /setup/{code}', () => {
  it('shows the company name (escaped) and the Tenant URL, with the security headers', async () => {
    const { tenantId, code } = await tenantWithLink();
    const result = await handler()(event('GET', `/setup/${code}`));
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Acme &lt;Corp&gt; &amp; &quot;Co&quot;');
    expect(result.body).not.toContain('<Corp>');
    expect(result.body).toContain(`value="https://${HOST}/tenants/${tenantId}/scim/v2"`);
    expect(result.body).toContain('Reveal Secret Token');
    const headers = result.headers ?? {};
    expect(headers['Cache-Control']).toBe('no-store');
    expect(headers['Referrer-Policy']).toBe('no-referrer');
    const csp = String(headers['Content-Security-Policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/https?:|unsafe-inline|\*/);
    // Every script carries this response's nonce; nothing is loaded from elsewhere.
    expect(result.body?.match(/<script/g)).toHaveLength(1);
    expect(result.body).toContain(`<script nonce="${nonce}">`);
    expect(result.body).not.toMatch(/src=|href="http/);
    expect(logged.join('\n')).not.toContain(code);
  });

  it('unknown, expired, ended, malformed and very long codes all get one identical 404 page', async () => {
    const { tenantId, code } = await tenantWithLink();
    const invalid = handler();
    const answers: SetupResult[] = [];
    answers.push(await invalid(event('GET', `/setup/${generateSetupCode()}`)));
    answers.push(await invalid(event('GET', '/setup/short')));
    answers.push(await invalid(event('GET', `/setup/${'a'.repeat(5000)}`)));
    answers.push(await invalid(event('GET', `/setup/${code}/more`)));
    clock = new Date(T0.getTime() + 7 * 86_400_000);
    answers.push(await invalid(event('GET', `/setup/${code}`)));
    clock = T0;
    await links.revokeAll(tenantId);
    answers.push(await invalid(event('GET', `/setup/${code}`)));
    for (const answer of answers) {
      expect(answer.statusCode).toBe(404);
      expect(answer.body?.replace(/nonce="[^"]+"/g, '')).toBe(
        answers[0]?.body?.replace(/nonce="[^"]+"/g, ''),
      );
      expect(answer.body).toContain('This link is no longer valid');
      expect(answer.headers?.['Cache-Control']).toBe('no-store');
    }
  });
});

describe('POST /setup/reveal', () => {
  it('mints a token once, adds it to the token record; a second reveal is refused with the date', async () => {
    const { tenantId, code } = await tenantWithLink();
    const setup = handler();
    const first = await setup(post('/setup/reveal', code));
    expect(first.statusCode).toBe(200);
    const { token, tokenId } = bodyOf(first) as { token: string; tokenId: string };
    const record = await tokens.getTenantTokens(tenantId);
    expect(record && verifyToken(token, record, T0)).toBe(tokenId);
    expect(logged.join('\n')).not.toContain(token);
    expect(logged.join('\n')).not.toContain(code);

    clock = new Date(T0.getTime() + 60_000);
    const second = await setup(post('/setup/reveal', code));
    expect(second.statusCode).toBe(409);
    expect(bodyOf(second).message).toBe(
      `The Secret Token of this link was revealed on ${T0.toISOString()}; ask for a new link.`,
    );
    expect((await tokens.getTenantTokens(tenantId))?.tokens).toHaveLength(1);
    const page = await setup(event('GET', `/setup/${code}`));
    expect(page.body).toContain(
      `revealed on <time datetime="${T0.toISOString()}">${T0.toISOString()}</time>`,
    );
    expect(page.body).not.toContain('id="reveal"');
  });

  it("a new link's reveal adds a second token; the first keeps working", async () => {
    const { tenantId, code } = await tenantWithLink();
    const setup = handler();
    const first = bodyOf(await setup(post('/setup/reveal', code))) as { token: string };
    const { link, code: next } = newSetupLink(tenantId, T0, 7);
    await links.issue(link);
    const second = bodyOf(await setup(post('/setup/reveal', next))) as { token: string };
    const record = await tokens.getTenantTokens(tenantId);
    expect(record?.tokens).toHaveLength(2);
    expect(record && verifyToken(first.token, record, T0)).toBeDefined();
    expect(record && verifyToken(second.token, record, T0)).toBeDefined();
  });

  it.each([
    ['no Origin', {}],
    ['another Origin', { origin: 'https://evil.example' }],
    ['the http origin of the https page', { origin: `http://${HOST}` }],
  ])('%s -> 403, nothing changes', async (_name, headers) => {
    const { tenantId, code } = await tenantWithLink();
    const result = await handler()(post('/setup/reveal', code, headers));
    expect(result.statusCode).toBe(403);
    expect((await tokens.getTenantTokens(tenantId))?.tokens).toEqual([]);
    expect((await links.list(tenantId))[0]).toMatchObject({ revealAttempts: 0 });
  });

  it('bad bodies: clear answers, nothing changes', async () => {
    const { tenantId, code } = await tenantWithLink();
    const setup = handler();
    const form = event('POST', '/setup/reveal', {
      body: `code=${code}`,
      headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect((await setup(form)).statusCode).toBe(400);
    const long = event('POST', '/setup/reveal', {
      body: JSON.stringify({ code: 'a'.repeat(100_000) }),
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
    });
    expect((await setup(long)).statusCode).toBe(400);
    const broken = event('POST', '/setup/reveal', {
      body: '{"code":',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
    });
    expect((await setup(broken)).statusCode).toBe(400);
    expect((await setup(post('/setup/reveal', 'short'))).statusCode).toBe(404);
    expect((await setup(post('/setup/reveal', generateSetupCode()))).statusCode).toBe(404);
    expect((await setup(event('GET', '/setup/reveal'))).statusCode).toBe(405);
    expect((await tokens.getTenantTokens(tenantId))?.tokens).toEqual([]);
  });

  it('a flood from one source is refused with 429 after the limit; other sources still work', async () => {
    const { tenantId, code } = await tenantWithLink();
    const setup = handler({ sourceLimit: { attempts: 3, windowMs: 600_000 } });
    const statuses: (number | undefined)[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push(
        (await setup(post('/setup/reveal', generateSetupCode(), { origin: ORIGIN }, '198.51.100.7')))
          .statusCode,
      );
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429, 429]);
    const refused = await setup(post('/setup/reveal', code, { origin: ORIGIN }, '198.51.100.7'));
    expect(refused.statusCode).toBe(429);
    expect(refused.headers?.['Retry-After']).toBe('600');
    expect((await tokens.getTenantTokens(tenantId))?.tokens).toEqual([]);
    expect((await setup(post('/setup/reveal', code, { origin: ORIGIN }, '198.51.100.8'))).statusCode).toBe(
      200,
    );
  });

  it('a token store failure answers 503 and gives the link back, so the retry completes; attempts are capped', async () => {
    const { tenantId, code } = await tenantWithLink();
    const failing = { updateTenantTokens: jest.fn(() => Promise.reject(new Error('down'))) };
    const broken = handler({ tokens: failing });
    const result = await broken(post('/setup/reveal', code));
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['Retry-After']).toBe('5');
    expect((await links.list(tenantId))[0]?.revealedAt).toBeUndefined();

    const retried = await handler()(post('/setup/reveal', code));
    expect(retried.statusCode).toBe(200);

    // Per link: after MAX_REVEAL_ATTEMPTS_PER_LINK failed attempts the link is spent.
    const other = await tenantWithLink();
    for (let attempt = 0; attempt < MAX_REVEAL_ATTEMPTS_PER_LINK; attempt += 1) {
      expect((await broken(post('/setup/reveal', other.code))).statusCode).toBe(503);
    }
    expect((await handler()(post('/setup/reveal', other.code))).statusCode).toBe(429);
    expect((await tokens.getTenantTokens(other.tenantId))?.tokens).toEqual([]);
  });
});

describe('POST /setup/status', () => {
  it('answers the panel for a live link (Origin checked), 404 for an invalid one', async () => {
    const { code } = await tenantWithLink();
    const setup = handler();
    const result = await setup(post('/setup/status', code));
    expect(result.statusCode).toBe(200);
    const body = bodyOf(result) as { checks: { id: string; state: string; text: string }[] };
    expect(body.checks.find((check) => check.id === 'test-connection')).toMatchObject({ state: 'waiting' });
    expect(body.checks.find((check) => check.id === 'users')).toMatchObject({ text: '0 active, 0 inactive' });
    expect((await setup(post('/setup/status', code, {}))).statusCode).toBe(403);
    expect((await setup(post('/setup/status', generateSetupCode()))).statusCode).toBe(404);
  });
});
