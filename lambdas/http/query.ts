/**
 * List and projection parameters, from the query string (RFC 7644 §3.4.2) or a SearchRequest body
 * (§3.4.3), into one ListQuery.
 *
 * - The query string is read with URLSearchParams semantics from the raw string (`+` is a space, `%2B` a
 *   plus), which the middleware already did. Unknown parameters (`aadOptscim062020`) are ignored.
 * - Parameter names are matched case-insensitively (`startindex`), as attribute names are.
 * - startIndex < 1 is read as 1 and count < 0 as 0 (RFC 7644 §3.4.2.4); count above the store's maximum is
 *   capped to it; a value that is not an integer is 400 invalidValue.
 * - `cursor` (RFC 9865): present (even empty, meaning "first page") selects cursor paging. Combined with
 *   startIndex it is ambiguous: 400 invalidValue.
 */
import { ScimError } from '../scim/errors';
import { isJsonObject } from '../scim/json';
import type { Projection } from '../scim/projection';
import { SEARCH_REQUEST_URN } from '../scim/schema/urns';
import type { ListQuery } from '../service/types';

export interface PageLimits {
  readonly defaultCount: number;
  readonly maxCount: number;
}

/**
 * Comma-separated attribute names, trimmed, empties dropped. A value filter in a name
 * (`emails[type eq "work"]`, sent by Microsoft's reference tests) is not part of the RFC grammar for these
 * parameters; it is read as the attribute it filters (`emails`), which returns a superset of what was
 * meant rather than nothing.
 */
export const splitAttributeList = (raw: string | undefined): string[] =>
  raw === undefined
    ? []
    : raw
        .split(/,(?![^[]*\])/)
        .map((name) => name.replace(/\[[^\]]*\]/g, '').trim())
        .filter((name) => name !== '');

/** The last value of a query parameter, whatever the case of its name. */
export function queryParameter(query: URLSearchParams, name: string): string | undefined {
  const wanted = name.toLowerCase();
  let found: string | undefined;
  for (const [key, value] of query) if (key.toLowerCase() === wanted) found = value;
  return found;
}

const INTEGER = /^[+-]?\d{1,15}$/;

function parseInteger(name: string, raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw)) return raw;
    throw ScimError.invalidValue(`${name} must be an integer.`);
  }
  if (typeof raw === 'string' && INTEGER.test(raw.trim())) return Number(raw.trim());
  throw ScimError.invalidValue(`${name} must be an integer.`);
}

function optionalString(name: string, raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'string') return raw;
  throw ScimError.invalidValue(`${name} must be a string.`);
}

interface RawListParameters {
  readonly filter?: unknown;
  readonly attributes?: unknown;
  readonly excludedAttributes?: unknown;
  readonly startIndex?: unknown;
  readonly count?: unknown;
  readonly cursor?: unknown;
}

function attributeList(name: string, raw: unknown): string[] {
  if (raw === undefined || raw === null) return [];
  if (typeof raw === 'string') return splitAttributeList(raw);
  // A SearchRequest carries attribute lists as JSON arrays of strings (RFC 7644 §3.4.3).
  if (Array.isArray(raw) && raw.every((item): item is string => typeof item === 'string')) {
    return raw.flatMap((item) => splitAttributeList(item));
  }
  throw ScimError.invalidValue(`${name} must be a list of attribute names.`);
}

function toListQuery(raw: RawListParameters, limits: PageLimits): ListQuery {
  const filter = optionalString('filter', raw.filter);
  const startIndex = parseInteger('startIndex', raw.startIndex);
  const count = parseInteger('count', raw.count);
  const cursor = optionalString('cursor', raw.cursor);
  if (cursor !== undefined && startIndex !== undefined) {
    throw ScimError.invalidValue('Use either cursor or startIndex, not both.');
  }
  return {
    ...(filter !== undefined && filter.trim() !== '' ? { filter } : {}),
    attributes: attributeList('attributes', raw.attributes),
    excludedAttributes: attributeList('excludedAttributes', raw.excludedAttributes),
    startIndex: Math.max(1, startIndex ?? 1),
    count: Math.min(limits.maxCount, Math.max(0, count ?? limits.defaultCount)),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

export function parseListQuery(query: URLSearchParams, limits: PageLimits): ListQuery {
  return toListQuery(
    {
      filter: queryParameter(query, 'filter'),
      attributes: queryParameter(query, 'attributes'),
      excludedAttributes: queryParameter(query, 'excludedAttributes'),
      startIndex: queryParameter(query, 'startIndex'),
      count: queryParameter(query, 'count'),
      cursor: queryParameter(query, 'cursor'),
    },
    limits,
  );
}

/** attributes / excludedAttributes of a request that returns a single resource. */
export function parseProjection(query: URLSearchParams): Projection {
  return {
    attributes: splitAttributeList(queryParameter(query, 'attributes')),
    excludedAttributes: splitAttributeList(queryParameter(query, 'excludedAttributes')),
  };
}

export const hasProjection = (projection: Projection): boolean =>
  projection.attributes.length > 0 || projection.excludedAttributes.length > 0;

const memberOf = (body: Readonly<Record<string, unknown>>, name: string): unknown => {
  const key = Object.keys(body).find((candidate) => candidate.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
};

/**
 * A `POST /.search` body (RFC 7644 §3.4.3). `schemas` must name the SearchRequest message; sortBy and
 * sortOrder are accepted and ignored, as sorting is not offered (ServiceProviderConfig says so).
 */
export function parseSearchRequest(body: unknown, limits: PageLimits): ListQuery {
  if (!isJsonObject(body)) throw ScimError.invalidSyntax('The request body must be a SearchRequest object.');
  const schemas = memberOf(body, 'schemas');
  const namesSearchRequest =
    Array.isArray(schemas) &&
    schemas.some((urn) => typeof urn === 'string' && urn.toLowerCase() === SEARCH_REQUEST_URN.toLowerCase());
  if (!namesSearchRequest) {
    throw ScimError.invalidSyntax(`schemas must contain ${SEARCH_REQUEST_URN}.`);
  }
  return toListQuery(
    {
      filter: memberOf(body, 'filter'),
      attributes: memberOf(body, 'attributes'),
      excludedAttributes: memberOf(body, 'excludedAttributes'),
      startIndex: memberOf(body, 'startIndex'),
      count: memberOf(body, 'count'),
      cursor: memberOf(body, 'cursor'),
    },
    limits,
  );
}
