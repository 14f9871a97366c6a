/** The Groups Lambda: configuration and clients once per container, then the shared handler factory. */
import { createTokenStore } from './auth/token-store-factory';
import { loadConfig } from './config';
import { createDocumentClient, createGroupsHandler, createRequestLimiter } from './http/handlers';
import { createLogger } from './logger';
import { dynamoDbStatusRecorder } from './store/tenant-status';
import { DynamoDbGroupRepository } from './store/dynamodb-groups';

const config = loadConfig();
const client = createDocumentClient(config);

export const handler = createGroupsHandler({
  repository: new DynamoDbGroupRepository({ client, tableName: config.tableName }),
  statusRecorder: dynamoDbStatusRecorder(client, config.tableName),
  tokenStore: createTokenStore(config),
  logger: createLogger(config),
  requestLimiter: createRequestLimiter(config, client),
});
