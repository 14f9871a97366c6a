/**
 * Pure routing of a SCIM request path and method to an operation.
 *
 * Paths look like `[/stage]/tenants/{tenantId}/scim/v2/<Resource>[/<id>|/.search][/]`, and `/.search` at the
 * tenant root (RFC 7644 §3.4.3, a search across resource types, which the discovery route refuses). The deployed API
 * sends Users and Groups paths to their Lambdas and every other path under the tenant to the discovery
 * Lambda, so each handler routes on rawPath itself: resource names are matched case-insensitively (RFC 7644
 * §3.10 says nothing, Entra sends `/Users` and validators `/users`), a trailing slash is tolerated, an
 * unknown path is a SCIM 404 and a wrong method a 405 with `Allow`.
 */
import { TENANT_SCIM_PATH } from '../paths';
import { ScimError } from '../scim/errors';
import type { ResourceEndpoint, ResourceFunctionName } from '../scim/schema/resource-types';
import { resourceTypeAtEndpoint } from '../scim/schema/resource-types';

export type { ResourceEndpoint } from '../scim/schema/resource-types';
export type DiscoveryEndpoint = 'ServiceProviderConfig' | 'ResourceTypes' | 'Schemas';

export type RoutePath =
  | { readonly kind: 'collection'; readonly resource: ResourceEndpoint }
  | { readonly kind: 'search'; readonly resource: ResourceEndpoint }
  | { readonly kind: 'item'; readonly resource: ResourceEndpoint; readonly id: string }
  | { readonly kind: 'discovery'; readonly endpoint: DiscoveryEndpoint; readonly id?: string }
  | { readonly kind: 'rootSearch' };

export type Operation =
  | { readonly resource: ResourceEndpoint; readonly operation: 'list' | 'create' | 'search' }
  | {
      readonly resource: ResourceEndpoint;
      readonly operation: 'get' | 'replace' | 'patch' | 'delete';
      readonly id: string;
    }
  | { readonly resource: 'discovery'; readonly endpoint: DiscoveryEndpoint; readonly id?: string }
  | { readonly resource: 'root'; readonly operation: 'search' };

const DISCOVERY_NAMES: ReadonlyMap<string, DiscoveryEndpoint> = new Map([
  ['serviceproviderconfig', 'ServiceProviderConfig'],
  ['serviceproviderconfigs', 'ServiceProviderConfig'],
  ['resourcetypes', 'ResourceTypes'],
  ['schemas', 'Schemas'],
]);

const notFound = (): ScimError => ScimError.notFound('No SCIM endpoint at this path.');

/** Percent-decodes one path segment; a malformed escape names no resource, hence 404. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound();
  }
}

/**
 * The path segments after the tenant's SCIM base (paths.ts), decoded, without empty segments from a trailing
 * slash. Throws 404 when the path is not under a tenant's SCIM base.
 */
export function scimSegments(rawPath: string): string[] {
  const match = TENANT_SCIM_PATH.parse(rawPath);
  if (match === undefined) throw notFound();
  const rest = match.rest.split('/').slice(1);
  // One trailing slash is tolerated; an empty segment in the middle (`/Users//x`) names nothing.
  if (rest.length > 0 && rest[rest.length - 1] === '') rest.pop();
  if (rest.some((segment) => segment === '')) throw notFound();
  return rest.map(decodeSegment);
}

export function matchPath(rawPath: string): RoutePath {
  const [first, second, ...more] = scimSegments(rawPath);
  if (first === undefined || more.length > 0) throw notFound();
  if (first.toLowerCase() === '.search' && second === undefined) return { kind: 'rootSearch' };
  const resource = resourceTypeAtEndpoint(first)?.endpoint;
  if (resource !== undefined) {
    if (second === undefined) return { kind: 'collection', resource };
    if (second.toLowerCase() === '.search') return { kind: 'search', resource };
    return { kind: 'item', resource, id: second };
  }
  const endpoint = DISCOVERY_NAMES.get(first.toLowerCase());
  if (endpoint === undefined) throw notFound();
  if (endpoint === 'ServiceProviderConfig' && second !== undefined) throw notFound();
  return second === undefined ? { kind: 'discovery', endpoint } : { kind: 'discovery', endpoint, id: second };
}

const COLLECTION_METHODS: Readonly<Record<string, 'list' | 'create'>> = { GET: 'list', POST: 'create' };
const SEARCH_METHODS: Readonly<Record<string, 'search'>> = { POST: 'search' };
const ITEM_METHODS: Readonly<Record<string, 'get' | 'replace' | 'patch' | 'delete'>> = {
  GET: 'get',
  PUT: 'replace',
  PATCH: 'patch',
  DELETE: 'delete',
};
const DISCOVERY_METHODS: Readonly<Record<string, 'read'>> = { GET: 'read' };

const methodsOf = (path: RoutePath): Readonly<Record<string, string>> => {
  switch (path.kind) {
    case 'collection':
      return COLLECTION_METHODS;
    case 'search':
    case 'rootSearch':
      return SEARCH_METHODS;
    case 'item':
      return ITEM_METHODS;
    case 'discovery':
      return DISCOVERY_METHODS;
  }
};

/** The methods a path accepts, for the `Allow` header of a 405. HEAD is not offered: SCIM does not use it. */
export const allowedMethods = (path: RoutePath): string[] => Object.keys(methodsOf(path));

const methodNotAllowed = (method: string, path: RoutePath): ScimError =>
  ScimError.methodNotAllowed(`Method ${method} is not allowed on this endpoint.`, allowedMethods(path));

/** Routes method + path; throws 404 for an unknown path and 405 (with Allow) for a wrong method. */
export function route(method: string, rawPath: string): Operation {
  const path = matchPath(rawPath);
  const verb = method.toUpperCase();
  switch (path.kind) {
    case 'collection': {
      const operation = COLLECTION_METHODS[verb];
      if (operation === undefined) throw methodNotAllowed(verb, path);
      return { resource: path.resource, operation };
    }
    case 'search': {
      const operation = SEARCH_METHODS[verb];
      if (operation === undefined) throw methodNotAllowed(verb, path);
      return { resource: path.resource, operation };
    }
    case 'item': {
      const operation = ITEM_METHODS[verb];
      if (operation === undefined) throw methodNotAllowed(verb, path);
      return { resource: path.resource, operation, id: path.id };
    }
    case 'rootSearch':
      if (SEARCH_METHODS[verb] === undefined) throw methodNotAllowed(verb, path);
      return { resource: 'root', operation: 'search' };
    case 'discovery':
      if (DISCOVERY_METHODS[verb] === undefined) throw methodNotAllowed(verb, path);
      return path.id === undefined
        ? { resource: 'discovery', endpoint: path.endpoint }
        : { resource: 'discovery', endpoint: path.endpoint, id: path.id };
  }
}

/** The Lambda that answers every path no resource type owns (discovery, 404s). */
export const CATCH_ALL_HANDLER = 'discovery';
export type HandlerName = ResourceFunctionName | typeof CATCH_ALL_HANDLER;

/**
 * Which Lambda answers a path: a resource's paths (any casing, trailing slash) its handler,
 * everything else (discovery, unknown paths, paths outside a tenant) the discovery handler, which answers
 * 404 for them. The deployed catch-all Lambda hands resource paths on by this rule (lib/routes.ts), and
 * the local server dispatches with it, so both behave alike.
 */
export function handlerForPath(rawPath: string): HandlerName {
  let first: string | undefined;
  try {
    first = scimSegments(rawPath)[0];
  } catch {
    return CATCH_ALL_HANDLER;
  }
  return (first === undefined ? undefined : resourceTypeAtEndpoint(first)?.functionName) ?? CATCH_ALL_HANDLER;
}
