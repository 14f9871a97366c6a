/**
 * Tokeniser for RFC 7644 §3.4.2.2 filters and §3.5.2 PATCH paths. Keywords (and, or, not, eq, ..., true,
 * false, null) are lexed as words and recognised by the parser from context, because an attribute may
 * legally be called `not` or `type`.
 */
export type TokenKind =
  | 'word' //     attribute path or keyword: userName, urn:...:2.0:User:name.givenName, eq, and
  | 'subAttr' //  `.value` directly after `]`
  | 'string' //   "JSON string", value already unescaped
  | 'number' //   JSON number
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'rbracket'
  | 'end';

export interface Token {
  readonly kind: TokenKind;
  /** The source text of the token (for strings: including the quotes). */
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

export const tokenize = (input: string, fail: SyntaxErrorFactory): Token[] => {
  const tokens: Token[] = [];
  let index = 0;
  while (index < input.length) {
    const code = input.charCodeAt(index);
    // space, tab, LF, CR
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) {
      index += 1;
      continue;
    }
    const punctuation = CODE_PUNCTUATION[code];
    let token: Token;
    if (punctuation !== undefined) {
      token = makeToken(punctuation, input[index] ?? '', index);
    } else if (code === QUOTE) {
      token = readString(input, index, fail);
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      token = readNumber(input, index, fail);
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
      throw fail(index, `unexpected character ${shown}`);
    }
    tokens.push(token);
    index += token.text.length;
  }
  tokens.push(makeToken('end', '', input.length));
  return tokens;
};
