/**
 * Recognises errors that mean "a backend is unavailable right now" (AWS throttling, AWS-side faults,
 * timeouts, network failures). They become 503 + Retry-After: Entra retries 5xx in a later cycle, while
 * a 500 or 401 counts toward quarantining the customer's provisioning job.
 */
const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'TransactionInProgressException',
  'InternalServerError',
  'InternalServiceError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'TokenStoreUnavailableError',
  // The catch-all's hand-off: the target Lambda threw, timed out or answered no result.
  'HandOffFailedError',
]);

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

const field = (error: object, key: string): unknown => (error as Record<string, unknown>)[key];

export function isTransientBackendError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = field(error, 'name');
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return true;
  if (field(error, '$fault') === 'server') return true;
  const retryable = field(error, '$retryable');
  if (typeof retryable === 'object' && retryable !== null) return true;
  const code = field(error, 'code');
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const metadata = field(error, '$metadata');
  if (typeof metadata === 'object' && metadata !== null) {
    const status = field(metadata, 'httpStatusCode');
    if (typeof status === 'number' && status >= 500) return true;
  }
  return false;
}
