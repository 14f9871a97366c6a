/** The setup Lambda: configuration and clients once per container, then the setup handler. */
import { createSecretsManagerClient } from './auth/token-store-factory';
import { SecretsManagerTokenStore } from './auth/secrets-manager-token-store';
import { loadConfig } from './config';
import { createDocumentClient } from './http/handlers';
import { createLogger } from './logger';
import { createSetupHandler } from './setup/handler';
import { DynamoDbSetupLinks } from './store/setup-links';
import { DynamoDbTenantRepository } from './store/dynamodb-tenants';
import { DynamoDbTenantActivity } from './store/tenant-status-reader';

const config = loadConfig();
const client = createDocumentClient(config);

export const handler = createSetupHandler({
  links: new DynamoDbSetupLinks({ client, tableName: config.tableName }),
  // Uncached: the reveal reads the record it is about to replace.
  tokens: new SecretsManagerTokenStore(createSecretsManagerClient(), config.tenantSecretPrefix),
  tenants: new DynamoDbTenantRepository({ client, tableName: config.tableName }),
  activity: new DynamoDbTenantActivity(client, config.tableName),
  logger: createLogger(config),
});
