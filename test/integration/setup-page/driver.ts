/**
 * Drives the setup page as a customer's admin would, in headless Chromium (Debian's package, driven by
 * playwright-core), against `npm start` and the tenant CLI run as child processes: the one walk that both
 * the browser test (browser.test.ts) and the screenshots (screenshots.ts, `npm run screenshots`) take.
 * The walk returns what it saw; the caller asserts on it, and gets each page state on the way (axe,
 * screenshots).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page, Response } from 'playwright-core';

import { hashSetupCode } from '../../../lambdas/setup/links';
import { localDocumentClient } from '../../../lambdas/store/dynamodb-local';
import { setupLinkKey } from '../../../lambdas/store/keys';
import {
  CORE_GROUP_URN,
  CORE_USER_URN,
  ENTERPRISE_USER_URN,
  PROFILE_USER_URN,
} from '../../../lambdas/scim/schema/urns';
import { ScimClient, idOf } from '../e2e/harness';
import type { RequestOptions } from '../e2e/harness';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const CHROMIUM_PATH = '/usr/bin/chromium';
/**
 * The flags this machine's Chromium needs (the env notes): without the background-networking ones it
 * keeps dialling Google's hosts through a closed network. Playwright adds --headless and a fresh, empty
 * --user-data-dir of its own on every launch.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
/** What the status panel's refresh waits by default (SCIM_SETUP_REFRESH_SECONDS). */
export const REFRESH_MS = 30_000;
/** Entra's provisioning service names itself in User-Agent; the panel names the provider from it. */
export const ENTRA_USER_AGENT = 'Azure Active Directory provisioning (e2e test)';
const STARTUP_TIMEOUT_MS = 90_000;
/** Refused requests sent after the first one: more than the panel lists. */
const ERRORS_FLOOD = 24;

export type SetupPageState =
  'fresh' | 'token-revealed' | 'status-green' | 'status-errors' | 'reveal-refused' | 'link-invalid';

/** A process whose output is collected, and waited on by pattern. */
class Child {
  output = '';
  readonly exited: Promise<number | null>;
  private readonly listeners = new Set<() => void>();

  constructor(readonly process: ChildProcess) {
    const collect = (chunk: Buffer): void => {
      this.output += chunk.toString();
      for (const listener of this.listeners) listener();
    };
    process.stdout?.on('data', collect);
    process.stderr?.on('data', collect);
    // Should this process exit first (a test timed out mid-walk), the child is told to stop too.
    const stopWithUs = (): void => void process.kill('SIGTERM');
    globalThis.process.once('exit', stopWithUs);
    this.exited = new Promise((resolveExit) =>
      process.once('exit', (code) => {
        globalThis.process.off('exit', stopWithUs);
        resolveExit(code);
      }),
    );
    this.exited.then(
      () => this.listeners.forEach((listener) => listener()),
      () => undefined,
    );
  }

  /** The first match of `pattern` in the output; rejects when the process ends or the time is up. */
  waitFor(pattern: RegExp, timeoutMs = STARTUP_TIMEOUT_MS): Promise<RegExpMatchArray> {
    return new Promise((resolveMatch, reject) => {
      let ended = false;
      void this.exited.then(() => (ended = true));
      const timer = setTimeout(
        () => finish(new Error(`timed out waiting for ${String(pattern)}`)),
        timeoutMs,
      );
      const finish = (error?: Error, match?: RegExpMatchArray): void => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (match !== undefined) resolveMatch(match);
        else reject(new Error(`${error?.message ?? 'failed'}; output:\n${this.output}`));
      };
      const check = (): void => {
        const match = pattern.exec(this.output);
        if (match !== null) finish(undefined, match);
        else if (ended || this.process.exitCode !== null)
          finish(new Error(`exited before ${String(pattern)}`));
      };
      this.listeners.add(check);
      check();
    });
  }

  /** SIGTERM (a clean stop also ends the DynamoDB Local it started), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolveKill) => {
      timer = setTimeout(() => {
        this.process.kill('SIGKILL');
        resolveKill();
      }, graceMs);
    });
    await Promise.race([this.exited.then(() => undefined), killed]);
    clearTimeout(timer);
  }
}

const runTsx = (script: string, args: readonly string[], env: NodeJS.ProcessEnv): Child =>
  new Child(
    spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );

export interface WalkOptions {
  /** An existing DynamoDB endpoint (the integration project's); else `npm start` runs its own. */
  readonly dynamoDbEndpoint?: string;
  /** The tenant `npm start` serves (SCIM_TENANT). */
  readonly demoTenantId: string;
  /** The tenant created with the CLI, whose page the walk takes, and its company name. */
  readonly tenantId: string;
  readonly companyName: string;
}

export interface NpmStart {
  readonly url: string;
  readonly tenantUrl: string;
  readonly setupLink: string;
  readonly dataDir: string;
  /** `npm run tenant -- create <tenantId> --name <name>` against this server: the link it prints. */
  createTenant(tenantId: string, name: string): Promise<{ tenantUrl: string; setupLink: string }>;
  /** Moves the link's expiry into the past, in the server's table (as time would). */
  expireLink(setupLink: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `npm start` (bin/local.ts) on a free port with a fresh data dir; against `dynamoDbEndpoint` when given,
 * else with the DynamoDB Local it starts itself.
 */
export async function startNpmStart(options: WalkOptions): Promise<NpmStart> {
  const dataDir = await mkdtemp(join(tmpdir(), 'scim-setup-page-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    SCIM_DATA_DIR: dataDir,
    SCIM_DYNAMODB_ENDPOINT: options.dynamoDbEndpoint ?? '',
    SCIM_TENANT: options.demoTenantId,
    SCIM_TOKEN: '',
    SCIM_SETUP_REFRESH_SECONDS: String(REFRESH_MS / 1000),
    LOG_LEVEL: 'SILENT',
  };
  const server = runTsx('bin/local.ts', [], env);
  const stop = async (): Promise<void> => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const [, url = ''] = await server.waitFor(/listening on (http:\/\/\S+)/);
    const [, tenantUrl = ''] = await server.waitFor(/Tenant URL: +(\S+)/);
    const [, setupLink = ''] = await server.waitFor(/Setup link: +(\S+)/);
    await server.waitFor(/Press Ctrl-C to stop/);
    const endpointFile = JSON.parse(await readFile(join(dataDir, 'endpoint.json'), 'utf8')) as {
      endpoint: string;
      tableName: string;
    };
    return {
      url,
      tenantUrl,
      setupLink,
      dataDir,
      async createTenant(tenantId, name) {
        // The CLI finds the running server's table and port in the data dir's endpoint.json.
        const cliEnv = { ...env };
        for (const name of ['PORT', 'DYNAMODB_ENDPOINT', 'TABLE_NAME']) delete cliEnv[name];
        const cli = runTsx('bin/tenant.ts', ['create', tenantId, '--name', name], cliEnv);
        try {
          const [, created = ''] = await cli.waitFor(/Tenant URL: +(\S+)/);
          const [, link = ''] = await cli.waitFor(/Setup link: +(\S+)/);
          const code = await cli.exited;
          if (code !== 0) throw new Error(`tenant create exited ${String(code)}:\n${cli.output}`);
          return { tenantUrl: created, setupLink: link };
        } finally {
          await cli.stop();
        }
      },
      async expireLink(setupLink) {
        const client = localDocumentClient(endpointFile.endpoint);
        try {
          await client.send(
            new UpdateCommand({
              TableName: endpointFile.tableName,
              Key: setupLinkKey(hashSetupCode(setupLink.split('/').pop() ?? '')),
              UpdateExpression: 'SET expiresAt = :past',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':past': new Date(Date.now() - 1000).toISOString() },
            }),
          );
        } finally {
          client.destroy();
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

/** A new context (its own cookies and storage) that may read and write the clipboard for `origin`. */
export async function newAdminContext(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1100, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
  return context;
}

/**
 * Collects a page's console errors (CSP refusals show there) and uncaught exceptions into `sink`; not
 * Chromium's note of each 4xx answer, which the walk provokes on purpose.
 */
export const collectConsoleErrors = (page: Page, sink: string[]): void => {
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && !text.startsWith('Failed to load resource')) sink.push(text);
  });
  page.on('pageerror', (error) => sink.push(error.message));
};

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly targets: readonly string[];
}

let axeSource: Promise<string> | undefined;

/*
 * The code that runs in the page is written as strings: the project compiles without the DOM library, so
 * that no browser global can slip into the Lambdas.
 */
const AXE_RUN = `axe.run(document).then((result) => result.violations.map((violation) => ({
  id: violation.id,
  impact: violation.impact,
  help: violation.help,
  targets: violation.nodes.map((node) => node.target.map(String).join(' ')),
})))`;
const STATUS_ITEMS = `Array.from(document.querySelectorAll('#checks li'), (item) => ({
  id: item.getAttribute('data-check') || '',
  state: item.getAttribute('data-state') || '',
  text: (item.querySelector('span:not(.badge)') || {}).textContent || '',
  action: (item.querySelector('.note') || {}).textContent || '',
}))`;
/** The cells of the rows `rowsSelector` selects. */
const tableCells = (rowsSelector: string): string =>
  `Array.from(document.querySelectorAll(${JSON.stringify(rowsSelector)}), (row) =>
    Array.from(row.querySelectorAll('td'), (cell) => cell.textContent))`;
const CLEAR_CLIPBOARD = "navigator.clipboard.writeText('')";
const CLIPBOARD_FILLED = "navigator.clipboard.readText().then((text) => text !== '')";
const READ_CLIPBOARD = 'navigator.clipboard.readText()';
const SET_MARKER = "window.setupWalkMarker = 'no-reload'";
const MARKER_KEPT = "window.setupWalkMarker === 'no-reload'";

/**
 * axe-core's violations in the page as it is now. The script is evaluated through the DevTools protocol,
 * which the page's CSP does not govern, so the page's own policy stays as strict as it is served.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  const source = await axeSource;
  await page.evaluate(source);
  return page.evaluate<AxeViolation[]>(AXE_RUN);
}

export interface StatusItem {
  readonly id: string;
  readonly state: string;
  readonly text: string;
  /** The "what to do" line, shown when the item is not green. */
  readonly action: string;
}

export const statusItems = (page: Page): Promise<StatusItem[]> => page.evaluate<StatusItem[]>(STATUS_ITEMS);

/**
 * Polls `expression` in the page until it is true. Not waitForFunction: that evaluates a string with the
 * page's eval, which the page's CSP (rightly) refuses; this goes through the DevTools protocol.
 */
async function waitUntil(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 50));
  }
}

/**
 * Fires the page's ~30 s status refresh (its clock is fake) and waits until an answer to a check made
 * after this call is rendered: "last checked" holds the check's server time, to the millisecond, or has
 * none once the refresh failed. A refresh of the page's own, begun earlier, cannot pass for it.
 */
export async function refreshStatus(page: Page): Promise<void> {
  const since = JSON.stringify(new Date().toISOString());
  await page.clock.fastForward(REFRESH_MS);
  await waitUntil(
    page,
    `((checked) => !checked.hasAttribute('datetime') || checked.getAttribute('datetime') >= ${since})` +
      `(document.getElementById('checked-at'))`,
  );
}

/** Clicks a copy button and returns what the clipboard then holds. */
export async function copyWith(page: Page, button: Locator): Promise<string> {
  await page.evaluate(CLEAR_CLIPBOARD);
  await button.click();
  await waitUntil(page, CLIPBOARD_FILLED);
  return page.evaluate<string>(READ_CLIPBOARD);
}

export interface PageText {
  readonly html: string;
  readonly text: string;
}

const pageText = async (page: Page): Promise<PageText> => ({
  html: await page.content(),
  text: await page.locator('body').innerText(),
});

/** A SCIM client that names itself as Entra's provisioning service does, in User-Agent. */
export class EntraScimClient extends ScimClient {
  override request(method: string, path: string, options: RequestOptions = {}) {
    return super.request(method, path, {
      ...options,
      headers: { 'User-Agent': ENTRA_USER_AGENT, ...options.headers },
    });
  }
}

/** What the Entra-style flow sent: the values the page must never show. */
export interface EntraFlow {
  readonly personalValues: readonly string[];
  readonly activeUsers: number;
  readonly inactiveUsers: number;
  readonly groups: number;
}

const MANAGER_EMAIL = 'grace.hopper@example.com';

interface ProfileValues {
  /** Undefined leaves the job title out. */
  readonly title?: string | undefined;
  readonly managementLevel: string;
  readonly language: string;
}

const COMPLETE: ProfileValues = { title: 'Engineer', managementLevel: 'Manager', language: 'en-US' };

const profileUser = (
  userName: string,
  given: string,
  family: string,
  active: boolean,
  values: ProfileValues = COMPLETE,
) => ({
  schemas: [CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN],
  externalId: randomUUID(),
  userName,
  active,
  displayName: `${given} ${family}`,
  ...(values.title !== undefined ? { title: values.title } : {}),
  emails: [{ primary: true, type: 'work', value: userName }],
  name: { givenName: given, familyName: family },
  preferredLanguage: values.language,
  addresses: [{ type: 'work', locality: 'Toronto', country: 'CA' }],
  [PROFILE_USER_URN]: {
    managementLevel: values.managementLevel,
    businessUnit: 'Research',
    jobFunction: 'Engineering',
    peopleManager: 'yes',
    managerEmail: MANAGER_EMAIL,
  },
});

const expectStatus = (what: string, status: number, expected: number): void => {
  if (status !== expected) throw new Error(`${what}: ${status}, expected ${expected}`);
};

/** Entra's first cycle, as its requests arrive: Test Connection, then match-or-create, a group, a PATCH. */
export async function entraFlow(scim: ScimClient): Promise<EntraFlow> {
  const probe = await scim.filter('Users', `userName eq "${randomUUID()}"`);
  expectStatus('Test Connection', probe.status, 200);
  const people = [
    ['ada.lovelace@example.com', 'Ada', 'Lovelace', true],
    ['alan.turing@example.com', 'Alan', 'Turing', true],
    ['edsger.dijkstra@example.com', 'Edsger', 'Dijkstra', false],
  ] as const;
  const ids: string[] = [];
  for (const [userName, given, family, active] of people) {
    const match = await scim.filter('Users', `userName eq "${userName}"`);
    expectStatus(`match ${userName}`, match.status, 200);
    const created = await scim.post('/Users', profileUser(userName, given, family, active));
    expectStatus(`create ${userName}`, created.status, 201);
    ids.push(idOf(created));
  }
  const groupMatch = await scim.filter('Groups', 'displayName eq "Research"');
  expectStatus('match group', groupMatch.status, 200);
  const group = await scim.post('/Groups', {
    schemas: [CORE_GROUP_URN],
    displayName: 'Research',
    externalId: randomUUID(),
    members: [{ value: ids[0] }],
  });
  expectStatus('create group', group.status, 201);
  const patched = await scim.patch(`/Groups/${idOf(group)}`, [
    { op: 'Add', path: 'members', value: [{ value: ids[1] }] },
  ]);
  expectStatus('patch group', patched.status, 204);
  return {
    personalValues: [
      ...people.flatMap(([userName, given, family]) => [userName, given, family]),
      MANAGER_EMAIL,
    ],
    activeUsers: people.filter(([, , , active]) => active).length,
    inactiveUsers: people.filter(([, , , active]) => !active).length,
    groups: 1,
  };
}

/** The next cycle: a hire with gaps in their profile, and a request we refuse. */
export interface SecondCycle {
  readonly refusedStatus: number;
  readonly personalValues: readonly string[];
  /** The profile gaps the panel must turn red on. */
  readonly missingField: 'jobTitle';
  readonly unrecognisedLevel: string;
  readonly unsupportedLocale: string;
}

export async function secondCycle(scim: ScimClient, duplicateOf: string): Promise<SecondCycle> {
  const [userName, given, family] = ['katherine.johnson@example.com', 'Katherine', 'Johnson'];
  const gaps = { title: undefined, managementLevel: 'Grand Wizard', language: 'tlh' };
  const hired = await scim.post('/Users', profileUser(userName, given, family, true, gaps));
  expectStatus('create a hire with gaps', hired.status, 201);
  // Entra creating a user whose userName is taken: refused with 409 uniqueness on userName.
  const duplicate = await scim.post('/Users', profileUser(duplicateOf, 'Ada', 'Lovelace', true));
  return {
    refusedStatus: duplicate.status,
    personalValues: [userName, given, family],
    missingField: 'jobTitle',
    unrecognisedLevel: gaps.managementLevel,
    unsupportedLocale: gaps.language,
  };
}

/** `count` more refused requests, for the bound on the errors the panel lists. */
export async function refuseMany(scim: ScimClient, duplicateOf: string, count: number): Promise<void> {
  for (let sent = 0; sent < count; sent += 1) {
    const duplicate = await scim.post('/Users', profileUser(duplicateOf, 'Ada', 'Lovelace', true));
    expectStatus('duplicate', duplicate.status, 409);
  }
}

/** What one walk of the page saw, for the caller to assert on. */
export interface SetupWalk {
  readonly server: { readonly tenantUrl: string; readonly setupLink: string };
  readonly demoPage: { readonly status: number; readonly tenantUrlShown: string; readonly heading: string };
  readonly tenant: { readonly tenantUrl: string; readonly setupLink: string; readonly name: string };
  readonly fresh: {
    readonly status: number;
    readonly headers: Record<string, string>;
    readonly heading: string;
    readonly tenantUrlShown: string;
    readonly tenantUrlCopied: string;
    readonly steps: readonly string[];
    readonly mappingRows: readonly (readonly string[])[];
    readonly statusItems: readonly StatusItem[];
    readonly revealButtons: number;
  };
  readonly revealed: {
    readonly token: string;
    readonly tokenCopied: string;
    readonly warning: string;
    readonly revealButtonVisible: boolean;
  };
  readonly flow: EntraFlow;
  /** The page's marker survived the refreshes: the panel changed without a reload. */
  readonly sameDocument: boolean;
  readonly green: { readonly statusItems: readonly StatusItem[]; readonly page: PageText };
  readonly errors: {
    readonly cycle: SecondCycle;
    readonly statusItems: readonly StatusItem[];
    readonly rows: readonly (readonly string[])[];
    readonly page: PageText;
  };
  /** More refused requests than the panel lists: how many rows it then shows. */
  readonly flood: { readonly sent: number; readonly rows: number };
  readonly secondReveal: { readonly message: string; readonly status: number };
  readonly reloaded: { readonly status: number; readonly message: string; readonly revealButtons: number };
  readonly expired: {
    readonly status: number;
    readonly html: string;
    readonly panelSays: string;
  };
  readonly unknownCode: { readonly status: number; readonly html: string };
  readonly consoleErrors: readonly string[];
}

export interface WalkHooks {
  /** Called at each state, with the page and the part of it the state is about (else the viewport). */
  onState(state: SetupPageState, page: Page, focus?: Locator): Promise<void>;
}

const headersOf = (response: Response | null): Record<string, string> => response?.headers() ?? {};

/**
 * The whole walk: `npm start`, its demo link, a tenant created with the CLI, its page fresh, the token
 * revealed and copied, Entra's first cycle over HTTP with that token, the status refreshed (green), a
 * refused request (red), a second reveal refused, the link expired. Everything started is stopped.
 */
export async function walkSetupPage(options: WalkOptions, hooks: WalkHooks): Promise<SetupWalk> {
  const server = await startNpmStart(options);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const origin = new URL(server.url).origin;
    const context = await newAdminContext(browser, origin);

    // The link `npm start` prints opens the demo tenant's page.
    const demo = await context.newPage();
    const demoResponse = await demo.goto(server.setupLink);
    const demoPage = {
      status: demoResponse?.status() ?? 0,
      tenantUrlShown: await demo.locator('#tenant-url').inputValue(),
      heading: (await demo.locator('h1').textContent()) ?? '',
    };
    await demo.close();

    const name = options.companyName;
    const tenant = { ...(await server.createTenant(options.tenantId, name)), name };

    const page = await context.newPage();
    const errors: string[] = [];
    collectConsoleErrors(page, errors);
    await page.clock.install();
    const response = await page.goto(tenant.setupLink);
    await page.locator('#checks li').first().waitFor();
    // A second tab on the same link, opened before the reveal: its Reveal button must then be refused.
    const otherTab = await context.newPage();
    collectConsoleErrors(otherTab, errors);
    await otherTab.goto(tenant.setupLink);

    const valuesSection = page.locator('section', { has: page.locator('#values-heading') });
    const statusSection = page.locator('section', { has: page.locator('#status-heading') });
    await hooks.onState('fresh', page);
    const fresh = {
      status: response?.status() ?? 0,
      headers: headersOf(response),
      heading: (await page.locator('h1').textContent()) ?? '',
      tenantUrlShown: await page.locator('#tenant-url').inputValue(),
      tenantUrlCopied: await copyWith(page, page.locator('button[data-copy="tenant-url"]')),
      steps: await page.locator('#steps-heading ~ ol > li').allInnerTexts(),
      mappingRows: await page.evaluate<string[][]>(tableCells('#map-heading ~ table tbody tr')),
      statusItems: await statusItems(page),
      revealButtons: await page.locator('#reveal').count(),
    };

    await page.locator('#reveal').click();
    await page.locator('#token-box').waitFor({ state: 'visible' });
    const token = await page.locator('#token').inputValue();
    const revealed = {
      token,
      tokenCopied: await copyWith(page, page.locator('button[data-copy="token"]')),
      warning: (await page.locator('#token-box .warning').textContent()) ?? '',
      revealButtonVisible: await page.locator('#reveal').isVisible(),
    };
    await hooks.onState('token-revealed', page, valuesSection);

    // Entra, with the values copied off the page.
    await page.evaluate(SET_MARKER);
    const flow = await entraFlow(new EntraScimClient(fresh.tenantUrlCopied, revealed.tokenCopied));
    await refreshStatus(page);
    const green = { statusItems: await statusItems(page), page: await pageText(page) };
    await hooks.onState('status-green', page, statusSection);

    const entra = new EntraScimClient(fresh.tenantUrlCopied, revealed.tokenCopied);
    const next = await secondCycle(entra, 'ada.lovelace@example.com');
    await refreshStatus(page);
    const errorsSeen = {
      cycle: next,
      statusItems: await statusItems(page),
      rows: await page.evaluate<string[][]>(tableCells('#errors tr')),
      page: await pageText(page),
    };
    await hooks.onState('status-errors', page, statusSection);
    await refuseMany(entra, 'ada.lovelace@example.com', ERRORS_FLOOD);
    await refreshStatus(page);
    const flood = {
      sent: ERRORS_FLOOD + 1,
      rows: (await page.evaluate<string[][]>(tableCells('#errors tr'))).length,
    };
    const sameDocument = await page.evaluate<boolean>(MARKER_KEPT);

    const revealAgain = otherTab.waitForResponse((answer) => answer.url().endsWith('/setup/reveal'));
    await otherTab.locator('#reveal').click();
    const secondStatus = (await revealAgain).status();
    await otherTab.locator('#reveal-result').waitFor({ state: 'visible' });
    const secondReveal = {
      status: secondStatus,
      message: (await otherTab.locator('#reveal-result').textContent()) ?? '',
    };
    await hooks.onState(
      'reveal-refused',
      otherTab,
      otherTab.locator('section', { has: otherTab.locator('#values-heading') }),
    );
    await otherTab.close();

    const reloadedPage = await context.newPage();
    const reloadedResponse = await reloadedPage.goto(tenant.setupLink);
    const reloaded = {
      status: reloadedResponse?.status() ?? 0,
      message: (await reloadedPage.locator('#values-heading ~ .refused').textContent()) ?? '',
      revealButtons: await reloadedPage.locator('#reveal').count(),
    };
    await reloadedPage.close();

    await server.expireLink(tenant.setupLink);
    // The open page's next refresh learns it too.
    await refreshStatus(page);
    const panelSays = (await page.locator('#checked-at').textContent()) ?? '';
    const expiredResponse = await page.goto(tenant.setupLink);
    const expired = {
      status: expiredResponse?.status() ?? 0,
      html: await page.content(),
      panelSays,
    };
    await hooks.onState('link-invalid', page, page.locator('main'));
    const unknownPage = await context.newPage();
    const unknownResponse = await unknownPage.goto(`${server.url}/setup/${'x'.repeat(43)}`);
    const unknownCode = { status: unknownResponse?.status() ?? 0, html: await unknownPage.content() };

    await context.close();
    return {
      server: { tenantUrl: server.tenantUrl, setupLink: server.setupLink },
      demoPage,
      tenant,
      fresh,
      revealed,
      flow,
      sameDocument,
      green,
      errors: errorsSeen,
      flood,
      secondReveal,
      reloaded,
      expired,
      unknownCode,
      consoleErrors: errors,
    };
  } finally {
    await browser?.close();
    await server.stop();
  }
}
