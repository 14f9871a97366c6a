/**
 * Handler factories: the one code path shared by the Lambda entry points (lambdas/users.ts, ...), which
 * build their dependencies from the environment, and the local server, which builds them for DynamoDB
 * Local and the file token store.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import type { BaseConfig } from '../config';
import type { ScimHandlerDeps, ScimLambdaHandler } from '../middleware';
import { scimHandler } from '../middleware';
import { createGroupService } from '../service/groups';
import { createUserService } from '../service/users';
import type { ScimRepository } from '../store/repository';
import { MAX_PAGE_SIZE } from '../store/repository';
import type { DiscoveryOptions } from './discovery-route';
import { discoveryRoute } from './discovery-route';
import type { PageLimits } from './query';
import { resourceRoute } from './resource-route';

/** Okta and Entra page with count=100; more is allowed up to the store's maximum. */
export const PAGE_LIMITS: PageLimits = { defaultCount: 100, maxCount: MAX_PAGE_SIZE };

/** What /ServiceProviderConfig announces; kept next to PAGE_LIMITS so the two cannot disagree. */
export const DISCOVERY_OPTIONS: DiscoveryOptions = {
  maxResults: MAX_PAGE_SIZE,
  defaultPageSize: PAGE_LIMITS.defaultCount,
  maxPageSize: PAGE_LIMITS.maxCount,
  // Cursors name the id a page starts after (lambdas/store/cursor.ts): they hold no server state and do
  // not expire; an hour is what we promise.
  cursorTimeout: 3600,
};

export interface ResourceHandlerDeps extends ScimHandlerDeps {
  readonly repository: ScimRepository;
}

export const createUsersHandler = (deps: ResourceHandlerDeps): ScimLambdaHandler =>
  scimHandler(resourceRoute('Users', createUserService(deps.repository), PAGE_LIMITS), deps);

export const createGroupsHandler = (deps: ResourceHandlerDeps): ScimLambdaHandler =>
  scimHandler(resourceRoute('Groups', createGroupService(deps.repository), PAGE_LIMITS), deps);

export const createDiscoveryHandler = (deps: ScimHandlerDeps): ScimLambdaHandler =>
  scimHandler(discoveryRoute(DISCOVERY_OPTIONS), deps);

export const createLogger = (config: Pick<BaseConfig, 'serviceName' | 'logLevel'>): Logger =>
  new Logger({ serviceName: config.serviceName, logLevel: config.logLevel });

/**
 * One DynamoDB document client per Lambda container. Short timeouts so a slow table answers 503 well
 * before API Gateway's 30 s; empty strings and undefined are dropped, never written.
 */
export function createDocumentClient(
  config: Pick<BaseConfig, 'dynamoDbEndpoint'>,
  overrides: DynamoDBClientConfig = {},
): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 3_000 },
    ...(config.dynamoDbEndpoint !== undefined ? { endpoint: config.dynamoDbEndpoint } : {}),
    ...overrides,
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
