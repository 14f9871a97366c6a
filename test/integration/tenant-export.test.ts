/**
 * `tenant export` against a real table on DynamoDB Local: a few hundred users, every DynamoDB command
 * counted, so the test shows the export reads the tenant in Query pages (O(users / page)), never a read
 * per user; the file is written with mode 0600 and filtered by --active-only; stdout gets only records.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTenant, exportTenant, main } from '../../bin/tenant';
import type { CliDeps } from '../../bin/tenant';
import { FileTokenStore } from '../../lambdas/auth/file-token-store';
import type { JsonObject } from '../../lambdas/scim/json';
import { localDocumentClient } from '../../lambdas/store/dynamodb-local';
import { DynamoDbScimRepository } from '../../lambdas/store/dynamodb-repository';
import { BULK_CONCURRENCY, mapLimit } from '../../lambdas/store/dynamodb-store';
import { createTestTable } from './store/table';
import type { TestTable } from './store/table';

const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const USERS = 350;
const PAGE_SIZE = 100;
/** Every seventh user is inactive: 50 of 350. */
const isInactive = (n: number): boolean => n % 7 === 0;

let table: TestTable;
let directory: string;
const tenantId = `export-${Math.random().toString(36).slice(2, 8)}`;
const otherTenantId = `${tenantId}-other`;

const userBody = (n: number): JsonObject => ({
  schemas: [USER_SCHEMA, PROFILE],
  userName: `user${n}@example.com`,
  externalId: `ext-${n}`,
  name: { givenName: `Given${n}`, familyName: n === 1 ? '=1+2' : `Family, ${n}` },
  emails: [{ type: 'work', value: `user${n}@example.com`, primary: true }],
  active: !isInactive(n),
  [PROFILE]: { managementLevel: 'Director' },
});

/** A repository on its own client, recording every command it sends. */
const countingRepository = (): { repository: DynamoDbScimRepository; commands: string[] } => {
  const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  const client = localDocumentClient(endpoint);
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'countCommands' },
  );
  return { repository: new DynamoDbScimRepository({ client, tableName: table.tableName }), commands };
};

beforeAll(async () => {
  table = await createTestTable();
  const repository = table.repository();
  const numbers = Array.from({ length: USERS }, (_, index) => index + 1);
  await mapLimit(numbers, BULK_CONCURRENCY, (n) => repository.createUser(tenantId, userBody(n)));
  await repository.createUser(otherTenantId, userBody(9_999));
}, 120_000);
afterAll(() => table.close());

let warnings: string[];
let deps: CliDeps;
let commands: string[];
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'scim-export-it-'));
  warnings = [];
  const counted = countingRepository();
  commands = counted.commands;
  deps = {
    tokenStore: new FileTokenStore(join(directory, 'tenants')),
    // The page size the CLI uses is MAX_PAGE_SIZE (500); 100 here shows several pages with few users.
    tenants: {
      putTenant: (metadata) => counted.repository.putTenant(metadata),
      userPages: (id) => counted.repository.userPages(id, { pageSize: PAGE_SIZE }),
    },
    apiBaseUrl: 'https://scim.example.com',
    now: () => new Date('2026-03-01T12:00:00.000Z'),
    print: () => undefined,
    warn: (line) => warnings.push(line),
  };
  await createTenant(deps, tenantId, { printToken: true });
  commands.length = 0;
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe('export', () => {
  it('reads the tenant in Query pages, never per user, and writes every user once', async () => {
    const out = join(directory, 'all.jsonl');
    const counts = await exportTenant(deps, {
      name: 'export',
      tenantId,
      format: 'jsonl',
      activeOnly: false,
      out,
    });

    expect(counts).toEqual({ read: USERS, written: USERS });
    expect(commands).toEqual(Array.from({ length: Math.ceil(USERS / PAGE_SIZE) }, () => 'QueryCommand'));
    const records = (await readFile(out, 'utf8'))
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { tenantId: string; userName: string; version: number; profile: object },
      );
    expect(records).toHaveLength(USERS);
    expect(new Set(records.map((record) => record.userName)).size).toBe(USERS);
    expect(records.every((record) => record.tenantId === tenantId && record.version === 1)).toBe(true);
    expect(records.some((record) => record.userName === 'user9999@example.com')).toBe(false);
    expect((await stat(out)).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([`Exported ${USERS} of ${USERS} users of ${tenantId} as jsonl to ${out}.`]);
  });

  it('--format csv --active-only: a header and one row per active user, formula cells guarded', async () => {
    const out = join(directory, 'active.csv');
    await writeFile(out, 'an older export', { mode: 0o644 });
    const counts = await exportTenant(deps, {
      name: 'export',
      tenantId,
      format: 'csv',
      activeOnly: true,
      out,
    });

    const inactive = Array.from({ length: USERS }, (_, index) => index + 1).filter(isInactive).length;
    expect(counts).toEqual({ read: USERS, written: USERS - inactive });
    const text = await readFile(out, 'utf8');
    const lines = text.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toHaveLength(1 + USERS - inactive + 1);
    expect(lines[0]).toMatch(/^tenantId,id,externalId,userName,/);
    expect(text).not.toContain('user7@example.com');
    expect(text).toContain(`,Given1,'=1+2,`);
    expect(text).toContain(',"Family, 2",');
    expect((await stat(out)).mode & 0o777).toBe(0o600);
  });

  it('an unknown tenant is a usage error and writes no file', async () => {
    const out = join(directory, 'nobody.jsonl');
    await expect(
      exportTenant(deps, {
        name: 'export',
        tenantId: 'nobody-here',
        format: 'jsonl',
        activeOnly: false,
        out,
      }),
    ).rejects.toThrow('does not exist');
    await expect(stat(out)).rejects.toThrow('ENOENT');
    expect(commands).toEqual([]);
  });

  it('npm run tenant -- export --local: records on stdout, the summary on stderr, exit 0', async () => {
    const written: string[] = [];
    const stdout = jest
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        written.push(String(chunk));
        const callback = rest.find((argument) => typeof argument === 'function') as
          ((error?: Error | null) => void) | undefined;
        callback?.();
        return true;
      });
    const stderr: string[] = [];
    const warn = jest.spyOn(console, 'warn').mockImplementation((line: unknown) => stderr.push(String(line)));
    try {
      const code = await main(
        [
          'export',
          tenantId,
          '--data-dir',
          directory,
          '--endpoint',
          process.env.DYNAMODB_ENDPOINT ?? '',
          '--table',
          table.tableName,
        ],
        {},
      );
      expect(code).toBe(0);
    } finally {
      stdout.mockRestore();
      warn.mockRestore();
    }
    const lines = written.join('').trimEnd().split('\n');
    expect(lines).toHaveLength(USERS);
    expect(lines.every((line) => line.startsWith('{"tenantId":'))).toBe(true);
    expect(stderr).toEqual([`Exported ${USERS} of ${USERS} users of ${tenantId} as jsonl.`]);
  });
});
