/**
 * The fast normalisers (validate.ts) are a performance twin of the zod validators: whenever one handles an
 * input it must produce exactly what zod produces (same value, same key order), and every input zod
 * rejects must be left to zod.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ALL_SCHEMAS } from '../../../lambdas/scim/schema';
import type { AttributeDefinition } from '../../../lambdas/scim/schema/types';
import { attributeValidator, fastNormaliser, UNHANDLED } from '../../../lambdas/scim/validate';

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

describe('fast normalisers', () => {
  it('give exactly the zod output (key order included) whenever they handle an input', () => {
    fc.assert(
      fc.property(definitionAndInput, ([attribute, input]) => {
        const fast = fastNormaliser(attribute)(input);
        if (fast === UNHANDLED) return;
        const result = attributeValidator(attribute).safeParse(input);
        expect(result.success).toBe(true);
        expect(fast).toEqual(result.data);
        expect(JSON.stringify(fast)).toBe(JSON.stringify(result.data));
      }),
      { numRuns: 20_000 },
    );
  });

  it('leave every input zod rejects to zod', () => {
    fc.assert(
      fc.property(definitionAndInput, ([attribute, input]) => {
        if (attributeValidator(attribute).safeParse(input).success) return;
        expect(fastNormaliser(attribute)(input)).toBe(UNHANDLED);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never return containers of the input: objects and lists are new', () => {
    const members = attributeNamed('Group', 'members');
    const input = [{ value: 'a', $ref: null }];
    const output = fastNormaliser(members)(input);
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
  ])('handle the Entra form of %s.%s without zod', (schemaName, name, input, expected) => {
    expect(fastNormaliser(attributeNamed(schemaName, name))(input)).toEqual(expected);
  });
});
