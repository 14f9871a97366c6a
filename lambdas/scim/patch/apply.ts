/**
 * The PatchOp interpreter (RFC 7644 §3.5.2), a pure function: it validates the whole request first
 * (request.ts), then applies the operations in order to a copy of the resource. A failing operation fails
 * the request and the input is never touched, so a PATCH is atomic.
 *
 * Decisions where the RFC is silent, loose, or where Entra needs more (docs/providers.md, "Users"):
 * - add/replace on a value path that matches no element CREATES the element, built from the filter's `eq`
 *   conditions (`addresses[type eq "work"].locality` -> {type: "work", locality}); later ops on the same
 *   filter then merge into it. Only when the filter is not a conjunction of `eq` (RFC §3.5.2.3) -> noTarget,
 *   and when the element would hold labels only (`emails[type eq "work"].primary` with no work email):
 *   POST drops such an element, so there is nothing to attach the label to -> noTarget.
 *   The filter's `eq` conditions win over the value's sub-attributes, so an element written through
 *   `emails[type eq "work"]` is still the work email afterwards (and a repeated add finds it again).
 * - remove with a filter that matches nothing changes nothing (Entra retries removals).
 * - remove with a `value` on a multi-valued attribute removes only the listed elements (Entra's member
 *   removal); on a single-valued one it removes the attribute only if the value is the current one.
 * - Adding an element that is already there merges into it instead of duplicating it. An element is
 *   "already there" when its `value` matches (and its `type`, when both have one); elements without a
 *   `value` (addresses) only when equal. A type alone is no identity: several values of one type are kept
 *   (two work emails, as Microsoft's reference client sends; see validate.ts), so adding a new value of an
 *   existing type appends it (RFC 7644 §3.5.2.1) and replacing the whole attribute keeps exactly the list
 *   given. Value-path operations (`emails[type eq "work"].value`) act on every element the filter matches.
 * - replace on a complex single-valued attribute (name, manager) merges sub-attributes (RFC §3.5.2.3), so
 *   replace with `{}` changes nothing (null clears it); replace of value-filtered elements merges the given
 *   sub-attributes into each matched element.
 * - Setting `primary: true` on an element clears it on the others (RFC 7644 §3.5.2).
 * - Removing or clearing a required attribute (userName) -> mutability (RFC 7644 §3.5.2.2); changing an
 *   immutable attribute that has a value -> mutability (RFC 7644 §3.5.2).
 * - An extension's URN key is dropped when its last attribute goes and is listed in `schemas` when it
 *   holds attributes (RFC 7643 §3), for the extensions a request touched.
 * - `meta` is readOnly and never changed here: the store bumps version and lastModified.
 */
import { ScimError } from '../errors';
import type { Filter } from '../filter/ast';
import type { JsonObject, JsonValue } from '../json';
import { isJsonObject } from '../json';
import { matchKey } from '../match-key';
import type { IgnoredAttributes } from '../normalise';
import { normaliseValue } from '../normalise';
import type { ScimResource } from '../resource';
import { findAttribute } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from '../schema/types';
import { carriesData } from '../validate';
import {
  deleteMember,
  findKey,
  getMember,
  isEmptyObject,
  jsonEqual,
  setMember,
  shallowCopy,
} from './json-tools';
import type { PatchOperation, PatchTarget } from './request';
import { compilePatchRequest } from './request';

export interface PatchResult {
  readonly resource: ScimResource;
  /** False exactly when `resource` deep-equals the input. */
  readonly changed: boolean;
}

/**
 * Applies a PatchOp request to `resource`. Never mutates its arguments. Throws ScimError (see
 * compilePatchRequest for request errors; noTarget and mutability can also arise while applying). Names
 * of paths no schema defines are added to `ignored`, when given.
 */
export const applyPatch = (
  resource: ScimResource,
  request: unknown,
  schema: ResourceSchema,
  ignored?: IgnoredAttributes,
): PatchResult => applyOperations(resource, compilePatchRequest(request, schema, ignored));

/**
 * Applies already compiled operations in order to a copy of `resource`. Copy-on-write: the resource
 * object and each extension object an operation writes to are copied, every attribute value is replaced,
 * never modified in place, so untouched branches are shared with the input (which is why comparing the
 * result with the input is cheap). Treat both as immutable.
 */
export const applyOperations = (
  resource: ScimResource,
  operations: readonly PatchOperation[],
): PatchResult => {
  const draft: Draft = { root: shallowCopy(resource), copied: new Set() };
  const touchedExtensions = new Set<SchemaDefinition>();
  for (const operation of operations) {
    applyOperation(draft, operation);
    if (operation.target.isExtension) touchedExtensions.add(operation.target.schema);
  }
  syncExtensionSchemas(resource, draft.root, touchedExtensions);
  return { resource: draft.root as ScimResource, changed: !jsonEqual(resource, draft.root) };
};

// ---------------------------------------------------------------------------------------------------
// Comparing values and elements

/** Two values the same for matching: strings by their match keys (a filter would find one by the other). */
const sameText = (a: JsonValue | undefined, b: JsonValue | undefined, caseExact: boolean): boolean =>
  a === b ||
  (typeof a === 'string' && typeof b === 'string'
    ? matchKey(a, caseExact) === matchKey(b, caseExact)
    : jsonEqual(a, b));

const subAttributeOf = (attribute: AttributeDefinition, name: string): AttributeDefinition | undefined =>
  findAttribute(attribute.subAttributes, name);

/** How elements of a multi-valued attribute are told apart, derived once per attribute definition. */
interface ElementIdentity {
  /** The `value` sub-attribute, when elements have one. */
  readonly value?: AttributeDefinition;
  /** An immutable `type` (members: User or Group) follows from the value and is no part of identity. */
  readonly typeFollowsValue: boolean;
}

const identities = new WeakMap<AttributeDefinition, ElementIdentity>();
const identityOf = (attribute: AttributeDefinition): ElementIdentity => {
  let identity = identities.get(attribute);
  if (!identity) {
    const type = subAttributeOf(attribute, 'type');
    const value = subAttributeOf(attribute, 'value');
    identity = { ...(value ? { value } : {}), typeFollowsValue: type?.mutability === 'immutable' };
    identities.set(attribute, identity);
  }
  return identity;
};

/**
 * Whether `candidate` designates the same element as `element`: same `value`, and same `type` when both
 * have one (an immutable type, as for members, follows from the value). A type alone is no identity:
 * several values of one type are kept (two work emails, see validate.ts). Elements without a `value`
 * sub-attribute (addresses) are the same only when equal.
 */
const sameElement = (element: JsonValue, candidate: JsonValue, attribute: AttributeDefinition): boolean => {
  if (!isJsonObject(element) || !isJsonObject(candidate)) {
    return sameText(element, candidate, attribute.caseExact);
  }
  const identity = identityOf(attribute);
  if (!identity.value || candidate.value === undefined) return jsonEqual(element, candidate);
  if (!sameText(element.value, candidate.value, identity.value.caseExact)) return false;
  const bothTyped = element.type !== undefined && candidate.type !== undefined;
  return !bothTyped || identity.typeFollowsValue || sameText(element.type, candidate.type, false);
};

/** Whether a remove's listed `candidate` selects `element`: by identity, or by all its sub-attributes. */
const selectsElement = (
  candidate: JsonValue,
  element: JsonValue,
  attribute: AttributeDefinition,
): boolean => {
  if (isJsonObject(candidate) && isJsonObject(element) && candidate.value === undefined) {
    return Object.entries(candidate).every(([key, value]) =>
      sameText(getMember(element, key), value, subAttributeOf(attribute, key)?.caseExact ?? false),
    );
  }
  return sameElement(element, candidate, attribute);
};

// ---------------------------------------------------------------------------------------------------
// Mutability

/**
 * Writes `after` as the value of `definition` in `object` (undefined deletes it), replacing `before`,
 * once the attribute's mutability allows it: an immutable value is kept, a required one not removed.
 */
const writeMember = (
  object: JsonObject,
  definition: AttributeDefinition,
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  text: string,
): void => {
  if (definition.mutability === 'immutable' && before !== undefined && !jsonEqual(before, after)) {
    throw ScimError.mutability(`"${text}" is immutable and already has a value.`);
  }
  if (definition.required && before !== undefined && after === undefined) {
    throw ScimError.mutability(`"${text}" is required and cannot be removed.`);
  }
  if (after === undefined) deleteMember(object, definition.name);
  else setMember(object, definition.name, after);
};

// ---------------------------------------------------------------------------------------------------
// Lists

const asList = (value: JsonValue | undefined): JsonValue[] =>
  value === undefined ? [] : Array.isArray(value) ? [...value] : [value];

const merged = (element: JsonValue, addition: JsonValue): JsonValue =>
  isJsonObject(element) && isJsonObject(addition) ? { ...element, ...addition } : addition;

/**
 * The key of an element whose identity is its `value` alone (members: the type follows from the id), so
 * large lists are matched through a Map instead of pairwise; undefined when identity needs more.
 */
const valueKey = (element: JsonValue, attribute: AttributeDefinition): string | undefined => {
  const identity = identityOf(attribute);
  if (!identity.value || !identity.typeFollowsValue) return undefined;
  if (!isJsonObject(element) || typeof element.value !== 'string') return undefined;
  return matchKey(element.value, identity.value.caseExact);
};

/** Adds `additions` to `list`, merging each into an element it designates instead of duplicating it. */
const addElements = (
  list: readonly JsonValue[],
  additions: readonly JsonValue[],
  attribute: AttributeDefinition,
): { list: JsonValue[]; touched: Set<JsonValue> } => {
  const result = [...list];
  const touched = new Set<JsonValue>();
  const byValue = new Map<string, number>();
  result.forEach((element, index) => {
    const key = valueKey(element, attribute);
    if (key !== undefined && !byValue.has(key)) byValue.set(key, index);
  });
  for (const addition of additions) {
    const key = valueKey(addition, attribute);
    const index =
      key !== undefined
        ? (byValue.get(key) ?? -1)
        : result.findIndex((element) => sameElement(element, addition, attribute));
    const element = index >= 0 ? merged(result[index], addition) : addition;
    if (index >= 0) result[index] = element;
    else {
      if (key !== undefined) byValue.set(key, result.length);
      result.push(element);
    }
    touched.add(element);
  }
  return { list: result, touched };
};

/**
 * RFC 7644 §3.5.2: setting "primary" to true on one value sets it to false on the others. The element the
 * operation touched last wins.
 */
const keepOnePrimary = (list: JsonValue[], touched: ReadonlySet<JsonValue>): JsonValue[] => {
  const primaries = list.filter((element) => isJsonObject(element) && element.primary === true);
  if (primaries.length <= 1) return list;
  const touchedPrimaries = primaries.filter((element) => touched.has(element));
  const winner = (touchedPrimaries.length > 0 ? touchedPrimaries : primaries).at(-1);
  return list.map((element) =>
    isJsonObject(element) && element.primary === true && element !== winner
      ? { ...element, primary: false }
      : element,
  );
};

const fromList = (list: JsonValue[], attribute: AttributeDefinition): JsonValue | undefined => {
  if (list.length === 0) return undefined;
  return attribute.multiValued ? list : list[list.length - 1];
};

// ---------------------------------------------------------------------------------------------------
// Creating an element from a value filter

/**
 * The element a filter such as `type eq "work"` (or `type eq "work" and primary eq true`) describes, or
 * undefined when the filter cannot describe one element (or, not, ne, co, ...).
 */
const elementFromFilter = (
  filter: Filter,
  attribute: AttributeDefinition,
  text: string,
): JsonObject | undefined => {
  if (filter.kind === 'and') {
    const left = elementFromFilter(filter.left, attribute, text);
    const right = elementFromFilter(filter.right, attribute, text);
    if (!left || !right) return undefined;
    const conflict = Object.keys(right).some(
      (key) => left[key] !== undefined && !jsonEqual(left[key], right[key]),
    );
    return conflict ? undefined : { ...left, ...right };
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null) return undefined;
  const definition = subAttributeOf(attribute, filter.path.attribute);
  if (!definition) return undefined;
  const value = normaliseValue(filter.value, definition, text);
  return value === undefined ? undefined : { [definition.name]: value };
};

const createFromFilter = (target: PatchTarget, addition: JsonObject): JsonObject => {
  const filter = target.filter;
  const base = filter ? elementFromFilter(filter, target.attribute, target.text) : undefined;
  if (!base) {
    throw ScimError.noTarget(
      `No element matches "${target.text}" and its filter does not describe one to create (only "eq" conditions joined by "and" do).`,
    );
  }
  return { ...addition, ...base };
};

// ---------------------------------------------------------------------------------------------------
// The three shapes of target

/** `attribute` (no filter, no sub-attribute). */
const applyToWhole = (before: JsonValue | undefined, operation: PatchOperation): JsonValue | undefined => {
  const { op, value, hasValue, target } = operation;
  const { attribute } = target;
  if (op === 'remove') {
    if (!hasValue) return undefined;
    if (value === undefined) return before;
    const listed = asList(value);
    const kept = asList(before).filter(
      (element) => !listed.some((candidate) => selectsElement(candidate, element, attribute)),
    );
    return fromList(kept, attribute);
  }
  if (value === undefined) return op === 'add' ? before : undefined;
  if (attribute.multiValued) {
    const { list, touched } = addElements(op === 'add' ? asList(before) : [], asList(value), attribute);
    return fromList(keepOnePrimary(list, touched), attribute);
  }
  // Both add and replace merge the sub-attributes of a complex single value (RFC 7644 §3.5.2.1, §3.5.2.3).
  return before !== undefined ? merged(before, value) : value;
};

/** `attribute.subAttribute` of a single-valued complex attribute (`name.givenName`). */
const applyToSubAttribute = (
  before: JsonValue | undefined,
  operation: PatchOperation,
): JsonValue | undefined => {
  const { op, value, hasValue, target } = operation;
  const subAttribute = target.subAttribute as AttributeDefinition;
  const element: JsonObject = isJsonObject(before) ? { ...before } : {};
  const current = getMember(element, subAttribute.name);
  let next: JsonValue | undefined;
  if (op === 'remove')
    next = hasValue && !sameText(current, value, subAttribute.caseExact) ? current : undefined;
  else if (value === undefined) next = op === 'add' ? current : undefined;
  else next = value;
  writeMember(element, subAttribute, current, next, target.text);
  return isEmptyObject(element) ? undefined : element;
};

/** The new value of each matched element, or undefined to drop it. */
const updateMatched = (element: JsonObject, operation: PatchOperation): JsonObject | undefined => {
  const { op, value, target } = operation;
  const { subAttribute } = target;
  if (subAttribute) {
    const current = getMember(element, subAttribute.name);
    const clears = op === 'remove' || (op === 'replace' && value === undefined);
    const next = clears ? undefined : (value ?? current);
    const updated = { ...element };
    writeMember(updated, subAttribute, current, next, target.text);
    return carriesData(updated) ? updated : undefined;
  }
  if (op === 'remove' || (op === 'replace' && value === undefined)) return undefined;
  if (!isJsonObject(value)) return element;
  // replace: the matched values are replaced by the sub-attributes given, the others kept (RFC 7644
  // §3.5.2.3: `emails[value eq "a@x"]` with {"value": "b@x"} changes the address and keeps primary).
  if (op === 'replace') return { ...element, ...value };
  const selected = target.filter
    ? elementFromFilter(target.filter, target.attribute, target.text)
    : undefined;
  return { ...element, ...value, ...selected };
};

/** `attribute[filter]` or `attribute[filter].subAttribute`. */
const applyToFiltered = (before: JsonValue | undefined, operation: PatchOperation): JsonValue | undefined => {
  const { op, value, target } = operation;
  const { attribute, subAttribute } = target;
  const matches = target.matches ?? (() => false);
  const list = asList(before);
  const touched = new Set<JsonValue>();
  let matched = 0;
  const updated: JsonValue[] = [];
  for (const element of list) {
    if (!isJsonObject(element) || !matches(element)) {
      updated.push(element);
      continue;
    }
    matched += 1;
    const next = updateMatched(element, operation);
    if (next) {
      updated.push(next);
      touched.add(next);
    }
  }
  if (matched === 0 && op !== 'remove' && value !== undefined) {
    const addition = subAttribute ? { [subAttribute.name]: value } : isJsonObject(value) ? value : {};
    const created = createFromFilter(target, addition);
    if (!carriesData(created)) {
      // `{type: "work", primary: true}` is no email: POST would drop it, so there is nothing to label.
      throw ScimError.noTarget(
        `No element matches "${target.text}" and the operation sets only labels (type, primary, display), so there is no element to create.`,
      );
    }
    // A single-valued complex attribute holds at most one element: the created one replaces it.
    if (!attribute.multiValued) updated.length = 0;
    updated.push(created);
    touched.add(created);
  }
  const collapsed = attribute.multiValued ? collapseTouched(updated, touched, attribute) : undefined;
  return fromList(keepOnePrimary(collapsed?.list ?? updated, collapsed?.touched ?? touched), attribute);
};

/**
 * A value-path add writes into every element it matches (RFC 7644 §3.5.2.1), so writing a `value` into
 * two work emails makes them the same element: merge a touched element with its duplicates (touched
 * sub-attributes win), as an add of that element would. O(list x touched): a member removal touches none.
 */
const collapseTouched = (
  list: readonly JsonValue[],
  touched: ReadonlySet<JsonValue>,
  attribute: AttributeDefinition,
): { list: JsonValue[]; touched: Set<JsonValue> } | undefined => {
  if (touched.size === 0) return undefined;
  const result: JsonValue[] = [];
  const touchedAt = new Set<number>();
  for (const element of list) {
    const isTouched = touched.has(element);
    const candidates = isTouched ? result.keys() : touchedAt.values();
    let index = -1;
    for (const candidate of candidates) {
      if (sameElement(result[candidate], element, attribute)) {
        index = candidate;
        break;
      }
    }
    if (index < 0) {
      if (isTouched) touchedAt.add(result.length);
      result.push(element);
    } else if (isTouched) {
      result[index] = merged(result[index], element);
      touchedAt.add(index);
    } else result[index] = merged(element, result[index]);
  }
  return { list: result, touched: new Set([...touchedAt].map((index) => result[index])) };
};

// ---------------------------------------------------------------------------------------------------
// Applying one operation to the draft

/** The copied resource, and the extension objects in it that are copies too (so writable). */
interface Draft {
  readonly root: JsonObject;
  readonly copied: Set<JsonObject>;
}

/** The object that holds the target attribute: the resource, or (a copy of) its extension's URN object. */
const containerFor = (draft: Draft, target: PatchTarget): JsonObject => {
  const { root, copied } = draft;
  if (!target.isExtension) return root;
  const key = findKey(root, target.schema.id);
  const existing = key === undefined ? undefined : root[key];
  if (isJsonObject(existing)) {
    if (copied.has(existing)) return existing;
    const copy = shallowCopy(existing);
    root[key as string] = copy;
    copied.add(copy);
    return copy;
  }
  const created: JsonObject = {};
  setMember(root, target.schema.id, created);
  copied.add(created);
  return created;
};

const applyOperation = (draft: Draft, operation: PatchOperation): void => {
  const { target } = operation;
  const container = containerFor(draft, target);
  const before = getMember(container, target.attribute.name);
  const after = target.filter
    ? applyToFiltered(before, operation)
    : target.subAttribute
      ? applyToSubAttribute(before, operation)
      : applyToWhole(before, operation);
  if (target.readOnly && !jsonEqual(before, after)) {
    throw ScimError.mutability(`"${target.text}" is readOnly and cannot be modified.`);
  }
  writeMember(container, target.attribute, before, after, target.text);
};

const extensionObject = (resource: JsonObject, extension: SchemaDefinition): JsonObject | undefined => {
  const key = findKey(resource, extension.id);
  const value = key === undefined ? undefined : resource[key];
  return isJsonObject(value) && !isEmptyObject(value) ? value : undefined;
};

const namesSchema = (uri: JsonValue, id: string): boolean =>
  typeof uri === 'string' && uri.toLowerCase() === id.toLowerCase();

/**
 * Drops emptied extension objects, and for each extension whose attributes the request changed keeps
 * `schemas` listing it exactly when it holds attributes. An extension the request touched without
 * changing it (removing an absent manager) leaves `schemas` as it was.
 */
const syncExtensionSchemas = (
  original: JsonObject,
  draft: JsonObject,
  extensions: ReadonlySet<SchemaDefinition>,
): void => {
  for (const extension of extensions) {
    const after = extensionObject(draft, extension);
    if (!after) deleteMember(draft, extension.id);
    if (jsonEqual(extensionObject(original, extension), after)) continue;
    const schemas = Array.isArray(draft.schemas) ? draft.schemas : [];
    const listed = schemas.some((uri) => namesSchema(uri, extension.id));
    if (after && !listed) draft.schemas = [...schemas, extension.id];
    if (!after && listed) draft.schemas = schemas.filter((uri) => !namesSchema(uri, extension.id));
  }
};
