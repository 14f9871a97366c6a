/**
 * Schemas as data: the single source for validation, normalisation, projection, filters and /Schemas.
 * The attribute descriptions (descriptions.ts) are deliberately not re-exported here: only /Schemas
 * needs them, the users and groups Lambdas import this index, and esbuild keeps a re-exported map in
 * their bundles even unused (test/infra/bundling.test.ts checks).
 */
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user';
import { GROUP_CORE_SCHEMA } from './group';
import { PROFILE_USER_SCHEMA } from './profile';
import type { ResourceSchema, SchemaDefinition } from './types';
import { GROUP_RESOURCE_TYPE, USER_RESOURCE_TYPE } from './resource-types';
import { USER_CORE_SCHEMA } from './user';

export * from './urns';
export * from './resource-types';
export { COMMON_ATTRIBUTES, EXTERNAL_ID_ATTRIBUTE, ID_ATTRIBUTE, META_ATTRIBUTE } from './common';
export { ENTERPRISE_USER_SCHEMA } from './enterprise-user';
export { GROUP_CORE_SCHEMA } from './group';
export { PEOPLE_MANAGER_ATTRIBUTE, PROFILE_USER_SCHEMA } from './profile';
export { USER_CORE_SCHEMA } from './user';

export const USER_SCHEMA: ResourceSchema = {
  resourceType: USER_RESOURCE_TYPE,
  core: USER_CORE_SCHEMA,
  extensions: [ENTERPRISE_USER_SCHEMA, PROFILE_USER_SCHEMA],
};

export const GROUP_SCHEMA: ResourceSchema = {
  resourceType: GROUP_RESOURCE_TYPE,
  core: GROUP_CORE_SCHEMA,
  extensions: [],
};

export const RESOURCE_SCHEMAS: readonly ResourceSchema[] = [USER_SCHEMA, GROUP_SCHEMA];

/** Every distinct schema, in /Schemas order. */
export const ALL_SCHEMAS: readonly SchemaDefinition[] = [
  USER_CORE_SCHEMA,
  ENTERPRISE_USER_SCHEMA,
  PROFILE_USER_SCHEMA,
  GROUP_CORE_SCHEMA,
];
