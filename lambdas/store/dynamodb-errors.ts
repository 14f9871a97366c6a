/**
 * Turns DynamoDB failures into ScimErrors. Throttling, service faults and network errors become a
 * retryable 503 (Entra retries 5xx later; a 500 counts toward quarantine). Conditional failures are
 * decided by the caller, which knows what each condition meant.
 */
import { ScimError, isScimError } from '../scim/errors';
import type { ActionMeaning } from './commands';

const nameOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
    ? error.name
    : undefined;

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : '');

/** Any other failure of a DynamoDB call: never a 500. */
export const toScimError = (error: unknown): ScimError => {
  if (isScimError(error)) return error;
  // Our own input too large for DynamoDB (400 KB items, key sizes) is the client's resource, not an outage.
  if (nameOf(error) === 'ValidationException' && /size/i.test(messageOf(error))) {
    return ScimError.invalidValue('The resource is too large to be stored.');
  }
  return ScimError.unavailable('The store is unavailable, please retry later.');
};

/** Why a TransactWriteItems was cancelled, from its positional CancellationReasons. */
export type CancellationCause =
  | { readonly kind: 'unique'; readonly attribute: string }
  | { readonly kind: 'version' }
  /** Another transaction touched one of the items, or throttling: safe to retry the same transaction. */
  | { readonly kind: 'retry' }
  /** The request itself is invalid for DynamoDB (an item over 400 KB, a key too long): retrying won't help. */
  | { readonly kind: 'invalid' }
  /** Only releases of unique values failed (at these positions): values this resource did not hold. */
  | { readonly kind: 'notHeld'; readonly positions: readonly number[] }
  | { readonly kind: 'unavailable' };

const reasonCodes = (error: unknown): (string | undefined)[] | undefined => {
  if (nameOf(error) !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: unknown }).CancellationReasons;
  if (!Array.isArray(reasons)) return [];
  return reasons.map((reason: unknown) =>
    typeof reason === 'object' && reason !== null && 'Code' in reason && typeof reason.Code === 'string'
      ? reason.Code
      : undefined,
  );
};

const RETRYABLE_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/** undefined when `error` is not a transaction cancellation. A uniqueness clash wins over the others. */
export const cancellationCause = (
  error: unknown,
  meanings: readonly ActionMeaning[],
): CancellationCause | undefined => {
  const codes = reasonCodes(error);
  if (codes === undefined) return undefined;
  const failedPositions = codes.flatMap((code, index) =>
    code === 'ConditionalCheckFailed' && meanings[index] !== undefined ? [index] : [],
  );
  const failedMeanings = failedPositions.flatMap((index) => meanings[index] ?? []);
  const unique = failedMeanings.find((meaning) => meaning.kind === 'unique');
  if (unique?.kind === 'unique') return { kind: 'unique', attribute: unique.attribute };
  if (failedMeanings.some((meaning) => meaning.kind === 'resource')) return { kind: 'version' };
  // AWS reports an item over 400 KB inside a transaction as a ValidationError reason, not an exception.
  if (codes.includes('ValidationError')) return { kind: 'invalid' };
  if (failedMeanings.length > 0 && failedMeanings.every((meaning) => meaning.kind === 'release')) {
    return { kind: 'notHeld', positions: failedPositions };
  }
  if (codes.some((code) => code !== undefined && RETRYABLE_REASONS.has(code))) return { kind: 'retry' };
  if (failedMeanings.length > 0) return { kind: 'version' };
  return { kind: 'unavailable' };
};
