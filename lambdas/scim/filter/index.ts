/** The filter language and PATCH path grammar: parse, check against a schema, evaluate, format. */
export type { AttributePath, CompareOperator, Filter, PatchPath } from './ast';
export { MAX_FILTER_LENGTH, MAX_NESTING_DEPTH, parseFilter, parsePath } from './parser';
export {
  compileElementFilter,
  compileFilter,
  evaluateFilter,
  matchesElement,
  validateFilter,
} from './evaluate';
export type { ObjectPredicate } from './evaluate';
export { formatAttributePath, formatFilter, formatPatchPath } from './format';
