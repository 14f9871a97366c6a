/**
 * The one test that really bundles: the three real handler entries with the local esbuild, as
 * `cdk synth` does. Each bundle must carry the AWS SDK and a source map, and must load in a fresh Node
 * process given exactly the environment the template sets (which also checks the env var contract
 * against the handlers' own start-up validation).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCIM_FUNCTION_NAMES, type ScimFunctionName } from '../../lib/routes';
import { DEFAULT_HANDLER_ENTRIES } from '../../lib/scim-stack';
import { HANDLER_BUNDLES, MAX_ADDED_OVER_SDK, bundleBytes } from '../bench/handler-bundles';
import { type Synthesised, logicalIdOf, resourcesOfType, synthStage } from './synth';

let outdir: string;
let synthesised: Synthesised;

beforeAll(() => {
  outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'scim-cdk-'));
  synthesised = synthStage('dev', { bundle: true, outdir, handlerEntries: DEFAULT_HANDLER_ENTRIES });
}, 120_000);

afterAll(() => {
  fs.rmSync(outdir, { recursive: true, force: true });
});

function functionProperties(name: ScimFunctionName): Record<string, unknown> {
  const { stack, template } = synthesised;
  const id = logicalIdOf(stack, stack.functions[name].function);
  const properties = resourcesOfType(template, 'AWS::Lambda::Function')[id]?.Properties;
  if (properties === undefined) throw new Error(`no function ${id}`);
  return properties;
}

function assetDirectory(name: ScimFunctionName): string {
  const code = functionProperties(name).Code as { S3Key: string };
  return path.join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

/** The template's environment with CloudFormation references replaced by plausible literal values. */
function runtimeEnvironment(name: ScimFunctionName): Record<string, string> {
  const variables = (functionProperties(name).Environment as { Variables: Record<string, unknown> })
    .Variables;
  return Object.fromEntries(
    Object.entries(variables).map(([key, value]) => [
      key,
      typeof value === 'string'
        ? value
        : key === 'TABLE_NAME'
          ? 'ServerlessScim-dev-Table1234'
          : 'unresolved',
    ]),
  );
}

describe.each(SCIM_FUNCTION_NAMES)('%s bundle', (name) => {
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
  it.each<[string, readonly ScimFunctionName[]]>([
    ['lambdas/scim/schema/descriptions.ts', ['discovery']],
    ['lambdas/scim/schema/user.ts', ['users', 'discovery']],
    ['lambdas/store/dynamodb-users.ts', ['users']],
    ['lambdas/store/dynamodb-groups.ts', ['groups']],
    ['lambdas/scim/patch/members.ts', ['groups']],
    ['lambdas/auth/file-token-store.ts', []],
    ['node_modules/zod/v4/locales/en.js', []],
  ])('carries %s only if it is one of %p', (module, carriers) => {
    const sourceMap = JSON.parse(
      fs.readFileSync(path.join(assetDirectory(name), 'index.js.map'), 'utf8'),
    ) as {
      sources: string[];
    };
    expect(sourceMap.sources.some((source) => source.endsWith(module))).toBe(carriers.includes(name));
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
