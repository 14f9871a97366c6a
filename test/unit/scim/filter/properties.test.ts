/**
 * Property tests: whatever the input, the parsers and the evaluator return a result or throw a ScimError
 * of the right scimType, never another exception; valid filters survive format -> parse unchanged.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ScimError } from '../../../../lambdas/scim/errors';
import type { AttributePath, CompareOperator, Filter, PatchPath } from '../../../../lambdas/scim/filter/ast';
import { compileFilter, evaluateFilter } from '../../../../lambdas/scim/filter/evaluate';
import { formatFilter, formatPatchPath } from '../../../../lambdas/scim/filter/format';
import { parseFilter, parsePath } from '../../../../lambdas/scim/filter/parser';
import type { JsonObject, JsonPrimitive } from '../../../../lambdas/scim/json';
import { USER_SCHEMA } from '../../../../lambdas/scim/schema';
import { BJENSEN, CORE_URN, EXTENSION_URN, TEST_SCHEMA } from './fixtures';

const RUNS = { numRuns: 1000 };

/** Runs `action`; a ScimError of `scimType` is fine, anything else fails the property. */
const onlyScimErrors = (scimType: string, action: () => unknown): void => {
  try {
    action();
  } catch (error: unknown) {
    if (!(error instanceof ScimError)) throw error;
    expect(error.scimType).toBe(scimType);
    expect(error.status).toBe(400);
  }
};

/** Fragments of filter syntax, so random soups reach deep into the grammar rather than failing at once. */
const FRAGMENTS = [
  '(',
  ')',
  '[',
  ']',
  ' ',
  ' ',
  ' ',
  '"',
  '\\',
  '.',
  ':',
  '"x"',
  '"\\u00e9"',
  '"\\',
  '1',
  '-2.5e3',
  '1e999',
  'eq',
  'NE',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
  'pr',
  'and',
  'OR',
  'not',
  'true',
  'False',
  'null',
  'userName',
  'emails',
  'type',
  'value',
  '.value',
  'name.givenName',
  'meta.lastModified',
  'a.b.c',
  '$ref',
  `${CORE_URN}:userName`,
  `${EXTENSION_URN}:manager.value`,
  `${EXTENSION_URN}`,
  'urn:',
  '\t',
  '\u00a0',
  '😀',
  // Unquoted values (Microsoft's test collection sends them).
  'O',
  'example.com',
  '2015-10-10T14:38:21.8617979-07:00',
  "O'Malley",
  "'",
  '01',
  '12abc',
  '\u0001',
];
const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 25 }).map((parts) => parts.join(''));

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary', maxLength: 2000 }),
  soup,
);

describe('parseFilter / parsePath never throw anything but their ScimError', () => {
  it('parseFilter', () => {
    fc.assert(
      fc.property(anyText, (input) => onlyScimErrors('invalidFilter', () => parseFilter(input))),
      RUNS,
    );
  });

  it('parsePath', () => {
    fc.assert(
      fc.property(anyText, (input) => onlyScimErrors('invalidPath', () => parsePath(input))),
      RUNS,
    );
  });

  it('error messages always carry a 1-based position within the input (or just past it)', () => {
    fc.assert(
      fc.property(soup, (input) => {
        try {
          parseFilter(input);
        } catch (error: unknown) {
          if (!(error instanceof ScimError)) throw error;
          const position = /at position (\d+):/.exec(error.detail)?.[1];
          expect(position).toBeDefined();
          expect(Number(position)).toBeGreaterThanOrEqual(1);
          expect(Number(position)).toBeLessThanOrEqual(input.length + 1);
        }
      }),
      RUNS,
    );
  });
});

// ---- A grammar of valid filters ---------------------------------------------------------------------

const attributeName = fc.stringMatching(/^\$?[A-Za-z][A-Za-z0-9_-]{0,6}$/);
const knownName = fc.constantFrom('userName', 'id', 'externalId', 'active', 'loginCount', 'rating', 'tags');
const name = fc.oneof(knownName, attributeName);

const topPath: fc.Arbitrary<AttributePath> = fc.record(
  {
    uri: fc.constantFrom(CORE_URN, EXTENSION_URN, 'urn:example:custom:2.0:User'),
    attribute: name,
    subAttribute: fc.oneof(fc.constantFrom('value', 'type', 'givenName', 'lastModified'), attributeName),
  },
  { requiredKeys: ['attribute'] },
);
const relativePath: fc.Arbitrary<AttributePath> = fc.record({
  attribute: fc.oneof(fc.constantFrom('value', 'type', 'primary', 'display'), attributeName),
});

const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('work', 'x@example.com'));
const number = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e21, 5e-324),
);
const operatorAndValue: fc.Arbitrary<{ op: CompareOperator; value: JsonPrimitive }> = fc.oneof(
  fc.record({
    op: fc.constantFrom<CompareOperator>('eq', 'ne'),
    value: fc.oneof(text, number, fc.boolean(), fc.constant(null)),
  }),
  fc.record({ op: fc.constantFrom<CompareOperator>('gt', 'ge', 'lt', 'le'), value: fc.oneof(text, number) }),
  fc.record({ op: fc.constantFrom<CompareOperator>('co', 'sw', 'ew'), value: text }),
);

const filterGrammar = (path: fc.Arbitrary<AttributePath>, allowValuePath: boolean) =>
  fc.letrec<{ filter: Filter }>((tie) => {
    const leaves: fc.Arbitrary<Filter>[] = [
      fc.tuple(path, operatorAndValue).map(([attributePath, { op, value }]): Filter => ({
        kind: 'compare',
        path: attributePath,
        op,
        value,
      })),
      path.map((attributePath): Filter => ({ kind: 'present', path: attributePath })),
    ];
    const branches: fc.Arbitrary<Filter>[] = [
      fc.record({ kind: fc.constant('and' as const), left: tie('filter'), right: tie('filter') }),
      fc.record({ kind: fc.constant('or' as const), left: tie('filter'), right: tie('filter') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
    ];
    if (allowValuePath) {
      branches.push(
        fc.record({
          kind: fc.constant('valuePath' as const),
          path: name.map((attribute): AttributePath => ({ attribute })),
          filter: filterGrammar(relativePath, false),
        }),
      );
    }
    return { filter: fc.oneof({ maxDepth: 4, depthSize: 'small' }, ...leaves, ...branches) };
  }).filter;

const validFilter = filterGrammar(topPath, true);

describe('valid filters', () => {
  it('parse back to the same tree after formatting (round trip)', () => {
    fc.assert(
      fc.property(validFilter, (filter) => {
        expect(parseFilter(formatFilter(filter))).toEqual(filter);
      }),
      RUNS,
    );
  });

  it('parse with operators and keywords in any letter case', () => {
    fc.assert(
      fc.property(validFilter, fc.boolean(), (filter, upper) => {
        const recased = formatFilter(filter).replace(
          / (eq|ne|co|sw|ew|gt|ge|lt|le|pr|and|or|not)\b/g,
          (word) => (upper ? word.toUpperCase() : ` ${(word[1] ?? '').toUpperCase()}${word.slice(2)}`),
        );
        // The regex may also re-case an attribute called "and" or text inside a string value, so compare
        // with letter case folded away; what must not change is the shape of the tree.
        expect(foldCase(parseFilter(recased))).toEqual(foldCase(filter));
      }),
      { numRuns: 300 },
    );
  });
});

const foldPath = (path: AttributePath): AttributePath =>
  JSON.parse(JSON.stringify(path).toLowerCase()) as AttributePath;
const foldCase = (filter: Filter): Filter => {
  switch (filter.kind) {
    case 'compare':
      return {
        ...filter,
        path: foldPath(filter.path),
        value: typeof filter.value === 'string' ? filter.value.toLowerCase() : filter.value,
      };
    case 'present':
      return { ...filter, path: foldPath(filter.path) };
    case 'valuePath':
      return { ...filter, path: foldPath(filter.path), filter: foldCase(filter.filter) };
    case 'not':
      return { ...filter, filter: foldCase(filter.filter) };
    default:
      return { ...filter, left: foldCase(filter.left), right: foldCase(filter.right) };
  }
};

// ---- Unquoted values ----------------------------------------------------------------------------------

const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const VALUE_KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not']);

/** Text the parser reads as a string without quotes (parser.ts header): one run, not a number or keyword. */
const isUnquotable = (value: string): boolean =>
  value !== '' &&
  !/[\s"()[\]]/.test(value) &&
  ![...value].some((char) => char.charCodeAt(0) < 0x20) &&
  !JSON_NUMBER.test(value) &&
  !VALUE_KEYWORDS.has(value.toLowerCase()) &&
  !(value.length > 1 && value.startsWith("'") && value.endsWith("'"));

const unquotableText = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 }),
    fc.stringMatching(/^[A-Za-z0-9@._:+'-]{1,24}$/),
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    fc.constantFrom('O', 'example.com', '2015-10-10T14:38:21.8617979-07:00', '01', '1.', '-', 'truex', 'co'),
  )
  .filter(isUnquotable);

describe('unquoted values', () => {
  it('parse exactly like the same text in double quotes, at the top level and inside [...]', () => {
    fc.assert(
      fc.property(
        unquotableText,
        fc.constantFrom<CompareOperator>('eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'),
        (value, op) => {
          const quoted = JSON.stringify(value);
          expect(parseFilter(`userName ${op} ${value}`)).toEqual(parseFilter(`userName ${op} ${quoted}`));
          expect(parseFilter(`(a pr or emails[value ${op} ${value}])`)).toEqual(
            parseFilter(`(a pr or emails[value ${op} ${quoted}])`),
          );
        },
      ),
      RUNS,
    );
  });

  it('any text after an operator gives a Filter or invalidFilter, never another exception', () => {
    fc.assert(
      fc.property(anyText, (value) =>
        onlyScimErrors('invalidFilter', () => parseFilter(`userName eq ${value}`)),
      ),
      RUNS,
    );
  });
});

// ---- Evaluation --------------------------------------------------------------------------------------

const resource: fc.Arbitrary<JsonObject> = fc.oneof(
  fc.constant(BJENSEN),
  fc
    .dictionary(
      fc.oneof(knownName, attributeName, fc.constantFrom('emails', 'meta', 'name', EXTENSION_URN)),
      fc.jsonValue(),
    )
    .map((members): JsonObject => ({ ...(members as JsonObject) })),
);

describe('evaluateFilter', () => {
  it('returns a boolean or throws invalidFilter, for any filter and resource', () => {
    fc.assert(
      fc.property(validFilter, resource, (filter, subject) =>
        onlyScimErrors('invalidFilter', () => {
          expect(typeof evaluateFilter(filter, subject, TEST_SCHEMA)).toBe('boolean');
          expect(typeof evaluateFilter(filter, subject, USER_SCHEMA)).toBe('boolean');
        }),
      ),
      RUNS,
    );
  });

  it('not (f) is the negation of f, and ne is the negation of eq', () => {
    fc.assert(
      fc.property(validFilter, resource, (filter, subject) => {
        let positive: boolean;
        try {
          positive = compileFilter(filter, TEST_SCHEMA)(subject);
        } catch (error: unknown) {
          if (error instanceof ScimError) return;
          throw error;
        }
        expect(evaluateFilter({ kind: 'not', filter }, subject, TEST_SCHEMA)).toBe(!positive);
        if (filter.kind === 'compare' && filter.op === 'eq') {
          expect(evaluateFilter({ ...filter, op: 'ne' }, subject, TEST_SCHEMA)).toBe(!positive);
        }
      }),
      RUNS,
    );
  });

  it('attribute names and operators match in any letter case', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(
          'userName eq "bjensen@example.com"',
          'emails[type eq "work"].value eq "bjensen@example.com"',
          'name.familyName co "malley"',
          `${EXTENSION_URN}:manager.value eq "MGR-1"`,
          'meta.lastModified gt "2011-01-01T00:00:00Z"',
        ),
        fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
        (filter, flips) => {
          // Re-case everything outside string values.
          let inString = false;
          const recased = [...filter]
            .map((char, index) => {
              if (char === '"') inString = !inString;
              if (inString || !flips[index]) return char;
              return char === char.toLowerCase() ? char.toUpperCase() : char.toLowerCase();
            })
            .join('');
          expect(evaluateFilter(parseFilter(recased), BJENSEN, TEST_SCHEMA)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ---- PATCH paths ---------------------------------------------------------------------------------------

const patchPath: fc.Arbitrary<PatchPath> = fc.oneof(
  topPath,
  fc.record(
    {
      uri: fc.constantFrom(CORE_URN, EXTENSION_URN),
      attribute: name,
      filter: filterGrammar(relativePath, false),
      subAttribute: attributeName,
    },
    { requiredKeys: ['attribute', 'filter'] },
  ),
);

describe('parsePath', () => {
  it('parses formatted paths back to the same structure', () => {
    fc.assert(
      fc.property(patchPath, (path) => {
        expect(parsePath(formatPatchPath(path))).toEqual(path);
      }),
      RUNS,
    );
  });
});
