/**
 * The catch-all Lambda (discovery, behind `$default`): resource paths in any casing or with a trailing
 * slash are handed to their resource's Lambda with the very same event; a failed hand-off is a 503.
 */
import { InvokeCommand, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { afterAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { newTenantRecord } from '../../../lambdas/auth/tokens';
import type { HandOffTarget } from '../../../lambdas/config';
import { createCatchAllHandler } from '../../../lambdas/http/discovery-handler';
import {
  HandOffFailedError,
  handOffResult,
  invokeCommandInput,
  lambdaHandOff,
} from '../../../lambdas/http/hand-off';
import type { ScimEvent, ScimResult } from '../../../lambdas/middleware';
import { createLogger } from '../../../lambdas/logger';
import { makeContext, makeEvent, parseResult } from '../middleware/helpers';

const acme = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z'));
const tokenStore: TokenStore = {
  getTenantTokens: (tenantId) => Promise.resolve(tenantId === 'acme' ? acme.record : undefined),
};
const FUNCTIONS: Record<HandOffTarget, string> = { users: 'users-fn', groups: 'groups-fn' };
const answered: ScimResult = {
  statusCode: 200,
  headers: { 'content-type': 'application/scim+json' },
  body: '{}',
};

const lambda = new LambdaClient({ region: 'eu-west-1' });
const lambdaMock = mockClient(lambda);
beforeEach(() => {
  lambdaMock.reset();
});
afterAll(() => lambdaMock.restore());

function catchAll(handOff: (target: HandOffTarget, event: ScimEvent) => Promise<ScimResult>) {
  return createCatchAllHandler({
    tokenStore,
    logger: createLogger({ serviceName: 'catch-all-test', logLevel: 'SILENT' }),
    handOff,
  });
}

/** An Invoke response payload as the SDK delivers it. */
const payload = (text: string) =>
  Object.assign(new TextEncoder().encode(text), { transformToString: () => text });

const eventFor = (rawPath: string, method = 'GET'): ScimEvent =>
  makeEvent({ method, rawPath, headers: { authorization: `Bearer ${acme.token}` } });

describe('catch-all handler', () => {
  it.each<[string, HandOffTarget]>([
    ['/tenants/acme/scim/v2/users', 'users'],
    ['/tenants/acme/scim/v2/USERS/abc', 'users'],
    ['/tenants/acme/scim/v2/Users/', 'users'],
    ['/tenants/acme/scim/v2/gRoUpS/.search', 'groups'],
    ['/tenants/acme/scim/v2/Groups/', 'groups'],
  ])('hands %s to the %s Lambda with the same event and returns its answer as is', async (path, target) => {
    const calls: [HandOffTarget, ScimEvent][] = [];
    const event = eventFor(path);
    const result = await catchAll((to, handed) => {
      calls.push([to, handed]);
      return Promise.resolve(answered);
    })(event, makeContext());
    expect(calls).toEqual([[target, event]]);
    expect(result).toBe(answered);
  });

  it.each([
    ['/tenants/acme/scim/v2/serviceproviderconfig', 200],
    ['/tenants/acme/scim/v2/Schemas/', 200],
    ['/tenants/acme/scim/v2/UsersX', 404],
    ['/tenants/acme/scim/v2', 404],
    ['/', 404],
    ['/tenants/acme/scim/v2/.search', 501, 'POST'],
  ])('answers %s itself (%d), handing nothing on', async (path, status, method = 'GET') => {
    let handedOff = 0;
    const result = await catchAll(() => {
      handedOff += 1;
      return Promise.resolve(answered);
    })(eventFor(path, method), makeContext());
    expect(parseResult(result).status).toBe(status);
    expect(handedOff).toBe(0);
  });

  it('refuses a root search (POST /.search) as RFC 7644 §3.12 says of an unsupported operation, after auth', async () => {
    const handler = catchAll(() => Promise.reject(new Error('nothing is handed on')));
    const event = makeEvent({
      method: 'POST',
      rawPath: '/tenants/acme/scim/v2/.search',
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'displayName sw "A"',
      }),
    });
    const refused = parseResult(await handler(event, makeContext()));
    expect(refused.status).toBe(501);
    expect(refused.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '501',
      detail:
        'A search across resource types at the root (POST /.search) is not supported: search /Users/.search or /Groups/.search instead.',
    });
    const stranger = makeEvent({ method: 'POST', rawPath: '/tenants/acme/scim/v2/.search' });
    expect(parseResult(await handler(stranger, makeContext())).status).toBe(401);
    const get = parseResult(await handler(eventFor('/tenants/acme/scim/v2/.search'), makeContext()));
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
  });

  it('answers 503 + Retry-After when the target Lambda is throttled or fails, never a 500', async () => {
    lambdaMock
      .on(InvokeCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolvesOnce({ StatusCode: 200, FunctionError: 'Unhandled', Payload: payload('{}') });
    const handler = catchAll(lambdaHandOff(lambda, FUNCTIONS));
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = parseResult(await handler(eventFor('/tenants/acme/scim/v2/users'), makeContext()));
      expect(result.status).toBe(503);
      expect(result.headers['retry-after']).toBe('30');
    }
  });

  it('invokes the named function synchronously with the event as payload', async () => {
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: payload(JSON.stringify(answered)),
    });
    const event = eventFor('/tenants/acme/scim/v2/groups/g1', 'PATCH');
    const result = await lambdaHandOff(lambda, FUNCTIONS)('groups', event);
    expect(result).toEqual(answered);
    const input = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toEqual(invokeCommandInput('groups-fn', event));
    expect(input?.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toEqual(event);
  });
});

describe('handOffResult', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it.each([
    ['a function error', bytes(JSON.stringify(answered)), 'Unhandled'],
    ['no JSON', bytes('not json'), undefined],
    ['no status code', bytes('{"body":"x"}'), undefined],
    ['nothing', undefined, undefined],
  ])('rejects %s as a failed hand-off', (_case, payload, functionError) => {
    expect(() => handOffResult(payload, functionError)).toThrow(HandOffFailedError);
  });
});
