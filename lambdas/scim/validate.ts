/**
 * Normalisers generated from the schema data: one per attribute definition, so a new attribute in
 * lambdas/scim/schema/ is validated without code changes. Each normaliser both checks and canonicalises
 * a wire value in one pass of plain code, and reports what is wrong with it as issues (a path within the
 * value and a message); the leniencies Entra and Okta need live here, next to the type they bend:
 *
 * - null, undefined and "" mean "no value" and parse to undefined (docs/providers.md: clearing).
 * - boolean: JSON booleans and "true"/"false" in any case; peopleManager also "yes"/"no" (docs/product.md).
 * - integer/decimal: JSON numbers and numeric strings.
 * - string/reference: strings; finite numbers become strings (employee numbers, postal codes). A required
 *   string (userName, Group displayName) must not be blank: white space or invisible characters only.
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
import type { Issue } from './issues';
import type { JsonObject, JsonValue } from './json';
import { isJsonObject } from './json';
import { isBlank } from './match-key';
import { PEOPLE_MANAGER_ATTRIBUTE } from './schema/profile';
import type { AttributeDefinition } from './schema/types';

/** What a normaliser returns when the value is invalid; the issues it added say why. */
export const INVALID: unique symbol = Symbol('invalid');

/**
 * Canonicalises a wire value of one attribute: its canonical form, undefined for "no value", or INVALID
 * after adding at least one issue to `issues`. Returned objects and lists are always new.
 */
export type Normaliser = (input: unknown, issues: Issue[]) => JsonValue | undefined | typeof INVALID;

/** Adds an issue (its path within the value, e.g. `[1, 'type']` for `emails[1].type`); returns INVALID. */
const fail = (issues: Issue[], message: string, path: Issue['path'] = []): typeof INVALID => {
  issues.push({ path, message });
  return INVALID;
};

/** Puts `key` in front of the paths of the issues added since `from` (by a part of the value). */
const within = (issues: Issue[], from: number, key: string | number): void => {
  for (let index = from; index < issues.length; index += 1) {
    const issue = issues[index];
    issues[index] = { path: [key, ...issue.path], message: issue.message };
  }
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
 * A normaliser of a primitive type: `read` gives an input's canonical value, or undefined when it is
 * not one, and then the issue says `message`.
 */
const primitive =
  (message: string, read: (input: unknown) => JsonValue | undefined): Normaliser =>
  (input, issues) =>
    read(input) ?? fail(issues, message);

const booleanNormaliser = (attribute: AttributeDefinition): Normaliser => {
  const yesNo = YES_NO_BOOLEANS.has(attribute);
  const [trueWords, falseWords] = yesNo ? [YES_NO_TRUE_WORDS, YES_NO_FALSE_WORDS] : [TRUE_WORDS, FALSE_WORDS];
  return primitive(`expected a boolean (${yesNo ? 'true, false, yes or no' : 'true or false'})`, (input) => {
    if (typeof input === 'boolean') return input;
    if (typeof input !== 'string') return undefined;
    const word = input.trim().toLowerCase();
    if (trueWords.has(word)) return true;
    return falseWords.has(word) ? false : undefined;
  });
};

const numberNormaliser = (pattern: RegExp, integer: boolean): Normaliser =>
  primitive(`expected ${integer ? 'an integer' : 'a number'}`, (input) => {
    if (typeof input === 'number') {
      const valid = integer ? Number.isSafeInteger(input) : Number.isFinite(input);
      return valid ? input : undefined;
    }
    if (typeof input !== 'string') return undefined;
    const text = input.trim();
    return pattern.test(text) ? Number(text) : undefined;
  });

const stringNormaliser = (attribute: AttributeDefinition): Normaliser => {
  // Canonical values are suggestions (RFC 7643 §7): others are kept as sent.
  const canonical = attribute.canonicalValues;
  const byLowerCase = canonical?.length
    ? new Map(canonical.map((value) => [value.toLowerCase(), value]))
    : undefined;
  const read = primitive('expected a string', (input) => {
    let text: string;
    if (typeof input === 'string') text = input;
    else if (typeof input === 'number' && Number.isFinite(input)) text = String(input);
    else return undefined;
    return byLowerCase ? (byLowerCase.get(text.toLowerCase()) ?? text) : text;
  });
  if (!attribute.required) return read;
  // A required string that shows nothing ("   ", a zero-width space) would be a userName or group name
  // no admin can see, read or tell apart: as good as missing.
  return (input, issues) => {
    const value = read(input, issues);
    return typeof value === 'string' && isBlank(value)
      ? fail(issues, 'must not be blank (white space or invisible characters only)')
      : value;
  };
};

const dateTimeNormaliser: Normaliser = (input, issues) => {
  if (typeof input !== 'string') return fail(issues, 'expected a dateTime string');
  if (!DATE_TIME.test(input)) return fail(issues, 'expected an xsd:dateTime such as 2011-05-13T04:42:34Z');
  return Number.isNaN(Date.parse(input)) ? fail(issues, 'expected a valid dateTime') : input;
};

const binaryNormaliser: Normaliser = (input, issues) => {
  if (typeof input !== 'string') return fail(issues, 'expected a base64 string');
  return BASE64.test(input) ? input : fail(issues, 'expected base64');
};

const primitiveNormaliser = (attribute: AttributeDefinition): Normaliser => {
  switch (attribute.type) {
    case 'boolean':
      return booleanNormaliser(attribute);
    case 'integer':
      return numberNormaliser(INTEGER, true);
    case 'decimal':
      return numberNormaliser(DECIMAL, false);
    case 'dateTime':
      return dateTimeNormaliser;
    case 'binary':
      return binaryNormaliser;
    case 'string':
    case 'reference':
      return stringNormaliser(attribute);
    case 'complex':
      throw new Error(`"${attribute.name}" is complex`);
  }
};

/**
 * A complex value: sub-attribute keys in any case take schema casing, unknown and empty ones are
 * dropped, each sub-attribute is normalised by its own normaliser, and the output lists them in schema
 * order; an object with nothing left is no value.
 */
const complexNormaliser = (attribute: AttributeDefinition): Normaliser => {
  const subAttributes = attribute.subAttributes ?? [];
  const hasValue = subAttributes.some((sub) => sub.name === 'value');
  const indexByLowerCase = new Map(subAttributes.map((sub, index) => [sub.name.toLowerCase(), index]));
  const subNormalisers = subAttributes.map((sub) => attributeNormaliser(sub));
  return (input, issues) => {
    let object: JsonObject;
    if (isJsonObject(input)) object = input;
    else if (
      hasValue &&
      (typeof input === 'string' || typeof input === 'number' || typeof input === 'boolean')
    )
      object = { value: input };
    else return fail(issues, 'expected an object');
    const given: unknown[] = new Array<unknown>(subAttributes.length);
    let duplicated = false;
    for (const key of Object.keys(object)) {
      const index = indexByLowerCase.get(key.toLowerCase());
      const value = object[key];
      if (index === undefined || isEmptyValue(value)) continue;
      if (given[index] !== undefined) {
        const name = subAttributes[index].name;
        duplicated = true;
        fail(issues, `sub-attribute "${name}" is given more than once`, [name]);
        continue;
      }
      given[index] = value;
    }
    if (duplicated) return INVALID;
    let output: JsonObject | undefined;
    let invalid = false;
    for (let index = 0; index < subAttributes.length; index += 1) {
      if (given[index] === undefined) continue;
      const from = issues.length;
      const value = subNormalisers[index](given[index], issues);
      if (value === INVALID) {
        within(issues, from, subAttributes[index].name);
        invalid = true;
      } else if (value !== undefined && !invalid) {
        output ??= {};
        output[subAttributes[index].name] = value;
      }
    }
    return invalid ? INVALID : output;
  };
};

/**
 * Labels alone (type, primary, display) do not make a value of a multi-valued attribute: normalising
 * drops such an element and PATCH refuses to create one. A key whose value is undefined is no data either.
 */
const LABELS = new Set(['type', 'primary', 'display']);
export const carriesData = (element: JsonValue): boolean =>
  !isJsonObject(element) ||
  Object.keys(element).some((key) => !LABELS.has(key) && element[key] !== undefined);

/** One value of the attribute (an element, for a multi-valued one); empty input means no value. */
const valueNormaliser = (attribute: AttributeDefinition): Normaliser => {
  const inner = attribute.type === 'complex' ? complexNormaliser(attribute) : primitiveNormaliser(attribute);
  return (input, issues) => (isEmptyValue(input) ? undefined : inner(input, issues));
};

/**
 * A multi-valued attribute: a single value is a list of one, elements without data are dropped, at most
 * one element is primary.
 */
const multiValuedNormaliser = (attribute: AttributeDefinition): Normaliser => {
  const element = valueNormaliser(attribute);
  return (input, issues) => {
    const list: readonly unknown[] = Array.isArray(input) ? input : isEmptyValue(input) ? [] : [input];
    const kept: JsonValue[] = [];
    let invalid = false;
    for (let index = 0; index < list.length; index += 1) {
      const from = issues.length;
      const value = element(list[index], issues);
      if (value === INVALID) {
        within(issues, from, index);
        invalid = true;
      } else if (value !== undefined && carriesData(value)) kept.push(value);
    }
    if (invalid) return INVALID;
    let primaries = 0;
    for (const value of kept) if (isJsonObject(value) && value.primary === true) primaries += 1;
    if (primaries > 1) return fail(issues, 'more than one value has "primary": true');
    return kept.length ? kept : undefined;
  };
};

/**
 * A single-valued attribute. `[]` is no value; a one-element list of a complex value is its element
 * (Entra's legacy manager form); any other list is an error.
 */
const singularNormaliser = (attribute: AttributeDefinition): Normaliser => {
  const value = valueNormaliser(attribute);
  const complex = attribute.type === 'complex';
  return (input, issues) => {
    if (!Array.isArray(input)) return value(input, issues);
    if (input.length === 0) return undefined;
    if (input.length === 1 && complex) return value(input[0], issues);
    return fail(issues, 'expected a single value, not a list');
  };
};

const normalisers = new WeakMap<AttributeDefinition, Normaliser>();

/** The normaliser for one attribute (see Normaliser), built from its definition and cached. */
export function attributeNormaliser(attribute: AttributeDefinition): Normaliser {
  let normaliser = normalisers.get(attribute);
  if (!normaliser) {
    normaliser = attribute.multiValued ? multiValuedNormaliser(attribute) : singularNormaliser(attribute);
    normalisers.set(attribute, normaliser);
  }
  return normaliser;
}

/** `emails` + [1, 'type'] -> `emails[1].type` */
export const formatIssuePath = (path: string, issuePath: readonly PropertyKey[]): string =>
  issuePath.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    path,
  );
