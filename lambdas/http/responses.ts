/**
 * ScimResponses for resources: meta.location made absolute, group members' `$ref`, the projection applied
 * to every resource returned, ETag from meta.version, Location on 201.
 */
import type { ScimResponse } from '../middleware/types';
import { isJsonObject } from '../scim/json';
import type { JsonObject, JsonValue } from '../scim/json';
import { listResponse } from '../scim/list-response';
import { projectResource } from '../scim/projection';
import type { Projection } from '../scim/projection';
import type { ScimResource } from '../scim/resource';
import type { ResourceSchema } from '../scim/schema/types';
import type { FindResult } from '../store/repository';
import type { ResourceEndpoint } from './router';

export const resourceUrl = (baseUrl: string, endpoint: ResourceEndpoint, id: string): string =>
  `${baseUrl}/${endpoint}/${encodeURIComponent(id)}`;

/** A member value with `$ref`, its member's location (RFC 7643 §4.2), when its `type` names one. */
const withRef = (member: JsonValue, baseUrl: string): JsonValue =>
  isJsonObject(member) &&
  (member.type === 'User' || member.type === 'Group') &&
  typeof member.value === 'string'
    ? { ...member, $ref: resourceUrl(baseUrl, `${member.type}s` as const, member.value) }
    : member;

/** A copy of the resource whose meta carries its absolute location, and its members their `$ref`. */
export function withLocation(
  resource: ScimResource,
  baseUrl: string,
  endpoint: ResourceEndpoint,
): ScimResource {
  const meta = isJsonObject(resource.meta) ? resource.meta : {};
  return {
    ...resource,
    ...(Array.isArray(resource.members)
      ? { members: resource.members.map((member) => withRef(member, baseUrl)) }
      : {}),
    meta: { ...meta, location: resourceUrl(baseUrl, endpoint, resource.id) },
  };
}

export const versionOf = (resource: JsonObject): string | undefined =>
  isJsonObject(resource.meta) && typeof resource.meta.version === 'string'
    ? resource.meta.version
    : undefined;

export interface ResourceContext {
  readonly baseUrl: string;
  readonly endpoint: ResourceEndpoint;
  readonly schema: ResourceSchema;
  readonly projection: Projection;
}

/** The representation a response carries: absolute location, then the requested projection. */
export const representation = (resource: ScimResource, context: ResourceContext): JsonObject =>
  projectResource(
    withLocation(resource, context.baseUrl, context.endpoint),
    context.schema,
    context.projection,
  );

/** The ETag header of the resource's meta.version; none when it has no version. */
export const etagHeader = (resource: JsonObject): Record<string, string> => {
  const version = versionOf(resource);
  return version === undefined ? {} : { ETag: version };
};

/** 200 (GET, PUT, PATCH with a projection) or 201 (POST, with Location). */
export function resourceResponse(
  status: 200 | 201,
  resource: ScimResource,
  context: ResourceContext,
): ScimResponse {
  return {
    status,
    headers: {
      ...etagHeader(resource),
      ...(status === 201 ? { Location: resourceUrl(context.baseUrl, context.endpoint, resource.id) } : {}),
    },
    body: representation(resource, context),
  };
}

/** 204 for PATCH without a projection and DELETE; the new version still travels in ETag. */
export const noContent = (resource?: ScimResource): ScimResponse => ({
  status: 204,
  headers: resource === undefined ? {} : etagHeader(resource),
});

export function listResultResponse(result: FindResult, context: ResourceContext): ScimResponse {
  const resources = result.resources.map((resource) => representation(resource, context));
  return {
    status: 200,
    body: listResponse(resources, {
      totalResults: result.totalResults,
      startIndex: result.startIndex,
      itemsPerPage: resources.length,
      ...(result.nextCursor !== undefined ? { nextCursor: result.nextCursor } : {}),
      ...(result.previousCursor !== undefined ? { previousCursor: result.previousCursor } : {}),
    }),
  };
}
