/**
 * The descriptions live apart from the definitions (lambdas/scim/schema/descriptions.ts), so nothing but
 * this test keeps the two in step: every attribute and sub-attribute has a description, and every
 * description names an attribute that exists, spelt as the definition spells it.
 */
import { describe, expect, it } from '@jest/globals';

import { ALL_SCHEMAS, CORE_GROUP_URN, CORE_USER_URN } from '../../../../lambdas/scim/schema';
import { ATTRIBUTE_DESCRIPTIONS, attributeDescription } from '../../../../lambdas/scim/schema/descriptions';
import type { SchemaDefinition } from '../../../../lambdas/scim/schema/types';

/** "userName", "name.givenName": every attribute path of a schema, in definition order. */
const attributePaths = (schema: SchemaDefinition): string[] =>
  schema.attributes.flatMap((attribute) => [
    attribute.name,
    ...(attribute.subAttributes ?? []).map((sub) => `${attribute.name}.${sub.name}`),
  ]);

const everyPath = ALL_SCHEMAS.flatMap((schema) =>
  attributePaths(schema).map((path) => [schema.id, path] as const),
);

describe('attribute descriptions cover the schemas exactly', () => {
  it.each(everyPath)('%s %s has a description', (schemaId, path) => {
    expect(attributeDescription(schemaId, path).trim()).not.toBe('');
  });

  it('has descriptions for exactly the schemas /Schemas serves', () => {
    expect(Object.keys(ATTRIBUTE_DESCRIPTIONS).sort()).toEqual(ALL_SCHEMAS.map((schema) => schema.id).sort());
  });

  it.each(ALL_SCHEMAS.map((schema) => [schema.id, schema] as const))(
    '%s: every description names an attribute of the schema',
    (schemaId, schema) => {
      expect(Object.keys(ATTRIBUTE_DESCRIPTIONS[schemaId]).sort()).toEqual(attributePaths(schema).sort());
    },
  );

  it('tells same-named sub-attributes apart by their parent', () => {
    expect(attributeDescription(CORE_USER_URN, 'emails.type')).toBe(
      "A label indicating the attribute's function.",
    );
    expect(attributeDescription(CORE_USER_URN, 'addresses.type')).toBe(
      "A label indicating the attribute's function, e.g. 'work' or 'home'.",
    );
    expect(attributeDescription(CORE_GROUP_URN, 'members.type')).toBe(
      'A label indicating the type of resource, e.g. "User" or "Group".',
    );
  });
});

describe('attributeDescription for what no schema defines', () => {
  it.each([
    ['an unknown schema', 'urn:ietf:params:scim:schemas:core:2.0:Device', 'id'],
    ['an unknown attribute', CORE_USER_URN, 'nope'],
    ['an unknown sub-attribute', CORE_USER_URN, 'name.nope'],
    ['a path in another case than the definition', CORE_USER_URN, 'username'],
    ['an attribute of another schema', CORE_GROUP_URN, 'userName'],
    ['a property every object inherits', CORE_USER_URN, 'constructor'],
    ['a schema id every object inherits', 'toString', 'id'],
  ])('throws for %s', (_label, schemaId, path) => {
    expect(() => attributeDescription(schemaId, path)).toThrow(
      `No description for attribute ${path} of schema ${schemaId}`,
    );
  });
});
