/**
 * RFC 7643 §3.1 common attributes. They belong to no schema, but listing them in each core schema's
 * attribute list (which §3.1 allows "for backward compatibility", and which most servers do) lets one
 * resolver serve filters such as `meta.lastModified gt "..."`, `id eq "..."` and `externalId eq "..."`,
 * and lets projection apply their "returned" characteristics. §3.1's characteristics take precedence.
 */
import { attribute, complexAttribute, stringAttribute } from './define';
import type { AttributeDefinition } from './types';

/** id: server-assigned, caseExact, readOnly, always returned, unique (RFC 7643 §3.1). */
export const ID_ATTRIBUTE: AttributeDefinition = stringAttribute('id', {
  required: true,
  caseExact: true,
  mutability: 'readOnly',
  returned: 'always',
  uniqueness: 'server',
});

/** externalId: the client's identifier (Entra maps objectId here); caseExact (RFC 7643 §3.1). */
export const EXTERNAL_ID_ATTRIBUTE: AttributeDefinition = stringAttribute('externalId', { caseExact: true });

export const META_ATTRIBUTE: AttributeDefinition = complexAttribute(
  'meta',
  [
    stringAttribute('resourceType', { caseExact: true, mutability: 'readOnly' }),
    attribute('created', 'dateTime', { mutability: 'readOnly' }),
    attribute('lastModified', 'dateTime', { mutability: 'readOnly' }),
    attribute('location', 'reference', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
    stringAttribute('version', { caseExact: true, mutability: 'readOnly' }),
  ],
  { mutability: 'readOnly' },
);

export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  ID_ATTRIBUTE,
  EXTERNAL_ID_ATTRIBUTE,
  META_ATTRIBUTE,
];
