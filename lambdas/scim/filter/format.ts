/**
 * Turns a Filter or PatchPath back into canonical SCIM text that parseFilter/parsePath read back to the
 * same tree (lowercase operators, JSON string escapes, the fewest parentheses that keep the tree's shape).
 * Used for tests, ETag-free cache keys and messages; values are personal data, so never log the output.
 */
import type { JsonPrimitive } from '../json';
import type { AttributePath, Filter, PatchPath } from './ast';

export const formatAttributePath = (path: AttributePath): string =>
  `${path.uri !== undefined ? `${path.uri}:` : ''}${path.attribute}${
    path.subAttribute !== undefined ? `.${path.subAttribute}` : ''
  }`;

const formatValue = (value: JsonPrimitive): string => {
  // JSON.stringify(-0) is "0"; keep the sign so that parsing gives the same number back.
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return JSON.stringify(value);
};

/** Binding strength: or < and < everything else (not and attribute expressions are self-delimiting). */
const precedence = (filter: Filter): number => (filter.kind === 'or' ? 1 : filter.kind === 'and' ? 2 : 3);

const wrapIf = (text: string, parenthesise: boolean): string => (parenthesise ? `(${text})` : text);

export const formatFilter = (filter: Filter): string => {
  switch (filter.kind) {
    case 'compare':
      return `${formatAttributePath(filter.path)} ${filter.op} ${formatValue(filter.value)}`;
    case 'present':
      return `${formatAttributePath(filter.path)} pr`;
    case 'not':
      return `not (${formatFilter(filter.filter)})`;
    case 'valuePath':
      return `${formatAttributePath(filter.path)}[${formatFilter(filter.filter)}]`;
    case 'and':
    case 'or': {
      const own = precedence(filter);
      // Both operators are parsed left-associatively, so a right operand of equal strength needs parentheses.
      const left = wrapIf(formatFilter(filter.left), precedence(filter.left) < own);
      const right = wrapIf(formatFilter(filter.right), precedence(filter.right) <= own);
      return `${left} ${filter.kind} ${right}`;
    }
  }
};

export const formatPatchPath = (path: PatchPath): string => {
  if (path.filter === undefined) return formatAttributePath(path);
  const base = formatAttributePath({
    ...(path.uri !== undefined ? { uri: path.uri } : {}),
    attribute: path.attribute,
  });
  return `${base}[${formatFilter(path.filter)}]${path.subAttribute !== undefined ? `.${path.subAttribute}` : ''}`;
};
