import type { ResourceTypeDescriptor } from './resource-types';

/** RFC 7643 §2.2 and §7: the characteristics of an attribute, and schemas as data. */
export type AttributeType =
  'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/**
 * The run-time characteristics. The human "description" that /Schemas also serves is not here but in
 * descriptions.ts, which only the discovery Lambda imports: the users and groups bundles carry no prose.
 */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export type { ResourceTypeName } from './resource-types';

/** Everything the core needs to know about one resource type: its descriptor, core schema and extensions. */
export interface ResourceSchema {
  readonly resourceType: ResourceTypeDescriptor;
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
}
