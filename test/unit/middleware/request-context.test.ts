import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import middy from '@middy/core';

import { ScimError } from '../../../lambdas/scim/errors';
import { requestContext, routeTemplate } from '../../../lambdas/middleware/request-context';
import { scimErrors } from '../../../lambdas/middleware/scim-errors';
import type { ScimEvent, ScimResult } from '../../../lambdas/middleware/types';
import { captureLogs, makeContext, makeEvent, testLogger } from './helpers';
import type { LogCapture } from './helpers';

let logs: LogCapture;
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const PERSONAL = 'alice.smith@example.com';

function makeHandler(outcome: () => Promise<ScimResult>, clock?: () => number) {
  const logger = testLogger();
  return middy<ScimEvent, ScimResult>()
    .use([requestContext({ logger, clock }), scimErrors({ logger })])
    .handler(async (): Promise<ScimResult> => {
      logger.info('inside the route');
      return outcome();
    });
}

const eventWithPersonalData = (): ScimEvent =>
  makeEvent({
    method: 'post',
    rawPath: '/tenants/acme/scim/v2/Users',
    rawQueryString: `filter=userName+eq+%22${encodeURIComponent(PERSONAL)}%22`,
    headers: { authorization: 'Bearer scim_SECRETSECRET', 'content-type': 'application/scim+json' },
    body: JSON.stringify({ userName: PERSONAL, name: { givenName: 'Alice', familyName: 'Smith' } }),
  });

const accessLines = () => logs.records().filter((line) => line.message === 'request completed');

describe('request-context', () => {
  it('writes one access line with status, duration, method, route and request id', async () => {
    let now = 1000;
    const handler = makeHandler(
      async () => {
        now += 42.34;
        return Promise.resolve({ statusCode: 201 });
      },
      () => now,
    );
    await handler(eventWithPersonalData(), makeContext());
    expect(accessLines()).toHaveLength(1);
    expect(accessLines()[0]).toMatchObject({
      level: 'INFO',
      status: 201,
      durationMs: 42.3,
      method: 'POST',
      route: '/tenants/{tenantId}/scim/v2/Users',
      requestId: 'apigw-request-1',
      function_request_id: 'lambda-request-1',
    });
  });

  it('adds the request keys to the route’s own log lines', async () => {
    await makeHandler(async () => Promise.resolve({ statusCode: 200 }))(
      eventWithPersonalData(),
      makeContext(),
    );
    const inside = logs.records().find((line) => line.message === 'inside the route');
    expect(inside).toMatchObject({ requestId: 'apigw-request-1', method: 'POST' });
  });

  it('logs the final status of an error response', async () => {
    const handler = makeHandler(async () => Promise.reject(ScimError.uniqueness('userName taken')));
    const result = await handler(eventWithPersonalData(), makeContext());
    expect(result.statusCode).toBe(409);
    expect(accessLines()).toEqual([expect.objectContaining({ status: 409 })]);
  });

  it('logs 500 for an unexpected error', async () => {
    const handler = makeHandler(async () => Promise.reject(new Error(`boom ${PERSONAL}`)));
    await handler(eventWithPersonalData(), makeContext());
    expect(accessLines()).toEqual([expect.objectContaining({ status: 500 })]);
  });

  it('never logs the token, the query, the body or personal data, on success or failure', async () => {
    await makeHandler(async () =>
      Promise.resolve({ statusCode: 201, body: JSON.stringify({ userName: PERSONAL }) }),
    )(eventWithPersonalData(), makeContext());
    await makeHandler(async () => Promise.reject(new TypeError(`bad ${PERSONAL}`)))(
      eventWithPersonalData(),
      makeContext(),
    );
    const text = logs.text();
    expect(accessLines()).toHaveLength(2);
    for (const forbidden of ['SECRETSECRET', 'Bearer', 'alice', 'Alice', 'Smith', 'filter', 'userName']) {
      expect(text).not.toContain(forbidden);
    }
  });

  it('does not carry keys of one invocation into the next', async () => {
    const logger = testLogger();
    const handler = middy<ScimEvent, ScimResult>()
      .use(requestContext({ logger }))
      .handler(async (event: ScimEvent): Promise<ScimResult> => {
        if (event.rawPath.includes('/acme/')) logger.appendKeys({ tenantId: 'acme' });
        return Promise.resolve({ statusCode: 200 });
      });
    await handler(makeEvent({ rawPath: '/tenants/acme/scim/v2/Users' }), makeContext());
    await handler(makeEvent({ rawPath: '/tenants/other/scim/v2/Users' }), makeContext());
    const [first, second] = accessLines();
    expect(first).toMatchObject({ tenantId: 'acme' });
    expect(second).not.toHaveProperty('tenantId');
  });
});

describe('routeTemplate', () => {
  it.each([
    ['/tenants/acme/scim/v2/Users', '/tenants/{tenantId}/scim/v2/Users'],
    ['/tenants/acme/scim/v2/users/', '/tenants/{tenantId}/scim/v2/Users'],
    ['/tenants/acme/scim/v2/Users/8c1f', '/tenants/{tenantId}/scim/v2/Users/{id}'],
    ['/dev/tenants/acme/scim/v2/Groups/1', '/tenants/{tenantId}/scim/v2/Groups/{id}'],
    ['/tenants/acme/scim/v2/ServiceProviderConfig', '/tenants/{tenantId}/scim/v2/ServiceProviderConfig'],
    ['/tenants/acme/scim/v2', '/tenants/{tenantId}/scim/v2'],
    [`/tenants/acme/scim/v2/${PERSONAL}/x`, '/tenants/{tenantId}/scim/v2/{segment}/{id}'],
    ['/Users/alice', '{unknown}'],
  ])('%s -> %s', (rawPath, expected) => {
    expect(routeTemplate(rawPath)).toBe(expected);
  });
});
