/** If-None-Match on GET by id (RFC 7232 §3.2 with weak comparison, RFC 7644 §3.14). */
import { describe, expect, it } from '@jest/globals';

import { notModified } from '../../../lambdas/http/conditional';
import { entityTagListMatches } from '../../../lambdas/scim/etag';
import type { ScimResource } from '../../../lambdas/scim/resource';

const resource = (version?: string): ScimResource => ({
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  id: 'u1',
  ...(version !== undefined ? { meta: { resourceType: 'User', version } } : {}),
});

describe('entityTagListMatches', () => {
  it.each([
    ['W/"3"', 'W/"3"', true],
    ['"3"', 'W/"3"', true],
    ['w/"3"', 'W/"3"', true],
    ['*', 'W/"3"', true],
    ['*', undefined, true],
    ['W/"1", W/"3"', 'W/"3"', true],
    [' W/"3" ', 'W/"3"', true],
    ['W/"4"', 'W/"3"', false],
    ['"33"', 'W/"3"', false],
    ['W/"3"', undefined, false],
    [',', 'W/"3"', false],
  ])('%j against %j is %s', (header, version, expected) => {
    expect(entityTagListMatches(header, version)).toBe(expected);
  });
});

describe('notModified', () => {
  it('is 304 with the ETag and no body when the tag matches', () => {
    expect(notModified('W/"3"', resource('W/"3"'))).toEqual({ status: 304, headers: { ETag: 'W/"3"' } });
    expect(notModified('*', resource('W/"3"'))).toEqual({ status: 304, headers: { ETag: 'W/"3"' } });
  });

  it('is undefined (serve the resource) when absent, empty or not matching', () => {
    expect(notModified(undefined, resource('W/"3"'))).toBeUndefined();
    expect(notModified('  ', resource('W/"3"'))).toBeUndefined();
    expect(notModified('W/"2"', resource('W/"3"'))).toBeUndefined();
  });
});
