import { describe, expect, it } from '@jest/globals';
import type { AttributePath, CompareOperator, Filter } from '../../../../lambdas/scim/filter/ast';
import {
  MAX_FILTER_LENGTH,
  MAX_NESTING_DEPTH,
  parseFilter,
  parsePath,
} from '../../../../lambdas/scim/filter/parser';
import type { JsonPrimitive } from '../../../../lambdas/scim/json';
import { scimErrorFrom } from '../../scim-errors';

const CORE = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PROFILE = 'urn:ietf:params:scim:schemas:extension:profile:2.0:User';

/** `p('name.familyName')`, `p('userName', CORE)` */
const p = (dotted: string, uri?: string): AttributePath => {
  const [attribute = '', subAttribute] = dotted.split('.');
  return {
    ...(uri !== undefined ? { uri } : {}),
    attribute,
    ...(subAttribute !== undefined ? { subAttribute } : {}),
  };
};
const cmp = (path: string | AttributePath, op: CompareOperator, value: JsonPrimitive): Filter => ({
  kind: 'compare',
  path: typeof path === 'string' ? p(path) : path,
  op,
  value,
});
const pr = (path: string): Filter => ({ kind: 'present', path: p(path) });
const and = (left: Filter, right: Filter): Filter => ({ kind: 'and', left, right });
const or = (left: Filter, right: Filter): Filter => ({ kind: 'or', left, right });
const not = (filter: Filter): Filter => ({ kind: 'not', filter });
const vp = (path: string, filter: Filter): Filter => ({ kind: 'valuePath', path: p(path), filter });

describe('parseFilter: every filter example of RFC 7644 §3.4.2.2', () => {
  const dateTime = '2011-05-13T04:42:34Z';
  const emailsExample = or(cmp('emails', 'co', 'example.com'), cmp('emails.value', 'co', 'example.org'));
  it.each<[string, Filter]>([
    ['userName eq "bjensen"', cmp('userName', 'eq', 'bjensen')],
    [`name.familyName co "O'Malley"`, cmp('name.familyName', 'co', "O'Malley")],
    ['userName sw "J"', cmp('userName', 'sw', 'J')],
    [`${CORE}:userName sw "J"`, cmp(p('userName', CORE), 'sw', 'J')],
    ['title pr', pr('title')],
    [`meta.lastModified gt "${dateTime}"`, cmp('meta.lastModified', 'gt', dateTime)],
    [`meta.lastModified ge "${dateTime}"`, cmp('meta.lastModified', 'ge', dateTime)],
    [`meta.lastModified lt "${dateTime}"`, cmp('meta.lastModified', 'lt', dateTime)],
    [`meta.lastModified le "${dateTime}"`, cmp('meta.lastModified', 'le', dateTime)],
    ['title pr and userType eq "Employee"', and(pr('title'), cmp('userType', 'eq', 'Employee'))],
    ['title pr or userType eq "Intern"', or(pr('title'), cmp('userType', 'eq', 'Intern'))],
    [`schemas eq "${ENTERPRISE}"`, cmp('schemas', 'eq', ENTERPRISE)],
    [
      'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'eq', 'Employee'), emailsExample),
    ],
    [
      'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      and(cmp('userType', 'ne', 'Employee'), not(emailsExample)),
    ],
    [
      'userType eq "Employee" and (emails.type eq "work")',
      and(cmp('userType', 'eq', 'Employee'), cmp('emails.type', 'eq', 'work')),
    ],
    [
      'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      and(
        cmp('userType', 'eq', 'Employee'),
        vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
      ),
    ],
    [
      'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      or(
        vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'co', '@example.com'))),
        vp('ims', and(cmp('type', 'eq', 'xmpp'), cmp('value', 'co', '@foo.com'))),
      ),
    ],
  ])('%s', (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });
});

describe('parseFilter: what Entra sends (docs/providers.md)', () => {
  it.each<[string, Filter]>([
    [
      'userName eq "7f0e5bd2-7d53-4c1c-a7f4-b0e7ed0ff3e1"',
      cmp('userName', 'eq', '7f0e5bd2-7d53-4c1c-a7f4-b0e7ed0ff3e1'),
    ],
    ['externalId eq "0b6e1c9b-5f8a"', cmp('externalId', 'eq', '0b6e1c9b-5f8a')],
    ['displayName eq "Sales EMEA"', cmp('displayName', 'eq', 'Sales EMEA')],
    ['userName eq "a@b.com"', cmp('userName', 'eq', 'a@b.com')],
    // Outside the RFC grammar: the same element must have type work AND value x.
    [
      'emails[type eq "work"].value eq "x@y.com"',
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x@y.com'))),
    ],
    [
      'userName eq "a" and emails[type eq "work"].value eq "x"',
      and(cmp('userName', 'eq', 'a'), vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'x')))),
    ],
    [
      'emails[type eq "work" or primary eq true].value pr',
      vp('emails', and(or(cmp('type', 'eq', 'work'), cmp('primary', 'eq', true)), pr('value'))),
    ],
    [`${ENTERPRISE}:employeeNumber eq "701984"`, cmp(p('employeeNumber', ENTERPRISE), 'eq', '701984')],
    [`${ENTERPRISE}:manager.value eq "26118915"`, cmp(p('manager.value', ENTERPRISE), 'eq', '26118915')],
    [`${PROFILE}:managementLevel eq "Director"`, cmp(p('managementLevel', PROFILE), 'eq', 'Director')],
  ])('%s', (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });
});

describe('parseFilter: case, whitespace, values', () => {
  it.each(['userName eq "x"', 'userName EQ "x"', 'userName Eq "x"', 'userName eQ "x"'])(
    'operators are case-insensitive: %s',
    (input) => {
      expect(parseFilter(input)).toEqual(cmp('userName', 'eq', 'x'));
    },
  );

  it('keeps attribute names as written (resolution is case-insensitive later)', () => {
    expect(parseFilter('USERNAME eq "x"')).toEqual(cmp('USERNAME', 'eq', 'x'));
    expect(parseFilter('Name.FamilyName eq "x"')).toEqual(cmp('Name.FamilyName', 'eq', 'x'));
  });

  it.each<[string, Filter]>([
    ['a eq 1 AND b eq 2 OR c eq 3', or(and(cmp('a', 'eq', 1), cmp('b', 'eq', 2)), cmp('c', 'eq', 3))],
    ['a eq 1 Or b eq 2 And c eq 3', or(cmp('a', 'eq', 1), and(cmp('b', 'eq', 2), cmp('c', 'eq', 3)))],
    ['NOT (a pr) and b pr', and(not(pr('a')), pr('b'))],
    ['not(a pr)', not(pr('a'))],
    ['a pr and b pr and c pr', and(and(pr('a'), pr('b')), pr('c'))],
    ['a pr or b pr or c pr', or(or(pr('a'), pr('b')), pr('c'))],
    ['a pr and (b pr or c pr)', and(pr('a'), or(pr('b'), pr('c')))],
    ['((a pr))', pr('a')],
    ['emails[not (type eq "work")]', vp('emails', not(cmp('type', 'eq', 'work')))],
  ])('precedence not > and > or, left-associative: %s', (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });

  it.each<[string, Filter]>([
    ['  userName   eq\t"x"  ', cmp('userName', 'eq', 'x')],
    ['userName eq"x"', cmp('userName', 'eq', 'x')],
    ['(userName eq "x")and(active eq true)', and(cmp('userName', 'eq', 'x'), cmp('active', 'eq', true))],
    ['emails[ type eq "work" ]', vp('emails', cmp('type', 'eq', 'work'))],
    ['userName eq "x"\r\nor userName eq "y"', or(cmp('userName', 'eq', 'x'), cmp('userName', 'eq', 'y'))],
  ])('tolerates whitespace: %j', (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });

  it.each<[string, JsonPrimitive]>([
    ['"plain"', 'plain'],
    ['"a \\"quoted\\" word"', 'a "quoted" word'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"\\/\\b\\f\\n\\r\\t"', '/\b\f\n\r\t'],
    ['"\\u00e9\\u00C9"', 'éÉ'],
    ['"\\ud83d\\ude00"', '😀'],
    ['"😀 ünïcode"', '😀 ünïcode'],
    ['""', ''],
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['3.25', 3.25],
    ['-0.5', -0.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['1e+2', 100],
    ['true', true],
    ['TRUE', true],
    ['False', false],
    ['null', null],
    ['NULL', null],
  ])('value %s', (literal, expected) => {
    expect(parseFilter(`x eq ${literal}`)).toEqual(cmp('x', 'eq', expected));
  });

  it('accepts attribute names with digits, "-", "_" and $ref', () => {
    expect(parseFilter('members[$ref eq "https://x/Users/1"]')).toEqual(
      vp('members', cmp('$ref', 'eq', 'https://x/Users/1')),
    );
    expect(parseFilter('x509Certificates pr and my-attr_2 pr')).toEqual(
      and(pr('x509Certificates'), pr('my-attr_2')),
    );
  });

  it('an attribute may be named like a keyword', () => {
    expect(parseFilter('not eq "x"')).toEqual(cmp('not', 'eq', 'x'));
    expect(parseFilter('type eq "x" and and pr')).toEqual(and(cmp('type', 'eq', 'x'), pr('and')));
  });

  it('splits a URN path at the last colon: the URN keeps its "2.0"', () => {
    expect(parseFilter(`${ENTERPRISE}:manager.value pr`)).toEqual({
      kind: 'present',
      path: { uri: ENTERPRISE, attribute: 'manager', subAttribute: 'value' },
    });
    expect(parseFilter(`${CORE}:emails[type eq "work"]`)).toEqual({
      kind: 'valuePath',
      path: { uri: CORE, attribute: 'emails' },
      filter: cmp('type', 'eq', 'work'),
    });
  });

  it('accepts nesting up to the limit', () => {
    const deep = `${'('.repeat(MAX_NESTING_DEPTH)}a pr${')'.repeat(MAX_NESTING_DEPTH)}`;
    expect(parseFilter(deep)).toEqual(pr('a'));
  });

  it('accepts a long or-chain within the length cap, left-deep', () => {
    const terms = Array.from({ length: 500 }, (_, index) => `id eq "${index}"`);
    const parsed = parseFilter(terms.join(' or '));
    let depth = 0;
    let node: Filter = parsed;
    while (node.kind === 'or') {
      expect(node.right.kind).toBe('compare');
      node = node.left;
      depth += 1;
    }
    expect(depth).toBe(499);
    expect(node).toEqual(cmp('id', 'eq', '0'));
  });
});

describe("parseFilter: unquoted values (Microsoft's SCIM test collection, RFC 7644 example)", () => {
  const created = '2015-10-10T14:38:21.8617979-07:00';
  // Every filter= of AzureAD/SCIMReferenceCode's PostmanCollection.json, and RFC 7644 §3.4.2.2's
  // `meta.resourceType eq User`. Attribute names keep the letter case sent (resolution ignores it).
  it.each<[string, Filter]>([
    ['DisplayName eq "BobIsAmazing"', cmp('DisplayName', 'eq', 'BobIsAmazing')],
    [
      'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      and(
        cmp('name.FamilyName', 'eq', 'Employee'),
        or(cmp('emails.Value', 'co', 'example.com'), cmp('emails.Value', 'co', 'example.org')),
      ),
    ],
    ['userName sw O', cmp('userName', 'sw', 'O')],
    [`meta.Created gt ${created}`, cmp('meta.Created', 'gt', created)],
    ['meta.resourceType eq User', cmp('meta.resourceType', 'eq', 'User')],
  ])('%s', (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });

  it.each([
    'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
    'userName sw O',
    `meta.Created gt ${created}`,
  ])('reads %s exactly as its quoted form', (input) => {
    const quoted = input.replace(
      / (eq|co|sw|gt) ([^ )]+)/g,
      (_, op: string, value: string) => ` ${op} "${value}"`,
    );
    expect(quoted).not.toBe(input);
    expect(parseFilter(input)).toEqual(parseFilter(quoted));
  });

  it.each<[string, JsonPrimitive]>([
    // The whole run up to whitespace, ')' or ']' is one value: a number only if all of it is one.
    [created, created],
    ['2011-05-13T04:42:34Z', '2011-05-13T04:42:34Z'],
    ['2015', 2015],
    ['01', '01'],
    ['1.', '1.'],
    ['-', '-'],
    ['12abc', '12abc'],
    ['1e3x', '1e3x'],
    ['-7', -7],
    ['2.5E-2', 0.025],
    ['example.com', 'example.com'],
    ['a@b.com', 'a@b.com'],
    ["O'Malley", "O'Malley"],
    ["'s-Hertogenbosch", "'s-Hertogenbosch"],
    ["'", "'"],
    ['jürgen😀', 'jürgen😀'],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', ENTERPRISE],
    // No unescaping outside quotes: backslashes are kept as written.
    ['a\\nb', 'a\\nb'],
    // Literals stay typed in any letter case; longer words that start like them are text.
    ['True', true],
    ['FALSE', false],
    ['Null', null],
    ['truex', 'truex'],
    ['nullable', 'nullable'],
    // Operator words are fine as values (`preferredLanguage eq ne`, `addresses.country eq co`).
    ['ne', 'ne'],
    ['co', 'co'],
    ['pr', 'pr'],
    ['and_more', 'and_more'],
    ['ornament', 'ornament'],
  ])('value %s', (literal, expected) => {
    expect(parseFilter(`x eq ${literal}`)).toEqual(cmp('x', 'eq', expected));
  });

  it.each<[string, Filter]>([
    ['(userName eq bjensen)', cmp('userName', 'eq', 'bjensen')],
    [
      'userName eq bjensen\tor userName eq jsmith',
      or(cmp('userName', 'eq', 'bjensen'), cmp('userName', 'eq', 'jsmith')),
    ],
    [
      'userName eq bjensen\r\nand active eq TRUE',
      and(cmp('userName', 'eq', 'bjensen'), cmp('active', 'eq', true)),
    ],
    ['emails[type eq work]', vp('emails', cmp('type', 'eq', 'work'))],
    [
      'emails[type eq work].value eq a@b.com',
      vp('emails', and(cmp('type', 'eq', 'work'), cmp('value', 'eq', 'a@b.com'))),
    ],
    ['not (title eq Intern)', not(cmp('title', 'eq', 'Intern'))],
    // A quoted value still ends at its closing quote; an unquoted one after it is the next operand.
    ['a eq "x y" or b eq x', or(cmp('a', 'eq', 'x y'), cmp('b', 'eq', 'x'))],
    // `not` as an attribute name, followed by an unquoted value.
    ['not eq x', cmp('not', 'eq', 'x')],
  ])('an unquoted value ends at whitespace, ")" or "]": %j', (input, expected) => {
    expect(parseFilter(input)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['userName co 1', "'co' compares text"],
    ['userName sw 2015', "'sw' compares text"],
    ['active gt TRUE', "'gt' compares order"],
  ])('unquoted numbers and literals keep their type, so %j is still invalidFilter', (input, message) => {
    const error = scimErrorFrom(() => parseFilter(input));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(message);
  });

  it.each<[string, number, string]>([
    ['displayName eq Jane Doe', 21, "expected 'and', 'or' or the end of the filter"],
    ['(displayName eq Jane Doe)', 22, "expected 'and', 'or' or ')'"],
    ['emails[value eq jane doe]', 22, "expected 'and', 'or' or ']'"],
    ['userName eq jane.doe@example.com jane.doe@example.com', 34, "expected 'and', 'or' or the end"],
  ])(
    'an unquoted value with a space: %j -> position %d, a hint, and no echo of the text (personal data)',
    (input, position, expected) => {
      const error = scimErrorFrom(() => parseFilter(input));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toContain(`position ${position}:`);
      expect(error.detail).toContain(expected);
      expect(error.detail).toContain('a value containing spaces must be in double quotes');
      expect(error.detail.toLowerCase()).not.toMatch(/jane|doe/);
    },
  );

  it('parsePath accepts unquoted values inside brackets too', () => {
    expect(parsePath('members[value eq 2819c223-7f76-453a-919d-413861904646]')).toEqual({
      attribute: 'members',
      filter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646'),
    });
    expect(parsePath('addresses[type eq work].locality')).toEqual({
      attribute: 'addresses',
      filter: cmp('type', 'eq', 'work'),
      subAttribute: 'locality',
    });
  });
});

describe('parseFilter: errors are invalidFilter with a position and what was expected', () => {
  it.each<[string, number, string]>([
    ['', 1, 'empty filter'],
    ['   ', 1, 'empty filter'],
    ['userName', 9, 'expected an operator'],
    ['userName eq', 12, 'expected a value'],
    ['userName eq   ', 15, 'expected a value'],
    ['(userName eq )', 14, 'expected a value'],
    ['userName eq (x)', 13, 'expected a value'],
    ['userName xx "a"', 10, 'expected an operator'],
    // and/or/not as an unquoted value most likely mean a forgotten value.
    ['userName eq and active eq true', 13, 'expected a value but found "and": write "and" in double quotes'],
    ['userName eq OR', 13, 'expected a value but found "OR": write "OR" in double quotes'],
    ['emails[type eq not]', 16, 'expected a value but found "not"'],
    ['userName eq "x" extra', 17, "expected 'and', 'or' or the end of the filter"],
    ['userName eq "x" and', 20, 'expected an attribute path'],
    ['and userName eq "x"', 5, 'expected an operator'],
    ['(userName eq "x"', 1, "unbalanced '('"],
    ['userName eq "x")', 16, "unbalanced ')'"],
    ['(userName eq "x"]', 17, "expected 'and', 'or' or ')'"],
    ['emails[type eq "work"', 7, "unbalanced '['"],
    ['emails[type eq "work")', 22, "expected 'and', 'or' or ']'"],
    ['userName eq "x"]', 16, "unbalanced ']'"],
    ['not userName eq "x"', 5, "expected '(' after 'not'"],
    ['userName eq "abc', 13, 'unterminated string'],
    ['userName eq "a\\qb"', 15, 'invalid escape'],
    ['userName eq "\\u12G4"', 14, 'four hex digits'],
    ['userName eq "a\nb"', 15, 'control characters'],
    ['userName eq 1e999', 13, 'number out of range'],
    ["userName eq 'x'", 13, 'single quotes do not delimit strings'],
    ["userName eq ''", 13, 'single quotes do not delimit strings'],
    ['userName eq ab"c"', 15, `unexpected '"' in an unquoted value`],
    ['userName eq f(x)', 14, `unexpected '(' in an unquoted value`],
    ['userName eq a[1]', 14, `unexpected '[' in an unquoted value`],
    ['userName eq a\u0001b', 14, 'control characters are not allowed in an unquoted value'],
    ['userName eq x y', 15, "expected 'and', 'or' or the end of the filter"],
    ['userName eq x)', 14, "unbalanced ')'"],
    ['userName eq "x" && a pr', 17, 'unexpected character "&"'],
    ['userName\u00a0eq "x"', 9, 'unexpected character U+00a0'],
    ['title pr "x"', 10, "'pr' (present) takes no value"],
    ['title pr true', 10, "'pr' (present) takes no value"],
    ['title pr 1', 10, "'pr' (present) takes no value"],
    ['meta.lastModified gt null', 22, "'gt' compares order"],
    ['active ge true', 11, "'ge' compares order"],
    ['active lt false', 11, "'lt' compares order"],
    ['x le null', 6, "'le' compares order"],
    ['userName co 1', 13, "'co' compares text"],
    ['userName sw null', 13, "'sw' compares text"],
    ['userName ew true', 13, "'ew' compares text"],
    ['name.familyName.x eq "a"', 16, 'at most one sub-attribute'],
    ['2fa eq "x"', 1, 'invalid number'],
    ['_x eq "x"', 1, 'invalid attribute name'],
    ['name. eq "x"', 6, 'expected an attribute name'],
    [':userName eq "x"', 1, 'expected a schema URN'],
    [`${CORE}: eq "x"`, 44, 'expected an attribute name'],
    ['emails[type.x eq "work"]', 12, 'relative to the element'],
    [`emails[${CORE}:type eq "work"]`, 8, 'relative to the element'],
    ['emails[members[value eq "x"]]', 15, 'cannot be nested'],
    ['name.givenName[value eq "x"]', 1, 'not to a sub-attribute'],
    ['emails[type eq "work"].value', 29, 'expected an operator'],
    ['emails[type eq "work"].value.x eq "a"', 23, 'single sub-attribute name'],
    ['emails[type eq "work"].1 eq "a"', 24, 'invalid attribute name'],
    ['userName .x eq "a"', 10, 'expected an operator'],
    ['[type eq "x"]', 1, 'expected an attribute path'],
    ['"x" eq userName', 1, 'expected an attribute path'],
    ['()', 2, 'expected an attribute path'],
    ['emails[]', 8, 'expected an attribute path'],
  ])('%j -> position %d: %s', (input, position, expected) => {
    const error = scimErrorFrom(() => parseFilter(input));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(`position ${position}:`);
    expect(error.detail).toContain(expected);
  });

  it('never echoes string values (they may be personal data)', () => {
    const error = scimErrorFrom(() =>
      parseFilter('userName eq "jane.doe@example.com" "jane.doe@example.com"'),
    );
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain('found a string');
    expect(error.detail).not.toContain('jane');
  });

  it('rejects nesting deeper than the cap with a clear message', () => {
    const deep = `${'('.repeat(MAX_NESTING_DEPTH + 1)}a pr${')'.repeat(MAX_NESTING_DEPTH + 1)}`;
    const error = scimErrorFrom(() => parseFilter(deep));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(`position ${MAX_NESTING_DEPTH + 1}:`);
    expect(error.detail).toContain(`nesting deeper than ${MAX_NESTING_DEPTH} levels`);
  });

  it('counts not and brackets towards the nesting cap', () => {
    const deepNot = `${'not ('.repeat(MAX_NESTING_DEPTH + 1)}a pr${')'.repeat(MAX_NESTING_DEPTH + 1)}`;
    expect(scimErrorFrom(() => parseFilter(deepNot)).detail).toContain('nesting deeper');
    const bracketAtLimit = `${'('.repeat(MAX_NESTING_DEPTH)}emails[type pr]${')'.repeat(MAX_NESTING_DEPTH)}`;
    expect(scimErrorFrom(() => parseFilter(bracketAtLimit)).detail).toContain('nesting deeper');
  });

  it('rejects input longer than the cap before tokenising it', () => {
    const long = `userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
    const error = scimErrorFrom(() => parseFilter(long));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain(`longer than ${MAX_FILTER_LENGTH} characters`);
  });

  it('rejects a non-string input from untyped callers', () => {
    const error = scimErrorFrom(() => parseFilter(42 as unknown as string));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toContain('must be a string');
  });
});

describe('parsePath: RFC 7644 §3.5.2 and Entra PATCH paths', () => {
  it.each<[string, object]>([
    ['userName', { attribute: 'userName' }],
    ['active', { attribute: 'active' }],
    ['name.givenName', { attribute: 'name', subAttribute: 'givenName' }],
    ['members', { attribute: 'members' }],
    [
      'emails[type eq "work"].value',
      { attribute: 'emails', filter: cmp('type', 'eq', 'work'), subAttribute: 'value' },
    ],
    [
      'phoneNumbers[type eq "mobile"].value',
      { attribute: 'phoneNumbers', filter: cmp('type', 'eq', 'mobile'), subAttribute: 'value' },
    ],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"]',
      { attribute: 'members', filter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646') },
    ],
    [
      'members[value eq "2819c223-7f76-453a-919d-413861904646"].displayName',
      {
        attribute: 'members',
        filter: cmp('value', 'eq', '2819c223-7f76-453a-919d-413861904646'),
        subAttribute: 'displayName',
      },
    ],
    [
      'addresses[type eq "work"].locality',
      { attribute: 'addresses', filter: cmp('type', 'eq', 'work'), subAttribute: 'locality' },
    ],
    [
      'emails[type eq "work" and value ew "example.com"]',
      { attribute: 'emails', filter: and(cmp('type', 'eq', 'work'), cmp('value', 'ew', 'example.com')) },
    ],
    [`${ENTERPRISE}:manager`, { uri: ENTERPRISE, attribute: 'manager' }],
    [`${ENTERPRISE}:manager.value`, { uri: ENTERPRISE, attribute: 'manager', subAttribute: 'value' }],
    [`${ENTERPRISE}:department`, { uri: ENTERPRISE, attribute: 'department' }],
    [`${PROFILE}:managementLevel`, { uri: PROFILE, attribute: 'managementLevel' }],
    [`${CORE}:name.givenName`, { uri: CORE, attribute: 'name', subAttribute: 'givenName' }],
    [
      `${ENTERPRISE}:manager[value eq "m1"]`,
      { uri: ENTERPRISE, attribute: 'manager', filter: cmp('value', 'eq', 'm1') },
    ],
    // A bare schema URN: split at the last colon; uri + ':' + attribute is the extension's id.
    [ENTERPRISE, { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0', attribute: 'User' }],
    [PROFILE, { uri: 'urn:ietf:params:scim:schemas:extension:profile:2.0', attribute: 'User' }],
    ['  userName  ', { attribute: 'userName' }],
    [
      'EMAILS[TYPE EQ "work"].VALUE',
      { attribute: 'EMAILS', filter: cmp('TYPE', 'eq', 'work'), subAttribute: 'VALUE' },
    ],
  ])('%s', (input, expected) => {
    expect(parsePath(input)).toEqual(expected);
  });

  it.each<[string, number, string]>([
    ['', 1, 'empty path'],
    ['user name', 6, 'expected the end of the path'],
    ['name.givenName.x', 15, 'at most one sub-attribute'],
    ['emails[type eq "work"].value.x', 23, 'single sub-attribute name'],
    ['emails[type eq "work"] value', 24, 'expected the end of the path'],
    ['emails[type eq "work"', 7, "unbalanced '['"],
    ['emails[type eq]', 15, 'expected a value'],
    ['emails[type eq and]', 16, 'expected a value but found "and"'],
    ['emails[type eq wo"rk"]', 18, `unexpected '"' in an unquoted value`],
    ['emails[type.x eq "work"]', 12, 'relative to the element'],
    ['name.givenName[value eq "x"]', 1, 'not to a sub-attribute'],
    ['"userName"', 1, 'expected an attribute path'],
    ['emails[type eq "work"]]', 23, 'expected the end of the path'],
    ['userName eq "x"', 10, 'expected the end of the path'],
    ['1abc', 1, 'invalid number'],
    ['na#me', 3, 'unexpected character "#"'],
  ])('%j -> invalidPath at position %d: %s', (input, position, expected) => {
    const error = scimErrorFrom(() => parsePath(input));
    expect(error.status).toBe(400);
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toContain(`position ${position}:`);
    expect(error.detail).toContain(expected);
  });

  it('caps path length', () => {
    const error = scimErrorFrom(() => parsePath(`a${'b'.repeat(MAX_FILTER_LENGTH)}`));
    expect(error.scimType).toBe('invalidPath');
    expect(error.detail).toContain('longer than');
  });
});
