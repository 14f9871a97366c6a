/**
 * The Lambdas' environment, read once at start-up and validated.
 * Domain code never reads process.env: it receives these values as arguments.
 *
 *   TABLE_NAME                required by the Users and Groups handlers (loadConfig), not by discovery
 *   TENANT_SECRET_PREFIX      default "scim/tenants/"; a tenant's secret is `${prefix}${tenantId}`
 *   SECRET_CACHE_TTL_SECONDS  default 60, 0..3600; the token revocation delay on warm Lambdas
 *   LOG_LEVEL                 TRACE|DEBUG|INFO|WARN|ERROR|CRITICAL|SILENT, any case, default INFO
 *   STAGE                     default "local"
 *   POWERTOOLS_SERVICE_NAME   default "serverless-scim"
 *   DYNAMODB_ENDPOINT         optional http(s) URL, e.g. DynamoDB Local
 *   TENANT_RATE_LIMIT         optional, with TENANT_BURST_LIMIT: the per-tenant request limit of the Users
 *   TENANT_BURST_LIMIT        and Groups handlers (lambdas/tenant-request-limit.ts); both or neither, none
 *                             means no per-tenant limit (the local server); the deployed stack sets both
 *   EVENT_BUS_NAME            required by the events handler (loadEventsConfig): the bus it puts to
 *   <FUNCTION>_FUNCTION_NAME  required by the catch-all (discovery) Lambda (loadCatchAllConfig), one per
 *                             resource type (USERS_, GROUPS_): the Lambdas it hands other-cased or
 *                             slashed resource paths to
 * An empty variable counts as unset.
 */
import { codePoints, expectedOneOf, expectedType, tooBig, tooSmall } from './scim/issues';
import { RESOURCE_TYPES, type ResourceFunctionName } from './scim/schema/resource-types';
import { type TenantRequestLimit, tenantRequestLimitProblem } from './tenant-request-limit';

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Reads one variable's (non-empty) text: its value, or undefined after adding problems to `problems`.
 * Problems name the rule broken, never the value.
 */
type Reader<T> = (text: string, problems: string[]) => T | undefined;

/** A variable's reader, and whether the variable must be set. */
interface Variable<T, Required extends boolean> {
  readonly read: Reader<T>;
  readonly required: Required;
}

const optional = <T>(read: Reader<T>): Variable<T, false> => ({ read, required: false });
const required = <T>(read: Reader<T>): Variable<T, true> => ({ read, required: true });

type Spec = Readonly<Record<string, Variable<unknown, boolean>>>;
type Values<S extends Spec> = {
  readonly [K in keyof S]: S[K] extends Variable<infer T, true>
    ? T
    : S[K] extends Variable<infer T, boolean>
      ? T | undefined
      : never;
};

/** A string matching `pattern` (else the problem is `message`), of at most `maximumLength` characters. */
const text =
  (pattern?: RegExp, message?: string, maximumLength?: number): Reader<string> =>
  (value, problems) => {
    const from = problems.length;
    if (maximumLength !== undefined && codePoints(value) > maximumLength)
      problems.push(tooBig('string', maximumLength));
    if (pattern && message && !pattern.test(value)) problems.push(message);
    return problems.length === from ? value : undefined;
  };

/**
 * An integer read as JavaScript reads a number (`Number(text)`: " 15 " and "1e3" are numbers) and
 * checked against the safe integers and [minimum, maximum]; every bound broken is named.
 */
const integerBetween =
  (minimum: number, maximum: number): Reader<number> =>
  (value, problems) => {
    const number = Number(value);
    if (!Number.isFinite(number)) problems.push(expectedType('number', number));
    else if (!Number.isInteger(number)) problems.push(expectedType('int', number));
    else {
      const from = problems.length;
      if (number > Number.MAX_SAFE_INTEGER) problems.push(tooBig('int', Number.MAX_SAFE_INTEGER));
      if (number < Number.MIN_SAFE_INTEGER) problems.push(tooSmall('int', Number.MIN_SAFE_INTEGER));
      if (number < minimum) problems.push(tooSmall('number', minimum));
      if (number > maximum) problems.push(tooBig('number', maximum));
      if (problems.length === from) return number;
    }
    return undefined;
  };

const logLevel: Reader<LogLevel> = (value, problems) => {
  const upper = value.toUpperCase();
  const level = LOG_LEVELS.find((candidate) => candidate === upper);
  if (level === undefined) problems.push(expectedOneOf(LOG_LEVELS));
  return level;
};

/**
 * An http(s) URL: trimmed, with "://" after the scheme, parsed by URL; tabs and line breaks, which URL
 * ignores, are taken out.
 */
const httpUrl: Reader<string> = (value, problems) => {
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed) && URL.canParse(trimmed)) return trimmed.replace(/[\t\n\r]/g, '');
  problems.push('Invalid URL');
  return undefined;
};

const BASE_VARIABLES = {
  TENANT_SECRET_PREFIX: optional(
    // Secrets Manager name characters; the prefix is joined directly to the tenant id.
    text(/^[A-Za-z0-9/_+=.@-]+$/, 'must contain only A-Z a-z 0-9 / _ + = . @ -', 256),
  ),
  SECRET_CACHE_TTL_SECONDS: optional(integerBetween(0, 3600)),
  LOG_LEVEL: optional(logLevel),
  STAGE: optional(text(/^[a-z0-9-]{1,32}$/, 'must be 1-32 of a-z 0-9 -')),
  // No length check needed: an empty variable is unset.
  POWERTOOLS_SERVICE_NAME: optional(text()),
  DYNAMODB_ENDPOINT: optional(httpUrl),
} as const;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The variables of `spec` read from `env`, in order; an empty variable counts as unset.
 * @throws ConfigError naming every variable in error and the rule it breaks, never the value.
 */
function readEnvironment<S extends Spec>(env: Env, spec: S): Values<S> {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(spec)) {
    const value = env[name];
    if (value === undefined || value === '') {
      if (variable.required) problems.push(`${name}: is required`);
      continue;
    }
    const found: string[] = [];
    values[name] = variable.read(value, found);
    problems.push(...found.map((problem) => `${name}: ${problem}`));
  }
  if (problems.length) throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
  return values as Values<S>;
}

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
  /** Undefined: no per-tenant request limit. */
  readonly tenantRequestLimit: TenantRequestLimit | undefined;
}

/** The variables naming the Lambda each resource path is handed to by the catch-all Lambda. */
export type HandOffTarget = ResourceFunctionName;

/** `users` -> USERS_FUNCTION_NAME: one variable per registered resource type's Lambda. */
export const handOffVariable = (target: HandOffTarget): string => `${target.toUpperCase()}_FUNCTION_NAME`;

export interface CatchAllConfig extends BaseConfig {
  readonly handOffFunctions: Readonly<Record<HandOffTarget, string>>;
}

function toBaseConfig(env: Values<typeof BASE_VARIABLES>): BaseConfig {
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
  return Object.freeze(toBaseConfig(readEnvironment(env, BASE_VARIABLES)));
}

/** The per-tenant request limit: both variables or neither, meeting tenantRequestLimitProblem's rule. */
function toTenantRequestLimit(
  rate: number | undefined,
  burst: number | undefined,
): TenantRequestLimit | undefined {
  if (rate === undefined && burst === undefined) return undefined;
  if (rate === undefined || burst === undefined)
    throw new ConfigError(
      'Invalid environment: TENANT_RATE_LIMIT and TENANT_BURST_LIMIT: set both or neither',
    );
  const limit = { ratePerSecond: rate, burst };
  const problem = tenantRequestLimitProblem(limit);
  if (problem !== undefined)
    throw new ConfigError(`Invalid environment: TENANT_RATE_LIMIT and TENANT_BURST_LIMIT: ${problem}`);
  return limit;
}

/** Configuration of the Users and Groups handlers: TABLE_NAME is required. */
export function loadConfig(env: Env = process.env): Config {
  const values = readEnvironment(env, {
    ...BASE_VARIABLES,
    TABLE_NAME: required(text(/^[A-Za-z0-9_.-]{3,255}$/, 'is not a DynamoDB table name')),
    TENANT_RATE_LIMIT: optional(integerBetween(1, 100_000)),
    TENANT_BURST_LIMIT: optional(integerBetween(1, 6_000_000)),
  });
  return Object.freeze({
    ...toBaseConfig(values),
    tableName: values.TABLE_NAME,
    tenantRequestLimit: toTenantRequestLimit(values.TENANT_RATE_LIMIT, values.TENANT_BURST_LIMIT),
  });
}

export interface EventsConfig extends BaseConfig {
  readonly eventBusName: string;
}

/** Configuration of the events handler: EVENT_BUS_NAME is required. */
export function loadEventsConfig(env: Env = process.env): EventsConfig {
  const values = readEnvironment(env, {
    ...BASE_VARIABLES,
    EVENT_BUS_NAME: required(text(/^[A-Za-z0-9._-]{1,256}$/, 'is not an EventBridge bus name')),
  });
  return Object.freeze({ ...toBaseConfig(values), eventBusName: values.EVENT_BUS_NAME });
}

/** Configuration of the catch-all (discovery) Lambda: the functions it hands resource paths to. */
export function loadCatchAllConfig(env: Env = process.env): CatchAllConfig {
  // Built here, as the other loaders' own variables are: only the discovery bundle carries it.
  /** A Lambda function name (or ARN), as Lambda's Invoke accepts it. */
  const functionName = required(text(/^[A-Za-z0-9_:.-]{1,170}$/, 'is not a Lambda function name'));
  const targets = RESOURCE_TYPES.map((type) => type.functionName);
  const values = readEnvironment(env, {
    ...BASE_VARIABLES,
    ...Object.fromEntries(targets.map((target) => [handOffVariable(target), functionName])),
  });
  const handOffFunctions = Object.fromEntries(
    targets.map((target) => [
      target,
      String((values as Readonly<Record<string, unknown>>)[handOffVariable(target)]),
    ]),
  ) as Record<HandOffTarget, string>;
  return Object.freeze({ ...toBaseConfig(values), handOffFunctions: Object.freeze(handOffFunctions) });
}
