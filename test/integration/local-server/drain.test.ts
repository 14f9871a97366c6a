/**
 * `npm start` stopped by SIGTERM: a request in flight (its body still arriving when the signal comes) is
 * answered, and what it wrote is there after a restart; a new connection meanwhile is refused.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { DEFAULT_TABLE_NAME, startLocalServer } from '../../../bin/local/server';
import { connectResult } from './sockets';

jest.setTimeout(60_000);

const REPO_ROOT = resolve(__dirname, '../../..');
let dataDir: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-drain-'));
});
afterEach(async () => {
  child?.kill('SIGKILL');
  child = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

/** Resolves with the match once the output has text matching `pattern`. */
function waitForOutput(output: () => string, subscribe: (listener: () => void) => void, pattern: RegExp) {
  return new Promise<RegExpMatchArray>((resolveMatch) => {
    const check = (): void => {
      const match = pattern.exec(output());
      if (match !== null) resolveMatch(match);
    };
    subscribe(check);
    check();
  });
}

/** Resolves once `socket` has received text matching `pattern`; returns all it received. */
function waitForData(socket: Socket, received: () => string, pattern: RegExp): Promise<string> {
  return new Promise((resolveData, reject) => {
    const check = (): void => {
      if (pattern.test(received())) resolveData(received());
      else if (socket.closed) reject(new Error(`The connection closed after: ${JSON.stringify(received())}`));
    };
    socket.on('data', check);
    socket.on('close', check);
    check();
  });
}

describe('SIGTERM drains requests in flight', () => {
  it('answers a POST whose body is still arriving, refuses new connections, keeps the user', async () => {
    const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
    const tenantId = `drain-${randomBytes(4).toString('hex')}`;
    const server = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        SCIM_DATA_DIR: dataDir,
        SCIM_DYNAMODB_ENDPOINT: endpoint,
        SCIM_TENANT: tenantId,
        LOG_LEVEL: 'SILENT',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = server;
    let output = '';
    const listeners: (() => void)[] = [];
    const onOutput = (chunk: Buffer): void => {
      output += chunk.toString();
      for (const listener of listeners) listener();
    };
    server.stdout?.on('data', onOutput);
    server.stderr?.on('data', onOutput);
    const exited = new Promise<number | null>((resolveExit) => server.once('exit', resolveExit));
    const subscribe = (listener: () => void): void => void listeners.push(listener);
    const [, port] = await waitForOutput(() => output, subscribe, /listening on http:\/\/localhost:(\d+)/);
    const [, token] = await waitForOutput(() => output, subscribe, /Secret Token: (\S+)/);

    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada' });
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.write(
      `POST /tenants/${tenantId}/scim/v2/Users HTTP/1.1\r\nHost: localhost\r\n` +
        `Authorization: Bearer ${token}\r\nContent-Type: application/scim+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
    // The server has the request (it asked for the body) when the signal comes.
    await waitForData(socket, () => received, /100 Continue/);
    server.kill('SIGTERM');
    await waitForOutput(() => output, subscribe, /SIGTERM: stopping/);
    expect(await connectResult('127.0.0.1', Number(port))).toBe('ECONNREFUSED');

    socket.write(body);
    const answer = await waitForData(socket, () => received, /\r\n\r\n\{.*\}$/s);
    expect(answer).toMatch(/HTTP\/1\.1 201 Created/);
    const id = (JSON.parse(answer.slice(answer.lastIndexOf('\r\n\r\n') + 4)) as { id: string }).id;
    expect(await exited).toBe(0);

    const restarted = await startLocalServer({
      port: 0,
      dataDir,
      dynamoDbEndpoint: endpoint,
      tableName: DEFAULT_TABLE_NAME,
      tenantId,
      logLevel: 'SILENT',
    });
    try {
      const read = await fetch(`${restarted.tenantUrl}/Users/${id}`, {
        headers: { Authorization: `Bearer ${restarted.token}` },
      });
      expect(read.status).toBe(200);
      expect(((await read.json()) as { userName: string }).userName).toBe('ada');
    } finally {
      await restarted.stop();
    }
  });
});
