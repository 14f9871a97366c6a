/**
 * One local server per data directory (bin/local/lock.ts): a second `npm start` on it stops with a clear
 * message and leaves the first's endpoint.json alone; a lock whose server died is taken over, stopping the
 * DynamoDB Local it left behind, and never a process that merely reuses the recorded pid.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { LOCK_FILE, isAlive, lockDataDir } from '../../../bin/local/lock';
import { startLocalServer } from '../../../bin/local/server';

jest.setTimeout(60_000);

const REPO_ROOT = resolve(__dirname, '../../..');
let dataDir: string;
const children: ChildProcess[] = [];

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'scim-lock-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
});

const exitOf = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolveExit) => child.once('exit', (code) => resolveExit(code)));

/** A node process that runs until killed, with `args` on its command line. */
function idleProcess(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', ...args], { stdio: 'ignore' });
  children.push(child);
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await exitOf(child);
  return child.pid ?? 0;
}

describe('one server per data directory', () => {
  it('a second npm start on the same data directory stops with a clear message', async () => {
    const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
    const first = await startLocalServer({
      port: 0,
      dataDir,
      dynamoDbEndpoint: endpoint,
      tableName: 'lock-test',
      tenantId: 'demo',
      logLevel: 'SILENT',
    });
    try {
      const endpointJson = await readFile(join(dataDir, 'endpoint.json'), 'utf8');
      const second = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
        cwd: REPO_ROOT,
        env: { ...process.env, PORT: '0', SCIM_DATA_DIR: dataDir, SCIM_DYNAMODB_ENDPOINT: endpoint },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(second);
      let output = '';
      second.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      second.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      expect(await exitOf(second)).toBe(1);
      expect(output).toContain(`Another local server (pid ${process.pid}) is using the data directory`);
      expect(output).not.toContain('listening');
      expect(await readFile(join(dataDir, 'endpoint.json'), 'utf8')).toBe(endpointJson);
      const answer = await fetch(`${first.tenantUrl}/Users?count=1`, {
        headers: { Authorization: `Bearer ${first.token}` },
      });
      expect(answer.status).toBe(200);
    } finally {
      await first.stop();
    }
    // A clean stop frees the directory.
    await expect(readFile(join(dataDir, LOCK_FILE), 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock whose server died and stops the DynamoDB Local it left', async () => {
    const orphan = idleProcess('DynamoDBLocal', '-dbPath', join(resolve(dataDir), 'dynamodb'));
    const orphanExit = exitOf(orphan);
    await writeFile(
      join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: await deadPid(), dynamoDbLocalPid: orphan.pid }),
    );
    const lock = await lockDataDir(dataDir);
    await orphanExit;
    expect(isAlive(orphan.pid ?? 0)).toBe(false);
    expect(JSON.parse(await readFile(join(dataDir, LOCK_FILE), 'utf8'))).toEqual({ pid: process.pid });
    await lock.release();
  });

  it('never stops a process that only reuses the recorded pid', async () => {
    const bystander = idleProcess('something-else');
    await writeFile(
      join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: await deadPid(), dynamoDbLocalPid: bystander.pid }),
    );
    const lock = await lockDataDir(dataDir);
    expect(isAlive(bystander.pid ?? 0)).toBe(true);
    await lock.release();
  });
});
