/**
 * Conditional GET (RFC 7644 §3.14, RFC 7232 §3.2 and §2.3.2): `If-None-Match` holding the current version
 * (weak comparison: SCIM versions are weak ETags, so `W/"3"` and `"3"` match) or `*` answers 304.
 */
import type { ScimResponse } from '../middleware/types';
import type { ScimResource } from '../scim/resource';
import { entityTagListMatches } from '../scim/etag';
import { etagHeader, versionOf } from './responses';

/** 304 with the ETag and no body when `ifNoneMatch` matches the resource, else undefined. */
export function notModified(
  ifNoneMatch: string | undefined,
  resource: ScimResource,
): ScimResponse | undefined {
  if (ifNoneMatch === undefined || ifNoneMatch.trim() === '') return undefined;
  if (!entityTagListMatches(ifNoneMatch, versionOf(resource))) return undefined;
  return { status: 304, headers: etagHeader(resource) };
}
