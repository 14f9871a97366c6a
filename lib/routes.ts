/**
 * Which HTTP API route reaches which Lambda. Pure data so the routing table can be tested on its own and
 * read in one place.
 *
 * HTTP API route matching is case-sensitive and a route key may not end in "/", while SCIM resource names
 * match case-insensitively and Entra may send a trailing slash. So each resource registers:
 *   - the casings Entra and other clients are known to send (Users, users, USERS),
 *   - `/X/{id}` and `/X/.search` (the RFC 7644 endpoints),
 *   - `/X/{proxy+}`, a greedy route that also catches `/X/` (a trailing slash) and deeper paths, which the
 *     handler answers itself (404 / 405), since it routes on event.rawPath.
 * Everything else under the tenant base path, and anything outside it (`$default`), goes to the discovery
 * Lambda, which serves /ServiceProviderConfig, /ResourceTypes and /Schemas and answers SCIM 404 otherwise.
 */

export type ScimFunctionName = 'users' | 'groups' | 'discovery';

/** Entra's Tenant URL is `https://<host>/tenants/<tenantId>/scim/v2`. */
export const TENANT_BASE_PATH = '/tenants/{tenantId}/scim/v2';

export interface ScimRoute {
  /** Always method ANY: the handler answers 405 for a method the resource does not support. */
  readonly path: string;
  readonly target: ScimFunctionName;
}

const RESOURCE_ENDPOINTS: readonly { readonly resourceName: string; readonly target: ScimFunctionName }[] = [
  { resourceName: 'Users', target: 'users' },
  { resourceName: 'Groups', target: 'groups' },
];

/** The schema casing, all lower and all upper case, without duplicates. */
export function resourceNameCasings(resourceName: string): string[] {
  return [...new Set([resourceName, resourceName.toLowerCase(), resourceName.toUpperCase()])];
}

/** Sub-paths registered under each casing of a resource. */
const RESOURCE_SUB_PATHS: readonly string[] = ['', '/{id}', '/.search', '/{proxy+}'];

export function scimRoutes(): ScimRoute[] {
  const resourceRoutes = RESOURCE_ENDPOINTS.flatMap(({ resourceName, target }) =>
    resourceNameCasings(resourceName).flatMap((casing) =>
      RESOURCE_SUB_PATHS.map((subPath) => ({ path: `${TENANT_BASE_PATH}/${casing}${subPath}`, target })),
    ),
  );
  return [...resourceRoutes, { path: `${TENANT_BASE_PATH}/{proxy+}`, target: 'discovery' }];
}
