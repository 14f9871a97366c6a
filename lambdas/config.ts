/**
 * The Lambdas' (and the local server's) environment, read once at start-up and validated with zod/mini.
 * Domain code never reads process.env: it receives these values as arguments.
 *
 *   TABLE_NAME                required by the Users and Groups handlers (loadConfig), not by discovery
 *   TENANT_SECRET_PREFIX      default "scim/tenants/"; a tenant's secret is `${prefix}${tenantId}`
 *   SECRET_CACHE_TTL_SECONDS  default 60, 0..3600; the token revocation delay on warm Lambdas
 *   LOG_LEVEL                 TRACE|DEBUG|INFO|WARN|ERROR|CRITICAL|SILENT, any case, default INFO
 *   STAGE                     default "local"
 *   POWERTOOLS_SERVICE_NAME   default "serverless-scim"
 *   TOKEN_STORE               "secrets-manager" (default) or "file" (the local server)
 *   SCIM_DATA_DIR             default ".data"; the file token store lives in <dir>/tenants
 *   DYNAMODB_ENDPOINT         optional http(s) URL, e.g. DynamoDB Local
 * An empty variable counts as unset.
 */
import * as z from 'zod/mini';

import { ENGLISH_MESSAGES } from './scim/zod-english';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const emptyAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);
const optionalText = <T extends z.ZodMiniType>(schema: T) => z.pipe(z.transform(emptyAsUnset), schema);

const baseSchema = z.object({
  TENANT_SECRET_PREFIX: optionalText(
    z._default(
      z.string().check(
        z.maxLength(256),
        // Secrets Manager name characters; the prefix is joined directly to the tenant id.
        z.regex(/^[A-Za-z0-9/_+=.@-]+$/, 'must contain only A-Z a-z 0-9 / _ + = . @ -'),
      ),
      'scim/tenants/',
    ),
  ),
  SECRET_CACHE_TTL_SECONDS: optionalText(
    z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(3600)), 60),
  ),
  LOG_LEVEL: optionalText(
    z._default(
      z.pipe(
        z.pipe(
          z.string(),
          z.transform((value: string) => value.toUpperCase()),
        ),
        z.enum(LOG_LEVELS),
      ),
      'INFO',
    ),
  ),
  STAGE: optionalText(
    z._default(z.string().check(z.regex(/^[a-z0-9-]{1,32}$/, 'must be 1-32 of a-z 0-9 -')), 'local'),
  ),
  POWERTOOLS_SERVICE_NAME: optionalText(z._default(z.string().check(z.minLength(1)), 'serverless-scim')),
  TOKEN_STORE: optionalText(z._default(z.enum(['secrets-manager', 'file']), 'secrets-manager')),
  SCIM_DATA_DIR: optionalText(z._default(z.string().check(z.minLength(1)), '.data')),
  DYNAMODB_ENDPOINT: optionalText(z.optional(z.url({ protocol: /^https?$/ }))),
});

const withTableSchema = z.extend(baseSchema, {
  TABLE_NAME: optionalText(
    z
      .string({ error: 'is required' })
      .check(z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'is not a DynamoDB table name')),
  ),
});

export interface BaseConfig {
  readonly tenantSecretPrefix: string;
  readonly secretCacheTtlSeconds: number;
  readonly logLevel: LogLevel;
  readonly stage: string;
  readonly serviceName: string;
  readonly tokenStore: 'secrets-manager' | 'file';
  readonly dataDir: string;
  readonly dynamoDbEndpoint: string | undefined;
}

export interface Config extends BaseConfig {
  readonly tableName: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function fail(error: z.core.$ZodError): never {
  // Names the variable and the rule, never the value.
  const problems = error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`);
  throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
}

function toBaseConfig(env: z.infer<typeof baseSchema>): BaseConfig {
  return {
    tenantSecretPrefix: env.TENANT_SECRET_PREFIX,
    secretCacheTtlSeconds: env.SECRET_CACHE_TTL_SECONDS,
    logLevel: env.LOG_LEVEL,
    stage: env.STAGE,
    serviceName: env.POWERTOOLS_SERVICE_NAME,
    tokenStore: env.TOKEN_STORE,
    dataDir: env.SCIM_DATA_DIR,
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT,
  };
}

/** Configuration of a handler that needs no table (discovery). */
export function loadBaseConfig(env: Env = process.env): BaseConfig {
  const parsed = baseSchema.safeParse(env, ENGLISH_MESSAGES);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze(toBaseConfig(parsed.data));
}

/** Configuration of the Users and Groups handlers: TABLE_NAME is required. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = withTableSchema.safeParse(env, ENGLISH_MESSAGES);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze({ ...toBaseConfig(parsed.data), tableName: parsed.data.TABLE_NAME });
}
