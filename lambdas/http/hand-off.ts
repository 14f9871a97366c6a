/**
 * The catch-all Lambda's hand-off: a resource path that API Gateway did not route to its resource's Lambda
 * (another letter case, a trailing slash) is invoked there with the very same event, and that Lambda's
 * answer is returned as is. lib/routes.ts explains why routing is built this way.
 */
import { InvokeCommand, type InvokeCommandInput, LambdaClient } from '@aws-sdk/client-lambda';

import { type ClientLimits, clientTimeLimits } from '../client-limits';
import type { HandOffTarget } from '../config';
import type { ScimEvent, ScimResult } from '../middleware/types';
import { isJsonObject } from '../scim/json';

/**
 * One attempt only: a lost answer may mean the target ran (a POST created its user), and the client's own
 * retry is the safe one. The chain's deadline (ANSWER_BEFORE_DEADLINE_MS) answers 503 before this fires.
 */
export const LAMBDA_CLIENT_LIMITS: ClientLimits = {
  maxAttempts: 1,
  connectionTimeoutMs: 1_000,
  requestTimeoutMs: 27_000,
};

/** The target Lambda failed (threw, timed out, answered something that is no API Gateway result). */
export class HandOffFailedError extends Error {
  override readonly name = 'HandOffFailedError';
}

export type HandOff = (target: HandOffTarget, event: ScimEvent) => Promise<ScimResult>;

/** A synchronous invocation of `functionName` with `event` as its payload. */
export function invokeCommandInput(functionName: string, event: ScimEvent): InvokeCommandInput {
  return {
    FunctionName: functionName,
    InvocationType: 'RequestResponse',
    Payload: new TextEncoder().encode(JSON.stringify(event)),
  };
}

/** The target's answer, which must be a payload format 2.0 structured result. */
export function handOffResult(
  payload: Uint8Array | undefined,
  functionError: string | undefined,
): ScimResult {
  if (functionError !== undefined)
    throw new HandOffFailedError(`The target Lambda failed (${functionError}).`);
  let result: unknown;
  try {
    result = JSON.parse(new TextDecoder().decode(payload ?? new Uint8Array()));
  } catch {
    throw new HandOffFailedError('The target Lambda answered no JSON.');
  }
  if (!isJsonObject(result) || typeof result.statusCode !== 'number') {
    throw new HandOffFailedError('The target Lambda answered no API Gateway result.');
  }
  return result;
}

export function createLambdaClient(): LambdaClient {
  return new LambdaClient(clientTimeLimits(LAMBDA_CLIENT_LIMITS));
}

export function lambdaHandOff(
  client: LambdaClient,
  functions: Readonly<Record<HandOffTarget, string>>,
): HandOff {
  return async (target, event) => {
    const output = await client.send(new InvokeCommand(invokeCommandInput(functions[target], event)));
    return handOffResult(output.Payload, output.FunctionError);
  };
}
