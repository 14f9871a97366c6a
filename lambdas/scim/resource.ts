/**
 * A SCIM resource as the core, the store and the handlers pass it around: canonical RFC 7643 JSON with
 * schema casing, real booleans, and each extension's attributes under its URN key, e.g.
 * { schemas, id, externalId, userName, ..., 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {...}, meta }.
 */
import type { JsonObject } from './json';
import type { ResourceTypeName } from './schema/types';

export interface Meta {
  readonly resourceType: ResourceTypeName;
  /** ISO 8601 */
  readonly created: string;
  readonly lastModified: string;
  /** A weak ETag, e.g. W/"3". */
  readonly version: string;
  /** Absolute URL; filled in by the HTTP layer, which knows the host and tenant. */
  readonly location?: string;
}

export interface ScimResource extends JsonObject {
  schemas: string[];
  id: string;
}
