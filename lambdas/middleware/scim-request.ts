/** Builds the route's ScimRequest from the API Gateway event and what the middlewares established. */
import { TENANT_SCIM_PATH } from '../paths';
import { ScimError } from '../scim/errors';
import type { ChainState } from './chain-state';
import { requestIdOf } from './request-context';
import type { ScimEvent, ScimRequest } from './types';

export function lowerCaseHeaders(
  headers: Readonly<Record<string, string | undefined>> | undefined,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

/** One header of the event by its lower-case name: API Gateway keeps the client's letter case. */
export function eventHeader(event: ScimEvent, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

const firstListValue = (value: string | undefined): string | undefined =>
  value?.split(',')[0]?.trim() || undefined;

/**
 * https://host[/stage]/tenants/{tenantId}/scim/v2. The prefix is taken from the raw path, so a stage or
 * custom-domain base path is kept; the host from the Host header, else the API's domain name.
 */
export function tenantBaseUrl(
  event: ScimEvent,
  headers: Readonly<Record<string, string | undefined>>,
  tenantId: string,
): string {
  const forwardedProto = firstListValue(headers['x-forwarded-proto'])?.toLowerCase();
  const protocol = forwardedProto === 'http' ? 'http' : 'https';
  const host = firstListValue(headers.host) ?? event.requestContext?.domainName ?? 'localhost';
  const prefix = TENANT_SCIM_PATH.parse(event.rawPath ?? '')?.prefix ?? '';
  return TENANT_SCIM_PATH.build({ tenantId }, `${protocol}://${host}${prefix}`);
}

export function toScimRequest(event: ScimEvent, state: ChainState, awsRequestId?: string): ScimRequest {
  const tenantId = state.tenantId;
  // Only reachable if the chain is assembled without tenant-auth: a bug, not a client error.
  if (tenantId === undefined) throw ScimError.internal();
  const headers = lowerCaseHeaders(event.headers);
  return {
    method: (event.requestContext?.http?.method ?? '').toUpperCase(),
    tenantId,
    rawPath: event.rawPath ?? '',
    query: new URLSearchParams(event.rawQueryString ?? ''),
    headers,
    body: state.body,
    baseUrl: tenantBaseUrl(event, headers, tenantId),
    requestId: requestIdOf(event, awsRequestId),
    ignoredAttributes: (state.ignoredAttributes ??= new Set()),
  };
}
