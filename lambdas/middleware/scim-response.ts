/** Serialises a ScimResponse into the API Gateway HTTP API (payload v2) result. */
import type { ScimResponse, ScimResult } from './types';

export const SCIM_CONTENT_TYPE = 'application/scim+json';

const NO_BODY_STATUSES = new Set([204, 304]);

export function toApiGatewayResult(response: ScimResponse): ScimResult {
  const headers: Record<string, string> = { ...response.headers };
  const hasContentType = Object.keys(headers).some((name) => name.toLowerCase() === 'content-type');
  if (!hasContentType) headers['Content-Type'] = SCIM_CONTENT_TYPE;
  const withBody = response.body !== undefined && !NO_BODY_STATUSES.has(response.status);
  return {
    statusCode: response.status,
    headers,
    ...(withBody ? { body: JSON.stringify(response.body) } : {}),
  };
}
