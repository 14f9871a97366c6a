/**
 * `npm start`: the SCIM service on this machine. See README "Local server".
 *
 *   PORT                    default 8080
 *   SCIM_DATA_DIR           default .data (DynamoDB Local data, tenant token files); survives restarts
 *   SCIM_DYNAMODB_ENDPOINT  use this DynamoDB endpoint instead of starting DynamoDB Local
 *   SCIM_TENANT             default demo
 *   SCIM_TOKEN              the dev tenant's token, (re-)registered on every start; otherwise the token kept in
 *                           the data dir while it is still active, else a new one (kept, printed, announced)
 *   SCIM_EVENTS_WEBHOOK     also POST each change event (written to <data dir>/events.jsonl) to this URL
 *   SCIM_SETUP_REFRESH_SECONDS  the setup page's status refresh, default 30
 *   LOG_LEVEL               default INFO (one JSON access line per request)
 */
import { join } from 'node:path';

import { z } from 'zod';

import { LOG_LEVELS } from '../lambdas/config';
import { EVENTS_FILE } from './local/event-feed';
import { startLocalServer } from './local/server';

const emptyAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);

const envSchema = z.object({
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(65_535).default(8080)),
  SCIM_DATA_DIR: z.preprocess(emptyAsUnset, z.string().default('.data')),
  SCIM_DYNAMODB_ENDPOINT: z.preprocess(emptyAsUnset, z.url({ protocol: /^https?$/ }).optional()),
  SCIM_TENANT: z.preprocess(emptyAsUnset, z.string().default('demo')),
  SCIM_TOKEN: z.preprocess(emptyAsUnset, z.string().min(16).optional()),
  SCIM_EVENTS_WEBHOOK: z.preprocess(emptyAsUnset, z.url({ protocol: /^https?$/ }).optional()),
  SCIM_SETUP_REFRESH_SECONDS: z.preprocess(
    emptyAsUnset,
    z.coerce.number().int().min(1).max(3600).default(30),
  ),
  LOG_LEVEL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .transform((value) => value.toUpperCase())
      .pipe(z.enum(LOG_LEVELS))
      .default('INFO'),
  ),
});

async function main(): Promise<void> {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    // Names the variable and the rule, never the value (SCIM_TOKEN is a secret).
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    console.error(`Invalid environment: ${problems.join('; ')}`);
    process.exit(2);
  }
  const env = parsed.data;
  const server = await startLocalServer({
    port: env.PORT,
    dataDir: env.SCIM_DATA_DIR,
    tenantId: env.SCIM_TENANT,
    logLevel: env.LOG_LEVEL,
    ...(env.SCIM_DYNAMODB_ENDPOINT !== undefined ? { dynamoDbEndpoint: env.SCIM_DYNAMODB_ENDPOINT } : {}),
    ...(env.SCIM_TOKEN !== undefined ? { token: env.SCIM_TOKEN } : {}),
    eventFeed: env.SCIM_EVENTS_WEBHOOK !== undefined ? { webhookUrl: env.SCIM_EVENTS_WEBHOOK } : {},
    setupRefreshSeconds: env.SCIM_SETUP_REFRESH_SECONDS,
  });

  console.log(`SCIM server listening on ${server.url}`);
  console.log(`Tenant URL:   ${server.tenantUrl}`);
  console.log(`Setup link:   ${server.setupLink}`);
  console.log(`Secret Token: ${server.token}`);
  console.log(`Change events: ${join(env.SCIM_DATA_DIR, EVENTS_FILE)}`);
  if (server.tokenSource === 'replaced') {
    console.log(
      'The kept token was revoked or has expired, so it was not restored: this is a new token ' +
        '(paste it wherever the old one was used).',
    );
  }
  console.log('Press Ctrl-C to stop.');

  const shutdown = (signal: string): void => {
    // stop() closes the port before it returns: once this line is printed, new connections are refused
    // while the requests in flight finish.
    const stopped = server.stop();
    console.log(`${signal}: stopping...`);
    stopped.then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Stop failed:', error instanceof Error ? error.message : String(error));
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('Local server failed to start:', error instanceof Error ? error.message : String(error));
  process.exit(1);
});
