/**
 * The one place errors become responses. A ScimError answers with its own status, body and headers; a
 * transient backend error with 503 + Retry-After; anything else with a generic 500. Unexpected errors are
 * logged by name and stack frames only: their messages can echo request data (attribute values).
 */
import type { Logger } from '../logger';
import { ScimError, isScimError } from '../scim/errors';
import { isTransientBackendError } from './backend-errors';
import { toApiGatewayResult } from './scim-response';
import type { ScimMiddleware, ScimResult } from './types';

const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

/** What the logs may say of an error: its name, never its message. */
export const errorName = (error: unknown): string => (error instanceof Error ? error.name : typeof error);

/** The 503 + Retry-After for a backend that is down, throttled or timing out. */
export const backendUnavailable = (): ScimError =>
  ScimError.unavailable(
    'The service is temporarily unavailable. Please retry later.',
    UNAVAILABLE_RETRY_AFTER_SECONDS,
  );

/** Stack frames without the first line, which repeats the (possibly data-bearing) message. */
const stackFrames = (error: unknown): string | undefined =>
  error instanceof Error && error.stack
    ? error.stack
        .split('\n')
        .filter((line) => line.trimStart().startsWith('at '))
        .join('\n')
    : undefined;

export function toScimError(error: unknown, logger: Logger): ScimError {
  if (isScimError(error)) return error;
  if (isTransientBackendError(error)) {
    logger.warn('Backend unavailable', { errorName: errorName(error) });
    return backendUnavailable();
  }
  logger.error('Unhandled error', { errorName: errorName(error), stack: stackFrames(error) });
  return ScimError.internal();
}

/** The API Gateway answer to any error. */
export function errorResult(error: unknown, logger: Logger): ScimResult {
  const scimError = toScimError(error, logger);
  return toApiGatewayResult({
    status: scimError.status,
    headers: scimError.headers,
    body: scimError.toBody(),
  });
}

export function scimErrors(deps: { logger: Logger }): ScimMiddleware {
  return {
    onError: (request) => {
      request.response = errorResult(request.error, deps.logger);
      // No return value: the request-context onError (outermost) must still see the response to log it.
    },
  };
}
