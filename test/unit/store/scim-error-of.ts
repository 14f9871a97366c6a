/** The ScimError `promise` rejects with; fails the test when it resolves or rejects with anything else. */
import { ScimError } from '../../../lambdas/scim/errors';

export const scimErrorOf = async (promise: Promise<unknown>): Promise<ScimError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
};
