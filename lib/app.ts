/**
 * Builds the CDK app for the stage named on the command line (`-c stage=<name>`), with cdk-nag's
 * AwsSolutions checks registered as a validation plugin: any unacknowledged finding fails synthesis.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { ScimFunctionName } from './routes';
import { ScimStack } from './scim-stack';
import { resolveStageConfig } from './stage-config';

export interface BuildAppOptions {
  /** Override handler entry files (tests only). */
  readonly handlerEntries?: Readonly<Record<ScimFunctionName, string>>;
  /**
   * bin/app.ts passes the CLI's CDK_DEFAULT_ACCOUNT/REGION. Unset means environment-agnostic, but the CLI
   * always sets a region (us-east-1 when none is configured), so only tests get an agnostic stack.
   */
  readonly defaultAccount?: string;
  readonly defaultRegion?: string;
}

export function stackNameFor(stageName: string): string {
  return `ServerlessScim-${stageName}`;
}

export function buildApp(app: App, options: BuildAppOptions = {}): ScimStack {
  const config = resolveStageConfig({
    stages: app.node.tryGetContext('stages'),
    stage: app.node.tryGetContext('stage'),
    alarmEmail: app.node.tryGetContext('alarmEmail'),
  });
  const stack = new ScimStack(app, stackNameFor(config.stageName), {
    config,
    handlerEntries: options.handlerEntries,
    description: `serverless-scim: multi-tenant SCIM 2.0 service provider (${config.stageName})`,
    env: {
      account: config.account ?? options.defaultAccount,
      region: config.region ?? options.defaultRegion,
    },
    tags: { service: 'serverless-scim', stage: config.stageName },
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stack;
}
