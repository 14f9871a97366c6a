/** Resolves attribute paths against a resource's schemas, case-insensitively (RFC 7643 §2.1). */
import type { AttributePath } from '../filter/ast';
import type { AttributeDefinition, ResourceSchema, SchemaDefinition } from './types';

export interface ResolvedAttribute {
  /** The schema that defines the attribute. */
  readonly schema: SchemaDefinition;
  /** True when the attribute lives in an extension, i.e. under the extension URN key of a resource. */
  readonly isExtension: boolean;
  readonly attribute: AttributeDefinition;
  /** Present when the path names a sub-attribute that the attribute defines. */
  readonly subAttribute?: AttributeDefinition;
}

/** Attribute names and schema URNs compare case-insensitively (RFC 7643 §2.1). */
export const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export const findSchema = (resourceSchema: ResourceSchema, uri: string): SchemaDefinition | undefined =>
  [resourceSchema.core, ...resourceSchema.extensions].find((schema) => sameName(schema.id, uri));

export const findAttribute = (
  attributes: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined => attributes?.find((attribute) => sameName(attribute.name, name));

/**
 * Splits a leading URN of one of the resource's schemas off `name`:
 * `urn:...:enterprise:2.0:User:manager.value` -> { schema, rest: 'manager.value' }; the URN alone ->
 * { schema, rest: undefined }. Undefined when `name` starts with none of them.
 */
export const splitSchemaUrn = (
  resourceSchema: ResourceSchema,
  name: string,
): { readonly schema: SchemaDefinition; readonly rest: string | undefined } | undefined => {
  for (const schema of [resourceSchema.core, ...resourceSchema.extensions]) {
    if (!sameName(name.slice(0, schema.id.length), schema.id)) continue;
    if (name.length === schema.id.length) return { schema, rest: undefined };
    if (name[schema.id.length] === ':') return { schema, rest: name.slice(schema.id.length + 1) };
  }
  return undefined;
};

/**
 * `urn:...:enterprise:2.0:User:department` -> `department` for the enterprise schema: clients may qualify
 * the keys inside an extension block redundantly. Any other key is returned as it is.
 */
export const withoutSchemaPrefix = (key: string, schema: SchemaDefinition): string => {
  const prefix = `${schema.id}:`;
  return key.length > prefix.length && sameName(key.slice(0, prefix.length), prefix)
    ? key.slice(prefix.length)
    : key;
};

/**
 * Finds the definition of `path`. Without a URN the core schema is searched first, then the extensions
 * (RFC 7644 §3.10). Returns undefined for an unknown schema, attribute or sub-attribute.
 */
export const resolveAttribute = (
  resourceSchema: ResourceSchema,
  path: AttributePath,
): ResolvedAttribute | undefined => {
  const candidates: SchemaDefinition[] = [];
  if (path.uri !== undefined) {
    const schema = findSchema(resourceSchema, path.uri);
    if (schema) candidates.push(schema);
  } else {
    candidates.push(resourceSchema.core, ...resourceSchema.extensions);
  }
  for (const schema of candidates) {
    const attribute = findAttribute(schema.attributes, path.attribute);
    if (!attribute) continue;
    const isExtension = schema !== resourceSchema.core;
    if (path.subAttribute === undefined) return { schema, isExtension, attribute };
    const subAttribute = findAttribute(attribute.subAttributes, path.subAttribute);
    return subAttribute ? { schema, isExtension, attribute, subAttribute } : undefined;
  }
  return undefined;
};
