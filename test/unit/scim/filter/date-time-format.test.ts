import { describe, expect, it } from '@jest/globals';
import type { Filter } from '../../../../lambdas/scim/filter/ast';
import { compareInstants, parseInstant } from '../../../../lambdas/scim/filter/date-time';
import { formatFilter, formatPatchPath } from '../../../../lambdas/scim/filter/format';
import { parseFilter, parsePath } from '../../../../lambdas/scim/filter/parser';

describe('parseInstant', () => {
  it.each<[string, number, number]>([
    ['2011-05-13T04:42:34Z', Date.UTC(2011, 4, 13, 4, 42, 34), 0],
    ['2011-05-13t04:42:34z', Date.UTC(2011, 4, 13, 4, 42, 34), 0],
    ['2011-05-13T04:42:34', Date.UTC(2011, 4, 13, 4, 42, 34), 0],
    ['2011-05-13T06:42:34+02:00', Date.UTC(2011, 4, 13, 4, 42, 34), 0],
    ['2011-05-13T06:42:34+0200', Date.UTC(2011, 4, 13, 4, 42, 34), 0],
    ['2011-05-12T23:12:34-05:30', Date.UTC(2011, 4, 13, 4, 42, 34), 0],
    ['2011-05-13T04:42:34.5Z', Date.UTC(2011, 4, 13, 4, 42, 34, 500), 0],
    ['2011-05-13T04:42:34.1234567Z', Date.UTC(2011, 4, 13, 4, 42, 34, 123), 456700],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29), 0],
  ])('%s', (text, epochMs, subMsNanos) => {
    expect(parseInstant(text)).toEqual({ epochMs, subMsNanos });
  });

  it.each([
    '2011-05-13',
    '2011-05-13 04:42:34Z',
    '2011-02-30T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2011-13-01T00:00:00Z',
    '2011-05-13T24:00:00Z',
    '2011-05-13T04:60:00Z',
    '2011-05-13T04:42:34+24:00',
    '2011-05-13T04:42:34+02:60',
    '2011-05-13T04:42:34.Z',
    'yesterday',
    '',
  ])('rejects %j', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });

  it('orders instants by milliseconds, then by the digits beyond', () => {
    const earlier = parseInstant('2011-05-13T04:42:34.1234567Z');
    const later = parseInstant('2011-05-13T04:42:34.1234568Z');
    const muchLater = parseInstant('2011-05-13T04:42:35Z');
    if (!earlier || !later || !muchLater) throw new Error('fixtures must parse');
    expect(compareInstants(earlier, later)).toBeLessThan(0);
    expect(compareInstants(later, earlier)).toBeGreaterThan(0);
    expect(compareInstants(later, later)).toBe(0);
    expect(compareInstants(muchLater, later)).toBeGreaterThan(0);
  });
});

describe('formatFilter', () => {
  it.each<[string, string]>([
    ['userName EQ "x"', 'userName eq "x"'],
    ['a pr AND (b pr OR c pr)', 'a pr and (b pr or c pr)'],
    ['(a pr and b pr) or c pr', 'a pr and b pr or c pr'],
    ['a pr or (b pr or c pr)', 'a pr or (b pr or c pr)'],
    ['not(a eq -0)', 'not (a eq -0)'],
    ['x eq "quote \\" and \\\\ \\u0001"', 'x eq "quote \\" and \\\\ \\u0001"'],
    ['emails[type eq "work"].value eq "v"', 'emails[type eq "work" and value eq "v"]'],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq 1.5e-7',
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq 1.5e-7',
    ],
  ])('%s -> %s', (input, canonical) => {
    expect(formatFilter(parseFilter(input))).toBe(canonical);
  });

  it('keeps the sign of -0 so it parses back identically', () => {
    const negativeZero: Filter = { kind: 'compare', path: { attribute: 'a' }, op: 'eq', value: -0 };
    expect(Object.is((parseFilter(formatFilter(negativeZero)) as { value: number }).value, -0)).toBe(true);
  });
});

describe('formatPatchPath', () => {
  it.each([
    'userName',
    'name.givenName',
    'emails[type eq "work"].value',
    'members[value eq "2819c223"]',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
    'urn:ietf:params:scim:schemas:core:2.0:User:emails[type eq "work" or primary eq true].display',
  ])('%s', (path) => {
    expect(formatPatchPath(parsePath(path))).toBe(path);
  });
});
