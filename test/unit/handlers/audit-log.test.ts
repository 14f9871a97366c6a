/**
 * The access line as an audit trail: every successful write (POST, PUT, PATCH, DELETE) names the id of the
 * resource it changed, through the real users and groups handlers; reads, searches and failed writes name
 * none, and nothing personal is logged.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';

import type { TokenStore } from '../../../lambdas/auth/token-store';
import { hashToken } from '../../../lambdas/auth/tokens';
import { createGroupsHandler, createUsersHandler } from '../../../lambdas/http/handlers';
import type { ScimLambdaHandler } from '../../../lambdas/middleware';
import { ScimError } from '../../../lambdas/scim/errors';
import { captureLogs, makeContext, makeEvent, testLogger } from '../middleware/helpers';
import type { LogCapture } from '../middleware/helpers';
import type { MockRepository } from '../service/fake-repository';
import { mockRepository, storedGroup, storedUser } from '../service/fake-repository';

const TOKEN = 'scim_unit-test-token-0123456789abcdefghijklmnop';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const tokenStore: TokenStore = {
  getTenantTokens: (tenantId) =>
    Promise.resolve({
      tenantId,
      tokens: [{ id: 'tok_1', sha256: hashToken(TOKEN), createdAt: '2026-01-01T00:00:00Z' }],
    }),
};

let logs: LogCapture;
let repository: MockRepository;
let users: ScimLambdaHandler;
let groups: ScimLambdaHandler;
beforeEach(() => {
  logs = captureLogs();
  repository = mockRepository();
  const logger = testLogger();
  users = createUsersHandler({ repository, tokenStore, logger });
  groups = createGroupsHandler({ repository, tokenStore, logger });
});
afterEach(() => logs.restore());

async function call(
  handler: ScimLambdaHandler,
  method: string,
  path: string,
  body?: unknown,
): Promise<number> {
  const result = await handler(
    makeEvent({
      method,
      rawPath: `/tenants/acme/scim/v2${path}`,
      headers: {
        authorization: `Bearer ${TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
    makeContext(),
  );
  return result.statusCode ?? 0;
}

const lastAccessLine = (): Record<string, unknown> | undefined =>
  logs
    .records()
    .filter((line) => line.message === 'request completed')
    .at(-1);

const patch = { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] };

describe('the access line of a write names the resource it changed', () => {
  it('POST: the id of the created user, and no personal data', async () => {
    repository.createUser.mockResolvedValue(storedUser('0f9c-created', { userName: 'alice@example.com' }));
    expect(await call(users, 'POST', '/Users', { userName: 'alice@example.com' })).toBe(201);
    expect(lastAccessLine()).toMatchObject({ status: 201, method: 'POST', resourceId: '0f9c-created' });
    expect(logs.text()).not.toContain('alice');
  });

  it('PUT, PATCH and DELETE: the id from the path', async () => {
    repository.replaceUser.mockResolvedValue(storedUser('u-put'));
    expect(await call(users, 'PUT', '/Users/u-put', { userName: 'x@example.com' })).toBe(200);
    expect(lastAccessLine()).toMatchObject({ method: 'PUT', resourceId: 'u-put' });

    repository.updateUser.mockResolvedValue(storedUser('u-patch'));
    expect(await call(users, 'PATCH', '/Users/u-patch', patch)).toBe(204);
    expect(lastAccessLine()).toMatchObject({ method: 'PATCH', resourceId: 'u-patch' });

    repository.deleteGroup.mockResolvedValue(undefined);
    expect(await call(groups, 'DELETE', '/Groups/g-gone')).toBe(204);
    expect(lastAccessLine()).toMatchObject({ method: 'DELETE', resourceId: 'g-gone' });
  });

  it('a group created: its id', async () => {
    repository.createGroup.mockResolvedValue(storedGroup('g-new'));
    expect(await call(groups, 'POST', '/Groups', { displayName: 'Sales' })).toBe(201);
    expect(lastAccessLine()).toMatchObject({ resourceId: 'g-new' });
  });

  it('reads, searches and failed writes name no resource', async () => {
    repository.getUser.mockResolvedValue(storedUser('u-read'));
    expect(await call(users, 'GET', '/Users/u-read')).toBe(200);
    expect(lastAccessLine()).not.toHaveProperty('resourceId');

    expect(
      await call(users, 'POST', '/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        count: 1,
      }),
    ).toBe(200);
    expect(lastAccessLine()).not.toHaveProperty('resourceId');

    repository.updateUser.mockRejectedValue(ScimError.resourceNotFound('User', 'typed-by-client'));
    expect(await call(users, 'PATCH', '/Users/typed-by-client', patch)).toBe(404);
    expect(lastAccessLine()).toMatchObject({ status: 404 });
    expect(lastAccessLine()).not.toHaveProperty('resourceId');
  });
});
