/**
 * Time limits of the AWS SDK clients, and their worst case: the one place the request handler options
 * are built, so that every client's `requestTimeout` really fires.
 *
 * `@smithy/node-http-handler` only logs a warning when `requestTimeout` passes unless
 * `throwOnRequestTimeout` is set: a call to an endpoint that accepts the connection and never answers
 * would stay pending until the Lambda dies (API Gateway's bare 500). With it set, the timed-out attempt
 * fails with a TimeoutError, which the SDK retries (it is transient) and the chain answers 503.
 */
export interface ClientLimits {
  readonly maxAttempts: number;
  readonly connectionTimeoutMs: number;
  /** From the start of an attempt to the response headers, connection included. */
  readonly requestTimeoutMs: number;
}

/** Upper bound of the SDK's jittered back-off before a retry (throttling base 500 ms, doubled). */
export const RETRY_BACKOFF_MAX_MS = 1_000;

/** One call at its worst: every attempt used up, with a back-off between attempts. */
export function worstCaseMs(limits: ClientLimits): number {
  const attempts = limits.maxAttempts * (limits.connectionTimeoutMs + limits.requestTimeoutMs);
  return attempts + (limits.maxAttempts - 1) * RETRY_BACKOFF_MAX_MS;
}

/** The client options that make `limits` hold. */
export function clientTimeLimits(limits: ClientLimits): {
  maxAttempts: number;
  requestHandler: { connectionTimeout: number; requestTimeout: number; throwOnRequestTimeout: true };
} {
  return {
    maxAttempts: limits.maxAttempts,
    requestHandler: {
      connectionTimeout: limits.connectionTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  };
}
