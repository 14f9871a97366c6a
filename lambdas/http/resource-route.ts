/**
 * The route of a resource type's handler: method + path -> use case -> ScimResponse.
 * RFC 7644 §3.3 (POST 201 + Location), §3.4.1 (GET), §3.4.2 (list), §3.4.3 (.search), §3.5.1 (PUT),
 * §3.5.2 (PATCH: 204, or 200 with the resource when attributes/excludedAttributes are asked for), §3.6
 * (DELETE 204), §3.14 (ETag, If-Match -> 412, If-None-Match on GET by id -> 304).
 */
import type { ScimRequest, ScimResponse, ScimRoute } from '../middleware/types';
import { ScimError } from '../scim/errors';
import type { ScimResource } from '../scim/resource';
import type { ConditionalOptions, ResourceService } from '../service/types';
import { notModified } from './conditional';
import type { PageLimits } from './query';
import { hasProjection, parseListQuery, parseProjection, parseSearchRequest } from './query';
import type { ResourceContext } from './responses';
import { listResultResponse, noContent, resourceResponse, withLocation } from './responses';
import { route } from './router';

const conditional = (request: ScimRequest): ConditionalOptions => {
  const ifMatch = request.headers['if-match'];
  return ifMatch !== undefined && ifMatch.trim() !== '' ? { ifMatch } : {};
};

const requireBody = (request: ScimRequest): unknown => {
  if (request.body === undefined) throw ScimError.invalidSyntax('The request needs a JSON body.');
  return request.body;
};

/** The route of the resource type `service` serves (its schema's descriptor names the endpoint). */
export function resourceRoute(service: ResourceService, limits: PageLimits): ScimRoute {
  const { endpoint } = service.schema.resourceType;
  return async (request: ScimRequest): Promise<ScimResponse> => {
    const operation = route(request.method, request.rawPath);
    // The deployed API only sends this resource's paths here; anything else is not ours to serve.
    if (
      operation.resource === 'discovery' ||
      operation.resource === 'root' ||
      operation.resource !== endpoint
    )
      throw ScimError.notFound('No SCIM endpoint at this path.');
    const { tenantId } = request;
    const context = (projection: ResourceContext['projection']): ResourceContext => ({
      baseUrl: request.baseUrl,
      endpoint,
      schema: service.schema,
      projection,
    });

    // Filters test the resource as the answer shows it: meta.location is computed here, not stored.
    const view = (resource: ScimResource): ScimResource => withLocation(resource, request.baseUrl, endpoint);

    switch (operation.operation) {
      case 'list': {
        const query = parseListQuery(request.query, limits);
        return listResultResponse(await service.list(tenantId, { ...query, view }), context(query));
      }
      case 'search': {
        const query = parseSearchRequest(requireBody(request), limits);
        return listResultResponse(await service.list(tenantId, { ...query, view }), context(query));
      }
      case 'create': {
        const created = await service.create(tenantId, requireBody(request), request.ignoredAttributes);
        return resourceResponse(201, created, context(parseProjection(request.query)));
      }
      case 'get': {
        const projection = parseProjection(request.query);
        const resource = await service.get(tenantId, operation.id, projection);
        return (
          notModified(request.headers['if-none-match'], resource) ??
          resourceResponse(200, resource, context(projection))
        );
      }
      case 'replace': {
        const projection = parseProjection(request.query);
        const replaced = await service.replace(
          tenantId,
          operation.id,
          requireBody(request),
          conditional(request),
          projection,
          request.ignoredAttributes,
        );
        return resourceResponse(200, replaced, context(projection));
      }
      case 'patch': {
        const projection = parseProjection(request.query);
        const patched = await service.patch(
          tenantId,
          operation.id,
          requireBody(request),
          conditional(request),
          projection,
          request.ignoredAttributes,
        );
        if (!hasProjection(projection)) return noContent(patched);
        return resourceResponse(200, patched, context(projection));
      }
      case 'delete':
        await service.remove(tenantId, operation.id, conditional(request));
        return noContent();
    }
  };
}
