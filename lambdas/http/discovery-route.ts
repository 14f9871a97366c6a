/**
 * The discovery handler's route (RFC 7644 §4): /ServiceProviderConfig, /ResourceTypes[/{id}],
 * /Schemas[/{id}]. The lists are ListResponses; an unknown id is a 404. The deployed API sends every
 * unmatched path here, so this route also answers 404 for anything else under the tenant base, and 404
 * for Users/Groups paths, which belong to their own Lambdas.
 *
 * `POST /.search` at the tenant root (RFC 7644 §3.4.3: one search across every resource type) is not
 * offered: 501 Not Implemented, the status RFC 7644 §3.12 gives an operation the service provider does not
 * support (no scimType: those are for 400s). No provider we serve sends it (Entra and Okta search /Users and
 * /Groups), and a union of resource types would need paging across both and filters whose attributes one
 * type lacks. docs/providers.md says so.
 */
import type { ScimRequest, ScimResponse, ScimRoute } from '../middleware/types';
import type { ServiceProviderConfigOptions } from '../scim/discovery-documents';
import {
  resourceTypeDocument,
  schemaDocument,
  serviceProviderConfigDocument,
} from '../scim/discovery-documents';
import { ScimError } from '../scim/errors';
import type { JsonObject } from '../scim/json';
import { listResponse } from '../scim/list-response';
import { ALL_SCHEMAS, RESOURCE_TYPES } from '../scim/schema';
import { route } from './router';

export type DiscoveryOptions = Omit<ServiceProviderConfigOptions, 'baseUrl'>;

const sameId = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** `... search /Users/.search or /Groups/.search instead.`, from the resource type registry. */
export const ROOT_SEARCH_DETAIL = `A search across resource types at the root (POST /.search) is not supported: search ${RESOURCE_TYPES.map(
  ({ endpoint }) => `/${endpoint}/.search`,
).join(' or ')} instead.`;

const ok = (body: JsonObject): ScimResponse => ({ status: 200, body });

const listOf = (documents: JsonObject[]): ScimResponse =>
  ok({ ...listResponse(documents, { totalResults: documents.length, startIndex: 1 }) });

export function discoveryRoute(options: DiscoveryOptions): ScimRoute {
  return (request: ScimRequest): Promise<ScimResponse> => {
    const operation = route(request.method, request.rawPath);
    if (operation.resource === 'root') throw ScimError.notImplemented(ROOT_SEARCH_DETAIL);
    if (operation.resource !== 'discovery') throw ScimError.notFound('No SCIM endpoint at this path.');
    const { baseUrl } = request;
    switch (operation.endpoint) {
      case 'ServiceProviderConfig':
        return Promise.resolve(ok(serviceProviderConfigDocument({ ...options, baseUrl })));
      case 'ResourceTypes': {
        if (operation.id === undefined) {
          return Promise.resolve(listOf(RESOURCE_TYPES.map((type) => resourceTypeDocument(type, baseUrl))));
        }
        const id = operation.id;
        const type = RESOURCE_TYPES.find((candidate) => sameId(candidate.name, id));
        if (type === undefined) throw ScimError.notFound(`Resource type ${id} not found.`);
        return Promise.resolve(ok(resourceTypeDocument(type, baseUrl)));
      }
      case 'Schemas': {
        if (operation.id === undefined) {
          return Promise.resolve(listOf(ALL_SCHEMAS.map((schema) => schemaDocument(schema, baseUrl))));
        }
        const id = operation.id;
        const schema = ALL_SCHEMAS.find((candidate) => sameId(candidate.id, id));
        if (schema === undefined) throw ScimError.notFound(`Schema ${id} not found.`);
        return Promise.resolve(ok(schemaDocument(schema, baseUrl)));
      }
    }
  };
}
