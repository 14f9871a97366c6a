import { describe, expect, it } from '@jest/globals';

import { ScimError } from '../../../lambdas/scim/errors';
import { createGroupService, memberIdsToAdd } from '../../../lambdas/service/groups';
import type { GroupPatchPlan } from '../../../lambdas/scim/patch';
import { scimErrorOf } from '../scim-errors';
import { mockRepository, storedGroup } from './fake-repository';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const patchOf = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const LIST = { attributes: [], excludedAttributes: [], startIndex: 1, count: 100 };

describe('group service', () => {
  it('Entra group match (excludedAttributes=members + filter) never asks the store for members', async () => {
    const repository = mockRepository();
    await createGroupService(repository).list('acme', {
      ...LIST,
      excludedAttributes: ['members'],
      filter: 'displayName eq "Sales"',
    });
    expect(repository.findGroups).toHaveBeenCalledWith(
      'acme',
      expect.objectContaining({ includeMembers: false }),
    );
  });

  it.each([
    [{ attributes: [], excludedAttributes: [] }, true],
    [{ attributes: [], excludedAttributes: ['MEMBERS'] }, false],
    [
      {
        attributes: [] as string[],
        excludedAttributes: ['urn:ietf:params:scim:schemas:core:2.0:Group:members'],
      },
      false,
    ],
    [{ attributes: ['displayName'], excludedAttributes: [] }, false],
    [{ attributes: ['members.value'], excludedAttributes: [] }, true],
  ])('get with %j reads members: %s', async (projection, includeMembers) => {
    const repository = mockRepository();
    repository.getGroup.mockResolvedValue(storedGroup('g1'));
    await createGroupService(repository).get('acme', 'g1', projection);
    expect(repository.getGroup).toHaveBeenCalledWith('acme', 'g1', { includeMembers });
  });

  it('create ignores the ADSCIM schema URN Entra adds', async () => {
    const repository = mockRepository();
    repository.createGroup.mockResolvedValue(storedGroup('g1'));
    await createGroupService(repository).create('acme', {
      schemas: [
        'urn:ietf:params:scim:schemas:core:2.0:Group',
        'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group',
      ],
      displayName: 'Sales',
      externalId: 'obj-1',
    });
    expect(repository.createGroup.mock.calls[0] as unknown).toEqual([
      'acme',
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: 'Sales',
        externalId: 'obj-1',
      },
    ]);
  });

  it('patch plans member changes without the member list and hints the ids to add', async () => {
    const repository = mockRepository();
    let plan: GroupPatchPlan | undefined;
    repository.updateGroup.mockImplementation((_tenant, _id, planner) => {
      plan = planner(storedGroup('g1'));
      return Promise.resolve(plan.resource);
    });
    const body = patchOf(
      // u2 as Microsoft's reference collection sends it: display spelt displayName.
      {
        op: 'Add',
        path: 'members',
        value: [
          { $ref: null, value: 'u1' },
          { value: 'u2', displayName: 'new User' },
        ],
      },
      { op: 'Remove', path: 'members', value: [{ value: 'u3' }] },
      { op: 'Replace', path: 'displayName', value: 'Renamed' },
    );
    await createGroupService(repository).patch('acme', 'g1', body, { ifMatch: 'W/"2"' });
    expect(plan?.members).toEqual({
      removeAll: false,
      add: [{ value: 'u1' }, { value: 'u2', display: 'new User' }],
      remove: ['u3'],
    });
    expect(plan?.resource.displayName).toBe('Renamed');
    expect(repository.updateGroup.mock.calls[0]?.[3]).toEqual({
      ifMatch: 'W/"2"',
      memberIdsHint: ['u1', 'u2'],
    });
  });

  it('a member filter that needs the member list is 400 invalidFilter', async () => {
    const repository = mockRepository();
    repository.updateGroup.mockImplementation((_tenant, _id, planner) =>
      Promise.resolve(planner(storedGroup('g1')).resource),
    );
    const error = await scimErrorOf(
      createGroupService(repository).patch(
        'acme',
        'g1',
        patchOf({ op: 'remove', path: 'members[display co "x"]' }),
        {},
      ),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidFilter']);
  });

  it('a malformed PatchOp is 400 invalidSyntax before the store is called', async () => {
    const repository = mockRepository();
    const error = await scimErrorOf(
      createGroupService(repository).patch('acme', 'g1', { Operations: [] }, {}),
    );
    expect([error.status, error.scimType]).toEqual([400, 'invalidSyntax']);
    expect(repository.updateGroup).not.toHaveBeenCalled();
  });

  it('remove passes If-Match to the store delete (which answers 412 on a mismatch); without one, deletes', async () => {
    const repository = mockRepository();
    repository.deleteGroup.mockRejectedValueOnce(
      ScimError.preconditionFailed('The Group has changed: its version is now W/"3".'),
    );
    const error = await scimErrorOf(
      createGroupService(repository).remove('acme', 'g1', { ifMatch: 'W/"1"' }),
    );
    expect(error.status).toBe(412);
    expect(repository.getGroup).not.toHaveBeenCalled();
    expect(repository.deleteGroup).toHaveBeenCalledWith('acme', 'g1', { ifMatch: 'W/"1"' });
    await createGroupService(repository).remove('acme', 'g1', {});
    expect(repository.deleteGroup).toHaveBeenLastCalledWith('acme', 'g1', {});
  });
});

describe('memberIdsToAdd', () => {
  it.each([
    [
      patchOf({ op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }, { value: 'a' }] }),
      ['a', 'b'],
    ],
    [patchOf({ op: 'replace', path: 'members', value: [{ value: 'c' }] }), ['c']],
    [patchOf({ op: 'remove', path: 'members', value: [{ value: 'd' }] }), []],
    [patchOf({ op: 'replace', path: 'displayName', value: 'x' }), []],
  ])('%j -> %j', (body, expected) => {
    expect(memberIdsToAdd(body)).toEqual(expected);
  });
});
