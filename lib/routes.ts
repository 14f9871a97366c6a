/**
 * Which HTTP API route reaches which Lambda. Pure data so the routing table can be tested on its own and
 * read in one place.
 *
 * HTTP API route matching is case-sensitive and a route key may not end in "/", while SCIM resource names
 * match case-insensitively (RFC 7644 §3: "Users", "users", "uSeRs" are one endpoint) and Entra may send
 * a trailing slash. So each resource registers, for EVERY casing of its name (2^letters: 32 for Users, 64
 * for Groups):
 *   - `/X`, the collection,
 *   - `/X/{proxy+}`, a greedy route for `/X/{id}`, `/X/.search`, `/X/` (a trailing slash) and deeper
 *     paths, which the handler tells apart itself (404 / 405), since it routes on event.rawPath.
 * 194 routes with the discovery ones: within HTTP API's default quota of 300 routes per API.
 * Everything else under the tenant base path, and anything outside it (`$default`), goes to the discovery
 * Lambda, which serves /ServiceProviderConfig, /ResourceTypes and /Schemas (in any casing too) and answers
 * SCIM 404 otherwise.
 */
import { TENANT_SCIM_PATH } from '../lambdas/paths';

/** One Lambda each, in the order the stack creates them. */
export const SCIM_FUNCTION_NAMES = ['users', 'groups', 'discovery'] as const;
export type ScimFunctionName = (typeof SCIM_FUNCTION_NAMES)[number];

/** Entra's Tenant URL is `https://<host>/tenants/<tenantId>/scim/v2`; the template lives in lambdas/paths.ts. */
export const TENANT_BASE_PATH = TENANT_SCIM_PATH.template;

export interface ScimRoute {
  /** Always method ANY: the handler answers 405 for a method the resource does not support. */
  readonly path: string;
  readonly target: ScimFunctionName;
}

const RESOURCE_ENDPOINTS: readonly { readonly resourceName: string; readonly target: ScimFunctionName }[] = [
  { resourceName: 'Users', target: 'users' },
  { resourceName: 'Groups', target: 'groups' },
];

/** Every upper/lower-case spelling of `name` (characters without case stay as they are), without duplicates. */
export function resourceNameCasings(name: string): string[] {
  let casings = [''];
  for (const character of name) {
    const variants = new Set([character.toLowerCase(), character.toUpperCase()]);
    casings = casings.flatMap((prefix) => [...variants].map((variant) => prefix + variant));
  }
  return casings;
}

/** Sub-paths registered under each casing of a resource: the collection and everything below it. */
export const RESOURCE_SUB_PATHS: readonly string[] = ['', '/{proxy+}'];

export function scimRoutes(): ScimRoute[] {
  const resourceRoutes = RESOURCE_ENDPOINTS.flatMap(({ resourceName, target }) =>
    resourceNameCasings(resourceName).flatMap((casing) =>
      RESOURCE_SUB_PATHS.map((subPath) => ({ path: `${TENANT_BASE_PATH}/${casing}${subPath}`, target })),
    ),
  );
  return [...resourceRoutes, { path: `${TENANT_BASE_PATH}/{proxy+}`, target: 'discovery' }];
}
