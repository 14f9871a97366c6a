/**
 * The Lambdas' (and the local server's) environment, read once at start-up and validated with zod.
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
import { z } from 'zod';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const emptyAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);
const optionalText = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUnset, schema);

const baseSchema = z.object({
  TENANT_SECRET_PREFIX: optionalText(
    z
      .string()
      .max(256)
      // Secrets Manager name characters; the prefix is joined directly to the tenant id.
      .regex(/^[A-Za-z0-9/_+=.@-]+$/, 'must contain only A-Z a-z 0-9 / _ + = . @ -')
      .default('scim/tenants/'),
  ),
  SECRET_CACHE_TTL_SECONDS: optionalText(z.coerce.number().int().min(0).max(3600).default(60)),
  LOG_LEVEL: optionalText(
    z
      .string()
      .transform((value) => value.toUpperCase())
      .pipe(z.enum(LOG_LEVELS))
      .default('INFO'),
  ),
  STAGE: optionalText(
    z
      .string()
      .regex(/^[a-z0-9-]{1,32}$/, 'must be 1-32 of a-z 0-9 -')
      .default('local'),
  ),
  POWERTOOLS_SERVICE_NAME: optionalText(z.string().min(1).default('serverless-scim')),
  TOKEN_STORE: optionalText(z.enum(['secrets-manager', 'file']).default('secrets-manager')),
  SCIM_DATA_DIR: optionalText(z.string().min(1).default('.data')),
  DYNAMODB_ENDPOINT: optionalText(z.url({ protocol: /^https?$/ }).optional()),
});

const withTableSchema = baseSchema.extend({
  TABLE_NAME: optionalText(
    z.string({ error: 'is required' }).regex(/^[A-Za-z0-9_.-]{3,255}$/, 'is not a DynamoDB table name'),
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

function fail(error: z.ZodError): never {
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
  const parsed = baseSchema.safeParse(env);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze(toBaseConfig(parsed.data));
}

/** Configuration of the Users and Groups handlers: TABLE_NAME is required. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = withTableSchema.safeParse(env);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze({ ...toBaseConfig(parsed.data), tableName: parsed.data.TABLE_NAME });
}
