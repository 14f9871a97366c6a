/**
 * Properties of the normalisers (validate.ts) over generated inputs close to what clients send: they are
 * total, say why exactly when they reject, produce canonical values (nothing empty, schema casing and
 * order, new containers) and are idempotent.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ALL_SCHEMAS } from '../../../lambdas/scim/schema';
import type { AttributeDefinition } from '../../../lambdas/scim/schema/types';
import type { Issue } from '../../../lambdas/scim/issues';
import { isJsonObject } from '../../../lambdas/scim/json';
import type { JsonValue } from '../../../lambdas/scim/json';
import { attributeNormaliser, INVALID, isEmptyValue } from '../../../lambdas/scim/validate';

const normalise = (
  attribute: AttributeDefinition,
  input: unknown,
): { readonly value: JsonValue | undefined | typeof INVALID; readonly issues: readonly Issue[] } => {
  const issues: Issue[] = [];
  const value = attributeNormaliser(attribute)(input, issues);
  return { value, issues };
};

const attributeNamed = (schemaName: string, name: string): AttributeDefinition => {
  const schema = ALL_SCHEMAS.find((candidate) => candidate.name === schemaName);
  const attribute = schema?.attributes.find((candidate) => candidate.name === name);
  if (!attribute) throw new Error(`${schemaName}.${name} is not defined`);
  return attribute;
};

const withSubAttributes = (attribute: AttributeDefinition): AttributeDefinition[] => [
  attribute,
  ...(attribute.subAttributes ?? []),
];

/** Every definition the PATCH interpreter normalises against, including one element of a list. */
const DEFINITIONS: readonly AttributeDefinition[] = ALL_SCHEMAS.flatMap((schema) =>
  schema.attributes.flatMap(withSubAttributes),
).flatMap((attribute) =>
  attribute.multiValued ? [attribute, { ...attribute, multiValued: false }] : [attribute],
);

const randomCase = (text: string): fc.Arbitrary<string> =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => [...text].map((char, index) => (upper[index] ? char.toUpperCase() : char)).join(''));

const EMPTY = fc.constantFrom<unknown>(null, '', undefined, []);

/** Well-formed values of `attribute`'s type, as clients send them. */
const plausibleFor = (attribute: AttributeDefinition): fc.Arbitrary<unknown> =>
  attribute.type === 'boolean'
    ? fc.oneof(fc.boolean(), fc.constantFrom('True', 'false', 'yes'))
    : attribute.canonicalValues?.length
      ? fc.constantFrom(...attribute.canonicalValues).chain(randomCase)
      : fc.constantFrom('x', 'y@example.com');

/** Values close to what clients send for `attribute`: right and wrong types, odd casing, empties. */
const primitiveFor = (attribute: AttributeDefinition): fc.Arbitrary<unknown> =>
  fc.oneof(
    plausibleFor(attribute),
    fc.constantFrom('true', 'False', ' TRUE ', 'yes', 'No', 'maybe', '2011-05-13T04:42:34Z', 'TUlJRA=='),
    ...(attribute.canonicalValues ?? []).map(randomCase),
    fc.string({ maxLength: 6 }),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    EMPTY,
    fc.jsonValue({ maxDepth: 1 }),
  );

const objectFor = (attribute: AttributeDefinition): fc.Arbitrary<unknown> => {
  const subs = attribute.subAttributes ?? [];
  const entry = fc.oneof(
    ...subs.map((sub) => fc.tuple(randomCase(sub.name), primitiveFor(sub))),
    fc.tuple(fc.constantFrom('unknown', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 1 })),
  );
  const arbitrary = fc.array(entry, { maxLength: 5 }).map((entries) => {
    const object: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
    }
    return object;
  });
  const wellFormed = fc.record(Object.fromEntries(subs.map((sub) => [sub.name, plausibleFor(sub)])), {
    requiredKeys: [],
  });
  return fc.oneof(arbitrary, wellFormed);
};

const elementFor = (attribute: AttributeDefinition): fc.Arbitrary<unknown> =>
  attribute.type === 'complex'
    ? fc.oneof(objectFor(attribute), primitiveFor(attribute))
    : primitiveFor(attribute);

const inputFor = (attribute: AttributeDefinition): fc.Arbitrary<unknown> =>
  fc.oneof(
    elementFor(attribute),
    fc.array(elementFor(attribute), { maxLength: 4 }),
    fc.jsonValue({ maxDepth: 3 }),
  );

const definitionAndInput = fc
  .constantFrom(...DEFINITIONS)
  .chain((attribute) => fc.tuple(fc.constant(attribute), inputFor(attribute)));

/** Checks that `value` is canonical for `attribute`: see the module comment. */
const expectCanonical = (attribute: AttributeDefinition, value: JsonValue): void => {
  if (attribute.multiValued) {
    expect(Array.isArray(value) && value.length).toBeGreaterThan(0);
    const elements = value as JsonValue[];
    expect(
      elements.filter((element) => isJsonObject(element) && element.primary === true).length,
    ).toBeLessThan(2);
    for (const element of elements) expectCanonical({ ...attribute, multiValued: false }, element);
    return;
  }
  expect(isEmptyValue(value) || Array.isArray(value)).toBe(false);
  if (attribute.type !== 'complex') {
    expect(typeof value).toBe(
      attribute.type === 'boolean'
        ? 'boolean'
        : ['integer', 'decimal'].includes(attribute.type)
          ? 'number'
          : 'string',
    );
    return;
  }
  if (!isJsonObject(value)) throw new Error('a complex value must be an object');
  const names = (attribute.subAttributes ?? []).map((sub) => sub.name);
  const keys = Object.keys(value);
  expect(keys.length).toBeGreaterThan(0);
  // Schema names, in schema order.
  expect(keys).toEqual(names.filter((name) => keys.includes(name)));
  for (const key of keys) {
    const sub = attribute.subAttributes?.find((candidate) => candidate.name === key);
    if (!sub) throw new Error(`unknown key ${key}`);
    expectCanonical(sub, value[key] as JsonValue);
  }
};

describe('normalisers', () => {
  it('reject with issues, or accept without any, and never throw', () => {
    fc.assert(
      fc.property(definitionAndInput, ([attribute, input]) => {
        const { value, issues } = normalise(attribute, input);
        expect(value === INVALID).toBe(issues.length > 0);
        for (const issue of issues) expect(issue.message).toMatch(/^(expected|more than one|sub-attribute)/);
      }),
      { numRuns: 3_000 },
    );
  });

  it('produce canonical values', () => {
    fc.assert(
      fc.property(definitionAndInput, ([attribute, input]) => {
        const { value } = normalise(attribute, input);
        if (value !== INVALID && value !== undefined) expectCanonical(attribute, value);
      }),
      { numRuns: 3_000 },
    );
  });

  it('are idempotent: a normalised value normalises to itself, key order included', () => {
    fc.assert(
      fc.property(definitionAndInput, ([attribute, input]) => {
        const { value } = normalise(attribute, input);
        if (value === INVALID || value === undefined) return;
        const again = normalise(attribute, value);
        expect(again.issues).toEqual([]);
        expect(JSON.stringify(again.value)).toBe(JSON.stringify(value));
      }),
      { numRuns: 3_000 },
    );
  });

  it('never return containers of the input: objects and lists are new', () => {
    const members = attributeNamed('Group', 'members');
    const input = [{ value: 'a', $ref: null }];
    const output = normalise(members, input).value;
    expect(output).toEqual([{ value: 'a' }]);
    expect(output).not.toBe(input);
    expect(Array.isArray(output) && output[0]).not.toBe(input[0]);
  });

  it.each<[string, string, unknown, unknown]>([
    ['User', 'active', 'False', false],
    ['User', 'displayName', 'Pat Lee', 'Pat Lee'],
    [
      'User',
      'emails',
      [{ value: 'a@b.c', type: 'Work', primary: true }],
      [{ value: 'a@b.c', type: 'work', primary: true }],
    ],
    [
      'Group',
      'members',
      [{ $ref: null, value: 'u-1' }, { value: 'u-2' }],
      [{ value: 'u-1' }, { value: 'u-2' }],
    ],
    ['EnterpriseUser', 'manager', 'm-1', { value: 'm-1' }],
  ])('handle the Entra form of %s.%s', (schemaName, name, input, expected) => {
    expect(normalise(attributeNamed(schemaName, name), input)).toEqual({ value: expected, issues: [] });
  });
});
