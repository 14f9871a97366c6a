/**
 * The discovery handler factory, and the catch-all Lambda built on it. Kept apart from the resource
 * handlers so that the discovery bundle carries no DynamoDB client.
 */
import type { HandOffTarget } from '../config';
import type { ScimHandlerDeps, ScimLambdaHandler } from '../middleware';
import { handOffHandler, scimHandler } from '../middleware';
import { discoveryRoute } from './discovery-route';
import type { HandOff } from './hand-off';
import { DISCOVERY_OPTIONS } from './limits';
import { handlerForPath } from './router';

export const createDiscoveryHandler = (deps: ScimHandlerDeps): ScimLambdaHandler =>
  scimHandler(discoveryRoute(DISCOVERY_OPTIONS), deps);

export interface CatchAllDeps extends ScimHandlerDeps {
  readonly handOff: HandOff;
}

/**
 * The `$default` route's Lambda: discovery and 404s itself; a path naming a resource (whatever its
 * casing, with or without a trailing slash) goes to that resource's Lambda with the same event.
 */
export function createCatchAllHandler(deps: CatchAllDeps): ScimLambdaHandler {
  const discovery = createDiscoveryHandler(deps);
  const handOffTo = (target: HandOffTarget): ScimLambdaHandler =>
    handOffHandler((event) => deps.handOff(target, event), deps);
  const handOffs: Readonly<Record<HandOffTarget, ScimLambdaHandler>> = {
    users: handOffTo('users'),
    groups: handOffTo('groups'),
  };
  return (event, context) => {
    const target = handlerForPath(event.rawPath);
    return target === 'discovery' ? discovery(event, context) : handOffs[target](event, context);
  };
}
