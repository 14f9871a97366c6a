/**
 * Per-stage deployment settings, read from cdk.json context (`stages`) and validated before any construct
 * is created, so a typo fails `cdk synth` with a message that names the stage and the setting.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { z } from 'zod';
import { isJsonObject } from '../lambdas/scim/json';
import { tenantRequestLimitProblem } from '../lambdas/tenant-request-limit';
import { SETUP_FUNCTION, forEachFunction } from './routes';

/** The stage that must never lose data: its table and logs are always retained. */
export const PRODUCTION_STAGE = 'prod';

const VALID_RETENTION_DAYS: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number',
);

/** Characters Secrets Manager allows in a secret name. */
const SECRET_NAME_PREFIX = /^[A-Za-z0-9/_+=.@-]+\/$/;

const stageNameSchema = z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, {
  message: 'a stage name is 1-20 lower-case letters, digits or dashes, starting with a letter',
});

const customDomainSchema = z.strictObject({
  /** e.g. scim.example.com; the DNS record (CNAME/alias to the regional target) is created by the operator. */
  domainName: z.string().regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
    message: 'expected a lower-case DNS name such as scim.example.com',
  }),
  /** An ACM certificate in the stack's region covering domainName. */
  certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, {
    message: 'expected an ACM certificate ARN',
  }),
});

const stageSettingsSchema = z.strictObject({
  /** Pin the stage to one account/region so `-c stage=prod` cannot deploy into the wrong account. */
  account: z
    .string()
    .regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' })
    .optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'expected an AWS region such as eu-west-1' })
    .optional(),
  /**
   * API Gateway stage throttling, shared by all tenants. HTTP APIs apply it to each route separately
   * (DefaultRouteSettings), not to the API as a whole (docs/deploy.md).
   */
  throttle: z.strictObject({
    rateLimit: z.number().positive(),
    burstLimit: z.number().int().positive(),
  }),
  /**
   * The per-tenant request limit (lambdas/tenant-request-limit.ts), counted across all containers: each
   * tenant may make burstLimit requests in each fixed window of burstLimit / rateLimit seconds; beyond
   * it, 429 + Retry-After.
   */
  tenantThrottle: z
    .strictObject({ rateLimit: z.number().int().min(1), burstLimit: z.number().int().min(1) })
    .superRefine((limit, context) => {
      const problem = tenantRequestLimitProblem({ ratePerSecond: limit.rateLimit, burst: limit.burstLimit });
      if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
    }),
  /**
   * Concurrent executions reserved for each function: a backend brown-out (every request waiting for its
   * time limit) cannot take the account's whole concurrency, and one function cannot starve another.
   */
  reservedConcurrency: z.strictObject({
    ...forEachFunction(() => z.number().int().min(1)),
    // Small: a handful of admins at a time; it also bounds what a flood of reveals can cost.
    [SETUP_FUNCTION]: z.number().int().min(1),
  }),
  logRetentionDays: z.number().refine((days) => VALID_RETENTION_DAYS.includes(days), {
    message: `must be one of CloudWatch Logs' retention periods: ${VALID_RETENTION_DAYS.join(', ')}`,
  }),
  /** retain: table and logs survive stack deletion and the table has deletion protection. */
  removalPolicy: z.enum(['retain', 'destroy']),
  alarmEmail: z.email(),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  secretCacheTtlSeconds: z.number().int().min(0).max(3600),
  /**
   * Tenant secrets are named `${tenantSecretPrefix}${tenantId}`. Defaults to a per-stage prefix so that
   * two stages in one account can never read each other's tenant tokens.
   */
  tenantSecretPrefix: z
    .string()
    .regex(SECRET_NAME_PREFIX, {
      message: 'expected secret-name characters ending in "/", e.g. scim/prod/tenants/',
    })
    .optional(),
  customDomain: customDomainSchema.optional(),
  /** How long the bus's archive keeps change events to replay (docs/events.md); 0 keeps them forever. */
  eventArchiveRetentionDays: z.number().int().min(0).max(3650).optional(),
  /** One rule delivering every change event to an SQS queue for the platform (default on). */
  platformEventQueue: z.boolean().optional(),
});

export type StageSettings = z.infer<typeof stageSettingsSchema>;

export interface StageConfig extends Omit<
  StageSettings,
  'tenantSecretPrefix' | 'eventArchiveRetentionDays' | 'platformEventQueue'
> {
  readonly stageName: string;
  readonly tenantSecretPrefix: string;
  readonly eventArchiveRetentionDays: number;
  readonly platformEventQueue: boolean;
}

/** When cdk.json does not say: a month of events to replay. */
export const DEFAULT_EVENT_ARCHIVE_RETENTION_DAYS = 30;

export class StageConfigError extends Error {
  override readonly name = 'StageConfigError';
}

function knownStagesText(stages: Record<string, unknown>): string {
  const names = Object.keys(stages).sort();
  return names.length > 0 ? names.join(', ') : '(none: add "stages" to the context in cdk.json)';
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(settings)'}: ${issue.message}`)
    .join('; ');
}

export interface StageContext {
  /** The `stages` object from cdk.json context. */
  readonly stages: unknown;
  /** `-c stage=<name>`. */
  readonly stage: unknown;
  /** `-c alarmEmail=<address>`: overrides the stage's address without editing cdk.json. */
  readonly alarmEmail?: unknown;
}

/** Picks and validates one stage's settings; throws StageConfigError with an operator-readable message. */
export function resolveStageConfig(context: StageContext): StageConfig {
  const stages = isJsonObject(context.stages) ? context.stages : {};
  if (context.stage === undefined || context.stage === '') {
    throw new StageConfigError(
      `No stage given. Run e.g. \`npx cdk deploy -c stage=dev\` (\`cdk bootstrap\` in this project needs \`-c stage=<name>\` too). Known stages: ${knownStagesText(stages)}.`,
    );
  }
  const stageName = stageNameSchema.safeParse(context.stage);
  if (!stageName.success) {
    throw new StageConfigError(`Invalid stage name: ${issuesText(stageName.error)}.`);
  }
  const name = stageName.data;
  if (!Object.hasOwn(stages, name)) {
    throw new StageConfigError(
      `Unknown stage "${name}". Known stages: ${knownStagesText(stages)} (context "stages" in cdk.json).`,
    );
  }
  const rawSettings: unknown = stages[name];
  const withOverride =
    context.alarmEmail !== undefined && isJsonObject(rawSettings)
      ? { ...rawSettings, alarmEmail: context.alarmEmail }
      : rawSettings;
  const settings = stageSettingsSchema.safeParse(withOverride);
  if (!settings.success) {
    throw new StageConfigError(
      `Invalid settings for stage "${name}" in cdk.json: ${issuesText(settings.error)}.`,
    );
  }
  if (name === PRODUCTION_STAGE && settings.data.removalPolicy !== 'retain') {
    throw new StageConfigError(
      `Stage "${PRODUCTION_STAGE}" must use removalPolicy "retain": its table holds customer data.`,
    );
  }
  return {
    ...settings.data,
    stageName: name,
    tenantSecretPrefix: settings.data.tenantSecretPrefix ?? `scim/${name}/tenants/`,
    eventArchiveRetentionDays:
      settings.data.eventArchiveRetentionDays ?? DEFAULT_EVENT_ARCHIVE_RETENTION_DAYS,
    platformEventQueue: settings.data.platformEventQueue ?? true,
  };
}
