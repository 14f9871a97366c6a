/**
 * The one test that really bundles: the real handler entries (SCIM and setup page) with the local esbuild, as
 * `cdk synth` does. Each bundle must carry the AWS SDK and a source map, and must load in a fresh Node
 * process given exactly the environment the template sets (which also checks the env var contract
 * against the handlers' own start-up validation).
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SECRETS_MANAGER_CLIENT_LIMITS } from '../../lambdas/auth/token-store-factory';
import { newTenantRecord } from '../../lambdas/auth/tokens';
import { worstCaseMs } from '../../lambdas/client-limits';
import { DYNAMODB_CLIENT_LIMITS } from '../../lambdas/http/handlers';
import { SCIM_FUNCTION_NAMES, SETUP_FUNCTION, type ScimFunctionName } from '../../lib/routes';
import { DEFAULT_HANDLER_ENTRIES } from '../../lib/scim-stack';
import { EVENTS_BUNDLE, HANDLER_BUNDLES, MAX_ADDED_OVER_SDK, bundleBytes } from '../bench/handler-bundles';
import { startBlackHole } from '../unit/handlers/black-hole';
import { makeEvent } from '../unit/middleware/helpers';
import {
  type Synthesised,
  lambdaAssetDirectory,
  lambdaEnvironment,
  logicalIdOf,
  resourcesOfType,
  synthStage,
} from './synth';

let outdir: string;
let synthesised: Synthesised;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-cdk-'));
  synthesised = synthStage('dev', { bundle: true, outdir, handlerEntries: DEFAULT_HANDLER_ENTRIES });
}, 120_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

/** The Lambdas behind the HTTP API: the SCIM handlers and the setup page. */
type ApiFunctionName = ScimFunctionName | typeof SETUP_FUNCTION;
const API_FUNCTION_NAMES: readonly ApiFunctionName[] = [...SCIM_FUNCTION_NAMES, SETUP_FUNCTION];

const lambdaOf = (name: ApiFunctionName) =>
  name === SETUP_FUNCTION
    ? synthesised.stack.setup.handler.function
    : synthesised.stack.functions[name].function;

function assetDirectory(name: ApiFunctionName): string {
  return lambdaAssetDirectory(synthesised, outdir, lambdaOf(name));
}

/** The template's environment with CloudFormation references replaced by plausible literal values. */
function runtimeEnvironment(name: ApiFunctionName): Record<string, string> {
  return lambdaEnvironment(synthesised, lambdaOf(name), (variable) =>
    variable === 'TABLE_NAME' ? 'ServerlessScim-dev-Table1234' : 'unresolved',
  );
}

describe.each(API_FUNCTION_NAMES)('%s bundle', (name) => {
  it('is one minified CommonJS file with an external source map without sources', () => {
    const directory = assetDirectory(name);
    expect(fs.readdirSync(directory).sort()).toEqual(['index.js', 'index.js.map']);
    const bundle = fs.readFileSync(path.join(directory, 'index.js'), 'utf8');
    expect(/\/\/# sourceMappingURL=index\.js\.map\s*$/.test(bundle)).toBe(true);
    // Minified: no indentation-heavy lines; CommonJS: no top-level ESM syntax.
    expect(bundle.split('\n').length).toBeLessThan(2000);
    expect(/^export /m.test(bundle)).toBe(false);
    const sourceMap = JSON.parse(fs.readFileSync(path.join(directory, 'index.js.map'), 'utf8')) as {
      sources: string[];
      sourcesContent?: unknown;
    };
    expect(sourceMap.sources.some((source) => source.endsWith(`lambdas/${name}.ts`))).toBe(true);
    expect(sourceMap.sourcesContent).toBeUndefined();
  });

  /**
   * Each handler carries only the code it runs (the cold-start budget, docs/design.md "Bundle size and
   * cold start"): the store is split per resource, the schema descriptions serve /Schemas only, and package.json's
   * `"sideEffects": false` lets esbuild drop modules a handler imports but never uses.
   */
  it.each<[string, readonly ApiFunctionName[]]>([
    ['lambdas/scim/schema/descriptions.ts', ['discovery']],
    ['lambdas/scim/schema/user.ts', ['users', 'discovery']],
    ['lambdas/store/dynamodb-users.ts', ['users']],
    ['lambdas/store/dynamodb-groups.ts', ['groups']],
    ['lambdas/scim/patch/members.ts', ['groups']],
    ['lambdas/auth/file-token-store.ts', []],
    // The page and its token writer serve the setup Lambda only; the SCIM Lambdas only read tokens.
    ['lambdas/setup/page.ts', ['setup']],
    ['lambdas/store/setup-links.ts', ['setup']],
  ])('carries %s only if it is one of %p', (module, carriers) => {
    const sourceMap = JSON.parse(
      fs.readFileSync(path.join(assetDirectory(name), 'index.js.map'), 'utf8'),
    ) as {
      sources: string[];
    };
    expect(sourceMap.sources.some((source) => source.endsWith(module))).toBe(carriers.includes(name));
  });

  /** Validation is plain code (lambdas/scim/validate.ts, patch/request.ts, config.ts): no zod in any Lambda. */
  it('carries no zod', () => {
    const sourceMap = JSON.parse(
      fs.readFileSync(path.join(assetDirectory(name), 'index.js.map'), 'utf8'),
    ) as {
      sources: string[];
    };
    expect(sourceMap.sources.filter((source) => source.includes('node_modules/zod/'))).toEqual([]);
  });

  it('adds under 20% to a bundle of only the AWS SDK clients it uses (the cold-start budget)', async () => {
    const handler = HANDLER_BUNDLES.find((candidate) => candidate.name === name);
    if (handler === undefined) throw new Error(`no SDK floor for ${name}`);
    const floorBytes = await bundleBytes(path.join(outdir, `${name}-sdk-only.js`), {
      contents: handler.sdkOnly,
    });
    // The deployed file, less the source-map comment the floor has no reason to carry.
    const deployed = fs.readFileSync(path.join(assetDirectory(name), 'index.js'), 'utf8');
    const deployedBytes = Buffer.byteLength(deployed.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
    expect(deployedBytes / floorBytes - 1).toBeLessThan(MAX_ADDED_OVER_SDK);
    // esbuild bundles the SDK floor here: seconds on a loaded machine.
  }, 30_000);

  it('carries the AWS SDK instead of requiring the runtime copy', () => {
    const bundle = fs.readFileSync(path.join(assetDirectory(name), 'index.js'), 'utf8');
    // Only the SDK's optional signer probes (inside try/catch) may stay as require calls.
    const sdkRequires = [...bundle.matchAll(/require\(["'](@aws-sdk\/[^"']+)["']\)/g)].map(
      (match) => match[1],
    );
    expect(sdkRequires.filter((module) => !/^@aws-sdk\/signature-v4(a|-crt)$/.test(module ?? ''))).toEqual(
      [],
    );
    expect(bundle.includes('SecretsManagerClient')).toBe(true);
  });

  it('loads and exports handler given the environment the template sets', () => {
    const output = execFileSync(
      process.execPath,
      ['-e', "process.stdout.write(typeof require('./index.js').handler)"],
      {
        cwd: assetDirectory(name),
        env: { PATH: process.env.PATH ?? '', ...runtimeEnvironment(name) },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(output).toBe('function');
  });
});

/**
 * Time limits that fire as deployed: the synthesized users bundle, run by Node with the template's
 * environment, against a black-hole endpoint on loopback (accepts, never answers) in place of Secrets
 * Manager or of DynamoDB (Secrets Manager then answered by a stand-in that knows the tenant). The time to
 * the 503 is measured from the handler call, as a Lambda would run it.
 */
describe('users bundle against a backend that accepts and never answers', () => {
  const tenant = newTenantRecord('acme', new Date('2026-01-01T00:00:00.000Z'));

  /** Runs the bundle's handler once in a fresh Node process; its answer and the time it took. */
  function runBundle(
    endpoints: Record<string, string>,
    rawPath: string,
  ): Promise<{ status: number; retryAfter: string; elapsedMs: number }> {
    const event = makeEvent({ rawPath, headers: { authorization: `Bearer ${tenant.token}` } });
    const script = `
      const { handler } = require('./index.js');
      const started = performance.now();
      const deadline = Date.now() + 27000;
      const context = { awsRequestId: 'r-1', functionName: 'users', getRemainingTimeInMillis: () => deadline - Date.now() };
      handler(JSON.parse(process.env.TEST_EVENT), context).then((result) => {
        const retryAfter = Object.entries(result.headers).find(([name]) => name.toLowerCase() === 'retry-after');
        process.stdout.write('RESULT ' + JSON.stringify({ status: result.statusCode, retryAfter: retryAfter && retryAfter[1], elapsedMs: performance.now() - started }));
        process.exit(0);
      });`;
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['-e', script],
        {
          cwd: assetDirectory('users'),
          env: {
            PATH: process.env.PATH ?? '',
            ...runtimeEnvironment('users'),
            AWS_REGION: 'eu-west-1',
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            TEST_EVENT: JSON.stringify(event),
            ...endpoints,
          },
          encoding: 'utf8',
          timeout: 30_000,
        },
        (error, stdout) => {
          if (error) reject(new Error(`The bundle run failed: ${error.message}`));
          else {
            // The handler's own log lines share stdout.
            const line = stdout.split('\n').find((candidate) => candidate.startsWith('RESULT '));
            resolve(
              JSON.parse(line?.slice('RESULT '.length) ?? 'null') as Awaited<ReturnType<typeof runBundle>>,
            );
          }
        },
      );
    });
  }

  /** Answers every GetSecretValue with the tenant's token record. */
  async function secretsStandIn(): Promise<{ url: string; close: () => Promise<void> }> {
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:scim/dev/tenants/acme-AbCdEf',
            Name: 'scim/dev/tenants/acme',
            SecretString: JSON.stringify(tenant.record),
            VersionId: 'v1',
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${address.port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    };
  }

  it('answers 503 + Retry-After within each client budget, whichever backend hangs', async () => {
    const [secretsHole, tableHole, secrets] = await Promise.all([
      startBlackHole(),
      startBlackHole(),
      secretsStandIn(),
    ]);
    try {
      // Both at once: the wall time of the test is one budget, not two.
      const [secretsHung, tableHung] = await Promise.all([
        runBundle({ AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsHole.url }, '/tenants/acme/scim/v2/Users'),
        runBundle(
          { AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url, AWS_ENDPOINT_URL_DYNAMODB: tableHole.url },
          `/tenants/acme/scim/v2/Users/${randomUUID()}`,
        ),
      ]);
      expect([secretsHung.status, secretsHung.retryAfter]).toEqual([503, '30']);
      expect(secretsHole.connections()).toBe(SECRETS_MANAGER_CLIENT_LIMITS.maxAttempts);
      expect(secretsHung.elapsedMs).toBeLessThan(worstCaseMs(SECRETS_MANAGER_CLIENT_LIMITS));
      expect([tableHung.status, tableHung.retryAfter]).toEqual([503, '30']);
      // Two calls, each with its attempts: the GetItem, and beside it the tenant's request count (the
      // per-tenant limit's UpdateItem, whose hang neither delays nor changes the answer).
      expect(tableHole.connections()).toBe(2 * DYNAMODB_CLIENT_LIMITS.maxAttempts);
      expect(tableHung.elapsedMs).toBeLessThan(worstCaseMs(DYNAMODB_CLIENT_LIMITS));
    } finally {
      await Promise.all([secretsHole.close(), tableHole.close(), secrets.close()]);
    }
  }, 30_000);
});

describe('events bundle', () => {
  const properties = (): Record<string, unknown> => {
    const { stack, template } = synthesised;
    const id = logicalIdOf(stack, stack.events.publisher.function);
    const found = resourcesOfType(template, 'AWS::Lambda::Function')[id]?.Properties;
    if (found === undefined) throw new Error(`no function ${id}`);
    return found;
  };
  const directory = (): string =>
    path.join(outdir, `asset.${(properties().Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`);

  it('carries the publisher and the profile normalisation, and no SCIM request path or Secrets Manager', () => {
    const sourceMap = JSON.parse(fs.readFileSync(path.join(directory(), 'index.js.map'), 'utf8')) as {
      sources: string[];
    };
    const carries = (module: string): boolean => sourceMap.sources.some((source) => source.endsWith(module));
    expect(
      ['lambdas/events.ts', 'lambdas/events/change-events.ts', 'lambdas/scim/profile.ts'].map(carries),
    ).toEqual([true, true, true]);
    expect(
      ['lambdas/http/router.ts', 'lambdas/store/dynamodb-store.ts', 'lambdas/auth/tokens.ts'].map(carries),
    ).toEqual([false, false, false]);
    expect(fs.readFileSync(path.join(directory(), 'index.js'), 'utf8').includes('SecretsManagerClient')).toBe(
      false,
    );
  });

  it('adds under 20% to a bundle of only the EventBridge client and the SDK codec', async () => {
    const floorBytes = await bundleBytes(path.join(outdir, 'events-sdk-only.js'), {
      contents: EVENTS_BUNDLE.sdkOnly,
    });
    const deployed = fs.readFileSync(path.join(directory(), 'index.js'), 'utf8');
    const deployedBytes = Buffer.byteLength(deployed.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'));
    expect(deployedBytes / floorBytes - 1).toBeLessThan(MAX_ADDED_OVER_SDK);
  }, 30_000);

  it('loads and exports handler given the environment the template sets', () => {
    const variables = (properties().Environment as { Variables: Record<string, unknown> }).Variables;
    const env = Object.fromEntries(
      Object.entries(variables).map(([key, value]) => [
        key,
        typeof value === 'string' ? value : key === 'EVENT_BUS_NAME' ? 'serverless-scim-dev' : 'unresolved',
      ]),
    );
    const output = execFileSync(
      process.execPath,
      ['-e', "process.stdout.write(typeof require('./index.js').handler)"],
      {
        cwd: directory(),
        env: { PATH: process.env.PATH ?? '', ...env },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(output).toBe('function');
  });
});
