/**
 * The DynamoDB adapter of the users port. A user's groups are not stored on the user: they are read from
 * the member items, by the byMember index, and a deleted user's member items are cleaned up here too.
 */
import type { JsonObject } from '../scim/json';
import type { ScimResource } from '../scim/resource';
import { USER_SCHEMA } from '../scim/schema';
import { deleteMembershipRequest } from './commands';
import { findResources, resourcePages } from './dynamodb-listing';
import type { ListingSpec } from './dynamodb-listing';
import { BULK_CONCURRENCY, DynamoDbStore, mapLimit, schemasOf } from './dynamodb-store';
import type { DynamoDbRepositoryOptions } from './dynamodb-store';
import { fromItem } from './items';
import { idFromResourceSortKey, isResourceId, resourceKey } from './keys';
import type {
  FindQuery,
  FindResult,
  UpdateOptions,
  UserMutation,
  UserPages,
  UserRepository,
  WriteOptions,
} from './repository';
import { MAX_PAGE_SIZE } from './repository';

const withGroups = (user: ScimResource, groupIds: readonly string[]): ScimResource =>
  groupIds.length === 0 ? user : { ...user, groups: groupIds.map((value) => ({ value, type: 'direct' })) };

export class DynamoDbUserRepository implements UserRepository, UserPages {
  readonly #store: DynamoDbStore;
  readonly #listing: ListingSpec;

  constructor(options: DynamoDbRepositoryOptions) {
    this.#store = new DynamoDbStore(options);
    this.#listing = {
      type: 'User',
      schema: USER_SCHEMA,
      // A filter on groups reads each candidate's member items in the byMember index.
      withMemberships: (tenantId, _filter, candidates, budget) =>
        mapLimit(candidates, BULK_CONCURRENCY, async (user) =>
          withGroups(user, await this.#store.groupIdsOfUser(tenantId, user.id, budget)),
        ),
    };
  }

  createUser(tenantId: string, user: JsonObject): Promise<ScimResource> {
    return this.#store.createResource(tenantId, 'User', user);
  }

  async getUser(
    tenantId: string,
    id: string,
    options: { readonly includeGroups?: boolean } = {},
  ): Promise<ScimResource | undefined> {
    if (!isResourceId(id)) return undefined;
    const [item, groupIds] = await Promise.all([
      this.#store.getResourceItem(tenantId, 'User', id),
      options.includeGroups === true ? this.#store.groupIdsOfUser(tenantId, id) : Promise.resolve(undefined),
    ]);
    if (item === undefined) return undefined;
    const user = fromItem(item);
    return groupIds === undefined ? user : withGroups(user, await this.#existingGroups(tenantId, groupIds));
  }

  /**
   * The ids of `groupIds` whose group still exists (one BatchGet, O(groups of the user)): a member
   * clean-up that failed after its group's delete committed, or a member write racing that delete, can
   * leave a member item behind.
   */
  async #existingGroups(tenantId: string, groupIds: readonly string[]): Promise<string[]> {
    const valid = groupIds.filter(isResourceId);
    if (valid.length === 0) return [];
    const items = await this.#store.batchGet(
      valid.map((groupId) => resourceKey(tenantId, 'Group', groupId)),
      ['sk'],
    );
    const existing = new Set(
      items.flatMap(({ sk }) => (typeof sk === 'string' ? [idFromResourceSortKey('Group', sk)] : [])),
    );
    return valid.filter((groupId) => existing.has(groupId));
  }

  replaceUser(
    tenantId: string,
    id: string,
    user: JsonObject,
    options: UpdateOptions = {},
  ): Promise<ScimResource> {
    return this.updateUser(
      tenantId,
      id,
      (current) => ({ resource: { ...user, schemas: schemasOf(user, current), id }, changed: true }),
      options,
    );
  }

  async updateUser(
    tenantId: string,
    id: string,
    mutate: UserMutation,
    options: UpdateOptions = {},
  ): Promise<ScimResource> {
    const { item } = await this.#store.updateResource(tenantId, 'User', id, options, (current) =>
      Promise.resolve(mutate(current)),
    );
    return fromItem(item);
  }

  async deleteUser(tenantId: string, id: string, options: WriteOptions = {}): Promise<void> {
    await this.#store.deleteResource(tenantId, 'User', id, options, async () => {
      // The byMember index is eventually consistent: a membership written within its lag (typically
      // under a second) before this delete can be missed and stay as an orphan member item (see
      // docs/data-model.md, "Consistency of the byMember index").
      const groupIds = await this.#store.groupIdsOfUser(tenantId, id);
      return groupIds.map((groupId) => deleteMembershipRequest(tenantId, groupId, id));
    });
  }

  userPages(tenantId: string, options: { readonly pageSize?: number } = {}): AsyncIterable<ScimResource[]> {
    return resourcePages(this.#store, tenantId, 'User', options.pageSize ?? MAX_PAGE_SIZE);
  }

  async findUsers(tenantId: string, query: FindQuery): Promise<FindResult> {
    const result = await findResources(this.#store, tenantId, this.#listing, query);
    if (query.includeGroups !== true) return result;
    // As getUser: a Query of each user's member items in the byMember index, then only the groups that still exist.
    const resources = await mapLimit(result.resources, BULK_CONCURRENCY, async (user) =>
      withGroups(
        user,
        await this.#existingGroups(tenantId, await this.#store.groupIdsOfUser(tenantId, user.id)),
      ),
    );
    return { ...result, resources };
  }
}
