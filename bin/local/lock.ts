/**
 * One local server per data directory. `<dataDir>/server.pid` names the Node process that owns the
 * directory and the DynamoDB Local it started. A start finds the file and:
 * - its process is alive: refuses, naming it (two servers on one data directory would run two DynamoDB
 *   Locals on one database file and overwrite each other's endpoint.json);
 * - its process is gone (killed, crashed): the lock is stale; the DynamoDB Local it left, if still running
 *   (DynamoDB Local exits when its Node process goes, see LoopbackDynamoDbLocal.java; this covers one that
 *   did not), is stopped, and the lock is taken over.
 * The file is created whole (written aside, then hard-linked into place, which fails if it exists), so a
 * reader never sees half of it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { link, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { errorCode } from '../../lambdas/auth/file-token-store';
import { PRIVATE_FILE_MODE } from './data-dir';

export const LOCK_FILE = 'server.pid';

interface LockRecord {
  readonly pid: number;
  readonly dynamoDbLocalPid?: number;
}

export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(dataDir: string, pid: number) {
    super(
      `Another local server (pid ${pid}) is using the data directory ${resolve(dataDir)}. Stop it first ` +
        `(Ctrl-C in its terminal, or kill ${pid}), or give this one another SCIM_DATA_DIR.`,
    );
  }
}

export interface DataDirLock {
  /** Records the DynamoDB Local process, so that a start after a crash of this one can stop it. */
  recordDynamoDbLocal(pid: number): Promise<void>;
  /** Removes the lock file, if it is still this process's. */
  release(): Promise<void>;
}

/** Alive, or alive but another user's (EPERM). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

/** The process's command line, or undefined when it cannot be read (gone, or no /proc and no ps). */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    // No /proc (macOS): ps below.
  }
  try {
    return (
      execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

const delay = (milliseconds: number): Promise<void> =>
  new Promise((resolveDelay) => setTimeout(resolveDelay, milliseconds));

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await delay(100);
  }
  return true;
}

/**
 * Stops the DynamoDB Local a crashed server left on `dataDir`. Only a process whose command line shows it
 * is DynamoDB Local on this directory: a pid can be reused by anything once its process is gone.
 */
export async function stopOrphan(pid: number | undefined, dataDir: string): Promise<void> {
  if (pid === undefined || !isAlive(pid)) return;
  const command = commandLineOf(pid);
  if (command === undefined || !command.includes('DynamoDBLocal') || !command.includes(resolve(dataDir)))
    return;
  process.kill(pid, 'SIGTERM');
  if (await waitForExit(pid, 10_000)) return;
  process.kill(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

async function readRecord(file: string): Promise<LockRecord | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    const pid = (parsed as { pid?: unknown }).pid;
    const dynamoDbLocalPid = (parsed as { dynamoDbLocalPid?: unknown }).dynamoDbLocalPid;
    if (typeof pid !== 'number') return undefined;
    return { pid, ...(typeof dynamoDbLocalPid === 'number' ? { dynamoDbLocalPid } : {}) };
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    // Unreadable content: not a lock any live server wrote (they are written whole).
    return { pid: 0 };
  }
}

const serialise = (record: LockRecord): string => `${JSON.stringify(record)}\n`;

/** Takes the data directory's lock, or throws DataDirInUseError. */
export async function lockDataDir(dataDir: string, pid: number = process.pid): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  const aside = `${file}.${pid}`;
  const own: LockRecord = { pid };
  await writeFile(aside, serialise(own), { mode: PRIVATE_FILE_MODE });
  try {
    for (let attempt = 0; ; attempt += 1) {
      try {
        await link(aside, file);
        break;
      } catch (error) {
        if (errorCode(error) !== 'EEXIST') throw error;
      }
      const holder = await readRecord(file);
      if (holder === undefined) continue; // Released meanwhile.
      if (holder.pid > 0 && isAlive(holder.pid)) throw new DataDirInUseError(dataDir, holder.pid);
      if (attempt >= 2) throw new DataDirInUseError(dataDir, holder.pid);
      await stopOrphan(holder.dynamoDbLocalPid, dataDir);
      // Still the same stale lock? (Another start may have taken it over meanwhile.)
      const now = await readRecord(file);
      if (now?.pid === holder.pid) await rm(file, { force: true });
    }
  } finally {
    await rm(aside, { force: true });
  }

  return {
    recordDynamoDbLocal: async (dynamoDbLocalPid) => {
      await writeFile(aside, serialise({ pid, dynamoDbLocalPid }), { mode: PRIVATE_FILE_MODE });
      await rename(aside, file);
    },
    release: async () => {
      if ((await readRecord(file))?.pid === pid) await rm(file, { force: true });
    },
  };
}
