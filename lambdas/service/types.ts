/**
 * The use cases behind the Users and Groups endpoints, between the HTTP layer (lambdas/http) and the store
 * port. They take and return canonical SCIM resources; status codes, headers, meta.location and projection
 * are the HTTP layer's business.
 */
import type { ListQuery, Projection } from '../http/query';
import type { ResourceSchema } from '../scim/schema/types';
import type { ScimResource } from '../scim/resource';
import type { FindResult } from '../store/repository';

export interface ConditionalOptions {
  /** The request's If-Match header (`W/"3"`, `"3"` or `*`). */
  readonly ifMatch?: string;
}

export interface ResourceService {
  readonly schema: ResourceSchema;
  /** GET /<Resource> and POST /<Resource>/.search. Bad filter -> 400 invalidFilter. */
  list(tenantId: string, query: ListQuery): Promise<FindResult>;
  /** POST: 201 material. 400 for a bad body, 409 uniqueness. */
  create(tenantId: string, body: unknown): Promise<ScimResource>;
  /** GET by id; reads computed attributes (groups, members) only when the projection returns them. 404. */
  get(tenantId: string, id: string, projection: Projection): Promise<ScimResource>;
  /**
   * PUT. 404, 409, 412, 400 mutability for an immutable change. With a `projection` that returns User
   * `groups`, the answer carries them.
   */
  replace(
    tenantId: string,
    id: string,
    body: unknown,
    options: ConditionalOptions,
    projection?: Projection,
  ): Promise<ScimResource>;
  /**
   * PATCH with a PatchOp body. Returns the resource as stored (Groups: without members); with a
   * `projection` that returns User `groups`, the user carries them.
   */
  patch(
    tenantId: string,
    id: string,
    body: unknown,
    options: ConditionalOptions,
    projection?: Projection,
  ): Promise<ScimResource>;
  /** DELETE. 404 when absent, 412 when If-Match differs. */
  remove(tenantId: string, id: string, options: ConditionalOptions): Promise<void>;
}
