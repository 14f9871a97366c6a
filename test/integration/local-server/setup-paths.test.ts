/**
 * The local server routes the setup page as the deployed API does: only the exact, case-sensitive
 * `/setup/{code}` (GET) and `/setup/reveal|status` (POST) reach the setup handler. An odd-cased or
 * trailing-slash form of a link (`/Setup/<code>`, `/setup/<code>/`) goes where the API's `$default` sends
 * it: the catch-all's 404, the same for a live code as for an unknown one, so the answer neither opens
 * the page nor tells whether the code is live, and a reveal there changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LocalServer } from '../../../bin/local/server';
import { startLocalServer } from '../../../bin/local/server';
import { generateSetupCode } from '../../../lambdas/setup/links';

jest.setTimeout(60_000);

let dataDir: string;
let server: LocalServer;
let code: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-setup-paths-'));
  server = await startLocalServer({
    port: 0,
    dataDir,
    dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT ?? '',
    tableName: `setup-paths-${randomBytes(6).toString('hex')}`,
    tenantId: 'demo',
    logLevel: 'SILENT',
    eventFeed: false,
  });
  code = new URL(server.setupLink).pathname.split('/').pop() ?? '';
});
afterAll(async () => {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const get = async (path: string, init: RequestInit = {}): Promise<Answer> => {
  const response = await fetch(`${server.url}${path}`, { redirect: 'manual', ...init });
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    body: await response.text(),
  };
};

const ODD_FORMS: readonly [string, (code: string) => string][] = [
  ['capitalised', (value) => `/Setup/${value}`],
  ['upper-case', (value) => `/SETUP/${value}`],
  ['trailing slash', (value) => `/setup/${value}/`],
  ['two trailing slashes', (value) => `/setup/${value}//`],
  ['a segment after the code', (value) => `/setup/${value}/reveal`],
];

describe('odd forms of a setup link on the local server', () => {
  it('the exact link opens the page', async () => {
    const page = await get(`/setup/${code}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('id="reveal"');
  });

  it.each(ODD_FORMS)('%s: the catch-all 404, the same as for an unknown code', async (_name, form) => {
    const unrouted = await get('/no-such-path');
    const live = await get(form(code));
    const unknown = await get(form(generateSetupCode()));
    expect(live.status).toBe(404);
    expect(live.contentType).toBe(unrouted.contentType);
    expect(live.body).toBe(unrouted.body);
    expect(unknown).toEqual(live);
    expect(live.body).not.toContain(code);
  });

  it('a reveal at an odd path is refused and the link can still reveal', async () => {
    const origin = server.url;
    for (const path of ['/setup/reveal/', '/Setup/reveal', '/SETUP/REVEAL']) {
      const answer = await get(path, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      expect(answer.status).toBe(404);
      expect(answer.body).not.toContain('token');
    }
    expect((await get(`/setup/${code}`)).body).toContain('id="reveal"');
  });

  it('a code whose letters changed case is another code: the invalid-link page', async () => {
    const flipped = [...code]
      .map((char) => (char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase()))
      .join('');
    const answer = await get(`/setup/${flipped}`);
    const unknown = await get(`/setup/${generateSetupCode()}`);
    expect(answer.status).toBe(404);
    expect(answer.body).toContain('This link is no longer valid');
    const withoutNonce = (html: string): string => html.replace(/nonce="[^"]*"/g, 'nonce=""');
    expect(withoutNonce(answer.body)).toBe(withoutNonce(unknown.body));
  });
});
