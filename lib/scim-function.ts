/**
 * One SCIM handler Lambda with its own role and log group. The role starts empty (no managed policies):
 * the stack adds exactly what each handler needs.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { SETUP_FUNCTION, ScimFunctionName } from './routes';
import type { StageConfig } from './stage-config';

/** Pinned to the Node.js line the project is tested against (see README, Deploy). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
/**
 * 512 MB: Lambda allocates CPU in proportion to memory, and a cold start (parse ~1 MB of bundled SDK,
 * first TLS handshake) is CPU-bound; most of an Entra sync cycle hits cold functions.
 */
export const LAMBDA_MEMORY_MB = 512;
/**
 * 27 s, sized so that slow AWS backends end in the handlers' SCIM 503 + Retry-After rather than a Lambda
 * timeout (which API Gateway answers with a bare 500): a Secrets Manager read at its worst (7 s, see
 * SECRETS_MANAGER_CLIENT_LIMITS) plus three DynamoDB calls at their worst (3 x 6 s, see
 * DYNAMODB_CLIENT_LIMITS) is 25 s, 2 s before the timeout. It stays 3 s under the HTTP API's 30 s
 * integration limit, so the Lambda, which logs, always ends first. A request that makes more slow calls
 * before one fails can still time out; test/infra/timeouts.test.ts checks this arithmetic.
 */
export const LAMBDA_TIMEOUT = Duration.seconds(27);
/** The HTTP API's maximum integration timeout. */
export const HTTP_API_INTEGRATION_LIMIT = Duration.seconds(30);
/** Sequential DynamoDB calls at their worst that one request may make after authenticating. */
export const DYNAMODB_CALLS_BUDGETED = 3;

const APPLICATION_LOG_LEVEL: Record<StageConfig['logLevel'], ApplicationLogLevel> = {
  DEBUG: ApplicationLogLevel.DEBUG,
  INFO: ApplicationLogLevel.INFO,
  WARN: ApplicationLogLevel.WARN,
  ERROR: ApplicationLogLevel.ERROR,
};

export interface ScimFunctionProps {
  readonly name: ScimFunctionName | typeof SETUP_FUNCTION | 'events';
  /** Default `SCIM <name> endpoint`. */
  readonly description?: string;
  /** Default LAMBDA_TIMEOUT (sized for the HTTP API). */
  readonly timeout?: Duration;
  /** The TypeScript entry file exporting `handler`. */
  readonly entry: string;
  /** Folder holding package.json and package-lock.json; esbuild resolves modules from here. */
  readonly projectRoot: string;
  readonly environment: Record<string, string>;
  readonly logLevel: StageConfig['logLevel'];
  /** The stage's reserved concurrency for this function (cdk.json). */
  readonly reservedConcurrency?: number;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

export class ScimFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ScimFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `SCIM ${props.name} handler: only what this handler needs`,
    });
    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group): write to this function's own
    // group only. The group's ARN attribute ends in ":*", which covers its log streams.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      description: props.description ?? `SCIM ${props.name} endpoint`,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: LAMBDA_MEMORY_MB,
      timeout: props.timeout ?? LAMBDA_TIMEOUT,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: APPLICATION_LOG_LEVEL[props.logLevel],
      // No NODE_OPTIONS=--enable-source-maps: it made every cold start parse the ~1 MB map (users import
      // 64 -> 75 ms, more than all our own code). Logged stack frames name bundle positions instead, which
      // `npm run symbolicate` maps to TypeScript lines offline with the asset's own index.js.map.
      environment: props.environment,
      bundling: {
        minify: true,
        // Shipped next to index.js, unused at run time: the map for offline symbolication of this build.
        sourceMap: true,
        sourcesContent: false,
        target: 'node22',
        // CommonJS output: esbuild's ESM output breaks on the AWS SDK's `require('node:https')`, and the
        // CommonJS bundle of Middy (ESM-only) loads fine.
        format: OutputFormat.CJS,
        // Bundle the AWS SDK instead of using the runtime's copy: the version we test is the one we run.
        bundleAwsSDK: true,
      },
    });
  }
}
