/**
 * Tokeniser for RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths. Keywords (and, or, not, eq, ..., true,
 * false, null) are lexed as words and recognised by the parser from context, because an attribute may
 * legally be called `not` or `type`.
 *
 * Tokens are read on demand, because what a token is depends on where the parser is: after a comparison
 * operator the parser asks for a value (`nextValue`), which also accepts unquoted text such as
 * `2015-10-10T14:38:21.8617979-07:00` or `example.com` (sent by Microsoft's own SCIM test collection) that
 * the ordinary rules would split into a number and garbage.
 */
export type TokenKind =
  | 'word' //     attribute path or keyword: userName, urn:...:2.0:User:name.givenName, eq, and
  | 'subAttr' //  `.value` directly after `]`
  | 'string' //   "JSON string" (value already unescaped), or unquoted text in value position
  | 'number' //   JSON number
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'rbracket'
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for quoted strings: including the quotes). */
  readonly text: string;
  /** 0-based offset of the token's first character in the input. */
  readonly offset: number;
  /** Decoded value of string and number tokens. */
  readonly value: string | number | undefined;
  /** Words of up to 5 characters, lower-cased: the candidates for keywords and operators; else ''. */
  readonly keyword: string;
}

/** Reports a syntax error at a 0-based offset; the caller decides the scimType (filter vs path). */
export type SyntaxErrorFactory = (offset: number, message: string) => Error;

/**
 * Characters of attribute names (ALPHA, DIGIT, "-", "_", "$" for `$ref`) and of schema URNs (":" "." and
 * "/" for URL-shaped schema ids). Validated as a path by the parser. A lookup table: this is the hot loop.
 */
const WORD_CHARS = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-$:./') {
  WORD_CHARS[char.charCodeAt(0)] = 1;
}
const isWordCode = (code: number): boolean => code < 128 && WORD_CHARS[code] === 1;
const isWordChar = (char: string): boolean => char.length === 1 && isWordCode(char.charCodeAt(0));

const NUMBER_PATTERN = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
/** The same JSON number, as the whole of an unquoted value. */
const WHOLE_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** Describes a token for an error message without echoing string values, which may be personal data. */
export const describeToken = (token: Token): string => {
  switch (token.kind) {
    case 'end':
      return 'the end of the input';
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    default:
      return `"${token.text.length > 40 ? `${token.text.slice(0, 40)}...` : token.text}"`;
  }
};

/** Every token has the same shape (one hidden class): the parser's property reads stay monomorphic. */
const makeToken = (
  kind: TokenKind,
  text: string,
  offset: number,
  value: string | number | undefined = undefined,
  keyword = '',
): Token => ({ kind, text, offset, value, keyword });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const readString = (input: string, start: number, fail: SyntaxErrorFactory): Token => {
  let decoded = '';
  let chunkStart = start + 1;
  let index = chunkStart;
  for (;;) {
    if (index >= input.length) throw fail(start, "unterminated string: expected a closing '\"'");
    const code = input.charCodeAt(index);
    if (code === QUOTE) break;
    if (code < 0x20) throw fail(index, 'control characters must be escaped inside a string (JSON rules)');
    if (code !== BACKSLASH) {
      index += 1;
      continue;
    }
    // Copy the plain run before the escape in one slice rather than char by char.
    decoded += input.slice(chunkStart, index);
    const escape = input[index + 1] ?? '';
    const simple = SIMPLE_ESCAPES[escape];
    if (simple !== undefined) {
      decoded += simple;
      index += 2;
    } else if (escape === 'u') {
      const hex = input.slice(index + 2, index + 6);
      if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw fail(index, 'expected four hex digits after "\\u"');
      decoded += String.fromCharCode(parseInt(hex, 16));
      index += 6;
    } else {
      throw fail(index, 'invalid escape: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX');
    }
    chunkStart = index;
  }
  decoded += input.slice(chunkStart, index);
  return makeToken('string', input.slice(start, index + 1), start, decoded);
};

const readNumber = (input: string, start: number, fail: SyntaxErrorFactory): Token => {
  NUMBER_PATTERN.lastIndex = start;
  const match = NUMBER_PATTERN.exec(input);
  const text = match?.[0] ?? '';
  const next = input[start + text.length];
  if (text === '' || text === '-' || (next !== undefined && isWordChar(next))) {
    throw fail(start, 'invalid number: expected a JSON number such as 42, -1.5 or 2e10');
  }
  const value = Number(text);
  if (!Number.isFinite(value)) throw fail(start, 'number out of range');
  return makeToken('number', text, start, value);
};

const CODE_PUNCTUATION: Readonly<Record<number, TokenKind>> = {
  0x28: 'lparen',
  0x29: 'rparen',
  0x5b: 'lbracket',
  0x5d: 'rbracket',
};

// space, tab, LF, CR: the whitespace allowed between tokens.
const isSpaceCode = (code: number): boolean =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;

const APOSTROPHE = 0x27;
/** Words that stay keywords in value position; the parser accepts true/false/null and rejects the rest. */
const VALUE_KEYWORDS: ReadonlySet<string> = new Set(['true', 'false', 'null', 'and', 'or', 'not']);

/** Reads tokens on demand. The two read methods are written out in full: this is the parser's hot path. */
export class Lexer {
  #index = 0;
  #endToken: Token | undefined;

  readonly #input: string;
  readonly #fail: SyntaxErrorFactory;

  constructor(input: string, fail: SyntaxErrorFactory) {
    this.#input = input;
    this.#fail = fail;
  }

  /** The next token by the ordinary rules: words, "strings", numbers, brackets. Repeats 'end' at the end. */
  next(): Token {
    const input = this.#input;
    let index = this.#index;
    while (index < input.length && isSpaceCode(input.charCodeAt(index))) index += 1;
    if (index >= input.length) {
      this.#index = index;
      return (this.#endToken ??= makeToken('end', '', input.length));
    }
    const code = input.charCodeAt(index);
    let token: Token;
    const punctuation = CODE_PUNCTUATION[code];
    if (punctuation !== undefined) {
      token = makeToken(punctuation, input[index] ?? '', index);
    } else if (code === QUOTE) {
      token = readString(input, index, this.#fail);
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      token = readNumber(input, index, this.#fail);
    } else if (isWordCode(code)) {
      let end = index + 1;
      while (end < input.length && isWordCode(input.charCodeAt(end))) end += 1;
      const text = input.slice(index, end);
      token =
        code === 0x2e
          ? makeToken('subAttr', text, index)
          : makeToken('word', text, index, undefined, text.length <= 5 ? text.toLowerCase() : '');
    } else {
      const shown =
        code >= 0x21 && code <= 0x7e ? `"${input[index] ?? ''}"` : `U+${code.toString(16).padStart(4, '0')}`;
      throw this.#fail(index, `unexpected character ${shown}`);
    }
    this.#index = index + token.text.length;
    return token;
  }

  /**
   * The token after a comparison operator, read from `from` (default: where the last token ended). A
   * "string" is read as usual. Anything else up to whitespace, ')' or ']' is one unquoted value: a
   * 'number' when all of it is a JSON number, a 'word' for true/false/null/and/or/not in any letter case
   * (the parser decides), otherwise a 'string'. Brackets and the end of input come back as they are, for
   * the parser to report a missing value.
   */
  nextValue(from: number = this.#index): Token {
    const input = this.#input;
    let index = from;
    while (index < input.length && isSpaceCode(input.charCodeAt(index))) index += 1;
    this.#index = index;
    if (index >= input.length) return (this.#endToken ??= makeToken('end', '', input.length));
    const code = input.charCodeAt(index);
    let token: Token;
    const punctuation = CODE_PUNCTUATION[code];
    if (punctuation !== undefined) {
      token = makeToken(punctuation, input[index] ?? '', index);
    } else if (code === QUOTE) {
      token = readString(input, index, this.#fail);
    } else {
      token = this.#readUnquoted(index, code);
    }
    this.#index = index + token.text.length;
    return token;
  }

  #readUnquoted(index: number, code: number): Token {
    const input = this.#input;
    const text = input.slice(index, this.#unquotedEnd(index));
    if (WHOLE_NUMBER.test(text)) return readNumber(input, index, this.#fail);
    if (text.length > 1 && code === APOSTROPHE && text.charCodeAt(text.length - 1) === APOSTROPHE) {
      throw this.#fail(index, 'single quotes do not delimit strings: expected a "double-quoted" string');
    }
    const keyword = text.length <= 5 ? text.toLowerCase() : '';
    return VALUE_KEYWORDS.has(keyword)
      ? makeToken('word', text, index, undefined, keyword)
      : makeToken('string', text, index, text);
  }

  /** Where an unquoted value starting at `start` ends; rejects characters that suggest a malformed value. */
  #unquotedEnd(start: number): number {
    const input = this.#input;
    let end = start;
    for (; end < input.length; end += 1) {
      const code = input.charCodeAt(end);
      if (isSpaceCode(code) || code === 0x29 || code === 0x5d) break;
      if (code === QUOTE || code === 0x28 || code === 0x5b) {
        throw this.#fail(
          end,
          `unexpected '${input[end] ?? ''}' in an unquoted value: expected the whole value in double quotes`,
        );
      }
      if (code < 0x20) {
        throw this.#fail(end, 'control characters are not allowed in an unquoted value');
      }
    }
    return end;
  }
}
