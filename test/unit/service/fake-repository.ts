/** A ScimRepository whose every method is a jest mock, for testing the use cases in isolation. */
import { jest } from '@jest/globals';

import type { ScimResource } from '../../../lambdas/scim/resource';
import type { FindResult, ScimRepository } from '../../../lambdas/store/repository';

export type MockRepository = { [K in keyof ScimRepository]: jest.MockedFunction<ScimRepository[K]> };

export const EMPTY_PAGE: FindResult = { resources: [], totalResults: 0, startIndex: 1 };

export function mockRepository(): MockRepository {
  return {
    createUser: jest.fn<ScimRepository['createUser']>(),
    getUser: jest.fn<ScimRepository['getUser']>(),
    replaceUser: jest.fn<ScimRepository['replaceUser']>(),
    updateUser: jest.fn<ScimRepository['updateUser']>(),
    deleteUser: jest.fn<ScimRepository['deleteUser']>(),
    findUsers: jest.fn<ScimRepository['findUsers']>().mockResolvedValue(EMPTY_PAGE),
    createGroup: jest.fn<ScimRepository['createGroup']>(),
    getGroup: jest.fn<ScimRepository['getGroup']>(),
    replaceGroup: jest.fn<ScimRepository['replaceGroup']>(),
    updateGroup: jest.fn<ScimRepository['updateGroup']>(),
    deleteGroup: jest.fn<ScimRepository['deleteGroup']>(),
    findGroups: jest.fn<ScimRepository['findGroups']>().mockResolvedValue(EMPTY_PAGE),
    getTenant: jest.fn<ScimRepository['getTenant']>(),
    putTenant: jest.fn<ScimRepository['putTenant']>(),
  };
}

export const storedUser = (id: string, extra: Record<string, unknown> = {}): ScimResource => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id,
  userName: `${id}@example.com`,
  active: true,
  meta: {
    resourceType: 'User',
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    version: 'W/"3"',
  },
  ...extra,
});

export const storedGroup = (id: string, extra: Record<string, unknown> = {}): ScimResource => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
  id,
  displayName: `Group ${id}`,
  meta: {
    resourceType: 'Group',
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-01T00:00:00.000Z',
    version: 'W/"2"',
  },
  ...extra,
});
