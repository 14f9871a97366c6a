/**
 * Groups use cases. A group PATCH never reads the member list: planGroupPatch turns the member operations
 * into net MemberChanges that the store applies item by item, inside its bounded retry. Member ids are
 * checked by the store (unknown ids -> 400 invalidValue, nothing written).
 */
import { ScimError } from '../scim/errors';
import { normaliseResource } from '../scim/normalise';
import { isJsonObject } from '../scim/json';
import { compilePatchRequest } from '../scim/patch/request';
import { planGroupPatch } from '../scim/patch/members';
import { GROUP_SCHEMA } from '../scim/schema';
import type { GroupRepository } from '../store/repository';
import { projectionReturns, toFindQuery } from './common';
import type { ResourceService } from './types';

/**
 * The ids a PATCH adds as members, so the store can check their existence in the same round trip as the
 * group read. Only a hint: the planner's result is what counts.
 */
export function memberIdsToAdd(body: unknown): string[] {
  const ids = new Set<string>();
  for (const operation of compilePatchRequest(body, GROUP_SCHEMA)) {
    const target = operation.target;
    if (operation.op === 'remove' || target.isExtension || target.attribute.name !== 'members') continue;
    if (target.filter !== undefined || target.subAttribute !== undefined) continue;
    const elements = Array.isArray(operation.value) ? operation.value : [];
    for (const element of elements) {
      if (isJsonObject(element) && typeof element.value === 'string') ids.add(element.value);
    }
  }
  return [...ids];
}

export function createGroupService(repository: GroupRepository): ResourceService {
  return {
    schema: GROUP_SCHEMA,

    // Every method is async so that validation errors reject the promise instead of throwing.
    async list(tenantId, query) {
      return repository.findGroups(tenantId, {
        ...toFindQuery(query, GROUP_SCHEMA),
        includeMembers: projectionReturns(GROUP_SCHEMA, query, 'members'),
      });
    },

    async create(tenantId, body, ignored) {
      return repository.createGroup(tenantId, normaliseResource(body, GROUP_SCHEMA, ignored));
    },

    async get(tenantId, id, projection) {
      const group = await repository.getGroup(tenantId, id, {
        includeMembers: projectionReturns(GROUP_SCHEMA, projection, 'members'),
      });
      if (group === undefined) throw ScimError.resourceNotFound('Group', id);
      return group;
    },

    async replace(tenantId, id, body, options, _projection, ignored) {
      // members.value is immutable per element, which a whole-list replace (Okta) does not violate.
      return repository.replaceGroup(tenantId, id, normaliseResource(body, GROUP_SCHEMA, ignored), options);
    },

    async patch(tenantId, id, body, options, projection, ignored) {
      const patched = await repository.updateGroup(
        tenantId,
        id,
        (current) => planGroupPatch(current, body, GROUP_SCHEMA, ignored),
        { ...options, memberIdsHint: memberIdsToAdd(body) },
      );
      // The store answers a PATCH without members: read them when the projection returns them.
      if (projection === undefined || !projectionReturns(GROUP_SCHEMA, projection, 'members')) return patched;
      return this.get(tenantId, id, projection);
    },

    async remove(tenantId, id, options) {
      // The store checks If-Match against the version its delete is conditioned on (412).
      await repository.deleteGroup(tenantId, id, options);
    },
  };
}
