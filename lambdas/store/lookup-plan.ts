/**
 * Decides whether a filter can be answered from a lookup (strongly consistent base-table reads) instead of
 * reading the tenant's items: Entra's matching filters `id eq`, `userName eq`, `displayName eq` (groups),
 * which cost O(1), and `externalId eq` and `emails[type eq "work"].value eq`, which are not unique and cost
 * O(matches). Lookups only narrow the candidates; the core evaluator still tests the whole filter on them,
 * so `and` with any other condition stays exact.
 */
import type { AttributePath, Filter } from '../scim/filter/ast';
import type { LookupDescriptor, ResourceTypeName, UniqueAttribute } from '../scim/schema/resource-types';
import { resourceTypeNamed } from '../scim/schema/resource-types';

export type LookupPlan =
  | { readonly kind: 'id'; readonly value: string }
  | { readonly kind: 'unique'; readonly attribute: UniqueAttribute; readonly value: string }
  /** Not unique, case-exact: every resource of the type with this externalId. */
  | { readonly kind: 'externalId'; readonly value: string }
  | { readonly kind: 'email'; readonly value: string }
  /** Groups that have this user as a member (member items, by the byMember index). */
  | { readonly kind: 'memberOf'; readonly userId: string };

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `name` with no URN or with the core URN, and no sub-attribute unless `subAttribute` says so. */
const isCorePath = (
  type: ResourceTypeName,
  path: AttributePath,
  name: string,
  subAttribute?: string,
): boolean =>
  (path.uri === undefined || same(path.uri, resourceTypeNamed(type).schema)) &&
  same(path.attribute, name) &&
  (subAttribute === undefined
    ? path.subAttribute === undefined
    : path.subAttribute !== undefined && same(path.subAttribute, subAttribute));

/** The plan of a descriptor's lookup for `value`. */
const lookupOf = (kind: LookupDescriptor['kind'], value: string): LookupPlan =>
  kind === 'email' ? { kind, value } : { kind, userId: value };

const compareLookup = (
  type: ResourceTypeName,
  path: AttributePath,
  value: string,
): LookupPlan | undefined => {
  if (isCorePath(type, path, 'id')) return { kind: 'id', value };
  const descriptor = resourceTypeNamed(type);
  const unique: UniqueAttribute = descriptor.uniqueAttribute;
  if (isCorePath(type, path, unique)) return { kind: 'unique', attribute: unique, value };
  if (isCorePath(type, path, 'externalId')) return { kind: 'externalId', value };
  for (const { kind, attribute } of descriptor.lookups) {
    // A member is its user id, so `members eq` names it; an email is more than its address.
    const bare = kind === 'memberOf' && isCorePath(type, path, attribute);
    if (bare || isCorePath(type, path, attribute, 'value')) return lookupOf(kind, value);
  }
  return undefined;
};

/** An `eq` on a string value of an element sub-attribute inside `attr[...]`, e.g. `value eq "x"`. */
const elementEquality = (filter: Filter, subAttribute: string): string | undefined => {
  if (filter.kind === 'compare') {
    return filter.op === 'eq' && typeof filter.value === 'string' && same(filter.path.attribute, subAttribute)
      ? filter.value
      : undefined;
  }
  if (filter.kind === 'and')
    return elementEquality(filter.left, subAttribute) ?? elementEquality(filter.right, subAttribute);
  return undefined;
};

export const lookupPlan = (type: ResourceTypeName, filter: Filter): LookupPlan | undefined => {
  switch (filter.kind) {
    case 'compare':
      return filter.op === 'eq' && typeof filter.value === 'string'
        ? compareLookup(type, filter.path, filter.value)
        : undefined;
    case 'valuePath': {
      const value = elementEquality(filter.filter, 'value');
      if (value === undefined) return undefined;
      const lookup = resourceTypeNamed(type).lookups.find(({ attribute }) =>
        isCorePath(type, filter.path, attribute),
      );
      return lookup === undefined ? undefined : lookupOf(lookup.kind, value);
    }
    case 'and':
      return cheaper(lookupPlan(type, filter.left), lookupPlan(type, filter.right));
    default:
      return undefined;
  }
};

/** Lower is cheaper: one item (id, unique lookups) before O(matches) lookups. */
const PLAN_COST: Readonly<Record<LookupPlan['kind'], number>> = {
  id: 0,
  unique: 1,
  externalId: 2,
  email: 2,
  memberOf: 2,
};

/** Of the two conjuncts of an `and`, the lookup that reads least (the left one on a tie). */
const cheaper = (left: LookupPlan | undefined, right: LookupPlan | undefined): LookupPlan | undefined => {
  if (left === undefined) return right;
  if (right === undefined) return left;
  return PLAN_COST[right.kind] < PLAN_COST[left.kind] ? right : left;
};

/** True when evaluating `filter` needs the computed membership attribute (Group.members, User.groups). */
export const needsMemberships = (type: ResourceTypeName, filter: Filter): boolean => {
  const name = resourceTypeNamed(type).membershipAttribute;
  switch (filter.kind) {
    case 'compare':
    case 'present':
    case 'valuePath':
      return isCorePath(type, { ...filter.path, subAttribute: undefined }, name);
    case 'and':
    case 'or':
      return needsMemberships(type, filter.left) || needsMemberships(type, filter.right);
    case 'not':
      return needsMemberships(type, filter.filter);
  }
};

/** `members[value eq "x"]` (the bracket filter exactly that): "x", else undefined. */
const bracketMemberId = (filter: Filter): string | undefined =>
  filter.kind === 'compare' &&
  filter.op === 'eq' &&
  typeof filter.value === 'string' &&
  filter.path.uri === undefined &&
  same(filter.path.attribute, 'value') &&
  filter.path.subAttribute === undefined
    ? filter.value
    : undefined;

/**
 * The member ids a Group filter tests, when every test of `members` in it is an equality on a member's
 * value (`members[value eq "x"]`, `members.value eq "x"`, under any and/or/not): its outcome then depends
 * only on whether those ids are members, so reading their member items (one key each) is enough.
 * undefined when any other test of `members` needs the whole list (`members pr`, `members[display co]`...).
 */
export const testedMemberIds = (filter: Filter): string[] | undefined => {
  const ids: string[] = [];
  const visit = (node: Filter): boolean => {
    switch (node.kind) {
      case 'and':
      case 'or':
        return visit(node.left) && visit(node.right);
      case 'not':
        return visit(node.filter);
      case 'present':
        return !isCorePath('Group', { ...node.path, subAttribute: undefined }, 'members');
      case 'compare': {
        if (!isCorePath('Group', { ...node.path, subAttribute: undefined }, 'members')) return true;
        if (
          node.op !== 'eq' ||
          typeof node.value !== 'string' ||
          !isCorePath('Group', node.path, 'members', 'value')
        )
          return false;
        ids.push(node.value);
        return true;
      }
      case 'valuePath': {
        if (!isCorePath('Group', { ...node.path, subAttribute: undefined }, 'members')) return true;
        const id = node.path.subAttribute === undefined ? bracketMemberId(node.filter) : undefined;
        if (id === undefined) return false;
        ids.push(id);
        return true;
      }
    }
  };
  return visit(filter) ? [...new Set(ids)] : undefined;
};
