/**
 * Users use cases: normalise -> store, PATCH through the pure interpreter inside the store's bounded
 * read-apply-write retry.
 *
 * The manager reference is NOT checked for existence: Entra sends our id of a user it created, a dangling
 * reference harms nothing downstream (the profile derives the manager's email only when it resolves), and
 * Microsoft's reference collection posts a manager id that does not exist. A user naming itself as its own
 * manager is rejected (400 invalidValue), which costs nothing.
 */
import { normaliseResource } from '../scim/normalise';
import { ScimError } from '../scim/errors';
import type { JsonObject } from '../scim/json';
import { isJsonObject } from '../scim/json';
import { applyPatch } from '../scim/patch/apply';
import { ENTERPRISE_USER_URN, USER_SCHEMA } from '../scim/schema';
import type { Projection } from '../scim/projection';
import type { ScimResource } from '../scim/resource';
import type { UserRepository } from '../store/repository';
import { projectionReturns, toFindQuery } from './common';
import type { ResourceService } from './types';

const managerIdOf = (resource: JsonObject): string | undefined => {
  const enterprise = resource[ENTERPRISE_USER_URN];
  const manager = isJsonObject(enterprise) ? enterprise.manager : undefined;
  return isJsonObject(manager) && typeof manager.value === 'string' ? manager.value : undefined;
};

function rejectSelfManagement(id: string, resource: JsonObject): void {
  if (managerIdOf(resource) === id) throw ScimError.invalidValue('A user cannot be their own manager.');
}

export function createUserService(repository: UserRepository): ResourceService {
  /**
   * The written user, re-read with its groups when the projection returns them (they are not stored on
   * the user item). A concurrent DELETE between the write and the read answers 404, as it would next.
   */
  const withGroupsWhenAsked = async (
    tenantId: string,
    written: ScimResource,
    projection: Projection | undefined,
  ): Promise<ScimResource> => {
    if (projection === undefined || !projectionReturns(USER_SCHEMA, projection, 'groups')) return written;
    const reread = await repository.getUser(tenantId, written.id, { includeGroups: true });
    if (reread === undefined) throw ScimError.resourceNotFound('User', written.id);
    return reread;
  };

  return {
    schema: USER_SCHEMA,

    // Every method is async so that validation errors reject the promise instead of throwing.
    async list(tenantId, query) {
      return repository.findUsers(tenantId, {
        ...toFindQuery(query, USER_SCHEMA),
        includeGroups: projectionReturns(USER_SCHEMA, query, 'groups'),
      });
    },

    async create(tenantId, body, ignored) {
      return repository.createUser(tenantId, normaliseResource(body, USER_SCHEMA, ignored));
    },

    async get(tenantId, id, projection) {
      const user = await repository.getUser(tenantId, id, {
        includeGroups: projectionReturns(USER_SCHEMA, projection, 'groups'),
      });
      if (user === undefined) throw ScimError.resourceNotFound('User', id);
      return user;
    },

    async replace(tenantId, id, body, options, projection, ignored) {
      // The User schema has no immutable attributes, so PUT needs no read of the current state here:
      // readOnly attributes are dropped by normalisation and the store keeps id and meta.created.
      const user = normaliseResource(body, USER_SCHEMA, ignored);
      rejectSelfManagement(id, user);
      const replaced = await repository.replaceUser(tenantId, id, user, options);
      return withGroupsWhenAsked(tenantId, replaced, projection);
    },

    async patch(tenantId, id, body, options, projection, ignored) {
      const patched = await repository.updateUser(
        tenantId,
        id,
        (current) => {
          const result = applyPatch(current, body, USER_SCHEMA, ignored);
          if (result.changed) rejectSelfManagement(id, result.resource);
          return result;
        },
        options,
      );
      return withGroupsWhenAsked(tenantId, patched, projection);
    },

    async remove(tenantId, id, options) {
      // The store checks If-Match against the version its delete is conditioned on (412), so no
      // concurrent write can slip in between the check and the delete.
      await repository.deleteUser(tenantId, id, options);
    },
  };
}
