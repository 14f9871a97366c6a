/**
 * The Lambdas' environment, read once at start-up and validated with zod/mini.
 * Domain code never reads process.env: it receives these values as arguments.
 *
 *   TABLE_NAME                required by the Users and Groups handlers (loadConfig), not by discovery
 *   TENANT_SECRET_PREFIX      default "scim/tenants/"; a tenant's secret is `${prefix}${tenantId}`
 *   SECRET_CACHE_TTL_SECONDS  default 60, 0..3600; the token revocation delay on warm Lambdas
 *   LOG_LEVEL                 TRACE|DEBUG|INFO|WARN|ERROR|CRITICAL|SILENT, any case, default INFO
 *   STAGE                     default "local"
 *   POWERTOOLS_SERVICE_NAME   default "serverless-scim"
 *   DYNAMODB_ENDPOINT         optional http(s) URL, e.g. DynamoDB Local
 *   EVENT_BUS_NAME            required by the events handler (loadEventsConfig): the bus it puts to
 *   USERS_FUNCTION_NAME,      required by the catch-all (discovery) Lambda (loadCatchAllConfig): the
 *   GROUPS_FUNCTION_NAME      Lambdas it hands other-cased or slashed resource paths to
 * An empty variable counts as unset.
 */
import * as z from 'zod/mini';

import { matches, maxLength, oneOf, rule } from './scim/zod-checks';
import { ENGLISH_MESSAGES } from './scim/zod-english';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const emptyAsUnset = (value: unknown): unknown => (value === '' ? undefined : value);
const variable = <T extends z.ZodMiniType>(schema: T) => z.pipe(z.transform(emptyAsUnset), schema);
/** A variable that may be unset: toBaseConfig supplies the defaults. */
const optionalVariable = <T extends z.ZodMiniType>(schema: T) => variable(z.optional(schema));

/** What z.coerce.number().check(z.int(), z.gte(minimum), z.lte(maximum)) accepted, with the same issues. */
const integerBetween = (minimum: number, maximum: number) =>
  z
    .transform((text: string, payload): number => {
      const value = Number(text);
      // As z.number() did; the issue, not marked to continue, stops the checks below.
      if (!Number.isFinite(value))
        payload.issues.push({ code: 'invalid_type', expected: 'number', input: value });
      return value;
    })
    .check(
      rule(Number.isInteger, { code: 'invalid_type', expected: 'int' }, true),
      rule((value: number) => value <= Number.MAX_SAFE_INTEGER, {
        code: 'too_big',
        origin: 'int',
        maximum: Number.MAX_SAFE_INTEGER,
        inclusive: true,
      }),
      rule((value: number) => value >= Number.MIN_SAFE_INTEGER, {
        code: 'too_small',
        origin: 'int',
        minimum: Number.MIN_SAFE_INTEGER,
        inclusive: true,
      }),
      rule((value: number) => value >= minimum, {
        code: 'too_small',
        origin: 'number',
        minimum,
        inclusive: true,
      }),
      rule((value: number) => value <= maximum, {
        code: 'too_big',
        origin: 'number',
        maximum,
        inclusive: true,
      }),
    );

/**
 * An http(s) URL, read as z.url({ protocol: /^https?$/ }) read it: trimmed, with "://" after the scheme,
 * parsed by URL; tabs and line breaks, which URL ignores, are taken out.
 */
const httpUrl = z.pipe(
  z.string(),
  z.transform((text: string, payload): string => {
    const trimmed = text.trim();
    if (/^https?:\/\//i.test(trimmed) && URL.canParse(trimmed)) return trimmed.replace(/[\t\n\r]/g, '');
    payload.issues.push({ code: 'invalid_format', format: 'url', input: text });
    return z.NEVER;
  }),
);

const baseShape = {
  TENANT_SECRET_PREFIX: optionalVariable(
    z.string().check(
      maxLength(256),
      // Secrets Manager name characters; the prefix is joined directly to the tenant id.
      matches(/^[A-Za-z0-9/_+=.@-]+$/, 'must contain only A-Z a-z 0-9 / _ + = . @ -'),
    ),
  ),
  SECRET_CACHE_TTL_SECONDS: optionalVariable(integerBetween(0, 3600)),
  LOG_LEVEL: optionalVariable(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((value: string) => value.toUpperCase()),
      ),
      oneOf(LOG_LEVELS),
    ),
  ),
  STAGE: optionalVariable(z.string().check(matches(/^[a-z0-9-]{1,32}$/, 'must be 1-32 of a-z 0-9 -'))),
  // No length check needed: an empty variable is unset.
  POWERTOOLS_SERVICE_NAME: optionalVariable(z.string()),
  DYNAMODB_ENDPOINT: optionalVariable(httpUrl),
};

// Each Lambda's schema is built when its loader runs: built at module level, every bundle would carry every
// Lambda's schema (zod calls are not side-effect free to esbuild), bytes against the cold-start budget.
const baseSchema = () => z.object(baseShape);

const withTableSchema = () =>
  z.object({
    ...baseShape,
    TABLE_NAME: variable(
      z
        .string({ error: 'is required' })
        .check(matches(/^[A-Za-z0-9_.-]{3,255}$/, 'is not a DynamoDB table name')),
    ),
  });

const withEventBusSchema = () =>
  z.object({
    ...baseShape,
    EVENT_BUS_NAME: variable(
      z
        .string({ error: 'is required' })
        .check(matches(/^[A-Za-z0-9._-]{1,256}$/, 'is not an EventBridge bus name')),
    ),
  });

export interface BaseConfig {
  readonly tenantSecretPrefix: string;
  readonly secretCacheTtlSeconds: number;
  readonly logLevel: LogLevel;
  readonly stage: string;
  readonly serviceName: string;
  readonly dynamoDbEndpoint: string | undefined;
}

export interface Config extends BaseConfig {
  readonly tableName: string;
}

/** The variables naming the Lambda each resource path is handed to by the catch-all Lambda. */
export const HAND_OFF_FUNCTION_VARIABLES = {
  users: 'USERS_FUNCTION_NAME',
  groups: 'GROUPS_FUNCTION_NAME',
} as const;
export type HandOffTarget = keyof typeof HAND_OFF_FUNCTION_VARIABLES;

/** A Lambda function name (or ARN), as Lambda's Invoke accepts it. */
const functionName = () =>
  variable(
    z
      .string({ error: 'is required' })
      .check(matches(/^[A-Za-z0-9_:.-]{1,170}$/, 'is not a Lambda function name')),
  );

const catchAllSchema = () =>
  z.object({
    ...baseShape,
    [HAND_OFF_FUNCTION_VARIABLES.users]: functionName(),
    [HAND_OFF_FUNCTION_VARIABLES.groups]: functionName(),
  });

export interface CatchAllConfig extends BaseConfig {
  readonly handOffFunctions: Readonly<Record<HandOffTarget, string>>;
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

function toBaseConfig(env: z.infer<ReturnType<typeof baseSchema>>): BaseConfig {
  return {
    tenantSecretPrefix: env.TENANT_SECRET_PREFIX ?? 'scim/tenants/',
    secretCacheTtlSeconds: env.SECRET_CACHE_TTL_SECONDS ?? 60,
    logLevel: env.LOG_LEVEL ?? 'INFO',
    stage: env.STAGE ?? 'local',
    serviceName: env.POWERTOOLS_SERVICE_NAME ?? 'serverless-scim',
    dynamoDbEndpoint: env.DYNAMODB_ENDPOINT,
  };
}

/** Configuration of a handler that needs no table (discovery). */
export function loadBaseConfig(env: Env = process.env): BaseConfig {
  const parsed = baseSchema().safeParse(env, ENGLISH_MESSAGES);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze(toBaseConfig(parsed.data));
}

/** Configuration of the Users and Groups handlers: TABLE_NAME is required. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = withTableSchema().safeParse(env, ENGLISH_MESSAGES);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze({ ...toBaseConfig(parsed.data), tableName: parsed.data.TABLE_NAME });
}

export interface EventsConfig extends BaseConfig {
  readonly eventBusName: string;
}

/** Configuration of the events handler: EVENT_BUS_NAME is required. */
export function loadEventsConfig(env: Env = process.env): EventsConfig {
  const parsed = withEventBusSchema().safeParse(env, ENGLISH_MESSAGES);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze({ ...toBaseConfig(parsed.data), eventBusName: parsed.data.EVENT_BUS_NAME });
}

/** Configuration of the catch-all (discovery) Lambda: the functions it hands resource paths to. */
export function loadCatchAllConfig(env: Env = process.env): CatchAllConfig {
  const parsed = catchAllSchema().safeParse(env, ENGLISH_MESSAGES);
  if (!parsed.success) fail(parsed.error);
  return Object.freeze({
    ...toBaseConfig(parsed.data),
    handOffFunctions: Object.freeze({
      users: parsed.data[HAND_OFF_FUNCTION_VARIABLES.users],
      groups: parsed.data[HAND_OFF_FUNCTION_VARIABLES.groups],
    }),
  });
}
