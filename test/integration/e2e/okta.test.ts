/** Okta's shapes (docs/providers.md, "Okta"): existence checks, PUT, no-path deactivate, paging. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import { mapLimit } from '../../../lambdas/store/dynamodb-store';
import type { E2eServer } from './harness';
import { CORE_GROUP, CORE_USER, idOf, resourcesOf, startE2eServer } from './harness';

let e2e: E2eServer;

beforeAll(async () => {
  e2e = await startE2eServer();
}, 60_000);

afterAll(async () => {
  await e2e.stop();
});

const oktaUser = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: [CORE_USER],
  userName,
  name: { givenName: 'Okta', familyName: 'User' },
  emails: [{ primary: true, value: userName, type: 'work' }],
  displayName: 'Okta User',
  locale: 'en-US',
  externalId: `okta-${userName}`,
  active: true,
  ...extra,
});

describe('Okta', () => {
  const userName = 'okta.user@example.com';
  let userId = '';

  it('checks existence with startIndex=1&count=100, then creates', async () => {
    const scim = e2e.client;
    const check = await scim.get(
      `/Users?filter=userName%20eq%20%22${encodeURIComponent(userName)}%22&startIndex=1&count=100`,
    );
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ totalResults: 0, startIndex: 1, itemsPerPage: 0, Resources: [] });
    userId = idOf(await scim.post('/Users', oktaUser(userName)));
    const again = await scim.get(
      `/Users?filter=userName%20eq%20%22${encodeURIComponent(userName)}%22&startIndex=1&count=100`,
    );
    expect(resourcesOf(again).map((user) => user.id)).toEqual([userId]);
  });

  it('updates with a full PUT: 200, new ETag, omitted attributes cleared, readOnly ignored', async () => {
    const scim = e2e.client;
    const before = await scim.get(`/Users/${userId}`);
    const replaced = await scim.put(`/Users/${userId}`, {
      ...oktaUser(userName, { title: 'Engineer', displayName: undefined }),
      id: 'an-id-the-client-made-up',
      meta: { created: '2001-01-01T00:00:00Z' },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('W/"2"');
    expect(replaced.body).toMatchObject({ id: userId, title: 'Engineer' });
    expect(replaced.body).not.toHaveProperty('displayName');
    expect((replaced.body?.meta as Record<string, unknown>).created).toBe(
      (before.body?.meta as Record<string, unknown>).created,
    );
  });

  it('honours If-Match on PUT and DELETE: 412 when stale', async () => {
    const scim = e2e.client;
    const stale = await scim.put(`/Users/${userId}`, oktaUser(userName), {
      headers: { 'If-Match': 'W/"1"' },
    });
    expect(stale.status).toBe(412);
    expect(stale.body?.status).toBe('412');
    const staleDelete = await scim.delete(`/Users/${userId}`, { headers: { 'If-Match': 'W/"1"' } });
    expect(staleDelete.status).toBe(412);
    const current = await scim.put(`/Users/${userId}`, oktaUser(userName, { title: 'Lead' }), {
      headers: { 'If-Match': 'W/"2"' },
    });
    expect(current.status).toBe(200);
  });

  it('deactivates with a no-path replace {"active": false}', async () => {
    const scim = e2e.client;
    const patched = await scim.patch(`/Users/${userId}`, [{ op: 'replace', value: { active: false } }]);
    expect(patched.status).toBe(204);
    expect((await scim.get(`/Users/${userId}`)).body?.active).toBe(false);
  });

  it('replaces a group member list with PUT and with a replace op, and reads members back', async () => {
    const scim = e2e.client;
    const others = await mapLimit(['m1@example.com', 'm2@example.com', 'm3@example.com'], 3, async (name) =>
      idOf(await scim.post('/Users', oktaUser(name))),
    );
    const groupId = idOf(
      await scim.post('/Groups', {
        schemas: [CORE_GROUP],
        displayName: 'Okta group',
        members: [{ value: userId }],
      }),
    );
    const put = await scim.put(`/Groups/${groupId}`, {
      schemas: [CORE_GROUP],
      displayName: 'Okta group',
      members: others.slice(0, 2).map((value) => ({ value })),
    });
    expect(put.status).toBe(200);
    const listed = (put.body?.members as { value: string }[]).map((member) => member.value).sort();
    expect(listed).toEqual(others.slice(0, 2).sort());

    await scim.patch(`/Groups/${groupId}`, [
      { op: 'replace', path: 'members', value: [{ value: others[2] }] },
    ]);
    const group = await scim.get(`/Groups/${groupId}`);
    expect((group.body?.members as { value: string }[]).map((member) => member.value)).toEqual([others[2]]);
  });

  it('pages through a few hundred users with startIndex/count=100 in a stable order, each user once', async () => {
    const scim = e2e.client;
    const names = Array.from(
      { length: 240 },
      (_, index) => `paged${String(index).padStart(3, '0')}@example.com`,
    );
    await mapLimit(names, 20, (name) => scim.post('/Users', oktaUser(name)));
    const total = (await scim.get('/Users?count=0')).body?.totalResults as number;
    expect(total).toBeGreaterThanOrEqual(names.length);

    const seen: string[] = [];
    for (let startIndex = 1; startIndex <= total; startIndex += 100) {
      const page = await scim.get(`/Users?startIndex=${startIndex}&count=100`);
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({ totalResults: total, startIndex });
      expect(page.body?.itemsPerPage).toBe(resourcesOf(page).length);
      seen.push(...resourcesOf(page).map((user) => user.id as string));
    }
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    // Same order on a second pass.
    const again = await scim.get('/Users?startIndex=101&count=100');
    expect(resourcesOf(again).map((user) => user.id)).toEqual(seen.slice(100, 200));
  }, 60_000);

  it('pages with RFC 9865 cursors', async () => {
    const scim = e2e.client;
    const total = (await scim.get('/Users?count=0')).body?.totalResults as number;
    const seen: string[] = [];
    let cursor: string | undefined = '';
    while (cursor !== undefined) {
      const page = await scim.get(`/Users?count=100&cursor=${encodeURIComponent(cursor)}`);
      expect(page.status).toBe(200);
      seen.push(...resourcesOf(page).map((user) => user.id as string));
      cursor = page.body?.nextCursor as string | undefined;
    }
    expect(new Set(seen).size).toBe(total);
  });
});
