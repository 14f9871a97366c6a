/** Bad input over HTTP: every answer is a SCIM error with the right status, scimType and content type. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { E2eServer } from './harness';
import { ERROR, entraUser, idOf, startE2eServer } from './harness';

let e2e: E2eServer;
let userId = '';

beforeAll(async () => {
  e2e = await startE2eServer();
  userId = idOf(await e2e.client.post('/Users', entraUser('errors@example.com')));
}, 60_000);

afterAll(async () => {
  await e2e.stop();
});

const expectScimError = (
  result: { status: number; headers: Headers; body: Record<string, unknown> | undefined },
  status: number,
  scimType?: string,
): void => {
  expect(result.status).toBe(status);
  expect(result.headers.get('content-type')).toBe('application/scim+json');
  expect(result.body).toMatchObject({ schemas: [ERROR], status: String(status) });
  expect(result.body?.scimType).toBe(scimType);
  expect(typeof result.body?.detail).toBe('string');
};

describe('bad input', () => {
  it('bad JSON is 400 invalidSyntax', async () => {
    expectScimError(
      await e2e.client.request('POST', '/Users', { rawBody: '{"userName": "x",' }),
      400,
      'invalidSyntax',
    );
  });

  it('a body that is not a PatchOp is 400 invalidSyntax', async () => {
    expectScimError(
      await e2e.client.request('PATCH', `/Users/${userId}`, { body: { op: 'replace' } }),
      400,
      'invalidSyntax',
    );
  });

  it('a bad filter is 400 invalidFilter', async () => {
    expectScimError(await e2e.client.get('/Users?filter=userName+eq'), 400, 'invalidFilter');
    expectScimError(await e2e.client.get('/Users?filter=active+gt+true'), 400, 'invalidFilter');
  });

  it('a malformed PATCH path is 400 invalidPath', async () => {
    expectScimError(
      await e2e.client.patch(`/Users/${userId}`, [{ op: 'replace', path: 'emails[type eq', value: '42' }]),
      400,
      'invalidPath',
    );
  });

  it('a filter on an attribute no schema defines is 400 invalidFilter naming it', async () => {
    const result = await e2e.client.get('/Users?filter=userNmae+eq+%22a%22');
    expectScimError(result, 400, 'invalidFilter');
    expect(result.body?.detail).toContain("'userNmae'");
  });

  it('a readOnly PATCH target is 400 mutability', async () => {
    expectScimError(
      await e2e.client.patch(`/Users/${userId}`, [{ op: 'replace', path: 'id', value: 'x' }]),
      400,
      'mutability',
    );
  });

  it('a wrong type is 400 invalidValue', async () => {
    expectScimError(
      await e2e.client.post('/Users', entraUser('typed@example.com', { active: 'maybe' })),
      400,
      'invalidValue',
    );
  });

  it('a missing userName is 400 invalidValue', async () => {
    expectScimError(
      await e2e.client.post('/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] }),
      400,
      'invalidValue',
    );
  });

  it('a non-numeric count is 400 invalidValue', async () => {
    expectScimError(await e2e.client.get('/Users?count=ten'), 400, 'invalidValue');
  });

  it('a body over 1 MiB is 413', async () => {
    const huge = JSON.stringify(entraUser('big@example.com', { title: 'x'.repeat(1_100_000) }));
    expectScimError(await e2e.client.request('POST', '/Users', { rawBody: huge }), 413);
  });

  it('a body over the 6 MB API limit is 413 from the server itself', async () => {
    expectScimError(
      await e2e.client.request('POST', '/Users', { rawBody: 'x'.repeat(7 * 1024 * 1024) }),
      413,
    );
  });

  it('no Authorization is 401 with WWW-Authenticate', async () => {
    const result = await e2e.client.get('/Users', { anonymous: true });
    expectScimError(result, 401);
    expect(result.headers.get('www-authenticate')).toBe('Bearer realm="SCIM"');
  });

  it('a wrong token is the same 401', async () => {
    const result = await e2e.client.get('/Users', { headers: { Authorization: 'Bearer scim_wrong' } });
    expectScimError(result, 401);
  });

  it.each(['/Bulk', '/Users/1/2', '/Me', '/Schemas/urn:nope', '/ResourceTypes/Device'])(
    '%s is 404',
    async (path) => {
      expectScimError(await e2e.client.get(path), 404);
    },
  );

  it('an unknown id is 404', async () => {
    expectScimError(await e2e.client.get('/Users/00000000-0000-4000-8000-000000000000'), 404);
  });

  it('a path outside any tenant is 404', async () => {
    const response = await fetch(`${e2e.server.url}/favicon.ico`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/scim+json');
  });

  it.each([
    ['DELETE', '/Users', 'GET, POST'],
    ['PUT', '/Groups', 'GET, POST'],
    ['POST', `/Users/x`, 'GET, PUT, PATCH, DELETE'],
    ['GET', '/Users/.search', 'POST'],
    ['POST', '/ServiceProviderConfig', 'GET'],
  ])('%s %s is 405 with Allow: %s', async (method, path, allow) => {
    const result = await e2e.client.request(method, path, method === 'GET' ? {} : { body: {} });
    expectScimError(result, 405);
    expect(result.headers.get('allow')).toBe(allow);
  });

  it('an unsupported content type is 415', async () => {
    const result = await e2e.client.request('POST', '/Users', {
      rawBody: JSON.stringify(entraUser('xml@example.com')),
      headers: { 'Content-Type': 'application/xml' },
    });
    expectScimError(result, 415);
  });

  it('a userName clash is 409 uniqueness', async () => {
    expectScimError(await e2e.client.post('/Users', entraUser('ERRORS@example.com')), 409, 'uniqueness');
  });

  it('a stale If-Match on PATCH is 412', async () => {
    await e2e.client.patch(`/Users/${userId}`, [{ op: 'replace', path: 'title', value: 'v2' }]);
    const result = await e2e.client.patch(
      `/Users/${userId}`,
      [{ op: 'replace', path: 'title', value: 'v3' }],
      {
        headers: { 'If-Match': 'W/"1"' },
      },
    );
    expectScimError(result, 412);
  });
});

describe('discovery and search', () => {
  it('ServiceProviderConfig tells the truth', async () => {
    const result = await e2e.client.get('/ServiceProviderConfig');
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/scim+json');
    expect(result.body).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      filter: { supported: true, maxResults: 500 },
      pagination: { cursor: true, index: true },
      authenticationSchemes: [{ type: 'oauthbearertoken' }],
    });
  });

  it('lists ResourceTypes and Schemas as ListResponses, and serves each by id', async () => {
    const types = await e2e.client.get('/ResourceTypes');
    expect(types.body).toMatchObject({
      totalResults: 2,
      Resources: [{ endpoint: '/Users' }, { endpoint: '/Groups' }],
    });
    expect((await e2e.client.get('/resourcetypes/user')).body).toMatchObject({ id: 'User' });
    const schemas = await e2e.client.get('/Schemas');
    expect(schemas.body?.totalResults).toBe(4);
    const user = await e2e.client.get('/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(user.body).toMatchObject({ id: 'urn:ietf:params:scim:schemas:core:2.0:User', name: 'User' });
  });

  it('POST /.search takes a SearchRequest body', async () => {
    const result = await e2e.client.post('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "errors@example.com"',
      attributes: ['userName'],
    });
    expect(result.status).toBe(200);
    expect(result.body?.Resources).toEqual([
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: userId, userName: 'errors@example.com' },
    ]);
  });

  it('POST /.search at the tenant root is 501, naming the searches that are served', async () => {
    const result = await e2e.client.post('/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'userName eq "errors@example.com"',
    });
    expectScimError(result, 501);
    expect(result.body?.detail).toContain('/Users/.search or /Groups/.search');
  });

  it('tolerates a trailing slash and lower-case resource names', async () => {
    expect((await e2e.client.get(`/users/${userId}/`)).status).toBe(200);
    expect((await e2e.client.get('/USERS/?count=1')).status).toBe(200);
  });
});
