/**
 * The setup page end to end, in headless Chromium: `npm start`, a tenant created with the CLI, its link
 * opened, the Tenant URL read and copied, the token revealed and copied, Entra's first cycle sent with
 * them, the status panel turning green (then red on a refused request) without a reload, a second reveal
 * refused, the link expired. axe-core checks every state. The walk itself is driver.ts.
 */
import { beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';

import { MAX_ERRORS_SHOWN } from '../../../lambdas/setup/status';
import { PROFILE_FIELDS } from '../../../lambdas/scim/profile/fields';
import { axeViolations, walkSetupPage } from './driver';
import type { AxeViolation, SetupPageState, SetupWalk, StatusItem } from './driver';

jest.setTimeout(180_000);

const suffix = randomBytes(4).toString('hex');
let walk: SetupWalk;
const violations = new Map<SetupPageState, AxeViolation[]>();

beforeAll(async () => {
  walk = await walkSetupPage(
    {
      // The integration project's DynamoDB Local, shared by the files: tenants of this file's own.
      dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT ?? '',
      demoTenantId: `demo-${suffix}`,
      tenantId: `acme-${suffix}`,
      companyName: 'Acme Corp & <Co>',
    },
    {
      async onState(state, page) {
        violations.set(state, await axeViolations(page));
      },
    },
  );
});

/** A time as the page shows it to a reader in en-US and UTC (the walk's browser context). */
const SHOWN_TIME = String.raw`[A-Z][a-z]{2}\s\d{1,2},\s\d{4},\s\d{1,2}:\d{2}\s[AP]M\sUTC`;

const byId = (items: readonly StatusItem[]): Record<string, StatusItem> =>
  Object.fromEntries(items.map((item) => [item.id, item]));

/** Every field's value is an id of the status panel: the profile fields have one item each. */
const FIELD_ITEMS = PROFILE_FIELDS.map(({ field }) => `field-${field}`);
const STATUS_ITEMS = [
  'test-connection',
  'last-request',
  'users',
  'groups',
  'last-change',
  ...FIELD_ITEMS,
  'management-levels',
  'locales',
  'ignored-attributes',
  'errors',
];

describe('the link npm start prints', () => {
  it('opens the demo tenant’s page with its Tenant URL', () => {
    expect(walk.demoPage.status).toBe(200);
    expect(walk.demoPage.tenantUrlShown).toBe(walk.server.tenantUrl);
    expect(walk.demoPage.heading).toContain(`demo-${suffix}`);
  });
});

describe('a fresh link', () => {
  it('shows the company name, escaped, and the Tenant URL with a working copy button', () => {
    expect(walk.fresh.status).toBe(200);
    expect(walk.fresh.heading).toBe(`Connect Microsoft Entra ID for ${walk.tenant.name}`);
    expect(walk.fresh.tenantUrlShown).toBe(walk.tenant.tenantUrl);
    expect(walk.fresh.tenantUrlCopied).toBe(walk.tenant.tenantUrl);
  });

  it('is served no-store, no-referrer, under a CSP without inline or third-party sources', () => {
    const { headers } = walk.fresh;
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('no-referrer');
    const csp = headers['content-security-policy'] ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-[^']+'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|https?:/);
    // The page ran under that policy: nothing it does was refused.
    expect(walk.consoleErrors).toEqual([]);
  });

  it('lists the five Entra steps with this tenant’s Tenant URL', () => {
    expect(walk.fresh.steps).toHaveLength(5);
    expect(walk.fresh.steps[1]).toContain(walk.tenant.tenantUrl);
    expect(walk.fresh.steps.map((step) => step.split('.')[0])).toEqual([
      'Create the application',
      'Enter the credentials',
      'Map attributes',
      'Assign people and groups',
      'Test the connection',
    ]);
  });

  it('has the attribute-mapping table: every profile field, its level and target', () => {
    expect(walk.fresh.mappingRows.map(([label, level, , target]) => [label, level, target])).toEqual(
      PROFILE_FIELDS.map(({ label, level, scimAttribute }) => [
        label,
        level[0]?.toUpperCase() + level.slice(1),
        scimAttribute,
      ]),
    );
    for (const row of walk.fresh.mappingRows) expect(row[2]).not.toBe('');
  });

  it('shows every status item waiting, each saying what to do', () => {
    const items = walk.fresh.statusItems;
    // Every item the issue lists, in this order (others may be added).
    expect(items.map((item) => item.id).filter((id) => STATUS_ITEMS.includes(id))).toEqual(STATUS_ITEMS);
    expect(byId(items)['test-connection']?.state).toBe('waiting');
    expect(byId(items).users?.text).toBe('0 active, 0 inactive');
    for (const item of items.filter(({ state }) => state !== 'ok')) expect(item.action).not.toBe('');
    expect(walk.fresh.revealButtons).toBe(1);
  });
});

describe('reveal', () => {
  it('shows the token once, with a warning, and its copy button copies it', () => {
    expect(walk.revealed.token).toMatch(/^\S{32,}$/);
    expect(walk.revealed.tokenCopied).toBe(walk.revealed.token);
    expect(walk.revealed.warning).toMatch(/shown only now/);
    expect(walk.revealed.revealButtonVisible).toBe(false);
  });

  it('is refused a second time, from another tab, with the date and what to do', () => {
    expect(walk.secondReveal.status).toBe(409);
    expect(walk.secondReveal.message).toMatch(
      new RegExp(`^The Secret Token of this link was revealed on ${SHOWN_TIME}; ask for a new link\\.$`),
    );
  });

  it('is not offered again when the page is opened again', () => {
    expect(walk.reloaded.status).toBe(200);
    expect(walk.reloaded.revealButtons).toBe(0);
    expect(walk.reloaded.message).toMatch(new RegExp(`revealed on ${SHOWN_TIME}; .*ask us for a new link`));
  });
});

describe('the status panel after Entra’s first cycle', () => {
  it('turns green with the right counts, without a reload', () => {
    const items = byId(walk.green.statusItems);
    expect(walk.green.statusItems.filter((item) => item.state !== 'ok')).toEqual([]);
    expect(items['test-connection']?.text).toMatch(new RegExp(`^seen at ${SHOWN_TIME}$`));
    expect(items['last-request']?.text).toMatch(/, from Microsoft Entra ID$/);
    expect(items.users?.text).toBe(`${walk.flow.activeUsers} active, ${walk.flow.inactiveUsers} inactive`);
    expect(items.groups?.text).toBe(String(walk.flow.groups));
    expect(items['field-email']?.text).toBe(`0 of ${walk.flow.activeUsers} active users lack it`);
    expect(walk.sameDocument).toBe(true);
  });

  it('shows a refused request: time, status, scimType, attribute, and what to do', () => {
    expect(walk.errors.cycle.refusedStatus).toBe(409);
    const items = byId(walk.errors.statusItems);
    expect(items.errors?.state).toBe('bad');
    expect(items.errors?.action).toMatch(/attribute at fault/);
    expect(walk.errors.rows).toHaveLength(1);
    const [at, status, scimType, attribute, request] = walk.errors.rows[0] ?? [];
    expect(at).toMatch(new RegExp(`^${SHOWN_TIME}$`));
    expect([status, scimType, attribute, request]).toEqual(['409', 'uniqueness', 'userName', 'POST /Users']);
  });

  it('turns red on profile gaps, each red item saying what to do', () => {
    const { cycle, statusItems } = walk.errors;
    const items = byId(statusItems);
    const active = walk.flow.activeUsers + 1;
    expect(items.users?.text).toBe(`${active} active, ${walk.flow.inactiveUsers} inactive`);
    expect(items[`field-${cycle.missingField}`]).toMatchObject({
      state: 'bad',
      text: `1 of ${active} active users lack it`,
    });
    expect(items['management-levels']).toMatchObject({
      state: 'bad',
      text: `not recognised: ${cycle.unrecognisedLevel} (1)`,
    });
    expect(items.locales).toMatchObject({
      state: 'bad',
      text: `served in en-US: ${cycle.unsupportedLocale} (1)`,
    });
    const red = statusItems.filter(({ state }) => state === 'bad');
    expect(red.map(({ id }) => id)).toEqual([
      `field-${cycle.missingField}`,
      'management-levels',
      'locales',
      'errors',
    ]);
    for (const item of red) expect(item.action).not.toBe('');
  });

  it(`lists at most ${MAX_ERRORS_SHOWN} refused requests`, () => {
    expect(walk.flood.sent).toBeGreaterThan(MAX_ERRORS_SHOWN);
    expect(walk.flood.rows).toBe(MAX_ERRORS_SHOWN);
  });

  it('never shows personal data', () => {
    const personal = [...walk.flow.personalValues, ...walk.errors.cycle.personalValues];
    for (const { html } of [walk.green.page, walk.errors.page]) {
      for (const value of personal) expect(html).not.toContain(value);
    }
  });
});

describe('an expired link', () => {
  it('gets the same "no longer valid" page as an unknown code, with 404', () => {
    expect(walk.expired.status).toBe(404);
    expect(walk.unknownCode.status).toBe(404);
    const withoutNonce = (html: string): string => html.replace(/nonce="[^"]*"/g, 'nonce=""');
    expect(withoutNonce(walk.expired.html)).toBe(withoutNonce(walk.unknownCode.html));
    expect(walk.expired.html).toContain('This link is no longer valid');
  });

  it('is told to a page still open, at its next refresh', () => {
    expect(walk.expired.panelSays).toBe('this link is no longer valid');
  });
});

describe('accessibility (axe-core)', () => {
  it('finds no serious or critical violation in any state', () => {
    expect([...violations.keys()]).toEqual([
      'fresh',
      'token-revealed',
      'status-green',
      'status-errors',
      'reveal-refused',
      'link-invalid',
    ]);
    const severe = [...violations].flatMap(([state, found]) =>
      found
        .filter(({ impact }) => impact === 'serious' || impact === 'critical')
        .map(({ id, targets }) => `${state}: ${id} at ${targets.join(', ')}`),
    );
    expect(severe).toEqual([]);
  });
});
