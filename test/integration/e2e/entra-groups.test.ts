/** Entra's group provisioning flow over real HTTP, in both dialects (docs/providers.md, "Groups"). */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { mapLimit } from '../../../lambdas/store/dynamodb-store';
import type { E2eServer } from './harness';
import { CORE_GROUP, ScimClient, entraUser, idOf, resourcesOf, startE2eServer } from './harness';

const ADSCIM = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

let e2e: E2eServer;

beforeAll(async () => {
  e2e = await startE2eServer();
}, 60_000);

afterAll(async () => {
  await e2e.stop();
});

const memberIds = (group: Record<string, unknown> | undefined): string[] =>
  ((group?.members as { value: string }[] | undefined) ?? []).map((member) => member.value).sort();

describe.each([
  { name: 'legacy (no flag)', flag: '', add: 'Add', remove: 'Remove', replace: 'Replace' },
  { name: 'aadOptscim062020', flag: 'aadOptscim062020', add: 'add', remove: 'remove', replace: 'replace' },
])('Entra groups, $name', (dialect) => {
  let scim: ScimClient;
  const displayName = `Engineering ${dialect.name}`;
  let groupId = '';
  let users: string[] = [];

  beforeAll(async () => {
    scim = new ScimClient(e2e.client.baseUrl, e2e.client.token, dialect.flag);
    const names = Array.from(
      { length: 7 },
      (_, index) => `member${index}.${dialect.flag || 'legacy'}@contoso.example`,
    );
    users = await mapLimit(names, 7, async (name) => idOf(await scim.post('/Users', entraUser(name))));
  });

  it('matches with excludedAttributes=members, then creates with the ADSCIM schema URN', async () => {
    const match = await scim.filter(
      'Groups',
      `displayName eq "${displayName}"`,
      'excludedAttributes=members',
    );
    expect(match.status).toBe(200);
    expect(match.body?.totalResults).toBe(0);

    const created = await scim.post('/Groups', {
      schemas: [CORE_GROUP, ADSCIM],
      externalId: `object-${dialect.add}`,
      displayName,
    });
    expect(created.status).toBe(201);
    groupId = idOf(created);
    expect(created.headers.get('location')).toBe(`${e2e.client.baseUrl}/Groups/${groupId}`);
    expect(created.body).toMatchObject({
      schemas: [CORE_GROUP],
      displayName,
      externalId: `object-${dialect.add}`,
    });

    const duplicate = await scim.post('/Groups', {
      schemas: [CORE_GROUP],
      displayName: displayName.toUpperCase(),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body?.scimType).toBe('uniqueness');
  });

  it('adds members in batches (idempotently) and answers 204', async () => {
    const batches = [users.slice(0, 3), users.slice(2, 7)];
    for (const batch of batches) {
      const patched = await scim.patch(`/Groups/${groupId}`, [
        { op: dialect.add, path: 'members', value: batch.map((value) => ({ $ref: null, value })) },
      ]);
      expect(patched.status).toBe(204);
    }
    expect(memberIds((await scim.get(`/Groups/${groupId}`)).body)).toEqual([...users].sort());
  });

  it('answers User.groups only when attributes asks for it: list, .search, PATCH and PUT', async () => {
    const [member] = users;
    const userName = `member0.${dialect.flag || 'legacy'}@contoso.example`;
    const groupsOf = (resource: Record<string, unknown> | undefined): unknown =>
      (resource?.groups as { value: string }[] | undefined)?.map((group) => group.value);

    // Entra's matching filter carries no attributes: no groups, none read.
    const plain = await scim.filter('Users', `userName eq "${userName}"`);
    expect(resourcesOf(plain)).toHaveLength(1);
    expect(resourcesOf(plain)[0]).not.toHaveProperty('groups');

    const asked = await scim.filter('Users', `userName eq "${userName}"`, 'attributes=groups');
    expect(asked.status).toBe(200);
    expect(groupsOf(resourcesOf(asked)[0])).toEqual([groupId]);

    const searched = await scim.post('/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: `userName eq "${userName}"`,
      attributes: ['userName', 'groups'],
    });
    expect(groupsOf(resourcesOf(searched)[0])).toEqual([groupId]);

    const patched = await scim.patch(`/Users/${member ?? ''}?attributes=groups`, [
      { op: dialect.replace, path: 'title', value: 'Engineer' },
    ]);
    expect(patched.status).toBe(200);
    expect(groupsOf(patched.body)).toEqual([groupId]);

    const replaced = await scim.put(`/Users/${member ?? ''}?attributes=userName,groups`, entraUser(userName));
    expect(replaced.status).toBe(200);
    expect(groupsOf(replaced.body)).toEqual([groupId]);
    const replacedPlain = await scim.put(`/Users/${member ?? ''}`, entraUser(userName));
    expect(replacedPlain.body).not.toHaveProperty('groups');
  });

  it('never returns members when excluded, by id or by filter', async () => {
    const byId = await scim.get(`/Groups/${groupId}?excludedAttributes=members`);
    expect(byId.status).toBe(200);
    expect(byId.body).not.toHaveProperty('members');
    expect(byId.body?.displayName).toBe(displayName);

    const match = await scim.filter(
      'Groups',
      `displayName eq "${displayName}"`,
      'excludedAttributes=members',
    );
    expect(resourcesOf(match)).toHaveLength(1);
    expect(resourcesOf(match)[0]).not.toHaveProperty('members');
    expect(resourcesOf(match)[0]?.id).toBe(groupId);
  });

  it('rejects unknown member ids with 400 invalidValue and changes nothing', async () => {
    const rejected = await scim.patch(`/Groups/${groupId}`, [
      { op: dialect.add, path: 'members', value: [{ value: 'no-such-user' }] },
    ]);
    expect(rejected.status).toBe(400);
    expect(rejected.body?.scimType).toBe('invalidValue');
    expect(memberIds((await scim.get(`/Groups/${groupId}`)).body)).toHaveLength(users.length);
  });

  it('removes only the listed members (value list), and by a value filter path', async () => {
    const [first, second, third] = users;
    const byList = await scim.patch(`/Groups/${groupId}`, [
      { op: dialect.remove, path: 'members', value: [{ value: first }, { value: second }] },
    ]);
    expect(byList.status).toBe(204);
    const byFilter = await scim.patch(`/Groups/${groupId}`, [
      { op: dialect.remove, path: `members[value eq "${third}"]` },
    ]);
    expect(byFilter.status).toBe(204);
    expect(memberIds((await scim.get(`/Groups/${groupId}`)).body)).toEqual(users.slice(3).sort());
  });

  it('renames with a path and with a no-path replace', async () => {
    const renamed = `${displayName} (renamed)`;
    expect(
      (await scim.patch(`/Groups/${groupId}`, [{ op: dialect.replace, path: 'displayName', value: renamed }]))
        .status,
    ).toBe(204);
    expect(
      (await scim.filter('Groups', `displayName eq "${renamed}"`, 'excludedAttributes=members')).body
        ?.totalResults,
    ).toBe(1);

    const final = `${displayName} (final)`;
    const noPath = await scim.patch(`/Groups/${groupId}`, [
      { op: dialect.replace, value: { displayName: final, externalId: `object2-${dialect.add}` } },
    ]);
    expect(noPath.status).toBe(204);
    const group = await scim.get(`/Groups/${groupId}?excludedAttributes=members`);
    expect(group.body).toMatchObject({ displayName: final, externalId: `object2-${dialect.add}` });
    expect((await scim.filter('Groups', `displayName eq "${renamed}"`)).body?.totalResults).toBe(0);
  });

  it('removes all members with a path and no value', async () => {
    expect((await scim.patch(`/Groups/${groupId}`, [{ op: dialect.remove, path: 'members' }])).status).toBe(
      204,
    );
    expect(memberIds((await scim.get(`/Groups/${groupId}`)).body)).toEqual([]);
  });

  it('deleting a user removes it from its groups', async () => {
    const [kept, deleted] = users.slice(5);
    await scim.patch(`/Groups/${groupId}`, [
      { op: dialect.add, path: 'members', value: [{ value: kept }, { value: deleted }] },
    ]);
    expect((await scim.delete(`/Users/${deleted}`)).status).toBe(204);
    expect(memberIds((await scim.get(`/Groups/${groupId}`)).body)).toEqual([kept]);
  });

  it('deletes the group: 204, then 404', async () => {
    expect((await scim.delete(`/Groups/${groupId}`)).status).toBe(204);
    const gone = await scim.get(`/Groups/${groupId}`);
    expect(gone.status).toBe(404);
    expect(gone.body?.status).toBe('404');
    expect((await scim.delete(`/Groups/${groupId}`)).status).toBe(404);
  });
});

/** Microsoft's reference SCIM test collection (PostmanCollection.json): member display is kept. */
describe('Microsoft reference collection: member display', () => {
  it('"Patch add user4 to group1" with displayName, then "Get group by id" shows it; PUT keeps "VP"', async () => {
    const scim = e2e.client;
    const [id3, id4] = await mapLimit(
      ['user3.ms@contoso.example', 'user4.ms@contoso.example'],
      2,
      async (name) => idOf(await scim.post('/Users', entraUser(name))),
    );
    const groupId = idOf(
      await scim.post('/Groups', { schemas: [CORE_GROUP], displayName: 'Group1DisplayName' }),
    );
    const added = await scim.patch(`/Groups/${groupId}`, [
      { name: 'addMember', op: 'add', path: 'members', value: [{ displayName: 'new User', value: id4 }] },
    ]);
    expect(added.status).toBeLessThan(300);
    const read = await scim.get(`/Groups/${groupId}`);
    expect(read.body?.members).toEqual([
      { value: id4, type: 'User', display: 'new User', $ref: `${scim.baseUrl}/Users/${id4}` },
    ]);

    const put = await scim.put(`/Groups/${groupId}`, {
      schemas: [CORE_GROUP],
      id: groupId,
      displayName: 'putName',
      members: [
        { value: id3, display: 'VP' },
        { value: id4, display: 'SenorVP' },
      ],
    });
    expect(put.status).toBe(200);
    const members = (await scim.get(`/Groups/${groupId}`)).body?.members as Record<string, unknown>[];
    expect([...members].sort((a, b) => String(a.display).localeCompare(String(b.display)))).toEqual([
      { value: id4, type: 'User', display: 'SenorVP', $ref: `${scim.baseUrl}/Users/${id4}` },
      { value: id3, type: 'User', display: 'VP', $ref: `${scim.baseUrl}/Users/${id3}` },
    ]);
  });
});
