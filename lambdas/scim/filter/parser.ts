/**
 * Recursive-descent parser for RFC 7644 §3.4.2.2 filters (`parseFilter`) and §3.5.2 PATCH paths
 * (`parsePath`). Both only ever throw ScimError: invalidFilter for filters, invalidPath for paths, with a
 * 1-based character position and what was expected. Messages never echo string values (personal data),
 * quoted or not, nor a word found after a complete expression (likely the rest of an unquoted value).
 *
 * Decisions where the RFC is silent or loose:
 * - Keywords and operators are case-insensitive (`EQ`, `And`, `TRUE`); whitespace (space, tab, CR, LF)
 *   between tokens is optional where the tokens are self-delimiting (`userName eq"x"`) and may repeat.
 * - `not` must be followed by a parenthesised filter, as the RFC grammar says (`not (a eq 1)`); `not`
 *   followed by an operator or '[' is an attribute named "not".
 * - Values: JSON strings (all JSON escapes; raw control characters rejected), JSON numbers (no leading
 *   zeros, no trailing '.', finite), true/false/null in any letter case.
 * - Unquoted values are tolerated, because Microsoft's SCIM test collection sends them and expects matches
 *   (`userName sw O`, `meta.Created gt 2015-10-10T14:38:21.8617979-07:00`, `emails.Value co example.com`),
 *   and RFC 7644 §3.4.2.2 shows `meta.resourceType eq User`. After a comparison operator, text that does
 *   not start with '"' runs up to whitespace, ')' or ']'; all of it is one value: a number only when the
 *   WHOLE run is a JSON number (`2015-10-10T...`, `01` and `12abc` are strings), true/false/null as
 *   literals, anything else a string kept exactly as written (no unescaping). A quoted string is read as
 *   before, so `"x"y` is still an error. Rejected as ambiguous or likely mistakes: `and`, `or` and `not` as
 *   an unquoted value (`userName eq and` usually means a forgotten value; write `"and"`), a value wrapped
 *   in single quotes (`'x'`: single quotes are not delimiters, O'Malley is fine), and '"', '(', '[' or
 *   control characters inside an unquoted value. An unquoted number stays a number: `employeeNumber eq
 *   701984` never equals the string "701984" (quote it), and `userName sw 2015` is invalidFilter.
 * - `pr` takes no value; `gt`/`ge`/`lt`/`le` take a string or a number (null and booleans have no order,
 *   RFC: booleans "SHALL cause a failed response"); `co`/`sw`/`ew` take a string. `eq`/`ne` take any value,
 *   `eq null` meaning "not present" (see evaluate.ts).
 * - `emails[type eq "work"].value eq "x"` (sent by Entra, outside the RFC grammar) is parsed as the
 *   equivalent `emails[type eq "work" and value eq "x"]`: the same element must satisfy both.
 * - Inside brackets, paths are relative to the element: a bare sub-attribute name, no URN, no dot; value
 *   paths do not nest (RFC valFilter).
 * - A path is split at the LAST ':' into schema URN and attribute, so the bare extension URN
 *   `urn:...:enterprise:2.0:User` parses as { uri: 'urn:...:enterprise:2.0', attribute: 'User' }; the PATCH
 *   interpreter checks whether uri + ':' + attribute names an extension schema.
 * - Input is capped at MAX_FILTER_LENGTH characters and MAX_NESTING_DEPTH levels of (), not and [].
 */
import { ScimError } from '../errors';
import type { JsonPrimitive } from '../json';
import type { AttributePath, CompareOperator, Filter, PatchPath } from './ast';
import { Lexer, describeToken } from './lexer';
import type { SyntaxErrorFactory, Token, TokenKind } from './lexer';

export const MAX_FILTER_LENGTH = 10_000;
export const MAX_NESTING_DEPTH = 32;

const COMPARE_OPERATORS: ReadonlySet<string> = new Set([
  'eq',
  'ne',
  'co',
  'sw',
  'ew',
  'gt',
  'ge',
  'lt',
  'le',
]);
const ORDERING_OPERATORS: ReadonlySet<string> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPERATORS: ReadonlySet<string> = new Set(['co', 'sw', 'ew']);

const ATTRIBUTE_NAME = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;
const OPERATOR_LIST = 'eq, ne, co, sw, ew, gt, ge, lt, le or pr';

const isKeyword = (token: Token, keyword: string): boolean => token.keyword === keyword;

const isOperatorWord = (token: Token): boolean =>
  COMPARE_OPERATORS.has(token.keyword) || token.keyword === 'pr';

class Parser {
  readonly #lexer: Lexer;
  /** Lexed but not yet consumed: at most two tokens of lookahead, read on demand. */
  #first: Token | undefined;
  #second: Token | undefined;
  #depth = 0;

  readonly #fail: SyntaxErrorFactory;

  constructor(input: string, fail: SyntaxErrorFactory) {
    this.#fail = fail;
    this.#lexer = new Lexer(input, fail);
  }

  #peek(): Token {
    return (this.#first ??= this.#lexer.next());
  }

  #peekSecond(): Token {
    this.#peek();
    return (this.#second ??= this.#lexer.next());
  }

  /** Consumes a token; at the end of input the 'end' token repeats. */
  #next(): Token {
    const token = this.#peek();
    this.#first = this.#second;
    this.#second = undefined;
    return token;
  }

  /** Consumes a value (see Lexer.nextValue); any lookahead lexed by the ordinary rules is read again. */
  #nextValue(): Token {
    const from = this.#first?.offset;
    this.#first = undefined;
    this.#second = undefined;
    return this.#lexer.nextValue(from);
  }

  #expected(what: string, token: Token = this.#peek()): Error {
    return this.#fail(token.offset, `expected ${what} but found ${describeToken(token)}`);
  }

  /**
   * After a complete expression. A word here is most often the rest of an unquoted value with a space in
   * it (`displayName eq Jane Doe`): personal data, so it is not echoed, and the message says how to fix it.
   */
  #expectedAfterExpression(what: string, token: Token): Error {
    if (token.kind !== 'word') return this.#expected(what, token);
    return this.#fail(
      token.offset,
      `expected ${what} but found more text: a value containing spaces must be in double quotes ("...")`,
    );
  }

  #enter(token: Token): void {
    this.#depth += 1;
    if (this.#depth > MAX_NESTING_DEPTH) {
      throw this.#fail(token.offset, `nesting deeper than ${MAX_NESTING_DEPTH} levels is not supported`);
    }
  }

  #leave(): void {
    this.#depth -= 1;
  }

  expectEnd(): void {
    const token = this.#peek();
    if (token.kind === 'end') return;
    if (token.kind === 'rparen') throw this.#fail(token.offset, "unbalanced ')': no matching '('");
    if (token.kind === 'rbracket') throw this.#fail(token.offset, "unbalanced ']': no matching '['");
    throw this.#expectedAfterExpression("'and', 'or' or the end of the filter", token);
  }

  /** filter = orExpr; precedence not > and > or, both binary operators left-associative. */
  parseOr(relative: boolean): Filter {
    let left = this.#parseAnd(relative);
    while (isKeyword(this.#peek(), 'or')) {
      this.#next();
      left = { kind: 'or', left, right: this.#parseAnd(relative) };
    }
    return left;
  }

  #parseAnd(relative: boolean): Filter {
    let left = this.#parseUnary(relative);
    while (isKeyword(this.#peek(), 'and')) {
      this.#next();
      left = { kind: 'and', left, right: this.#parseUnary(relative) };
    }
    return left;
  }

  #parseUnary(relative: boolean): Filter {
    const token = this.#peek();
    if (token.kind === 'lparen') {
      this.#next();
      return this.#parseParenthesised(token, relative);
    }
    // `not` followed by an operator or '[' is an attribute called "not".
    const afterNot = this.#peekSecond();
    if (isKeyword(token, 'not') && afterNot.kind !== 'lbracket' && !isOperatorWord(afterNot)) {
      this.#next();
      const open = this.#next();
      if (open.kind !== 'lparen') throw this.#expected("'(' after 'not'", open);
      return { kind: 'not', filter: this.#parseParenthesised(open, relative) };
    }
    if (token.kind !== 'word') throw this.#expected('an attribute path, "not" or "("');
    this.#next();
    const path = this.toAttributePath(token, relative);
    if (this.#peek().kind === 'lbracket') return this.#parseValuePath(path, token, relative);
    return this.#parseAttributeExpression(path);
  }

  #parseParenthesised(open: Token, relative: boolean): Filter {
    return this.#parseEnclosed(open, relative, 'rparen', ')');
  }

  /** The filter after `open` ('(' or '[') up to its closing token; counts one level of nesting. */
  #parseEnclosed(open: Token, relative: boolean, closeKind: TokenKind, closeText: string): Filter {
    this.#enter(open);
    const inner = this.parseOr(relative);
    const close = this.#next();
    if (close.kind !== closeKind) {
      throw close.kind === 'end'
        ? this.#fail(open.offset, `unbalanced '${open.text}': expected a matching '${closeText}'`)
        : this.#expectedAfterExpression(`'and', 'or' or '${closeText}'`, close);
    }
    this.#leave();
    return inner;
  }

  /** `emails[type eq "work"]`, optionally followed by Entra's `.value eq "x"`. */
  #parseValuePath(path: AttributePath, pathToken: Token, relative: boolean): Filter {
    const inner = this.parseBracketFilter(path, pathToken, relative);
    const subToken = this.#peek();
    if (subToken.kind !== 'subAttr') return { kind: 'valuePath', path, filter: inner };
    this.#next();
    const subPath: AttributePath = { attribute: this.toSubAttributeName(subToken) };
    const condition = this.#parseAttributeExpression(subPath);
    return { kind: 'valuePath', path, filter: { kind: 'and', left: inner, right: condition } };
  }

  /** Parses `[valFilter]` after an attribute path; the opening bracket is the current token. */
  parseBracketFilter(path: AttributePath, pathToken: Token, relative: boolean): Filter {
    const open = this.#next();
    if (relative) throw this.#fail(open.offset, 'value paths cannot be nested inside another value path');
    if (path.subAttribute !== undefined) {
      throw this.#fail(
        pathToken.offset,
        'a value path applies to a multi-valued attribute, not to a sub-attribute: expected "attribute[...]"',
      );
    }
    return this.#parseEnclosed(open, true, 'rbracket', ']');
  }

  #parseAttributeExpression(path: AttributePath): Filter {
    const operatorToken = this.#next();
    if (operatorToken.kind !== 'word') throw this.#expected(`an operator (${OPERATOR_LIST})`, operatorToken);
    const op = operatorToken.keyword;
    if (op === 'pr') {
      const after = this.#peek();
      if (after.kind === 'string' || after.kind === 'number' || this.#isLiteralWord(after)) {
        throw this.#fail(after.offset, "'pr' (present) takes no value");
      }
      return { kind: 'present', path };
    }
    if (!COMPARE_OPERATORS.has(op)) throw this.#expected(`an operator (${OPERATOR_LIST})`, operatorToken);
    const valueToken = this.#nextValue();
    const value = this.#toValue(valueToken);
    this.#checkOperand(op as CompareOperator, value, valueToken);
    return { kind: 'compare', path, op: op as CompareOperator, value };
  }

  #isLiteralWord(token: Token): boolean {
    return isKeyword(token, 'true') || isKeyword(token, 'false') || isKeyword(token, 'null');
  }

  #toValue(token: Token): JsonPrimitive {
    if (token.kind === 'string' || token.kind === 'number') return token.value as string | number;
    if (isKeyword(token, 'true')) return true;
    if (isKeyword(token, 'false')) return false;
    if (isKeyword(token, 'null')) return null;
    if (token.kind === 'word') {
      // Only and/or/not reach here (Lexer.nextValue): as a value they are most likely a forgotten one.
      throw this.#fail(
        token.offset,
        `expected a value but found "${token.text}": write "${token.text}" in double quotes to compare with that text`,
      );
    }
    throw this.#expected('a value (a "string", a number, true, false, null or unquoted text)', token);
  }

  #checkOperand(op: CompareOperator, value: JsonPrimitive, token: Token): void {
    if (ORDERING_OPERATORS.has(op) && (value === null || typeof value === 'boolean')) {
      throw this.#fail(
        token.offset,
        `'${op}' compares order: expected a string or a number, not ${String(value)}`,
      );
    }
    if (SUBSTRING_OPERATORS.has(op) && typeof value !== 'string') {
      throw this.#fail(token.offset, `'${op}' compares text: expected a "string" value`);
    }
  }

  /** Splits `urn:...:2.0:User:name.givenName` at the last ':' and checks each name. */
  toAttributePath(token: Token, relative: boolean): AttributePath {
    const text = token.text;
    const colon = text.lastIndexOf(':');
    const uri = colon >= 0 ? text.slice(0, colon) : undefined;
    if (uri !== undefined && relative) {
      throw this.#fail(
        token.offset,
        'inside [...], paths are relative to the element: expected a sub-attribute name',
      );
    }
    if (uri === '') throw this.#fail(token.offset, "expected a schema URN before ':'");
    const nameStart = colon + 1;
    const nameOffset = token.offset + nameStart;
    const dot = text.indexOf('.', nameStart);
    const attribute = dot < 0 ? text.slice(nameStart) : text.slice(nameStart, dot);
    const subAttribute = dot < 0 ? undefined : text.slice(dot + 1);
    if (dot >= 0 && relative) {
      throw this.#fail(
        token.offset + dot,
        'inside [...], paths are relative to the element: expected a sub-attribute name without "."',
      );
    }
    const secondDot = dot < 0 ? -1 : text.indexOf('.', dot + 1);
    if (secondDot >= 0) {
      throw this.#fail(
        token.offset + secondDot,
        'expected at most one sub-attribute ("attribute.subAttribute")',
      );
    }
    this.#checkName(attribute, nameOffset);
    if (subAttribute !== undefined) this.#checkName(subAttribute, token.offset + dot + 1);
    // Optional keys are left out rather than set to undefined, so trees compare equal structurally.
    if (uri === undefined) return subAttribute === undefined ? { attribute } : { attribute, subAttribute };
    return subAttribute === undefined ? { uri, attribute } : { uri, attribute, subAttribute };
  }

  toSubAttributeName(token: Token): string {
    const name = token.text.slice(1);
    if (name.includes(':') || name.includes('.')) {
      throw this.#fail(token.offset, 'expected a single sub-attribute name after "]."');
    }
    this.#checkName(name, token.offset + 1);
    return name;
  }

  #checkName(name: string, offset: number): void {
    if (!ATTRIBUTE_NAME.test(name)) {
      throw this.#fail(
        offset,
        name === ''
          ? 'expected an attribute name'
          : `invalid attribute name "${name.slice(0, 40)}": expected a letter followed by letters, digits, "-" or "_"`,
      );
    }
  }

  /** PATCH path = attrPath / valuePath ["." subAttr]. */
  parsePatchPath(): PatchPath {
    const token = this.#next();
    if (token.kind !== 'word') throw this.#expected('an attribute path', token);
    const path = this.toAttributePath(token, false);
    if (this.#peek().kind !== 'lbracket') {
      this.#expectPathEnd();
      return path;
    }
    const filter = this.parseBracketFilter(path, token, false);
    const subToken = this.#peek();
    let subAttribute: string | undefined;
    if (subToken.kind === 'subAttr') {
      this.#next();
      subAttribute = this.toSubAttributeName(subToken);
    }
    this.#expectPathEnd();
    return { ...path, filter, ...(subAttribute !== undefined ? { subAttribute } : {}) };
  }

  #expectPathEnd(): void {
    const token = this.#peek();
    if (token.kind !== 'end') throw this.#expected('the end of the path', token);
  }
}

const checkInput = (input: unknown, fail: SyntaxErrorFactory, what: string): string => {
  if (typeof input !== 'string') throw fail(0, `${what} must be a string`);
  if (input.trim() === '') throw fail(0, `empty ${what}`);
  if (input.length > MAX_FILTER_LENGTH) {
    throw fail(MAX_FILTER_LENGTH, `${what} longer than ${MAX_FILTER_LENGTH} characters is not supported`);
  }
  return input;
};

const filterError: SyntaxErrorFactory = (offset, message) =>
  ScimError.invalidFilter(`Invalid filter at position ${offset + 1}: ${message}.`);

const pathError: SyntaxErrorFactory = (offset, message) =>
  ScimError.invalidPath(`Invalid path at position ${offset + 1}: ${message}.`);

/** Parses a `filter` query parameter or `.search` filter. Throws ScimError invalidFilter. */
export const parseFilter = (input: string): Filter => {
  const parser = new Parser(checkInput(input, filterError, 'filter'), filterError);
  const filter = parser.parseOr(false);
  parser.expectEnd();
  return filter;
};

/** Parses a PATCH operation `path`. Throws ScimError invalidPath. */
export const parsePath = (input: string): PatchPath => {
  const parser = new Parser(checkInput(input, pathError, 'path'), pathError);
  return parser.parsePatchPath();
};
