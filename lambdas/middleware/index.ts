/**
 * The SCIM Lambda chain. Each handler is `export const handler = scimHandler(route, deps)`.
 *
 * Order (Middy runs `before` top-down, `after`/`onError` bottom-up):
 *   request-context  logging keys; the access line (outermost, so it logs the final status)
 *   connection-status  the setup page's status: last seen, Test Connection, errors answered (it reads the
 *                    final response, so it sits outside scim-errors; only when a recorder is given)
 *   scim-errors      every error -> SCIM error response (so it runs before request-context's onError)
 *   tenant-auth      tenant id + bearer token (before the body is read: no parsing for strangers)
 *   tenant-request-limit  the tenant's request limit: 429 + Retry-After beyond its share (only when a
 *                    limiter is given)
 *   scim-body        size limit, content type, JSON
 * then the route, whose ScimResponse is serialised by scim-response. answerByDeadline (deadline.ts) wraps
 * the whole chain: whatever stage hangs, the request is answered 503 + Retry-After before the Lambda ends.
 */
import middy from '@middy/core';

import type { TokenStore } from '../auth/token-store';
import type { Logger } from '../logger';
import type { ResourceSchema } from '../scim/schema/types';
import type { StatusRecorder } from '../store/tenant-status';
import { chainState } from './chain-state';
import { connectionStatus } from './connection-status';
import { answerByDeadline } from './deadline';
import { requestContext } from './request-context';
import { scimBody } from './scim-body';
import { scimErrors } from './scim-errors';
import { toScimRequest } from './scim-request';
import { toApiGatewayResult } from './scim-response';
import { tenantAuth } from './tenant-auth';
import { tenantRequestLimit } from './tenant-request-limit';
import type { TenantRequestLimiter } from '../tenant-request-limit';
import type { ScimEvent, ScimLambdaHandler, ScimResult, ScimRoute } from './types';

export type { ScimRequest, ScimResponse, ScimRoute, ScimLambdaHandler, ScimEvent, ScimResult } from './types';
export { DEFAULT_MAX_BODY_BYTES } from './scim-body';
export { ANSWER_BEFORE_DEADLINE_MS } from './deadline';
export { SCIM_CONTENT_TYPE, toApiGatewayResult } from './scim-response';

export interface ScimHandlerDeps {
  readonly tokenStore: TokenStore;
  readonly logger: Logger;
  /** Defaults to DEFAULT_MAX_BODY_BYTES (1 MiB). */
  readonly maxBodyBytes?: number;
  /** Clock for token expiry; injectable for tests. */
  readonly now?: () => Date;
  /** Where the setup page's connection status is recorded; nothing is recorded without one. */
  readonly statusRecorder?: StatusRecorder;
  /** The schema of the resource the route serves (names the attribute at fault of a recorded error). */
  readonly resourceSchema?: ResourceSchema;
  /** The per-tenant request limit; no limit without one. */
  readonly requestLimiter?: TenantRequestLimiter;
}

/** Middy's own early timeout covers only the route; answerByDeadline covers the whole chain instead. */
const NO_MIDDY_TIMEOUT = { timeoutEarlyInMillis: 0 } as const;

export function scimHandler(route: ScimRoute, deps: ScimHandlerDeps): ScimLambdaHandler {
  const base = async (event: ScimEvent, context: { awsRequestId?: string }): Promise<ScimResult> =>
    toApiGatewayResult(await route(toScimRequest(event, chainState(event), context.awsRequestId)));

  const chain = middy<ScimEvent, ScimResult>(NO_MIDDY_TIMEOUT)
    .use([
      requestContext({ logger: deps.logger }),
      ...(deps.statusRecorder ? [connectionStatus({ ...deps, statusRecorder: deps.statusRecorder })] : []),
      scimErrors({ logger: deps.logger }),
      tenantAuth({ tokenStore: deps.tokenStore, logger: deps.logger, now: deps.now }),
      ...(deps.requestLimiter
        ? [tenantRequestLimit({ limiter: deps.requestLimiter, logger: deps.logger })]
        : []),
      scimBody({ maxBodyBytes: deps.maxBodyBytes }),
    ])
    .handler(base);
  return answerByDeadline(chain, deps);
}

/**
 * The catch-all's hand-off of a resource path to the resource's Lambda, which authenticates and answers
 * itself: only the access line, the error mapping (a failed hand-off is a 503) and the deadline here.
 */
export function handOffHandler(
  handOff: (event: ScimEvent) => Promise<ScimResult>,
  deps: Pick<ScimHandlerDeps, 'logger'>,
): ScimLambdaHandler {
  const chain = middy<ScimEvent, ScimResult>(NO_MIDDY_TIMEOUT)
    .use([requestContext({ logger: deps.logger }), scimErrors({ logger: deps.logger })])
    .handler((event: ScimEvent) => handOff(event));
  return answerByDeadline(chain, deps);
}
