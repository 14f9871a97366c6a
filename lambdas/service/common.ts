/** Pieces shared by the Users and Groups use cases. */
import { ScimError } from '../scim/errors';
import { parseFilter } from '../scim/filter/parser';
import type { Filter } from '../scim/filter/ast';
import { validateFilter } from '../scim/filter/evaluate';
import type { Projection } from '../http/query';
import { projectResource } from '../scim/projection';
import type { ResourceSchema } from '../scim/schema/types';
import type { ScimResource } from '../scim/resource';
import type { FindQuery } from '../store/repository';
import type { ListQuery } from '../http/query';

export const notFound = (resourceType: string, id: string): ScimError =>
  ScimError.notFound(`${resourceType} ${id} not found.`);

/** Parses and checks a filter against the schema (400 invalidFilter) before the store sees it. */
export function compileListFilter(raw: string | undefined, schema: ResourceSchema): Filter | undefined {
  if (raw === undefined) return undefined;
  const filter = parseFilter(raw);
  validateFilter(filter, schema);
  return filter;
}

export function toFindQuery(query: ListQuery, schema: ResourceSchema): FindQuery {
  const filter = compileListFilter(query.filter, schema);
  return {
    ...(filter !== undefined ? { filter } : {}),
    startIndex: query.startIndex,
    count: query.count,
    ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
  };
}

/**
 * Whether a response shaped by `projection` carries the computed multi-valued attribute `name` (Group
 * `members`, User `groups`). Answered by projecting a probe resource, so it follows exactly the rules of
 * projectResource (URN-qualified names, sub-attributes, case) without restating them.
 */
export function projectionReturns(schema: ResourceSchema, projection: Projection, name: string): boolean {
  const probe = { schemas: [schema.core.id], id: 'probe', [name]: [{ value: 'probe' }] };
  return projectResource(probe, schema, projection)[name] !== undefined;
}

/** The opaque version of a resource (its weak ETag) for If-Match comparisons. */
const opaqueTag = (tag: string): string => tag.trim().replace(/^W\//i, '');

/**
 * RFC 7232 §3.1 If-Match with weak comparison, as SCIM versions are weak ETags: `*` or any listed tag
 * equal to the current version. Used where the store takes no If-Match (DELETE).
 */
export function ifMatchSatisfied(ifMatch: string | undefined, resource: ScimResource): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '') return true;
  const meta = resource.meta;
  const version =
    typeof meta === 'object' && meta !== null && !Array.isArray(meta) && typeof meta.version === 'string'
      ? opaqueTag(meta.version)
      : undefined;
  return ifMatch
    .split(',')
    .map((tag) => tag.trim())
    .some((tag) => tag === '*' || (version !== undefined && opaqueTag(tag) === version));
}
