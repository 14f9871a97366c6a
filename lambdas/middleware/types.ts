/**
 * The contract between the Middy chain (lambdas/middleware) and the SCIM routes (lambdas/users.ts, ...).
 * A route sees an authenticated, parsed ScimRequest and answers a ScimResponse; it never touches the
 * API Gateway event, the token store or the error-to-response mapping.
 */
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';

import type { IgnoredAttributes } from '../scim/normalise';

export interface ScimRequest {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Format-checked and authenticated by the tenant-auth middleware. */
  readonly tenantId: string;
  /** The path as the client sent it, e.g. /tenants/acme/scim/v2/Users/123 (still percent-encoded). */
  readonly rawPath: string;
  /** From event.rawQueryString with URLSearchParams semantics: '+' is a space, '%2B' a plus. */
  readonly query: URLSearchParams;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON, or undefined when the request has no body. */
  readonly body: unknown;
  /** Absolute tenant base URL without a trailing slash, e.g. https://host/tenants/acme/scim/v2. */
  readonly baseUrl: string;
  readonly requestId: string;
  /** Where the use case adds the names of attributes it ignored (the chain records them per tenant). */
  readonly ignoredAttributes: IgnoredAttributes;
}

export interface ScimResponse {
  readonly status: number;
  /** Content-Type defaults to application/scim+json. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Serialised as JSON; omitted when undefined (and always for 204/304). */
  readonly body?: unknown;
}

export type ScimRoute = (request: ScimRequest) => Promise<ScimResponse>;

export type ScimEvent = APIGatewayProxyEventV2;
export type ScimResult = APIGatewayProxyStructuredResultV2;
export type ScimLambdaHandler = (event: ScimEvent, context: Context) => Promise<ScimResult>;

/** Every middleware of the chain has this shape: a factory returns { before?, after?, onError? }. */
export type ScimMiddleware = MiddlewareObj<ScimEvent, ScimResult, Error, Context>;
