/**
 * Group PATCH without the member list. The store keeps memberships as separate items, so a group of 50,000
 * members is patched by reading the group alone: member operations become a net MemberChanges that the
 * store applies item by item, the other operations are applied to the group as applyPatch does.
 *
 * Member operations that can be planned (docs/providers.md, "Groups"; RFC 7644 §3.5.2):
 * - add `members` with a list of {value}                     -> add those ids (idempotent)
 * - remove `members` without value                           -> remove all
 * - remove `members` with a list of {value}                  -> remove only those ids (Entra)
 * - remove `members[value eq "a"]`, optionally `or`-ed       -> remove those ids
 * - replace `members` with a list (Okta), or with no value   -> remove all, then add the list
 * - the same as keys of a no-path add/replace value ({"members": [...]}).
 * Anything else on members needs the current list: another filter (`members[type eq "User"]`,
 * `members[value co "x"]`) -> 400 invalidFilter; a sub-attribute path (`members.value`,
 * `members[value eq "a"].display`) or an add/replace with a filter -> 400 invalidPath.
 *
 * A member is kept as its id and the `display` the client sent, if any (Okta and Microsoft's reference
 * client send one and read it back); `type` follows from the id and `$ref` is not kept. Re-adding a member
 * merges as applyPatch does: a new display replaces the old one, no display keeps it.
 */
import { ScimError } from '../errors';
import type { Filter } from '../filter/ast';
import type { JsonValue } from '../json';
import { isJsonObject } from '../json';
import type { IgnoredAttributes } from '../normalise';
import type { ScimResource } from '../resource';
import type { ResourceSchema } from '../schema/types';
import { applyOperations } from './apply';
import type { PatchOperation } from './request';
import { compilePatchRequest } from './request';

/** One member as a plan adds it: its id and, when the client sent one, its display. */
export interface MemberEntry {
  readonly value: string;
  readonly display?: string;
}

/**
 * The net effect of a request's member operations: first remove (all, or `remove`), then `add`, each
 * added entry merging into a member still there (its display replaces the old one; no display keeps it).
 * An id both removed and added was removed and then added afresh: it keeps no old display.
 */
export interface MemberChanges {
  readonly removeAll: boolean;
  readonly add: readonly MemberEntry[];
  readonly remove: readonly string[];
}

export interface GroupPatchPlan {
  readonly resource: ScimResource;
  /** Whether the group's own attributes changed; member changes are reported in `members` only. */
  readonly changed: boolean;
  readonly members: MemberChanges;
}

const MEMBERS = 'members';

const isMembersOperation = (operation: PatchOperation, schema: ResourceSchema): boolean =>
  !operation.target.isExtension &&
  operation.target.schema === schema.core &&
  operation.target.attribute.name.toLowerCase() === MEMBERS;

/** The members of a normalised members value (a list of {value, display?, ...}). */
const memberEntries = (value: JsonValue | undefined, text: string): MemberEntry[] => {
  const entries: MemberEntry[] = [];
  for (const element of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
    const id = isJsonObject(element) ? element.value : undefined;
    if (typeof id !== 'string') throw ScimError.invalidValue(`Each element of "${text}" needs a "value".`);
    const display = isJsonObject(element) ? element.display : undefined;
    entries.push(typeof display === 'string' ? { value: id, display } : { value: id });
  }
  return entries;
};

const memberIds = (value: JsonValue | undefined, text: string): string[] =>
  memberEntries(value, text).map((entry) => entry.value);

/** `entry` merged into `existing` as applyPatch merges a re-added element: a given display wins. */
const mergedEntry = (existing: MemberEntry | undefined, entry: MemberEntry): MemberEntry =>
  existing?.display !== undefined && entry.display === undefined
    ? { value: entry.value, display: existing.display }
    : entry;

/** The ids a `value eq "id"` filter, or an `or` of them, selects; undefined for any other filter. */
const idsSelectedBy = (filter: Filter): string[] | undefined => {
  if (filter.kind === 'or') {
    const left = idsSelectedBy(filter.left);
    const right = idsSelectedBy(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    typeof filter.value === 'string' &&
    filter.path.attribute.toLowerCase() === 'value' &&
    filter.path.subAttribute === undefined
  ) {
    return [filter.value];
  }
  return undefined;
};

/** Accumulates member operations in order into their net effect. */
class MemberPlan {
  private removeAll = false;
  private readonly added = new Map<string, MemberEntry>();
  private readonly removed = new Set<string>();

  add(entries: readonly MemberEntry[]): void {
    // An id removed earlier stays in `removed`: removed, then added afresh, it keeps no old display.
    for (const entry of entries) this.added.set(entry.value, mergedEntry(this.added.get(entry.value), entry));
  }

  remove(ids: readonly string[]): void {
    for (const id of ids) {
      this.added.delete(id);
      // After a remove-all the id is gone already, unless added since (handled just above).
      if (!this.removeAll) this.removed.add(id);
    }
  }

  clear(): void {
    this.removeAll = true;
    this.added.clear();
    this.removed.clear();
  }

  result(): MemberChanges {
    return { removeAll: this.removeAll, add: [...this.added.values()], remove: [...this.removed] };
  }
}

const planMembersOperation = (plan: MemberPlan, operation: PatchOperation): void => {
  const { op, value, hasValue, target } = operation;
  if (target.subAttribute) {
    throw ScimError.invalidPath(
      `"${target.text}": member sub-attributes cannot be patched; add or remove members by "value".`,
    );
  }
  if (target.filter) {
    if (op !== 'remove') {
      throw ScimError.invalidPath(`"${target.text}": a member filter can only be used to remove members.`);
    }
    const ids = idsSelectedBy(target.filter);
    if (!ids) {
      throw ScimError.invalidFilter(
        `"${target.text}": only members[value eq "<id>"] filters (optionally joined by "or") are supported on group members.`,
      );
    }
    plan.remove(ids);
    return;
  }
  switch (op) {
    case 'add':
      plan.add(memberEntries(value, target.text));
      return;
    case 'replace':
      plan.clear();
      plan.add(memberEntries(value, target.text));
      return;
    case 'remove':
      if (!hasValue) plan.clear();
      else plan.remove(memberIds(value, target.text));
  }
};

/**
 * Plans a group PATCH for a group read WITHOUT its members. Never mutates its arguments. Throws ScimError
 * as applyPatch does, and for member operations that cannot be served without the member list (see
 * above). Names of paths no schema defines are added to `ignored`, when given.
 */
export const planGroupPatch = (
  group: ScimResource,
  request: unknown,
  schema: ResourceSchema,
  ignored?: IgnoredAttributes,
): GroupPatchPlan => {
  const operations = compilePatchRequest(request, schema, ignored);
  const plan = new MemberPlan();
  const others: PatchOperation[] = [];
  for (const operation of operations) {
    if (isMembersOperation(operation, schema)) planMembersOperation(plan, operation);
    else others.push(operation);
  }
  const { resource, changed } = applyOperations(group, others);
  return { resource, changed, members: plan.result() };
};

/** Applies MemberChanges to a member list (what the store does with membership items). */
export const applyMemberChanges = (
  members: readonly MemberEntry[],
  changes: MemberChanges,
): MemberEntry[] => {
  const removed = new Set(changes.remove);
  const result = changes.removeAll ? [] : members.filter((member) => !removed.has(member.value));
  const positions = new Map(result.map((member, index) => [member.value, index]));
  for (const entry of changes.add) {
    const index = positions.get(entry.value);
    if (index === undefined) {
      positions.set(entry.value, result.length);
      result.push(entry);
    } else result[index] = mergedEntry(result[index], entry);
  }
  return result;
};
