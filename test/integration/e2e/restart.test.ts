/**
 * The local server's dev token across restarts: the token store decides. A token revoked or expired with
 * the tenant CLI is never restored by a restart; a new one is issued and printed instead. SCIM_TOKEN is
 * re-registered (the developer asked for it).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LocalServer } from '../../../bin/local/server';
import { startLocalServer } from '../../../bin/local/server';
import { localTokenFile } from '../../../bin/local/tenant-token';
import { revokeTenantTokens, rotateTenant } from '../../../bin/tenant';
import type { CliDeps } from '../../../bin/tenant';

// Each test starts the server twice; every start creates its table and issues the dev tenant's setup link,
// whose transaction is DynamoDB Local's first in a fresh JVM (about 2 s): 5 s is too tight on a loaded machine.
jest.setTimeout(30_000);

const TENANT = 'demo';
let dataDir: string;
let tableName: string;
let running: LocalServer | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-restart-'));
  tableName = `restart-${randomBytes(6).toString('hex')}`;
});
afterEach(async () => {
  await running?.stop();
  running = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(token?: string): Promise<LocalServer> {
  await running?.stop();
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  if (endpoint === undefined) throw new Error('DYNAMODB_ENDPOINT is not set: run in the integration project');
  running = await startLocalServer({
    port: 0,
    dataDir,
    dynamoDbEndpoint: endpoint,
    tableName,
    tenantId: TENANT,
    logLevel: 'SILENT',
    ...(token !== undefined ? { token } : {}),
  });
  return running;
}

const statusWith = async (server: LocalServer, token: string): Promise<number> =>
  (await fetch(`${server.tenantUrl}/Users?count=1`, { headers: { Authorization: `Bearer ${token}` } }))
    .status;

const cliDeps = (server: LocalServer): CliDeps => ({
  tokenStore: server.tokenStore,
  apiBaseUrl: server.url,
  now: () => new Date(),
  print: () => undefined,
  warn: () => undefined,
});

describe('dev token across restarts', () => {
  it('keeps a token that is still active', async () => {
    const first = await start();
    expect(first.tokenSource).toBe('new');
    const second = await start();
    expect(second.tokenSource).toBe('kept');
    expect(second.token).toBe(first.token);
    expect(await statusWith(second, second.token)).toBe(200);
  });

  it('revoke --all then restart: the old token stays 401, a new one is issued, kept and works', async () => {
    const first = await start();
    await revokeTenantTokens(cliDeps(first), TENANT, { all: true });
    expect(await statusWith(first, first.token)).toBe(401);

    const second = await start();
    expect(second.tokenSource).toBe('replaced');
    expect(second.token).not.toBe(first.token);
    expect(await statusWith(second, first.token)).toBe(401);
    expect(await statusWith(second, second.token)).toBe(200);
    expect((await readFile(localTokenFile(dataDir, TENANT), 'utf8')).trim()).toBe(second.token);
  });

  it('rotate --grace-hours 0 then restart: the printed token is one that works', async () => {
    const first = await start();
    const rotated = await rotateTenant(cliDeps(first), TENANT, 0);
    expect(await statusWith(first, first.token)).toBe(401);

    const second = await start();
    expect(second.tokenSource).toBe('replaced');
    expect(second.token).not.toBe(first.token);
    expect(await statusWith(second, second.token)).toBe(200);
    // The CLI's rotated token is untouched by the restart.
    expect(await statusWith(second, rotated.token)).toBe(200);
    expect(await statusWith(second, first.token)).toBe(401);
  });

  it('SCIM_TOKEN is re-registered even after a revoke (the developer asked for it)', async () => {
    const explicit = `dev-${randomBytes(12).toString('hex')}`;
    const first = await start(explicit);
    expect(first.tokenSource).toBe('explicit');
    await revokeTenantTokens(cliDeps(first), TENANT, { all: true });
    expect(await statusWith(first, explicit)).toBe(401);

    const second = await start(explicit);
    expect(second.token).toBe(explicit);
    expect(await statusWith(second, explicit)).toBe(200);
  });
});

describe('endpoint.json', () => {
  it('records the endpoint, table and port while the server runs, and is removed by a clean stop', async () => {
    const server = await start();
    const file = join(dataDir, 'endpoint.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      endpoint: process.env.DYNAMODB_ENDPOINT,
      tableName,
      port: server.port,
    });
    await server.stop();
    running = undefined;
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
