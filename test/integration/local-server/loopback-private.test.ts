/**
 * `npm start`'s guarantees about the network and the disk, on a real DynamoDB Local of its own: nothing it
 * starts listens beyond loopback (DynamoDB Local answers anyone who reaches it, with every tenant's data),
 * and its data directory is private (0700 directories, 0600 files), including one an older version made.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { LocalServer } from '../../../bin/local/server';
import { startLocalServer } from '../../../bin/local/server';
import { SHARED_DB_FILE } from '../../../lambdas/store/dynamodb-local';
import { connectResult, isLoopback, listeningAddresses, ownNonLoopbackAddresses } from './sockets';

jest.setTimeout(120_000);

let dataDir: string;
let server: LocalServer;
let dynamoDbPort: number;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-private-'));
  // As an older version left it: world-readable directories and files.
  await mkdir(join(dataDir, 'dynamodb'), { recursive: true, mode: 0o755 });
  await writeFile(join(dataDir, 'dynamodb', SHARED_DB_FILE), '', { mode: 0o644 });
  await writeFile(join(dataDir, 'demo.token'), 'scim_old\n', { mode: 0o644 });
  server = await startLocalServer({ port: 0, dataDir, tenantId: 'demo', logLevel: 'SILENT' });
  const { endpoint } = JSON.parse(await readFile(join(dataDir, 'endpoint.json'), 'utf8')) as {
    endpoint: string;
  };
  dynamoDbPort = Number(new URL(endpoint).port);
  const created = await fetch(`${server.tenantUrl}/Users`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/scim+json' },
    body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada' }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('loopback only', () => {
  it.each([
    ['DynamoDB Local', () => dynamoDbPort],
    ['the SCIM server', () => server.port],
  ])('%s listens on loopback addresses only', async (_name, port) => {
    const addresses = await listeningAddresses(port());
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.filter((address) => !isLoopback(address))).toEqual([]);
  });

  it("is refused through this machine's other addresses", async () => {
    for (const address of ownNonLoopbackAddresses()) {
      expect([address, await connectResult(address, dynamoDbPort)]).toEqual([address, 'ECONNREFUSED']);
      expect([address, await connectResult(address, server.port)]).toEqual([address, 'ECONNREFUSED']);
    }
    // The same check through loopback connects: the refusals above are about the address.
    expect(await connectResult('127.0.0.1', dynamoDbPort)).toBe('connected');
  });
});

describe('private data directory', () => {
  const modes = async (dir: string): Promise<string[]> => {
    const found = [`${dir.slice(dataDir.length) || '/'} ${((await stat(dir)).mode & 0o777).toString(8)}`];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) found.push(...(await modes(path)));
      else found.push(`${path.slice(dataDir.length)} ${((await stat(path)).mode & 0o777).toString(8)}`);
    }
    return found;
  };

  it('directories are 0700 and files 0600, the database included', async () => {
    const found = await modes(dataDir);
    expect(found).toEqual(
      expect.arrayContaining([`/dynamodb/${SHARED_DB_FILE} 600`, '/tenants 700', '/ 700']),
    );
    expect(found.filter((line) => !/ (600|700)$/.test(line))).toEqual([]);
  });
});
