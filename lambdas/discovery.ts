/**
 * The discovery Lambda (/ServiceProviderConfig, /ResourceTypes, /Schemas, and the SCIM 404 for every
 * unmatched path). It authenticates like the others but needs no table.
 */
import { createTokenStore } from './auth/token-store-factory';
import { loadBaseConfig } from './config';
import { createDiscoveryHandler } from './http/discovery-handler';
import { createLogger } from './logger';

const config = loadBaseConfig();

export const handler = createDiscoveryHandler({
  tokenStore: createTokenStore(config),
  logger: createLogger(config),
});
