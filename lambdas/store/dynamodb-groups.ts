/**
 * The DynamoDB adapter of the groups port. A group's members are member items in their own partition
 * (one per member, indexed by user in byMember), written item by item: a member change costs
 * O(changed members), and only reads that return members read them, within a response budget.
 */
import { ScimError } from '../scim/errors';
import type { Filter } from '../scim/filter/ast';
import { isJsonObject } from '../scim/json';
import type { JsonObject } from '../scim/json';
import type { GroupPatchPlan, MemberChanges, MemberEntry } from '../scim/patch';
import type { ScimResource } from '../scim/resource';
import { GROUP_SCHEMA } from '../scim/schema';
import type { WriteRequest } from './commands';
import { deleteMembershipRequest, groupWritePlan, partitionQuery, putMembershipRequest } from './commands';
import { findResources } from './dynamodb-listing';
import type { ListingSpec } from './dynamodb-listing';
import {
  BULK_CONCURRENCY,
  Budget,
  DynamoDbStore,
  countOne,
  mapLimit,
  schemasOf,
  unbounded,
} from './dynamodb-store';
import type { DynamoDbRepositoryOptions, WritePlanner } from './dynamodb-store';
import { fromItem, storableBody } from './items';
import {
  idFromResourceSortKey,
  candidateId,
  isResourceId,
  memberKey,
  memberPartition,
  resourceKey,
  resourcePartition,
} from './keys';
import { testedMemberIds } from './lookup-plan';
import type {
  FindGroupsQuery,
  FindResult,
  GroupPlanner,
  GroupRepository,
  GroupUpdateOptions,
  UpdateOptions,
  WriteOptions,
} from './repository';

/**
 * Lambda answers are capped at 6 MB: the members of one response (a group, or every group of a listed
 * page) may take up to this many bytes of JSON, leaving 1 MB for the rest of the response.
 */
export const DEFAULT_MAX_MEMBER_RESPONSE_BYTES = 5 * 1024 * 1024;

/**
 * The bytes a member item takes in the answer: `{"value":"<id>","type":"User","display":<json>},`
 * (UTF-8; the display is unbounded, so it is measured, not assumed).
 */
export const memberJsonBytes = ({ sk, display }: Record<string, unknown>): number =>
  32 +
  (typeof sk === 'string' ? Buffer.byteLength(sk) : 0) +
  (typeof display === 'string' ? 11 + Buffer.byteLength(JSON.stringify(display)) : 0);

/** A member entry from sent or stored attributes: the display only when it is a string. */
const memberEntry = (value: string, display: unknown): MemberEntry =>
  typeof display === 'string' ? { value, display } : { value };

/** `entry` merged into an earlier entry for the same id: a display given wins, none keeps the earlier one. */
const mergedEntry = (earlier: MemberEntry | undefined, entry: MemberEntry): MemberEntry =>
  earlier?.display !== undefined && entry.display === undefined
    ? { value: entry.value, display: earlier.display }
    : entry;

/** One entry per id, in first-seen order, merged as a repeated add merges. */
const distinctMembers = (entries: readonly MemberEntry[]): MemberEntry[] => {
  const byId = new Map<string, MemberEntry>();
  for (const entry of entries) byId.set(entry.value, mergedEntry(byId.get(entry.value), entry));
  return [...byId.values()];
};

/** The members of a POST/PUT body: ids and the display sent with each, if any. */
const membersOf = (group: JsonObject): MemberEntry[] => {
  const key = Object.keys(group).find((name) => name.toLowerCase() === 'members');
  const members = key === undefined ? undefined : group[key];
  if (members === undefined || members === null) return [];
  if (!Array.isArray(members)) throw ScimError.invalidValue('members must be an array.');
  return distinctMembers(
    members.map((member) => {
      const value = isJsonObject(member) ? member.value : undefined;
      if (typeof value !== 'string') throw ScimError.invalidValue('Every member needs a string value.');
      return memberEntry(value, isJsonObject(member) ? member.display : undefined);
    }),
  );
};

const idsOf = (members: readonly MemberEntry[]): string[] => members.map((member) => member.value);

/**
 * What a group write knows about the users it adds: which exist, and the member items read so far
 * (id -> the stored member, or null when the user is not a member; ids not read are absent).
 */
interface AddedUsers {
  readonly existing: Set<string>;
  readonly memberItems: Map<string, MemberEntry | null>;
}

const putMembers = (tenantId: string, groupId: string, members: readonly MemberEntry[]): WriteRequest[] =>
  members.map((member) => putMembershipRequest(tenantId, groupId, member.value, member.display));

const withMembers = (group: ScimResource, members: readonly MemberEntry[]): ScimResource => ({
  ...group,
  members: members.map(({ value, display }) => ({
    value,
    type: 'User',
    ...(display === undefined ? {} : { display }),
  })),
});

const unknownMembers = (ids: readonly string[]): ScimError => {
  const shown = ids.slice(0, 20).join(', ');
  const more = ids.length > 20 ? ` and ${ids.length - 20} more` : '';
  return ScimError.invalidValue(`No users with these member ids exist: ${shown}${more}.`);
};

export class DynamoDbGroupRepository implements GroupRepository {
  readonly #store: DynamoDbStore;
  readonly #maxMemberResponseBytes: number;
  readonly #listing: ListingSpec;

  constructor(options: DynamoDbRepositoryOptions) {
    this.#store = new DynamoDbStore(options);
    this.#maxMemberResponseBytes = options.maxMemberResponseBytes ?? DEFAULT_MAX_MEMBER_RESPONSE_BYTES;
    this.#listing = {
      type: 'Group',
      schema: GROUP_SCHEMA,
      withMemberships: (tenantId, filter, candidates, budget) =>
        this.#withMembersToTest(tenantId, filter, candidates, budget),
    };
  }

  /**
   * A group write's membership writes go in its transaction when they fit; else before a new group's
   * transaction (invisible until complete), after a change's commit (a rejected change writes none).
   */
  #withMemberRequests(requests: readonly WriteRequest[], overflow: 'before' | 'after'): WritePlanner {
    return (actions) => groupWritePlan(this.#store.tableName, actions, requests, overflow);
  }

  async createGroup(tenantId: string, group: JsonObject): Promise<ScimResource> {
    const members = membersOf(group);
    await this.#assertUsersExist(tenantId, idsOf(members));
    // The members are written with the group when they fit in its transaction, else before it: a failure
    // then leaves no group, and the client's retry creates it whole (never a 409 on a half-filled group).
    const created = await this.#store.createResource(tenantId, 'Group', group, (id) =>
      this.#withMemberRequests(putMembers(tenantId, id, members), 'before'),
    );
    return members.length === 0 ? created : withMembers(created, members);
  }

  async getGroup(
    tenantId: string,
    id: string,
    options: { readonly includeMembers: boolean },
  ): Promise<ScimResource | undefined> {
    if (!isResourceId(id)) return undefined;
    const [item, members] = await Promise.all([
      this.#store.getResourceItem(tenantId, 'Group', id),
      options.includeMembers
        ? this.#membersOfGroup(tenantId, id, this.#memberResponseBudget('The group'))
        : Promise.resolve(undefined),
    ]);
    if (item === undefined) return undefined;
    const group = fromItem(item);
    return members === undefined ? group : withMembers(group, members);
  }

  async replaceGroup(
    tenantId: string,
    id: string,
    group: JsonObject,
    options: UpdateOptions = {},
  ): Promise<ScimResource> {
    const members = membersOf(group);
    const updated = await this.#writeGroup(
      tenantId,
      id,
      (current) => ({
        resource: { ...storableBody('Group', group), schemas: schemasOf(group, current), id },
        changed: true,
        members: { removeAll: true, add: members, remove: [] },
      }),
      options,
      // A replace reads the current members anyway: only the users' existence is checked up front.
      { users: idsOf(members), memberItems: [] },
    );
    return withMembers(updated, members);
  }

  updateGroup(
    tenantId: string,
    id: string,
    plan: GroupPlanner,
    options: GroupUpdateOptions = {},
  ): Promise<ScimResource> {
    const hint = options.memberIdsHint ?? [];
    return this.#writeGroup(tenantId, id, plan, options, { users: hint, memberItems: hint });
  }

  async #writeGroup(
    tenantId: string,
    id: string,
    plan: GroupPlanner,
    options: UpdateOptions,
    hint: { readonly users: readonly string[]; readonly memberItems: readonly string[] },
  ): Promise<ScimResource> {
    // The users the request names, and their member items, are read in the same round as the group.
    const known: AddedUsers = { existing: new Set(), memberItems: new Map() };
    const hintRead = this.#readAddedUsers(tenantId, id, hint.users, hint.memberItems, known);
    const { item } = await this.#store.updateResource(
      tenantId,
      'Group',
      id,
      options,
      async (current) => {
        const result: GroupPatchPlan = plan(current);
        const requests = await this.#membershipRequests(tenantId, id, result.members, known);
        return {
          resource: result.resource,
          changed: result.changed || requests.length > 0,
          plan: this.#withMemberRequests(requests, 'after'),
        };
      },
      hintRead,
    );
    return fromItem(item);
  }

  async deleteGroup(tenantId: string, id: string, options: WriteOptions = {}): Promise<void> {
    await this.#store.deleteResource(tenantId, 'Group', id, options, async () => {
      // Member clean-up grows with the group (documented); it runs after the group's own delete.
      const members = await this.#membersOfGroup(tenantId, id, unbounded());
      return members.map((member) => deleteMembershipRequest(tenantId, id, member.value));
    });
  }

  async findGroups(tenantId: string, query: FindGroupsQuery): Promise<FindResult> {
    const result = await findResources(this.#store, tenantId, this.#listing, query);
    if (query.includeMembers !== true) return result;
    // One budget for the whole page: many groups of moderate size overflow the 6 MB answer as one big one does.
    const budget = this.#memberResponseBudget('This page of groups');
    const resources = await mapLimit(result.resources, BULK_CONCURRENCY, async (group) =>
      withMembers(group, await this.#membersOfGroup(tenantId, group.id, budget)),
    );
    return { ...result, resources };
  }

  /**
   * The batch writes for a group plan: O(changed members), except removeAll, which reads the members.
   * A Put replaces the whole member item, so an add without a display that keeps the member's stored one
   * needs that item read: in the round of the group read when hinted, else with the users' check.
   */
  async #membershipRequests(
    tenantId: string,
    groupId: string,
    changes: MemberChanges,
    known: AddedUsers,
  ): Promise<WriteRequest[]> {
    const add = distinctMembers(changes.add);
    const addIds = new Set(idsOf(add));
    if (changes.removeAll) {
      // Everything is added afresh: write the members that are new or whose display changed.
      const current = await this.#membersOfGroup(tenantId, groupId, unbounded());
      const stored = new Map(current.map((member) => [member.value, member]));
      const newIds = idsOf(add.filter((member) => !stored.has(member.value)));
      await this.#assertUsersExist(
        tenantId,
        newIds.filter((userId) => !known.existing.has(userId)),
      );
      return [
        ...putMembers(
          tenantId,
          groupId,
          add.filter(
            (member) => !stored.has(member.value) || stored.get(member.value)?.display !== member.display,
          ),
        ),
        ...current
          .filter((member) => !addIds.has(member.value))
          .map((member) => deleteMembershipRequest(tenantId, groupId, member.value)),
      ];
    }
    const removed = new Set(changes.remove);
    const keepingDisplay = add.filter((member) => member.display === undefined && !removed.has(member.value));
    await this.#readAddedUsers(
      tenantId,
      groupId,
      [...addIds].filter((userId) => !known.existing.has(userId)),
      idsOf(keepingDisplay).filter((userId) => !known.memberItems.has(userId)),
      known,
    );
    const unknown = [...addIds].filter((userId) => !known.existing.has(userId));
    if (unknown.length > 0) throw unknownMembers(unknown);
    const kept = add.map((member) =>
      member.display === undefined && !removed.has(member.value)
        ? mergedEntry(known.memberItems.get(member.value) ?? undefined, member)
        : member,
    );
    return [
      ...putMembers(tenantId, groupId, kept),
      ...[...removed]
        .filter((userId) => !addIds.has(userId))
        .map((userId) => deleteMembershipRequest(tenantId, groupId, userId)),
    ];
  }

  /** The member bytes one response may carry (shared by every group of a listing). */
  #memberResponseBudget(subject: string): Budget {
    const limit = this.#maxMemberResponseBytes;
    return new Budget(limit, () =>
      ScimError.tooMany(
        `${subject} has more members than fit in one response (over ${limit} bytes of members); ask with excludedAttributes=members.`,
      ),
    );
  }

  /**
   * Reads, in one strongly consistent BatchGet, which of `userIds` are users of the tenant and the member
   * items of `memberIds` in the group, into `known`.
   */
  async #readAddedUsers(
    tenantId: string,
    groupId: string,
    userIds: readonly string[],
    memberIds: readonly string[],
    known: AddedUsers,
  ): Promise<void> {
    const users = [...new Set(userIds)].filter(isResourceId);
    const members = [...new Set(memberIds)].filter(isResourceId);
    if (users.length === 0 && members.length === 0) return;
    const usersPk = resourcePartition(tenantId, 'User');
    const items = await this.#store.batchGet(
      [
        ...users.map((userId) => resourceKey(tenantId, 'User', userId)),
        ...members.map((userId) => memberKey(tenantId, groupId, userId)),
      ],
      ['pk', 'sk', 'display'],
    );
    for (const userId of members) known.memberItems.set(userId, null);
    for (const { pk, sk, display } of items) {
      if (typeof sk !== 'string') continue;
      if (pk === usersPk) known.existing.add(idFromResourceSortKey('User', sk));
      else known.memberItems.set(sk, memberEntry(sk, display));
    }
  }

  /** Members must be users of the same tenant: unknown ids -> 400 invalidValue naming them. */
  async #assertUsersExist(tenantId: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const known: AddedUsers = { existing: new Set(), memberItems: new Map() };
    await this.#readAddedUsers(tenantId, '', ids, [], known);
    const unknown = [...new Set(ids)].filter((id) => !known.existing.has(id));
    if (unknown.length > 0) throw unknownMembers(unknown);
  }

  /** Every member of a group; with a response budget, each member spends the bytes it takes in JSON. */
  async #membersOfGroup(
    tenantId: string,
    groupId: string,
    budget: Budget,
    measure: (item: Record<string, unknown>) => number = memberJsonBytes,
  ): Promise<MemberEntry[]> {
    const items = await this.#store.queryAll(
      partitionQuery(this.#store.tableName, memberPartition(tenantId, groupId), {
        projection: ['sk', 'display'],
      }),
      budget,
      measure,
    );
    return items.flatMap(({ sk, display }) => (typeof sk === 'string' ? [memberEntry(sk, display)] : []));
  }

  /**
   * The candidates with the members a filter tests. A filter that only asks whether given ids are members
   * reads those member keys (BatchGet, candidates x ids keys); any other reads each candidate's whole
   * member partition. Every item read spends the request's budget.
   */
  async #withMembersToTest(
    tenantId: string,
    filter: Filter,
    candidates: readonly ScimResource[],
    budget: Budget,
  ): Promise<ScimResource[]> {
    const tested = testedMemberIds(filter);
    if (tested !== undefined) {
      // The evaluator then decides the match with the schema's caseExact, exactly as on the whole list.
      const ids = [...new Set(tested.map(candidateId))].filter(isResourceId);
      const keys = candidates.flatMap((group) => ids.map((userId) => memberKey(tenantId, group.id, userId)));
      budget.spend(keys.length);
      const items = keys.length === 0 ? [] : await this.#store.batchGet(keys, ['pk', 'sk', 'display']);
      const byPartition = new Map<string, MemberEntry[]>();
      for (const { pk, sk, display } of items) {
        if (typeof pk !== 'string' || typeof sk !== 'string') continue;
        const entries = byPartition.get(pk) ?? [];
        entries.push(memberEntry(sk, display));
        byPartition.set(pk, entries);
      }
      return candidates.map((group) =>
        withMembers(group, byPartition.get(memberPartition(tenantId, group.id)) ?? []),
      );
    }
    return mapLimit(candidates, BULK_CONCURRENCY, async (group) =>
      withMembers(group, await this.#membersOfGroup(tenantId, group.id, budget, countOne)),
    );
  }
}
