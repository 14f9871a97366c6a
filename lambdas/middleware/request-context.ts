/**
 * Per-request logging context and the access line.
 *
 * Appends requestId, method and a route template to every log line of the request (tenant-auth adds
 * tenantId once its format is checked), and writes one structured "request completed" line with status
 * and duration. The route template is derived from the path with ids replaced by placeholders: raw paths,
 * query strings (filters carry emails), headers (Authorization) and bodies are never logged. A write that
 * succeeded names the resource it changed (`resourceId`, an id this service issued): the audit trail.
 */
import type { Logger } from '../logger';
import { TENANT_SCIM_PATH } from '../paths';
import { RESOURCE_TYPES } from '../scim/schema/resource-types';
import { chainState } from './chain-state';
import type { ScimEvent, ScimMiddleware, ScimResult } from './types';

const KNOWN_ENDPOINTS = new Map(
  [
    ...RESOURCE_TYPES.map((type) => type.endpoint),
    ...['ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Bulk', 'Me', '.search'],
  ].map((name) => [name.toLowerCase(), name]),
);

/**
 * e.g. /tenants/acme/scim/v2/users/42/ -> /tenants/{tenantId}/scim/v2/Users/{id}. Unknown segments become
 * {segment}, so nothing the client typed reaches the logs.
 */
export function routeTemplate(rawPath: string | undefined): string {
  const match = TENANT_SCIM_PATH.parse(rawPath ?? '');
  if (match === undefined) return '{unknown}';
  const [endpoint, ...ids] = match.rest.split('/').filter((segment) => segment !== '');
  const parts: string[] = [TENANT_SCIM_PATH.template];
  if (endpoint !== undefined) parts.push(KNOWN_ENDPOINTS.get(endpoint.toLowerCase()) ?? '{segment}');
  for (let index = 0; index < ids.length; index += 1) parts.push(index === 0 ? '{id}' : '{segment}');
  return parts.join('/');
}

/**
 * The id of the resource a successful write changed: a POST's from its Location (`.search` has none), the
 * others' from the path. Only on success, when it is an id this service issued: a failed request's path
 * segment is whatever the client typed.
 */
export function changedResourceId(
  event: ScimEvent,
  result: ScimResult | null | undefined,
): string | undefined {
  const status = result?.statusCode ?? 0;
  const method = event.requestContext?.http?.method?.toUpperCase() ?? '';
  if (status < 200 || status > 299 || !/^(POST|PUT|PATCH|DELETE)$/.test(method)) return undefined;
  const where = method === 'POST' ? result?.headers?.Location : event.rawPath;
  const id = /\/(?:users|groups)\/([^/]+)\/?$/i.exec(String(where))?.[1];
  try {
    return id === undefined ? undefined : decodeURIComponent(id);
  } catch {
    return undefined;
  }
}

export function requestIdOf(event: ScimEvent, awsRequestId: string | undefined): string {
  return event.requestContext?.requestId ?? awsRequestId ?? 'unknown';
}

export interface RequestContextDeps {
  readonly logger: Logger;
  /** Milliseconds clock for durations; injectable for tests. */
  readonly clock?: () => number;
}

const defaultClock = (): number => performance.now();

/** The access line of one request (once: not again when the deadline has already answered for it). */
export function logCompleted(
  logger: Logger,
  event: ScimEvent,
  status: number | undefined,
  clock: () => number = defaultClock,
  resourceId?: string,
): void {
  const startedAtMs = chainState(event).startedAtMs ?? clock();
  logger.info('request completed', {
    status: status ?? 500,
    durationMs: Math.round((clock() - startedAtMs) * 10) / 10,
    ...(resourceId !== undefined ? { resourceId } : {}),
  });
}

export function requestContext(deps: RequestContextDeps): ScimMiddleware {
  const clock = deps.clock ?? defaultClock;
  const { logger } = deps;

  const complete = (event: ScimEvent, response: ScimResult | null | undefined): void => {
    if (chainState(event).answeredAtDeadline === true) return;
    logCompleted(logger, event, response?.statusCode, clock, changedResourceId(event, response));
  };

  return {
    before: (request) => {
      const event = request.event;
      chainState(event).startedAtMs = clock();
      // Keys of the previous invocation on this warm container must not leak into this one.
      logger.resetKeys();
      if (typeof request.context?.awsRequestId === 'string') logger.addContext(request.context);
      logger.appendKeys({
        requestId: requestIdOf(event, request.context?.awsRequestId),
        method: (event.requestContext?.http?.method ?? 'UNKNOWN').toUpperCase(),
        route: routeTemplate(event.rawPath),
      });
    },
    after: (request) => {
      complete(request.event, request.response);
    },
    onError: (request) => {
      // Outermost middleware: scim-errors has already turned the error into request.response.
      complete(request.event, request.response);
    },
  };
}
