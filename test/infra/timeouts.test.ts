/**
 * The Lambda timeout must outlast the SDK retry budgets, so that a slow backend ends in the handlers'
 * SCIM 503 + Retry-After instead of a Lambda timeout (a bare API Gateway 500), and must end before the
 * HTTP API's integration limit.
 */
import { describe, expect, it } from '@jest/globals';
import { SECRETS_MANAGER_CLIENT_LIMITS } from '../../lambdas/auth/token-store-factory';
import { worstCaseMs } from '../../lambdas/client-limits';
import { DYNAMODB_CLIENT_LIMITS } from '../../lambdas/http/handlers';
import { DYNAMODB_CALLS_BUDGETED, HTTP_API_INTEGRATION_LIMIT, LAMBDA_TIMEOUT } from '../../lib/scim-function';

/** Time the handler needs after the last failing call to build and return its 503. */
const RESPONSE_MARGIN_MS = 1_000;

describe('timeout budget', () => {
  it('gives each SDK call a worst case of a few seconds (7 s Secrets Manager, 6 s DynamoDB)', () => {
    expect(worstCaseMs(SECRETS_MANAGER_CLIENT_LIMITS)).toBe(7_000);
    expect(worstCaseMs(DYNAMODB_CLIENT_LIMITS)).toBe(6_000);
  });

  it('lets a secret read and the budgeted DynamoDB calls fail with a 503 before the Lambda times out', () => {
    const worstRequestMs =
      worstCaseMs(SECRETS_MANAGER_CLIENT_LIMITS) +
      DYNAMODB_CALLS_BUDGETED * worstCaseMs(DYNAMODB_CLIENT_LIMITS);
    expect(DYNAMODB_CALLS_BUDGETED).toBeGreaterThanOrEqual(3);
    expect(worstRequestMs + RESPONSE_MARGIN_MS).toBeLessThanOrEqual(LAMBDA_TIMEOUT.toMilliseconds());
  });

  it('ends the Lambda before the HTTP API integration limit, with a margin', () => {
    expect(LAMBDA_TIMEOUT.toMilliseconds() + 2_000).toBeLessThanOrEqual(
      HTTP_API_INTEGRATION_LIMIT.toMilliseconds(),
    );
  });
});
