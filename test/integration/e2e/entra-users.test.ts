/**
 * Entra's user provisioning flow over real HTTP, in both PATCH dialects (docs/providers.md): the legacy
 * one (capitalised ops, string booleans, bare-string manager) and the one behind `?aadOptscim062020`
 * (lower-case ops, JSON booleans, {value} manager, no-path replace).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';

import type { E2eServer } from './harness';
import { ENTERPRISE, LIST, ScimClient, entraUser, idOf, resourcesOf, startE2eServer } from './harness';

let e2e: E2eServer;

beforeAll(async () => {
  e2e = await startE2eServer();
}, 60_000);

afterAll(async () => {
  await e2e.stop();
});

interface Dialect {
  readonly name: string;
  readonly flag: string;
  readonly op: (name: 'add' | 'replace' | 'remove') => string;
  readonly deactivate: unknown;
  readonly reactivate: unknown;
}

const DIALECTS: Dialect[] = [
  {
    name: 'legacy (no flag)',
    flag: '',
    op: (name) => name.charAt(0).toUpperCase() + name.slice(1),
    deactivate: 'False',
    reactivate: 'True',
  },
  {
    name: 'aadOptscim062020',
    flag: 'aadOptscim062020',
    op: (name) => name,
    deactivate: false,
    reactivate: true,
  },
];

describe.each(DIALECTS)('Entra users, $name', (dialect) => {
  let scim: ScimClient;
  const suffix = dialect.flag === '' ? 'legacy' : 'flag';
  const userName = `ada.${suffix}@contoso.example`;
  const managerName = `grace.${suffix}@contoso.example`;
  let userId = '';
  let managerId = '';

  beforeAll(() => {
    scim = new ScimClient(e2e.client.baseUrl, e2e.client.token, dialect.flag);
  });

  it('Test Connection: a filter for a random user is 200 with an empty ListResponse', async () => {
    const result = await scim.filter('Users', `userName eq "${randomUUID()}"`);
    expect(result.status).toBe(200);
    expect(result.headers.get('content-type')).toBe('application/scim+json');
    expect(result.body).toEqual({
      schemas: [LIST],
      totalResults: 0,
      Resources: [],
      startIndex: 1,
      itemsPerPage: 0,
    });
    const groups = await scim.filter(
      'Groups',
      `displayName eq "${randomUUID()}"`,
      'excludedAttributes=members',
    );
    expect(groups.status).toBe(200);
    expect(groups.body?.totalResults).toBe(0);
  });

  it('matches, then creates: 201 with id, meta, Location and ETag', async () => {
    expect((await scim.filter('Users', `userName eq "${userName}"`)).body?.totalResults).toBe(0);
    const created = await scim.post(
      '/Users',
      entraUser(userName, {
        // What Entra sends for unmapped or odd attributes.
        nickName: null,
        roles: [],
        active: 'True',
        'urn:ietf:params:scim:schemas:extension:profile:2.0:User:managementLevel': 'Director',
        schemas: [
          'urn:ietf:params:scim:schemas:core:2.0:User',
          'urn:ietf:params:scim:schemas:extension:misspelt:2.0:User',
        ],
      }),
    );
    expect(created.status).toBe(201);
    userId = idOf(created);
    const location = `${e2e.client.baseUrl}/Users/${userId}`;
    expect(created.headers.get('location')).toBe(location);
    expect(created.headers.get('etag')).toBe('W/"1"');
    expect(created.body).toMatchObject({
      userName,
      active: true,
      'urn:ietf:params:scim:schemas:extension:profile:2.0:User': { managementLevel: 'Director' },
      meta: { resourceType: 'User', location, version: 'W/"1"' },
    });
    const meta = created.body?.meta as Record<string, unknown>;
    expect(typeof meta.created).toBe('string');
    expect(meta.lastModified).toBe(meta.created);

    // A second create with the same userName, in another case, is a uniqueness clash.
    const clash = await scim.post('/Users', entraUser(userName.toUpperCase()));
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ status: '409', scimType: 'uniqueness' });

    managerId = idOf(await scim.post('/Users', entraUser(managerName)));
  });

  it('finds the user by userName in any case, by externalId and by work email', async () => {
    for (const filter of [
      `userName eq "${userName.toUpperCase()}"`,
      `externalId eq "ext-${userName}"`,
      `emails[type eq "work"].value eq "${userName}"`,
    ]) {
      const found = await scim.filter('Users', filter);
      expect(found.status).toBe(200);
      expect(resourcesOf(found).map((user) => user.id)).toEqual([userId]);
    }
  });

  it.each([
    ['a bare string', (id: string) => id],
    ['{value}', (id: string) => ({ value: id })],
    ['[{value}]', (id: string) => [{ value: id }]],
  ])('links the manager given as %s and returns it as {value}', async (_form, shape) => {
    const patched = await scim.patch(`/Users/${userId}`, [
      { op: dialect.op('add'), path: `${ENTERPRISE}:manager`, value: shape(managerId) },
    ]);
    expect(patched.status).toBe(204);
    const user = await scim.get(`/Users/${userId}`);
    expect((user.body?.[ENTERPRISE] as Record<string, unknown>).manager).toMatchObject({ value: managerId });
  });

  it('applies attribute updates, creating the work address and merging its sub-attributes', async () => {
    const patched = await scim.patch(`/Users/${userId}`, [
      { op: dialect.op('replace'), path: 'displayName', value: 'Ada L.' },
      { op: dialect.op('replace'), path: 'name.givenName', value: 'Ada' },
      { op: dialect.op('replace'), path: 'emails[type eq "work"].value', value: `new.${userName}` },
      { op: dialect.op('add'), path: 'addresses[type eq "work"].locality', value: 'London' },
      { op: dialect.op('add'), path: 'addresses[type eq "work"].country', value: 'GB' },
      { op: dialect.op('replace'), path: `${ENTERPRISE}:department`, value: 'Research' },
      { op: dialect.op('add'), path: 'title', value: 'Analyst' },
    ]);
    expect(patched.status).toBe(204);
    const user = (await scim.get(`/Users/${userId}`)).body ?? {};
    expect(user).toMatchObject({
      displayName: 'Ada L.',
      name: { givenName: 'Ada', familyName: 'Family' },
      emails: [{ type: 'work', value: `new.${userName}`, primary: true }],
      addresses: [{ type: 'work', locality: 'London', country: 'GB' }],
      title: 'Analyst',
      [ENTERPRISE]: { department: 'Research', manager: { value: managerId } },
    });
    expect((user.meta as Record<string, unknown>).version).not.toBe('W/"1"');
  });

  if (dialect.flag !== '') {
    it('applies a no-path replace whose keys are paths and extension URNs', async () => {
      const patched = await scim.patch(`/Users/${userId}`, [
        {
          op: 'replace',
          value: {
            displayName: 'Ada Lovelace',
            'name.familyName': 'Lovelace',
            [`${ENTERPRISE}:employeeNumber`]: '42',
          },
        },
      ]);
      expect(patched.status).toBe(204);
      expect((await scim.get(`/Users/${userId}`)).body).toMatchObject({
        displayName: 'Ada Lovelace',
        name: { familyName: 'Lovelace' },
        [ENTERPRISE]: { employeeNumber: '42' },
      });
    });
  }

  it('answers a PATCH with the resource when attributes are asked for', async () => {
    const patched = await scim.patch(`/Users/${userId}?attributes=title`, [
      { op: dialect.op('replace'), path: 'title', value: 'Senior Analyst' },
    ]);
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      schemas: expect.any(Array) as unknown,
      id: userId,
      title: 'Senior Analyst',
    });
  });

  it('removes the manager', async () => {
    expect(
      (await scim.patch(`/Users/${userId}`, [{ op: dialect.op('remove'), path: `${ENTERPRISE}:manager` }]))
        .status,
    ).toBe(204);
    const enterprise = (await scim.get(`/Users/${userId}`)).body?.[ENTERPRISE] as Record<string, unknown>;
    expect(enterprise.manager).toBeUndefined();
    expect(enterprise.department).toBe('Research');
  });

  it('deactivates and reactivates; a deactivated user is still found', async () => {
    const off = await scim.patch(`/Users/${userId}`, [
      { op: dialect.op('replace'), path: 'active', value: dialect.deactivate },
    ]);
    expect(off.status).toBe(204);
    expect((await scim.get(`/Users/${userId}`)).body?.active).toBe(false);
    const found = await scim.filter('Users', `userName eq "${userName}"`);
    expect(resourcesOf(found).map((user) => user.active)).toEqual([false]);

    await scim.patch(`/Users/${userId}`, [
      { op: dialect.op('replace'), path: 'active', value: dialect.reactivate },
    ]);
    expect((await scim.get(`/Users/${userId}`)).body?.active).toBe(true);
  });

  it('deletes: 204, then 404 for GET and for a second DELETE', async () => {
    const deleted = await scim.delete(`/Users/${userId}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = await scim.get(`/Users/${userId}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ status: '404' });
    expect((await scim.delete(`/Users/${userId}`)).status).toBe(404);
    expect((await scim.filter('Users', `userName eq "${userName}"`)).body?.totalResults).toBe(0);
  });
});

describe('conditional GET (If-None-Match)', () => {
  it('answers 304 with the ETag and no body for the current version or *, 200 once it changed', async () => {
    const scim = e2e.client;
    const created = await scim.post('/Users', entraUser(`etag-${randomUUID()}@example.com`));
    const userId = idOf(created);
    const etag = created.headers.get('etag') ?? '';
    expect(etag).toMatch(/^W\/"/);

    for (const ifNoneMatch of [etag, etag.replace(/^W\//, ''), '*']) {
      const unchanged = await scim.get(`/Users/${userId}`, { headers: { 'If-None-Match': ifNoneMatch } });
      expect(unchanged.status).toBe(304);
      expect(unchanged.headers.get('etag')).toBe(etag);
      expect(unchanged.body).toBeUndefined();
    }

    await scim.patch(`/Users/${userId}`, [{ op: 'replace', path: 'displayName', value: 'Changed' }]);
    const changed = await scim.get(`/Users/${userId}`, { headers: { 'If-None-Match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body).toMatchObject({ id: userId, displayName: 'Changed' });
  });

  it('applies to Groups too', async () => {
    const scim = e2e.client;
    const created = await scim.post('/Groups', {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: `etag-group-${randomUUID()}`,
    });
    const etag = created.headers.get('etag') ?? '';
    const unchanged = await scim.get(`/Groups/${idOf(created)}`, { headers: { 'If-None-Match': etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(etag);
    expect(unchanged.body).toBeUndefined();
  });
});
