import { describe, expect, it } from '@jest/globals';

import { ScimError } from '../../../lambdas/scim/errors';
import type { ScimResource } from '../../../lambdas/scim/resource';
import { createUserService } from '../../../lambdas/service/users';
import { scimErrorOf } from '../scim-errors';
import { mockRepository, storedUser } from './fake-repository';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const NO_PROJECTION = { attributes: [], excludedAttributes: [] };
const LIST = { ...NO_PROJECTION, startIndex: 1, count: 100 };

describe('user service', () => {
  it('create normalises the body (Entra string booleans, nulls, flat extension keys) before the store', async () => {
    const repository = mockRepository();
    repository.createUser.mockImplementation((_tenant, user) =>
      Promise.resolve({ ...user, id: 'u1' } as ScimResource),
    );
    await createUserService(repository).create('acme', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada@example.com',
      active: 'True',
      nickName: null,
      'urn:ietf:params:scim:schemas:extension:profile:2.0:User:managementLevel': 'Director',
    });
    expect(repository.createUser.mock.calls[0] as unknown).toEqual([
      'acme',
      {
        schemas: [
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:extension:profile:2.0:User',
        ],
        userName: 'ada@example.com',
        active: true,
        'urn:ietf:params:scim:schemas:extension:profile:2.0:User': { managementLevel: 'Director' },
      },
    ]);
  });

  it('create rejects a body without userName with 400 invalidValue, writing nothing', async () => {
    const repository = mockRepository();
    const error = await scimErrorOf(createUserService(repository).create('acme', { schemas: [] }));
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(repository.createUser).not.toHaveBeenCalled();
  });

  it('list parses and checks the filter before the store sees it', async () => {
    const repository = mockRepository();
    await createUserService(repository).list('acme', { ...LIST, filter: 'userName eq "a@b.c"' });
    expect(repository.findUsers).toHaveBeenCalledWith('acme', {
      filter: { kind: 'compare', path: { attribute: 'userName' }, op: 'eq', value: 'a@b.c' },
      startIndex: 1,
      count: 100,
      includeGroups: false,
    });
  });

  it.each(['userName eq', 'active gt true', 'userName eq "x" and'])(
    'list with filter %s is 400 invalidFilter',
    async (filter) => {
      const repository = mockRepository();
      const error = await scimErrorOf(createUserService(repository).list('acme', { ...LIST, filter }));
      expect([error.status, error.scimType]).toEqual([400, 'invalidFilter']);
      expect(repository.findUsers).not.toHaveBeenCalled();
    },
  );

  it('list passes an RFC 9865 cursor through', async () => {
    const repository = mockRepository();
    await createUserService(repository).list('acme', { ...LIST, cursor: '' });
    expect(repository.findUsers).toHaveBeenCalledWith('acme', {
      startIndex: 1,
      count: 100,
      cursor: '',
      includeGroups: false,
    });
  });

  it.each([
    // groups is returned "request" (a Query per user): not by default, only when attributes names it.
    [NO_PROJECTION, false],
    [{ attributes: ['groups'], excludedAttributes: [] }, true],
    [{ attributes: [], excludedAttributes: ['groups'] }, false],
    [{ attributes: ['userName'], excludedAttributes: [] }, false],
    [{ attributes: ['groups.value'], excludedAttributes: [] }, true],
  ])('get with %j reads groups: %s', async (projection, includeGroups) => {
    const repository = mockRepository();
    repository.getUser.mockResolvedValue(storedUser('u1'));
    await createUserService(repository).get('acme', 'u1', projection);
    expect(repository.getUser).toHaveBeenCalledWith('acme', 'u1', { includeGroups });
  });

  it.each([
    [LIST, false],
    [{ ...LIST, attributes: ['groups'] }, true],
    [{ ...LIST, attributes: ['userName', 'groups.value'] }, true],
    [{ ...LIST, excludedAttributes: ['groups'] }, false],
  ])('list with %j reads groups: %s', async (query, includeGroups) => {
    const repository = mockRepository();
    await createUserService(repository).list('acme', { ...query, filter: 'userName eq "a@b.c"' });
    expect(repository.findUsers).toHaveBeenCalledWith('acme', expect.objectContaining({ includeGroups }));
  });

  it.each(['replace', 'patch'] as const)(
    '%s re-reads the user with groups only when the projection asks for them',
    async (operation) => {
      const repository = mockRepository();
      repository.replaceUser.mockResolvedValue(storedUser('u1'));
      repository.updateUser.mockResolvedValue(storedUser('u1'));
      const withGroups = { ...storedUser('u1'), groups: [{ value: 'g1', type: 'direct' }] };
      repository.getUser.mockResolvedValue(withGroups);
      const service = createUserService(repository);
      const body =
        operation === 'replace'
          ? { userName: 'x@y.z' }
          : { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'CTO' }] };
      const plain = await service[operation]('acme', 'u1', body, {}, NO_PROJECTION);
      expect(plain.groups).toBeUndefined();
      expect(repository.getUser).not.toHaveBeenCalled();
      const asked = await service[operation](
        'acme',
        'u1',
        body,
        {},
        { attributes: ['groups'], excludedAttributes: [] },
      );
      expect(asked.groups).toEqual([{ value: 'g1', type: 'direct' }]);
      expect(repository.getUser).toHaveBeenCalledWith('acme', 'u1', { includeGroups: true });
    },
  );

  it('a user deleted between the write and the groups read is 404', async () => {
    const repository = mockRepository();
    repository.replaceUser.mockResolvedValue(storedUser('u1'));
    repository.getUser.mockResolvedValue(undefined);
    const error = await scimErrorOf(
      createUserService(repository).replace(
        'acme',
        'u1',
        { userName: 'x@y.z' },
        {},
        {
          attributes: ['groups'],
          excludedAttributes: [],
        },
      ),
    );
    expect([error.status, error.scimType]).toEqual([404, undefined]);
  });

  it('get of an unknown id is 404', async () => {
    const repository = mockRepository();
    repository.getUser.mockResolvedValue(undefined);
    const error = await scimErrorOf(createUserService(repository).get('acme', 'nope', NO_PROJECTION));
    expect([error.status, error.scimType]).toEqual([404, undefined]);
  });

  it('replace normalises and passes If-Match to the store', async () => {
    const repository = mockRepository();
    repository.replaceUser.mockResolvedValue(storedUser('u1'));
    await createUserService(repository).replace(
      'acme',
      'u1',
      { userName: 'x@y.z', id: 'ignored' },
      { ifMatch: 'W/"3"' },
    );
    expect(repository.replaceUser.mock.calls[0] as unknown).toEqual([
      'acme',
      'u1',
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'x@y.z' },
      { ifMatch: 'W/"3"' },
    ]);
  });

  it('replace naming the user as its own manager is 400 invalidValue', async () => {
    const repository = mockRepository();
    const error = await scimErrorOf(
      createUserService(repository).replace(
        'acme',
        'u1',
        { userName: 'x', [ENTERPRISE]: { manager: { value: 'u1' } } },
        {},
      ),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
    expect(repository.replaceUser).not.toHaveBeenCalled();
  });

  it('patch applies the PatchOp inside the store update, with If-Match', async () => {
    const repository = mockRepository();
    let applied: ScimResource | undefined;
    repository.updateUser.mockImplementation((_tenant, _id, mutate) => {
      applied = mutate(storedUser('u1')).resource;
      return Promise.resolve(applied);
    });
    const body = { schemas: [PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] };
    await createUserService(repository).patch('acme', 'u1', body, { ifMatch: '*' });
    expect(applied?.active).toBe(false);
    expect(repository.updateUser.mock.calls[0]?.[3]).toEqual({ ifMatch: '*' });
  });

  it('patch setting the user as its own manager is 400 invalidValue', async () => {
    const repository = mockRepository();
    repository.updateUser.mockImplementation((_tenant, _id, mutate) =>
      Promise.resolve(mutate(storedUser('u1')).resource),
    );
    const body = {
      schemas: [PATCH_OP],
      Operations: [{ op: 'add', path: `${ENTERPRISE}:manager`, value: 'u1' }],
    };
    const error = await scimErrorOf(createUserService(repository).patch('acme', 'u1', body, {}));
    expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
  });

  it('remove without If-Match deletes at once', async () => {
    const repository = mockRepository();
    await createUserService(repository).remove('acme', 'u1', {});
    expect(repository.getUser).not.toHaveBeenCalled();
    expect(repository.deleteUser).toHaveBeenCalledWith('acme', 'u1', {});
  });

  it.each(['W/"3"', '"3"', '*', 'W/"1", W/"3"'])(
    'remove with If-Match %s passes it to the store delete, which checks it (no separate read)',
    async (ifMatch) => {
      const repository = mockRepository();
      await createUserService(repository).remove('acme', 'u1', { ifMatch });
      expect(repository.getUser).not.toHaveBeenCalled();
      expect(repository.deleteUser).toHaveBeenCalledWith('acme', 'u1', { ifMatch });
    },
  );

  it.each([
    [412, ScimError.preconditionFailed('The User has changed: its version is now W/"3".')],
    [404, ScimError.notFound('User u1 not found.')],
  ])("remove answers the store delete's %s", async (status, storeError) => {
    const repository = mockRepository();
    repository.deleteUser.mockRejectedValue(storeError);
    const error = await scimErrorOf(createUserService(repository).remove('acme', 'u1', { ifMatch: 'W/"2"' }));
    expect(error.status).toBe(status);
  });
});
