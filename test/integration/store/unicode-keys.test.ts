/**
 * Uniqueness cannot be evaded with values nobody can tell apart (lambdas/scim/match-key.ts), end to end:
 * the use cases over the DynamoDB repository on DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { JsonObject } from '../../../lambdas/scim/json';
import { CORE_GROUP_URN, CORE_USER_URN } from '../../../lambdas/scim/schema/urns';
import { createGroupService } from '../../../lambdas/service/groups';
import type { ResourceService } from '../../../lambdas/service/types';
import { createUserService } from '../../../lambdas/service/users';
import { scimErrorOf } from '../../unit/scim-errors';
import { createTestTable } from './table';
import type { TestTable } from './table';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const LIST = { attributes: [], excludedAttributes: [], startIndex: 1, count: 100 };

let table: TestTable;
let users: ResourceService;
let groups: ResourceService;

beforeAll(async () => {
  table = await createTestTable();
  const repository = table.repository();
  users = createUserService(repository);
  groups = createGroupService(repository);
});
afterAll(() => table.close());

const user = (userName: string, extra: JsonObject = {}): JsonObject => ({
  schemas: [CORE_USER_URN],
  userName,
  ...extra,
});

const found = async (service: ResourceService, tenant: string, filter: string): Promise<string[]> =>
  (await service.list(tenant, { ...LIST, filter })).resources.map((resource) => resource.id);

describe('unicode-equivalent values on DynamoDB Local', () => {
  it.each([
    ['decomposed é', 'jos\u00e9@example.com', 'jose\u0301@example.com'],
    ['full-width letters', 'ada', '\uff41\uff44\uff41'],
    ['a zero-width space', 'ada', 'a\u200bda'],
    ['a byte-order mark and a word joiner', 'ada', '\ufeffad\u2060a'],
    ['surrounding spaces and capitals', 'ada', '  ADA\u00a0'],
  ])('a second userName differing by %s is 409 uniqueness', async (_case, first, second) => {
    const tenant = `t-${Math.random().toString(36).slice(2, 10)}`;
    const created = await users.create(tenant, user(first));
    const error = await scimErrorOf(users.create(tenant, user(second)));
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
    // The evasive spelling finds the user that holds the name (one lookup, the same key).
    await expect(found(users, tenant, `userName eq "${second}"`)).resolves.toEqual([created.id]);
    // A rename into the other spelling is not an evasion either.
    const other = await users.create(tenant, user('someone-else'));
    const rename = await scimErrorOf(
      users.patch(
        tenant,
        other.id,
        { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: second }] },
        {},
      ),
    );
    expect([rename.status, rename.scimType]).toEqual([409, 'uniqueness']);
  });

  it('a group displayName in full-width letters is 409 uniqueness', async () => {
    await groups.create('t-groups', { schemas: [CORE_GROUP_URN], displayName: 'Sales' });
    const error = await scimErrorOf(
      groups.create('t-groups', {
        schemas: [CORE_GROUP_URN],
        displayName: '\uff33\uff41\uff4c\uff45\uff53 ',
      }),
    );
    expect([error.status, error.scimType]).toEqual([409, 'uniqueness']);
  });

  it('a change no key sees keeps the name claimed; a real rename frees it; the value is stored as sent', async () => {
    const tenant = 't-rename';
    const ada = await users.create(tenant, user('ada'));
    const respelt = ' \uff21da ';
    const patched = await users.patch(
      tenant,
      ada.id,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: respelt }] },
      {},
    );
    expect(patched.userName).toBe(respelt);
    expect((await scimErrorOf(users.create(tenant, user('ADA')))).status).toBe(409);
    await expect(found(users, tenant, 'userName eq "ada"')).resolves.toEqual([ada.id]);

    await users.patch(
      tenant,
      ada.id,
      { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'userName', value: 'lovelace' }] },
      {},
    );
    await expect(users.create(tenant, user('\uff41\uff44\uff41'))).resolves.toMatchObject({
      userName: '\uff41\uff44\uff41',
    });
  });

  it('finds a user by id and a group by member id through their lookups, as a scan would', async () => {
    const tenant = 't-ids';
    const ada = await users.create(tenant, user('ada'));
    const group = await groups.create(tenant, {
      schemas: [CORE_GROUP_URN],
      displayName: 'Engineers',
      members: [{ value: ada.id }],
    });
    // The evaluator compares ids by their case-exact key; the lookups must find the same candidates.
    await expect(found(users, tenant, `id eq " ${ada.id}\u200b"`)).resolves.toEqual([ada.id]);
    await expect(found(groups, tenant, `members[value eq "${ada.id} "]`)).resolves.toEqual([group.id]);
    await expect(found(groups, tenant, `members eq "\ufeff${ada.id}"`)).resolves.toEqual([group.id]);
    // Case-exact: an upper-cased id names no resource.
    await expect(found(users, tenant, `id eq "${ada.id.toUpperCase()}"`)).resolves.toEqual([]);
  });

  it('finds by email and externalId through their lookups, with the same keys', async () => {
    const tenant = 't-lookups';
    const ada = await users.create(
      tenant,
      user('ada', { externalId: ' obj-1\u200b', emails: [{ value: 'Ada@Example.com', type: 'work' }] }),
    );
    await expect(found(users, tenant, 'emails.value eq "\uff41da@example.com"')).resolves.toEqual([ada.id]);
    await expect(found(users, tenant, 'emails[type eq "work"].value eq "ADA@example.com "')).resolves.toEqual(
      [ada.id],
    );
    await expect(found(users, tenant, 'externalId eq "obj-1"')).resolves.toEqual([ada.id]);
    // externalId is case-exact: letter case still tells two identifiers apart.
    await expect(found(users, tenant, 'externalId eq "OBJ-1"')).resolves.toEqual([]);
    // Respelling the externalId invisibly moves no lookup item (one key, not a put and a delete of it).
    await users.replace(tenant, ada.id, user('ada', { externalId: 'obj-1' }), {});
    await expect(found(users, tenant, 'externalId eq " obj-1"')).resolves.toEqual([ada.id]);
  });
});
