/** The Users Lambda: configuration and clients once per container, then the shared handler factory. */
import { createTokenStore } from './auth/token-store-factory';
import { loadConfig } from './config';
import { createDocumentClient, createUsersHandler, createRequestLimiter } from './http/handlers';
import { createLogger } from './logger';
import { dynamoDbStatusRecorder } from './store/tenant-status';
import { DynamoDbUserRepository } from './store/dynamodb-users';

const config = loadConfig();
const client = createDocumentClient(config);

export const handler = createUsersHandler({
  repository: new DynamoDbUserRepository({ client, tableName: config.tableName }),
  statusRecorder: dynamoDbStatusRecorder(client, config.tableName),
  tokenStore: createTokenStore(config),
  logger: createLogger(config),
  requestLimiter: createRequestLimiter(config, client),
});
