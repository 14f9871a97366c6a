/**
 * One deployable environment of the SCIM service: HTTP API -> one Lambda per SCIM resource -> one DynamoDB
 * table, tenant tokens in Secrets Manager, alarms to an SNS topic. Design decisions are written down in
 * README.md (Deploy) and docs/deploy.md.
 */
import * as path from 'node:path';
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  MathExpression,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  AttributeType,
  BillingMode,
  Operation,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterPattern, LogGroup, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { handOffVariable } from '../lambdas/config';
import { TABLE_DEFINITION } from '../lambdas/store/table-definition';
import { ChangeEvents } from './events';
import { LambdaProxyIntegration, allowRouteInvoke } from './lambda-integration';
import {
  CATCH_ALL_FUNCTION,
  DEFAULT_ROUTE,
  SCIM_FUNCTION_NAMES,
  type ScimFunctionName,
  RESOURCE_ENDPOINTS,
  TENANT_BASE_PATH,
  constructStem,
  forEachFunction,
  scimRoutes,
} from './routes';
import { ScimFunction } from './scim-function';
import { SetupPage } from './setup-page';
import type { StageConfig } from './stage-config';

/** The repository root: esbuild resolves node_modules and tsconfig from here. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** The events Lambda (lib/events.ts): the table stream to the event bus. */
export const DEFAULT_EVENTS_ENTRY = path.join(PROJECT_ROOT, 'lambdas/events.ts');

/** The setup page's Lambda (lib/setup-page.ts). */
export const DEFAULT_SETUP_ENTRY = path.join(PROJECT_ROOT, 'lambdas/setup.ts');

/** Each function's entry: lambdas/<function name>.ts. */
export const DEFAULT_HANDLER_ENTRIES: Readonly<Record<ScimFunctionName, string>> = forEachFunction((name) =>
  path.join(PROJECT_ROOT, `lambdas/${name}.ts`),
);

/**
 * What the users and groups handlers may do on the table (and its indexes): exactly what lambdas/store
 * sends (test/infra/scim-stack.test.ts checks both ways). Transactions need no action of their own: IAM
 * checks TransactWriteItems item by item against PutItem, UpdateItem and DeleteItem (the store's
 * transactions hold no ConditionCheck items, so ConditionCheckItem is not granted). No Scan, no
 * table-level or stream actions.
 */
export const TABLE_ITEM_ACTIONS: readonly string[] = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Operations whose throttles and system errors are alarmed on (at most 10: a metric-math alarm limit). */
const ALARMED_TABLE_OPERATIONS: readonly Operation[] = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
  Operation.TRANSACT_GET_ITEMS,
];

/** Alarm when at least this share of API requests answer 5xx (a 503 for a backend outage counts too). */
export const API_5XX_RATE_THRESHOLD_PERCENT = 5;
/**
 * ...but only over this many requests in a period: one failed request out of three at night is not an
 * incident, while Entra's sync cycles send hundreds.
 */
export const API_5XX_MIN_REQUESTS = 20;
/** ...and in 2 of the last 3 periods, so a single bad 5 minutes does not page anyone. */
export const API_5XX_DATAPOINTS = { evaluationPeriods: 3, datapointsToAlarm: 2 } as const;
/**
 * 429s in the access log per period that raise the throttling alarm: the stage's throttling (shared by all
 * tenants), a tenant over its request limit, and unknown tenant ids over a container's lookup budget; the
 * alarm's description says how to tell them apart.
 */
export const API_THROTTLED_THRESHOLD = 10;
/** Custom metric (from the access log) counting 429 answers; namespace per stage. */
export const API_THROTTLED_METRIC_NAME = 'Api429Responses';

const ALARM_PERIOD = Duration.minutes(5);

/** The shape this stack reads from TABLE_DEFINITION; indexes are optional so the contract can grow. */
type KeyAttributeType = 'S' | 'N' | 'B';
interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}
interface TableShape {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly timeToLiveAttribute?: string;
  readonly stream?: 'NEW_AND_OLD_IMAGES';
  readonly globalSecondaryIndexes?: readonly {
    readonly indexName: string;
    readonly partitionKey: KeyAttribute;
    readonly sortKey?: KeyAttribute;
    readonly projection?: 'KEYS_ONLY' | 'ALL';
  }[];
}

const ATTRIBUTE_TYPES: Record<KeyAttributeType, AttributeType> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

function keyAttribute(key: KeyAttribute): { name: string; type: AttributeType } {
  return { name: key.name, type: ATTRIBUTE_TYPES[key.type] };
}

/** Discovery never touches the table, so it gets neither TABLE_NAME nor table permissions. */
function usesTable(name: ScimFunctionName): boolean {
  return name !== 'discovery';
}

/**
 * JSON access log line. Deliberately without the query string (SCIM filters carry user names and e-mail
 * addresses) and without the path: a setup link's path is its code, a bearer secret. The route key names
 * the route as a template (`GET /setup/{code}`, `ANY /tenants/{tenantId}/scim/v2/Users/{proxy+}`); the
 * tenant and resource ids are in the Lambda's line of the same requestId.
 */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
};

export interface ScimStackProps extends StackProps {
  readonly config: StageConfig;
  /** Override handler entry files (tests only); defaults to lambdas/{users,groups,discovery}.ts. */
  readonly handlerEntries?: Readonly<Record<ScimFunctionName, string>>;
  /** Override the events Lambda's entry file (tests only); defaults to lambdas/events.ts. */
  readonly eventsEntry?: string;
  /** Override the setup Lambda's entry file (tests only); defaults to lambdas/setup.ts. */
  readonly setupEntry?: string;
}

export class ScimStack extends Stack {
  readonly table: Table;
  readonly api: HttpApi;
  readonly functions: Readonly<Record<ScimFunctionName, ScimFunction>>;
  readonly alarmTopic: Topic;
  readonly customDomain: DomainName | undefined;
  readonly events: ChangeEvents;
  readonly setup: SetupPage;

  constructor(scope: Construct, id: string, props: ScimStackProps) {
    super(scope, id, {
      ...props,
      // A retained stage also cannot be deleted as a whole by accident.
      terminationProtection: props.terminationProtection ?? props.config.removalPolicy === 'retain',
    });
    const { config } = props;
    const retain = config.removalPolicy === 'retain';
    const removalPolicy = retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as RetentionDays;

    this.table = this.createTable(TABLE_DEFINITION, retain, removalPolicy);

    const stageEnvironment: Record<string, string> = {
      TENANT_SECRET_PREFIX: config.tenantSecretPrefix,
      LOG_LEVEL: config.logLevel,
      STAGE: config.stageName,
      POWERTOOLS_SERVICE_NAME: 'serverless-scim',
    };
    const commonEnvironment: Record<string, string> = {
      ...stageEnvironment,
      SECRET_CACHE_TTL_SECONDS: String(config.secretCacheTtlSeconds),
    };
    const entries = props.handlerEntries ?? DEFAULT_HANDLER_ENTRIES;
    this.functions = forEachFunction(
      (name): ScimFunction =>
        new ScimFunction(this, `${constructStem(name)}Handler`, {
          name,
          entry: entries[name],
          projectRoot: PROJECT_ROOT,
          environment: usesTable(name)
            ? {
                ...commonEnvironment,
                TABLE_NAME: this.table.tableName,
                TENANT_RATE_LIMIT: String(config.tenantThrottle.rateLimit),
                TENANT_BURST_LIMIT: String(config.tenantThrottle.burstLimit),
              }
            : commonEnvironment,
          logLevel: config.logLevel,
          reservedConcurrency: config.reservedConcurrency[name],
          logRetention,
          logRemovalPolicy: removalPolicy,
        }),
    );
    this.grantPermissions(config.tenantSecretPrefix);
    this.wireHandOff();

    this.customDomain = this.createCustomDomain(config);
    const { api, throttledResponses } = this.createApi(config, logRetention, removalPolicy);
    this.api = api;

    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `serverless-scim ${config.stageName} alarms`,
      enforceSSL: true,
    });
    this.alarmTopic.addToResourcePolicy(this.cloudWatchAlarmsMayPublish());
    this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));
    this.createAlarms(throttledResponses);
    this.events = new ChangeEvents(this, 'Events', {
      config,
      table: this.table,
      entry: props.eventsEntry ?? DEFAULT_EVENTS_ENTRY,
      projectRoot: PROJECT_ROOT,
      environment: commonEnvironment,
      logRetention,
      removalPolicy,
      alarm: (alarmId, metric, threshold, description) => this.alarm(alarmId, metric, threshold, description),
    });
    this.setup = new SetupPage(this, 'Setup', {
      config,
      api: this.api,
      table: this.table,
      tenantSecretsArn: this.tenantSecretsArn(config.tenantSecretPrefix),
      entry: props.setupEntry ?? DEFAULT_SETUP_ENTRY,
      projectRoot: PROJECT_ROOT,
      // No SECRET_CACHE_TTL_SECONDS: the reveal reads the token record uncached.
      environment: stageEnvironment,
      logRetention,
      removalPolicy,
      alarm: (alarmId, metric, threshold, description) => this.alarm(alarmId, metric, threshold, description),
    });
    this.acknowledgeNagFindings(config);
    this.createOutputs(config);
  }

  private createTable(definition: TableShape, retain: boolean, removalPolicy: RemovalPolicy): Table {
    const table = new Table(this, 'Table', {
      partitionKey: keyAttribute(definition.partitionKey),
      sortKey: definition.sortKey === undefined ? undefined : keyAttribute(definition.sortKey),
      timeToLiveAttribute: definition.timeToLiveAttribute,
      // On-demand: nothing to pay at idle, and no capacity to tune for Entra's bursty sync cycles.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // The aws/dynamodb KMS key: encryption visible in CloudTrail, no per-key monthly fee.
      encryption: TableEncryption.AWS_MANAGED,
      // Change events (lib/events.ts) need the item before and after each write.
      stream: definition.stream === 'NEW_AND_OLD_IMAGES' ? StreamViewType.NEW_AND_OLD_IMAGES : undefined,
      deletionProtection: retain,
      removalPolicy,
    });
    for (const index of definition.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: keyAttribute(index.partitionKey),
        sortKey: index.sortKey === undefined ? undefined : keyAttribute(index.sortKey),
        projectionType: index.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
    return table;
  }

  /** Each index's ARN by name: no `index/*` wildcard. */
  private indexArns(definition: TableShape): string[] {
    return (definition.globalSecondaryIndexes ?? []).map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
  }

  /**
   * `arn:...:secret:<prefix>*`. The trailing `*` is unavoidable: Secrets Manager appends a random
   * 6-character suffix to every secret's ARN. Any secret whose name starts with the prefix matches, which
   * is exactly the set of tenant secrets of this stage.
   */
  tenantSecretsArn(prefix: string): string {
    return this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${prefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
  }

  private grantPermissions(secretPrefix: string): void {
    const readTenantSecrets = new PolicyStatement({
      sid: 'ReadTenantTokens',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [this.tenantSecretsArn(secretPrefix)],
    });
    const tableAccess = new PolicyStatement({
      sid: 'ReadWriteScimItems',
      actions: [...TABLE_ITEM_ACTIONS],
      resources: [this.table.tableArn],
    });
    // Indexes are only ever queried (User.groups, DELETE user's member clean-up).
    const indexArns = this.indexArns(TABLE_DEFINITION);
    const indexAccess = new PolicyStatement({
      sid: 'QueryScimIndexes',
      actions: ['dynamodb:Query'],
      resources: indexArns,
    });
    for (const name of SCIM_FUNCTION_NAMES) {
      const { role } = this.functions[name];
      // Every handler authenticates the tenant.
      role.addToPrincipalPolicy(readTenantSecrets);
      if (!usesTable(name)) continue;
      role.addToPrincipalPolicy(tableAccess);
      if (indexArns.length > 0) role.addToPrincipalPolicy(indexAccess);
    }
  }

  /**
   * The catch-all hands resource paths the API did not route (other casings, trailing slashes) to the
   * resource's Lambda: it learns each function's name from its environment and may invoke exactly those.
   */
  private wireHandOff(): void {
    const catchAll = this.functions[CATCH_ALL_FUNCTION];
    const targets = RESOURCE_ENDPOINTS.map(({ target }) => this.functions[target].function);
    for (const { target } of RESOURCE_ENDPOINTS) {
      catchAll.function.addEnvironment(handOffVariable(target), this.functions[target].function.functionName);
    }
    catchAll.role.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'HandOffResourcePaths',
        actions: ['lambda:InvokeFunction'],
        resources: targets.map((fn) => fn.functionArn),
      }),
    );
  }

  /** The API, and the access-log metric filter counting its 429 answers. */
  private createApi(
    config: StageConfig,
    logRetention: RetentionDays,
    removalPolicy: RemovalPolicy,
  ): { api: HttpApi; throttledResponses: MetricFilter } {
    const integrations = forEachFunction(
      (name) =>
        new LambdaProxyIntegration(`${constructStem(name)}Integration`, this.functions[name].function),
    );
    const customDomain = this.customDomain;
    // No corsPreflight: SCIM clients are servers, never browsers.
    const api = new HttpApi(this, 'HttpApi', {
      apiName: `serverless-scim-${config.stageName}`,
      description: `SCIM 2.0 service provider (${config.stageName})`,
      createDefaultStage: false,
      // With a custom domain, the execute-api hostname is switched off so there is one way in.
      disableExecuteApiEndpoint: customDomain !== undefined,
      // `$default`: every other path, casing and trailing slash goes to the catch-all (lib/routes.ts).
      defaultIntegration: integrations[CATCH_ALL_FUNCTION],
    });
    const routes = scimRoutes();
    for (const route of routes) {
      api.addRoutes({ path: route.path, methods: [HttpMethod.ANY], integration: integrations[route.target] });
    }
    // Exactly the source ARNs of each function's routes: nothing else on this API may invoke it.
    const invokers: { path: string; target: ScimFunctionName }[] = [
      ...routes,
      { path: DEFAULT_ROUTE, target: CATCH_ALL_FUNCTION },
    ];
    for (const { path: routePath, target } of invokers) {
      allowRouteInvoke(this.functions[target].function, api, routePath);
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: logRetention, removalPolicy });
    // HTTP APIs publish no 429 metric of their own (429s hide in 4xx): count them from the access log.
    const throttledResponses = new MetricFilter(this, 'ApiThrottledResponses', {
      logGroup: accessLogs,
      filterPattern: FilterPattern.stringValue('$.status', '=', '429'),
      metricNamespace: `serverless-scim/${config.stageName}`,
      metricName: API_THROTTLED_METRIC_NAME,
      metricValue: '1',
      defaultValue: 0,
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.throttle.rateLimit, burstLimit: config.throttle.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
      domainMapping: customDomain === undefined ? undefined : { domainName: customDomain },
    });
    return { api, throttledResponses };
  }

  private createCustomDomain(config: StageConfig): DomainName | undefined {
    if (config.customDomain === undefined) return undefined;
    return new DomainName(this, 'CustomDomain', {
      domainName: config.customDomain.domainName,
      certificate: Certificate.fromCertificateArn(
        this,
        'CustomDomainCertificate',
        config.customDomain.certificateArn,
      ),
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
  }

  /**
   * `enforceSSL` gives the topic a policy of its own, which replaces SNS's default policy: without this
   * Allow, only the TLS Deny is left and CloudWatch cannot publish, so no alarm e-mail ever arrives. The
   * conditions keep it to alarms of this account and region (no confused deputy); the statement's resource
   * is the topic itself, the `alarm:*` is a condition value, not a resource.
   */
  private cloudWatchAlarmsMayPublish(): PolicyStatement {
    return new PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToPublish',
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.alarmTopic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': this.account },
        ArnLike: {
          'aws:SourceArn': this.formatArn({
            service: 'cloudwatch',
            resource: 'alarm',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    });
  }

  private alarm(
    id: string,
    metric: IMetric,
    threshold: number,
    description: string,
    datapoints: { evaluationPeriods: number; datapointsToAlarm: number } = {
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold,
      ...datapoints,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is not an incident.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }

  private createAlarms(throttledResponses: MetricFilter): void {
    const api5xxRate = new MathExpression({
      expression: `IF(requests >= ${API_5XX_MIN_REQUESTS}, 100 * errors / requests, 0)`,
      usingMetrics: {
        errors: this.api.metricServerError({ statistic: 'Sum', period: ALARM_PERIOD }),
        requests: this.api.metricCount({ statistic: 'Sum', period: ALARM_PERIOD }),
      },
      label: 'API 5xx responses (%)',
      period: ALARM_PERIOD,
    });
    this.alarm(
      'Api5xxRateAlarm',
      api5xxRate,
      API_5XX_RATE_THRESHOLD_PERCENT,
      `At least ${API_5XX_RATE_THRESHOLD_PERCENT}% of SCIM requests (of at least ${API_5XX_MIN_REQUESTS}) ` +
        'answered 5xx in 2 of 3 five-minute periods. Entra retries failed operations only in its next cycle ' +
        'and quarantines a job above 40% failures.',
      API_5XX_DATAPOINTS,
    );
    this.alarm(
      'ApiThrottledAlarm',
      throttledResponses.metric({ statistic: 'Sum', period: ALARM_PERIOD }),
      API_THROTTLED_THRESHOLD,
      `At least ${API_THROTTLED_THRESHOLD} requests answered 429 in 5 minutes. Three sources: the stage ` +
        "throttling (cdk.json throttle, per route, shared by all tenants; the access log's integrationStatus " +
        'is "-"), a tenant over its request limit (cdk.json tenantThrottle; Lambda log "Tenant request limit ' +
        'reached" with the tenantId), and unknown tenant ids over a container\'s lookup budget (Lambda log ' +
        '"Tenant lookup budget spent"). Only the first slows every tenant: raise the stage limits; for the ' +
        'others, find the tenant in the Lambda logs (the access log names routes, not paths).',
    );

    for (const [name, scimFunction] of Object.entries(this.functions)) {
      const label = name.charAt(0).toUpperCase() + name.slice(1);
      this.alarm(
        `${label}ErrorsAlarm`,
        scimFunction.function.metricErrors({ statistic: 'Sum', period: ALARM_PERIOD }),
        1,
        `The ${name} Lambda threw or timed out: handlers answer bad input with SCIM errors, so any ` +
          'invocation error is a bug or an outage.',
      );
      this.alarm(
        `${label}ThrottlesAlarm`,
        scimFunction.function.metricThrottles({ statistic: 'Sum', period: ALARM_PERIOD }),
        1,
        `The ${name} Lambda was throttled (account or function concurrency limit): Entra saw 429/5xx.`,
      );
    }

    const operations = [...ALARMED_TABLE_OPERATIONS];
    this.alarm(
      'TableThrottlesAlarm',
      this.table.metricThrottledRequestsForOperations({ operations, period: ALARM_PERIOD }),
      1,
      'DynamoDB throttled requests on the SCIM table.',
    );
    this.alarm(
      'TableSystemErrorsAlarm',
      this.table.metricSystemErrorsForOperations({ operations, period: ALARM_PERIOD }),
      1,
      'DynamoDB answered with system errors (HTTP 500) on the SCIM table.',
    );
  }

  /** cdk-nag AwsSolutions findings that are accepted on purpose, each with the reason. */
  private acknowledgeNagFindings(config: StageConfig): void {
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'Tenant bearer tokens are verified in the Lambda (Middy tenant-auth) against Secrets Manager: the ' +
        'token is per tenant in the path, failures must be SCIM error bodies, and a backend outage must ' +
        'answer 503 rather than 401 (Entra quarantines on 401). An API Gateway authorizer can do neither.',
    });
    // The SCIM functions and the setup page's: each pinned, each reading (setup: writing) tenant secrets.
    const functions = [...Object.values(this.functions), this.setup.handler];
    for (const scimFunction of functions) {
      Validations.of(scimFunction.function).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'Pinned to Node.js 22, the line the project is built and tested for; moving to a newer runtime ' +
          'is a deliberate, tested change rather than a side effect of a CDK upgrade.',
      });
    }
    // cdk-nag names the finding by the ARN as rendered, with pseudo parameters in angle brackets.
    const region = Token.isUnresolved(this.region) ? '<AWS::Region>' : this.region;
    const account = Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account;
    const secretArnFinding = `Resource::arn:<AWS::Partition>:secretsmanager:${region}:${account}:secret:${config.tenantSecretPrefix}*`;
    for (const scimFunction of functions) {
      Validations.of(scimFunction.role).acknowledge({
        id: `AwsSolutions-IAM5[${secretArnFinding}]`,
        reason:
          'Secrets Manager appends a random 6-character suffix to each secret ARN, so naming the tenant ' +
          "secrets needs a trailing wildcard; it is limited to this stage's tenant-secret name prefix.",
      });
    }
  }

  private createOutputs(config: StageConfig): void {
    const baseUrl =
      this.customDomain === undefined
        ? `https://${this.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`
        : `https://${config.customDomain?.domainName ?? ''}`;
    new CfnOutput(this, 'ApiUrl', { value: `${baseUrl}/`, description: 'Base URL of the SCIM HTTP API.' });
    new CfnOutput(this, 'TenantUrlTemplate', {
      value: `${baseUrl}${TENANT_BASE_PATH}`,
      description: 'Tenant URL for Entra: replace {tenantId} with the id printed by `npm run tenant`.',
    });
    new CfnOutput(this, 'TableName', {
      value: this.table.tableName,
      description: 'DynamoDB table (for the tenant CLI: TABLE_NAME).',
    });
    new CfnOutput(this, 'TenantSecretPrefix', {
      value: config.tenantSecretPrefix,
      description:
        'Secrets Manager name prefix of tenant secrets (for the tenant CLI: TENANT_SECRET_PREFIX).',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.alarmTopic.topicArn,
      description: 'SNS topic receiving the alarms; confirm the e-mail subscription after the first deploy.',
    });
    if (this.customDomain !== undefined) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.customDomain.regionalDomainName,
        description: 'Point a CNAME (or Route 53 alias) for the custom domain at this name.',
      });
    }
  }
}
