/**
 * The tenant CLI: `npm run tenant -- <command> [options]`.
 *
 *   create <tenantId> [--name NAME] [--base-url URL] [--print-token]
 *                                               new tenant: its (empty) token record, the metadata item and a
 *                                               setup link; prints the Tenant URL and the setup link, whose
 *                                               page mints the token when the admin reveals it. --print-token:
 *                                               a token now, printed once (the old way), and no link
 *   setup-link <tenantId> [--expires-days N]     a new setup link (default 7 days); the older ones end
 *   setup-link <tenantId> --revoke               ends every setup link of the tenant
 *   rotate <tenantId> [--grace-hours N]         new token; the old ones expire after N hours (default 24)
 *   revoke <tenantId> (--token-id ID | --all)   removes one token, or every token
 *   list                                        tenant ids, token ids, created, expiry (never hashes);
 *                                               setup links: created, expiry, revealed or not (never codes)
 *   report <tenantId> [--json]                  per profile field, how many active users lack it; users
 *                                               missing required fields, by id; attribute names requests
 *                                               gave that no schema defines (mappings that go nowhere)
 *   export <tenantId> [--format jsonl|csv] [--active-only] [--out FILE]
 *                                               every user's normalised profile (the platform's initial
 *                                               load, bin/tenant/export.ts), streamed page by page to
 *                                               stdout or FILE (mode 0600); progress on stderr
 *   rekey <tenantId>                            rewrites lookup items keyed before match keys, once after
 *                                               upgrading (docs/data-model.md, "Migration"); reports users
 *                                               or groups whose names now clash, by id
 *
 * Targets:
 *   --local (default)  tokens in <data dir>/tenants/*.json (the local server's file token store; the data
 *                      dir is --data-dir, else SCIM_DATA_DIR, else .data); DynamoDB at --endpoint, else
 *                      DYNAMODB_ENDPOINT, else the `endpoint` written by the local server to
 *                      <data dir>/endpoint.json; table --table, else TABLE_NAME, else endpoint.json's
 *                      `tableName`, else "scim-local". Base URL --base-url, else http://localhost:$PORT,
 *                      else the `port` in endpoint.json, else http://localhost:8080. endpoint.json can be
 *                      stale (a server killed without a clean stop): when its table does not answer,
 *                      `create` still issues the token and warns that the metadata item was not written.
 *   --stage <name>     tokens in Secrets Manager under --secret-prefix, else TENANT_SECRET_PREFIX, else
 *                      scim/<stage>/tenants/ (the stack's default); table --table or TABLE_NAME; base URL
 *                      --base-url or SCIM_API_URL. Take them from the stack outputs (TenantSecretPrefix,
 *                      TableName, ApiUrl): aws cloudformation describe-stacks --stack-name ServerlessScim-<stage>.
 *                      Credentials and region come from the usual AWS environment.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { FileTokenStore, tokenDirectory } from '../lambdas/auth/file-token-store';
import { SecretsManagerTokenStore } from '../lambdas/auth/secrets-manager-token-store';
import { createSecretsManagerClient } from '../lambdas/auth/token-store-factory';
import { TenantExistsError, TokenRecordConflictError, UnknownTenantError } from '../lambdas/auth/token-store';
import type { TokenRecordChange, WritableTokenStore } from '../lambdas/auth/token-store';
import {
  UnknownTokenIdError,
  isTokenActive,
  isValidTenantId,
  newTenantRecord,
  revokeTokens,
  rotateTokens,
} from '../lambdas/auth/tokens';
import type { TenantTokenRecord } from '../lambdas/auth/tokens';
import { TENANT_SCIM_PATH } from '../lambdas/paths';
import { PROFILE_FIELDS, buildProfileReport } from '../lambdas/scim/profile';
import type { ProfileReport } from '../lambdas/scim/profile';
import type { ScimResource } from '../lambdas/scim/resource';
import { localDocumentClient } from '../lambdas/store/dynamodb-local';
import { DynamoDbScimRepository } from '../lambdas/store/dynamodb-repository';
import type { ScimRepository, UserPages } from '../lambdas/store/repository';
import { DynamoDbSetupLinks } from '../lambdas/store/setup-links';
import { rekeyLookups } from '../lambdas/store/rekey-lookups';
import { DynamoDbTenantActivity } from '../lambdas/store/tenant-status-reader';
import type { RekeyReport } from '../lambdas/store/rekey-lookups';
import {
  DEFAULT_LINK_EXPIRY_DAYS,
  MAX_LINK_EXPIRY_DAYS,
  newSetupLink,
  setupLinkState,
  setupLinkUrl,
} from '../lambdas/setup/links';
import type { SetupLink } from '../lambdas/setup/links';
import { EXPORT_FORMATS, exportMembers, fileOutput, streamOutput } from './tenant/export';
import type { ExportCounts, ExportFormat, ExportOutput } from './tenant/export';

export const DEFAULT_GRACE_HOURS = 24;
/** The local server's default port (bin/local.ts, PORT). */
export const DEFAULT_LOCAL_PORT = 8080;
export const DEFAULT_LOCAL_TABLE = 'scim-local';

/** A mistake of the operator: printed without a stack trace, exit code 2. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

// ---- Arguments ---------------------------------------------------------------------------------------

export type Command =
  | {
      readonly name: 'create';
      readonly tenantId: string;
      readonly displayName?: string;
      readonly printToken: boolean;
    }
  | {
      readonly name: 'setup-link';
      readonly tenantId: string;
      readonly action: { readonly expiresInDays: number } | { readonly revoke: true };
    }
  | { readonly name: 'rotate'; readonly tenantId: string; readonly graceHours: number }
  | {
      readonly name: 'revoke';
      readonly tenantId: string;
      readonly which: { readonly tokenId: string } | { readonly all: true };
    }
  | { readonly name: 'list' }
  | { readonly name: 'report'; readonly tenantId: string; readonly json: boolean }
  | { readonly name: 'rekey'; readonly tenantId: string }
  | {
      readonly name: 'export';
      readonly tenantId: string;
      readonly format: ExportFormat;
      readonly activeOnly: boolean;
      /** Absent: stdout. */
      readonly out?: string;
    }
  | { readonly name: 'help' };

export type Target =
  | {
      readonly kind: 'local';
      readonly dataDir: string;
      readonly endpoint?: string;
      readonly table?: string;
      /** --base-url or http://localhost:$PORT; else depsFor takes the port from endpoint.json. */
      readonly baseUrl?: string;
    }
  | {
      readonly kind: 'stage';
      readonly stage: string;
      readonly secretPrefix: string;
      readonly table?: string;
      readonly baseUrl?: string;
    };

export interface Invocation {
  readonly command: Command;
  readonly target: Target;
}

export const USAGE = `Usage: npm run tenant -- <command> [options]

Commands:
  create <tenantId> [--name NAME] [--print-token]
                                             create a tenant; prints its Tenant URL and a setup link
                                             (--print-token: a Secret Token now, printed once, no link)
  setup-link <tenantId> [--expires-days N]   a new setup link (default 7 days); older links end
  setup-link <tenantId> --revoke             end every setup link of the tenant
  rotate <tenantId> [--grace-hours N]        issue a new token; older tokens expire after N hours (24)
  revoke <tenantId> (--token-id ID | --all)  revoke one token or all of them
  list                                       tenants, their tokens and setup links (never codes)
  report <tenantId> [--json]                 profile completeness of the tenant's active users, and
                                             mappings that go nowhere (attributes we do not define)
  export <tenantId> [--format jsonl|csv] [--active-only] [--out FILE]
                                             every user's normalised profile (the platform's initial
                                             load) to stdout or FILE (mode 0600); progress on stderr
  rekey <tenantId>                           rewrite lookup items keyed before match keys (once, after
                                             upgrading); lists names that now clash, by id

Targets (default --local):
  --local [--data-dir DIR] [--endpoint URL] [--table NAME]
  --stage NAME [--secret-prefix PREFIX] [--table NAME] [--base-url URL]
    (or TENANT_SECRET_PREFIX, TABLE_NAME, SCIM_API_URL from the stack outputs)

Tenant ids: 2-63 characters of a-z, 0-9 and '-', not starting with '-'.`;

const requireTenantId = (value: string | undefined, command: string): string => {
  if (value === undefined) throw new CliError(`${command} needs a tenant id.\n\n${USAGE}`);
  if (!isValidTenantId(value)) {
    throw new CliError(
      `"${value}" is not a valid tenant id: use 2-63 characters of a-z, 0-9 and '-', not starting with '-'.`,
    );
  }
  return value;
};

const parseGraceHours = (value: string | undefined): number => {
  if (value === undefined) return DEFAULT_GRACE_HOURS;
  const hours = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(hours) || hours > 24 * 365) {
    throw new CliError(`--grace-hours must be a number of hours between 0 and 8760, not "${value}".`);
  }
  return hours;
};

const parseExpiryDays = (value: string | undefined): number => {
  if (value === undefined) return DEFAULT_LINK_EXPIRY_DAYS;
  const days = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !(days > 0) || days > MAX_LINK_EXPIRY_DAYS) {
    throw new CliError(
      `--expires-days must be a number of days above 0 and up to ${MAX_LINK_EXPIRY_DAYS}, not "${value}".`,
    );
  }
  return days;
};

const parseExportFormat = (value: string | undefined): ExportFormat => {
  if (value === undefined) return 'jsonl';
  const format = EXPORT_FORMATS.find((candidate) => candidate === value);
  if (format === undefined) throw new CliError(`--format must be jsonl or csv, not "${value}".`);
  return format;
};

/** A company name for the setup page: printable, one line, at most 100 characters. */
const parseDisplayName = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  const name = value.trim();
  if (name === '' || name.length > 100 || /[\p{Cc}]/u.test(name)) {
    throw new CliError('--name must be 1-100 printable characters on one line.');
  }
  return name;
};

const parseHttpUrl = (value: string, option: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`${option} must be an http(s) URL, not "${value}".`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`${option} must be an http(s) URL, not "${value}".`);
  }
  return value;
};

/** Pure: argv (without node and the script) and the environment -> what to do and where. */
const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

export function parseInvocation(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        local: { type: 'boolean' },
        stage: { type: 'string' },
        'data-dir': { type: 'string' },
        endpoint: { type: 'string' },
        table: { type: 'string' },
        'secret-prefix': { type: 'string' },
        'base-url': { type: 'string' },
        'grace-hours': { type: 'string' },
        'token-id': { type: 'string' },
        all: { type: 'boolean' },
        name: { type: 'string' },
        'print-token': { type: 'boolean' },
        'expires-days': { type: 'string' },
        revoke: { type: 'boolean' },
        json: { type: 'boolean' },
        format: { type: 'string' },
        'active-only': { type: 'boolean' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new CliError(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const [name, tenantArgument, ...extra] = positionals;
  if (extra.length > 0) throw new CliError(`Unexpected arguments: ${extra.join(' ')}\n\n${USAGE}`);

  if (values.local === true && values.stage !== undefined) {
    throw new CliError('Use either --local or --stage, not both.');
  }
  const baseUrl = values['base-url'] ?? (values.stage === undefined ? undefined : env.SCIM_API_URL);
  if (baseUrl !== undefined) parseHttpUrl(baseUrl, '--base-url');
  if (values.endpoint !== undefined) parseHttpUrl(values.endpoint, '--endpoint');
  const table = values.table ?? env.TABLE_NAME;

  let target: Target;
  if (values.stage !== undefined) {
    if (!/^[a-z0-9-]{1,32}$/.test(values.stage)) throw new CliError(`"${values.stage}" is not a stage name.`);
    target = {
      kind: 'stage',
      stage: values.stage,
      // The stack output TenantSecretPrefix says TENANT_SECRET_PREFIX: a stage with a custom prefix must
      // not get its tokens written where the Lambdas never look.
      secretPrefix:
        values['secret-prefix'] ?? nonEmpty(env.TENANT_SECRET_PREFIX) ?? `scim/${values.stage}/tenants/`,
      ...(table !== undefined ? { table } : {}),
      ...(baseUrl !== undefined ? { baseUrl } : {}),
    };
  } else {
    const endpoint = values.endpoint ?? env.DYNAMODB_ENDPOINT;
    target = {
      kind: 'local',
      dataDir: values['data-dir'] ?? env.SCIM_DATA_DIR ?? '.data',
      ...(endpoint !== undefined ? { endpoint } : {}),
      ...(table !== undefined ? { table } : {}),
      ...(baseUrl !== undefined
        ? { baseUrl }
        : env.PORT !== undefined && env.PORT !== ''
          ? { baseUrl: `http://localhost:${env.PORT}` }
          : {}),
    };
  }

  if (values.help === true || name === undefined || name === 'help')
    return { command: { name: 'help' }, target };
  switch (name) {
    case 'create': {
      const displayName = parseDisplayName(values.name);
      return {
        command: {
          name,
          tenantId: requireTenantId(tenantArgument, name),
          ...(displayName !== undefined ? { displayName } : {}),
          printToken: values['print-token'] === true,
        },
        target,
      };
    }
    case 'setup-link': {
      const tenantId = requireTenantId(tenantArgument, name);
      if (values.revoke === true && values['expires-days'] !== undefined) {
        throw new CliError('setup-link takes either --expires-days or --revoke, not both.');
      }
      return {
        command: {
          name,
          tenantId,
          action:
            values.revoke === true
              ? { revoke: true }
              : { expiresInDays: parseExpiryDays(values['expires-days']) },
        },
        target,
      };
    }
    case 'rotate':
      return {
        command: {
          name,
          tenantId: requireTenantId(tenantArgument, name),
          graceHours: parseGraceHours(values['grace-hours']),
        },
        target,
      };
    case 'revoke': {
      const tenantId = requireTenantId(tenantArgument, name);
      const tokenId = values['token-id'];
      if ((tokenId === undefined) === (values.all !== true)) {
        throw new CliError('revoke needs exactly one of --token-id ID or --all.');
      }
      return {
        command: { name, tenantId, which: tokenId === undefined ? { all: true } : { tokenId } },
        target,
      };
    }
    case 'list':
      if (tenantArgument !== undefined) throw new CliError('list takes no tenant id.');
      return { command: { name }, target };
    case 'report':
      return {
        command: { name, tenantId: requireTenantId(tenantArgument, name), json: values.json === true },
        target,
      };
    case 'rekey':
      return { command: { name, tenantId: requireTenantId(tenantArgument, name) }, target };
    case 'export': {
      const tenantId = requireTenantId(tenantArgument, name);
      const out = values.out;
      if (out !== undefined && out.trim() === '') throw new CliError('--out needs a file name.');
      return {
        command: {
          name,
          tenantId,
          format: parseExportFormat(values.format),
          activeOnly: values['active-only'] === true,
          ...(out !== undefined ? { out } : {}),
        },
        target,
      };
    }
    default:
      throw new CliError(`Unknown command "${name}".\n\n${USAGE}`);
  }
}

// ---- Commands ----------------------------------------------------------------------------------------

/** What the commands need from the tenant table. */
export type TenantDirectory = Pick<ScimRepository, 'putTenant'> & UserPages;

/** What the commands need of the setup links (lambdas/store/setup-links.ts). */
export type SetupLinkStore = Pick<DynamoDbSetupLinks, 'issue' | 'revokeAll' | 'list'>;

export interface CliDeps {
  readonly tokenStore: WritableTokenStore;
  /** The tenant table; absent when no DynamoDB is reachable for the local target. */
  readonly tenants?: TenantDirectory;
  /**
   * The local target: a table that does not answer (the local server is stopped and its endpoint.json
   * is stale) only costs the metadata item, with a warning; the token is issued anyway.
   */
  readonly tenantsBestEffort?: boolean;
  /** The setup links, in the tenant table; absent when no DynamoDB is reachable for the local target. */
  readonly setupLinks?: SetupLinkStore;
  /** Rewrites the tenant's older lookup keys (lambdas/store/rekey-lookups.ts); absent without a table. */
  readonly rekey?: (tenantId: string) => Promise<RekeyReport>;
  /** The attribute names requests gave that no schema defines (the status item); absent without a table. */
  readonly ignoredAttributes?: (tenantId: string) => Promise<string[]>;
  /** The API's base URL, e.g. https://scim.example.com (a trailing slash is ignored). */
  readonly apiBaseUrl?: string;
  readonly now: () => Date;
  readonly print: (line: string) => void;
  /** stderr: warnings and progress (stdout may carry an export). */
  readonly warn: (line: string) => void;
  /** Where `export` writes: stdout when `out` is absent. Default: streamOutput / fileOutput. */
  readonly openOutput?: (out: string | undefined) => Promise<ExportOutput>;
}

export function tenantUrl(apiBaseUrl: string, tenantId: string): string {
  return TENANT_SCIM_PATH.build({ tenantId }, apiBaseUrl);
}

async function existingRecord(deps: CliDeps, tenantId: string): Promise<TenantTokenRecord> {
  const record = await deps.tokenStore.getTenantTokens(tenantId);
  if (record === undefined) throw new CliError(`Tenant ${tenantId} does not exist.`);
  return record;
}

/** The store's race-safe update, with the operator's errors for an unknown tenant or a lost race. */
async function changeRecord(
  deps: CliDeps,
  tenantId: string,
  change: TokenRecordChange,
): Promise<TenantTokenRecord> {
  try {
    return await deps.tokenStore.updateTenantTokens(tenantId, change);
  } catch (error) {
    if (error instanceof UnknownTenantError) throw new CliError(`Tenant ${tenantId} does not exist.`);
    if (error instanceof TokenRecordConflictError) throw new CliError(error.message);
    throw error;
  }
}

export interface CreatedTenant {
  readonly tenantUrl: string;
  /** The setup link (absent with --print-token). */
  readonly setupLink?: string;
  /** The token (only with --print-token). */
  readonly token?: string;
  readonly tokenId?: string;
}

const NO_METADATA =
  'the tenant metadata item was not written (start the local server, or pass --endpoint/--table).';

async function writeTenantMetadata(
  deps: CliDeps,
  tenantId: string,
  now: Date,
  displayName: string | undefined,
  bestEffort: boolean,
): Promise<void> {
  if (deps.tenants === undefined) {
    deps.warn(`No DynamoDB reachable: ${NO_METADATA}`);
    return;
  }
  try {
    await deps.tenants.putTenant({
      tenantId,
      createdAt: now.toISOString(),
      ...(displayName !== undefined ? { displayName } : {}),
    });
  } catch (error) {
    if (!bestEffort) throw error;
    const reason = error instanceof Error ? error.name : 'error';
    deps.warn(`The DynamoDB table did not answer (${reason}): ${NO_METADATA}`);
  }
}

const NEEDS_LINK_TABLE =
  'A setup link lives in the DynamoDB table: start the local server (npm start), or pass --endpoint/--table ' +
  '(--stage: --table), or use --print-token to print a token instead.';

function requireApiBaseUrl(deps: CliDeps): string {
  if (deps.apiBaseUrl === undefined) {
    throw new CliError('The Tenant URL needs the API base URL: pass --base-url (the stack output ApiUrl).');
  }
  return deps.apiBaseUrl;
}

/** Issues a setup link (ending the older ones) and prints it; the code is never kept. */
async function issueSetupLink(
  deps: CliDeps,
  setupLinks: SetupLinkStore,
  tenantId: string,
  expiresInDays: number,
): Promise<string> {
  const { link, code } = newSetupLink(tenantId, deps.now(), expiresInDays);
  const { ended } = await setupLinks.issue(link);
  const url = setupLinkUrl(requireApiBaseUrl(deps), code);
  deps.print(`Setup link:   ${url}`);
  deps.print(
    `It expires at ${link.expiresAt}${ended > 0 ? `; ${ended} older link(s) of ${tenantId} ended` : ''}. ` +
      "Send it to the customer's admin: the page shows the Tenant URL and reveals a new Secret Token once.",
  );
  return url;
}

export async function createTenant(
  deps: CliDeps,
  tenantId: string,
  options: { readonly displayName?: string; readonly printToken?: boolean } = {},
): Promise<CreatedTenant> {
  const apiBaseUrl = requireApiBaseUrl(deps);
  const printToken = options.printToken === true;
  if (!printToken && deps.setupLinks === undefined) throw new CliError(NEEDS_LINK_TABLE);
  if ((await deps.tokenStore.getTenantTokens(tenantId)) !== undefined) {
    throw new CliError(`Tenant ${tenantId} already exists. Use "rotate" to issue a new token.`);
  }
  const now = deps.now();
  // Metadata first: writing it again is harmless, while a token the operator never saw would be useless.
  // A setup link needs the table, so only --print-token may go on without it (the local target's stale
  // endpoint.json): otherwise nothing is written when the table does not answer.
  await writeTenantMetadata(
    deps,
    tenantId,
    now,
    options.displayName,
    printToken && deps.tenantsBestEffort === true,
  );

  // Without --print-token the record starts empty: the setup page mints the first token on reveal.
  const issued = printToken ? newTenantRecord(tenantId, now) : undefined;
  try {
    await deps.tokenStore.createTenantTokens(issued?.record ?? { tenantId, tokens: [] });
  } catch (error) {
    if (error instanceof TenantExistsError) throw new CliError(`Tenant ${tenantId} already exists.`);
    throw error;
  }
  const url = tenantUrl(apiBaseUrl, tenantId);
  deps.print(`Tenant ${tenantId} created.`);
  deps.print(`Tenant URL:   ${url}`);
  if (issued !== undefined) {
    const tokenId = issued.record.tokens[0]?.id ?? '';
    deps.print(`Secret Token: ${issued.token}`);
    deps.print(`Token id:     ${tokenId}`);
    deps.print(
      'The token is shown only now. A setup link is safer: npm run tenant -- setup-link ' + tenantId,
    );
    return { tenantUrl: url, token: issued.token, tokenId };
  }
  const setupLinks = deps.setupLinks;
  if (setupLinks === undefined) throw new CliError(NEEDS_LINK_TABLE);
  try {
    return {
      tenantUrl: url,
      setupLink: await issueSetupLink(deps, setupLinks, tenantId, DEFAULT_LINK_EXPIRY_DAYS),
    };
  } catch (error) {
    deps.warn(`The tenant exists but has no setup link yet: run npm run tenant -- setup-link ${tenantId}`);
    throw error;
  }
}

/** `setup-link`: a new link (the older ones end), or --revoke: no link left. */
export async function setupLinkCommand(
  deps: CliDeps,
  tenantId: string,
  action: { readonly expiresInDays: number } | { readonly revoke: true },
): Promise<string | undefined> {
  const setupLinks = deps.setupLinks;
  if (setupLinks === undefined)
    throw new CliError(NEEDS_LINK_TABLE.replace(', or use --print-token to print a token instead', ''));
  await existingRecord(deps, tenantId);
  if ('revoke' in action) {
    const { ended } = await setupLinks.revokeAll(tenantId);
    deps.print(
      `Ended ${ended} setup link(s) of ${tenantId}. Tokens already revealed keep working (see revoke).`,
    );
    return undefined;
  }
  return issueSetupLink(deps, setupLinks, tenantId, action.expiresInDays);
}

export interface RotatedTenant {
  readonly token: string;
  readonly tokenId: string;
  readonly record: TenantTokenRecord;
}

export async function rotateTenant(
  deps: CliDeps,
  tenantId: string,
  graceHours: number,
): Promise<RotatedTenant> {
  const now = deps.now();
  // The change may run more than once (compare-and-set): the token printed is the one of the stored run.
  let rotated: ReturnType<typeof rotateTokens> | undefined;
  const record = await changeRecord(deps, tenantId, (current) => {
    rotated = rotateTokens(current, now, graceHours);
    return rotated.record;
  });
  if (rotated === undefined) throw new Error('rotate stored a record without rotating it');
  deps.print(`New Secret Token for ${tenantId}: ${rotated.token}`);
  deps.print(`Token id: ${rotated.tokenId}`);
  deps.print(
    `Older tokens stop working at ${new Date(now.getTime() + graceHours * 3_600_000).toISOString()} ` +
      '(running Lambdas may accept a revoked token for up to SECRET_CACHE_TTL_SECONDS longer).',
  );
  return { token: rotated.token, tokenId: rotated.tokenId, record };
}

export async function revokeTenantTokens(
  deps: CliDeps,
  tenantId: string,
  which: { readonly tokenId: string } | { readonly all: true },
): Promise<TenantTokenRecord> {
  let record: TenantTokenRecord;
  try {
    record = await changeRecord(deps, tenantId, (current) =>
      revokeTokens(current, 'all' in which ? { all: true } : which),
    );
  } catch (error) {
    if (error instanceof UnknownTokenIdError) throw new CliError(error.message);
    throw error;
  }
  const active = record.tokens.filter((entry) => isTokenActive(entry, deps.now())).length;
  deps.print(
    `Revoked ${'all' in which ? 'every token' : which.tokenId} of ${tenantId}; ${active} active token(s) left. ` +
      'Running Lambdas may accept it for up to SECRET_CACHE_TTL_SECONDS (default 60 s).',
  );
  return record;
}

export interface TenantListing {
  readonly tenantId: string;
  readonly tokens: readonly { id: string; createdAt: string; expiresAt?: string; active: boolean }[];
  /** Absent when no table is reachable. */
  readonly setupLinks?: readonly {
    createdAt: string;
    expiresAt: string;
    state: ReturnType<typeof setupLinkState>;
    revealedAt?: string;
  }[];
}

const linkListing = (link: SetupLink, now: Date): NonNullable<TenantListing['setupLinks']>[number] => ({
  createdAt: link.createdAt,
  expiresAt: link.expiresAt,
  state: setupLinkState(link, now),
  ...(link.revealedAt !== undefined ? { revealedAt: link.revealedAt } : {}),
});

export async function listTenants(deps: CliDeps): Promise<TenantListing[]> {
  const now = deps.now();
  const listings: TenantListing[] = [];
  for (const tenantId of await deps.tokenStore.listTenantIds()) {
    const record = await deps.tokenStore.getTenantTokens(tenantId);
    // Only ids and dates: the hashes stay in the store.
    const tokens = (record?.tokens ?? []).map((entry) => ({
      id: entry.id,
      createdAt: entry.createdAt,
      ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}),
      active: isTokenActive(entry, now),
    }));
    const links = deps.setupLinks === undefined ? undefined : await deps.setupLinks.list(tenantId);
    listings.push({
      tenantId,
      tokens,
      ...(links !== undefined ? { setupLinks: links.map((link) => linkListing(link, now)) } : {}),
    });
  }
  if (listings.length === 0) deps.print('No tenants.');
  for (const listing of listings) {
    deps.print(`${listing.tenantId}${listing.tokens.length === 0 ? '  (no tokens)' : ''}`);
    for (const token of listing.tokens) {
      const expiry = token.expiresAt === undefined ? 'never expires' : `expires ${token.expiresAt}`;
      deps.print(`  ${token.id}  created ${token.createdAt}  ${expiry}${token.active ? '' : '  (expired)'}`);
    }
    for (const link of listing.setupLinks ?? []) {
      const state =
        link.revealedAt !== undefined
          ? `revealed ${link.revealedAt}`
          : link.state === 'expired'
            ? 'expired, not revealed'
            : 'not revealed';
      deps.print(`  setup link  created ${link.createdAt}  expires ${link.expiresAt}  ${state}`);
    }
  }
  return listings;
}

/** Pure: the tenant's users -> the completeness report (ids, field names and counts only). */
export const buildTenantReport = buildProfileReport;

/**
 * The report: profile completeness, and the attribute names requests gave that no schema defines
 * (recorded by the SCIM chain; names only, see lambdas/scim/normalise.ts#reportableName).
 */
export interface TenantReport extends ProfileReport {
  readonly ignoredAttributes: readonly string[];
}

/** Pure: the report as terminal lines. */
export function formatTenantReport(
  tenantId: string,
  report: ProfileReport & { readonly ignoredAttributes?: readonly string[] },
): string[] {
  const lines = [
    `Tenant ${tenantId}: ${report.totalUsers} users (${report.activeUsers} active, ${report.inactiveUsers} inactive).`,
    '',
    'Active users lacking each profile field:',
  ];
  const labelWidth = Math.max(...PROFILE_FIELDS.map(({ label, level }) => `${label} (${level})`.length));
  for (const { field, label, level, scimAttribute } of PROFILE_FIELDS) {
    const missing = report.missingByField[field];
    lines.push(
      `  ${`${label} (${level})`.padEnd(labelWidth)}  ${String(missing).padStart(6)}   map: ${scimAttribute}`,
    );
  }
  lines.push('');
  if (report.usersMissingRequired.length === 0) {
    lines.push('No active user is missing a required field.');
  } else {
    lines.push(`Active users missing required fields (${report.usersMissingRequired.length}), by id:`);
    for (const { id, missing } of report.usersMissingRequired) lines.push(`  ${id}: ${missing.join(', ')}`);
  }
  if (report.unrecognisedRoles.length > 0) {
    lines.push('', 'Unrecognised management levels (kept, flagged):');
    for (const { value, count } of report.unrecognisedRoles)
      lines.push(`  ${JSON.stringify(value)}: ${count}`);
  }
  if (report.unsupportedLocales.length > 0) {
    lines.push('', 'Unsupported locales (served as en-US):');
    for (const { value, count } of report.unsupportedLocales) lines.push(`  ${value}: ${count}`);
  }
  const ignored = report.ignoredAttributes ?? [];
  lines.push('');
  if (ignored.length === 0) {
    lines.push('Mappings that go nowhere: none (every attribute sent is one we define).');
  } else {
    lines.push(
      `Mappings that go nowhere (${ignored.length}): attributes sent that no schema defines, ignored:`,
      ...ignored.map((name) => `  ${name}`),
      '  Fix each mapping in the provider (Entra: Provisioning > Mappings): correct the target attribute',
      '  name (see /Schemas), or delete the mapping.',
    );
  }
  return lines;
}

export async function listAllUsers(tenants: TenantDirectory, tenantId: string): Promise<ScimResource[]> {
  const users: ScimResource[] = [];
  for await (const page of tenants.userPages(tenantId)) users.push(...page);
  return users;
}

export async function reportTenant(deps: CliDeps, tenantId: string, json: boolean): Promise<TenantReport> {
  if (!deps.tenants || !deps.ignoredAttributes)
    throw new CliError('The report needs the DynamoDB table: start the local server or pass --table.');
  await existingRecord(deps, tenantId);
  const [users, ignoredAttributes] = await Promise.all([
    listAllUsers(deps.tenants, tenantId),
    deps.ignoredAttributes(tenantId),
  ]);
  const report: TenantReport = { ...buildTenantReport(users), ignoredAttributes };
  if (json) deps.print(JSON.stringify(report, null, 2));
  else for (const line of formatTenantReport(tenantId, report)) deps.print(line);
  return report;
}

const defaultOutput = (out: string | undefined): Promise<ExportOutput> =>
  out === undefined ? Promise.resolve(streamOutput(process.stdout)) : fileOutput(out);

/** `export`: the records go to stdout or --out; every other line to stderr. */
export async function exportTenant(
  deps: CliDeps,
  command: Extract<Command, { name: 'export' }>,
): Promise<ExportCounts> {
  if (!deps.tenants)
    throw new CliError('The export needs the DynamoDB table: start the local server or pass --table.');
  const { tenantId, out } = command;
  await existingRecord(deps, tenantId);
  const output = await (deps.openOutput ?? defaultOutput)(out);
  const counts = await exportMembers(tenantId, deps.tenants.userPages(tenantId), command, output, (done) =>
    deps.warn(`Exporting ${tenantId}: ${done.read} users read, ${done.written} written...`),
  );
  deps.warn(
    `Exported ${counts.written} of ${counts.read} users of ${tenantId}` +
      `${command.activeOnly ? ' (active only)' : ''} as ${command.format}${out === undefined ? '' : ` to ${out}`}.`,
  );
  return counts;
}

/** Pure: the rekey report as terminal lines (ids and counts only). */
export function formatRekeyReport(tenantId: string, report: RekeyReport): string[] {
  return [
    `Tenant ${tenantId}: ${report.resources} resources read, ${report.written} lookup items written, ` +
      `${report.removed} items of older keys removed.`,
    ...report.collisions.map(
      ({ type, attribute, id, heldBy }) =>
        `  ${type} ${id} has the ${attribute} of ${type} ${heldBy} (they differ only in case, width, ` +
        'accents composition or invisible characters): delete or rename one of them.',
    ),
  ];
}

/** `rekey`: docs/data-model.md, "Migration". */
export async function rekeyTenant(deps: CliDeps, tenantId: string): Promise<RekeyReport> {
  if (deps.rekey === undefined)
    throw new CliError('rekey needs the DynamoDB table: start the local server or pass --table.');
  await existingRecord(deps, tenantId);
  const report = await deps.rekey(tenantId);
  for (const line of formatRekeyReport(tenantId, report)) deps.print(line);
  return report;
}

export async function runCommand(deps: CliDeps, command: Command): Promise<void> {
  switch (command.name) {
    case 'help':
      deps.print(USAGE);
      return;
    case 'create':
      await createTenant(deps, command.tenantId, command);
      return;
    case 'setup-link':
      await setupLinkCommand(deps, command.tenantId, command.action);
      return;
    case 'rotate':
      await rotateTenant(deps, command.tenantId, command.graceHours);
      return;
    case 'revoke':
      await revokeTenantTokens(deps, command.tenantId, command.which);
      return;
    case 'list':
      await listTenants(deps);
      return;
    case 'report':
      await reportTenant(deps, command.tenantId, command.json);
      return;
    case 'export':
      await exportTenant(deps, command);
      return;
    case 'rekey':
      await rekeyTenant(deps, command.tenantId);
      return;
  }
}

// ---- Wiring ------------------------------------------------------------------------------------------

/** Written by the local server while it runs (bin/local/server.ts), removed on a clean stop. */
interface LocalEndpointFile {
  readonly endpoint?: string;
  readonly tableName?: string;
  readonly port?: number;
}

/** What the local server wrote to <data dir>/endpoint.json, if anything. */
export async function readLocalEndpointFile(dataDir: string): Promise<LocalEndpointFile> {
  let text: string;
  try {
    text = await readFile(join(dataDir, 'endpoint.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    const json: unknown = JSON.parse(text);
    if (typeof json !== 'object' || json === null) return {};
    const { endpoint, tableName, port } = json as Record<string, unknown>;
    return {
      ...(typeof endpoint === 'string' ? { endpoint } : {}),
      ...(typeof tableName === 'string' ? { tableName } : {}),
      ...(typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65_536 ? { port } : {}),
    };
  } catch {
    throw new CliError(`${join(dataDir, 'endpoint.json')} is not JSON.`);
  }
}

function tableFor(
  tableName: string,
  endpoint?: string,
): Required<Pick<CliDeps, 'tenants' | 'setupLinks' | 'rekey' | 'ignoredAttributes'>> {
  const client =
    endpoint === undefined
      ? DynamoDBDocumentClient.from(new DynamoDBClient({}), {
          marshallOptions: { removeUndefinedValues: true },
        })
      : localDocumentClient(endpoint);
  return {
    tenants: new DynamoDbScimRepository({ client, tableName }),
    setupLinks: new DynamoDbSetupLinks({ client, tableName }),
    rekey: (tenantId) => rekeyLookups({ client, tableName }, tenantId),
    ignoredAttributes: (tenantId) =>
      new DynamoDbTenantActivity(client, tableName).ignoredAttributes(tenantId),
  };
}

export async function depsFor(target: Target): Promise<CliDeps> {
  const io = {
    now: () => new Date(),
    print: (line: string) => console.log(line),
    warn: (line: string) => console.warn(line),
  };
  if (target.kind === 'stage') {
    return {
      ...io,
      tokenStore: new SecretsManagerTokenStore(createSecretsManagerClient(), target.secretPrefix),
      ...(target.table !== undefined ? tableFor(target.table) : {}),
      ...(target.baseUrl !== undefined ? { apiBaseUrl: target.baseUrl } : {}),
    };
  }
  const written = await readLocalEndpointFile(target.dataDir);
  const endpoint = target.endpoint ?? written.endpoint;
  const table = target.table ?? written.tableName ?? DEFAULT_LOCAL_TABLE;
  return {
    ...io,
    tokenStore: new FileTokenStore(tokenDirectory(target.dataDir)),
    ...(endpoint !== undefined ? { ...tableFor(table, endpoint), tenantsBestEffort: true } : {}),
    apiBaseUrl: target.baseUrl ?? `http://localhost:${written.port ?? DEFAULT_LOCAL_PORT}`,
  };
}

export async function main(argv: readonly string[], env = process.env): Promise<number> {
  try {
    const { command, target } = parseInvocation(argv, env);
    if (target.kind === 'stage' && command.name !== 'help' && command.name !== 'list') {
      if (
        (command.name === 'report' || command.name === 'export' || command.name === 'rekey') &&
        target.table === undefined
      ) {
        throw new CliError(`--stage ${command.name} needs --table (stack output TableName) or TABLE_NAME.`);
      }
      if ((command.name === 'create' || command.name === 'setup-link') && target.table === undefined) {
        throw new CliError(
          `--stage ${command.name} needs --table (stack output TableName) for the tenant metadata and setup links.`,
        );
      }
    }
    await runCommand(await depsFor(target), command);
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      console.error(error.message);
      return 2;
    }
    console.error(`Failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    return 1;
  }
}

// Run only when executed (npm run tenant), not when a test imports the commands.
if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
