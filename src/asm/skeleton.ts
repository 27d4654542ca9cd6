// Line skeletons: the speed trick of the parser (parse.ts).
//
// The grammar treats every name alike, every number alike, every valid string or character
// literal alike and every run of blanks alike. So a line and its SKELETON - the same line
// with each name written `a` (or `.a` for a local name), each number `0`, each string `""`,
// each character literal `'a'` and each run of blanks one space - are accepted or rejected
// together and have concrete syntax trees of the same shape:
//
//   start:  addi r1, r2, -4      ->  a: a a, a, -0
//
// Programs have few distinct skeletons, so the parser matches each skeleton with ohm once,
// caches its tree, and reads the names and numbers of each line from the original text
// through the position maps built here. The token rules below mirror the grammar's lexical
// rules (symbol, number, string, char, escape); a literal the grammar would reject gives no
// skeleton, and the line is matched as written. test/asm/skeleton.test.ts checks that both
// ways give the same result on many generated and mutated lines.

/** Skeleton position -> [start, end) of the original text it stands for. */
export interface PositionMap {
  starts: Int32Array;
  ends: Int32Array;
}

const TAB = 9;
const SPACE = 32;
const DQUOTE = 34;
const SQUOTE = 39;
const DOT = 46;
const BACKSLASH = 92;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** Letters, digits and `_`: the rest of a number token. */
function isWordChar(c: number): boolean {
  return isNameStart(c) || isDigit(c);
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/**
 * The skeleton of `code` (a line without its comment and outer blanks), filling `map`
 * (capacity >= code.length). Undefined when the line has a string or character literal the
 * grammar would not accept: the caller must then match the line itself.
 */
export function skeletonOf(code: string, map: PositionMap): string | undefined {
  const { starts, ends } = map;
  let skeleton = '';
  let n = 0; // skeleton length
  let i = 0;
  const length = code.length;
  while (i < length) {
    const c = code.charCodeAt(i);
    const start = i;
    let piece: string;
    if (c === SPACE || c === TAB) {
      do i++;
      while (i < length && (code.charCodeAt(i) === SPACE || code.charCodeAt(i) === TAB));
      piece = ' ';
    } else if (isNameStart(c) || (c === DOT && isNameStart(code.charCodeAt(i + 1)))) {
      i++;
      while (i < length && (isWordChar(code.charCodeAt(i)) || code.charCodeAt(i) === DOT)) i++;
      piece = c === DOT ? '.a' : 'a';
    } else if (isDigit(c)) {
      i++;
      while (i < length && isWordChar(code.charCodeAt(i))) i++;
      piece = '0';
    } else if (c === DQUOTE) {
      i = stringEnd(code, i);
      if (i < 0) return undefined;
      piece = '""';
    } else if (c === SQUOTE) {
      i = charEnd(code, i);
      if (i < 0) return undefined;
      piece = "'a'";
    } else {
      i++;
      piece = code[start]!;
    }
    for (let k = 0; k < piece.length; k++) {
      starts[n] = start;
      ends[n++] = i;
    }
    skeleton += piece;
  }
  return skeleton;
}

/** Index after an escape sequence starting at the backslash `i`, or -1 if the grammar rejects it. */
function escapeEnd(code: string, i: number): number {
  const c = code[i + 1];
  if (c === 'n' || c === 't' || c === 'r' || c === '0' || c === '\\' || c === "'" || c === '"') return i + 2;
  if (c === 'x' && isHexDigit(code.charCodeAt(i + 2)) && isHexDigit(code.charCodeAt(i + 3))) return i + 4;
  return -1;
}

/** string = "\"" (escape | ~("\"" | "\\") any)* "\"": the index after it, or -1. */
function stringEnd(code: string, i: number): number {
  let j = i + 1;
  while (j < code.length) {
    const c = code.charCodeAt(j);
    if (c === DQUOTE) return j + 1;
    if (c === BACKSLASH) {
      j = escapeEnd(code, j);
      if (j < 0) return -1;
    } else j++;
  }
  return -1;
}

/** char = "'" (escape | ~("'" | "\\") any) "'": the index after it, or -1. */
function charEnd(code: string, i: number): number {
  let j = i + 1;
  const c = code.charCodeAt(j);
  if (j >= code.length || c === SQUOTE) return -1;
  if (c === BACKSLASH) {
    j = escapeEnd(code, j);
    if (j < 0) return -1;
  } else {
    j += code.codePointAt(j)! > 0xffff ? 2 : 1;
  }
  return code.charCodeAt(j) === SQUOTE ? j + 1 : -1;
}
