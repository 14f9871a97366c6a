/**
 * The time limit of the whole chain, `before` middlewares included (Middy's own early timeout covers only
 * the route, so a token lookup that hung ran into the Lambda timeout: API Gateway's bare 500, no log
 * line). ANSWER_BEFORE_DEADLINE_MS before the Lambda's deadline, whatever stage is still pending, the
 * request is answered 503 + Retry-After through scim-errors' mapping and logged; the abandoned work is
 * left to end on its own (every AWS call has a time limit that fires, lambdas/client-limits.ts).
 */
import type { Context } from 'aws-lambda';

import type { Logger } from '../logger';
import { chainState } from './chain-state';
import { logCompleted } from './request-context';
import { errorResult } from './scim-errors';
import type { ScimEvent, ScimLambdaHandler, ScimResult } from './types';

/**
 * Answer this long before the Lambda deadline. A Lambda that runs out of time ends as API Gateway's bare
 * 500, which counts toward quarantining the customer's Entra job. One second is ample to send the answer.
 */
export const ANSWER_BEFORE_DEADLINE_MS = 1_000;

/** What the chain throws at its deadline; transient, so it maps to 503 + Retry-After. */
export class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
}

export function answerByDeadline(chain: ScimLambdaHandler, deps: { logger: Logger }): ScimLambdaHandler {
  return async (event: ScimEvent, context: Context): Promise<ScimResult> => {
    // Absent outside Lambda-like callers (some tests): nothing to race against.
    if (typeof context?.getRemainingTimeInMillis !== 'function') return chain(event, context);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<ScimResult>((resolve) => {
      timer = setTimeout(
        () => {
          const state = chainState(event);
          state.answeredAtDeadline = true;
          const result = errorResult(new DeadlineError('The request reached its deadline.'), deps.logger);
          logCompleted(deps.logger, event, result.statusCode);
          resolve(result);
        },
        Math.max(0, context.getRemainingTimeInMillis() - ANSWER_BEFORE_DEADLINE_MS),
      );
    });
    try {
      return await Promise.race([chain(event, context), deadline]);
    } finally {
      clearTimeout(timer);
    }
  };
}
