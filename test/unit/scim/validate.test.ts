import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../../../lambdas/scim/json';
import { ALL_SCHEMAS } from '../../../lambdas/scim/schema';
import type { AttributeDefinition, AttributeType } from '../../../lambdas/scim/schema/types';
import type { Issue } from '../../../lambdas/scim/issues';
import { attributeNormaliser, formatIssuePath, INVALID, isEmptyValue } from '../../../lambdas/scim/validate';

/** The normalised value of `input`, or the issues found. */
const normalise = (
  attribute: AttributeDefinition,
  input: unknown,
): { readonly value: JsonValue | undefined } | { readonly issues: readonly Issue[] } => {
  const issues: Issue[] = [];
  const value = attributeNormaliser(attribute)(input, issues);
  return value === INVALID ? { issues } : { value };
};

/** A well-typed canonical value for each simple type. */
const SAMPLES: Record<Exclude<AttributeType, 'complex'>, JsonValue> = {
  string: 'x',
  boolean: true,
  decimal: 1.5,
  integer: 2,
  dateTime: '2011-05-13T04:42:34Z',
  reference: 'https://example.com/v2/Users/1',
  binary: 'TUlJRA==',
};

const sampleOf = (attribute: AttributeDefinition): JsonValue => {
  const one =
    attribute.type === 'complex'
      ? Object.fromEntries((attribute.subAttributes ?? []).map((sub) => [sub.name, sampleOf(sub)]))
      : (attribute.canonicalValues?.[0] ?? SAMPLES[attribute.type]);
  return attribute.multiValued ? [one] : one;
};

/** A value of the wrong JSON type for the attribute. */
const wrongOf = (attribute: AttributeDefinition): JsonValue => {
  const one =
    attribute.type === 'boolean' ? 'maybe' : attribute.type === 'complex' ? true : { nested: 'object' };
  return attribute.multiValued ? [one] : one;
};

const everyAttribute = ALL_SCHEMAS.flatMap((schema) =>
  schema.attributes.map((attribute) => [`${schema.id}:${attribute.name}`, attribute] as const),
);

describe('normalisers derived from the schema data', () => {
  it.each(everyAttribute)('%s accepts its canonical form unchanged', (_path, attribute) => {
    const sample = sampleOf(attribute);
    expect(normalise(attribute, sample)).toEqual({ value: sample });
  });

  it.each(everyAttribute)('%s rejects a value of the wrong type', (_path, attribute) => {
    const result = normalise(attribute, wrongOf(attribute));
    expect('issues' in result && result.issues.length).toBeGreaterThan(0);
  });

  it('caches one normaliser per definition', () => {
    const [, attribute] = everyAttribute[0] ?? [];
    if (!attribute) throw new Error('no attributes');
    expect(attributeNormaliser(attribute)).toBe(attributeNormaliser(attribute));
  });
});

describe('helpers', () => {
  it.each<[string, readonly PropertyKey[], string]>([
    ['emails', [], 'emails'],
    ['emails', [1, 'type'], 'emails[1].type'],
    ['name', ['givenName'], 'name.givenName'],
  ])('formatIssuePath(%p, %p) = %p', (path, issuePath, expected) => {
    expect(formatIssuePath(path, issuePath)).toBe(expected);
  });

  it.each<[unknown, boolean]>([
    [undefined, true],
    [null, true],
    ['', true],
    [' ', false],
    [0, false],
    [false, false],
    [[], false],
  ])('isEmptyValue(%p) = %p', (value, expected) => {
    expect(isEmptyValue(value)).toBe(expected);
  });
});
