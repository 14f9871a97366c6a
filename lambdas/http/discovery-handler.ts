/**
 * The discovery handler factory. Kept apart from the resource handlers so that the discovery bundle
 * carries no DynamoDB client.
 */
import type { ScimHandlerDeps, ScimLambdaHandler } from '../middleware';
import { scimHandler } from '../middleware';
import { discoveryRoute } from './discovery-route';
import { DISCOVERY_OPTIONS } from './limits';

export const createDiscoveryHandler = (deps: ScimHandlerDeps): ScimLambdaHandler =>
  scimHandler(discoveryRoute(DISCOVERY_OPTIONS), deps);
