/**
 * Filters on attributes the HTTP layer computes (meta.location, members' `$ref`) test the value the client
 * reads: the handlers through the real Middy chain, over the DynamoDB repository on DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { TokenStore } from '../../lambdas/auth/token-store';
import { hashToken } from '../../lambdas/auth/tokens';
import { createGroupsHandler, createUsersHandler } from '../../lambdas/http/handlers';
import { createLogger } from '../../lambdas/logger';
import type { ScimLambdaHandler } from '../../lambdas/middleware';
import { CORE_GROUP_URN, CORE_USER_URN } from '../../lambdas/scim/schema/urns';
import { makeContext, makeEvent } from '../unit/middleware/helpers';
import { createTestTable } from './store/table';
import type { TestTable } from './store/table';

const TOKEN = 'scim_integration-test-token-0123456789abcdefghij';
const TENANT = 'acme';
const BASE = `https://api.example.com/tenants/${TENANT}/scim/v2`;

const tokenStore: TokenStore = {
  getTenantTokens: (tenantId) =>
    Promise.resolve({
      tenantId,
      tokens: [{ id: 'tok_1', sha256: hashToken(TOKEN), createdAt: '2026-01-01T00:00:00Z' }],
    }),
};

let table: TestTable;
let users: ScimLambdaHandler;
let groups: ScimLambdaHandler;

beforeAll(async () => {
  table = await createTestTable();
  const repository = table.repository();
  const logger = createLogger({ serviceName: 'computed-filters', logLevel: 'SILENT' });
  users = createUsersHandler({ repository, tokenStore, logger });
  groups = createGroupsHandler({ repository, tokenStore, logger });
});
afterAll(() => table.close());

const call = async (
  handler: ScimLambdaHandler,
  method: string,
  path: string,
  options: { query?: string; body?: unknown } = {},
): Promise<{ status: number; json: Record<string, unknown> }> => {
  const result = await handler(
    makeEvent({
      method,
      rawPath: `/tenants/${TENANT}/scim/v2${path}`,
      rawQueryString: options.query ?? '',
      headers: {
        authorization: `Bearer ${TOKEN}`,
        'x-forwarded-proto': 'https',
        ...(options.body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    }),
    makeContext(),
  );
  return { status: result.statusCode ?? 0, json: JSON.parse(result.body ?? '{}') as Record<string, unknown> };
};

const listed = async (handler: ScimLambdaHandler, path: string, filter: string): Promise<string[]> => {
  const { status, json } = await call(handler, 'GET', path, {
    query: `filter=${encodeURIComponent(filter)}`,
  });
  expect(status).toBe(200);
  return (json.Resources as { id: string }[]).map(({ id }) => id).sort();
};

describe('filters on computed attributes', () => {
  let ada: string;
  let grace: string;
  let group: string;

  beforeAll(async () => {
    ada = String(
      (await call(users, 'POST', '/Users', { body: { schemas: [CORE_USER_URN], userName: 'ada' } })).json.id,
    );
    grace = String(
      (await call(users, 'POST', '/Users', { body: { schemas: [CORE_USER_URN], userName: 'grace' } })).json
        .id,
    );
    group = String(
      (
        await call(groups, 'POST', '/Groups', {
          body: { schemas: [CORE_GROUP_URN], displayName: 'Engineers', members: [{ value: ada }] },
        })
      ).json.id,
    );
  });

  it('meta.location: co, sw, eq and ew test the absolute URL the client reads', async () => {
    const both = [ada, grace].sort();
    await expect(listed(users, '/Users', `meta.location co "${TENANT}"`)).resolves.toEqual(both);
    await expect(listed(users, '/Users', `meta.location sw "${BASE}/Users/"`)).resolves.toEqual(both);
    await expect(listed(users, '/Users', `meta.location eq "${BASE}/Users/${ada}"`)).resolves.toEqual([ada]);
    await expect(listed(users, '/Users', `meta.location ew "${grace}"`)).resolves.toEqual([grace]);
    await expect(listed(users, '/Users', 'meta.location co "/Groups/"')).resolves.toEqual([]);
    await expect(listed(groups, '/Groups', `meta.location eq "${BASE}/Groups/${group}"`)).resolves.toEqual([
      group,
    ]);
  });

  it('through POST /.search too, and a group member by its $ref', async () => {
    const { json } = await call(users, 'POST', '/Users/.search', {
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `meta.location co "${TENANT}" and userName eq "ada"`,
      },
    });
    expect((json.Resources as { id: string }[]).map(({ id }) => id)).toEqual([ada]);
    await expect(listed(groups, '/Groups', `members[$ref eq "${BASE}/Users/${ada}"]`)).resolves.toEqual([
      group,
    ]);
    await expect(listed(groups, '/Groups', `members[$ref eq "${BASE}/Users/${grace}"]`)).resolves.toEqual([]);
  });

  it('meta.resourceType (stored in the item, not the body) is tested as returned', async () => {
    await expect(listed(users, '/Users', 'meta.resourceType eq "User"')).resolves.toEqual(
      [ada, grace].sort(),
    );
    await expect(listed(groups, '/Groups', 'meta.resourceType eq "User"')).resolves.toEqual([]);
  });
});
