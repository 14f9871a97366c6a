/** Small helpers over plain JSON used by the PATCH interpreter: copying, comparing, case-insensitive keys. */
import type { JsonObject, JsonValue } from '../json';
import { isJsonObject } from '../json';

/**
 * A copy of one object level, without undefined members. The PATCH interpreter copies only the objects it
 * writes to: values below are replaced, never modified in place, so they can be shared.
 */
export const shallowCopy = (object: JsonObject): JsonObject => {
  const copy: JsonObject = {};
  for (const key of Object.keys(object)) {
    const item = object[key];
    if (item !== undefined) copy[key] = item;
  }
  return copy;
};

/** Structural equality; object key order does not matter and undefined members count as absent. */
export const jsonEqual = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    // Counting loops rather than filtered key lists: this runs on every PATCH to compute `changed`.
    let aCount = 0;
    for (const key of Object.keys(a)) {
      const item = a[key];
      if (item === undefined) continue;
      if (!jsonEqual(item, b[key])) return false;
      aCount += 1;
    }
    let bCount = 0;
    for (const key of Object.keys(b)) if (b[key] !== undefined) bCount += 1;
    return aCount === bCount;
  }
  return false;
};

/**
 * Whether `key` names `name` case-insensitively; `lower` is `name.toLowerCase()`. For an ASCII name (every
 * schema name and URN) only a key of the same length can match, since no character lower-cases to ASCII
 * through a change of length, so most keys are told apart without allocating a lower-cased copy.
 */
const namesSameIgnoringCase = (key: string, name: string, lower: string, ascii: boolean): boolean =>
  key === name || ((!ascii || key.length === name.length) && key.toLowerCase() === lower);

const isAscii = (text: string): boolean => {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
};

/** The key of `object` that names `name` case-insensitively (RFC 7643 §2.1), if any. */
export const findKey = (object: JsonObject, name: string): string | undefined => {
  // Own properties only: `constructor` or `__proto__` must never reach Object.prototype.
  if (Object.hasOwn(object, name) && object[name] !== undefined) return name;
  const lower = name.toLowerCase();
  const ascii = isAscii(name);
  for (const key of Object.keys(object)) {
    if (namesSameIgnoringCase(key, name, lower, ascii) && object[key] !== undefined) return key;
  }
  return undefined;
};

export const getMember = (object: JsonObject, name: string): JsonValue | undefined => {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
};

/** Sets `name` in its schema casing, dropping any differently-cased copy of the same attribute. */
export const setMember = (object: JsonObject, name: string, value: JsonValue): void => {
  deleteMember(object, name);
  object[name] = value;
};

/** Deletes every key naming `name` case-insensitively that holds a value. */
export const deleteMember = (object: JsonObject, name: string): void => {
  const lower = name.toLowerCase();
  const ascii = isAscii(name);
  for (const key of Object.keys(object)) {
    if (namesSameIgnoringCase(key, name, lower, ascii) && object[key] !== undefined) delete object[key];
  }
};

export const isEmptyObject = (value: JsonValue | undefined): boolean => {
  if (!isJsonObject(value)) return false;
  for (const key in value) if (Object.hasOwn(value, key) && value[key] !== undefined) return false;
  return true;
};
