/**
 * Input normalisation: turns what clients send into the canonical internal representation
 * (lambdas/scim/resource.ts). Type checking and value coercion come from the normalisers that
 * validate.ts derives from the schema data; this module adds the resource-level rules of RFC 7644 §3.3
 * and the provider quirks of docs/providers.md.
 */
import { ScimError } from './errors';
import type { JsonObject, JsonValue } from './json';
import { isJsonObject } from './json';
import { GROUP_CORE_SCHEMA } from './schema/group';
import { findAttribute, sameName, splitSchemaUrn, withoutSchemaPrefix } from './schema/resolve';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schema/types';
import type { Issue } from './issues';
import { attributeNormaliser, formatIssuePath, INVALID, isEmptyValue } from './validate';

/**
 * Names of attributes a request gave that no schema defines, collected for the tenant's report (which
 * mappings go nowhere). Names only, never values.
 */
export type IgnoredAttributes = Set<string>;

/**
 * Keys that are dropped on purpose and so are no lost mapping: `schemas` (rebuilt by the server) and
 * `password` (Okta sends one when password sync is on; we never store passwords, and /Schemas does not
 * list it).
 */
const DROPPED_ON_PURPOSE = new Set(['schemas', 'password']);

/**
 * What the report keeps of an ignored name. Names come from clients' keys and paths, not values, but a
 * client could put data in a key: only names shaped like attribute names are kept (RFC 7643 §2.1 ATTRNAME,
 * optionally behind a schema URN, with a sub-attribute and an elided filter `[...]`), at most
 * MAX_IGNORED_NAME_LENGTH characters. Any other key (an email address, text with spaces, a long string) is
 * reported as NOT_AN_ATTRIBUTE_NAME: the admin learns a mapping sends such a key, not what it holds.
 */
export const MAX_IGNORED_NAME_LENGTH = 128;
export const NOT_AN_ATTRIBUTE_NAME = '(a key that is not an attribute name)';
const ATTRIBUTE_NAME = /^(?:urn:[A-Za-z0-9._:-]+:)?[A-Za-z][\w-]*(?:\[\.\.\.\])?(?:\.[A-Za-z$][\w-]*)?$/i;

/** The name as the report may keep it (see NOT_AN_ATTRIBUTE_NAME). */
export const reportableName = (name: string): string =>
  name.length <= MAX_IGNORED_NAME_LENGTH && ATTRIBUTE_NAME.test(name) ? name : NOT_AN_ATTRIBUTE_NAME;

/** Records `name` as ignored, unless it is dropped on purpose. */
export const recordIgnored = (ignored: IgnoredAttributes | undefined, name: string): void => {
  if (!ignored) return;
  const bare = name.slice(name.lastIndexOf(':') + 1);
  if (DROPPED_ON_PURPOSE.has(bare.toLowerCase())) return;
  ignored.add(reportableName(name));
};

/** At most this many problems are named in one error detail. */
const MAX_REPORTED_ISSUES = 3;

// ---------------------------------------------------------------------------------------------------
// Sub-attribute aliases

/**
 * Names some clients send in place of a sub-attribute's own name, by sub-attribute definition. A
 * tolerance, not part of the schema (/Schemas does not list it), and kept as narrow as possible: only
 * Group members' `display`, which Microsoft's reference SCIM test collection sends as `displayName`
 * (`{"op":"add","path":"members","value":[{"displayName":"new User","value":"<id>"}]}`) and expects to read
 * back. The schema's own name wins when both hold a value.
 */
const GROUP_MEMBER_DISPLAY = findAttribute(
  findAttribute(GROUP_CORE_SCHEMA.attributes, 'members')?.subAttributes,
  'display',
);
const SUB_ATTRIBUTE_ALIASES: ReadonlyMap<AttributeDefinition, readonly string[]> = new Map(
  GROUP_MEMBER_DISPLAY ? [[GROUP_MEMBER_DISPLAY, ['displayName']]] : [],
);

/** Lower-cased alias -> sub-attribute name, per list of sub-attributes (a PATCH element definition shares it). */
type AliasTable = ReadonlyMap<string, string>;
const aliasTables = new WeakMap<readonly AttributeDefinition[], AliasTable | null>();

const aliasTableOf = (attribute: AttributeDefinition): AliasTable | undefined => {
  const subAttributes = attribute.subAttributes;
  if (!subAttributes) return undefined;
  let table = aliasTables.get(subAttributes);
  if (table === undefined) {
    const entries = subAttributes.flatMap((sub) =>
      (SUB_ATTRIBUTE_ALIASES.get(sub) ?? []).map((alias): [string, string] => [
        alias.toLowerCase(),
        sub.name,
      ]),
    );
    table = entries.length ? new Map(entries) : null;
    aliasTables.set(subAttributes, table);
  }
  return table ?? undefined;
};

/**
 * One element with its alias keys renamed; the same object when it has none. An empty alias (null, "") is
 * no value, like an empty sub-attribute.
 */
const renameAliasesInElement = (element: unknown, table: AliasTable, path: string): unknown => {
  if (!isJsonObject(element)) return element;
  const keys = Object.keys(element);
  const aliasKeys = keys.filter((key) => table.has(key.toLowerCase()));
  if (aliasKeys.length === 0) return element;
  const output: JsonObject = {};
  for (const key of keys) if (!table.has(key.toLowerCase())) output[key] = element[key];
  const given = new Map<string, JsonValue>();
  for (const key of aliasKeys) {
    const value = element[key];
    const name = table.get(key.toLowerCase());
    if (name === undefined || value === undefined || isEmptyValue(value)) continue;
    if (given.has(name)) throw ScimError.invalidValue(`Attribute "${path}.${key}" is given more than once.`);
    given.set(name, value);
  }
  for (const [name, value] of given) {
    // The schema's own name wins; an empty one is no value, and one spelt exactly `name` is overwritten.
    if (keys.some((key) => sameName(key, name) && !isEmptyValue(element[key]))) continue;
    output[name] = value;
  }
  return output;
};

/** `value` (one element or a list of them) with the aliases of `attribute`'s sub-attributes renamed. */
const renameAliases = (value: unknown, attribute: AttributeDefinition, path: string): unknown => {
  const table = aliasTableOf(attribute);
  if (!table) return value;
  if (!Array.isArray(value)) return renameAliasesInElement(value, table, path);
  const list = value as readonly unknown[];
  const renamed = list.map((element, index) => renameAliasesInElement(element, table, `${path}[${index}]`));
  return renamed.some((element, index) => element !== list[index]) ? renamed : value;
};

// ---------------------------------------------------------------------------------------------------
// Values

/**
 * Canonicalises one value of `attribute` (see validate.ts for the accepted forms, and
 * SUB_ATTRIBUTE_ALIASES above). Returns undefined for "no value" (null, "", [], an object without
 * values). `path` names the attribute in error details, e.g. `emails` or
 * `urn:ietf:params:scim:schemas:extension:profile:2.0:User:peopleManager`.
 * @throws ScimError 400 invalidValue naming the offending path when the value has the wrong type.
 */
export function normaliseValue(
  raw: unknown,
  attribute: AttributeDefinition,
  path: string,
): JsonValue | undefined {
  const value = renameAliases(raw, attribute, path);
  const issues: Issue[] = [];
  const normalised = attributeNormaliser(attribute)(value, issues);
  if (normalised !== INVALID) return normalised;
  const problems = issues
    .slice(0, MAX_REPORTED_ISSUES)
    .map((issue) => `"${formatIssuePath(path, issue.path)}": ${issue.message}`);
  throw ScimError.invalidValue(`Invalid value for attribute ${problems.join('; ')}.`);
}

/** Where one top-level body key (or one key of an extension block) lands. */
type KeyTarget =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'extensionBlock'; readonly schema: SchemaDefinition }
  | {
      readonly kind: 'attribute';
      readonly schema: SchemaDefinition;
      readonly attribute: AttributeDefinition;
      readonly subAttribute?: AttributeDefinition;
    };

const IGNORED: KeyTarget = { kind: 'ignored' };

/** `name` or `name.givenName`, within one schema. */
const targetInSchema = (schema: SchemaDefinition, name: string): KeyTarget => {
  const dot = name.indexOf('.');
  const attribute = findAttribute(schema.attributes, dot < 0 ? name : name.slice(0, dot));
  if (!attribute) return IGNORED;
  if (dot < 0) return { kind: 'attribute', schema, attribute };
  const subAttribute = findAttribute(attribute.subAttributes, name.slice(dot + 1));
  return subAttribute ? { kind: 'attribute', schema, attribute, subAttribute } : IGNORED;
};

/**
 * Resolves a top-level key: an extension URN (the block), a URN-qualified attribute (Entra's flat
 * `urn:...:profile:2.0:User:managementLevel`, or a qualified core attribute), or a bare core attribute.
 * Bare names are looked up in the core schema only: a representation puts extension attributes under
 * their URN (RFC 7643 §3.3).
 */
const targetOfKey = (resourceSchema: ResourceSchema, key: string): KeyTarget => {
  const split = splitSchemaUrn(resourceSchema, key);
  if (!split) return targetInSchema(resourceSchema.core, key);
  const { schema, rest } = split;
  if (rest !== undefined) return targetInSchema(schema, rest);
  return schema === resourceSchema.core ? IGNORED : { kind: 'extensionBlock', schema };
};

const pathOf = (resourceSchema: ResourceSchema, schema: SchemaDefinition, name: string): string =>
  schema === resourceSchema.core ? name : `${schema.id}:${name}`;

/** Removes readOnly sub-attributes (e.g. the manager's displayName): clients cannot set them. */
const withoutReadOnlySubAttributes = (
  value: JsonValue,
  attribute: AttributeDefinition,
): JsonValue | undefined => {
  const readOnly = (attribute.subAttributes ?? []).filter((sub) => sub.mutability === 'readOnly');
  if (!readOnly.length) return value;
  const strip = (element: JsonValue): JsonValue | undefined => {
    if (!isJsonObject(element)) return element;
    const kept = Object.entries(element).filter(([key]) => !readOnly.some((sub) => sub.name === key));
    return kept.length ? Object.fromEntries(kept) : undefined;
  };
  if (!Array.isArray(value)) return strip(value);
  const elements = value.map(strip).filter((element): element is JsonValue => element !== undefined);
  return elements.length ? elements : undefined;
};

/** Collects the values given for each attribute, from however many keys they arrived under. */
class Collector {
  private readonly values = new Map<AttributeDefinition, JsonValue>();

  constructor(private readonly resourceSchema: ResourceSchema) {}

  add(target: Extract<KeyTarget, { kind: 'attribute' }>, raw: unknown): void {
    const { schema, attribute, subAttribute } = target;
    // RFC 7644 §3.3: readOnly values sent by a client are ignored.
    if (attribute.mutability === 'readOnly' || subAttribute?.mutability === 'readOnly') return;
    const path = pathOf(this.resourceSchema, schema, attribute.name);
    let value: JsonValue | undefined;
    if (subAttribute) {
      if (attribute.multiValued)
        throw ScimError.invalidValue(
          `Attribute "${path}.${subAttribute.name}" cannot be set by itself: "${path}" is multi-valued; send a list of objects.`,
        );
      const subValue = normaliseValue(raw, subAttribute, `${path}.${subAttribute.name}`);
      value = subValue === undefined ? undefined : { [subAttribute.name]: subValue };
    } else {
      value = normaliseValue(raw, attribute, path);
    }
    if (value === undefined) return;
    this.merge(attribute, value, path);
  }

  private merge(attribute: AttributeDefinition, value: JsonValue, path: string): void {
    const existing = this.values.get(attribute);
    if (existing === undefined) {
      this.values.set(attribute, value);
      return;
    }
    if (JSON.stringify(existing) === JSON.stringify(value)) return;
    if (!attribute.multiValued && isJsonObject(existing) && isJsonObject(value)) {
      for (const [key, subValue] of Object.entries(value)) {
        if (existing[key] !== undefined && JSON.stringify(existing[key]) !== JSON.stringify(subValue))
          throw ScimError.invalidValue(
            `Attribute "${path}.${key}" is given more than once with different values.`,
          );
      }
      // Re-normalised so the merged sub-attributes come out in schema order.
      this.values.set(attribute, normaliseValue({ ...existing, ...value }, attribute, path) ?? existing);
      return;
    }
    throw ScimError.invalidValue(`Attribute "${path}" is given more than once with different values.`);
  }

  /** The values of `schema`'s attributes, in schema order, without the writeOnly ones. */
  valuesOf(schema: SchemaDefinition): JsonObject {
    const output: JsonObject = {};
    for (const attribute of schema.attributes) {
      const value = this.values.get(attribute);
      // writeOnly (password): accepted and type-checked, but never stored, so never returned either.
      if (value === undefined || attribute.mutability === 'writeOnly') continue;
      const kept = withoutReadOnlySubAttributes(value, attribute);
      if (kept !== undefined) output[attribute.name] = kept;
    }
    return output;
  }
}

const collectExtensionBlock = (
  collector: Collector,
  schema: SchemaDefinition,
  block: unknown,
  ignored: IgnoredAttributes | undefined,
): void => {
  if (block === null || block === undefined) return;
  if (!isJsonObject(block)) throw ScimError.invalidValue(`Extension "${schema.id}" must be a JSON object.`);
  for (const [key, value] of Object.entries(block)) {
    const name = withoutSchemaPrefix(key, schema);
    const target = targetInSchema(schema, name);
    if (target.kind === 'attribute') collector.add(target, value);
    else recordIgnored(ignored, `${schema.id}:${name}`);
  }
};

const checkRequired = (schema: SchemaDefinition, values: JsonObject): void => {
  for (const attribute of schema.attributes) {
    if (!attribute.required || attribute.mutability === 'readOnly') continue;
    if (values[attribute.name] === undefined)
      throw ScimError.invalidValue(`Attribute "${attribute.name}" is required.`);
  }
};

/**
 * Canonicalises a POST or PUT body (RFC 7644 §3.3, §3.5.1) against `resourceSchema`:
 * top-level names are case-insensitive; unknown attributes and unknown schema URNs are ignored (and
 * their names added to `ignored`, when given);
 * extension blocks are accepted by URN (any case) whether or not `schemas` lists them, and so are
 * Entra's flat `urn:...:attribute` keys; readOnly attributes (id, meta, groups) are ignored; the
 * password is dropped (we do not store passwords, nor define it); `schemas` is rebuilt from the
 * core URN and the extensions actually present. Returns the resource without id and meta.
 * @throws ScimError 400 invalidSyntax when the body is not an object; 400 invalidValue for a wrong
 *   type, a conflicting duplicate, or a missing required attribute (userName, Group displayName).
 */
export function normaliseResource(
  body: unknown,
  resourceSchema: ResourceSchema,
  ignored?: IgnoredAttributes,
): JsonObject {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('The request body must be a JSON object.');
  const collector = new Collector(resourceSchema);
  for (const [key, value] of Object.entries(body)) {
    const target = targetOfKey(resourceSchema, key);
    if (target.kind === 'extensionBlock') collectExtensionBlock(collector, target.schema, value, ignored);
    else if (target.kind === 'attribute') collector.add(target, value);
    else recordIgnored(ignored, key);
  }

  const core = collector.valuesOf(resourceSchema.core);
  checkRequired(resourceSchema.core, core);
  const resource: JsonObject = { schemas: [resourceSchema.core.id], ...core };
  const schemas = [resourceSchema.core.id];
  for (const extension of resourceSchema.extensions) {
    const values = collector.valuesOf(extension);
    if (!Object.keys(values).length) continue;
    checkRequired(extension, values);
    schemas.push(extension.id);
    resource[extension.id] = values;
  }
  resource.schemas = schemas;
  return resource;
}
