/**
 * Users and Groups handler factories: the one code path shared by the Lambda entry points
 * (lambdas/users.ts, lambdas/groups.ts), which build their dependencies from the environment, and the local
 * server, which builds them for DynamoDB Local and the file token store. Discovery has its own module
 * (discovery-handler.ts) so that its bundle carries no DynamoDB client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import { type ClientLimits, clientTimeLimits } from '../client-limits';
import type { BaseConfig, Config } from '../config';
import type { ScimHandlerDeps, ScimLambdaHandler } from '../middleware';
import { scimHandler } from '../middleware';
import { createGroupService } from '../service/groups';
import type { ResourceService } from '../service/types';
import { createUserService } from '../service/users';
import type { GroupRepository, UserRepository } from '../store/repository';
import { dynamoDbRequestCounter } from '../store/request-counts';
import { TenantRequestLimiter } from '../tenant-request-limit';
import { PAGE_LIMITS } from './limits';
import { resourceRoute } from './resource-route';

/** A resource handler's dependencies: the narrow repository port of its resource (R) and the chain's. */
export interface ResourceHandlerDeps<R> extends ScimHandlerDeps {
  readonly repository: R;
}

const resourceHandler = (service: ResourceService, deps: ScimHandlerDeps): ScimLambdaHandler =>
  scimHandler(resourceRoute(service, PAGE_LIMITS), { ...deps, resourceSchema: service.schema });

export const createUsersHandler = (deps: ResourceHandlerDeps<UserRepository>): ScimLambdaHandler =>
  resourceHandler(createUserService(deps.repository), deps);

export const createGroupsHandler = (deps: ResourceHandlerDeps<GroupRepository>): ScimLambdaHandler =>
  resourceHandler(createGroupService(deps.repository), deps);

/**
 * Per DynamoDB call: 2 x (1 s connect + 1.5 s response) + one retry back-off (< 1 s) = 6 s at worst, so a
 * slow table ends in our 503 + Retry-After before the Lambda times out (a timeout is a bare API Gateway
 * 500). lib/scim-function.ts sizes the Lambda timeout for a Secrets Manager read plus three such calls
 * (docs/deploy.md). Single-item DynamoDB calls take milliseconds; 1.5 s is far above a healthy table.
 */
export const DYNAMODB_CLIENT_LIMITS: ClientLimits = {
  maxAttempts: 2,
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 1_500,
};

/**
 * One DynamoDB document client per Lambda container, with DYNAMODB_CLIENT_LIMITS; empty strings and
 * undefined are dropped, never written.
 */
export function createDocumentClient(
  config: Pick<BaseConfig, 'dynamoDbEndpoint'>,
  overrides: DynamoDBClientConfig = {},
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...clientTimeLimits(DYNAMODB_CLIENT_LIMITS),
    ...(config.dynamoDbEndpoint !== undefined ? { endpoint: config.dynamoDbEndpoint } : {}),
    ...overrides,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The container's per-tenant request limiter, counting on the table; none when no limit is configured. */
export function createRequestLimiter(
  config: Pick<Config, 'tableName' | 'tenantRequestLimit'>,
  client: DynamoDBDocumentClient,
): TenantRequestLimiter | undefined {
  if (config.tenantRequestLimit === undefined) return undefined;
  return new TenantRequestLimiter(
    config.tenantRequestLimit,
    dynamoDbRequestCounter(client, config.tableName),
  );
}
