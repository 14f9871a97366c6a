/**
 * The abstract syntax of RFC 7644 §3.4.2.2 filters and of §3.5.2 PATCH paths. One parser produces both.
 */
import type { JsonPrimitive } from '../json';

/** `urn:...:User:name.givenName` -> { uri: 'urn:...:User', attribute: 'name', subAttribute: 'givenName' } */
export interface AttributePath {
  /** The schema URN prefix as written, without the trailing colon, when the path had one. */
  readonly uri?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';

export type Filter =
  | {
      readonly kind: 'compare';
      readonly path: AttributePath;
      readonly op: CompareOperator;
      readonly value: JsonPrimitive;
    }
  | { readonly kind: 'present'; readonly path: AttributePath }
  | { readonly kind: 'and'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'or'; readonly left: Filter; readonly right: Filter }
  | { readonly kind: 'not'; readonly filter: Filter }
  /**
   * `emails[type eq "work" and value co "@x"]`: `filter` is evaluated against each element of the
   * multi-valued attribute `path`; its own paths are relative to the element (`type`, `value`).
   */
  | { readonly kind: 'valuePath'; readonly path: AttributePath; readonly filter: Filter };

/**
 * A PATCH path: `attrPath` or `valuePath ["." subAttr]`.
 * `emails[type eq "work"].value` -> { attribute: 'emails', filter: <type eq "work">, subAttribute: 'value' }
 * `name.givenName` -> { attribute: 'name', subAttribute: 'givenName' }
 */
export interface PatchPath extends AttributePath {
  readonly filter?: Filter;
}
