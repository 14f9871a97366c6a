import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { RESOURCE_SCHEMAS } from '../../../../lambdas/scim/schema';
import {
  RESOURCE_TYPES,
  resourceTypeAtEndpoint,
  resourceTypeNamed,
} from '../../../../lambdas/scim/schema/resource-types';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

const schemaOf = (name: string) => {
  const schema = RESOURCE_SCHEMAS.find((candidate) => candidate.resourceType.name === name);
  if (schema === undefined) throw new Error(`no schema for ${name}`);
  return schema;
};

describe.each(RESOURCE_TYPES.map((type) => [type.name, type] as const))('the %s descriptor', (name, type) => {
  const schema = schemaOf(name);
  const attribute = (attributeName: string) =>
    schema.core.attributes.find((candidate) => candidate.name === attributeName);

  it('is the resource type of its schema, naming the same core schema and extensions', () => {
    expect(schema.resourceType).toBe(type);
    expect(type.schema).toBe(schema.core.id);
    expect(type.schemaExtensions.map((extension) => extension.schema)).toEqual(
      schema.extensions.map((extension) => extension.id),
    );
  });

  it('names as unique attribute the one client-written core attribute with uniqueness "server"', () => {
    // `id` is unique too, but the server assigns it.
    const unique = schema.core.attributes.filter(
      (candidate) => candidate.uniqueness === 'server' && candidate.mutability !== 'readOnly',
    );
    expect(unique.map((candidate) => candidate.name)).toEqual([type.uniqueAttribute]);
  });

  it('names a computed, read-only, multi-valued membership attribute of its core schema', () => {
    expect(attribute(type.membershipAttribute)).toMatchObject({ multiValued: true });
    // Group.members is written by clients (readWrite) but stored as member items; User.groups is readOnly.
    expect(['readOnly', 'readWrite']).toContain(attribute(type.membershipAttribute)?.mutability);
  });

  it('has lookups only on multi-valued core attributes with a value sub-attribute', () => {
    for (const lookup of type.lookups) {
      const target = attribute(lookup.attribute);
      expect(target?.multiValued).toBe(true);
      expect(target?.subAttributes?.some((sub) => sub.name === 'value')).toBe(true);
    }
  });

  it('is served by a Lambda entry named after its function', () => {
    expect(fs.existsSync(path.join(REPO_ROOT, `lambdas/${type.functionName}.ts`))).toBe(true);
  });

  it('is found by name and by its endpoint in any letter case', () => {
    expect(resourceTypeNamed(name)).toBe(type);
    expect(resourceTypeAtEndpoint(type.endpoint.toUpperCase())).toBe(type);
    expect(resourceTypeAtEndpoint(type.endpoint.toLowerCase())).toBe(type);
  });
});

describe('the registry', () => {
  it('has distinct names, endpoints and functions', () => {
    for (const key of ['name', 'endpoint', 'functionName'] as const) {
      const values = RESOURCE_TYPES.map((type) => type[key].toLowerCase());
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it('refuses a name it does not hold, and finds no type at an unknown endpoint', () => {
    expect(() => resourceTypeNamed('Device')).toThrow('No resource type "Device" is registered.');
    expect(resourceTypeAtEndpoint('Devices')).toBeUndefined();
  });

  it('lists every resource schema', () => {
    expect(RESOURCE_SCHEMAS.map((schema) => schema.resourceType.name)).toEqual(
      RESOURCE_TYPES.map((type) => type.name),
    );
  });
});
