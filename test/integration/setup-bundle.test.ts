/**
 * The setup page as deployed: the setup bundle that `cdk synth` builds (cdk.out's asset, the template's
 * environment), run by Node with API Gateway payload v2 events against DynamoDB Local and moto's Secrets
 * Manager. The admin opens the page, reveals the token, and that token then authenticates a SCIM request
 * against the users bundle of the same synthesis; nothing the bundles log carries the code or the token.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IConstruct } from 'constructs';

import { SecretsManagerTokenStore } from '../../lambdas/auth/secrets-manager-token-store';
import { hashSetupCode, newSetupLink } from '../../lambdas/setup/links';
import { DynamoDbSetupLinks } from '../../lambdas/store/setup-links';
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
/** makeEvent's Host: the page's own origin, which the POSTs must name. */
const ORIGIN = 'https://api.example.com';

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
    headers: { origin: ORIGIN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('the synthesized setup bundle, as API Gateway invokes it', () => {
  it('serves the page, reveals a token once, and the token authenticates against the users bundle', async () => {
    const secrets = new SecretsManagerClient({ ...MOTO_CLIENT_CONFIG, endpoint: moto.endpoint });
    // What `npm run tenant -- create <id> --name ... --stage dev` leaves: an empty token record, the
    // tenant's metadata, one setup link.
    await new SecretsManagerTokenStore(secrets, secretPrefix()).createTenantTokens({
      tenantId: TENANT,
      tokens: [],
    });
    await table.repository().putTenant({
      tenantId: TENANT,
      createdAt: new Date().toISOString(),
      displayName: 'Deployed <Co>',
    });
    const { link, code } = newSetupLink(TENANT, new Date());
    await new DynamoDbSetupLinks({ client: table.documentClient, tableName: table.tableName }).issue(link);

    const setup = await runBundle(synthesised.stack.setup.handler.function, [
      makeEvent({ method: 'GET', rawPath: `/setup/${code}` }),
      setupPost('reveal', { code }),
      setupPost('reveal', { code }),
      setupPost('status', { code }),
      // A well-formed code of no link.
      makeEvent({ method: 'GET', rawPath: `/setup/${newSetupLink(TENANT, new Date()).code}` }),
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

    // The logs are there, and carry neither the code (nor its hash) nor the token.
    expect(setup.logs).toContain(TENANT);
    for (const secret of [code, hashSetupCode(code), token ?? 'no token']) {
      expect(setup.logs).not.toContain(secret);
      expect(users.logs).not.toContain(secret);
    }
    secrets.destroy();
  }, 120_000);
});
