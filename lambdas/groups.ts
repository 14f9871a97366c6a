/** The Groups Lambda: configuration and clients once per container, then the shared handler factory. */
import { createTokenStore } from './auth/token-store-factory';
import { loadConfig } from './config';
import { createDocumentClient, createGroupsHandler } from './http/handlers';
import { createLogger } from './logger';
import { DynamoDbGroupRepository } from './store/dynamodb-groups';

const config = loadConfig();

export const handler = createGroupsHandler({
  repository: new DynamoDbGroupRepository({
    client: createDocumentClient(config),
    tableName: config.tableName,
  }),
  tokenStore: createTokenStore(config),
  logger: createLogger(config),
});
