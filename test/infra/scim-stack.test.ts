/**
 * Template assertions for the dev and prod stages as configured in cdk.json. Bundling is skipped here
 * (bundling.test.ts really bundles); the handlers are stand-ins, since only the wiring is under test.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { type App, Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { TABLE_DEFINITION } from '../../lambdas/store/table-definition';
import { handOffVariable, loadConfig } from '../../lambdas/config';
import { handlerForPath } from '../../lambdas/http/router';
import { CATCH_ALL_FUNCTION, SCIM_FUNCTION_NAMES, type ScimFunctionName } from '../../lib/routes';
import {
  ACCESS_LOG_FIELDS,
  API_5XX_MIN_REQUESTS,
  API_THROTTLED_METRIC_NAME,
  API_THROTTLED_THRESHOLD,
  type ScimStack,
  TABLE_ITEM_ACTIONS,
} from '../../lib/scim-stack';
import { LAMBDA_MEMORY_MB } from '../../lib/scim-function';
import { SETUP_SECRET_ACTIONS } from '../../lib/setup-page';
import {
  REPO_ROOT,
  type Synthesised,
  asArray,
  cdkJsonStages,
  cfnText,
  logicalIdOf,
  resourcesOfType,
  synthStage,
} from './synth';

const BASE = '/tenants/{tenantId}/scim/v2';

let dev: Synthesised;
let prod: Synthesised;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod');
});

function functionLogicalId(stack: ScimStack, name: ScimFunctionName): string {
  return logicalIdOf(stack, stack.functions[name].function);
}

function roleLogicalId(stack: ScimStack, name: ScimFunctionName): string {
  return logicalIdOf(stack, stack.functions[name].role);
}

const setupFunctionId = (stack: ScimStack): string => logicalIdOf(stack, stack.setup.handler.function);

/** Route key -> logical id of the Lambda its integration invokes. */
function routeTargets(template: Template): Map<string, string> {
  const integrations = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration');
  const targets = new Map<string, string>();
  for (const route of Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route'))) {
    const integrationId = cfnText(route.Properties?.Target).replace(/^integrations\/<(.+)>$/, '$1');
    const integration = integrations[integrationId];
    expect(integration?.Properties?.IntegrationType).toBe('AWS_PROXY');
    // Payload format 2.0: the handlers need rawPath and rawQueryString.
    expect(integration?.Properties?.PayloadFormatVersion).toBe('2.0');
    const functionArn = cfnText(integration?.Properties?.IntegrationUri);
    targets.set(String(route.Properties?.RouteKey), functionArn.replace(/^<(.+)\.Arn>$/, '$1'));
  }
  return targets;
}

/**
 * API Gateway HTTP API route selection as documented: an exact path wins over a path with variables, a
 * greedy `{proxy+}` comes last, and `$default` catches the rest. Whether a greedy variable matches an
 * empty rest (`/Users/`, a trailing slash) is not documented, so the model takes it as a parameter: the
 * routing must give the same answer either way.
 */
function selectRoute(routeKeys: readonly string[], requestPath: string, greedyMatchesEmpty: boolean): string {
  const candidates = routeKeys
    .filter((key) => key.startsWith('ANY '))
    .map((key) => {
      const template = key.slice('ANY '.length);
      const pattern = template
        .split('/')
        .map((segment) => {
          if (segment === '{proxy+}') return greedyMatchesEmpty ? '.*' : '.+';
          if (/^\{[^}]+\}$/.test(segment)) return '[^/]+';
          return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        })
        .join('/');
      const variables = (template.match(/\{[^}]+\}/g) ?? []).length;
      const greedy = template.includes('{proxy+}');
      return { key, regex: new RegExp(`^${pattern}$`), rank: (greedy ? 1000 : 0) + variables };
    })
    .filter(({ regex }) => regex.test(requestPath))
    .sort((a, b) => a.rank - b.rank);
  return candidates[0]?.key ?? '$default';
}

describe.each([
  ['dev', () => dev],
  ['prod', () => prod],
])('%s stage', (stageName, synthesised) => {
  describe('routes', () => {
    it('registers the canonical resource routes with method ANY, $default to the catch-all, and the setup page', () => {
      const { stack, template } = synthesised();
      const targets = routeTargets(template);
      const expected: [string, string][] = [
        ['$default', functionLogicalId(stack, 'discovery')],
        [`ANY ${BASE}/Users`, functionLogicalId(stack, 'users')],
        [`ANY ${BASE}/Users/{proxy+}`, functionLogicalId(stack, 'users')],
        [`ANY ${BASE}/Groups`, functionLogicalId(stack, 'groups')],
        [`ANY ${BASE}/Groups/{proxy+}`, functionLogicalId(stack, 'groups')],
        // Each with the one method the setup handler serves; the POSTs take the code in the body.
        ['GET /setup/{code}', setupFunctionId(stack)],
        ['POST /setup/reveal', setupFunctionId(stack)],
        ['POST /setup/status', setupFunctionId(stack)],
      ];
      expect(targets.size).toBe(expected.length);
      for (const [routeKey, functionId] of expected) {
        expect([routeKey, targets.get(routeKey)]).toEqual([routeKey, functionId]);
      }
    });

    /**
     * The Lambda that answers: the route's, or, for the catch-all, the one it hands the path to (the
     * function named in its environment, by the same path rule it runs: handlerForPath).
     */
    function answeringFunction(stack: ScimStack, template: Template, routeKey: string, path: string): string {
      const routed = routeTargets(template).get(routeKey);
      if (routed !== functionLogicalId(stack, CATCH_ALL_FUNCTION)) return String(routed);
      const target = handlerForPath(path);
      if (target === 'discovery') return String(routed);
      const fn = resourcesOfType(template, 'AWS::Lambda::Function')[String(routed)];
      const variables = (fn?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      return cfnText(variables[handOffVariable(target)]).replace(/^<(.+)>$/, '$1');
    }

    it.each<[string, ScimFunctionName]>([
      ['/tenants/t1/scim/v2/Users', 'users'],
      ['/tenants/t1/scim/v2/users', 'users'],
      ['/tenants/t1/scim/v2/USERS', 'users'],
      ['/tenants/t1/scim/v2/uSeRs', 'users'],
      ['/tenants/t1/scim/v2/uSERS/abc', 'users'],
      ['/tenants/t1/scim/v2/grOUPs/.search', 'groups'],
      ['/tenants/t1/scim/v2/GROUPS/', 'groups'],
      ['/tenants/t1/scim/v2/serviceproviderconfig', 'discovery'],
      ['/tenants/t1/scim/v2/UsersX', 'discovery'],
      ['/tenants/t1/scim/v2/Users/', 'users'],
      ['/tenants/t1/scim/v2/Users/2819c223-7f76-453a-919d-413861904646', 'users'],
      ['/tenants/t1/scim/v2/Users/.search', 'users'],
      ['/tenants/t1/scim/v2/users/abc/', 'users'],
      ['/tenants/t1/scim/v2/Groups', 'groups'],
      ['/tenants/t1/scim/v2/Groups/', 'groups'],
      ['/tenants/t1/scim/v2/groups/g-1', 'groups'],
      ['/tenants/t1/scim/v2/ServiceProviderConfig', 'discovery'],
      ['/tenants/t1/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User', 'discovery'],
      ['/tenants/t1/scim/v2/ResourceTypes/', 'discovery'],
      ['/tenants/t1/scim/v2/Bulk', 'discovery'],
      ['/tenants/t1/scim/v2', 'discovery'],
      ['/', 'discovery'],
    ])('a request for %s is answered by the %s Lambda, whichever way API Gateway matches', (path, name) => {
      const { stack, template } = synthesised();
      const routeKeys = [...routeTargets(template).keys()];
      for (const greedyMatchesEmpty of [true, false]) {
        const routeKey = selectRoute(routeKeys, path, greedyMatchesEmpty);
        expect(answeringFunction(stack, template, routeKey, path)).toBe(functionLogicalId(stack, name));
      }
    });

    it('lets each function be invoked by exactly its routes of this API: these source ARNs, no others', () => {
      const { stack, template } = synthesised();
      const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'));
      const apiId = logicalIdOf(stack, stack.api);
      const arn = (resource: string): string =>
        `arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${apiId}>/${resource}`;
      const granted = permissions.map((permission) => {
        expect(permission.Properties?.Principal).toBe('apigateway.amazonaws.com');
        expect(permission.Properties?.Action).toBe('lambda:InvokeFunction');
        return [
          cfnText(permission.Properties?.FunctionName).replace(/^<(.+)\.Arn>$/, '$1'),
          cfnText(permission.Properties?.SourceArn),
        ];
      });
      expect(granted.sort()).toEqual(
        [
          [functionLogicalId(stack, 'users'), arn('*/*/tenants/*/scim/v2/Users')],
          [functionLogicalId(stack, 'users'), arn('*/*/tenants/*/scim/v2/Users/*')],
          [functionLogicalId(stack, 'groups'), arn('*/*/tenants/*/scim/v2/Groups')],
          [functionLogicalId(stack, 'groups'), arn('*/*/tenants/*/scim/v2/Groups/*')],
          // The $default route is invoked as `<api>/<stage>/$default`.
          [functionLogicalId(stack, 'discovery'), arn('*/$default')],
          [setupFunctionId(stack), arn('*/GET/setup/*')],
          [setupFunctionId(stack), arn('*/POST/setup/reveal')],
          [setupFunctionId(stack), arn('*/POST/setup/status')],
        ].sort(),
      );
    });
  });

  describe('HTTP API and stage', () => {
    it('is an HTTP API without CORS', () => {
      const { template } = synthesised();
      template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
      template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
        ProtocolType: 'HTTP',
        CorsConfiguration: Match.absent(),
      });
      template.resourceCountIs('AWS::ApiGateway::RestApi', 0);
    });

    it('throttles the $default stage with the cdk.json rate and burst', () => {
      const { template } = synthesised();
      const settings = cdkJsonStages()[stageName] as { throttle: { rateLimit: number; burstLimit: number } };
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: {
          ThrottlingRateLimit: settings.throttle.rateLimit,
          ThrottlingBurstLimit: settings.throttle.burstLimit,
        },
      });
    });

    it('writes JSON access logs without the query string (filters carry e-mail addresses)', () => {
      const { template } = synthesised();
      const [stage] = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Stage'));
      const accessLog = stage?.Properties?.AccessLogSettings as { Format: string; DestinationArn: unknown };
      const fields = JSON.parse(accessLog.Format) as Record<string, string>;
      expect(fields).toEqual(ACCESS_LOG_FIELDS);
      expect(fields.requestId).toBe('$context.requestId');
      expect(accessLog.Format).not.toMatch(/querystring|rawQuery|authorization/i);
      // No field can carry a setup link's code (`/setup/<code>`, a bearer secret): no path, only the
      // route key, which is the route's template (`GET /setup/{code}`) or `$default`.
      expect(Object.values(fields).filter((value) => /path|uri|url/i.test(value))).toEqual([]);
      expect(fields.routeKey).toBe('$context.routeKey');
      expect(Object.values(fields).every((value) => /^\$context\.[A-Za-z.]+$/.test(value))).toBe(true);
      const logGroupId = cfnText(accessLog.DestinationArn).replace(/^<(.+)\.Arn>$/, '$1');
      const logGroup = resourcesOfType(template, 'AWS::Logs::LogGroup')[logGroupId];
      expect(logGroup?.Properties?.RetentionInDays).toBe(
        (cdkJsonStages()[stageName] as { logRetentionDays: number }).logRetentionDays,
      );
    });
  });

  describe('Lambdas', () => {
    it.each(SCIM_FUNCTION_NAMES)('%s: Node 22 on ARM64, 512 MB, 27 s, JSON logs, own log group', (name) => {
      const { stack, template } = synthesised();
      const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId(stack, name)];
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: LAMBDA_MEMORY_MB,
        Timeout: 27,
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON' },
      });
      const logGroupId = cfnText((fn?.Properties?.LoggingConfig as { LogGroup: unknown }).LogGroup);
      const logGroup = resourcesOfType(template, 'AWS::Logs::LogGroup')[logGroupId.slice(1, -1)];
      expect(logGroup?.Properties?.RetentionInDays).toBe(
        (cdkJsonStages()[stageName] as { logRetentionDays: number }).logRetentionDays,
      );
    });

    it.each(SCIM_FUNCTION_NAMES)('%s: reserves the concurrency cdk.json gives it for the stage', (name) => {
      const { stack, template } = synthesised();
      const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId(stack, name)];
      const settings = cdkJsonStages()[stageName] as {
        reservedConcurrency: Record<ScimFunctionName, number>;
      };
      expect(settings.reservedConcurrency[name]).toBeGreaterThan(0);
      expect(fn?.Properties?.ReservedConcurrentExecutions).toBe(settings.reservedConcurrency[name]);
    });

    it.each(SCIM_FUNCTION_NAMES)('%s: configured through the env var contract', (name) => {
      const { stack, template } = synthesised();
      const fn = resourcesOfType(template, 'AWS::Lambda::Function')[functionLogicalId(stack, name)];
      const variables = (fn?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
      const settings = cdkJsonStages()[stageName] as {
        logLevel: string;
        secretCacheTtlSeconds: number;
        tenantThrottle: { rateLimit: number; burstLimit: number };
      };
      expect(variables).toMatchObject({
        TENANT_SECRET_PREFIX: `scim/${stageName}/tenants/`,
        SECRET_CACHE_TTL_SECONDS: String(settings.secretCacheTtlSeconds),
        LOG_LEVEL: settings.logLevel,
        STAGE: stageName,
        POWERTOOLS_SERVICE_NAME: 'serverless-scim',
      });
      // Source maps are not read at run time (every cold start would parse the map): see symbolicate.
      expect(variables.NODE_OPTIONS).toBeUndefined();
      const tableId = logicalIdOf(stack, stack.table);
      if (name === 'discovery') {
        expect(variables.TABLE_NAME).toBeUndefined();
        // Its hand-offs are counted by the resource Lambda they reach, once.
        expect(variables.TENANT_RATE_LIMIT).toBeUndefined();
        expect(variables.TENANT_BURST_LIMIT).toBeUndefined();
        expect(variables).toMatchObject({
          USERS_FUNCTION_NAME: { Ref: functionLogicalId(stack, 'users') },
          GROUPS_FUNCTION_NAME: { Ref: functionLogicalId(stack, 'groups') },
        });
      } else {
        expect(variables.TABLE_NAME).toEqual({ Ref: tableId });
        // The per-tenant request limit; its counter items are UpdateItems on the table (IAM below).
        expect(variables).toMatchObject({
          TENANT_RATE_LIMIT: String(settings.tenantThrottle.rateLimit),
          TENANT_BURST_LIMIT: String(settings.tenantThrottle.burstLimit),
        });
        // ...which the Lambda's own validation accepts.
        const lambdaEnvironment = {
          TABLE_NAME: 'scim-table',
          TENANT_RATE_LIMIT: String(variables.TENANT_RATE_LIMIT),
          TENANT_BURST_LIMIT: String(variables.TENANT_BURST_LIMIT),
        };
        expect(loadConfig(lambdaEnvironment).tenantRequestLimit).toEqual({
          ratePerSecond: settings.tenantThrottle.rateLimit,
          burst: settings.tenantThrottle.burstLimit,
        });
      }
    });
  });

  describe('setup Lambda', () => {
    const setupFunction = (): Record<string, unknown> => {
      const { stack, template } = synthesised();
      const fn = resourcesOfType(template, 'AWS::Lambda::Function')[setupFunctionId(stack)]?.Properties;
      if (fn === undefined) throw new Error('no setup function');
      return fn;
    };

    it('is its own Lambda like the SCIM ones: Node 22, ARM64, JSON logs to its own group with the retention', () => {
      const { template } = synthesised();
      const fn = setupFunction();
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: LAMBDA_MEMORY_MB,
        Timeout: 27,
        Handler: 'index.handler',
        LoggingConfig: { LogFormat: 'JSON' },
      });
      const logGroupId = cfnText((fn.LoggingConfig as { LogGroup: unknown }).LogGroup).slice(1, -1);
      expect(resourcesOfType(template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties?.RetentionInDays).toBe(
        (cdkJsonStages()[stageName] as { logRetentionDays: number }).logRetentionDays,
      );
    });

    it('reserves the concurrency cdk.json gives the setup page for the stage', () => {
      const settings = cdkJsonStages()[stageName] as { reservedConcurrency: { setup: number } };
      expect(settings.reservedConcurrency.setup).toBeGreaterThan(0);
      expect(setupFunction().ReservedConcurrentExecutions).toBe(settings.reservedConcurrency.setup);
    });

    it('gets the table and the secret prefix, and no secret cache (the reveal reads uncached)', () => {
      const { stack } = synthesised();
      const variables = (setupFunction().Environment as { Variables: Record<string, unknown> }).Variables;
      const settings = cdkJsonStages()[stageName] as { logLevel: string };
      expect(variables).toEqual({
        TABLE_NAME: { Ref: logicalIdOf(stack, stack.table) },
        TENANT_SECRET_PREFIX: `scim/${stageName}/tenants/`,
        LOG_LEVEL: settings.logLevel,
        STAGE: stageName,
        POWERTOOLS_SERVICE_NAME: 'serverless-scim',
      });
    });
  });

  describe('IAM', () => {
    function statementsOf(template: Template, roleId?: string): Record<string, unknown>[] {
      const policies = Object.values(resourcesOfType(template, 'AWS::IAM::Policy')).filter(
        (policy) =>
          roleId === undefined ||
          asArray(policy.Properties?.Roles).some((role) => cfnText(role) === `<${roleId}>`),
      );
      const inlineRolePolicies = Object.values(resourcesOfType(template, 'AWS::IAM::Role')).flatMap((role) =>
        asArray(role.Properties?.Policies ?? []),
      );
      return [...policies.map((policy) => policy.Properties?.PolicyDocument), ...inlineRolePolicies].flatMap(
        (document) => asArray((document as { Statement: unknown }).Statement) as Record<string, unknown>[],
      );
    }

    it('has no wildcard action anywhere', () => {
      const { template } = synthesised();
      const actions = statementsOf(template).flatMap((statement) => asArray(statement.Action).map(String));
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.filter((action) => action.includes('*'))).toEqual([]);
    });

    it('has no wildcard resource except the tenant-secret name prefix', () => {
      // Secrets Manager appends a random 6-character suffix to every secret ARN, so the tenant secrets
      // can only be named by prefix: `...:secret:scim/<stage>/tenants/*`. That exact form is allowed.
      const allowed = `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:scim/${stageName}/tenants/*`;
      const { template } = synthesised();
      // dynamodb:ListStreams (the events Lambda's stream source) has no resource-level permissions: it is
      // the one action allowed on "*" (test/infra/events.test.ts checks the events role as a whole).
      const resources = statementsOf(template)
        .filter((statement) => asArray(statement.Action).join() !== 'dynamodb:ListStreams')
        .flatMap((statement) => asArray(statement.Resource).map(cfnText));
      const wildcards = resources.filter((resource) => resource.includes('*'));
      expect(wildcards.length).toBeGreaterThan(0);
      expect(new Set(wildcards)).toEqual(new Set([allowed]));
    });

    it('uses no managed policies (no AWSLambdaBasicExecutionRole with logs on *)', () => {
      const { template } = synthesised();
      for (const role of Object.values(resourcesOfType(template, 'AWS::IAM::Role'))) {
        expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      }
    });

    it.each(['users', 'groups'] as const)(
      '%s may use exactly the item actions on the table, and only Query on its indexes, each by name',
      (name) => {
        const { stack, template } = synthesised();
        const tableId = logicalIdOf(stack, stack.table);
        const dynamo = statementsOf(template, roleLogicalId(stack, name)).filter((statement) =>
          asArray(statement.Action).some((action) => String(action).startsWith('dynamodb:')),
        );
        expect(dynamo).toHaveLength(2);
        expect(asArray(dynamo[0]?.Action)).toEqual([...TABLE_ITEM_ACTIONS]);
        expect(asArray(dynamo[0]?.Resource).map(cfnText)).toEqual([`<${tableId}.Arn>`]);
        expect(asArray(dynamo[1]?.Action)).toEqual(['dynamodb:Query']);
        expect(asArray(dynamo[1]?.Resource).map(cfnText)).toEqual(
          TABLE_DEFINITION.globalSecondaryIndexes.map((index) => `<${tableId}.Arn>/index/${index.indexName}`),
        );
        expect(TABLE_ITEM_ACTIONS).not.toContain('dynamodb:Scan');
      },
    );

    it('discovery may not touch the table or its indexes', () => {
      const { stack, template } = synthesised();
      const dynamo = statementsOf(template, roleLogicalId(stack, 'discovery')).filter((statement) =>
        asArray(statement.Action).some((action) => String(action).startsWith('dynamodb:')),
      );
      expect(dynamo).toEqual([]);
    });

    it('grants exactly the DynamoDB actions the store sends', () => {
      // The store's requests, as commands or as transaction items, each with the IAM action that
      // authorises it. Operator tooling that no Lambda bundles is left out: DynamoDB Local's
      // (dynamodb-local.ts) and `tenant rekey`'s one-off Scan (rekey-lookups.ts), run with the operator's
      // own credentials.
      const operatorTooling = new Set(['dynamodb-local.ts', 'rekey-lookups.ts']);
      const storeDir = path.join(REPO_ROOT, 'lambdas/store');
      const source = fs
        .readdirSync(storeDir)
        .filter((file) => file.endsWith('.ts') && !operatorTooling.has(file))
        .map((file) => fs.readFileSync(path.join(storeDir, file), 'utf8'))
        .join('\n');
      const usage: Record<string, RegExp> = {
        'dynamodb:GetItem': /\bnew Get(Item)?Command\b/,
        'dynamodb:BatchGetItem': /\bnew BatchGet(Item)?Command\b/,
        'dynamodb:Query': /\bnew QueryCommand\b/,
        'dynamodb:PutItem': /\bnew Put(Item)?Command\b|\bPut: \{/,
        'dynamodb:UpdateItem': /\bnew Update(Item)?Command\b|\bUpdate: \{/,
        'dynamodb:DeleteItem': /\bnew Delete(Item)?Command\b|\bDelete: \{/,
        'dynamodb:BatchWriteItem': /\bnew BatchWrite(Item)?Command\b/,
        'dynamodb:ConditionCheckItem': /\bConditionCheck\b/,
        'dynamodb:Scan': /\bnew Scan(Command|Paginator)?\b|\bpaginateScan\b/,
        'dynamodb:TransactGetItems': /\bnew TransactGet(Items)?Command\b/,
      };
      const used = Object.keys(usage).filter((action) => usage[action]?.test(source));
      expect([...TABLE_ITEM_ACTIONS].sort()).toEqual(used.sort());
    });

    it('lets the catch-all invoke exactly the resource Lambdas it hands paths to', () => {
      const { stack, template } = synthesised();
      const statements = statementsOf(template, roleLogicalId(stack, CATCH_ALL_FUNCTION)).filter(
        (statement) => asArray(statement.Action).some((action) => String(action).startsWith('lambda:')),
      );
      expect(statements).toHaveLength(1);
      expect(asArray(statements[0]?.Action)).toEqual(['lambda:InvokeFunction']);
      expect(asArray(statements[0]?.Resource).map(cfnText).sort()).toEqual(
        (['users', 'groups'] as const).map((name) => `<${functionLogicalId(stack, name)}.Arn>`).sort(),
      );
    });

    it('discovery has no DynamoDB access, only its logs, the tenant secrets and the hand-off', () => {
      const { stack, template } = synthesised();
      const actions = statementsOf(template, roleLogicalId(stack, 'discovery')).flatMap((statement) =>
        asArray(statement.Action).map(String),
      );
      expect(actions.sort()).toEqual([
        'lambda:InvokeFunction',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'secretsmanager:GetSecretValue',
      ]);
    });

    it('the setup page may read the table, update setup-link items only, and add tokens to tenant secrets', () => {
      const { stack, template } = synthesised();
      const tableArn = `<${logicalIdOf(stack, stack.table)}.Arn>`;
      const statements = statementsOf(template, logicalIdOf(stack, stack.setup.handler.role)).map(
        (statement) => ({
          Sid: statement.Sid,
          Effect: statement.Effect,
          Action: asArray(statement.Action),
          Resource: asArray(statement.Resource).map(cfnText),
          ...(statement.Condition === undefined ? {} : { Condition: statement.Condition }),
        }),
      );
      expect(statements).toEqual([
        {
          Sid: 'WriteOwnLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: [`<${logicalIdOf(stack, stack.setup.handler.logGroup)}.Arn>`],
        },
        {
          Sid: 'ReadLinksAndTenantActivity',
          Effect: 'Allow',
          Action: ['dynamodb:GetItem', 'dynamodb:Query'],
          Resource: [tableArn],
        },
        {
          Sid: 'ClaimSetupLinkReveals',
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem'],
          Resource: [tableArn],
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SETUP#*'] } },
        },
        {
          Sid: 'AddRevealedTokens',
          Effect: 'Allow',
          Action: [
            'secretsmanager:GetSecretValue',
            'secretsmanager:PutSecretValue',
            'secretsmanager:UpdateSecretVersionStage',
          ],
          Resource: [
            `arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:scim/${stageName}/tenants/*`,
          ],
        },
      ]);
      expect(SETUP_SECRET_ACTIONS).not.toContain('secretsmanager:CreateSecret');
    });

    it.each(SCIM_FUNCTION_NAMES)('%s writes logs only to its own log group', (name) => {
      const { stack, template } = synthesised();
      const logGroupId = logicalIdOf(stack, stack.functions[name].logGroup);
      const logs = statementsOf(template, roleLogicalId(stack, name)).filter((statement) =>
        asArray(statement.Action).some((action) => String(action).startsWith('logs:')),
      );
      expect(logs.flatMap((statement) => asArray(statement.Resource).map(cfnText))).toEqual([
        `<${logGroupId}.Arn>`,
      ]);
    });
  });

  describe('table', () => {
    it('is built from TABLE_DEFINITION: on demand, PITR, KMS encryption, TTL, new-and-old-image stream', () => {
      const { template } = synthesised();
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: TABLE_DEFINITION.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: TABLE_DEFINITION.sortKey.name, KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE_DEFINITION.timeToLiveAttribute, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      });
    });

    it('has the byMember index of TABLE_DEFINITION, keys only (no item data copied)', () => {
      const { template } = synthesised();
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        })),
      });
    });
  });

  describe('alarms', () => {
    function alarms(template: Template) {
      return Object.values(resourcesOfType(template, 'AWS::CloudWatch::Alarm'));
    }

    it('notifies the alarm topic, which e-mails the stage address over TLS only', () => {
      const { stack, template } = synthesised();
      const topicId = logicalIdOf(stack, stack.alarmTopic);
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: (cdkJsonStages()[stageName] as { alarmEmail: string }).alarmEmail,
        TopicArn: { Ref: topicId },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
      // 10 for the API, the SCIM functions and the table; 3 for change events (test/infra/events.test.ts);
      // 2 for the setup Lambda.
      expect(alarms(template)).toHaveLength(15);
      for (const alarm of alarms(template)) {
        expect(alarm.Properties?.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties?.OKActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties?.TreatMissingData).toBe('notBreaching');
      }
    });

    it('lets CloudWatch alarms of this account and region publish to the topic (enforceSSL replaces the default policy)', () => {
      const { stack, template } = synthesised();
      const topicId = logicalIdOf(stack, stack.alarmTopic);
      const policies = Object.values(resourcesOfType(template, 'AWS::SNS::TopicPolicy'));
      expect(policies).toHaveLength(1);
      expect(asArray(policies[0]?.Properties?.Topics)).toEqual([{ Ref: topicId }]);
      const statements = asArray(
        (policies[0]?.Properties?.PolicyDocument as { Statement: unknown }).Statement,
      ) as Record<string, unknown>[];
      const allows = statements.filter((statement) => statement.Effect === 'Allow');
      expect(allows).toHaveLength(1);
      const allow = allows[0];
      expect(allow.Principal).toEqual({ Service: 'cloudwatch.amazonaws.com' });
      expect(allow.Action).toBe('sns:Publish');
      // The resource is the topic itself; the alarm ARN pattern below is a condition value.
      expect(asArray(allow.Resource)).toEqual([{ Ref: topicId }]);
      const condition = allow.Condition as Record<string, Record<string, unknown>>;
      expect(cfnText(condition.StringEquals?.['aws:SourceAccount'])).toBe('<AWS::AccountId>');
      expect(cfnText(condition.ArnLike?.['aws:SourceArn'])).toBe(
        'arn:<AWS::Partition>:cloudwatch:<AWS::Region>:<AWS::AccountId>:alarm:*',
      );
    });

    it('watches 429 answers from the access log (stage throttling is shared by all tenants)', () => {
      const { stack, template } = synthesised();
      const accessLogId = logicalIdOf(stack, stack.node.findChild('ApiAccessLogs'));
      template.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: { Ref: accessLogId },
        FilterPattern: '{ $.status = "429" }',
        MetricTransformations: [
          {
            MetricNamespace: `serverless-scim/${stageName}`,
            MetricName: API_THROTTLED_METRIC_NAME,
            MetricValue: '1',
            DefaultValue: 0,
          },
        ],
      });
      const throttled = alarms(template).filter(
        (alarm) => alarm.Properties?.MetricName === API_THROTTLED_METRIC_NAME,
      );
      expect(throttled).toHaveLength(1);
      expect(throttled[0]?.Properties).toMatchObject({
        Namespace: `serverless-scim/${stageName}`,
        Statistic: 'Sum',
        Period: 300,
        Threshold: API_THROTTLED_THRESHOLD,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      // Its three sources, and how to tell them apart, for whoever is paged.
      const description = String(throttled[0]?.Properties?.AlarmDescription);
      expect(description).toContain('cdk.json throttle, per route');
      expect(description).toContain('Tenant request limit reached');
      expect(description).toContain('Tenant lookup budget spent');
    });

    it('watches the API 5xx rate', () => {
      const { template } = synthesised();
      const rate = alarms(template).find((alarm) => Array.isArray(alarm.Properties?.Metrics));
      const metrics = rate?.Properties?.Metrics as {
        Expression?: string;
        MetricStat?: { Metric: { MetricName: string; Namespace: string } };
      }[];
      expect(metrics.find((metric) => metric.Expression !== undefined)?.Expression).toBe(
        'IF(requests >= 20, 100 * errors / requests, 0)',
      );
      // Not on one bad period, and not on a handful of requests.
      expect(rate?.Properties?.EvaluationPeriods).toBe(3);
      expect(rate?.Properties?.DatapointsToAlarm).toBe(2);
      expect(API_5XX_MIN_REQUESTS).toBe(20);
      expect(
        metrics.flatMap((metric) => (metric.MetricStat ? [metric.MetricStat.Metric.MetricName] : [])).sort(),
      ).toEqual(['5xx', 'Count']);
      expect(rate?.Properties?.Threshold).toBe(5);
    });

    it.each([...SCIM_FUNCTION_NAMES, 'setup'])('watches %s Lambda errors and throttles', (name) => {
      const { stack, template } = synthesised();
      const functionId =
        name === 'setup' ? setupFunctionId(stack) : functionLogicalId(stack, name as ScimFunctionName);
      for (const metricName of ['Errors', 'Throttles']) {
        const matching = alarms(template).filter(
          (alarm) =>
            alarm.Properties?.Namespace === 'AWS/Lambda' &&
            alarm.Properties.MetricName === metricName &&
            JSON.stringify(alarm.Properties.Dimensions) ===
              JSON.stringify([{ Name: 'FunctionName', Value: { Ref: functionId } }]),
        );
        expect(matching).toHaveLength(1);
        expect(matching[0]?.Properties?.Threshold).toBe(1);
      }
    });

    it.each(['ThrottledRequests', 'SystemErrors'])('watches DynamoDB %s on the table', (metricName) => {
      const { template } = synthesised();
      const matching = alarms(template).filter((alarm) =>
        JSON.stringify(alarm.Properties?.Metrics ?? []).includes(`"MetricName":"${metricName}"`),
      );
      expect(matching).toHaveLength(1);
      expect(JSON.stringify(matching[0]?.Properties?.Metrics)).toContain('"Namespace":"AWS/DynamoDB"');
    });
  });

  it('outputs the API URL, Tenant URL template, table name and secret prefix', () => {
    const { template } = synthesised();
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(cfnText(outputs.ApiUrl?.Value)).toMatch(
      /^https:\/\/<HttpApi\w+>\.execute-api\.<AWS::Region>\.<AWS::URLSuffix>\/$/,
    );
    expect(cfnText(outputs.TenantUrlTemplate?.Value)).toMatch(/\/tenants\/\{tenantId\}\/scim\/v2$/);
    expect(cfnText(outputs.TableName?.Value)).toMatch(/^<Table\w+>$/);
    expect(outputs.TenantSecretPrefix?.Value).toBe(`scim/${stageName}/tenants/`);
  });

  it('passes cdk-nag AwsSolutions with every acknowledgement explained', () => {
    const { stack } = synthesised();
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    const acknowledgements = stack.node
      .findAll()
      .flatMap((construct: IConstruct) =>
        construct.node.metadata.filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY),
      )
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledgements.map(([id]) => id.replace(/^annotation::/i, '')).sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        ...[...SCIM_FUNCTION_NAMES, 'setup'].map(() => 'AwsSolutions-L1'),
        // Change events (lib/events.ts): the publisher's runtime, ListStreams on "*", the two DLQs.
        'AwsSolutions-L1',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-SQS3',
        'AwsSolutions-SQS3',
        ...[...SCIM_FUNCTION_NAMES, 'setup'].map(
          () =>
            `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:scim/${stageName}/tenants/*]`,
        ),
      ].sort(),
    );
    for (const [, reason] of acknowledgements) expect(reason.length).toBeGreaterThan(80);
  });
});

describe('stage differences', () => {
  it('prod keeps its data: RETAIN, deletion protection, PITR, termination protection', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
    expect(prod.stack.terminationProtection).toBe(true);
    for (const logGroup of Object.values(resourcesOfType(prod.template, 'AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Retain');
    }
  });

  it('dev can be torn down: DESTROY, no deletion protection, PITR still on', () => {
    dev.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: false,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
    expect(dev.stack.terminationProtection).toBe(false);
  });

  it('names each stage its own stack', () => {
    expect(dev.stack.stackName).toBe('ServerlessScim-dev');
    expect(prod.stack.stackName).toBe('ServerlessScim-prod');
  });
});

describe('optional settings', () => {
  it('maps a custom domain and switches the execute-api endpoint off', () => {
    const { template } = synthStage('staging', {
      stageOverrides: {
        customDomain: {
          domainName: 'scim.example.com',
          certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234',
        },
      },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'scim.example.com',
      DomainNameConfigurations: [
        Match.objectLike({
          CertificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abcd-1234',
          SecurityPolicy: 'TLS_1_2',
        }),
      ],
    });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.TenantUrlTemplate?.Value).toBe('https://scim.example.com/tenants/{tenantId}/scim/v2');
    expect(cfnText(outputs.CustomDomainTarget?.Value)).toMatch(/RegionalDomainName>$/);
  });

  it('pins the stack to the account and region given for the stage', () => {
    const { stack } = synthStage('staging', {
      stageOverrides: { account: '123456789012', region: 'eu-west-1' },
    });
    expect([stack.account, stack.region]).toEqual(['123456789012', 'eu-west-1']);
  });

  it('uses an explicit secret prefix in the environment and the IAM resource', () => {
    const { template } = synthStage('staging', { stageOverrides: { tenantSecretPrefix: 'scim/tenants/' } });
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain(':secret:scim/tenants/*');
    expect(policies).not.toContain('scim/staging/tenants/');
  });
});

describe('cdk-nag gate', () => {
  it('fails synthesis on an unacknowledged finding', () => {
    const { stack } = synthStage('dev');
    // A new wildcard grant without a reason must stop the build.
    stack.functions.users.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['dynamodb:*'], resources: ['*'] }),
    );
    const app = stack.node.root as App;
    expect(() => app.synth({ force: true })).toThrow(/AwsSolutions-IAM5\[Action::dynamodb:\*\]/);
  });
});
