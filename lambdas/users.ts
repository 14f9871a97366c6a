/** The Users Lambda: configuration and clients once per container, then the shared handler factory. */
import { createTokenStore } from './auth/token-store-factory';
import { loadConfig } from './config';
import { createDocumentClient, createUsersHandler } from './http/handlers';
import { createLogger } from './logger';
import { DynamoDbUserRepository } from './store/dynamodb-users';

const config = loadConfig();

export const handler = createUsersHandler({
  repository: new DynamoDbUserRepository({
    client: createDocumentClient(config),
    tableName: config.tableName,
  }),
  tokenStore: createTokenStore(config),
  logger: createLogger(config),
});
