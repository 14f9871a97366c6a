/**
 * The three handlers through the real Middy chain, with a mocked repository and an in-memory token store:
 * status codes, headers, meta.location and projection, as Entra and the RFC expect them.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { hashToken } from '../../../lambdas/auth/tokens';
import { createDiscoveryHandler } from '../../../lambdas/http/discovery-handler';
import { createGroupsHandler, createUsersHandler } from '../../../lambdas/http/handlers';
import { createLogger } from '../../../lambdas/logger';
import type { ScimLambdaHandler, ScimResult } from '../../../lambdas/middleware';
import type { ScimResource } from '../../../lambdas/scim/resource';
import { makeContext, makeEvent } from '../middleware/helpers';
import type { MockRepository } from '../service/fake-repository';
import { mockRepository, storedGroup, storedUser } from '../service/fake-repository';

const TOKEN = 'scim_unit-test-token-0123456789abcdefghijklmnop';
const BASE = 'https://api.example.com/tenants/acme/scim/v2';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

const tokenStore: TokenStore = {
  getTenantTokens: (tenantId) =>
    Promise.resolve(
      tenantId === 'acme'
        ? { tenantId, tokens: [{ id: 'tok_1', sha256: hashToken(TOKEN), createdAt: '2026-01-01T00:00:00Z' }] }
        : undefined,
    ),
};
const logger = createLogger({ serviceName: 'handlers-test', logLevel: 'SILENT' });

let repository: MockRepository;
let users: ScimLambdaHandler;
let groups: ScimLambdaHandler;
let discovery: ScimLambdaHandler;

beforeEach(() => {
  repository = mockRepository();
  users = createUsersHandler({ repository, tokenStore, logger });
  groups = createGroupsHandler({ repository, tokenStore, logger });
  discovery = createDiscoveryHandler({ tokenStore, logger });
});

interface Call {
  method?: string;
  path: string;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

async function call(
  handler: ScimLambdaHandler,
  request: Call,
): Promise<ScimResult & { json: Record<string, unknown> | undefined }> {
  const result = await handler(
    makeEvent({
      method: request.method ?? 'GET',
      rawPath: `/tenants/acme/scim/v2${request.path}`,
      rawQueryString: request.query ?? '',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'x-forwarded-proto': 'https',
        ...(request.body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
        ...request.headers,
      },
      ...(request.body !== undefined ? { body: JSON.stringify(request.body) } : {}),
    }),
    makeContext(),
  );
  return {
    ...result,
    json: result.body === undefined ? undefined : (JSON.parse(result.body) as Record<string, unknown>),
  };
}

describe('users handler', () => {
  it('POST is 201 with Location, ETag and an absolute meta.location', async () => {
    repository.createUser.mockResolvedValue(storedUser('u1'));
    const result = await call(users, {
      method: 'POST',
      path: '/Users',
      body: { userName: 'u1@example.com' },
    });
    expect(result.statusCode).toBe(201);
    expect(result.headers).toMatchObject({
      Location: `${BASE}/Users/u1`,
      ETag: 'W/"3"',
      'Content-Type': 'application/scim+json',
    });
    expect(result.json?.meta).toMatchObject({ location: `${BASE}/Users/u1`, version: 'W/"3"' });
  });

  it('POST without a body is 400 invalidSyntax', async () => {
    const result = await call(users, { method: 'POST', path: '/Users' });
    expect(result.statusCode).toBe(400);
    expect(result.json).toMatchObject({ status: '400', scimType: 'invalidSyntax' });
  });

  it('GET by id is 200 with ETag and applies the projection', async () => {
    repository.getUser.mockResolvedValue(storedUser('u1', { title: 'Analyst' }));
    const result = await call(users, { path: '/Users/u1', query: 'attributes=title' });
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ ETag: 'W/"3"' });
    expect(result.json).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'u1',
      title: 'Analyst',
    });
  });

  it('GET of an unknown id is a SCIM 404', async () => {
    repository.getUser.mockResolvedValue(undefined);
    const result = await call(users, { path: '/Users/nope' });
    expect(result.statusCode).toBe(404);
    expect(result.json).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
    });
  });

  it('Test Connection: a filter for a missing user is 200 with Resources []', async () => {
    const result = await call(users, {
      path: '/Users',
      query: 'filter=userName+eq+%2259d8ff6c-2f4b-4b0a-9c1e-0e5b0d5c8a11%22&aadOptscim062020',
    });
    expect(result.statusCode).toBe(200);
    expect(result.json).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      startIndex: 1,
      itemsPerPage: 0,
      Resources: [],
    });
  });

  it('list projects every resource and carries RFC 9865 cursors', async () => {
    repository.findUsers.mockResolvedValue({
      resources: [storedUser('u1'), storedUser('u2')],
      totalResults: 5,
      startIndex: 1,
      nextCursor: 'next',
    });
    const result = await call(users, { path: '/Users', query: 'cursor=&count=2&attributes=userName' });
    expect(result.json).toMatchObject({ totalResults: 5, itemsPerPage: 2, nextCursor: 'next' });
    expect(result.json?.Resources).toEqual([
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u1', userName: 'u1@example.com' },
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], id: 'u2', userName: 'u2@example.com' },
    ]);
  });

  it.each([['W/"3"'], ['"3"'], ['*'], ['W/"1", W/"3"']])(
    'GET by id with If-None-Match %s (the current version) is 304 with the ETag and no body',
    async (ifNoneMatch) => {
      repository.getUser.mockResolvedValue(storedUser('u1', { meta: { version: 'W/"3"' } }));
      const result = await call(users, { path: '/Users/u1', headers: { 'if-none-match': ifNoneMatch } });
      expect(result.statusCode).toBe(304);
      expect(result.body).toBeUndefined();
      expect(result.headers).toMatchObject({ ETag: 'W/"3"' });
    },
  );

  it('GET by id with an older If-None-Match is 200 with the resource', async () => {
    repository.getUser.mockResolvedValue(storedUser('u1', { meta: { version: 'W/"3"' } }));
    const result = await call(users, { path: '/Users/u1', headers: { 'if-none-match': 'W/"2"' } });
    expect(result.statusCode).toBe(200);
    expect(result.json).toMatchObject({ id: 'u1', meta: { version: 'W/"3"' } });
  });

  it('GET by id of an unknown user with If-None-Match * is still 404', async () => {
    repository.getUser.mockResolvedValue(undefined);
    const result = await call(users, { path: '/Users/nope', headers: { 'if-none-match': '*' } });
    expect(result.statusCode).toBe(404);
    expect(result.json).toMatchObject({ status: '404' });
  });

  it('PATCH is 204 with the new ETag and no body', async () => {
    repository.updateUser.mockResolvedValue(storedUser('u1', { meta: { version: 'W/"4"' } }));
    const result = await call(users, {
      method: 'PATCH',
      path: '/Users/u1',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
      headers: { 'if-match': 'W/"3"' },
    });
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
    expect(result.headers).toMatchObject({ ETag: 'W/"4"' });
    expect(repository.updateUser.mock.calls[0]?.[3]).toEqual({ ifMatch: 'W/"3"' });
  });

  it('PATCH with attributes is 200 with the projected resource', async () => {
    repository.updateUser.mockResolvedValue(storedUser('u1', { active: false }));
    const result = await call(users, {
      method: 'PATCH',
      path: '/Users/u1',
      query: 'attributes=active',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] },
    });
    expect(result.statusCode).toBe(200);
    expect(result.json).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: 'u1',
      active: false,
    });
  });

  it('PUT is 200 with ETag', async () => {
    repository.replaceUser.mockResolvedValue(storedUser('u1'));
    const result = await call(users, {
      method: 'PUT',
      path: '/Users/u1',
      body: { userName: 'u1@example.com' },
    });
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ ETag: 'W/"3"' });
  });

  it('DELETE is 204 without a body', async () => {
    repository.deleteUser.mockResolvedValue(undefined);
    const result = await call(users, { method: 'DELETE', path: '/Users/u1' });
    expect(result.statusCode).toBe(204);
    expect(result.body).toBeUndefined();
  });

  it('a wrong method is 405 with Allow', async () => {
    const result = await call(users, { method: 'DELETE', path: '/Users' });
    expect(result.statusCode).toBe(405);
    expect(result.headers).toMatchObject({ Allow: 'GET, POST' });
  });

  it('a Groups path reaching the users handler is 404', async () => {
    const result = await call(users, { path: '/Groups' });
    expect(result.statusCode).toBe(404);
  });

  it('a store failure that is not a ScimError becomes a 500 SCIM error, never a crash', async () => {
    repository.getUser.mockRejectedValue(new TypeError('boom'));
    const result = await call(users, { path: '/Users/u1' });
    expect(result.statusCode).toBe(500);
    expect(result.json).toMatchObject({ status: '500' });
  });
});

describe('groups handler', () => {
  it('Entra group match: excludedAttributes=members with a filter returns no members and reads none', async () => {
    repository.findGroups.mockResolvedValue({
      resources: [storedGroup('g1')],
      totalResults: 1,
      startIndex: 1,
    });
    const result = await call(groups, {
      path: '/Groups',
      query: 'excludedAttributes=members&filter=displayName+eq+%22Group+g1%22',
    });
    expect(result.statusCode).toBe(200);
    expect(repository.findGroups.mock.calls[0]?.[1]).toMatchObject({ includeMembers: false });
    expect((result.json?.Resources as ScimResource[])[0]).not.toHaveProperty('members');
  });

  it('PATCH with attributes=members reads the group again with its members', async () => {
    repository.updateGroup.mockResolvedValue(storedGroup('g1'));
    repository.getGroup.mockResolvedValue(storedGroup('g1', { members: [{ value: 'u1' }] }));
    const result = await call(groups, {
      method: 'PATCH',
      path: '/Groups/g1',
      query: 'attributes=members',
      body: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'members', value: [{ value: 'u1' }] }] },
    });
    expect(result.statusCode).toBe(200);
    expect(repository.getGroup).toHaveBeenCalledWith('acme', 'g1', { includeMembers: true });
    expect(result.json?.members).toEqual([{ value: 'u1' }]);
  });

  it('members carry $ref, their location, and keep type', async () => {
    repository.getGroup.mockResolvedValue(
      storedGroup('g1', {
        members: [
          { value: 'u 1', type: 'User', display: 'Ada' },
          { value: 'g2', type: 'Group' },
        ],
      }),
    );
    const result = await call(groups, { path: '/Groups/g1' });
    expect(result.statusCode).toBe(200);
    expect(result.json?.members).toEqual([
      { value: 'u 1', type: 'User', display: 'Ada', $ref: `${BASE}/Users/u%201` },
      { value: 'g2', type: 'Group', $ref: `${BASE}/Groups/g2` },
    ]);
  });

  it('POST /Groups/.search reads a SearchRequest', async () => {
    const result = await call(groups, {
      method: 'POST',
      path: '/Groups/.search',
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        excludedAttributes: ['members'],
        count: 10,
      },
    });
    expect(result.statusCode).toBe(200);
    expect(repository.findGroups.mock.calls[0]?.[1]).toEqual({
      startIndex: 1,
      count: 10,
      includeMembers: false,
    });
  });
});

describe('discovery handler', () => {
  it('serves ServiceProviderConfig', async () => {
    const result = await call(discovery, { path: '/ServiceProviderConfig' });
    expect(result.statusCode).toBe(200);
    expect(result.json).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 500 },
      pagination: { cursor: true, index: true, defaultPageSize: 100, maxPageSize: 500 },
    });
  });

  it('serves ResourceTypes and Schemas, case-insensitively, and 404 for unknown ids', async () => {
    expect((await call(discovery, { path: '/ResourceTypes' })).json).toMatchObject({ totalResults: 2 });
    expect((await call(discovery, { path: '/resourcetypes/GROUP' })).json).toMatchObject({
      id: 'Group',
      endpoint: '/Groups',
    });
    expect(
      (await call(discovery, { path: '/Schemas/urn:ietf:params:scim:schemas:core:2.0:group' })).json,
    ).toMatchObject({
      id: 'urn:ietf:params:scim:schemas:core:2.0:Group',
    });
    expect((await call(discovery, { path: '/Schemas/urn:nope' })).statusCode).toBe(404);
    expect((await call(discovery, { path: '/ResourceTypes/Device' })).statusCode).toBe(404);
  });

  it('answers 404 for every other path, and for Users paths', async () => {
    expect((await call(discovery, { path: '/Bulk', method: 'POST' })).statusCode).toBe(404);
    expect((await call(discovery, { path: '/Users' })).statusCode).toBe(404);
  });

  it('still authenticates', async () => {
    const result = await call(discovery, { path: '/Schemas', headers: { authorization: 'Bearer nope' } });
    expect(result.statusCode).toBe(401);
  });
});
