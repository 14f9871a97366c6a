import { describe, expect, it } from '@jest/globals';

import { CORE_GROUP_URN, CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import type { ScimResource } from '../../../lambdas/scim/resource';
import { createGroupService } from '../../../lambdas/service/groups';
import type { ResourceService } from '../../../lambdas/service/types';
import { createUserService } from '../../../lambdas/service/users';
import { scimErrorOf } from '../scim-errors';
import type { MockRepository } from './fake-repository';
import { mockRepository, storedGroup, storedUser } from './fake-repository';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** Each resource type's required string, and a service whose store answers as a store would. */
const TYPES = [
  {
    type: 'User',
    attribute: 'userName',
    urn: CORE_USER_URN,
    service: (repository: MockRepository): ResourceService => {
      repository.createUser.mockImplementation((_tenant, user) =>
        Promise.resolve({ ...user, id: 'u1' } as ScimResource),
      );
      repository.replaceUser.mockImplementation((_tenant, id, user) =>
        Promise.resolve({ ...user, id } as ScimResource),
      );
      repository.updateUser.mockImplementation((_tenant, _id, mutate) =>
        Promise.resolve(mutate(storedUser('u1')).resource),
      );
      return createUserService(repository);
    },
    written: (repository: MockRepository): unknown[] => [
      ...repository.createUser.mock.calls,
      ...repository.replaceUser.mock.calls,
    ],
  },
  {
    type: 'Group',
    attribute: 'displayName',
    urn: CORE_GROUP_URN,
    service: (repository: MockRepository): ResourceService => {
      repository.createGroup.mockImplementation((_tenant, group) =>
        Promise.resolve({ ...group, id: 'g1' } as ScimResource),
      );
      repository.replaceGroup.mockImplementation((_tenant, id, group) =>
        Promise.resolve({ ...group, id } as ScimResource),
      );
      repository.updateGroup.mockImplementation((_tenant, _id, plan) =>
        Promise.resolve(plan(storedGroup('g1')).resource),
      );
      return createGroupService(repository);
    },
    written: (repository: MockRepository): unknown[] => [
      ...repository.createGroup.mock.calls,
      ...repository.replaceGroup.mock.calls,
    ],
  },
] as const;

const BLANKS: readonly [string, string][] = [
  ['spaces', '   '],
  ['a tab and a newline', '\t\n'],
  ['a zero-width space', '\u200b'],
  ['no-break spaces and a BOM', '\u00a0\ufeff\u00a0'],
  ['a Hangul filler', '\u3164'],
];

const CASES = TYPES.flatMap((type) => BLANKS.map(([name, value]) => [type.type, name, type, value] as const));

describe('blank required strings (userName, Group displayName) are 400 invalidValue naming them', () => {
  it.each(CASES)('%s: %s on POST, PUT and PATCH; nothing written', async (_type, _name, type, value) => {
    const repository = mockRepository();
    const service = type.service(repository);
    const body = { schemas: [type.urn], [type.attribute]: value };
    const patch = {
      schemas: [PATCH_OP],
      Operations: [{ op: 'replace', path: type.attribute, value }],
    };
    const errors = [
      await scimErrorOf(service.create('acme', body)),
      await scimErrorOf(service.replace('acme', 'a1', body, {})),
      await scimErrorOf(service.patch('acme', 'a1', patch, {})),
    ];
    for (const error of errors) {
      expect([error.status, error.scimType]).toEqual([400, 'invalidValue']);
      expect(error.detail).toContain(type.attribute);
      expect(error.detail).toContain('blank');
    }
    expect(type.written(repository)).toEqual([]);
  });

  it.each(TYPES)('$type: a value with visible text is stored exactly as sent', async (type) => {
    const repository = mockRepository();
    const sent = ' \uff21da\u200b Lovelace ';
    const created = await type
      .service(repository)
      .create('acme', { schemas: [type.urn], [type.attribute]: sent });
    expect(created[type.attribute]).toBe(sent);
    expect(type.written(repository)).toEqual([['acme', expect.objectContaining({ [type.attribute]: sent })]]);
  });
});
