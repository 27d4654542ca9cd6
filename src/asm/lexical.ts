// Lexical helpers around the grammar: where a line's code is, and the values of number,
// character and string literals (the grammar checks their shape, this file reads them).

import { AsmError } from './diagnostics.js';

const SPACE = 32;
const TAB = 9;
const DQUOTE = 34;
const SQUOTE = 39;
const BACKSLASH = 92;
const SEMI = 59;
const SLASH = 47;

/**
 * The code part of a line: [start, end) without leading/trailing blanks and without a
 * trailing comment (`;` or `//` outside string and character literals).
 * Only a speed-up: the grammar accepts blanks and comments too, so when this scan is
 * unsure (an unterminated literal) it keeps the rest of the line and the grammar decides.
 */
export function codeSpan(text: string): [number, number] {
  const n = text.length;
  let start = 0;
  while (start < n && isBlank(text.charCodeAt(start))) start++;
  let end = n;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === SEMI || (c === SLASH && text.charCodeAt(i + 1) === SLASH)) {
      end = i;
      break;
    }
    if (c === DQUOTE) {
      i = skipString(text, i);
    } else if (c === SQUOTE) {
      i = skipChar(text, i);
    }
  }
  while (end > start && isBlank(text.charCodeAt(end - 1))) end--;
  return [start, end];
}

/** Characters of text[start, end) outside string and character literals (what the grammar
 *  matches token by token; a literal's text costs it little). */
export function outsideLiterals(text: string, start: number, end: number): number {
  let inside = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== DQUOTE && c !== SQUOTE) continue;
    const close = Math.min(c === DQUOTE ? skipString(text, i) : skipChar(text, i), end - 1);
    inside += close - i + 1;
    i = close;
  }
  return end - start - inside;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Index of the closing quote of the string opening at `i` (the line's end if none). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === BACKSLASH) j++;
    else if (c === DQUOTE) return j;
  }
  return text.length;
}

/** Index of the closing quote of a character literal opening at `i`, or `i` if it is not one. */
function skipChar(text: string, i: number): number {
  let j = i + 1;
  if (text.charCodeAt(j) === BACKSLASH) j += text.charCodeAt(j + 1) === 120 /* x */ ? 4 : 2;
  else j += text.codePointAt(j)! > 0xffff ? 2 : 1;
  return text.charCodeAt(j) === SQUOTE ? j : i;
}

/**
 * The value of a number token (`123`, `0x7f`, `0b101`) as a 32-bit signed value: values up
 * to 0xffffffff wrap (0xffffffff is -1), larger ones are an error.
 */
export function numberValue(token: string, col: number): number {
  let digits = token;
  let radix = 10;
  const prefix = token.length > 2 ? token.slice(0, 2).toLowerCase() : '';
  if (prefix === '0x') {
    radix = 16;
    digits = token.slice(2);
  } else if (prefix === '0b') {
    radix = 2;
    digits = token.slice(2);
  }
  const valid = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) throw new AsmError(col, `invalid number '${token}'`);
  const value = radix === 10 ? Number(digits) : parseInt(digits, radix);
  if (value > 0xffffffff) throw new AsmError(col, `number '${token}' does not fit in 32 bits`);
  return value | 0;
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34 };

/**
 * Reads the escape sequence at `text[i]` (just after the backslash; the grammar checked it).
 * Returns the byte value and the index after the sequence.
 */
function readEscape(text: string, i: number): [number, number] {
  const c = text[i]!;
  if (c === 'x') return [parseInt(text.slice(i + 1, i + 3), 16), i + 3];
  return [SIMPLE_ESCAPES[c] ?? 0, i + 1];
}

/** The value of a character literal `'a'` / `'\n'` / `'\x41'`: its byte or code point. */
export function charValue(literal: string): number {
  if (literal[1] === '\\') return readEscape(literal, 2)[0];
  return literal.codePointAt(1)!;
}

const utf8 = new TextEncoder();

/** The bytes of a string literal (with its quotes): escapes as bytes, other text as UTF-8. */
export function stringBytes(literal: string): Uint8Array {
  const body = literal.slice(1, -1);
  if (body.indexOf('\\') < 0) return utf8.encode(body);
  const out: number[] = [];
  let i = 0;
  while (i < body.length) {
    const slash = body.indexOf('\\', i);
    const plainEnd = slash < 0 ? body.length : slash;
    if (plainEnd > i) for (const b of utf8.encode(body.slice(i, plainEnd))) out.push(b);
    if (slash < 0) break;
    const [byte, next] = readEscape(body, slash + 1);
    out.push(byte);
    i = next;
  }
  return Uint8Array.from(out);
}
