/**
 * Validates a PatchOp request (RFC 7644 §3.5.2) and compiles it into resolved operations, before anything
 * is applied: the envelope, every path (parsed and resolved against the schema), every value
 * (normalised to its attribute's type) and readOnly targets. A request with one bad operation fails whole.
 *
 * Decisions where the RFC is silent or loose:
 * - `op` is case-insensitive: Entra sends `Add`/`Replace`/`Remove`.
 * - At most MAX_OPERATIONS operations. Exceeding it answers 413 without scimType, as RFC 7644 §3.7.4 does
 *   for a bulk request over maxOperations (the RFC's only limit on a count of operations); `tooMany` is
 *   defined for filters that match too much.
 * - An empty `path` counts as no path (so `remove` with `"path": ""` is noTarget).
 * - `value` is required for add and for replace without path; `null` counts as given and means "no value":
 *   replace with null or "" clears the target, add with no value changes nothing.
 * - No-path add/replace: each key of the value object is resolved like a path (`displayName`,
 *   `name.givenName`, `urn:...:enterprise:2.0:User:employeeNumber`, even `emails[type eq "work"].value`);
 *   a key naming a schema URN holds an object of that schema's attributes, whose keys may repeat the URN
 *   (`urn:...:enterprise:2.0:User:department`, as POST accepts). A `schemas` key is accepted and
 *   ignored, at the top and inside such an object (a client serialising the extension as a model sends
 *   one): the server derives `schemas` from the extension attributes present. A readOnly attribute in
 *   that object (`id`, `meta`) may restate its current value, which changes nothing; any other value is
 *   mutability, as a readOnly path always is.
 * - A path naming a whole extension (`urn:...:enterprise:2.0:User`): add/replace take an object of its
 *   attributes, as that URN's key in a no-path value does; remove removes all its attributes.
 * - A path naming an attribute no schema defines is ignored, as POST and PUT ignore unknown attributes:
 *   otherwise a user created fine by a mapping would fail every later sync PATCH from the same mapping.
 *   That covers a path under a schema URN this resource type does not know (Entra's custom extensions,
 *   `urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCode`), a misspelt attribute
 *   of a known schema (`nickname2`) or sub-attribute (`name.givenNme`), as a path or as a key of a no-path
 *   value. Their names are reported to the caller (compilePatchRequest's `ignored`), never their values.
 *   `password` is one of them (Okta sends it when password sync is on; we never store passwords), and it
 *   is not reported: it is dropped on purpose. Such an operation changes nothing, so a request made only of
 *   it reports changed=false.
 * - A sub-attribute of a multi-valued attribute needs a value filter (`emails[type eq "work"].value`, not
 *   `emails.value`): which element is meant would be a guess.
 */
import { ScimError } from '../errors';
import type { Filter, PatchPath } from '../filter/ast';
import type { ObjectPredicate } from '../filter/evaluate';
import { compileElementFilter } from '../filter/evaluate';
import { parsePath } from '../filter/parser';
import type { JsonObject, JsonValue } from '../json';
import type { Issue } from '../issues';
import { expectedOneOf, expectedType } from '../issues';
import { isJsonObject } from '../json';
import type { IgnoredAttributes } from '../normalise';
import { normaliseValue, recordIgnored } from '../normalise';
import { findAttribute, findSchema, resolveAttribute, withoutSchemaPrefix } from '../schema/resolve';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from '../schema/types';
import { PATCH_OP_URN } from '../schema/urns';

export const MAX_OPERATIONS = 1_000;

const PATCH_OP_URN_LOWER = PATCH_OP_URN.toLowerCase();

export type PatchOpName = 'add' | 'replace' | 'remove';

/** Where an operation points, resolved against the resource's schemas. */
export interface PatchTarget {
  /** The path for error messages, with any filter elided: filter values may be personal data. */
  readonly text: string;
  readonly schema: SchemaDefinition;
  /** True when the attribute lives under its extension's URN key. */
  readonly isExtension: boolean;
  readonly attribute: AttributeDefinition;
  /** A value filter selecting elements of `attribute` (`emails[type eq "work"]`). */
  readonly filter?: Filter;
  /** `filter`, compiled once: does an element of `attribute` match it? */
  readonly matches?: ObjectPredicate;
  readonly subAttribute?: AttributeDefinition;
  /**
   * Set only for a readOnly attribute named in a no-path value (a client echoing `id` with a rename): the
   * operation may restate the current value but not change it.
   */
  readonly readOnly?: boolean;
}

/**
 * One resolved operation. `value` is normalised for what the target names: a list of elements for a
 * multi-valued attribute, one element for a value-filtered path, a sub-attribute's value for a
 * sub-attribute path. `undefined` means "no value" (null, "" or an empty list on the wire).
 */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly target: PatchTarget;
  readonly value: JsonValue | undefined;
  /** False for a remove without a value, which removes the whole target. */
  readonly hasValue: boolean;
}

const OP_NAMES: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/** One operation as the envelope gives it: `op` lower-cased, `path` and `value` only when given. */
interface RawOperation {
  op: PatchOpName;
  path?: string | undefined;
  value?: unknown;
}

/** The operation at `index`, or undefined after adding its issues. */
const readOperation = (operation: unknown, index: number, issues: Issue[]): RawOperation | undefined => {
  if (!isJsonObject(operation)) {
    issues.push({ path: ['Operations', index], message: expectedType('object', operation) });
    return undefined;
  }
  const from = issues.length;
  const given = operation.op;
  const lowerCase = typeof given === 'string' ? given.toLowerCase() : undefined;
  const op = OP_NAMES.find((name) => name === lowerCase);
  if (op === undefined) {
    const message = lowerCase === undefined ? expectedType('string', given) : expectedOneOf(OP_NAMES);
    issues.push({ path: ['Operations', index, 'op'], message });
  }
  const path = operation.path;
  if (path !== undefined && typeof path !== 'string')
    issues.push({ path: ['Operations', index, 'path'], message: expectedType('string', path) });
  if (op === undefined || issues.length > from) return undefined;
  const raw: RawOperation = { op };
  if ('path' in operation) raw.path = typeof path === 'string' ? path : undefined;
  if ('value' in operation) raw.value = operation.value;
  return raw;
};

/**
 * The operations of the envelope, or undefined after adding its issues, in document order: the body is
 * an object, `schemas` a list of strings holding the PatchOp URN (any case), `Operations` a non-empty
 * list of operations whose `op` is add, replace or remove (any case) and whose `path`, if any, is a string.
 */
const readEnvelope = (request: unknown, issues: Issue[]): RawOperation[] | undefined => {
  if (!isJsonObject(request)) {
    issues.push({ path: [], message: expectedType('object', request) });
    return undefined;
  }
  const { schemas, Operations: operations } = request;
  if (!Array.isArray(schemas)) {
    issues.push({ path: ['schemas'], message: expectedType('array', schemas) });
  } else {
    const from = issues.length;
    schemas.forEach((uri: unknown, index) => {
      if (typeof uri !== 'string')
        issues.push({ path: ['schemas', index], message: expectedType('string', uri) });
    });
    const listsPatchOp = schemas.some(
      (uri: unknown) => typeof uri === 'string' && uri.toLowerCase() === PATCH_OP_URN_LOWER,
    );
    if (issues.length === from && !listsPatchOp)
      issues.push({ path: ['schemas'], message: `must contain "${PATCH_OP_URN}"` });
  }
  if (!Array.isArray(operations)) {
    issues.push({ path: ['Operations'], message: expectedType('array', operations) });
    return undefined;
  }
  if (operations.length === 0) {
    issues.push({ path: ['Operations'], message: 'Too small: expected array to have >=1 items' });
    return undefined;
  }
  const result: RawOperation[] = [];
  operations.forEach((operation: unknown, index) => {
    const raw = readOperation(operation, index, issues);
    if (raw) result.push(raw);
  });
  return issues.length === 0 ? result : undefined;
};

/** `Operations.0.op: ...; schemas: ...`: the first three issues, `body` for the request itself. */
const describeIssues = (issues: readonly Issue[]): string =>
  issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');

/** Checks the envelope only. Throws invalidSyntax (or 413 for too many operations). */
export const parseEnvelope = (request: unknown): RawOperation[] => {
  if (isJsonObject(request) && Array.isArray(request.Operations)) {
    if (request.Operations.length > MAX_OPERATIONS) {
      throw ScimError.payloadTooLarge(
        `A PATCH request may hold at most ${MAX_OPERATIONS} operations; this one has ${request.Operations.length}.`,
      );
    }
  }
  const issues: Issue[] = [];
  const operations = readEnvelope(request, issues);
  if (operations === undefined)
    throw ScimError.invalidSyntax(`Invalid PatchOp request: ${describeIssues(issues)}.`);
  return operations;
};

/** `emails[type eq "x@y.z"].value` -> `emails[...].value`: error messages never echo filter values. */
const describePath = (path: PatchPath): string =>
  `${path.uri !== undefined ? `${path.uri}:` : ''}${path.attribute}${path.filter ? '[...]' : ''}${
    path.subAttribute !== undefined ? `.${path.subAttribute}` : ''
  }`;

/** Filters inside a PATCH path name sub-attributes of the filtered attribute; check they exist. */
const checkFilterPaths = (filter: Filter, attribute: AttributeDefinition, text: string): void => {
  switch (filter.kind) {
    case 'and':
    case 'or':
      checkFilterPaths(filter.left, attribute, text);
      checkFilterPaths(filter.right, attribute, text);
      return;
    case 'not':
      checkFilterPaths(filter.filter, attribute, text);
      return;
    case 'valuePath':
      throw ScimError.invalidFilter(`Value filters cannot be nested in the path "${text}".`);
    case 'compare':
    case 'present': {
      const known =
        attribute.subAttributes === undefined
          ? filter.path.attribute.toLowerCase() === 'value'
          : findAttribute(attribute.subAttributes, filter.path.attribute) !== undefined;
      if (!known || filter.path.subAttribute !== undefined || filter.path.uri !== undefined) {
        throw ScimError.invalidPath(
          `The filter in "${text}" names "${filter.path.attribute}", which "${attribute.name}" does not have.`,
        );
      }
    }
  }
};

/**
 * Resolves a parsed path against the schemas and rejects targets no client may write. Undefined when no
 * schema defines the attribute (ignored, see above).
 */
const resolveTarget = (
  path: PatchPath,
  schema: ResourceSchema,
  text: string,
  { allowReadOnlyEcho = false }: { readonly allowReadOnlyEcho?: boolean } = {},
): PatchTarget | undefined => {
  const resolved = resolveAttribute(schema, path);
  if (!resolved) return undefined;
  const { attribute, subAttribute } = resolved;
  if (path.filter) {
    // A single-valued complex attribute (manager) is filtered as a list of zero or one element.
    if (attribute.type !== 'complex' && !attribute.multiValued) {
      throw ScimError.invalidPath(`"${attribute.name}" is single-valued and cannot be filtered ("${text}").`);
    }
    checkFilterPaths(path.filter, attribute, text);
  } else if (subAttribute && attribute.multiValued) {
    throw ScimError.invalidPath(
      `"${text}" names a sub-attribute of the multi-valued "${attribute.name}": select elements with a filter, e.g. ${attribute.name}[type eq "work"].${subAttribute.name}.`,
    );
  }
  const readOnly = attribute.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly';
  if (readOnly && !allowReadOnlyEcho) {
    throw ScimError.mutability(`"${text}" is readOnly and cannot be modified.`);
  }
  return {
    text,
    schema: resolved.schema,
    isExtension: resolved.isExtension,
    attribute,
    ...(path.filter ? { filter: path.filter, matches: compileElementFilter(path.filter, attribute) } : {}),
    ...(subAttribute ? { subAttribute } : {}),
    ...(readOnly ? { readOnly } : {}),
  };
};

/** The attribute as one element of itself, so the normaliser checks a single element of a list. */
const elementDefinitions = new WeakMap<AttributeDefinition, AttributeDefinition>();
const elementDefinition = (attribute: AttributeDefinition): AttributeDefinition => {
  // Memoised: the normaliser caches its validators per definition object.
  let element = elementDefinitions.get(attribute);
  if (!element) {
    element = { ...attribute, multiValued: false };
    elementDefinitions.set(attribute, element);
  }
  return element;
};

const hasValueSubAttribute = (attribute: AttributeDefinition): boolean =>
  findAttribute(attribute.subAttributes, 'value') !== undefined;

/**
 * Entra sends the manager as a bare id, `{"value": id}` or `[{"value": id}]` (docs/providers.md). For a
 * single-valued complex attribute with a `value` sub-attribute, a bare primitive means `{"value": it}` and
 * a one-element list means its element.
 */
const unwrapSingleComplex = (value: unknown, attribute: AttributeDefinition): unknown => {
  let unwrapped = value;
  if (Array.isArray(unwrapped) && unwrapped.length === 1) unwrapped = unwrapped[0] as unknown;
  if (
    hasValueSubAttribute(attribute) &&
    (typeof unwrapped === 'string' || typeof unwrapped === 'number') &&
    unwrapped !== ''
  ) {
    return { value: unwrapped };
  }
  return unwrapped;
};

const isNoValue = (value: JsonValue | undefined): boolean =>
  value === undefined || (Array.isArray(value) && value.length === 0);

/** Normalises `value` to the shape the target names (see PatchOperation.value). */
const normaliseForTarget = (value: unknown, target: PatchTarget): JsonValue | undefined => {
  const { attribute, subAttribute, filter, text } = target;
  let normalised: JsonValue | undefined;
  if (subAttribute) {
    normalised = normaliseValue(value, subAttribute, text);
  } else if (filter) {
    normalised = normaliseValue(unwrapSingleComplex(value, attribute), elementDefinition(attribute), text);
  } else if (attribute.multiValued) {
    // A lone element is accepted for a list: clients send `"value": {"value": id}` for one member.
    const list = Array.isArray(value) ? value : value === null || value === '' ? [] : [value];
    normalised = normaliseValue(list, attribute, text);
  } else if (attribute.type === 'complex') {
    normalised = normaliseValue(unwrapSingleComplex(value, attribute), attribute, text);
  } else {
    normalised = normaliseValue(value, attribute, text);
  }
  return isNoValue(normalised) ? undefined : normalised;
};

/** Resolved targets by path text, per schema and echo option. Only successes are kept. */
interface TargetCache {
  readonly strict: Map<string, PatchTarget>;
  readonly echo: Map<string, PatchTarget>;
}

/**
 * Parsing and resolving a path is pure and clients send the same few paths over and over, so targets
 * are cached. Bounded, because paths come from clients (and may hold filter values): when full, the
 * oldest entry goes; long paths are not kept at all.
 */
const MAX_CACHED_TARGETS = 512;
const MAX_CACHED_PATH_LENGTH = 256;
const targetCaches = new WeakMap<ResourceSchema, TargetCache>();

/** A path no schema defines, by its described text (filter values elided): ignored, see above. */
interface IgnoredPath {
  readonly ignored: string;
}

/** The target of `path`, or the path ignored because no schema defines it. */
const targetFor = (
  path: string,
  schema: ResourceSchema,
  allowReadOnlyEcho: boolean,
): PatchTarget | IgnoredPath => {
  let caches = targetCaches.get(schema);
  if (!caches) {
    caches = { strict: new Map(), echo: new Map() };
    targetCaches.set(schema, caches);
  }
  const cache = allowReadOnlyEcho ? caches.echo : caches.strict;
  const cached = cache.get(path);
  if (cached) return cached;
  const parsed = parsePath(path);
  const text = describePath(parsed);
  const target = resolveTarget(parsed, schema, text, { allowReadOnlyEcho });
  if (!target) return { ignored: text };
  if (path.length <= MAX_CACHED_PATH_LENGTH) {
    if (cache.size >= MAX_CACHED_TARGETS) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(path, target);
  }
  return target;
};

const isEmptyComplexValue = (value: unknown, target: PatchTarget): boolean =>
  isJsonObject(value) &&
  Object.keys(value).length === 0 &&
  target.attribute.type === 'complex' &&
  !target.attribute.multiValued &&
  target.filter === undefined &&
  target.subAttribute === undefined;

/** A compiled operation, or a path that no schema defines (reported, then dropped). */
type Compiled = PatchOperation | IgnoredPath;

const compileTargeted = (
  op: PatchOpName,
  path: string,
  value: unknown,
  schema: ResourceSchema,
  options: { readonly allowReadOnlyEcho?: boolean } = {},
): Compiled[] => {
  const target = targetFor(path, schema, options.allowReadOnlyEcho === true);
  if ('ignored' in target) return [target];
  // An empty object for a complex single value names no sub-attribute to change (RFC 7644 §3.5.2.3 keeps
  // those not given): nothing to do, where a no-value null would clear it.
  if (isEmptyComplexValue(value, target)) return [];
  const hasValue = value !== undefined;
  return [{ op, target, value: hasValue ? normaliseForTarget(value, target) : undefined, hasValue }];
};

/** The schema a no-path key names when the key is a bare schema URN holding that schema's attributes. */
const schemaNamedBy = (key: string, schema: ResourceSchema): SchemaDefinition | undefined =>
  key.toLowerCase().startsWith('urn:') ? findSchema(schema, key) : undefined;

const ECHO = { allowReadOnlyEcho: true } as const;

/**
 * An operation on a whole extension block: add/replace act as a no-path value `{"urn:...": value}` does;
 * remove removes every attribute of the extension (a value, if given, is not needed to say which).
 */
const compileOnExtension = (
  op: PatchOpName,
  extension: SchemaDefinition,
  value: unknown,
  schema: ResourceSchema,
): Compiled[] => {
  if (op !== 'remove') return compileWithoutPath(op, { [extension.id]: value as JsonValue }, schema);
  return compileOnEachAttribute('remove', extension, undefined, schema);
};

/** `op` with `value` on every attribute of the schema `named`, each by its full path (`urn:...:department`). */
const compileOnEachAttribute = (
  op: PatchOpName,
  named: SchemaDefinition,
  value: unknown,
  schema: ResourceSchema,
): Compiled[] =>
  named.attributes.flatMap((attribute) =>
    compileTargeted(op, `${named.id}:${attribute.name}`, value, schema, ECHO),
  );

/** Expands a no-path add/replace into one targeted operation per attribute in its value object. */
const compileWithoutPath = (op: 'add' | 'replace', value: JsonObject, schema: ResourceSchema): Compiled[] => {
  const operations: Compiled[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || isSchemasKey(key)) continue;
    const namedSchema = schemaNamedBy(key, schema);
    if (namedSchema) {
      if (item === null) {
        // replace {"urn:...": null} clears that schema's attributes; add of no value adds nothing.
        if (op === 'replace') operations.push(...compileOnEachAttribute(op, namedSchema, null, schema));
        continue;
      }
      if (!isJsonObject(item)) {
        throw ScimError.invalidValue(`"${key}" must hold an object of that schema's attributes.`);
      }
      for (const [attributeKey, attributeValue] of Object.entries(item)) {
        if (attributeValue === undefined || isSchemasKey(attributeKey)) continue;
        const name = withoutSchemaPrefix(attributeKey, namedSchema);
        operations.push(...compileTargeted(op, `${namedSchema.id}:${name}`, attributeValue, schema, ECHO));
      }
      continue;
    }
    operations.push(...compileTargeted(op, key, item, schema, ECHO));
  }
  return operations;
};

/** `schemas`, which the server derives; a client may send it at the top or inside an extension's object. */
const isSchemasKey = (key: string): boolean => key.toLowerCase() === 'schemas';

const compileOperation = (raw: RawOperation, index: number, schema: ResourceSchema): Compiled[] => {
  const path = raw.path?.trim() === '' ? undefined : raw.path;
  if (path !== undefined) {
    if (raw.op !== 'remove' && raw.value === undefined) {
      throw ScimError.invalidSyntax(`Operations[${index}] (${raw.op} with a path) has no "value".`);
    }
    const named = schemaNamedBy(path.trim(), schema);
    if (named === schema.core) {
      throw ScimError.invalidPath(
        `Operations[${index}] names the core schema as its path: name the attribute, or give no path.`,
      );
    }
    if (named) return compileOnExtension(raw.op, named, raw.value, schema);
    return compileTargeted(raw.op, path, raw.value, schema);
  }
  if (raw.op === 'remove') {
    throw ScimError.noTarget(`Operations[${index}] is a remove without "path" (RFC 7644 §3.5.2.2).`);
  }
  if (!isJsonObject(raw.value)) {
    throw ScimError.invalidSyntax(
      `Operations[${index}] (${raw.op} without "path") needs a "value" object of attributes.`,
    );
  }
  return compileWithoutPath(raw.op, raw.value, schema);
};

/**
 * Validates the whole PatchOp request and resolves every operation against `schema`. Paths no schema
 * defines are dropped and, when `ignored` is given, their names added to it. Throws ScimError:
 * invalidSyntax (envelope), invalidPath (malformed path), invalidFilter, invalidValue (wrong type),
 * mutability (readOnly target), noTarget (remove without path), 413 (too many operations).
 */
export const compilePatchRequest = (
  request: unknown,
  schema: ResourceSchema,
  ignored?: IgnoredAttributes,
): PatchOperation[] => {
  const operations: PatchOperation[] = [];
  parseEnvelope(request).forEach((raw, index) => {
    for (const compiled of compileOperation(raw, index, schema)) {
      if ('ignored' in compiled) recordIgnored(ignored, compiled.ignored);
      else if (!isWriteOnly(compiled.target)) operations.push(compiled);
    }
  });
  return operations;
};

/** A writeOnly target, validated above and then dropped: such a value is never stored. */
const isWriteOnly = (target: PatchTarget): boolean =>
  target.attribute.mutability === 'writeOnly' || target.subAttribute?.mutability === 'writeOnly';
