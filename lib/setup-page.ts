/**
 * The setup page (lambdas/setup.ts) on the stack's HTTP API: the one-time page a tenant's admin opens from a
 * setup link. Its own Lambda and small bundle, its routes (lib/routes.ts setupRoutes), each invocable only
 * by its own route, and a role that may do exactly what the page does: read a link, the tenant and its
 * activity; count and claim a link's reveal (setup-link items only); add the revealed token to the tenant's
 * token record (a compare-and-set of secret versions).
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import { type HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { SETUP_LINK_PARTITION_PREFIX } from '../lambdas/store/keys';
import type { AlarmFactory } from './events';
import { LambdaProxyIntegration, allowRouteInvoke } from './lambda-integration';
import { SETUP_FUNCTION, setupRoutes } from './routes';
import { ScimFunction } from './scim-function';
import type { StageConfig } from './stage-config';

/**
 * What the page reads: the link by its code's hash and the tenant's metadata and status items (GetItem),
 * the tenant's answered errors, users and groups for the status panel (Query). No index, no Scan.
 */
export const SETUP_TABLE_READ_ACTIONS: readonly string[] = ['dynamodb:GetItem', 'dynamodb:Query'];
/** Counting, claiming and giving back a link's reveal: UpdateItem, on setup-link partitions only. */
export const SETUP_TABLE_WRITE_ACTIONS: readonly string[] = ['dynamodb:UpdateItem'];
/**
 * Adding the revealed token to the tenant's token record (lambdas/auth/secrets-manager-token-store.ts):
 * read AWSCURRENT, store the new version as pending, move AWSCURRENT to it. No create, delete or list.
 */
export const SETUP_SECRET_ACTIONS: readonly string[] = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:PutSecretValue',
  'secretsmanager:UpdateSecretVersionStage',
];

const ALARM_PERIOD = Duration.minutes(5);

export interface SetupPageProps {
  readonly config: StageConfig;
  readonly api: HttpApi;
  readonly table: Table;
  /** The stage's tenant secrets, by name prefix (ScimStack.tenantSecretsArn). */
  readonly tenantSecretsArn: string;
  readonly entry: string;
  readonly projectRoot: string;
  /** The stage's common variables; TABLE_NAME is added here. */
  readonly environment: Record<string, string>;
  readonly logRetention: RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly alarm: AlarmFactory;
}

export class SetupPage extends Construct {
  readonly handler: ScimFunction;

  constructor(scope: Construct, id: string, props: SetupPageProps) {
    super(scope, id);
    const { config, api, table } = props;

    this.handler = new ScimFunction(this, 'Handler', {
      name: SETUP_FUNCTION,
      description: 'Setup page: Tenant URL, one-time Secret Token, connection status',
      entry: props.entry,
      projectRoot: props.projectRoot,
      environment: { ...props.environment, TABLE_NAME: table.tableName },
      logLevel: config.logLevel,
      reservedConcurrency: config.reservedConcurrency[SETUP_FUNCTION],
      logRetention: props.logRetention,
      logRemovalPolicy: props.removalPolicy,
    });
    const { role } = this.handler;
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ReadLinksAndTenantActivity',
        actions: [...SETUP_TABLE_READ_ACTIONS],
        resources: [table.tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'ClaimSetupLinkReveals',
        actions: [...SETUP_TABLE_WRITE_ACTIONS],
        resources: [table.tableArn],
        // The page can change no tenant data, only setup-link items (`SETUP#<sha256>`).
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SETUP_LINK_PARTITION_PREFIX}*`] },
        },
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'AddRevealedTokens',
        actions: [...SETUP_SECRET_ACTIONS],
        resources: [props.tenantSecretsArn],
      }),
    );

    const integration = new LambdaProxyIntegration('SetupIntegration', this.handler.function);
    for (const route of setupRoutes()) {
      api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
      allowRouteInvoke(this.handler.function, api, route.path, route.method);
    }

    props.alarm(
      'SetupErrorsAlarm',
      this.handler.function.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD }),
      1,
      'The setup Lambda threw or timed out: it answers bad input and backend faults itself, so any ' +
        'invocation error is a bug or an outage, and an admin saw a bare 500 on the setup page.',
    );
    props.alarm(
      'SetupThrottlesAlarm',
      this.handler.function.metricThrottles({ statistic: 'Sum', period: ALARM_PERIOD }),
      1,
      'The setup Lambda was throttled (its reserved concurrency, cdk.json): setup pages are refused, ' +
        'which at this volume means a flood of page loads or reveals. The access log names the sources.',
    );
  }
}
