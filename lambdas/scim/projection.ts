/**
 * Attribute projection for responses: the `attributes` and `excludedAttributes` parameters of RFC 7644
 * §3.4.2.5 and §3.9, applied with the "returned" characteristic of each attribute (RFC 7643 §2.2):
 * "always" is returned whatever was asked (id, schemas), "never" is never returned (password),
 * "default" unless excluded or unless `attributes` names others, "request" only when named.
 * Names are case-insensitive, may be URN-qualified (`urn:...:enterprise:2.0:User:manager`), may name a
 * sub-attribute (`name.givenName`, `emails.value`) or a whole extension by its URN. Unknown names are
 * ignored. When both parameters are given, `attributes` wins (they are alternatives in §3.4.2.5).
 */
import type { JsonObject, JsonValue } from './json';
import { isJsonObject } from './json';
import { findAttribute, resolveAttribute, sameName, splitSchemaUrn } from './schema/resolve';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './schema/types';

/** The `attributes` and `excludedAttributes` parameters of a request, as lists of names. */
export interface Projection {
  readonly attributes: readonly string[];
  readonly excludedAttributes: readonly string[];
}

/** What a list of names selects: whole schemas, whole attributes, or some sub-attributes of one. */
interface Selection {
  readonly schemas: Set<SchemaDefinition>;
  readonly attributes: Map<AttributeDefinition, 'whole' | Set<AttributeDefinition>>;
}

const select = (resourceSchema: ResourceSchema, names: readonly string[]): Selection => {
  const selection: Selection = { schemas: new Set(), attributes: new Map() };
  for (const name of names) {
    const split = splitSchemaUrn(resourceSchema, name);
    // A schema URN alone (or followed by a bare colon) names the whole schema.
    if (split && !split.rest) {
      selection.schemas.add(split.schema);
      continue;
    }
    const rest = split?.rest ?? name;
    const dot = rest.indexOf('.');
    const resolved = resolveAttribute(resourceSchema, {
      ...(split ? { uri: split.schema.id } : {}),
      attribute: dot < 0 ? rest : rest.slice(0, dot),
      ...(dot < 0 ? {} : { subAttribute: rest.slice(dot + 1) }),
    });
    if (!resolved) continue;
    const current = selection.attributes.get(resolved.attribute);
    if (!resolved.subAttribute || current === 'whole') {
      selection.attributes.set(resolved.attribute, 'whole');
    } else {
      const subs = current ?? new Set<AttributeDefinition>();
      subs.add(resolved.subAttribute);
      selection.attributes.set(resolved.attribute, subs);
    }
  }
  return selection;
};

type Mode =
  | { readonly kind: 'include'; readonly selection: Selection }
  | { readonly kind: 'exclude'; readonly selection: Selection };

/** Keeps the sub-attributes of one complex value that `keep` accepts; undefined when none is left. */
const projectComplex = (
  value: JsonValue,
  attribute: AttributeDefinition,
  keep: (sub: AttributeDefinition) => boolean,
): JsonValue | undefined => {
  if (!isJsonObject(value)) return value;
  const entries = Object.entries(value).filter(([key]) => {
    const sub = findAttribute(attribute.subAttributes, key);
    // Keys outside the schema are not addressable: they follow their parent.
    return sub === undefined || keep(sub);
  });
  return entries.length ? Object.fromEntries(entries) : undefined;
};

const projectSubAttributes = (
  value: JsonValue,
  attribute: AttributeDefinition,
  keep: (sub: AttributeDefinition) => boolean,
): JsonValue | undefined => {
  if (!attribute.subAttributes?.length) return value;
  if (!Array.isArray(value)) return projectComplex(value, attribute, keep);
  const elements = value
    .map((element) => projectComplex(element, attribute, keep))
    .filter((element): element is JsonValue => element !== undefined);
  return elements.length ? elements : undefined;
};

const projectAttribute = (
  value: JsonValue,
  attribute: AttributeDefinition,
  schema: SchemaDefinition,
  mode: Mode,
): JsonValue | undefined => {
  if (attribute.returned === 'never') return undefined;
  const chosen = mode.selection.attributes.get(attribute);
  const wholeSchema = mode.selection.schemas.has(schema);
  const named = (sub: AttributeDefinition): boolean =>
    chosen !== undefined && chosen !== 'whole' && chosen.has(sub);

  if (attribute.returned === 'always')
    return projectSubAttributes(value, attribute, (sub) => sub.returned !== 'never');

  if (mode.kind === 'include') {
    // A whole extension by URN brings its "default" attributes; "request" ones must be named.
    if (chosen === undefined && (!wholeSchema || attribute.returned === 'request')) return undefined;
    const whole = chosen === undefined || chosen === 'whole';
    return projectSubAttributes(value, attribute, (sub) => {
      if (sub.returned === 'never') return false;
      if (sub.returned === 'always' || named(sub)) return true;
      return whole && sub.returned === 'default';
    });
  }

  if (attribute.returned === 'request') return undefined;
  if (chosen === 'whole' || wholeSchema) return undefined;
  return projectSubAttributes(value, attribute, (sub) => {
    if (sub.returned === 'never' || sub.returned === 'request') return false;
    return sub.returned === 'always' || !named(sub);
  });
};

const projectAttributes = (
  values: JsonObject,
  schema: SchemaDefinition,
  mode: Mode,
  keepUnknown: boolean,
): JsonObject => {
  const output: JsonObject = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const attribute = findAttribute(schema.attributes, key);
    if (!attribute) {
      if (keepUnknown) output[key] = value;
      continue;
    }
    const projected = projectAttribute(value, attribute, schema, mode);
    if (projected !== undefined) output[key] = projected;
  }
  return output;
};

/**
 * Returns the attributes of `resource` that a response carries for the given request parameters.
 * `schemas` is always kept; an extension URN whose block is projected away is removed from it.
 */
export function projectResource(
  resource: JsonObject,
  resourceSchema: ResourceSchema,
  options: Partial<Projection>,
): JsonObject {
  const include = options.attributes ?? [];
  const mode: Mode =
    include.length > 0
      ? { kind: 'include', selection: select(resourceSchema, include) }
      : { kind: 'exclude', selection: select(resourceSchema, options.excludedAttributes ?? []) };
  const keepUnknown = mode.kind === 'exclude';

  const core: JsonObject = {};
  const extensionBlocks: JsonObject = {};
  const removedExtensions = new Set<string>();
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas' || value === undefined) continue;
    const extension = resourceSchema.extensions.find((schema) => sameName(schema.id, key));
    if (extension && isJsonObject(value)) {
      const block = projectAttributes(value, extension, mode, keepUnknown);
      if (Object.keys(block).length) extensionBlocks[key] = block;
      else removedExtensions.add(extension.id.toLowerCase());
      continue;
    }
    Object.assign(core, projectAttributes({ [key]: value }, resourceSchema.core, mode, keepUnknown));
  }

  const output: JsonObject = {};
  if (Array.isArray(resource.schemas)) {
    output.schemas = resource.schemas.filter(
      (urn) => typeof urn !== 'string' || !removedExtensions.has(urn.toLowerCase()),
    );
  }
  return { ...output, ...core, ...extensionBlocks };
}
