/**
 * The per-tenant request limit on the chain (lambdas/tenant-request-limit.ts), after tenant-auth: only an
 * authenticated tenant is counted (a stranger cannot spend a tenant's share), and a refused request is
 * answered 429 + Retry-After (the seconds to the end of the tenant's window) before its body is read or
 * the table touched. The count's flush runs beside the request's work; the answer waits for it at most
 * FLUSH_WAIT_MS, never past the deadline, and a failed flush is logged by name and changes nothing.
 */
import type { Logger } from '../logger';
import { ScimError } from '../scim/errors';
import type { FlushOutcome, TenantRequestLimiter } from '../tenant-request-limit';
import { windowSeconds } from '../tenant-request-limit';
import { chainState } from './chain-state';
import { ANSWER_BEFORE_DEADLINE_MS } from './deadline';
import { errorName } from './scim-errors';
import type { ScimEvent, ScimMiddleware } from './types';

/** A flush still pending after the request's own work is waited for this long at most. */
export const FLUSH_WAIT_MS = 300;
/** ...and never until this close to the chain's deadline (deadline.ts), so its answer is the route's. */
export const FLUSH_WAIT_DEADLINE_MARGIN_MS = 100;

export interface TenantRequestLimitDeps {
  readonly limiter: TenantRequestLimiter;
  readonly logger: Logger;
}

export function tenantRequestLimit(deps: TenantRequestLimitDeps): ScimMiddleware {
  const flushes = new WeakMap<ScimEvent, Promise<FlushOutcome>>();
  const { burst } = deps.limiter.limit;
  const seconds = windowSeconds(deps.limiter.limit);

  const join = async (event: ScimEvent, remainingMs: number | undefined): Promise<void> => {
    const flush = flushes.get(event);
    if (flush === undefined) return;
    const untilDeadlineMs = (remainingMs ?? Infinity) - ANSWER_BEFORE_DEADLINE_MS;
    const waitMs = Math.min(FLUSH_WAIT_MS, untilDeadlineMs - FLUSH_WAIT_DEADLINE_MARGIN_MS);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      flush,
      new Promise<undefined>(
        (resolve) => (timer = setTimeout(() => resolve(undefined), Math.max(0, waitMs))),
      ),
    ]);
    clearTimeout(timer);
    if (outcome?.failed !== undefined) {
      deps.logger.warn('Request count not flushed', { errorName: errorName(outcome.failed) });
    }
  };

  const remaining = (context: { getRemainingTimeInMillis?: () => number }): number | undefined =>
    typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;

  return {
    before: (request) => {
      const { tenantId } = chainState(request.event);
      // tenant-auth runs first and sets the tenant, or answers itself.
      if (tenantId === undefined) return;
      const admission = deps.limiter.admit(tenantId);
      if (!admission.admitted) {
        deps.logger.warn('Tenant request limit reached', { retryAfterSeconds: admission.retryAfterSeconds });
        throw ScimError.tooManyRequests(
          `Too many requests for this tenant: at most ${burst} in ${seconds} s. Retry after the Retry-After seconds.`,
          admission.retryAfterSeconds,
        );
      }
      if (admission.flush !== undefined) flushes.set(request.event, admission.flush);
    },
    after: (request) => join(request.event, remaining(request.context)),
    onError: (request) => join(request.event, remaining(request.context)),
  };
}
