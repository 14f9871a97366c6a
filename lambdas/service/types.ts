/**
 * The use cases behind the Users and Groups endpoints, between the HTTP layer (lambdas/http) and the store
 * port. They take and return canonical SCIM resources; status codes, headers, meta.location and projection
 * are the HTTP layer's business.
 */
import type { IgnoredAttributes } from '../scim/normalise';
import type { Projection } from '../scim/projection';
import type { ResourceSchema } from '../scim/schema/types';
import type { JsonObject } from '../scim/json';
import type { ScimResource } from '../scim/resource';
import type { FindResult } from '../store/repository';

/** The list parameters of a query string or a SearchRequest body (RFC 7644 §3.4.2, §3.4.3). */
export interface ListQuery extends Projection {
  readonly filter?: string;
  readonly startIndex: number;
  readonly count: number;
  /** Present (possibly '') when the client asked for cursor paging. */
  readonly cursor?: string;
  /** Not a parameter: the resource as the answer will show it, which the filter tests (FindQuery.view). */
  readonly view?: (resource: ScimResource) => JsonObject;
}

export interface ConditionalOptions {
  /** The request's If-Match header (`W/"3"`, `"3"` or `*`). */
  readonly ifMatch?: string;
}

/**
 * create, replace and patch add to `ignored`, when given, the names of the attributes the body gave that
 * no schema defines (never values): the tenant's report of mappings that go nowhere.
 */
export interface ResourceService {
  readonly schema: ResourceSchema;
  /** GET /<Resource> and POST /<Resource>/.search. Bad filter -> 400 invalidFilter. */
  list(tenantId: string, query: ListQuery): Promise<FindResult>;
  /** POST: 201 material. 400 for a bad body, 409 uniqueness. */
  create(tenantId: string, body: unknown, ignored?: IgnoredAttributes): Promise<ScimResource>;
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
    ignored?: IgnoredAttributes,
  ): Promise<ScimResource>;
  /**
   * PATCH with a PatchOp body. Returns the resource as stored; with a `projection` that returns the
   * computed membership attribute (User `groups`, Group `members`), the resource carries it.
   */
  patch(
    tenantId: string,
    id: string,
    body: unknown,
    options: ConditionalOptions,
    projection?: Projection,
    ignored?: IgnoredAttributes,
  ): Promise<ScimResource>;
  /** DELETE. 404 when absent, 412 when If-Match differs. */
  remove(tenantId: string, id: string, options: ConditionalOptions): Promise<void>;
}
