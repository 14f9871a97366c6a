import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

import {
  parseListQuery,
  parseProjection,
  parseSearchRequest,
  splitAttributeList,
} from '../../../lambdas/http/query';
import { ScimError } from '../../../lambdas/scim/errors';
import type { ScimType } from '../../../lambdas/scim/errors';
import { ENTERPRISE_USER_URN } from '../../../lambdas/scim/schema';
import { expectScimError } from '../scim-errors';

const LIMITS = { defaultCount: 100, maxCount: 200 };
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

const fromRaw = (raw: string) => parseListQuery(new URLSearchParams(raw), LIMITS);

describe('parseListQuery', () => {
  it('decodes Entra filters with URLSearchParams semantics: + is a space, %2B a plus', () => {
    expect(fromRaw('filter=userName+eq+%22a%2Bb%40c.com%22').filter).toBe('userName eq "a+b@c.com"');
  });

  it('ignores unknown parameters such as aadOptscim062020', () => {
    expect(fromRaw('aadOptscim062020&filter=userName%20eq%20%22x%22')).toEqual({
      filter: 'userName eq "x"',
      attributes: [],
      excludedAttributes: [],
      startIndex: 1,
      count: 100,
    });
  });

  it('reads Okta existence checks', () => {
    expect(fromRaw('filter=userName%20eq%20%22x%22&startIndex=1&count=100')).toMatchObject({
      startIndex: 1,
      count: 100,
    });
  });

  it('reads Entra group matching', () => {
    expect(fromRaw('excludedAttributes=members&filter=displayName+eq+%22Sales%22')).toMatchObject({
      filter: 'displayName eq "Sales"',
      excludedAttributes: ['members'],
    });
  });

  it('matches parameter names case-insensitively', () => {
    expect(fromRaw('STARTINDEX=5&Count=7&Attributes=userName,%20name.givenName')).toMatchObject({
      startIndex: 5,
      count: 7,
      attributes: ['userName', 'name.givenName'],
    });
  });

  it.each([
    ['startIndex=0', { startIndex: 1 }],
    ['startIndex=-4', { startIndex: 1 }],
    ['count=-1', { count: 0 }],
    ['count=0', { count: 0 }],
    ['count=10000', { count: 200 }],
    ['count=', { count: 100 }],
  ])('%s is clamped (RFC 7644 §3.4.2.4)', (raw, expected) => {
    const parsed = fromRaw(raw.endsWith('=') ? '' : raw);
    expect(parsed).toMatchObject(expected);
  });

  it('an empty filter means no filter', () => {
    expect(fromRaw('filter=').filter).toBeUndefined();
  });

  it('keeps an empty cursor: it asks for the first cursor page (RFC 9865)', () => {
    expect(fromRaw('cursor=&count=10')).toMatchObject({ cursor: '', count: 10 });
    expect(fromRaw('cursor=abc').cursor).toBe('abc');
  });

  it.each([
    'startIndex=abc',
    'count=1.5',
    'count=ten',
    'startIndex=1e3',
    'count=99999999999999999999',
    'cursor=a&startIndex=2',
  ])('%s is 400 invalidValue', (raw) => {
    expectScimError(() => fromRaw(raw), 400, 'invalidValue');
  });

  it('any query string gives a ListQuery or a 400 invalidValue', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (startIndex, count) => {
        const query = new URLSearchParams({ startIndex, count });
        try {
          const parsed = parseListQuery(query, LIMITS);
          expect(parsed.startIndex).toBeGreaterThanOrEqual(1);
          expect(parsed.count).toBeGreaterThanOrEqual(0);
          expect(parsed.count).toBeLessThanOrEqual(LIMITS.maxCount);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect((error as ScimError).scimType).toBe('invalidValue');
        }
      }),
    );
  });
});

describe('parseProjection', () => {
  it('splits both lists', () => {
    expect(
      parseProjection(new URLSearchParams('attributes=userName&excludedAttributes=emails,%20groups')),
    ).toEqual({
      attributes: ['userName'],
      excludedAttributes: ['emails', 'groups'],
    });
  });

  it('splitAttributeList drops empty names', () => {
    expect(splitAttributeList(' a, ,b,')).toEqual(['a', 'b']);
    expect(splitAttributeList(undefined)).toEqual([]);
  });

  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['', []],
    ['userName', ['userName']],
    [' userName , name.givenName ,,', ['userName', 'name.givenName']],
    [`${ENTERPRISE_USER_URN}:manager,emails.value`, [`${ENTERPRISE_USER_URN}:manager`, 'emails.value']],
  ])('splitAttributeList %p -> %p', (raw, expected) => {
    expect(splitAttributeList(raw)).toEqual(expected);
  });

  it('splitAttributeList yields trimmed, non-empty, comma-free names taken from a list without filters', () => {
    fc.assert(
      fc.property(
        fc.string().filter((raw) => !/[[\]]/.test(raw)),
        (raw) => {
          const names = splitAttributeList(raw);
          for (const name of names) {
            expect(name).toBe(name.trim());
            expect(name).not.toBe('');
            expect(name).not.toContain(',');
            expect(raw).toContain(name);
          }
        },
      ),
    );
  });
});

describe('parseSearchRequest', () => {
  it('reads the RFC 7644 §3.4.3 example', () => {
    expect(
      parseSearchRequest(
        {
          schemas: [SEARCH],
          attributes: ['displayName', 'userName'],
          filter: 'displayName sw "smith"',
          startIndex: 1,
          count: 10,
        },
        LIMITS,
      ),
    ).toEqual({
      filter: 'displayName sw "smith"',
      attributes: ['displayName', 'userName'],
      excludedAttributes: [],
      startIndex: 1,
      count: 10,
    });
  });

  it('accepts member names in any case and numeric strings', () => {
    expect(
      parseSearchRequest(
        { SCHEMAS: [SEARCH.toUpperCase()], Count: '5', excludedattributes: 'members' },
        LIMITS,
      ),
    ).toMatchObject({
      count: 5,
      excludedAttributes: ['members'],
    });
  });

  it.each<[unknown, ScimType]>([
    [null, 'invalidSyntax'],
    [[], 'invalidSyntax'],
    ['filter', 'invalidSyntax'],
    [{ filter: 'userName eq "x"' }, 'invalidSyntax'],
    [{ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, 'invalidSyntax'],
    [{ schemas: [SEARCH], count: 'x' }, 'invalidValue'],
    [{ schemas: [SEARCH], startIndex: 1.5 }, 'invalidValue'],
    [{ schemas: [SEARCH], filter: 3 }, 'invalidValue'],
    [{ schemas: [SEARCH], attributes: [1] }, 'invalidValue'],
    [{ schemas: [SEARCH], cursor: 7 }, 'invalidValue'],
  ])('%j is 400 %s', (body, scimType) => {
    expectScimError(() => parseSearchRequest(body, LIMITS), 400, scimType);
  });
});

describe('attribute names with a value filter', () => {
  it.each([
    ['emails[type eq "work"]', ['emails']],
    ['emails[type eq "work"].value,userName', ['emails.value', 'userName']],
    ['emails[value eq "a,b"],name', ['emails', 'name']],
  ])('%s -> %j', (raw, expected) => {
    expect(splitAttributeList(raw)).toEqual(expected);
  });
});
