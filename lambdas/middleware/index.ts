/**
 * The SCIM Lambda chain. Each handler is `export const handler = scimHandler(route, deps)`.
 *
 * Order (Middy runs `before` top-down, `after`/`onError` bottom-up):
 *   request-context  logging keys; the access line (outermost, so it logs the final status)
 *   scim-errors      every error -> SCIM error response (so it runs before request-context's onError)
 *   tenant-auth      tenant id + bearer token (before the body is read: no parsing for strangers)
 *   scim-body        size limit, content type, JSON
 * then the route, whose ScimResponse is serialised by scim-response.
 */
import middy from '@middy/core';

import type { TokenStore } from '../auth/token-store';
import type { Logger } from '../logger';
import { chainState } from './chain-state';
import { requestContext } from './request-context';
import { scimBody } from './scim-body';
import { scimErrors } from './scim-errors';
import { toScimRequest } from './scim-request';
import { toApiGatewayResult } from './scim-response';
import { tenantAuth } from './tenant-auth';
import type { ScimEvent, ScimLambdaHandler, ScimResult, ScimRoute } from './types';

export type { ScimRequest, ScimResponse, ScimRoute, ScimLambdaHandler, ScimEvent, ScimResult } from './types';
export { DEFAULT_MAX_BODY_BYTES } from './scim-body';
export { SCIM_CONTENT_TYPE, toApiGatewayResult } from './scim-response';

export interface ScimHandlerDeps {
  readonly tokenStore: TokenStore;
  readonly logger: Logger;
  /** Defaults to DEFAULT_MAX_BODY_BYTES (1 MiB). */
  readonly maxBodyBytes?: number;
  /** Clock for token expiry; injectable for tests. */
  readonly now?: () => Date;
}

/**
 * Middy abandons a handler this long before the Lambda deadline with a TimeoutError, which scim-errors
 * answers as 503 + Retry-After. A Lambda that runs out of time instead ends as API Gateway's bare 500,
 * which counts toward quarantining the customer's Entra job. One second is ample to send the answer.
 */
export const ANSWER_BEFORE_DEADLINE_MS = 1_000;

export function scimHandler(route: ScimRoute, deps: ScimHandlerDeps): ScimLambdaHandler {
  const base = async (event: ScimEvent, context: { awsRequestId?: string }): Promise<ScimResult> =>
    toApiGatewayResult(await route(toScimRequest(event, chainState(event), context.awsRequestId)));

  return middy<ScimEvent, ScimResult>({ timeoutEarlyInMillis: ANSWER_BEFORE_DEADLINE_MS })
    .use([
      requestContext({ logger: deps.logger }),
      scimErrors({ logger: deps.logger }),
      tenantAuth({ tokenStore: deps.tokenStore, logger: deps.logger, now: deps.now }),
      scimBody({ maxBodyBytes: deps.maxBodyBytes }),
    ])
    .handler(base);
}
