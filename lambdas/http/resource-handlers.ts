/**
 * Each registered resource type's handler factory, by its Lambda (the registry's functionName). Only the
 * local server builds every handler from here; a Lambda entry imports its own factory from handlers.ts, so
 * its bundle carries one resource type. The mapped type makes a descriptor without a factory a type error.
 */
import type { ScimLambdaHandler } from '../middleware';
import type { ResourceFunctionName } from '../scim/schema/resource-types';
import type { GroupRepository, UserRepository } from '../store/repository';
import { type ResourceHandlerDeps, createGroupsHandler, createUsersHandler } from './handlers';

/** A repository serving every resource type (the local server's, over one table). */
export type AllResourcesRepository = UserRepository & GroupRepository;

export const RESOURCE_HANDLER_FACTORIES: {
  readonly [F in ResourceFunctionName]: (
    deps: ResourceHandlerDeps<AllResourcesRepository>,
  ) => ScimLambdaHandler;
} = {
  users: createUsersHandler,
  groups: createGroupsHandler,
};
