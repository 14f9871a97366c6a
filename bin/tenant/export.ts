/**
 * `tenant export`: every user of a tenant as the platform's initial load, in the shape the change events
 * carry (docs/events.md, "Initial load"), written page by page as the table answers so that a tenant of
 * any size never sits in memory. The formatting is pure; the outputs are stdout or a file that appears
 * complete, with mode 0600, or not at all.
 */
import { open, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { wireJson } from '../../lambdas/events/change-events';
import { isJsonObject } from '../../lambdas/scim/json';
import type { JsonObject } from '../../lambdas/scim/json';
import { normaliseProfile } from '../../lambdas/scim/profile';
import type { NormalisedProfile } from '../../lambdas/scim/profile';
import type { ScimResource } from '../../lambdas/scim/resource';
import { parseVersion } from '../../lambdas/store/items';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A progress line on stderr each time this many more users have been read. */
export const PROGRESS_EVERY_USERS = 1_000;

/**
 * One user as the platform loads it: the identity fields of a user event's `detail` and the same
 * normalised profile as the event's `profile.after`, so the load and the events that follow agree.
 */
export interface MemberRecord {
  readonly tenantId: string;
  readonly id: string;
  readonly externalId: string | null;
  readonly userName: string | null;
  /** The resource version: events with a version at most this one are already in the load. */
  readonly version: number | null;
  /** The user's lastModified. */
  readonly time: string | null;
  readonly profile: NormalisedProfile;
}

const textOf = (object: JsonObject, name: string): string | null => {
  const value = object[name];
  return typeof value === 'string' ? value : null;
};

/** Pure: a stored user -> its record. The profile is built as the events build it (no manager lookup). */
export const memberRecord = (tenantId: string, user: ScimResource): MemberRecord => {
  const meta = isJsonObject(user.meta) ? user.meta : {};
  const version = textOf(meta, 'version');
  return {
    tenantId,
    id: user.id,
    externalId: textOf(user, 'externalId'),
    userName: textOf(user, 'userName'),
    version: version === null ? null : (parseVersion(version) ?? null),
    time: textOf(meta, 'lastModified'),
    profile: normaliseProfile(user),
  };
};

// ---- JSON Lines --------------------------------------------------------------------------------------

/** One line of JSON; absent profile values are null, as in the events. */
export const jsonlLine = (record: MemberRecord): string => `${wireJson(record)}\n`;

// ---- CSV ---------------------------------------------------------------------------------------------

type CsvValue = string | number | boolean | null | undefined;

const listCell = (values: readonly string[]): string => values.join(';');

/** The columns, in order: identity, the profile fields (docs/product.md order), then completeness. */
const CSV_COLUMNS: readonly (readonly [header: string, value: (record: MemberRecord) => CsvValue])[] = [
  ['tenantId', (r) => r.tenantId],
  ['id', (r) => r.id],
  ['externalId', (r) => r.externalId],
  ['userName', (r) => r.userName],
  ['version', (r) => r.version],
  ['lastModified', (r) => r.time],
  ['firstName', (r) => r.profile.profile.firstName],
  ['lastName', (r) => r.profile.profile.lastName],
  ['email', (r) => r.profile.profile.email],
  ['roleSegment', (r) => r.profile.profile.role.segment],
  ['managementLevel', (r) => r.profile.profile.role.raw],
  ['roleRecognised', (r) => r.profile.profile.role.recognised],
  ['jobTitle', (r) => r.profile.profile.jobTitle],
  ['businessUnit', (r) => r.profile.profile.businessUnit],
  ['jobFunction', (r) => r.profile.profile.jobFunction],
  ['peopleManager', (r) => r.profile.profile.peopleManager],
  ['managerEmail', (r) => r.profile.profile.managerEmail],
  ['city', (r) => r.profile.profile.location.city],
  ['country', (r) => r.profile.profile.location.country],
  ['office', (r) => r.profile.profile.location.office],
  ['locale', (r) => r.profile.profile.locale],
  ['active', (r) => r.profile.profile.active],
  ['missingRequired', (r) => listCell(r.profile.completeness.missingRequired)],
  ['missingRecommended', (r) => listCell(r.profile.completeness.missingRecommended)],
  ['missingOptional', (r) => listCell(r.profile.completeness.missingOptional)],
  [
    'warnings',
    (r) => listCell(r.profile.completeness.warnings.map((warning) => `${warning.field}:${warning.code}`)),
  ],
];

/**
 * A spreadsheet runs a cell that starts with one of these as a formula (CSV injection): such a text
 * value gets a leading apostrophe, which Excel and LibreOffice show as text and do not display.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** RFC 4180: quoted when it holds a quote, a comma or a line break; quotes doubled. */
export const csvCell = (value: CsvValue): string => {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

const csvRow = (cells: readonly CsvValue[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/**
 * The header line. It starts with a UTF-8 byte order mark: without it Excel reads the file as the
 * system's code page and garbles every accent (fr-CA, es-ES) and every Korean or Japanese name.
 */
export const csvHeader = (): string => `\uFEFF${csvRow(CSV_COLUMNS.map(([header]) => header))}`;

export const csvLine = (record: MemberRecord): string =>
  csvRow(CSV_COLUMNS.map(([, value]) => value(record)));

// ---- The export --------------------------------------------------------------------------------------

/** Where the export goes: stdout, or a file. */
export interface ExportOutput {
  write(text: string): Promise<void>;
  /** Everything is written: the file takes its name. */
  finish(): Promise<void>;
  /** The export failed: nothing is left under the file's name. */
  abandon(): Promise<void>;
}

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly activeOnly: boolean;
}

export interface ExportCounts {
  /** Users read from the table. */
  readonly read: number;
  /** Users written (read, less the inactive ones with activeOnly). */
  readonly written: number;
}

/**
 * Writes each page as it arrives (a page is one Query of the tenant's users) and reports progress every
 * PROGRESS_EVERY_USERS users read. The output is finished only after the last page, abandoned on a failure.
 */
export async function exportMembers(
  tenantId: string,
  pages: AsyncIterable<readonly ScimResource[]>,
  options: ExportOptions,
  output: ExportOutput,
  progress: (counts: ExportCounts) => void,
): Promise<ExportCounts> {
  const line = options.format === 'csv' ? csvLine : jsonlLine;
  let read = 0;
  let written = 0;
  try {
    if (options.format === 'csv') await output.write(csvHeader());
    for await (const page of pages) {
      const records = page
        .map((user) => memberRecord(tenantId, user))
        .filter((record) => !options.activeOnly || record.profile.profile.active);
      if (records.length > 0) await output.write(records.map(line).join(''));
      const before = Math.floor(read / PROGRESS_EVERY_USERS);
      read += page.length;
      written += records.length;
      if (Math.floor(read / PROGRESS_EVERY_USERS) > before) progress({ read, written });
    }
    await output.finish();
  } catch (error) {
    // The first failure is the one to report: a failing clean-up must not hide it.
    await output.abandon().catch(() => undefined);
    throw error;
  }
  return { read, written };
}

/** stdout (or any stream): each write waits until the stream took it, so a slow reader slows the reads. */
export const streamOutput = (stream: NodeJS.WritableStream): ExportOutput => ({
  write: (text) =>
    new Promise<void>((resolve, reject) => {
      stream.write(text, (error) => (error ? reject(error) : resolve()));
    }),
  finish: () => Promise.resolve(),
  abandon: () => Promise.resolve(),
});

const writeAll = async (handle: FileHandle, text: string): Promise<void> => {
  const bytes = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset);
    offset += bytesWritten;
  }
};

/**
 * A file readable by its owner only (personal data): written under a hidden name beside it, created
 * with mode 0600, and renamed to `path` when complete, so a failed export leaves no partial file and a
 * reader never sees half of one. An existing file at `path` is replaced.
 */
export const fileOutput = async (path: string): Promise<ExportOutput> => {
  const partial = join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
  const handle = await open(partial, 'wx', 0o600);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await handle.close();
  };
  return {
    write: (text) => writeAll(handle, text),
    finish: async () => {
      await handle.sync();
      await close();
      await rename(partial, path);
    },
    abandon: async () => {
      await close();
      await unlink(partial);
    },
  };
};
