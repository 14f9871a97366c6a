/**
 * Reading attributes out of a User defensively: names are case-insensitive (RFC 7643 §2.1), `null` means
 * absent (Entra sends it for unmapped attributes), and a value of the wrong type becomes a warning rather
 * than an exception, so one odd record never breaks a sync or a report.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../json';
import type { ProfileField } from './fields';
import type { ProfileWarning } from './types';

export const getAttribute = (object: JsonObject, name: string): JsonValue | undefined => {
  if (Object.hasOwn(object, name)) return object[name] ?? undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : (object[key] ?? undefined);
};

/**
 * An extension attribute: nested under its URN (the canonical form), else the flattened wire form
 * `urn:...:User:attr` at the top level that Entra sends when the URN is missing from `schemas`.
 */
export const getExtensionAttribute = (user: JsonObject, urn: string, name: string): JsonValue | undefined => {
  const extension = getAttribute(user, urn);
  const nested = isJsonObject(extension) ? getAttribute(extension, name) : undefined;
  return nested ?? getAttribute(user, `${urn}:${name}`);
};

/** Collects warnings while one profile is read. */
export class WarningLog {
  readonly warnings: ProfileWarning[] = [];

  wrongType(field: ProfileField, attribute: string, expected: string): void {
    this.warnings.push({
      field,
      code: 'wrongType',
      detail: `Attribute "${attribute}" should be ${expected}; it was ignored.`,
    });
  }

  add(warning: ProfileWarning): void {
    this.warnings.push(warning);
  }
}

/**
 * A text value: trimmed, empty -> undefined. A finite number is taken as its decimal text (an HR code
 * mapped from a numeric source); any other type is a wrongType warning.
 */
export const readText = (
  value: JsonValue | undefined,
  field: ProfileField,
  attribute: string,
  log: WarningLog,
): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') {
    log.wrongType(field, attribute, 'a string');
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** A SCIM boolean, also accepting "true"/"false" in any case (Entra sends "True"). */
export const parseBooleanText = (value: JsonValue | undefined): boolean | undefined => {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
};

/**
 * The elements of a multi-valued complex attribute. Not an array, or non-object elements -> a wrongType
 * warning; the object elements are still used.
 */
export const readComplexValues = (
  value: JsonValue | undefined,
  field: ProfileField,
  attribute: string,
  log: WarningLog,
): JsonObject[] => {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    log.wrongType(field, attribute, 'a list of complex values');
    return [];
  }
  const objects = value.filter(isJsonObject);
  if (objects.length !== value.length) log.wrongType(field, attribute, 'a list of complex values');
  return objects;
};

const typeIs = (element: JsonObject, type: string): boolean => {
  const value = getAttribute(element, 'type');
  return typeof value === 'string' && value.trim().toLowerCase() === type;
};

export const isPrimary = (element: JsonObject): boolean =>
  parseBooleanText(getAttribute(element, 'primary')) === true;

/** The element of the given type, the primary one if several have that type. */
export const findOfType = (elements: readonly JsonObject[], type: string): JsonObject | undefined => {
  const ofType = elements.filter((element) => typeIs(element, type));
  return ofType.find(isPrimary) ?? ofType[0];
};
