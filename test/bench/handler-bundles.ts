/**
 * The cold-start budget's two sides, shared by the HTTP benchmark (test/bench/http.bench.ts) and the
 * bundling test (test/infra/bundling.test.ts): each handler's entry, and a module creating only the AWS
 * SDK clients that handler uses (the floor no handler can go below), both bundled with the options the
 * CDK stack uses (lib/scim-function.ts).
 */
import { build } from 'esbuild';
import { join, resolve } from 'node:path';

import type { SETUP_FUNCTION, ScimFunctionName } from '../../lib/routes';

/** Issue 4: our code may add under 20% to the bundle of the SDK clients alone. */
export const MAX_ADDED_OVER_SDK = 0.2;

const DYNAMODB_AND_SECRETS = `
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
export const clients = [DynamoDBDocumentClient.from(new DynamoDBClient({})), new SecretsManagerClient({})];
`;
const SECRETS_AND_LAMBDA = `
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
export const clients = [new SecretsManagerClient({}), new LambdaClient({}), InvokeCommand];
`;

export interface HandlerBundle {
  /** The SCIM handlers and the setup page: the Lambdas behind the HTTP API. */
  readonly name: ScimFunctionName | typeof SETUP_FUNCTION;
  readonly entry: string;
  /** The SDK clients the handler creates, as a module that creates them too. */
  readonly sdkOnly: string;
}

export const HANDLER_BUNDLES: readonly HandlerBundle[] = [
  { name: 'users', entry: 'lambdas/users.ts', sdkOnly: DYNAMODB_AND_SECRETS },
  { name: 'groups', entry: 'lambdas/groups.ts', sdkOnly: DYNAMODB_AND_SECRETS },
  { name: 'discovery', entry: 'lambdas/discovery.ts', sdkOnly: SECRETS_AND_LAMBDA },
  { name: 'setup', entry: 'lambdas/setup.ts', sdkOnly: DYNAMODB_AND_SECRETS },
];

/** The events Lambda (lib/events.ts): EventBridge, and the SDK's codec for stream images. */
export const EVENTS_BUNDLE = {
  name: 'events',
  entry: 'lambdas/events.ts',
  sdkOnly: `
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { unmarshall } from '@aws-sdk/util-dynamodb';
export const clients = [new EventBridgeClient({}), unmarshall];
`,
} as const;

const ROOT = resolve(__dirname, '../..');

/** Bundles `source` as the stack does (minified CommonJS for node22, AWS SDK inside); returns its bytes. */
export async function bundleBytes(
  outfile: string,
  source: { readonly entry: string } | { readonly contents: string },
): Promise<number> {
  const result = await build({
    ...('entry' in source
      ? { entryPoints: [join(ROOT, source.entry)] }
      : { stdin: { contents: source.contents, resolveDir: ROOT, loader: 'ts' } }),
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    outfile,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.values(result.metafile.outputs).reduce((total, output) => total + output.bytes, 0);
}
