/**
 * The export's formatting (pure) and its streaming loop, and the file output's guarantees (mode 0600,
 * complete or absent).
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CliError, main, parseInvocation } from '../../../bin/tenant';
import {
  PROGRESS_EVERY_USERS,
  csvCell,
  csvHeader,
  csvLine,
  exportMembers,
  fileOutput,
  jsonlLine,
  memberRecord,
} from '../../../bin/tenant/export';
import type { ExportCounts, ExportOutput } from '../../../bin/tenant/export';
import { mapStreamRecords } from '../../../lambdas/events/change-events';
import type { JsonObject } from '../../../lambdas/scim/json';
import type { ScimResource } from '../../../lambdas/scim/resource';
import { fromItem, toItem } from '../../../lambdas/store/items';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';
const TENANT = 'acme';
const userId = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const body = (attributes: JsonObject = {}): JsonObject => ({
  schemas: [CORE, PROFILE],
  externalId: 'ext-1',
  userName: 'jane@example.com',
  name: { givenName: 'Jane', familyName: 'Doe' },
  emails: [{ value: 'jane@example.com', type: 'work', primary: true }],
  [PROFILE]: { managementLevel: 'Director', businessUnit: 'Sales, EMEA' },
  ...attributes,
});

const itemOf = (n: number, attributes: JsonObject = {}, version = 3) =>
  toItem(TENANT, 'User', userId(n), body(attributes), {
    version,
    created: '2026-01-01T00:00:00.000Z',
    lastModified: '2026-01-02T00:00:00.000Z',
  });
const stored = (n: number, attributes: JsonObject = {}): ScimResource => fromItem(itemOf(n, attributes));

/** A minimal RFC 4180 reader: the test's own, so the writer is checked against the rule, not itself. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) throw new Error('the last row does not end with CRLF');
  return rows;
};

describe('memberRecord', () => {
  it('carries the same identity, version and profile as the user event of the same item', () => {
    const item = itemOf(1, { title: 'VP' });
    const [event] = mapStreamRecords([
      {
        eventName: 'INSERT',
        dynamodb: {
          Keys: marshall({ pk: item.pk, sk: item.sk }),
          NewImage: marshall({ ...item }),
          SequenceNumber: '1',
          ApproximateCreationDateTime: 1_767_225_600,
        },
      },
    ]).events;
    const record = memberRecord(TENANT, fromItem(item));
    expect(event?.detail).toMatchObject({
      tenantId: record.tenantId,
      id: record.id,
      externalId: record.externalId,
      userName: record.userName,
      version: record.version,
      time: record.time,
    });
    expect(record.profile).toEqual(event?.detail.profile?.after);
    expect(record).toMatchObject({ version: 3, time: '2026-01-02T00:00:00.000Z', externalId: 'ext-1' });
  });

  it('has null identity fields the user lacks', () => {
    const record = memberRecord(TENANT, stored(2, { externalId: undefined, userName: 7 }));
    expect(record.externalId).toBeNull();
    expect(record.userName).toBeNull();
  });
});

describe('jsonlLine', () => {
  it('is one line of JSON with every profile field present (absent as null)', () => {
    const line = jsonlLine(memberRecord(TENANT, stored(1, { name: { givenName: 'Jane\nMary' } })));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    const parsed = JSON.parse(line) as { profile: { profile: Record<string, unknown> } };
    expect(parsed.profile.profile.firstName).toBe('Jane\nMary');
    expect(parsed.profile.profile).toHaveProperty('lastName', null);
    expect(parsed.profile.profile).toHaveProperty('jobTitle', null);
  });
});

describe('csvCell', () => {
  it.each<[string, string | number | boolean | null | undefined, string]>([
    ['plain text as is', 'Jane', 'Jane'],
    ['an empty string', '', ''],
    ['null and undefined as empty', null, ''],
    ['undefined', undefined, ''],
    ['numbers unguarded', -3, '-3'],
    ['booleans', false, 'false'],
    ['a comma quoted', 'Sales, EMEA', '"Sales, EMEA"'],
    ['quotes doubled', 'the "A" team', '"the ""A"" team"'],
    ['a line feed quoted', 'a\nb', '"a\nb"'],
    ['a carriage return guarded and quoted', '\rx', `"'\rx"`],
    ['= guarded', '=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+ guarded', '+33 1 23', "'+33 1 23"],
    ['- guarded', '-2+3', "'-2+3"],
    ['@ guarded', '@SUM(A1)', "'@SUM(A1)"],
    ['a tab start guarded', '\t=1', "'\t=1"],
    ['a formula sign later is text', 'a=b', 'a=b'],
    ['non-ASCII kept', 'Zoë 山田', 'Zoë 山田'],
  ])('%s', (_case, value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe('CSV', () => {
  it('has a BOM, a header, and rows of as many cells, read back to the values by an RFC 4180 reader', () => {
    const tricky = stored(1, {
      name: { givenName: '=cmd|"/c calc"!A1', familyName: 'O"Neil,\r\nJr' },
      title: 'Head of "Sales"',
      active: false,
    });
    const text = csvHeader() + csvLine(memberRecord(TENANT, tricky));
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, row, ...rest] = parseCsv(text.slice(1));
    expect(rest).toEqual([]);
    expect(header?.slice(0, 8)).toEqual([
      'tenantId',
      'id',
      'externalId',
      'userName',
      'version',
      'lastModified',
      'firstName',
      'lastName',
    ]);
    expect(row).toHaveLength(header?.length ?? -1);
    const cell = (name: string) => row?.[header?.indexOf(name) ?? -1];
    expect(cell('id')).toBe(userId(1));
    expect(cell('version')).toBe('3');
    expect(cell('firstName')).toBe(`'=cmd|"/c calc"!A1`);
    expect(cell('lastName')).toBe('O"Neil,\r\nJr');
    expect(cell('jobTitle')).toBe('Head of "Sales"');
    expect(cell('businessUnit')).toBe('Sales, EMEA');
    expect(cell('roleSegment')).toBe('Director');
    expect(cell('active')).toBe('false');
    expect(cell('locale')).toBe('en-US');
    expect(cell('missingRequired')).toBe('');
    expect(cell('missingRecommended')).toBe('jobFunction;peopleManager;managerEmail');
  });

  it('lists the warnings as field:code', () => {
    const odd = stored(1, { [PROFILE]: { managementLevel: 'Wizard' } });
    const [header, row] = parseCsv(csvHeader().slice(1) + csvLine(memberRecord(TENANT, odd)));
    expect(row?.[header?.indexOf('warnings') ?? -1]).toBe('managementLevel:unrecognisedRole');
    expect(row?.[header?.indexOf('roleRecognised') ?? -1]).toBe('false');
  });
});

/** An output in memory that records, in order, what happened to it. */
const memoryOutput = () => {
  const log: string[] = [];
  const output: ExportOutput = {
    write: (text) => {
      log.push(`write:${text}`);
      return Promise.resolve();
    },
    finish: () => {
      log.push('finish');
      return Promise.resolve();
    },
    abandon: () => {
      log.push('abandon');
      return Promise.resolve();
    },
  };
  return { log, output };
};

/** Pages of users (every third one inactive) that log when each is pulled. */
async function* pagesOf(sizes: readonly number[], log: string[]): AsyncGenerator<ScimResource[]> {
  let n = 0;
  for (const [index, size] of sizes.entries()) {
    await Promise.resolve(); // a page arrives later, as a Query answer does
    log.push(`page:${index}`);
    yield Array.from({ length: size }, () => {
      n += 1;
      return stored(n, { active: n % 3 !== 0, userName: `user${n}@example.com` });
    });
  }
}

describe('exportMembers', () => {
  it('writes each page before reading the next, then finishes', async () => {
    const { log, output } = memoryOutput();
    const counts = await exportMembers(
      TENANT,
      pagesOf([2, 1], log),
      { format: 'jsonl', activeOnly: false },
      output,
      () => undefined,
    );
    expect(counts).toEqual({ read: 3, written: 3 });
    expect(log.map((entry) => entry.split(':')[0])).toEqual(['page', 'write', 'page', 'write', 'finish']);
    const lines = log.filter((entry) => entry.startsWith('write:')).join('');
    expect(lines.match(/\n/g)).toHaveLength(3);
  });

  it('--active-only leaves the inactive users out (absent active counts as active)', async () => {
    const { log, output } = memoryOutput();
    const counts = await exportMembers(
      TENANT,
      pagesOf([6], log),
      { format: 'jsonl', activeOnly: true },
      output,
      () => undefined,
    );
    expect(counts).toEqual({ read: 6, written: 4 });
    const written = log
      .filter((entry) => entry.startsWith('write:'))
      .join('')
      .slice('write:'.length)
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { userName: string }).userName);
    expect(written).toEqual([
      'user1@example.com',
      'user2@example.com',
      'user4@example.com',
      'user5@example.com',
    ]);
  });

  it('csv: the header once, then a row per user', async () => {
    const { log, output } = memoryOutput();
    await exportMembers(
      TENANT,
      pagesOf([2, 2], log),
      { format: 'csv', activeOnly: false },
      output,
      () => undefined,
    );
    const rows = parseCsv(
      log
        .filter((entry) => entry.startsWith('write:'))
        .map((entry) => entry.slice('write:'.length))
        .join('')
        .slice(1),
    );
    expect(rows).toHaveLength(5);
    expect(rows[0]?.[0]).toBe('tenantId');
  });

  it(`reports progress each time another ${PROGRESS_EVERY_USERS} users were read`, async () => {
    const progress: ExportCounts[] = [];
    const { output } = memoryOutput();
    await exportMembers(
      TENANT,
      pagesOf([500, 400, 300, 900, 10], []),
      { format: 'jsonl', activeOnly: false },
      output,
      (counts) => progress.push(counts),
    );
    expect(progress.map((counts) => counts.read)).toEqual([1200, 2100]);
  });

  it('abandons the output when a page cannot be read, and rethrows', async () => {
    const { log, output } = memoryOutput();
    async function* failing(): AsyncGenerator<ScimResource[]> {
      yield [stored(1)];
      await Promise.resolve();
      throw new Error('throttled');
    }
    await expect(
      exportMembers(TENANT, failing(), { format: 'jsonl', activeOnly: false }, output, () => undefined),
    ).rejects.toThrow('throttled');
    expect(log.map((entry) => entry.split(':')[0])).toEqual(['write', 'abandon']);
  });
});

describe('fileOutput', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'scim-export-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('appears only when finished, with mode 0600, replacing an older file', async () => {
    const path = join(directory, 'users.jsonl');
    await writeFile(path, 'old', { mode: 0o644 });
    const output = await fileOutput(path);
    await output.write('a\n');
    await output.write('é\n');
    expect(await readFile(path, 'utf8')).toBe('old');
    await output.finish();
    expect(await readFile(path, 'utf8')).toBe('a\né\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readdir(directory)).toEqual(['users.jsonl']);
  });

  it('leaves nothing when abandoned', async () => {
    const path = join(directory, 'users.csv');
    const output = await fileOutput(path);
    await output.write('partial');
    await output.abandon();
    expect(await readdir(directory)).toEqual([]);
  });
});

describe('parseInvocation: export', () => {
  it.each<[readonly string[], object]>([
    [['export', 'acme'], { name: 'export', tenantId: 'acme', format: 'jsonl', activeOnly: false }],
    [
      ['export', 'acme', '--format', 'csv', '--active-only', '--out', 'acme.csv'],
      { name: 'export', tenantId: 'acme', format: 'csv', activeOnly: true, out: 'acme.csv' },
    ],
  ])('%j', (argv, command) => {
    expect(parseInvocation(argv).command).toEqual(command);
  });

  it.each<[readonly string[], string]>([
    [['export'], 'needs a tenant id'],
    [['export', 'acme', '--format', 'xlsx'], '--format must be jsonl or csv'],
    [['export', 'acme', '--out', ' '], '--out needs a file name'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseInvocation(argv)).toThrow(CliError);
    expect(() => parseInvocation(argv)).toThrow(message);
  });
});

describe('main: export', () => {
  it('--stage without a table is a usage error (exit 2) before any AWS call', async () => {
    const errors: string[] = [];
    const error = jest
      .spyOn(console, 'error')
      .mockImplementation((line: unknown) => errors.push(String(line)));
    try {
      expect(await main(['export', 'acme', '--stage', 'prod'], {})).toBe(2);
    } finally {
      error.mockRestore();
    }
    expect(errors).toEqual(['--stage export needs --table (stack output TableName) or TABLE_NAME.']);
  });
});
