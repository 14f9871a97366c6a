/** Pieces shared by the Users and Groups use cases. */
import { parseFilter } from '../scim/filter/parser';
import type { Filter } from '../scim/filter/ast';
import { validateFilter } from '../scim/filter/evaluate';
import { projectResource } from '../scim/projection';
import type { Projection } from '../scim/projection';
import type { ResourceSchema } from '../scim/schema/types';
import type { FindQuery } from '../store/repository';
import type { ListQuery } from './types';

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
    // Only a filter reads the view.
    ...(filter !== undefined && query.view !== undefined ? { view: query.view } : {}),
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
