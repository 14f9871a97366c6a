import { describe, expect, it } from '@jest/globals';

import { buildProfileReport } from '../../../lambdas/scim/profile';
import { buildStatusView, providerOf } from '../../../lambdas/setup/status';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';
const user = (id: string, body: Record<string, unknown>) => ({ schemas: [], id, userName: id, ...body });

describe('buildStatusView', () => {
  it('is waiting before anything arrived, and says what to do', () => {
    const view = buildStatusView(
      { recorded: {}, errors: [], report: buildProfileReport([]), groups: 0 },
      NOW,
    );
    const byId = new Map(view.checks.map((check) => [check.id, check]));
    expect(byId.get('test-connection')).toMatchObject({ state: 'waiting', text: 'not seen yet' });
    expect(byId.get('test-connection')?.action).toContain('Test Connection');
    expect(byId.get('field-firstName')).toMatchObject({ state: 'waiting' });
    expect(byId.get('errors')).toMatchObject({ state: 'ok', text: 'none' });
    expect(byId.get('ignored-attributes')).toMatchObject({ state: 'ok' });
    expect(view.checkedAt).toBe(NOW.toISOString());
  });

  it('turns green with counts, red for missing required fields, unknown levels and locales, and errors', () => {
    const report = buildProfileReport([
      user('u1', {
        name: { givenName: 'A', familyName: 'B' },
        emails: [{ type: 'work', value: 'a@example.com' }],
        locale: 'de-DE',
        [PROFILE]: { managementLevel: 'Grand Poobah' },
      }),
      user('u2', { active: false }),
    ]);
    const view = buildStatusView(
      {
        recorded: {
          lastSeenAt: '2026-03-01T11:59:00Z',
          userAgent: 'Okta SCIM Client',
          testConnectionAt: 'T',
        },
        errors: [
          {
            at: 'E',
            status: 400,
            scimType: 'invalidValue',
            attribute: 'active',
            request: 'PATCH /Users/{id}',
          },
        ],
        report,
        groups: 2,
        lastChangeAt: 'L',
      },
      NOW,
    );
    const byId = new Map(view.checks.map((check) => [check.id, check]));
    expect(byId.get('last-request')).toMatchObject({ state: 'ok', text: '2026-03-01T11:59:00Z, from Okta' });
    expect(byId.get('users')).toMatchObject({ state: 'ok', text: '1 active, 1 inactive' });
    expect(byId.get('groups')).toMatchObject({ state: 'ok', text: '2' });
    expect(byId.get('field-firstName')).toMatchObject({ state: 'ok' });
    expect(byId.get('field-jobTitle')).toMatchObject({ state: 'bad', text: '1 of 1 active users lack it' });
    expect(byId.get('field-jobTitle')?.action).toContain('title');
    expect(byId.get('field-status')).toMatchObject({ state: 'ok' });
    expect(byId.get('management-levels')).toMatchObject({
      state: 'bad',
      text: 'not recognised: Grand Poobah (1)',
    });
    expect(byId.get('locales')).toMatchObject({ state: 'bad', text: 'served in en-US: de-DE (1)' });
    expect(byId.get('errors')).toMatchObject({ state: 'bad' });
    expect(JSON.stringify(view)).not.toContain('example.com');
  });

  it('lists the mappings that go nowhere and says to fix them in Entra', () => {
    const view = buildStatusView(
      {
        recorded: { ignoredAttributes: ['name.givenNme', 'nickname2'] },
        errors: [],
        report: buildProfileReport([]),
        groups: 0,
      },
      NOW,
    );
    const check = view.checks.find(({ id }) => id === 'ignored-attributes');
    expect(check).toMatchObject({
      label: 'Mappings that go nowhere',
      state: 'bad',
      text: 'sent but not defined here, so ignored: name.givenNme, nickname2',
    });
    expect(check?.action).toContain('Mappings');
  });

  it('names the provider from the User-Agent', () => {
    expect(providerOf('Okta SCIM Client 1.0.0')).toBe('Okta');
    expect(providerOf('Microsoft.Azure.Identity')).toBe('Microsoft Entra ID');
    expect(providerOf(undefined)).toBe('an unnamed client');
    expect(providerOf('curl/8.0')).toBe('another client (curl/8.0)');
  });
});
