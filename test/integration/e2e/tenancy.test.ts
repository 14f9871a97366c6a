/** Tenant isolation over HTTP: tokens are per tenant, ids of one tenant do not exist in another. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';

import type { E2eServer, ScimClient } from './harness';
import { CORE_GROUP, entraUser, idOf, startE2eServer } from './harness';

let e2e: E2eServer;
let tenantB: ScimClient;

beforeAll(async () => {
  e2e = await startE2eServer();
  tenantB = await e2e.addTenant('tenant-b');
}, 60_000);

afterAll(async () => {
  await e2e.stop();
});

describe('tenant isolation', () => {
  it("tenant A's token on tenant B's URL is 401 with WWW-Authenticate", async () => {
    const crossed = await fetch(`${tenantB.baseUrl}/Users`, {
      headers: { Authorization: `Bearer ${e2e.client.token}` },
    });
    expect(crossed.status).toBe(401);
    expect(crossed.headers.get('www-authenticate')).toBe('Bearer realm="SCIM"');
    expect(crossed.headers.get('content-type')).toBe('application/scim+json');
    expect(await crossed.json()).toMatchObject({ status: '401' });
  });

  it("tenant B's ids are 404 through tenant A's URL, for every method, and invisible to A's filters", async () => {
    const userName = 'isolated@tenant-b.example';
    const userId = idOf(await tenantB.post('/Users', entraUser(userName)));
    const groupId = idOf(await tenantB.post('/Groups', { schemas: [CORE_GROUP], displayName: 'B only' }));
    const a = e2e.client;

    expect((await a.get(`/Users/${userId}`)).status).toBe(404);
    expect((await a.put(`/Users/${userId}`, entraUser('taken-over@a.example'))).status).toBe(404);
    expect(
      (await a.patch(`/Users/${userId}`, [{ op: 'replace', path: 'active', value: false }])).status,
    ).toBe(404);
    expect((await a.delete(`/Users/${userId}`)).status).toBe(404);
    expect((await a.get(`/Groups/${groupId}`)).status).toBe(404);
    expect(
      (await a.patch(`/Groups/${groupId}`, [{ op: 'add', path: 'members', value: [{ value: userId }] }]))
        .status,
    ).toBe(404);
    expect((await a.filter('Users', `userName eq "${userName}"`)).body?.totalResults).toBe(0);
    expect((await a.filter('Groups', 'displayName eq "B only"')).body?.totalResults).toBe(0);

    // A's group cannot take B's user as a member.
    const groupA = idOf(await a.post('/Groups', { schemas: [CORE_GROUP], displayName: 'A group' }));
    const foreignMember = await a.patch(`/Groups/${groupA}`, [
      { op: 'add', path: 'members', value: [{ value: userId }] },
    ]);
    expect(foreignMember.status).toBe(400);
    expect(foreignMember.body?.scimType).toBe('invalidValue');

    // B's resources are untouched, and the same userName is free in A.
    expect((await tenantB.get(`/Users/${userId}`)).body?.active).toBe(true);
    expect((await a.post('/Users', entraUser(userName))).status).toBe(201);
  });
});
