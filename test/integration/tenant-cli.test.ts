/**
 * The tenant CLI's commands against the local targets: the file token store in a temp dir and a real
 * table on DynamoDB Local (started by the integration global setup); the stage target's Secrets Manager
 * calls through aws-sdk-client-mock.
 */
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  CliError,
  buildTenantReport,
  createTenant,
  depsFor,
  setupLinkCommand,
  formatTenantReport,
  listTenants,
  main,
  parseInvocation,
  reportTenant,
  revokeTenantTokens,
  rotateTenant,
} from '../../bin/tenant';
import type { CliDeps } from '../../bin/tenant';
import { FileTokenStore } from '../../lambdas/auth/file-token-store';
import { SecretsManagerTokenStore } from '../../lambdas/auth/secrets-manager-token-store';
import { verifyToken } from '../../lambdas/auth/tokens';
import type { ScimResource } from '../../lambdas/scim/resource';
import { createUsersHandler } from '../../lambdas/http/handlers';
import { createLogger } from '../../lambdas/logger';
import { NOT_AN_ATTRIBUTE_NAME } from '../../lambdas/scim/normalise';
import { hashSetupCode } from '../../lambdas/setup/links';
import { setupLinkIndexPartition, setupLinkKey } from '../../lambdas/store/keys';
import { DynamoDbSetupLinks } from '../../lambdas/store/setup-links';
import { dynamoDbStatusRecorder } from '../../lambdas/store/tenant-status';
import { DynamoDbTenantActivity } from '../../lambdas/store/tenant-status-reader';
import { makeContext, makeEvent } from '../unit/middleware/helpers';
import { createTestTable } from './store/table';
import type { TestTable } from './store/table';

const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';
const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const T0 = new Date('2026-03-01T12:00:00.000Z');
const hoursAfter = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

let table: TestTable;
let directory: string;
let output: string[];
let warnings: string[];
let deps: CliDeps;
let clock: Date;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(() => table.close());

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'scim-cli-'));
  output = [];
  warnings = [];
  clock = T0;
  deps = {
    tokenStore: new FileTokenStore(join(directory, 'tenants')),
    tenants: table.repository(),
    setupLinks: new DynamoDbSetupLinks({ client: table.documentClient, tableName: table.tableName }),
    ignoredAttributes: (tenantId) =>
      new DynamoDbTenantActivity(table.documentClient, table.tableName).ignoredAttributes(tenantId),
    apiBaseUrl: 'https://scim.example.com/',
    now: () => clock,
    print: (line) => output.push(line),
    warn: (line) => warnings.push(line),
  };
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** The old way (--print-token): the token printed at once. */
const createWithToken = async (cliDeps: CliDeps, tenantId: string) => {
  const created = await createTenant(cliDeps, tenantId, { printToken: true });
  if (created.token === undefined || created.tokenId === undefined) throw new Error('no token printed');
  return { ...created, token: created.token, tokenId: created.tokenId };
};

const uniqueTenant = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

describe('create', () => {
  it('prints the Tenant URL and a working token once, stores only the hash, writes the metadata item', async () => {
    const tenantId = uniqueTenant('acme');
    const created = await createWithToken(deps, tenantId);

    expect(created.tenantUrl).toBe(`https://scim.example.com/tenants/${tenantId}/scim/v2`);
    expect(created.token).toMatch(/^scim_[A-Za-z0-9_-]{43}$/);
    expect(output).toContain(`Tenant URL:   ${created.tenantUrl}`);
    expect(output.filter((line) => line.includes(created.token))).toHaveLength(1);

    const record = await deps.tokenStore.getTenantTokens(tenantId);
    expect(record && verifyToken(created.token, record, T0)).toBe(created.tokenId);
    const file = await readFile(join(directory, 'tenants', `${tenantId}.json`), 'utf8');
    expect(file).not.toContain(created.token);

    expect(await table.repository().getTenant(tenantId)).toEqual({ tenantId, createdAt: T0.toISOString() });
  });

  it('refuses an existing tenant and keeps its token', async () => {
    const tenantId = uniqueTenant('acme');
    const first = await createWithToken(deps, tenantId);
    await expect(createWithToken(deps, tenantId)).rejects.toThrow(CliError);
    const record = await deps.tokenStore.getTenantTokens(tenantId);
    expect(record && verifyToken(first.token, record, T0)).toBe(first.tokenId);
  });

  it('without a table, creates the token and warns that no metadata was written', async () => {
    const withoutTable: CliDeps = { ...deps, tenants: undefined };
    const created = await createWithToken(withoutTable, uniqueTenant('solo'));
    expect(created.token).toMatch(/^scim_/);
    expect(warnings).toEqual([expect.stringContaining('metadata item was not written')]);
  });

  it('needs an API base URL', async () => {
    const withoutUrl: CliDeps = { ...deps, apiBaseUrl: undefined };
    await expect(createWithToken(withoutUrl, uniqueTenant('acme'))).rejects.toThrow('--base-url');
  });
});

const codeOf = (link: string | undefined): string => {
  const code = /\/setup\/([\w-]{43})$/.exec(link ?? '')?.[1];
  if (code === undefined) throw new Error(`not a setup link: ${link}`);
  return code;
};

describe('setup links', () => {
  const linksOf = (tenantId: string) =>
    new DynamoDbSetupLinks({ client: table.documentClient, tableName: table.tableName }).list(tenantId);

  it('create prints the Tenant URL and a setup link, no token; the record starts empty; only the hash is stored', async () => {
    const tenantId = uniqueTenant('acme');
    const created = await createTenant(deps, tenantId, { displayName: 'Acme Corp' });

    expect(created.token).toBeUndefined();
    expect(created.setupLink).toMatch(/^https:\/\/scim\.example\.com\/setup\/[\w-]{43}$/);
    expect(output).toContain(`Setup link:   ${created.setupLink}`);
    expect(output.some((line) => line.startsWith('Secret Token'))).toBe(false);
    expect((await deps.tokenStore.getTenantTokens(tenantId))?.tokens).toEqual([]);
    expect(await table.repository().getTenant(tenantId)).toEqual({
      tenantId,
      createdAt: T0.toISOString(),
      displayName: 'Acme Corp',
    });

    const code = codeOf(created.setupLink);
    const { Item } = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: setupLinkKey(hashSetupCode(code)),
      }),
    );
    expect(Item).toMatchObject({
      tenantId,
      createdAt: T0.toISOString(),
      expiresAt: hoursAfter(7 * 24).toISOString(),
      ttl: Math.ceil(hoursAfter(7 * 24).getTime() / 1000),
      revealAttempts: 0,
    });
    expect(JSON.stringify(Item)).not.toContain(code);
  });

  it('setup-link issues a new link and ends the older ones; --revoke ends them all', async () => {
    const tenantId = uniqueTenant('acme');
    const first = codeOf((await createTenant(deps, tenantId)).setupLink);
    clock = hoursAfter(1);
    const second = codeOf(await setupLinkCommand(deps, tenantId, { expiresInDays: 2 }));

    expect(output.at(-1)).toContain('1 older link(s)');
    expect((await linksOf(tenantId)).map((link) => link.codeSha256)).toEqual([hashSetupCode(second)]);
    expect((await linksOf(tenantId))[0]?.expiresAt).toBe(hoursAfter(49).toISOString());
    const gone = await table.documentClient.send(
      new GetCommand({
        TableName: table.tableName,
        Key: setupLinkKey(hashSetupCode(first)),
      }),
    );
    expect(gone.Item).toBeUndefined();

    await setupLinkCommand(deps, tenantId, { revoke: true });
    expect(await linksOf(tenantId)).toEqual([]);
    const pointers = await table.documentClient.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': setupLinkIndexPartition(tenantId) },
      }),
    );
    expect(pointers.Items).toEqual([]);
  });

  it('list shows each link: created, expiry, revealed or not; never a code or its hash', async () => {
    const tenantId = uniqueTenant('acme');
    const code = codeOf((await createTenant(deps, tenantId)).setupLink);
    output.length = 0;
    await listTenants(deps);
    const text = output.join('\n');
    expect(text).toContain(
      `  setup link  created ${T0.toISOString()}  expires ${hoursAfter(168).toISOString()}  not revealed`,
    );
    expect(text).not.toContain(code);
    expect(text).not.toContain(hashSetupCode(code));

    clock = hoursAfter(169);
    output.length = 0;
    const listings = await listTenants(deps);
    expect(listings[0]?.setupLinks).toEqual([
      { createdAt: T0.toISOString(), expiresAt: hoursAfter(168).toISOString(), state: 'expired' },
    ]);
    expect(output.join('\n')).toContain('expired, not revealed');
  });

  it('an unknown tenant, or no table -> CliError, nothing written', async () => {
    const tenantId = uniqueTenant('nobody');
    await expect(setupLinkCommand(deps, tenantId, { expiresInDays: 7 })).rejects.toThrow('does not exist');
    expect(await linksOf(tenantId)).toEqual([]);
    const withoutTable: CliDeps = { ...deps, tenants: undefined, setupLinks: undefined };
    await expect(createTenant(withoutTable, tenantId)).rejects.toThrow('--print-token');
    expect(await deps.tokenStore.getTenantTokens(tenantId)).toBeUndefined();
    await expect(setupLinkCommand(withoutTable, tenantId, { revoke: true })).rejects.toThrow(CliError);
  });
});

describe('rotate and revoke', () => {
  it('rotate: old token works during the grace period, the new one always', async () => {
    const tenantId = uniqueTenant('acme');
    const created = await createWithToken(deps, tenantId);
    clock = hoursAfter(1);
    const rotated = await rotateTenant(deps, tenantId, 24);
    expect(output.some((line) => line.includes(rotated.token))).toBe(true);

    const record = await deps.tokenStore.getTenantTokens(tenantId);
    if (!record) throw new Error('record missing');
    expect(verifyToken(created.token, record, hoursAfter(24.9))).toBe(created.tokenId);
    expect(verifyToken(created.token, record, hoursAfter(25))).toBeUndefined();
    expect(verifyToken(rotated.token, record, hoursAfter(1000))).toBe(rotated.tokenId);
  });

  it('revoke --token-id removes just that token; revoke --all removes every token', async () => {
    const tenantId = uniqueTenant('acme');
    const created = await createWithToken(deps, tenantId);
    const rotated = await rotateTenant(deps, tenantId, 24);

    await revokeTenantTokens(deps, tenantId, { tokenId: created.tokenId });
    let record = await deps.tokenStore.getTenantTokens(tenantId);
    expect(record?.tokens.map((entry) => entry.id)).toEqual([rotated.tokenId]);

    await revokeTenantTokens(deps, tenantId, { all: true });
    record = await deps.tokenStore.getTenantTokens(tenantId);
    expect(record?.tokens).toEqual([]);
    expect(output.at(-1)).toContain('0 active token(s) left');
  });

  it('unknown tenant or token id -> CliError, nothing written', async () => {
    const tenantId = uniqueTenant('acme');
    await expect(rotateTenant(deps, tenantId, 24)).rejects.toThrow(`Tenant ${tenantId} does not exist.`);
    await createWithToken(deps, tenantId);
    await expect(revokeTenantTokens(deps, tenantId, { tokenId: 'tok_nope' })).rejects.toThrow(CliError);
    expect((await deps.tokenStore.getTenantTokens(tenantId))?.tokens).toHaveLength(1);
  });
});

describe('list', () => {
  it('shows tenants and token ids, dates and expiry, never hashes', async () => {
    const a = uniqueTenant('alpha');
    const b = uniqueTenant('beta');
    await createWithToken(deps, a);
    await createWithToken(deps, b);
    await rotateTenant(deps, b, 2);
    output.length = 0;

    const listings = await listTenants(deps);
    expect(listings.map((listing) => listing.tenantId)).toEqual([a, b].sort());
    expect(listings.find((listing) => listing.tenantId === b)?.tokens).toHaveLength(2);
    const text = output.join('\n');
    const records = await Promise.all([a, b].map((id) => deps.tokenStore.getTenantTokens(id)));
    for (const entry of records.flatMap((record) => record?.tokens ?? [])) {
      expect(text).toContain(entry.id);
      expect(text).not.toContain(entry.sha256);
    }
    expect(text).toContain(`expires ${hoursAfter(2).toISOString()}`);
  });

  it('says so when there are no tenants', async () => {
    expect(await listTenants(deps)).toEqual([]);
    expect(output).toEqual(['No tenants.']);
  });
});

const user = (userName: string, extra: Record<string, unknown>) => ({
  schemas: [USER_SCHEMA, PROFILE],
  userName,
  ...extra,
});

describe('report', () => {
  it('counts missing fields among active users and lists incomplete users by id only', async () => {
    const tenantId = uniqueTenant('report');
    await createWithToken(deps, tenantId);
    const repository = table.repository();
    const complete = await repository.createUser(
      tenantId,
      user('ann.lee@example.com', {
        name: { givenName: 'Ann', familyName: 'Lee' },
        emails: [{ type: 'work', value: 'ann.lee@example.com', primary: true }],
        title: 'Engineer',
        [PROFILE]: { managementLevel: 'Director' },
      }),
    );
    const incomplete = await repository.createUser(
      tenantId,
      user('bob.ray@example.com', {
        name: { givenName: 'Bob' },
        emails: [{ type: 'work', value: 'bob.ray@example.com' }],
      }),
    );
    await repository.createUser(tenantId, user('gone@example.com', { active: false }));
    // Another tenant's users never show up.
    const other = uniqueTenant('other');
    await createWithToken(deps, other);
    await repository.createUser(other, user('x@example.com', {}));
    output.length = 0;

    const report = await reportTenant(deps, tenantId, false);

    expect(report).toMatchObject({ totalUsers: 3, activeUsers: 2, inactiveUsers: 1 });
    expect(report.missingByField).toMatchObject({ firstName: 0, lastName: 1, email: 0, managementLevel: 1 });
    expect(report.usersMissingRequired).toEqual([
      { id: incomplete.id, missing: ['lastName', 'managementLevel'] },
    ]);
    const text = output.join('\n');
    expect(text).toContain(`${incomplete.id}: lastName, managementLevel`);
    expect(text).not.toContain(complete.id);
    for (const personal of ['ann', 'Ann', 'bob', 'Bob', 'Lee', 'example.com'])
      expect(text).not.toContain(personal);
  });

  it('--json prints the report as JSON', async () => {
    const tenantId = uniqueTenant('report');
    await createWithToken(deps, tenantId);
    output.length = 0;
    const report = await reportTenant(deps, tenantId, true);
    expect(JSON.parse(output.join('\n'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(report.totalUsers).toBe(0);
    expect(report.ignoredAttributes).toEqual([]);
  });

  it('lists the attributes a POST and a PATCH sent that no schema defines (mappings that go nowhere)', async () => {
    const tenantId = uniqueTenant('report');
    const { token } = await createWithToken(deps, tenantId);
    const handler = createUsersHandler({
      repository: table.repository(),
      tokenStore: deps.tokenStore,
      logger: createLogger({ serviceName: 'tenant-cli', logLevel: 'SILENT' }),
      statusRecorder: dynamoDbStatusRecorder(table.documentClient, table.tableName),
    });
    const send = async (method: string, path: string, body: unknown) =>
      handler(
        makeEvent({
          method,
          rawPath: `/tenants/${tenantId}/scim/v2/Users${path}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          body: JSON.stringify(body),
        }),
        makeContext(),
      );
    const created = await send('POST', '', {
      schemas: [USER_SCHEMA],
      userName: 'grace@example.com',
      nickname2: 'Grace',
      'grace@example.com': true,
    });
    expect(created.statusCode).toBe(201);
    const { id } = JSON.parse(created.body ?? '{}') as { id: string };
    const patched = await send('PATCH', `/${id}`, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'Replace', path: 'name.givenNme', value: 'Grace' },
        { op: 'Replace', path: 'nickname2', value: 'Amazing' },
      ],
    });
    expect(patched.statusCode).toBe(204);
    output.length = 0;

    const report = await reportTenant(deps, tenantId, false);

    const names = [NOT_AN_ATTRIBUTE_NAME, 'name.givenNme', 'nickname2'];
    expect(report.ignoredAttributes).toEqual(names);
    const text = output.join('\n');
    expect(text).toContain('Mappings that go nowhere (3): attributes sent that no schema defines, ignored:');
    for (const name of names) expect(output).toContain(`  ${name}`);
    expect(text).not.toContain('grace@');
    output.length = 0;
    await reportTenant(deps, tenantId, true);
    expect((JSON.parse(output.join('\n')) as { ignoredAttributes: string[] }).ignoredAttributes).toEqual(
      names,
    );
  });

  it('an unknown tenant or no table -> CliError', async () => {
    await expect(reportTenant(deps, uniqueTenant('nobody'), false)).rejects.toThrow('does not exist');
    const withoutTable: CliDeps = { ...deps, tenants: undefined };
    await expect(reportTenant(withoutTable, 'acme', false)).rejects.toThrow(CliError);
  });
});

describe('buildTenantReport and formatTenantReport (pure)', () => {
  const resource = (id: string, body: Record<string, unknown>): ScimResource => ({
    schemas: [USER_SCHEMA],
    id,
    ...body,
  });

  it('derives the manager email from the enterprise manager reference of another user', () => {
    const manager = resource('m1', { userName: 'm', emails: [{ type: 'work', value: 'boss@example.com' }] });
    const report = buildTenantReport([
      manager,
      resource('u1', {
        userName: 'u',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: { value: 'm1' } },
      }),
    ]);
    expect(report.missingByField.managerEmail).toBe(1); // only the manager lacks one
  });

  it('formats every profile field with its SCIM attribute and flags unrecognised roles', () => {
    const report = buildTenantReport([
      resource('u1', { userName: 'u', [PROFILE]: { managementLevel: 'Grand Poobah' } }),
    ]);
    const lines = formatTenantReport('acme', report);
    expect(lines[0]).toBe('Tenant acme: 1 users (1 active, 0 inactive).');
    expect(
      lines.some((line) => line.startsWith('  First name (required)') && line.includes('name.givenName')),
    ).toBe(true);
    expect(lines).toContain('  "Grand Poobah": 1');
    expect(lines).toContain('  u1: firstName, lastName, email');
  });
});

describe('stage target: Secrets Manager', () => {
  const secretsManager = mockClient(SecretsManagerClient);
  beforeEach(() => {
    secretsManager.reset();
  });

  it('create writes a secret named prefix + tenant holding the hash, never the token', async () => {
    secretsManager
      .on(GetSecretValueCommand)
      .rejects(new ResourceNotFoundException({ message: 'none', $metadata: {} }));
    secretsManager.on(CreateSecretCommand).resolves({});
    const stageDeps: CliDeps = {
      ...deps,
      tokenStore: new SecretsManagerTokenStore(new SecretsManagerClient({}), 'scim/prod/tenants/'),
    };
    const tenantId = uniqueTenant('acme');
    const created = await createWithToken(stageDeps, tenantId);
    const input = secretsManager.commandCalls(CreateSecretCommand)[0]?.args[0].input;
    expect(input?.Name).toBe(`scim/prod/tenants/${tenantId}`);
    expect(input?.SecretString).not.toContain(created.token);
    const stored = JSON.parse(input?.SecretString ?? '{}') as Parameters<typeof verifyToken>[1];
    expect(verifyToken(created.token, stored, T0)).toBe(created.tokenId);
  });

  it('rotate puts a new secret version', async () => {
    const tenantId = uniqueTenant('acme');
    const fileStore = deps.tokenStore;
    await createWithToken(deps, tenantId);
    const existing = await fileStore.getTenantTokens(tenantId);
    secretsManager
      .on(GetSecretValueCommand)
      .resolves({ SecretString: JSON.stringify(existing), VersionId: 'v1' });
    secretsManager.on(PutSecretValueCommand).resolves({});
    secretsManager.on(UpdateSecretVersionStageCommand).resolves({});
    const stageDeps: CliDeps = {
      ...deps,
      tokenStore: new SecretsManagerTokenStore(new SecretsManagerClient({}), 'scim/prod/tenants/'),
    };
    const rotated = await rotateTenant(stageDeps, tenantId, 24);
    const put = JSON.parse(
      secretsManager.commandCalls(PutSecretValueCommand)[0]?.args[0].input.SecretString ?? '{}',
    ) as Parameters<typeof verifyToken>[1];
    expect(put.tokens).toHaveLength(2);
    expect(verifyToken(rotated.token, put, T0)).toBe(rotated.tokenId);
  });
});

describe('parseInvocation', () => {
  it.each([
    [['create', 'acme'], { name: 'create', tenantId: 'acme', printToken: false }],
    [
      ['create', 'acme', '--name', ' Acme Corp ', '--print-token'],
      { name: 'create', tenantId: 'acme', displayName: 'Acme Corp', printToken: true },
    ],
    [['setup-link', 'acme'], { name: 'setup-link', tenantId: 'acme', action: { expiresInDays: 7 } }],
    [
      ['setup-link', 'acme', '--expires-days', '1.5'],
      { name: 'setup-link', tenantId: 'acme', action: { expiresInDays: 1.5 } },
    ],
    [['setup-link', 'acme', '--revoke'], { name: 'setup-link', tenantId: 'acme', action: { revoke: true } }],
    [['rotate', 'acme'], { name: 'rotate', tenantId: 'acme', graceHours: 24 }],
    [['rotate', 'acme', '--grace-hours', '0'], { name: 'rotate', tenantId: 'acme', graceHours: 0 }],
    [['revoke', 'acme', '--all'], { name: 'revoke', tenantId: 'acme', which: { all: true } }],
    [
      ['revoke', 'acme', '--token-id', 'tok_1'],
      { name: 'revoke', tenantId: 'acme', which: { tokenId: 'tok_1' } },
    ],
    [['list'], { name: 'list' }],
    [['report', 'acme', '--json'], { name: 'report', tenantId: 'acme', json: true }],
    [[], { name: 'help' }],
    [['--help'], { name: 'help' }],
  ])('%j', (argv, command) => {
    expect(parseInvocation(argv).command).toEqual(command);
  });

  it('defaults to the local target with .data; the base URL is left to endpoint.json', () => {
    expect(parseInvocation(['list']).target).toEqual({ kind: 'local', dataDir: '.data' });
  });

  it('reads SCIM_DATA_DIR, DYNAMODB_ENDPOINT and TABLE_NAME for the local target', () => {
    const env = { SCIM_DATA_DIR: '/tmp/d', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000', TABLE_NAME: 't1' };
    expect(parseInvocation(['list'], env).target).toEqual({
      kind: 'local',
      dataDir: '/tmp/d',
      endpoint: 'http://127.0.0.1:8000',
      table: 't1',
    });
  });

  it('follows the local server port from PORT', () => {
    expect(parseInvocation(['list'], { PORT: '9090' }).target).toMatchObject({
      baseUrl: 'http://localhost:9090',
    });
  });

  it('a stage defaults to the stack’s secret prefix scim/<stage>/tenants/', () => {
    expect(
      parseInvocation(['list', '--stage', 'prod'], { SCIM_API_URL: 'https://api.example.com' }).target,
    ).toEqual({
      kind: 'stage',
      stage: 'prod',
      secretPrefix: 'scim/prod/tenants/',
      baseUrl: 'https://api.example.com',
    });
    expect(
      parseInvocation(['list', '--stage', 'dev', '--secret-prefix', 'x/', '--table', 'T']).target,
    ).toMatchObject({ secretPrefix: 'x/', table: 'T' });
  });

  it.each([
    [['create'], 'needs a tenant id'],
    [['create', 'Acme'], 'not a valid tenant id'],
    [['create', 'acme', 'extra'], 'Unexpected arguments'],
    [['rotate', 'acme', '--grace-hours', '-1'], '--grace-hours'],
    [['rotate', 'acme', '--grace-hours', 'soon'], '--grace-hours'],
    [['revoke', 'acme'], 'exactly one of'],
    [['revoke', 'acme', '--all', '--token-id', 't'], 'exactly one of'],
    [['list', 'acme'], 'no tenant id'],
    [['explode'], 'Unknown command'],
    [['list', '--colour'], 'Unknown option'],
    [['list', '--local', '--stage', 'dev'], 'either --local or --stage'],
    [['list', '--stage', 'Prod!'], 'not a stage name'],
    [['create', 'acme', '--base-url', 'ftp://x'], '--base-url'],
    [['create', 'acme', '--name', ''], '--name'],
    [['create', 'acme', '--name', 'a\nb'], '--name'],
    [['create', 'acme', '--name', 'x'.repeat(101)], '--name'],
    [['setup-link', 'acme', '--expires-days', '0'], '--expires-days'],
    [['setup-link', 'acme', '--expires-days', '91'], '--expires-days'],
    [['setup-link', 'acme', '--expires-days', 'soon'], '--expires-days'],
    [['setup-link', 'acme', '--revoke', '--expires-days', '2'], 'not both'],
    [['setup-link'], 'needs a tenant id'],
  ])('%j -> CliError mentioning %s', (argv, fragment) => {
    expect(() => parseInvocation(argv)).toThrow(CliError);
    expect(() => parseInvocation(argv)).toThrow(fragment);
  });
});

describe('depsFor (local target)', () => {
  const writeEndpointFile = (content: Record<string, unknown>) =>
    writeFile(join(directory, 'endpoint.json'), JSON.stringify(content));

  it('takes the Tenant URL port from endpoint.json, PORT overrides it, 8080 without either', async () => {
    expect((await depsFor({ kind: 'local', dataDir: directory })).apiBaseUrl).toBe('http://localhost:8080');
    await writeEndpointFile({ endpoint: 'http://127.0.0.1:1', tableName: 't', port: 9123 });
    expect((await depsFor({ kind: 'local', dataDir: directory })).apiBaseUrl).toBe('http://localhost:9123');
    const withPort = parseInvocation(['list', '--data-dir', directory], { PORT: '9090' }).target;
    expect((await depsFor(withPort)).apiBaseUrl).toBe('http://localhost:9090');
  });
});

describe('main', () => {
  it('with a stale endpoint.json (server stopped), create still issues a working token and warns', async () => {
    // Nothing listens on port 1: the table cannot answer.
    await writeFile(
      join(directory, 'endpoint.json'),
      JSON.stringify({ endpoint: 'http://127.0.0.1:1', tableName: 'gone', port: 9321 }),
    );
    const logged: string[] = [];
    const warned: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => logged.push(String(line)));
    const warn = jest.spyOn(console, 'warn').mockImplementation((line: unknown) => warned.push(String(line)));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const tenantId = uniqueTenant('offline');
      // A setup link needs the table: without --print-token nothing is written, exit 1.
      expect(await main(['create', tenantId, '--data-dir', directory], {})).toBe(1);
      expect(await new FileTokenStore(join(directory, 'tenants')).getTenantTokens(tenantId)).toBeUndefined();
      expect(await main(['create', tenantId, '--data-dir', directory, '--print-token'], {})).toBe(0);
      expect(logged).toContain(`Tenant URL:   http://localhost:9321/tenants/${tenantId}/scim/v2`);
      const token = /^Secret Token: (\S+)$/.exec(
        logged.find((line) => line.startsWith('Secret Token:')) ?? '',
      )?.[1];
      const record = await new FileTokenStore(join(directory, 'tenants')).getTenantTokens(tenantId);
      expect(token !== undefined && record !== undefined && verifyToken(token, record, new Date())).toMatch(
        /^tok_/,
      );
      expect(warned).toEqual([expect.stringContaining('metadata item was not written')]);
      expect(error).toHaveBeenCalledTimes(1);
    } finally {
      log.mockRestore();
      warn.mockRestore();
      error.mockRestore();
    }
  }, 30_000);

  it('a stage target still fails when its table does not answer (no best effort there)', async () => {
    const failing: CliDeps = {
      ...deps,
      tenants: {
        putTenant: () => Promise.reject(new Error('down')),
        userPages: () => {
          throw new Error('unused');
        },
      },
    };
    await expect(createWithToken(failing, uniqueTenant('strict'))).rejects.toThrow('down');
    await expect(createTenant(failing, uniqueTenant('strict'))).rejects.toThrow('down');
  });

  it('runs create against the data dir and the table named in endpoint.json; exit codes 0 and 2', async () => {
    const endpoint = process.env.DYNAMODB_ENDPOINT ?? '';
    await writeFile(
      join(directory, 'endpoint.json'),
      JSON.stringify({ endpoint, tableName: table.tableName }),
    );
    const logged: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => logged.push(String(line)));
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const tenantId = uniqueTenant('main');
      expect(await main(['create', tenantId, '--data-dir', directory], {})).toBe(0);
      expect(logged).toContain(`Tenant URL:   http://localhost:8080/tenants/${tenantId}/scim/v2`);
      expect(logged).toContainEqual(
        expect.stringMatching(/^Setup link: {3}http:\/\/localhost:8080\/setup\/[\w-]{43}$/),
      );
      expect(logged.some((line) => line.startsWith('Secret Token'))).toBe(false);
      expect(await table.repository().getTenant(tenantId)).toMatchObject({ tenantId });
      expect(await main(['create', tenantId, '--data-dir', directory], {})).toBe(2);
      expect(await main(['create', 'BAD', '--data-dir', directory], {})).toBe(2);
      expect(error).toHaveBeenCalledWith(expect.stringContaining('already exists'));
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
