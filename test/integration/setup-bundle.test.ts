/**
 * The setup page as deployed: the operator runs `npm run tenant -- create <id> --stage dev` with the stack
 * outputs, and the link it prints is served by the setup bundle that `cdk synth` builds (cdk.out's asset,
 * the template's environment), run by Node with API Gateway payload v2 events against DynamoDB Local and
 * moto's Secrets Manager. The admin opens the page, reveals the token, and that token then authenticates a
 * SCIM request against the users bundle of the same synthesis; nothing the bundles log carries the code or
 * the token.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { IConstruct } from 'constructs';

import { main as tenantCli } from '../../bin/tenant';
import { SecretsManagerTokenStore } from '../../lambdas/auth/secrets-manager-token-store';
import { hashSetupCode, newSetupLink } from '../../lambdas/setup/links';
import { DEFAULT_HANDLER_ENTRIES } from '../../lib/scim-stack';
import {
  FIXTURE_ENTRIES,
  type Synthesised,
  lambdaAssetDirectory,
  lambdaEnvironment,
  synthStage,
} from '../infra/synth';
import { makeEvent } from '../unit/middleware/helpers';
import { MOTO_CLIENT_CONFIG, startMotoServer } from './moto-server';
import type { MotoServer } from './moto-server';
import { createTestTable } from './store/table';
import type { TestTable } from './store/table';

const TENANT = 'acme-deployed';
/** The stage's API host, and the stack output ApiUrl as CloudFormation renders it (trailing slash). */
const API_HOST = 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com';
const API_URL = `https://${API_HOST}/`;
/** The page's own origin, which the POSTs must name. */
const ORIGIN = `https://${API_HOST}`;

interface BundleAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

let outdir: string;
let synthesised: Synthesised;
let moto: MotoServer;
let table: TestTable;

beforeAll(async () => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-setup-bundle-'));
  // The real setup and users entries; stand-ins for the others, which this test does not run.
  synthesised = synthStage('dev', {
    bundle: true,
    outdir,
    handlerEntries: { ...FIXTURE_ENTRIES, users: DEFAULT_HANDLER_ENTRIES.users },
  });
  [moto, table] = await Promise.all([startMotoServer(), createTestTable()]);
}, 180_000);

afterAll(async () => {
  await moto?.stop();
  table?.close();
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** The secret prefix the template gives the Lambdas: the tenant's secret must be where they look. */
const secretPrefix = (): string =>
  lambdaEnvironment(synthesised, synthesised.stack.setup.handler.function, () => '').TENANT_SECRET_PREFIX ??
  '';

/** Runs `events` one after the other through one fresh Node process (one warm container). */
function runBundle(
  fn: IConstruct,
  events: readonly unknown[],
): Promise<{ answers: BundleAnswer[]; logs: string }> {
  const dynamoDbEndpoint = process.env.DYNAMODB_ENDPOINT ?? '';
  const script = `
    const { handler } = require('./index.js');
    (async () => {
      const answers = [];
      for (const [index, event] of JSON.parse(process.env.TEST_EVENTS).entries()) {
        const deadline = Date.now() + 27000;
        const context = { awsRequestId: 'lambda-' + index, functionName: 'f', getRemainingTimeInMillis: () => deadline - Date.now() };
        answers.push(await handler(event, context));
      }
      process.stdout.write('ANSWERS ' + JSON.stringify(answers) + '\\n');
      process.exit(0);
    })();`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script],
      {
        cwd: lambdaAssetDirectory(synthesised, outdir, fn),
        env: {
          PATH: process.env.PATH ?? '',
          ...lambdaEnvironment(synthesised, fn, (variable) =>
            variable === 'TABLE_NAME' ? table.tableName : 'unresolved',
          ),
          DYNAMODB_ENDPOINT: dynamoDbEndpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
          AWS_REGION: MOTO_CLIENT_CONFIG.region,
          AWS_ACCESS_KEY_ID: MOTO_CLIENT_CONFIG.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: MOTO_CLIENT_CONFIG.credentials.secretAccessKey,
          TEST_EVENTS: JSON.stringify(events),
        },
        encoding: 'utf8',
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`The bundle run failed: ${error.message}`));
          return;
        }
        const lines = stdout.split('\n');
        const answersLine = lines.find((line) => line.startsWith('ANSWERS ')) ?? 'ANSWERS null';
        resolve({
          answers: JSON.parse(answersLine.slice('ANSWERS '.length)) as BundleAnswer[],
          logs: `${lines.filter((line) => !line.startsWith('ANSWERS ')).join('\n')}\n${stderr}`,
        });
      },
    );
  });
}

const setupPost = (action: string, body: unknown) =>
  makeEvent({
    method: 'POST',
    rawPath: `/setup/${action}`,
    headers: { host: API_HOST, origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/**
 * `npm run tenant -- create <tenantId> --name NAME --stage dev` with the stack outputs in the environment
 * (README, Deploy, step 5), its AWS clients pointed at moto and DynamoDB Local; what it printed.
 */
async function createTenantWithCli(name: string): Promise<string[]> {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => {
    printed.push(String(line));
  });
  const overrides: Record<string, string> = {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: process.env.DYNAMODB_ENDPOINT ?? '',
    AWS_REGION: MOTO_CLIENT_CONFIG.region,
    AWS_ACCESS_KEY_ID: MOTO_CLIENT_CONFIG.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CLIENT_CONFIG.credentials.secretAccessKey,
  };
  const saved = Object.fromEntries(Object.keys(overrides).map((key) => [key, process.env[key]]));
  Object.assign(process.env, overrides);
  try {
    // No TENANT_SECRET_PREFIX: the CLI's default for the stage must be the stack's.
    const exitCode = await tenantCli(['create', TENANT, '--stage', 'dev', '--name', name], {
      TABLE_NAME: table.tableName,
      SCIM_API_URL: API_URL,
    });
    expect(exitCode).toBe(0);
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    log.mockRestore();
  }
  return printed;
}

describe('the synthesized setup bundle, as API Gateway invokes it', () => {
  it('serves the page, reveals a token once, and the token authenticates against the users bundle', async () => {
    const printed = await createTenantWithCli('Deployed <Co>');
    // The deployed host, never a token.
    expect(printed).toContain(`Tenant URL:   ${ORIGIN}/tenants/${TENANT}/scim/v2`);
    const link =
      printed
        .find((line) => line.startsWith('Setup link:'))
        ?.split(/\s+/)
        .at(-1) ?? '';
    expect(link).toMatch(new RegExp(`^${ORIGIN.replace(/\./g, '\\.')}/setup/[A-Za-z0-9_-]{43}$`));
    expect(printed.join('\n')).not.toMatch(/scim_[A-Za-z0-9_-]{43}/);
    const { pathname } = new URL(link);
    const code = pathname.split('/').at(-1) ?? '';
    // The record the CLI created is where the deployed Lambdas look, and holds no token yet.
    const secrets = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    const store = new SecretsManagerTokenStore(secrets, secretPrefix());
    expect(await store.getTenantTokens(TENANT)).toEqual({ tenantId: TENANT, tokens: [] });

    const setup = await runBundle(synthesised.stack.setup.handler.function, [
      makeEvent({ method: 'GET', rawPath: pathname, headers: { host: API_HOST } }),
      setupPost('reveal', { code }),
      setupPost('reveal', { code }),
      setupPost('status', { code }),
      // A well-formed code of no link.
      makeEvent({
        method: 'GET',
        rawPath: `/setup/${newSetupLink(TENANT, new Date()).code}`,
        headers: { host: API_HOST },
      }),
    ]);
    const [page, reveal, again, status, unknown] = setup.answers;
    expect(page?.statusCode).toBe(200);
    expect(page?.body).toContain('Deployed &lt;Co&gt;');
    expect(page?.body).toContain(`${ORIGIN}/tenants/${TENANT}/scim/v2`);
    expect(page?.headers['Cache-Control']).toBe('no-store');
    expect(reveal?.statusCode).toBe(200);
    const { token } = JSON.parse(reveal?.body ?? '{}') as { token?: string };
    expect(token).toMatch(/^scim_/);
    expect(again?.statusCode).toBe(409);
    expect(status?.statusCode).toBe(200);
    expect(unknown?.statusCode).toBe(404);

    const users = await runBundle(synthesised.stack.functions.users.function, [
      makeEvent({
        rawPath: `/tenants/${TENANT}/scim/v2/Users`,
        rawQueryString: 'filter=userName%20eq%20%22nobody%40example.com%22',
        headers: { authorization: `Bearer ${token ?? ''}` },
      }),
      makeEvent({
        rawPath: `/tenants/${TENANT}/scim/v2/Users`,
        headers: { authorization: `Bearer ${token ?? ''}x` },
      }),
    ]);
    const [authenticated, wrongToken] = users.answers;
    expect(authenticated?.statusCode).toBe(200);
    expect(JSON.parse(authenticated?.body ?? '{}')).toMatchObject({ totalResults: 0 });
    expect(wrongToken?.statusCode).toBe(401);
    // The revealed token was added to the record the CLI created.
    expect((await store.getTenantTokens(TENANT))?.tokens).toHaveLength(1);

    // The logs are there, and carry neither the code (nor its hash) nor the token.
    expect(setup.logs).toContain(TENANT);
    for (const secret of [code, hashSetupCode(code), token ?? 'no token']) {
      expect(setup.logs).not.toContain(secret);
      expect(users.logs).not.toContain(secret);
    }
    secrets.destroy();
  }, 120_000);
});
