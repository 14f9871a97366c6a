/**
 * The catch-all Lambda behind the API's `$default` route: /ServiceProviderConfig, /ResourceTypes,
 * /Schemas, the SCIM 404 for every unknown path, and the hand-off of other-cased or slashed Users and
 * Groups paths to their Lambdas (lib/routes.ts). It authenticates like the others but needs no table.
 */
import { createTokenStore } from './auth/token-store-factory';
import { loadCatchAllConfig } from './config';
import { createCatchAllHandler } from './http/discovery-handler';
import { createLambdaClient, lambdaHandOff } from './http/hand-off';
import { createLogger } from './logger';

const config = loadCatchAllConfig();

export const handler = createCatchAllHandler({
  tokenStore: createTokenStore(config),
  logger: createLogger(config),
  handOff: lambdaHandOff(createLambdaClient(), config.handOffFunctions),
});
