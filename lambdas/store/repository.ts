/**
 * The repository ports (one per resource): everything the handlers need from storage, tenant-scoped.
 * Every method takes the tenant id first and never sees another tenant's data. Every failure is a ScimError:
 * 404 unknown id, 409 `uniqueness` (userName, group displayName; externalId is not unique), 412 If-Match
 * mismatch, 400 `invalidValue` (unknown member ids, values too long to index), 400 `tooMany` (filter or
 * group too large to serve), 400 `invalidValue` (bad cursor), 503 + Retry-After (throttling, DynamoDB
 * faults, network errors, contention that outlasted the retries). Never a 500.
 *
 * Resources go in as canonical SCIM JSON (see lambdas/scim/resource.ts). `id`, `meta`, and the computed
 * `groups` (User) and `members` (Group) of the input are ignored: the store owns ids and versions, and
 * memberships are written only through the member operations below.
 */
import type { Filter } from '../scim/filter/ast';
import type { JsonObject } from '../scim/json';
import type { GroupPatchPlan, PatchResult } from '../scim/patch';
import type { ScimResource } from '../scim/resource';

/** Optimistic concurrency: `ifMatch` is the request's If-Match header value (`W/"3"`, `"3"` or `*`). */
export interface WriteOptions {
  readonly ifMatch?: string;
}

export interface UpdateOptions extends WriteOptions {
  /** How many read-apply-write attempts before giving up with 503 (default DEFAULT_MAX_ATTEMPTS). */
  readonly maxAttempts?: number;
}

/** A pure PATCH of a user (applyPatch): when it reports no change, nothing is written and the version stays. */
export type UserMutation = (current: ScimResource) => PatchResult;
/** A pure PATCH of a group without its members (planGroupPatch): new attributes plus member changes. */
export type GroupPlanner = (current: ScimResource) => GroupPatchPlan;

export interface GroupUpdateOptions extends UpdateOptions {
  /**
   * Ids the PATCH will probably add (e.g. every `value` of its add ops). When given, their existence and
   * their current member items (for the display an add without one keeps) are read in the same round
   * trip as the group, which saves a sequential round.
   */
  readonly memberIdsHint?: readonly string[];
}

export interface FindQuery {
  readonly filter?: Filter;
  /**
   * The resource as the client will see it (absolute meta.location, members' `$ref`: the HTTP layer's
   * business): the filter is evaluated against it, so `meta.location co "acme"` tests what the client
   * reads. Results are still returned as stored. Default: the resource as stored.
   */
  readonly view?: (resource: ScimResource) => JsonObject;
  /** 1-based (RFC 7644 §3.4.2.4). Default 1. Ignored when `cursor` is given. */
  readonly startIndex?: number;
  /** Default and maximum MAX_PAGE_SIZE; 0 returns only totalResults. */
  readonly count?: number;
  /**
   * RFC 9865 cursor pagination: '' asks for the first page, otherwise a `nextCursor`/`previousCursor`
   * from an earlier answer. When present, the answer carries cursors and no meaningful startIndex.
   */
  readonly cursor?: string;
  /**
   * Users: fill the computed `groups` of each user on the page (a Query per user, in parallel). False on
   * Entra's hot path (a userName filter without `attributes=groups`).
   */
  readonly includeGroups?: boolean;
}

export interface FindGroupsQuery extends FindQuery {
  /** Read member items too (costs a Query per group); false for `excludedAttributes=members`. */
  readonly includeMembers?: boolean;
}

export interface FindResult {
  readonly resources: ScimResource[];
  readonly totalResults: number;
  /** 1-based index of the first resource returned (echoes the request for index paging). */
  readonly startIndex: number;
  readonly nextCursor?: string;
  readonly previousCursor?: string;
}

export interface TenantMetadata {
  readonly tenantId: string;
  /** ISO 8601 */
  readonly createdAt: string;
  readonly displayName?: string;
}

/** The Users endpoints' port: users, and the groups a user is in (read from the member items). */
export interface UserRepository {
  /**
   * POST /Users: a new id and meta (version W/"1"); 409 `uniqueness` on a userName clash (same
   * match key: lambdas/scim/match-key.ts). externalId is not unique (RFC 7643 §3.1): users may share one.
   */
  createUser(tenantId: string, user: JsonObject): Promise<ScimResource>;
  /** undefined when absent. `includeGroups` adds the computed `groups` from the member items, by the byMember index (eventually consistent). */
  getUser(
    tenantId: string,
    id: string,
    options?: { readonly includeGroups?: boolean },
  ): Promise<ScimResource | undefined>;
  /** PUT /Users/{id}: 404, 409, 412. Keeps id and meta.created. */
  replaceUser(tenantId: string, id: string, user: JsonObject, options?: UpdateOptions): Promise<ScimResource>;
  /**
   * PATCH /Users/{id}: reads, applies `mutate`, writes conditionally on the version read, and retries on
   * a concurrent change (bounded) so no update is lost. 404, 409, 412 (If-Match differs from the current
   * version), 503 when retries run out.
   */
  updateUser(
    tenantId: string,
    id: string,
    mutate: UserMutation,
    options?: UpdateOptions,
  ): Promise<ScimResource>;
  /**
   * DELETE /Users/{id}: removes the user and its lookups (conditional on the version read, and on
   * `ifMatch` if given: 412), then its memberships. 404 when absent.
   */
  deleteUser(tenantId: string, id: string, options?: WriteOptions): Promise<void>;
  findUsers(tenantId: string, query: FindQuery): Promise<FindResult>;
}

/** The Groups endpoints' port: groups and their members. */
export interface GroupRepository {
  /**
   * POST /Groups: `members` of the input (ids of users of this tenant, with the display sent, if any) are
   * added; unknown ids -> 400 `invalidValue` naming them, nothing written. 409 `uniqueness` on a
   * displayName clash (same match key); externalId is not unique. Members read back as
   * `{value, type: "User", display?}`.
   */
  createGroup(tenantId: string, group: JsonObject): Promise<ScimResource>;
  /**
   * undefined when absent. `includeMembers: false` never reads member items; a group too large for one
   * response -> 400 `tooMany` suggesting `excludedAttributes=members`.
   */
  getGroup(
    tenantId: string,
    id: string,
    options: { readonly includeMembers: boolean },
  ): Promise<ScimResource | undefined>;
  /**
   * PUT /Groups/{id}: replaces attributes and the whole member list, displays included (writes only the
   * members that are new or whose display changed, and deletes the others).
   */
  replaceGroup(
    tenantId: string,
    id: string,
    group: JsonObject,
    options?: UpdateOptions,
  ): Promise<ScimResource>;
  /**
   * PATCH /Groups/{id}: `plan` gets the group WITHOUT members and returns the new attributes plus the
   * member changes, which cost O(changed members). Returns the group without members.
   */
  updateGroup(
    tenantId: string,
    id: string,
    plan: GroupPlanner,
    options?: GroupUpdateOptions,
  ): Promise<ScimResource>;
  /**
   * DELETE /Groups/{id}: removes the group and its lookups (conditional on the version read, and on
   * `ifMatch` if given: 412), then its member items. 404 when absent.
   */
  deleteGroup(tenantId: string, id: string, options?: WriteOptions): Promise<void>;
  findGroups(tenantId: string, query: FindGroupsQuery): Promise<FindResult>;
}

/**
 * Every user of a tenant, a page at a time, for the tenant CLI's export and report: one Query of the
 * tenant's user partition per page (at most `pageSize` users, default MAX_PAGE_SIZE, and DynamoDB's 1 MB),
 * so a tenant of any size costs O(users) reads and never sits in memory. Not for the Lambdas.
 */
export interface UserPages {
  userPages(
    tenantId: string,
    options?: { readonly pageSize?: number },
  ): AsyncIterable<readonly ScimResource[]>;
}

/** Tenant metadata, for the tenant CLI. */
export interface TenantRepository {
  getTenant(tenantId: string): Promise<TenantMetadata | undefined>;
  /** Creates or overwrites the tenant's metadata. */
  putTenant(metadata: TenantMetadata): Promise<void>;
}

/**
 * The whole port, for the local server, the tenant CLI and tests. Each Lambda takes only its resource's
 * port, so that its bundle carries only that resource's adapter.
 */
export interface ScimRepository extends UserRepository, GroupRepository, TenantRepository {}

/** The largest `count` served; larger requests are clamped (RFC 7644 §3.4.2.4 allows it). */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_MAX_ATTEMPTS = 10;
