/**
 * The resource types this service provider serves: one descriptor each, and the one list that every layer
 * loops over (routing and hand-off, the access log's route template, table keys, stored bodies and
 * lookups, /ResourceTypes, the CDK routes and functions, the local server). Names only, no attribute
 * definitions: the Users and Groups bundles each carry just their own schema (schema/index.ts joins a
 * descriptor to its schema).
 *
 * A new resource type is a new descriptor here plus its genuinely new code: its schema (schema/), its
 * service and repository, its handler factory (http/handlers.ts) and its Lambda entry
 * (lambdas/<functionName>.ts). test/unit/registry/fake-type.test.ts shows every loop taking one up.
 */
import { CORE_GROUP_URN, CORE_USER_URN, ENTERPRISE_USER_URN, PROFILE_USER_URN } from './urns';

/**
 * A filter that a lookup item answers besides `id`, the unique attribute and `externalId` (those three
 * every type has): `email` reads the email lookups (`emails.value eq`, `emails[value eq]`), `memberOf`
 * the member items by the byMember index (`members eq`, `members.value eq`, `members[value eq]`).
 */
export interface LookupDescriptor {
  readonly kind: 'email' | 'memberOf';
  /** The core multi-valued attribute whose `value` the lookup serves. */
  readonly attribute: string;
}

export interface ResourceTypeDescriptor {
  /** RFC 7643 §6 ResourceType `id` and `name`; `meta.resourceType` of its resources. */
  readonly name: string;
  /** The path segment after the Tenant URL, as published (`/ResourceTypes` adds the slash). */
  readonly endpoint: string;
  readonly description: string;
  /** Its core schema's URN; the attribute definitions are in schema/. */
  readonly schema: string;
  readonly schemaExtensions: readonly { readonly schema: string; readonly required: boolean }[];
  /**
   * The client-written core attribute with `uniqueness: "server"`: one lookup item per value, whose
   * existence is the uniqueness constraint (test/unit/scim/schema/resource-types.test.ts checks it against
   * the schema).
   */
  readonly uniqueAttribute: string;
  readonly lookups: readonly LookupDescriptor[];
  /**
   * The computed membership attribute (Group.members, User.groups): served from member items, never part
   * of the stored body.
   */
  readonly membershipAttribute: string;
  /** The Lambda that serves it (lambdas/<functionName>.ts; CDK logical ids derive from it). */
  readonly functionName: string;
}

export const USER_RESOURCE_TYPE = {
  name: 'User',
  endpoint: 'Users',
  description: 'User Account',
  schema: CORE_USER_URN,
  schemaExtensions: [
    { schema: ENTERPRISE_USER_URN, required: false },
    { schema: PROFILE_USER_URN, required: false },
  ],
  uniqueAttribute: 'userName',
  lookups: [{ kind: 'email', attribute: 'emails' }],
  membershipAttribute: 'groups',
  functionName: 'users',
} as const satisfies ResourceTypeDescriptor;

export const GROUP_RESOURCE_TYPE = {
  name: 'Group',
  endpoint: 'Groups',
  description: 'Group',
  schema: CORE_GROUP_URN,
  schemaExtensions: [],
  uniqueAttribute: 'displayName',
  lookups: [{ kind: 'memberOf', attribute: 'members' }],
  membershipAttribute: 'members',
  functionName: 'groups',
} as const satisfies ResourceTypeDescriptor;

/** Every registered type: the list each layer loops over. */
export const RESOURCE_TYPES = [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE] as const;

type Registered = (typeof RESOURCE_TYPES)[number];
export type ResourceTypeName = Registered['name'];
export type ResourceEndpoint = Registered['endpoint'];
export type ResourceFunctionName = Registered['functionName'];
export type UniqueAttribute = Registered['uniqueAttribute'];

/** Finding a descriptor in a list of them: by name, or by the endpoint segment of a path. */
export function resourceTypeFinders<T extends ResourceTypeDescriptor>(types: readonly T[]) {
  return {
    resourceTypeNamed: (name: string): T => {
      const type = types.find((candidate) => candidate.name === name);
      if (type === undefined) throw new Error(`No resource type "${name}" is registered.`);
      return type;
    },
    /** Resource names in paths are case-insensitive (http/router.ts). */
    resourceTypeAtEndpoint: (segment: string): T | undefined => {
      const lower = segment.toLowerCase();
      return types.find((type) => type.endpoint.toLowerCase() === lower);
    },
  };
}

export const { resourceTypeNamed, resourceTypeAtEndpoint } = resourceTypeFinders<Registered>(RESOURCE_TYPES);
