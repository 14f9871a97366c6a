/**
 * Users and Groups handler factories: the one code path shared by the Lambda entry points
 * (lambdas/users.ts, lambdas/groups.ts), which build their dependencies from the environment, and the local
 * server, which builds them for DynamoDB Local and the file token store. Discovery has its own module
 * (discovery-handler.ts) so that its bundle carries no DynamoDB client.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

import type { BaseConfig } from '../config';
import type { ScimHandlerDeps, ScimLambdaHandler } from '../middleware';
import { scimHandler } from '../middleware';
import { createGroupService } from '../service/groups';
import { createUserService } from '../service/users';
import type { ScimRepository } from '../store/repository';
import { PAGE_LIMITS } from './limits';
import { resourceRoute } from './resource-route';

export interface ResourceHandlerDeps extends ScimHandlerDeps {
  readonly repository: ScimRepository;
}

export const createUsersHandler = (deps: ResourceHandlerDeps): ScimLambdaHandler =>
  scimHandler(resourceRoute('Users', createUserService(deps.repository), PAGE_LIMITS), deps);

export const createGroupsHandler = (deps: ResourceHandlerDeps): ScimLambdaHandler =>
  scimHandler(resourceRoute('Groups', createGroupService(deps.repository), PAGE_LIMITS), deps);

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
