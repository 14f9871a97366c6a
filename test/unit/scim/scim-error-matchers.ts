/** Asserts that `action` throws a ScimError with the given status and scimType (and detail fragment). */
import { expect } from '@jest/globals';
import type { ScimType } from '../../../lambdas/scim/errors';
import { ScimError } from '../../../lambdas/scim/errors';

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
