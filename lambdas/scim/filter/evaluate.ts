/**
 * Evaluates a parsed filter against canonical resources (RFC 7644 §3.4.2.2).
 *
 * `compileFilter` resolves every attribute path against the schema once, checks the filter against the
 * schema (throwing ScimError invalidFilter, whether or not any resource is ever tested), and returns a
 * predicate; `evaluateFilter` is the one-shot form. Semantics:
 * - Attribute names are matched case-insensitively, in the schema and in the resource. A path with the core
 *   schema URN reads the top level; an extension attribute (with or without its URN) reads under the
 *   extension's URN key.
 * - Strings compare by their match keys (../match-key.ts), the keys uniqueness is enforced on, per the
 *   attribute's caseExact: `userName eq "ａｄａ "` finds "ada". Substring operators compare keys too, so
 *   the operand's surrounding spaces do not count (`co " smith"` is `co "smith"`).
 * - An attribute or sub-attribute no schema defines is invalidFilter naming it: stored resources hold only
 *   defined attributes, so it could match nothing, and a matching attribute an admin mistyped would make
 *   Entra find no user and create a duplicate. `schemas` is the one undefined name that every resource
 *   has, and is read as it is.
 * - A multi-valued attribute matches when ANY value matches. `ne` is the negation of `eq` (true when NO
 *   value equals; true when absent), so `members ne "id"` means "id is not a member".
 * - Comparing a complex attribute without a sub-attribute compares its `value` sub-attribute
 *   (`emails co "@x"`, `members eq "id"`, `manager eq "id"`).
 * - `pr`: present and not null, "", [] or an object with nothing present. `eq null` = not present,
 *   `ne null` = present.
 * - dateTime attributes compare as instants (any offset, sub-millisecond digits kept); a filter value that
 *   is not a dateTime is invalidFilter. Numbers compare numerically; strings lexicographically by UTF-16
 *   code unit of their keys. gt/ge/lt/le on boolean or binary attributes is
 *   invalidFilter (RFC 7644 §3.4.2.2).
 * - A number compared with a string-typed attribute (string, dateTime, reference, binary) is invalidFilter
 *   for every operator, `eq` included (`title gt 5`, `meta.created gt 2011`, `externalId eq 123`): it could
 *   never match, and silently matching nothing would hide the client's missing quotes. Other wrong JSON
 *   types (`active eq "true"`) still match nothing, as before.
 * - An attribute that is never returned or is writeOnly cannot be filtered on: invalidFilter. Matching it
 *   would reveal its value one prefix at a time (`secret sw "a"`).
 * - `attr[filter]` tests each element of attr separately: all of the inner filter must hold for one element.
 */
import { ScimError } from '../errors';
import { isJsonObject } from '../json';
import { matchKey } from '../match-key';
import type { JsonObject, JsonPrimitive, JsonValue } from '../json';
import { findAttribute, resolveAttribute, sameName } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema } from '../schema/types';
import type { AttributePath, CompareOperator, Filter } from './ast';
import { compareInstants, parseInstant } from './date-time';
import type { Instant } from './date-time';
import { formatAttributePath } from './format';

/** Tests one object: a resource, or one element of a multi-valued complex attribute. */
export type ObjectPredicate = (object: JsonObject) => boolean;

/** A path resolved once: how to read its values out of an object, and its definition when known. */
interface CompiledPath {
  readonly read: (object: JsonObject) => JsonValue[];
  readonly definition: AttributeDefinition | undefined;
  readonly text: string;
}

/** Resolves filter paths in one scope: the resource's top level, or the inside of a value path's brackets. */
interface Scope {
  readonly path: (path: AttributePath) => CompiledPath;
  /** Top level only: resolves `attr` of `attr[...]`, and the scope of its elements. */
  readonly valuePath?: (path: AttributePath) => { readonly compiled: CompiledPath; readonly elements: Scope };
}

const ORDERING: ReadonlySet<CompareOperator> = new Set(['gt', 'ge', 'lt', 'le']);

/** Attribute types whose values are JSON strings: a number can never equal or order against them. */
const TEXT_TYPES: ReadonlySet<string> = new Set(['string', 'dateTime', 'reference', 'binary']);

/** Own properties only: a filter on `constructor` or `__proto__` must not reach Object.prototype. */
const getMember = (object: JsonObject, name: string): JsonValue | undefined => {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return object[key];
  }
  return undefined;
};

const flatten = (value: JsonValue | undefined, into: JsonValue[]): JsonValue[] => {
  if (value === undefined) return into;
  if (Array.isArray(value)) {
    for (const item of value) flatten(item, into);
  } else {
    into.push(value);
  }
  return into;
};

/** Reads `attribute` or `attribute.subAttribute` from `container`, flattening multi-valued attributes. */
const readAttribute = (
  container: JsonObject,
  attribute: string,
  subAttribute: string | undefined,
): JsonValue[] => {
  const values = flatten(getMember(container, attribute), []);
  if (subAttribute === undefined) return values;
  const subValues: JsonValue[] = [];
  for (const value of values) {
    if (isJsonObject(value)) flatten(getMember(value, subAttribute), subValues);
  }
  return subValues;
};

const isPresent = (value: JsonValue): boolean => {
  if (value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(isPresent);
  if (isJsonObject(value))
    return Object.values(value).some((member) => member !== undefined && isPresent(member));
  return true;
};

const undefinedAttribute = (pathText: string): ScimError =>
  ScimError.invalidFilter(`Invalid filter: no schema of this resource type defines '${pathText}'.`);

/** Rejects a path to an attribute whose value must never leak through a filter (a writeOnly one). */
const assertFilterable = (definition: AttributeDefinition | undefined, pathText: string): void => {
  if (definition && (definition.returned === 'never' || definition.mutability === 'writeOnly')) {
    throw ScimError.invalidFilter(
      `Invalid filter: '${pathText}' is never returned and cannot be used in a filter.`,
    );
  }
};

/** `schemas`: defined by no schema, yet every resource has it (RFC 7643 §3). */
const isSchemasPath = (schema: ResourceSchema, { uri, attribute, subAttribute }: AttributePath): boolean =>
  sameName(attribute, 'schemas') &&
  subAttribute === undefined &&
  (uri === undefined || sameName(uri, schema.core.id));

const compileTopLevelPath = (schema: ResourceSchema, attributePath: AttributePath): CompiledPath => {
  const resolved = resolveAttribute(schema, attributePath);
  const { attribute, subAttribute } = attributePath;
  const text = formatAttributePath(attributePath);
  if (!resolved && !isSchemasPath(schema, attributePath)) throw undefinedAttribute(text);
  const containerKey = resolved?.isExtension ? resolved.schema.id : undefined;
  assertFilterable(resolved?.attribute, text);
  assertFilterable(resolved?.subAttribute, text);
  return {
    read: (resource) => {
      const container = containerKey === undefined ? resource : getMember(resource, containerKey);
      return isJsonObject(container) ? readAttribute(container, attribute, subAttribute) : [];
    },
    definition: resolved ? (resolved.subAttribute ?? resolved.attribute) : undefined,
    text,
  };
};

/** Inside `attr[...]`: paths are sub-attribute names of the element. */
const compileElementPath = (
  subAttributes: readonly AttributeDefinition[] | undefined,
  attributePath: AttributePath,
): CompiledPath => {
  if (attributePath.uri !== undefined) {
    throw ScimError.invalidFilter(
      `Invalid filter: '${formatAttributePath(attributePath)}' inside [...] must be a sub-attribute name.`,
    );
  }
  const { attribute, subAttribute } = attributePath;
  const definition = findAttribute(subAttributes, attribute);
  const text = formatAttributePath(attributePath);
  // Elements of a multi-valued simple attribute have one implicit sub-attribute, `value`.
  const known =
    subAttributes === undefined
      ? sameName(attribute, 'value') && subAttribute === undefined
      : definition !== undefined &&
        (subAttribute === undefined || findAttribute(definition.subAttributes, subAttribute) !== undefined);
  if (!known) throw undefinedAttribute(text);
  assertFilterable(definition, text);
  assertFilterable(findAttribute(definition?.subAttributes, subAttribute ?? ''), text);
  return {
    read: (element) => readAttribute(element, attribute, subAttribute),
    definition:
      subAttribute === undefined ? definition : findAttribute(definition?.subAttributes, subAttribute),
    text,
  };
};

/**
 * Path resolution scans schemas case-insensitively and was most of the cost of a one-shot evaluation;
 * its result depends only on the scope and the path, so scopes are built once and remember their paths.
 * Bounded, because paths come from clients: ever new attribute names only empty the cache.
 */
const PATH_CACHE_LIMIT = 500;

const memoisePaths = (
  compile: (path: AttributePath) => CompiledPath,
): ((path: AttributePath) => CompiledPath) => {
  const cache = new Map<string, CompiledPath>();
  return (attributePath) => {
    const key = `${attributePath.uri ?? ''}\u0000${attributePath.attribute}\u0000${attributePath.subAttribute ?? ''}`;
    const cached = cache.get(key);
    if (cached) return cached;
    const compiled = compile(attributePath);
    if (cache.size >= PATH_CACHE_LIMIT) cache.clear();
    cache.set(key, compiled);
    return compiled;
  };
};

const topLevelScopes = new WeakMap<ResourceSchema, Scope>();
const elementScopes = new WeakMap<readonly AttributeDefinition[], Scope>();

const elementScope = (subAttributes: readonly AttributeDefinition[] | undefined): Scope => {
  const cached = subAttributes === undefined ? undefined : elementScopes.get(subAttributes);
  if (cached) return cached;
  const scope: Scope = { path: memoisePaths((path) => compileElementPath(subAttributes, path)) };
  if (subAttributes !== undefined) elementScopes.set(subAttributes, scope);
  return scope;
};

const topLevelScope = (schema: ResourceSchema): Scope => {
  const cached = topLevelScopes.get(schema);
  if (cached) return cached;
  const path = memoisePaths((attributePath) => compileTopLevelPath(schema, attributePath));
  const scope: Scope = {
    path,
    valuePath: (attributePath) => {
      const compiled = path(attributePath);
      const definition = compiled.definition;
      if (definition !== undefined && definition.type !== 'complex') {
        throw ScimError.invalidFilter(
          `Invalid filter: '${compiled.text}' is not a complex attribute, so it cannot take a [filter].`,
        );
      }
      return { compiled, elements: elementScope(definition?.subAttributes) };
    },
  };
  topLevelScopes.set(schema, scope);
  return scope;
};

const order = (op: CompareOperator, comparison: number): boolean => {
  switch (op) {
    case 'gt':
      return comparison > 0;
    case 'ge':
      return comparison >= 0;
    case 'lt':
      return comparison < 0;
    case 'le':
      return comparison <= 0;
    default:
      return comparison === 0;
  }
};

const compareStrings = (op: CompareOperator, actual: string, expected: string): boolean => {
  switch (op) {
    case 'co':
      return actual.includes(expected);
    case 'sw':
      return actual.startsWith(expected);
    case 'ew':
      return actual.endsWith(expected);
    default:
      return order(op, actual < expected ? -1 : actual > expected ? 1 : 0);
  }
};

/** Builds the test for one value of the attribute; `op` is never 'ne' here (ne = not eq). */
const valueTest = (
  op: CompareOperator,
  expected: string | number | boolean,
  definition: AttributeDefinition | undefined,
  pathText: string,
): ((actual: JsonValue) => boolean) => {
  const type = definition?.type;
  if (typeof expected === 'number' && type !== undefined && TEXT_TYPES.has(type)) {
    throw ScimError.invalidFilter(
      `Invalid filter: '${pathText}' is a ${type} attribute and cannot be compared with the number ${String(expected)}; quote the value.`,
    );
  }
  if ((type === 'boolean' || type === 'binary') && ORDERING.has(op)) {
    throw ScimError.invalidFilter(
      `Invalid filter: '${op}' cannot compare the ${type} attribute '${pathText}'.`,
    );
  }
  if (type === 'dateTime' && typeof expected === 'string' && (op === 'eq' || ORDERING.has(op))) {
    const expectedInstant = parseInstant(expected);
    if (expectedInstant === undefined) {
      throw ScimError.invalidFilter(
        `Invalid filter: '${pathText}' is a dateTime; expected a value such as "2011-05-13T04:42:34Z".`,
      );
    }
    const instantOf = (actual: JsonValue): Instant | undefined =>
      typeof actual === 'string' ? parseInstant(actual) : undefined;
    return (actual) => {
      const actualInstant = instantOf(actual);
      return actualInstant !== undefined && order(op, compareInstants(actualInstant, expectedInstant));
    };
  }
  if (typeof expected === 'string') {
    const caseExact = definition?.caseExact ?? false;
    const wanted = matchKey(expected, caseExact);
    return (actual) => typeof actual === 'string' && compareStrings(op, matchKey(actual, caseExact), wanted);
  }
  if (typeof expected === 'number') {
    return (actual) => typeof actual === 'number' && order(op, actual - expected);
  }
  // A boolean: the parser only lets eq and ne through.
  return (actual) => actual === expected;
};

/** `emails co "x"` on a complex attribute compares each element's `value`. */
const comparable = (
  compiled: CompiledPath,
): { read: (object: JsonObject) => JsonValue[]; definition: AttributeDefinition | undefined } => {
  const definition = compiled.definition;
  if (definition?.type !== 'complex' && definition !== undefined) return compiled;
  const valueDefinition =
    definition === undefined ? undefined : findAttribute(definition.subAttributes, 'value');
  return {
    definition: valueDefinition,
    read: (object) =>
      compiled.read(object).flatMap((value) => {
        if (!isJsonObject(value)) return definition === undefined ? [value] : [];
        return flatten(getMember(value, 'value'), []);
      }),
  };
};

const compileCompare = (
  compiled: CompiledPath,
  op: CompareOperator,
  expected: JsonPrimitive,
): ObjectPredicate => {
  if (expected === null) {
    // The parser only allows eq and ne with null.
    const present = (object: JsonObject): boolean => compiled.read(object).some(isPresent);
    return op === 'ne' ? present : (object) => !present(object);
  }
  const target = comparable(compiled);
  const test = valueTest(op === 'ne' ? 'eq' : op, expected, target.definition, compiled.text);
  if (op === 'ne') return (object) => !target.read(object).some(test);
  return (object) => target.read(object).some(test);
};

const compileIn = (filter: Filter, scope: Scope): ObjectPredicate => {
  switch (filter.kind) {
    case 'compare':
      return compileCompare(scope.path(filter.path), filter.op, filter.value);
    case 'present': {
      const compiled = scope.path(filter.path);
      return (object) => compiled.read(object).some(isPresent);
    }
    case 'and': {
      const left = compileIn(filter.left, scope);
      const right = compileIn(filter.right, scope);
      return (object) => left(object) && right(object);
    }
    case 'or': {
      const left = compileIn(filter.left, scope);
      const right = compileIn(filter.right, scope);
      return (object) => left(object) || right(object);
    }
    case 'not': {
      const inner = compileIn(filter.filter, scope);
      return (object) => !inner(object);
    }
    case 'valuePath': {
      if (!scope.valuePath) {
        throw ScimError.invalidFilter(
          'Invalid filter: value paths cannot be nested inside another value path.',
        );
      }
      const { compiled, elements } = scope.valuePath(filter.path);
      const elementMatches = compileIn(filter.filter, elements);
      return (object) =>
        compiled.read(object).some((element) => isJsonObject(element) && elementMatches(element));
    }
  }
};

/** Checks `filter` against `schema` and returns a fast predicate over resources. Throws invalidFilter. */
export const compileFilter = (filter: Filter, schema: ResourceSchema): ObjectPredicate =>
  compileIn(filter, topLevelScope(schema));

/** Throws ScimError invalidFilter when `filter` cannot apply to `schema` (e.g. `active gt true`). */
export const validateFilter = (filter: Filter, schema: ResourceSchema): void => {
  compileFilter(filter, schema);
};

export const evaluateFilter = (filter: Filter, resource: JsonObject, schema: ResourceSchema): boolean =>
  compileFilter(filter, schema)(resource);

/** Predicate over elements of the multi-valued complex `attribute`, for PATCH paths like `emails[type eq "work"]`. */
export const compileElementFilter = (filter: Filter, attribute: AttributeDefinition): ObjectPredicate =>
  compileIn(filter, elementScope(attribute.subAttributes));

export const matchesElement = (
  filter: Filter,
  element: JsonObject,
  attribute: AttributeDefinition,
): boolean => compileElementFilter(filter, attribute)(element);
