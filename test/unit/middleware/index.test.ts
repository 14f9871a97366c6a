import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';
import { ANSWER_BEFORE_DEADLINE_MS, scimHandler } from '../../../lambdas/middleware';
import type { ScimRequest, ScimResponse } from '../../../lambdas/middleware';
import { ScimError } from '../../../lambdas/scim/errors';
import { captureLogs, makeContext, makeEvent, parseResult, testLogger } from './helpers';
import type { EventOptions, LogCapture } from './helpers';

const acme = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z'));
const tokenStore: TokenStore = {
  getTenantTokens: async (tenantId) => Promise.resolve(tenantId === 'acme' ? acme.record : undefined),
};

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

function run(
  options: EventOptions,
  answer: (request: ScimRequest) => ScimResponse = () => ({ status: 200 }),
) {
  const seen: ScimRequest[] = [];
  const handler = scimHandler(
    async (request) => {
      seen.push(request);
      return Promise.resolve(answer(request));
    },
    { tokenStore, logger: testLogger(), maxBodyBytes: 1000 },
  );
  const event = makeEvent({
    ...options,
    headers: { authorization: `Bearer ${acme.token}`, ...options.headers },
  });
  return handler(event, makeContext()).then((result) => ({ result: parseResult(result), seen }));
}

describe('scimHandler: the ScimRequest the route receives', () => {
  it('Entra Test Connection: GET /Users with a + encoded filter and aadOptscim062020', async () => {
    const { seen } = await run({
      method: 'get',
      rawPath: '/tenants/acme/scim/v2/Users',
      rawQueryString: 'aadOptscim062020&filter=userName+eq+%22a%2Bb%40example.com%22',
      headers: { 'X-Forwarded-Proto': 'https', 'User-Agent': 'Azure AD' },
    });
    expect(seen).toHaveLength(1);
    const request = seen[0];
    expect(request).toMatchObject({
      method: 'GET',
      tenantId: 'acme',
      rawPath: '/tenants/acme/scim/v2/Users',
      body: undefined,
      baseUrl: 'https://api.example.com/tenants/acme/scim/v2',
      requestId: 'apigw-request-1',
    });
    expect(request?.query.get('filter')).toBe('userName eq "a+b@example.com"');
    expect(request?.query.has('aadOptscim062020')).toBe(true);
    expect(request?.headers['user-agent']).toBe('Azure AD');
    expect(request?.headers['x-forwarded-proto']).toBe('https');
  });

  it('POST body is parsed JSON', async () => {
    const { seen } = await run({
      method: 'POST',
      body: '{"userName":"u1"}',
      headers: { 'content-type': 'application/scim+json; charset=utf-8' },
    });
    expect(seen[0]?.body).toEqual({ userName: 'u1' });
  });

  it.each([
    [{ rawPath: '/dev/tenants/acme/scim/v2/Users' }, 'https://api.example.com/dev/tenants/acme/scim/v2'],
    [
      { headers: { 'x-forwarded-proto': 'http', host: 'localhost:3000' } },
      'http://localhost:3000/tenants/acme/scim/v2',
    ],
    [{ headers: { 'x-forwarded-proto': 'gopher' } }, 'https://api.example.com/tenants/acme/scim/v2'],
  ])('baseUrl for %j is %s', async (options, expected) => {
    const { seen } = await run(options);
    expect(seen[0]?.baseUrl).toBe(expected);
  });

  it('falls back to requestContext.domainName without a Host header', async () => {
    const handler = scimHandler(async (request) => Promise.resolve({ status: 200, body: request.baseUrl }), {
      tokenStore,
      logger: testLogger(),
    });
    const event = makeEvent({ headers: { authorization: `Bearer ${acme.token}` } });
    delete event.headers.host;
    const result = parseResult(await handler(event, makeContext()));
    expect(result.body).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/tenants/acme/scim/v2');
  });
});

describe('scimHandler: responses', () => {
  it('serialises the route response with the SCIM content type', async () => {
    const { result } = await run({}, () => ({
      status: 201,
      headers: { Location: 'https://api.example.com/tenants/acme/scim/v2/Users/1', ETag: 'W/"1"' },
      body: { id: '1' },
    }));
    expect(result).toEqual({
      status: 201,
      headers: {
        location: 'https://api.example.com/tenants/acme/scim/v2/Users/1',
        etag: 'W/"1"',
        'content-type': 'application/scim+json',
      },
      body: { id: '1' },
    });
  });

  it('a route ScimError becomes a SCIM error response', async () => {
    const { result } = await run({}, () => {
      throw ScimError.invalidFilter('Unsupported operator.');
    });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'Unsupported operator.',
    });
  });

  it('authenticates before reading the body: a stranger’s bad JSON is a 401, not a 400', async () => {
    const { result, seen } = await run({
      method: 'POST',
      body: '{not json',
      headers: { authorization: 'Bearer wrong' },
    });
    expect(result.status).toBe(401);
    expect(seen).toEqual([]);
  });

  it('a stranger’s oversized body is a 401, an authenticated one a 413', async () => {
    const body = JSON.stringify({ pad: 'x'.repeat(2000) });
    expect(
      (await run({ method: 'POST', body, headers: { authorization: 'Bearer wrong' } })).result.status,
    ).toBe(401);
    const { result, seen } = await run({ method: 'POST', body });
    expect(result.status).toBe(413);
    expect(seen).toEqual([]);
  });

  it('bad JSON from an authenticated client is 400 invalidSyntax', async () => {
    const { result } = await run({ method: 'PATCH', body: '{"Operations":[' });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('logs one access line with the tenant id and never the token', async () => {
    await run({ rawPath: '/tenants/acme/scim/v2/Users/42' });
    const access = logs.records().filter((line) => line.message === 'request completed');
    expect(access).toEqual([
      expect.objectContaining({
        tenantId: 'acme',
        status: 200,
        route: '/tenants/{tenantId}/scim/v2/Users/{id}',
      }),
    ]);
    expect(logs.text()).not.toContain(acme.token);
  });
});

describe('scimHandler: the deadline covers the whole chain, before middlewares included', () => {
  const never = <T>(): Promise<T> => new Promise<T>(() => undefined);
  it.each([
    ['the route', tokenStore, never<ScimResponse>],
    ['the token lookup (a before middleware)', { getTenantTokens: never } satisfies TokenStore, undefined],
  ])(
    'answers 503 with Retry-After before the deadline when %s hangs, and logs one access line',
    async (_stage, store, route) => {
      const handler = scimHandler(route ?? (() => Promise.resolve({ status: 200 })), {
        tokenStore: store,
        logger: testLogger(),
      });
      const event = makeEvent({
        method: 'get',
        rawPath: '/tenants/acme/scim/v2/Users',
        headers: { authorization: `Bearer ${acme.token}` },
      });
      const deadline = Date.now() + ANSWER_BEFORE_DEADLINE_MS + 150;
      const context = { ...makeContext(), getRemainingTimeInMillis: () => deadline - Date.now() };
      const result = parseResult(await handler(event, context));
      // Answered with most of the margin to spare (Middy's own default leaves 5 ms).
      expect(deadline - Date.now()).toBeGreaterThan(ANSWER_BEFORE_DEADLINE_MS / 2);
      expect(result.status).toBe(503);
      expect(result.headers['retry-after']).toBe('30');
      expect(result.body).toMatchObject({ status: '503' });
      expect(logs.records().filter((line) => line.message === 'request completed')).toEqual([
        expect.objectContaining({ status: 503, tenantId: 'acme' }),
      ]);
    },
  );
});
