/**
 * Which HTTP API route reaches which Lambda, and the source ARN each route's invoke permission allows.
 * Pure data so the routing table can be tested on its own and read in one place.
 *
 * Routing holds by construction, not by API Gateway matching rules we cannot test here:
 *   - each resource registers only its canonical spelling: `ANY /X` (the collection) and `ANY /X/{proxy+}`
 *     (items, `.search`, deeper paths, which the handler tells apart itself since it routes on rawPath);
 *   - everything else (`$default`: other letter cases such as `/users`, a trailing slash `/Users/` if
 *     API Gateway does not give it to `/X/{proxy+}`, discovery, unknown paths, paths outside a tenant)
 *     goes to the catch-all Lambda (discovery). It answers discovery and 404 itself and hands any path
 *     that names a resource, in whatever casing and with or without a trailing slash, to that resource's
 *     Lambda with the same event (lambdas/http/hand-off.ts), using the same path rule as the local server.
 * So a resource path reaches its Lambda whichever of the two API Gateway picks.
 */
import { CATCH_ALL_HANDLER, type HandlerName } from '../lambdas/http/router';
import { SETUP_ACTIONS, SETUP_PATH, TENANT_SCIM_PATH } from '../lambdas/paths';
import { RESOURCE_TYPES, type ResourceFunctionName } from '../lambdas/scim/schema/resource-types';

/** One Lambda per registered resource type, then the catch-all, in the order the stack creates them. */
export const SCIM_FUNCTION_NAMES: readonly HandlerName[] = [
  ...RESOURCE_TYPES.map((type) => type.functionName),
  CATCH_ALL_HANDLER,
];
/** The handlers the router dispatches to (lambdas/http/router.ts), one Lambda each. */
export type ScimFunctionName = HandlerName;

/** A value for each function (its entry file, construct, integration...), built by one loop. */
export function forEachFunction<T>(
  make: (name: ScimFunctionName) => T,
): Readonly<Record<ScimFunctionName, T>> {
  return Object.fromEntries(SCIM_FUNCTION_NAMES.map((name) => [name, make(name)])) as Record<
    ScimFunctionName,
    T
  >;
}

/** `users` -> `Users`: the stem of the function's CDK construct ids (`UsersHandler`, `UsersIntegration`). */
export const constructStem = (name: ScimFunctionName): string => name.charAt(0).toUpperCase() + name.slice(1);

/** The Lambda behind `$default`: discovery, 404s, and the hand-off of non-canonical resource paths. */
export const CATCH_ALL_FUNCTION = CATCH_ALL_HANDLER;
/** The Lambdas that own a resource (and take the catch-all's hand-offs). */
export type { ResourceFunctionName };

/** Entra's Tenant URL is `https://<host>/tenants/<tenantId>/scim/v2`; the template lives in lambdas/paths.ts. */
export const TENANT_BASE_PATH = TENANT_SCIM_PATH.template;

/** The route key of the catch-all route. */
export const DEFAULT_ROUTE = '$default';

export interface ScimRoute {
  /** A path (method ANY: the handler answers 405 for a method the resource does not support). */
  readonly path: string;
  readonly target: ScimFunctionName;
}

/** The Lambdas that own a resource, by the resource's canonical name (the registry's endpoint). */
export const RESOURCE_ENDPOINTS: readonly {
  readonly resourceName: string;
  readonly target: ResourceFunctionName;
}[] = RESOURCE_TYPES.map(({ endpoint, functionName }) => ({ resourceName: endpoint, target: functionName }));

/** Sub-paths registered under each resource: the collection and everything below it. */
export const RESOURCE_SUB_PATHS: readonly string[] = ['', '/{proxy+}'];

/** The path routes; `$default` (DEFAULT_ROUTE) goes to CATCH_ALL_FUNCTION in addition. */
export function scimRoutes(): ScimRoute[] {
  return RESOURCE_ENDPOINTS.flatMap(({ resourceName, target }) =>
    RESOURCE_SUB_PATHS.map((subPath) => ({ path: `${TENANT_BASE_PATH}/${resourceName}${subPath}`, target })),
  );
}

/** The setup page's Lambda (lambdas/setup.ts): on the same API, but no SCIM handler. */
export const SETUP_FUNCTION = 'setup';

export interface MethodRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
}

/**
 * The setup page's routes, each with the one method its handler serves: the page (`GET /setup/{code}`)
 * and its POSTs (`/setup/reveal`, `/setup/status`, which take the code in the body; an exact path wins
 * over `{code}`). Any other method or deeper path goes to `$default`, which answers 404.
 */
export function setupRoutes(): MethodRoute[] {
  return [
    { method: 'GET', path: SETUP_PATH.template },
    ...SETUP_ACTIONS.map((action): MethodRoute => ({
      method: 'POST',
      path: SETUP_PATH.build({ code: action }),
    })),
  ];
}

/**
 * The resource part (after `<api-id>/`) of the execute-api ARN that API Gateway invokes a route's Lambda
 * with: `<stage>/<method>/<path>` for a path route, `<stage>/$default` for the `$default` route (one
 * segment fewer, which `*\/*\/*` does not match). Path variables become `*`, which in an ARN pattern also
 * matches the "/" inside a greedy `{proxy+}`. `method` is the route's method, `*` for ANY.
 */
export function invokeSourceArnResource(path: string, method = '*'): string {
  if (path === DEFAULT_ROUTE) return `*/${DEFAULT_ROUTE}`;
  return `*/${method}${path.replace(/\{[^}]+\}/g, '*')}`;
}
