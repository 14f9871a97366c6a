/**
 * zod/mini validators generated from the schema data: one per attribute definition, so a new attribute in
 * lambdas/scim/schema/ is validated without code changes. Each validator both checks and canonicalises
 * a wire value (the leniencies Entra and Okta need live here, next to the type they bend):
 *
 * - null, undefined and "" mean "no value" and parse to undefined (docs/providers.md: clearing).
 * - boolean: JSON booleans and "true"/"false" in any case; peopleManager also "yes"/"no" (docs/product.md).
 * - integer/decimal: JSON numbers and numeric strings.
 * - string/reference: strings; finite numbers become strings (employee numbers, postal codes).
 * - canonicalValues: a case-insensitive match takes the canonical spelling ("Work" -> "work").
 * - complex: sub-attribute names are case-insensitive and take schema casing, unknown ones are dropped
 *   (RFC 7643 §2.1, RFC 7644 §3.3); a bare primitive for an attribute with a `value` sub-attribute means
 *   `{ value }` (Entra sends the manager as a bare id); an object with nothing left is no value.
 * - multi-valued: a single non-array value is wrapped in an array (lenient reading of RFC 7643 §2.4);
 *   elements without a value are dropped; at most one `primary: true` (RFC 7643 §2.4). Several values
 *   of one `type` are kept (two "work" emails): RFC 7643 does not forbid them, Microsoft's reference
 *   client sends them, and rejecting the user would fail the admin's sync. Readers that need one value
 *   of a type take the primary one, else the first (lambdas/scim/profile/read.ts#findOfType).
 * - singular: a one-element array is unwrapped (Entra's legacy `[{"value": "<manager id>"}]`).
 *
 * Messages never echo the value: it may be personal data.
 */
import * as z from 'zod/mini';
import type { JsonObject, JsonValue } from './json';
import { isJsonObject } from './json';
import { PEOPLE_MANAGER_ATTRIBUTE } from './schema/profile';
import type { AttributeDefinition } from './schema/types';
import { matches, rule } from './zod-checks';

export type ValueValidator = z.ZodMiniType<JsonValue | undefined>;

/** What a zod/mini transform receives besides its input: the parse payload, to which issues are added. */
type ParsePayload = z.core.ParsePayload;

/** A custom issue, as classic zod's ctx.addIssue made it (zod/mini transforms have no addIssue). */
const addIssue = (payload: ParsePayload, message: string, path?: PropertyKey[]): void => {
  payload.issues.push({ code: 'custom', message, input: payload.value, ...(path ? { path } : {}) });
};

/** Booleans that also accept yes/no (docs/product.md, "Member profile"). */
const YES_NO_BOOLEANS: ReadonlySet<AttributeDefinition> = new Set([PEOPLE_MANAGER_ATTRIBUTE]);

const TRUE_WORDS = new Set(['true']);
const FALSE_WORDS = new Set(['false']);
const YES_NO_TRUE_WORDS = new Set(['true', 'yes']);
const YES_NO_FALSE_WORDS = new Set(['false', 'no']);

/** xsd:dateTime (RFC 7643 §2.3.5), time zone optional. */
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A value that stands for "no value": absent, null or the empty string. */
export const isEmptyValue = (value: unknown): boolean =>
  value === undefined || value === null || value === '';

/**
 * A validator of a primitive type: `read` gives an input's canonical value, or undefined when it is not
 * one, and then the issue says `message`. One transform, not a union of zod types: every failure has the
 * one message anyway, and z.union and z.boolean would weigh more than these functions in the bundle.
 */
const primitive = <T extends JsonValue>(message: string, read: (input: unknown) => T | undefined) =>
  z.transform((input: unknown, payload): T => {
    const value = read(input);
    if (value !== undefined) return value;
    addIssue(payload, message);
    return z.NEVER;
  });

/** The boolean an input stands for, or undefined; booleanValidator and fastBoolean both read with it. */
const booleanReader = (attribute: AttributeDefinition): ((input: unknown) => boolean | undefined) => {
  const [trueWords, falseWords] = YES_NO_BOOLEANS.has(attribute)
    ? [YES_NO_TRUE_WORDS, YES_NO_FALSE_WORDS]
    : [TRUE_WORDS, FALSE_WORDS];
  return (input) => {
    if (typeof input === 'boolean') return input;
    if (typeof input !== 'string') return undefined;
    const word = input.trim().toLowerCase();
    if (trueWords.has(word)) return true;
    return falseWords.has(word) ? false : undefined;
  };
};

const booleanValidator = (attribute: AttributeDefinition): z.ZodMiniType<boolean> => {
  const accepted = YES_NO_BOOLEANS.has(attribute) ? 'true, false, yes or no' : 'true or false';
  return primitive(`expected a boolean (${accepted})`, booleanReader(attribute));
};

const numberValidator = (pattern: RegExp, integer: boolean): z.ZodMiniType<number> =>
  primitive(`expected ${integer ? 'an integer' : 'a number'}`, (input) => {
    if (typeof input === 'number') {
      const valid = integer ? Number.isSafeInteger(input) : Number.isFinite(input);
      return valid ? input : undefined;
    }
    if (typeof input !== 'string') return undefined;
    const text = input.trim();
    return pattern.test(text) ? Number(text) : undefined;
  });

const stringValidator = (attribute: AttributeDefinition): z.ZodMiniType<string> => {
  // Canonical values are suggestions (RFC 7643 §7): others are kept as sent.
  const byLowerCase = new Map(attribute.canonicalValues?.map((value) => [value.toLowerCase(), value]));
  return primitive('expected a string', (input) => {
    let text: string;
    if (typeof input === 'string') text = input;
    else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
    else return undefined;
    return byLowerCase.get(text.toLowerCase()) ?? text;
  });
};

const primitiveValidator = (attribute: AttributeDefinition): z.ZodMiniType<JsonValue> => {
  switch (attribute.type) {
    case 'boolean':
      return booleanValidator(attribute);
    case 'integer':
      return numberValidator(INTEGER, true);
    case 'decimal':
      return numberValidator(DECIMAL, false);
    case 'dateTime':
      return z.string({ error: 'expected a dateTime string' }).check(
        matches(DATE_TIME, 'expected an xsd:dateTime such as 2011-05-13T04:42:34Z', true),
        rule((text: string) => !Number.isNaN(Date.parse(text)), {
          code: 'custom',
          message: 'expected a valid dateTime',
        }),
      );
    case 'binary':
      return z.string({ error: 'expected a base64 string' }).check(matches(BASE64, 'expected base64'));
    case 'string':
    case 'reference':
      return stringValidator(attribute);
    case 'complex':
      throw new Error(`"${attribute.name}" is complex`);
  }
};

/** Renames sub-attribute keys to schema casing and drops unknown ones. */
const canonicaliseKeys = (
  input: JsonObject,
  subAttributes: readonly AttributeDefinition[],
  payload: ParsePayload,
): JsonObject => {
  const byLowerCase = new Map(subAttributes.map((sub) => [sub.name.toLowerCase(), sub.name]));
  const output: JsonObject = {};
  for (const [key, value] of Object.entries(input)) {
    const name = byLowerCase.get(key.toLowerCase());
    if (name === undefined || isEmptyValue(value)) continue;
    if (output[name] !== undefined) {
      addIssue(payload, `sub-attribute "${name}" is given more than once`, [name]);
      continue;
    }
    output[name] = value;
  }
  return output;
};

const withoutUndefined = (input: Record<string, JsonValue | undefined>): JsonObject | undefined => {
  const entries = Object.entries(input).filter(([, value]) => value !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
};

const complexValidator = (attribute: AttributeDefinition): ValueValidator => {
  const subAttributes = attribute.subAttributes ?? [];
  const hasValue = subAttributes.some((sub) => sub.name === 'value');
  const shape = Object.fromEntries(
    subAttributes.map((sub) => [sub.name, z.optional(attributeValidator(sub))]),
  );
  const toObject = z.transform((input: unknown, payload): Record<string, unknown> => {
    if (isJsonObject(input)) return canonicaliseKeys(input, subAttributes, payload);
    if (hasValue && (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean'))
      return { value: input };
    addIssue(payload, 'expected an object');
    return z.NEVER;
  });
  return z.pipe(
    z.pipe(z.pipe(z.unknown(), toObject), z.object(shape)),
    z.transform((object: Record<string, JsonValue | undefined>) => withoutUndefined(object)),
  );
};

/**
 * Labels alone (type, primary, display) do not make a value of a multi-valued attribute: validation drops
 * such an element and PATCH refuses to create one. A key whose value is undefined is no data either.
 */
const LABELS = new Set(['type', 'primary', 'display']);
export const carriesData = (element: JsonValue): boolean =>
  !isJsonObject(element) ||
  Object.keys(element).some((key) => !LABELS.has(key) && element[key] !== undefined);

const checkElements = (elements: JsonValue[], payload: ParsePayload): void => {
  const primaries = elements.filter((element) => isJsonObject(element) && element.primary === true);
  if (primaries.length > 1) addIssue(payload, 'more than one value has "primary": true');
};

/** One value of the attribute (an element, for a multi-valued one); empty input means no value. */
const valueValidator = (attribute: AttributeDefinition): ValueValidator => {
  const inner = attribute.type === 'complex' ? complexValidator(attribute) : primitiveValidator(attribute);
  return z.pipe(
    z.pipe(
      z.unknown(),
      z.transform((input: unknown): unknown => (isEmptyValue(input) ? undefined : input)),
    ),
    z.optional(inner),
  );
};

const multiValuedValidator = (attribute: AttributeDefinition): ValueValidator =>
  z.pipe(
    z.pipe(
      z.pipe(
        z.unknown(),
        z.transform((input: unknown): readonly unknown[] => {
          if (Array.isArray(input)) return input as readonly unknown[];
          return isEmptyValue(input) ? [] : [input];
        }),
      ),
      z.array(valueValidator(attribute)),
    ),
    z.transform((elements: (JsonValue | undefined)[], payload): JsonValue[] | undefined => {
      const kept = elements.filter((value): value is JsonValue => value !== undefined && carriesData(value));
      checkElements(kept, payload);
      return kept.length ? kept : undefined;
    }),
  );

/**
 * A single-valued attribute. `[]` is no value; a one-element list of a complex value is unwrapped
 * (Entra's legacy manager form); any other list is an error.
 */
const singularValidator = (attribute: AttributeDefinition): ValueValidator =>
  z.pipe(
    z.pipe(
      z.unknown(),
      z.transform((input: unknown, payload): unknown => {
        if (!Array.isArray(input)) return input;
        if (input.length === 0) return undefined;
        if (input.length === 1 && attribute.type === 'complex') return input[0] as unknown;
        addIssue(payload, 'expected a single value, not a list');
        return z.NEVER;
      }),
    ),
    valueValidator(attribute),
  );

const validators = new WeakMap<AttributeDefinition, ValueValidator>();

/**
 * The validator for one attribute, built from its definition and cached. Parses a wire value to its
 * canonical form, or to undefined when the value is empty.
 */
export function attributeValidator(attribute: AttributeDefinition): ValueValidator {
  const cached = validators.get(attribute);
  if (cached) return cached;
  const validator = attribute.multiValued ? multiValuedValidator(attribute) : singularValidator(attribute);
  validators.set(attribute, validator);
  return validator;
}

/** `emails` + [1, 'type'] -> `emails[1].type` */
export const formatIssuePath = (path: string, issuePath: readonly PropertyKey[]): string =>
  issuePath.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    path,
  );

// ---------------------------------------------------------------------------------------------------
// Fast path

/** What a fast normaliser returns for input outside its fast path: the zod validator decides. */
export const UNHANDLED: unique symbol = Symbol('unhandled');

/**
 * A plain-code twin of attributeValidator for the common, valid inputs (strings, booleans, objects of
 * them, lists of those): the same output as the zod validator, several times faster. Anything else,
 * including every input zod would reject, returns UNHANDLED, so zod stays the authority for unusual
 * forms and for error messages. test/unit/scim/validate-fast-path.test.ts checks both agree.
 */
export type FastNormaliser = (input: unknown) => JsonValue | undefined | typeof UNHANDLED;

const unhandled: FastNormaliser = () => UNHANDLED;

const fastBoolean = (attribute: AttributeDefinition): FastNormaliser => {
  const read = booleanReader(attribute);
  return (input) => read(input) ?? UNHANDLED;
};

/** Strings only: numbers (made strings by zod) are rare enough to leave to zod. */
const fastString = (attribute: AttributeDefinition): FastNormaliser => {
  const canonical = attribute.canonicalValues;
  if (!canonical?.length) return (input) => (typeof input === 'string' ? input : UNHANDLED);
  const byLowerCase = new Map(canonical.map((value) => [value.toLowerCase(), value]));
  return (input) => (typeof input === 'string' ? (byLowerCase.get(input.toLowerCase()) ?? input) : UNHANDLED);
};

const fastPrimitive = (attribute: AttributeDefinition): FastNormaliser => {
  switch (attribute.type) {
    case 'boolean':
      return fastBoolean(attribute);
    case 'string':
    case 'reference':
      return fastString(attribute);
    default:
      return unhandled;
  }
};

/** complexValidator: keys canonicalised, sub-attributes in schema order, empty objects are no value. */
const fastComplex = (attribute: AttributeDefinition): FastNormaliser => {
  const subAttributes = attribute.subAttributes ?? [];
  const hasValue = subAttributes.some((sub) => sub.name === 'value');
  const indexByLowerCase = new Map(subAttributes.map((sub, index) => [sub.name.toLowerCase(), index]));
  const subNormalisers = subAttributes.map((sub) => fastNormaliser(sub));
  return (input) => {
    let object: JsonObject;
    if (isJsonObject(input)) object = input;
    else if (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean') {
      if (!hasValue) return UNHANDLED;
      object = { value: input };
    } else return UNHANDLED;
    const given: unknown[] = new Array<unknown>(subAttributes.length);
    for (const key of Object.keys(object)) {
      const index = indexByLowerCase.get(key.toLowerCase());
      const value = object[key];
      if (index === undefined || isEmptyValue(value)) continue;
      // The same sub-attribute in two casings: zod reports it.
      if (given[index] !== undefined) return UNHANDLED;
      given[index] = value;
    }
    let output: JsonObject | undefined;
    for (let index = 0; index < subAttributes.length; index += 1) {
      if (given[index] === undefined) continue;
      const value = subNormalisers[index](given[index]);
      if (value === UNHANDLED) return UNHANDLED;
      if (value === undefined) continue;
      output ??= {};
      output[subAttributes[index].name] = value;
    }
    return output;
  };
};

/** valueValidator: null, undefined and "" are no value. */
const fastValue = (attribute: AttributeDefinition): FastNormaliser => {
  const inner = attribute.type === 'complex' ? fastComplex(attribute) : fastPrimitive(attribute);
  return (input) => (isEmptyValue(input) ? undefined : inner(input));
};

/** multiValuedValidator, with checkElements' violations left to zod. */
const fastMultiValued = (attribute: AttributeDefinition): FastNormaliser => {
  const element = fastValue(attribute);
  return (input) => {
    const list: readonly unknown[] = Array.isArray(input) ? input : isEmptyValue(input) ? [] : [input];
    const kept: JsonValue[] = [];
    let primaries = 0;
    for (let index = 0; index < list.length; index += 1) {
      const value = element(list[index]);
      if (value === UNHANDLED) return UNHANDLED;
      if (value === undefined || !carriesData(value)) continue;
      if (isJsonObject(value)) {
        if (value.primary === true && ++primaries > 1) return UNHANDLED;
      }
      kept.push(value);
    }
    return kept.length ? kept : undefined;
  };
};

/** singularValidator: `[]` is no value, a one-element list of a complex value is its element. */
const fastSingular = (attribute: AttributeDefinition): FastNormaliser => {
  const value = fastValue(attribute);
  const complex = attribute.type === 'complex';
  return (input) => {
    if (!Array.isArray(input)) return value(input);
    if (input.length === 0) return undefined;
    if (input.length === 1 && complex) return value(input[0]);
    return UNHANDLED;
  };
};

const fastNormalisers = new WeakMap<AttributeDefinition, FastNormaliser>();

/** The fast normaliser for one attribute (see FastNormaliser), built from its definition and cached. */
export function fastNormaliser(attribute: AttributeDefinition): FastNormaliser {
  let normaliser = fastNormalisers.get(attribute);
  if (!normaliser) {
    normaliser = attribute.multiValued ? fastMultiValued(attribute) : fastSingular(attribute);
    fastNormalisers.set(attribute, normaliser);
  }
  return normaliser;
}
