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
import type { ScimFunctionName } from './routes';
import type { StageConfig } from './stage-config';

/** Pinned to the Node.js line the project is tested against (see README, Deploy). */
export const LAMBDA_RUNTIME = Runtime.NODEJS_22_X;
/**
 * 512 MB: Lambda allocates CPU in proportion to memory, and a cold start (parse ~1 MB of bundled SDK,
 * first TLS handshake) is CPU-bound; most of an Entra sync cycle hits cold functions.
 */
export const LAMBDA_MEMORY_MB = 512;
/**
 * 10 s: a request is a few DynamoDB calls plus one cached Secrets Manager read; 10 s leaves room for SDK
 * retries and stays well under the HTTP API integration limit of 30 s, so a stuck call ends as a Lambda
 * timeout we can alarm on rather than an API Gateway 503 with no log.
 */
export const LAMBDA_TIMEOUT = Duration.seconds(10);

const APPLICATION_LOG_LEVEL: Record<StageConfig['logLevel'], ApplicationLogLevel> = {
  DEBUG: ApplicationLogLevel.DEBUG,
  INFO: ApplicationLogLevel.INFO,
  WARN: ApplicationLogLevel.WARN,
  ERROR: ApplicationLogLevel.ERROR,
};

export interface ScimFunctionProps {
  readonly name: ScimFunctionName;
  /** The TypeScript entry file exporting `handler`. */
  readonly entry: string;
  /** Folder holding package.json and package-lock.json; esbuild resolves modules from here. */
  readonly projectRoot: string;
  readonly environment: Record<string, string>;
  readonly logLevel: StageConfig['logLevel'];
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
      description: `SCIM ${props.name} endpoint`,
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: LAMBDA_MEMORY_MB,
      timeout: LAMBDA_TIMEOUT,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: APPLICATION_LOG_LEVEL[props.logLevel],
      environment: {
        ...props.environment,
        // Stack traces point at the TypeScript source through the bundled source map.
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        minify: true,
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
