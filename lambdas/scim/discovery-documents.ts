/**
 * Pure builders for the discovery endpoints (RFC 7644 §4, RFC 7643 §5-§7, RFC 9865 §2.3), generated from
 * the same schema data that validation, normalisation and projection use, so what /Schemas advertises is
 * what the service does; the attribute descriptions, which only these documents need, come from
 * schema/descriptions.ts. The core schemas list the §3.1 common attributes (id, externalId, meta), which
 * RFC 7643 §3.1 allows; see lambdas/scim/schema/common.ts.
 */
import type { JsonObject } from './json';
import { attributeDescription } from './schema/descriptions';
import type { ResourceTypeDescriptor } from './schema/resource-types';
import type { AttributeDefinition, SchemaDefinition } from './schema/types';
import { RESOURCE_TYPE_URN, SCHEMA_URN, SERVICE_PROVIDER_CONFIG_URN } from './schema/urns';

/** `https://h/tenants/t/scim/v2/` -> `https://h/tenants/t/scim/v2` */
const trimTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * RFC 7643 §7: every characteristic, explicitly, and the description from descriptions.ts. `parentName`
 * is the complex attribute a sub-attribute belongs to.
 */
export const attributeDocument = (
  schemaId: string,
  attribute: AttributeDefinition,
  parentName?: string,
): JsonObject => ({
  name: attribute.name,
  type: attribute.type,
  multiValued: attribute.multiValued,
  description: attributeDescription(
    schemaId,
    parentName === undefined ? attribute.name : `${parentName}.${attribute.name}`,
  ),
  required: attribute.required,
  caseExact: attribute.caseExact,
  mutability: attribute.mutability,
  returned: attribute.returned,
  uniqueness: attribute.uniqueness,
  ...(attribute.canonicalValues ? { canonicalValues: [...attribute.canonicalValues] } : {}),
  ...(attribute.referenceTypes ? { referenceTypes: [...attribute.referenceTypes] } : {}),
  ...(attribute.subAttributes
    ? {
        subAttributes: attribute.subAttributes.map((sub) => attributeDocument(schemaId, sub, attribute.name)),
      }
    : {}),
});

/** One resource of `/Schemas` (RFC 7643 §7). */
export function schemaDocument(schema: SchemaDefinition, baseUrl: string): JsonObject {
  return {
    schemas: [SCHEMA_URN],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map((attribute) => attributeDocument(schema.id, attribute)),
    meta: { resourceType: 'Schema', location: `${trimTrailingSlash(baseUrl)}/Schemas/${schema.id}` },
  };
}

/** One resource of `/ResourceTypes` (RFC 7643 §6). */
export function resourceTypeDocument(resourceType: ResourceTypeDescriptor, baseUrl: string): JsonObject {
  return {
    schemas: [RESOURCE_TYPE_URN],
    id: resourceType.name,
    name: resourceType.name,
    endpoint: `/${resourceType.endpoint}`,
    description: resourceType.description,
    schema: resourceType.schema,
    schemaExtensions: resourceType.schemaExtensions.map(({ schema, required }) => ({ schema, required })),
    meta: {
      resourceType: 'ResourceType',
      location: `${trimTrailingSlash(baseUrl)}/ResourceTypes/${resourceType.name}`,
    },
  };
}

export interface ServiceProviderConfigOptions {
  readonly baseUrl: string;
  /** filter.maxResults (RFC 7643 §5). */
  readonly maxResults: number;
  /** RFC 9865 §2.3 pagination settings. */
  readonly defaultPageSize: number;
  readonly maxPageSize: number;
  /** Seconds a cursor stays valid. */
  readonly cursorTimeout: number;
  readonly documentationUri?: string;
}

/** `/ServiceProviderConfig` (RFC 7643 §5, pagination per RFC 9865 §2.3). */
export function serviceProviderConfigDocument(options: ServiceProviderConfigOptions): JsonObject {
  return {
    schemas: [SERVICE_PROVIDER_CONFIG_URN],
    ...(options.documentationUri !== undefined ? { documentationUri: options.documentationUri } : {}),
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: options.defaultPageSize,
      maxPageSize: options.maxPageSize,
      cursorTimeout: options.cursorTimeout,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description:
          'Authentication with the per-tenant Secret Token, sent as an OAuth 2.0 bearer token (RFC 6750).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
    meta: {
      resourceType: 'ServiceProviderConfig',
      location: `${trimTrailingSlash(options.baseUrl)}/ServiceProviderConfig`,
    },
  };
}
