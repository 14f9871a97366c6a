/**
 * The attribute an error is about, for the setup page's list of refused requests: "which mapping to fix".
 * Read from the error's detail, but answered only as the resource's schemas spell their attributes, so
 * whatever the client wrote into the detail (a userName, an email) can never come out of it.
 */
import { findAttribute, splitSchemaUrn } from './schema/resolve';
import type { ResourceSchema } from './schema/types';

/** `emails[type eq "work"].value`, `emails[0].value` -> the attribute path as the schema spells it. */
const resolve = (resourceSchema: ResourceSchema, candidate: string): string | undefined => {
  const text = candidate.replace(/\[[^\]]*\]?|\.\d+(?=\.|$)/g, '');
  const qualified = splitSchemaUrn(resourceSchema, text);
  const schemas = qualified ? [qualified.schema] : [resourceSchema.core, ...resourceSchema.extensions];
  const [name = '', sub] = (qualified ? (qualified.rest ?? '') : text).split('.');
  for (const schema of schemas) {
    const attribute = findAttribute(schema.attributes, name);
    if (attribute === undefined) continue;
    // Extension attributes carry their URN: the target an Entra mapping names.
    const path = `${schema === resourceSchema.core ? '' : `${schema.id}:`}${attribute.name}`;
    const subAttribute = sub === undefined ? undefined : findAttribute(attribute.subAttributes, sub);
    return subAttribute ? `${path}.${subAttribute.name}` : path;
  }
  return undefined;
};

/**
 * The first attribute of `resourceSchema` named in quotes in `detail`, else the first one standing as a
 * camelCase or URN word (`Another User already has this userName.`: plain words such as "value" or "type"
 * are English there), else undefined.
 */
export function attributeAtFault(detail: string, resourceSchema: ResourceSchema): string | undefined {
  const quoted = [...detail.matchAll(/"([^"]+)"/g)].map((match) => match[1] ?? '');
  const words = detail.match(/\b[a-z][\w:.]*[A-Z:][\w:.]*\w/g) ?? [];
  for (const candidate of [...quoted, ...words]) {
    const found = resolve(resourceSchema, candidate.trim());
    if (found !== undefined) return found;
  }
  return undefined;
}
