/** Getting at the ScimError a piece of code throws or a promise rejects with, for the unit and integration tests. */
import { expect } from '@jest/globals';
import type { ScimType } from '../../lambdas/scim/errors';
import { ScimError } from '../../lambdas/scim/errors';

/** Runs `action`, expecting a ScimError; returns it for further assertions. */
export const scimErrorFrom = (action: () => unknown): ScimError => {
  try {
    action();
  } catch (error: unknown) {
    if (error instanceof ScimError) return error;
    throw new Error(`expected a ScimError, got ${String(error)}`);
  }
  throw new Error('expected a ScimError, but nothing was thrown');
};

/** The ScimError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
export const scimErrorOf = async (promise: Promise<unknown>): Promise<ScimError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};

/** Asserts that `action` throws a ScimError with the given status and scimType (and detail fragment). */
export const expectScimError = (
  action: () => unknown,
  status: number,
  scimType: ScimType | undefined,
  detailFragment?: string,
): ScimError => {
  let thrown: unknown;
  try {
    action();
  } catch (error: unknown) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ScimError);
  const error = thrown as ScimError;
  expect(error.status).toBe(status);
  expect(error.scimType).toBe(scimType);
  if (detailFragment !== undefined) expect(error.detail).toContain(detailFragment);
  return error;
};
