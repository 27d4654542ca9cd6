// Parses one source line with the ohm grammar (toy32.ohm) into a ParsedLine.
//
// Speed matters (every line of every program comes through here), so:
// - blanks and a trailing comment are cut off before matching (lexical.codeSpan);
// - a line is matched through its skeleton (skeleton.ts): ohm matches each distinct
//   skeleton once and its tree is cached; a line without a skeleton, or whose skeleton does
//   not match, is matched as written (which also gives ohm's own error position);
// - one ohm Matcher is reused, and the concrete syntax tree is walked directly instead of
//   through an ohm Semantics. Its node shape (ruleName, children, childOffsets, matchLength)
//   is ohm-js 17's; the tests exercise every rule, so a change in ohm shows up there.

import type { FailedMatchResult, MatchResult } from 'ohm-js';
import grammar from './toy32.ohm-bundle.js';
import type { BinaryOp, Expr, LabelDef, Operand, Operation, ParsedLine, UnaryOp } from './ast.js';
import { AsmError } from './diagnostics.js';
import { buildBinary } from './expr.js';
import { charValue, codeSpan, numberValue, outsideLiterals, stringBytes } from './lexical.js';
import { skeletonOf, type PositionMap } from './skeleton.js';
import { expectedText } from './syntax-errors.js';

/** A node of ohm-js 17's concrete syntax tree (nonterminal, iteration or terminal). */
interface Cst {
  readonly ruleName?: string;
  readonly children?: readonly Cst[];
  readonly childOffsets?: readonly number[];
  readonly matchLength: number;
}

const matcher = grammar.matcher();

/** Trees of matched skeletons, per start rule. Bounded: cleared when past CACHE_LIMIT. */
const caches = { line: new Map<string, Cst>(), head: new Map<string, Cst>() };
const CACHE_LIMIT = 4096;
/** Lines (and skeletons) longer than this are not cached: a tree grows with its line, and
 *  4,096 distinct lines of 30,000 values each (a few MB of source) once held gigabytes. The
 *  lines worth caching, those a program repeats, are short. */
const CACHED_LENGTH = 1024;
/** Lines parsed so far, by their text (the same text parses to the same, immutable, tree:
 *  an include file or a macro body assembled again costs a lookup). Bounded like the above;
 *  a line with a syntax error is not kept (it throws). */
const parsedLines = new Map<string, ParsedLine>();

export const EMPTY_LINE: ParsedLine = { label: undefined, op: undefined, assign: undefined };

// The walk's state: the code being read, the column of its first character, and (when the
// tree is a skeleton's) the map from tree positions to code positions.
let input = '';
let base = 0;
let map: PositionMap | undefined;
const skeletonMap: PositionMap = { starts: new Int32Array(256), ends: new Int32Array(256) };

/**
 * Parses a line; throws an AsmError at the offending column for a syntax error.
 * `viaSkeleton` false matches the line as written (for tests comparing both ways).
 */
export function parseLine(text: string, viaSkeleton = true): ParsedLine {
  let parsed = viaSkeleton ? parsedLines.get(text) : undefined;
  if (parsed === undefined) {
    parsed = parseText(text, viaSkeleton);
    if (viaSkeleton && text.length <= CACHED_LENGTH) {
      if (parsedLines.size >= CACHE_LIMIT) parsedLines.clear();
      parsedLines.set(text, parsed);
    }
  }
  return parsed;
}

/** The most characters a statement may have outside its string and character literals: the
 *  grammar's matcher keeps a memo per character, so a statement of millions of characters
 *  (a .word of two million values on one line) would take minutes and gigabytes. 65,536 is
 *  some 30,000 values of a .word in well under a second. */
export const MAX_STATEMENT = 65_536;

function parseText(text: string, viaSkeleton: boolean): ParsedLine {
  const [start, end] = codeSpan(text);
  if (start === end) return EMPTY_LINE;
  if (end - start > MAX_STATEMENT) {
    const length = outsideLiterals(text, start, end);
    if (length > MAX_STATEMENT) throw new AsmError(start + 1, `statement too long: ${length.toLocaleString('en-US')} characters outside strings, at most ${MAX_STATEMENT.toLocaleString('en-US')} (split it over several lines)`);
  }
  input = start === 0 && end === text.length ? text : text.slice(start, end);
  base = start + 1;
  if (isMacroLine(input)) {
    map = undefined;
    return macroLine(match(input, start, 'macroLine'));
  }
  return line(tree(input, start, 'line', viaSkeleton));
}

/** The tree of `code` for a rule, through the skeleton cache when possible; sets `map`. */
function tree(code: string, start: number, rule: 'line' | 'head', viaSkeleton = true): Cst {
  if (!viaSkeleton) {
    map = undefined;
    return match(code, start, rule);
  }
  if (skeletonMap.starts.length < code.length) {
    skeletonMap.starts = new Int32Array(code.length * 2);
    skeletonMap.ends = new Int32Array(code.length * 2);
  }
  const skeleton = skeletonOf(code, skeletonMap);
  if (skeleton !== undefined) {
    const cache = caches[rule];
    let cst = cache.get(skeleton);
    if (cst === undefined) {
      matcher.setInput(skeleton);
      const result = matcher.match(rule);
      if (result.succeeded()) {
        cst = resultCst(result);
        if (skeleton.length <= CACHED_LENGTH) {
          if (cache.size >= CACHE_LIMIT) cache.clear();
          cache.set(skeleton, cst);
        }
      }
    }
    if (cst !== undefined) {
      map = skeletonMap;
      return cst;
    }
  }
  map = undefined;
  return match(code, start, rule);
}

/** Matches `code` as written; throws the syntax error at ohm's rightmost failure. A statement
 *  longer than MAX_STATEMENT (all of it: its strings are set aside only on the skeleton's
 *  way, which a malformed one leaves) is refused rather than matched a character at a time. */
function match(code: string, start: number, rule: string): Cst {
  if (code.length > MAX_STATEMENT) throw new AsmError(start + 1, `statement too long: ${code.length.toLocaleString('en-US')} characters, at most ${MAX_STATEMENT.toLocaleString('en-US')} but for well-formed strings, and it has a syntax error (an unclosed string? a bad escape?): split it over several lines to find it`);
  matcher.setInput(code);
  const result = matcher.match(rule);
  if (result.succeeded()) return resultCst(result);
  const position = (result as FailedMatchResult).getRightmostFailurePosition();
  throw new AsmError(start + position + 1, `syntax error: ${expectedText(result, position)}`);
}

function resultCst(result: MatchResult): Cst {
  return (result as unknown as { _cst: Cst })._cst;
}

/** A line's label and first name, for lines that are not assembled (see `head` in the grammar). */
export interface LineHead {
  readonly label: LabelDef | undefined;
  /** The name after the label: a mnemonic, directive... */
  readonly name: string | undefined;
  readonly col: number;
}

/**
 * The label and first name of a line, without parsing the rest: for the body of a macro
 * being defined, lines in a false .if branch, and the label of a line with a syntax error.
 */
export function lineHead(text: string, viaSkeleton = true): LineHead | undefined {
  const [start, end] = codeSpan(text);
  if (start === end) return undefined;
  // (the label and the name are at the start: a statement too long to parse is looked at
  // no further than MAX_STATEMENT characters)
  input = text.slice(start, Math.min(end, start + MAX_STATEMENT));
  base = start + 1;
  // head = ws (label ws)? symbol? any*   (matches any line)
  const cst = tree(input, start, 'head', viaSkeleton);
  const labels = child(cst, 1);
  const names = child(cst, 3);
  const labelAt = labels.childOffsets![0] ?? 0;
  const nameAt = names.childOffsets![0] ?? 0;
  return {
    label: labels.children!.length > 0 ? { name: text1(child(labels.children![0]!, 0), labelAt), col: col(labelAt) } : undefined,
    name: names.children!.length > 0 ? text1(names.children![0]!, nameAt) : undefined,
    col: col(nameAt),
  };
}

/** The column where a statement's operands begin (1-based; the name's when it has none, 1
 *  when the line has no name): where an error in them with no column of its own points. */
export function operandsColumn(text: string): number {
  const head = lineHead(text);
  if (head?.name === undefined) return 1;
  let at = head.col - 1 + head.name.length;
  while (text[at] === ' ' || text[at] === '\t') at++;
  return at < text.length ? at + 1 : head.col;
}

/** Whether the code starts with the word `.macro` (any case): matched by rule macroLine. */
function isMacroLine(code: string): boolean {
  if (code.length < 6 || code[0] !== '.' || code.slice(0, 6).toLowerCase() !== '.macro') return false;
  return code.length === 6 || code[6] === ' ' || code[6] === '\t';
}

// ---- The walk. Each walker takes a rule's node and the rule's start position in the tree's
// input. Offsets of a rule's children, and of the elements of an iteration child, are all
// relative to the start of the rule.

function child(node: Cst, i: number): Cst {
  return node.children![i]!;
}

function off(node: Cst, i: number): number {
  return node.childOffsets![i]!;
}

/** The column of tree position `at`. */
function col(at: number): number {
  return base + (map ? map.starts[at]! : at);
}

/** The column just after the code a node stands for. */
function endCol(node: Cst, at: number): number {
  if (!map) return base + at + node.matchLength;
  return base + (node.matchLength === 0 ? map.starts[at]! : map.ends[at + node.matchLength - 1]!);
}

/** The code a node stands for. */
function text1(node: Cst, at: number): string {
  if (!map) return input.slice(at, at + node.matchLength);
  return node.matchLength === 0 ? '' : input.slice(map.starts[at]!, map.ends[at + node.matchLength - 1]!);
}

// line = ws (label ws)? statement? ws comment? end
function line(cst: Cst): ParsedLine {
  let labelDef: LabelDef | undefined;
  const labels = child(cst, 1);
  if (labels.children!.length > 0) {
    const at = labels.childOffsets![0]!;
    labelDef = { name: text1(child(labels.children![0]!, 0), at), col: col(at) };
  }
  const statements = child(cst, 3);
  if (statements.children!.length === 0) return { label: labelDef, op: undefined, assign: undefined };
  const at = statements.childOffsets![0]!;
  const inner = child(statements.children![0]!, 0);
  if (inner.ruleName === 'assignment') {
    // assignment = symbol ws "=" ws expr
    const name = text1(child(inner, 0), at);
    return { label: labelDef, op: undefined, assign: { name, col: col(at), expr: expr(child(inner, 4), at + off(inner, 4)) } };
  }
  return { label: labelDef, op: operation(inner, at), assign: undefined };
}

// macroLine = ws macroDef ws comment? end;  macroDef = symbol (macroSep symbol)*
function macroLine(cst: Cst): ParsedLine {
  const def = child(cst, 1);
  const at = off(cst, 1);
  const names = child(def, 2);
  const operands: Operand[] = [];
  for (let i = 0; i < names.children!.length; i++) {
    const nameAt = at + names.childOffsets![i]!;
    const node = names.children![i]!;
    operands.push({ k: 'expr', expr: symbol(node, nameAt), col: col(nameAt), end: endCol(node, nameAt) });
  }
  return { label: undefined, op: { name: text1(child(def, 0), at), col: col(at), operands }, assign: undefined };
}

// instruction = symbol ((" " | "\t") ws operands)?
function operation(node: Cst, at: number): Operation {
  const name = text1(child(node, 0), at);
  const lists = child(node, 3);
  const operands = lists.children!.length > 0 ? operandList(lists.children![0]!, at + lists.childOffsets![0]!) : [];
  return { name, col: col(at), operands };
}

// operands = operand (ws "," ws operand)*
function operandList(node: Cst, at: number): Operand[] {
  const result = [operand(child(node, 0), at + off(node, 0))];
  const rest = child(node, 4);
  for (let i = 0; i < rest.children!.length; i++) result.push(operand(rest.children![i]!, at + rest.childOffsets![i]!));
  return result;
}

// operand = atom &(ws ("," | end)) -- plain | memory | expr | string
function operand(node: Cst, at: number): Operand {
  const alt = child(node, 0);
  const altAt = at + off(node, 0);
  switch (alt.ruleName) {
    case 'operand_plain': {
      const a = child(alt, 0);
      return { k: 'expr', expr: atom(a, altAt + off(alt, 0)), col: col(altAt), end: endCol(a, altAt) };
    }
    case 'memory':
      return { k: 'mem', expr: expr(child(alt, 2), altAt + off(alt, 2)), col: col(altAt), end: endCol(alt, altAt) };
    case 'string':
      return { k: 'str', bytes: stringBytes(text1(alt, altAt)), col: col(altAt), end: endCol(alt, altAt) };
    default:
      return { k: 'expr', expr: expr(alt, altAt), col: col(altAt), end: endCol(alt, altAt) };
  }
}

// atom = "-"? (symbol | number)
function atom(node: Cst, at: number): Expr {
  const term = child(node, 1);
  const termAt = at + off(node, 1);
  const value = term.ruleName === 'number' ? number(term, termAt) : symbol(term, termAt);
  return child(node, 0).children!.length > 0 ? { k: 'un', op: '-', arg: value, col: col(at) } : value;
}

function number(node: Cst, at: number): Expr {
  return { k: 'num', value: numberValue(text1(node, at), col(at)), col: col(at) };
}

function symbol(node: Cst, at: number): Expr {
  return { k: 'sym', name: text1(node, at), col: col(at) };
}

// expr = unary (ws binop ws unary)*
function expr(node: Cst, at: number): Expr {
  const first = unary(child(node, 0), at + off(node, 0));
  const binops = child(node, 2);
  const count = binops.children!.length;
  if (count === 0) return first;
  const terms = [first];
  const ops: BinaryOp[] = [];
  const cols: number[] = [];
  const rest = child(node, 4);
  for (let i = 0; i < count; i++) {
    const opAt = at + binops.childOffsets![i]!;
    ops.push(text1(binops.children![i]!, opAt) as BinaryOp);
    cols.push(col(opAt));
    terms.push(unary(rest.children![i]!, at + rest.childOffsets![i]!));
  }
  return buildBinary(terms, ops, cols);
}

// unary = (("-" | "~" | "+") ws)* primary
function unary(node: Cst, at: number): Expr {
  let value = primary(child(node, 2), at + off(node, 2));
  const signs = child(node, 0);
  for (let i = signs.children!.length - 1; i >= 0; i--) {
    const signAt = at + signs.childOffsets![i]!;
    value = { k: 'un', op: text1(signs.children![i]!, signAt) as UnaryOp, arg: value, col: col(signAt) };
  }
  return value;
}

// primary = symbol | number | paren | char | "$"
function primary(node: Cst, at: number): Expr {
  const alt = child(node, 0);
  const altAt = at + off(node, 0);
  switch (alt.ruleName) {
    case 'symbol':
      return symbol(alt, altAt);
    case 'number':
      return number(alt, altAt);
    case 'paren':
      return expr(child(alt, 2), altAt + off(alt, 2));
    case 'char':
      return { k: 'num', value: charValue(text1(alt, altAt)), col: col(altAt) };
    default:
      return { k: 'here', col: col(altAt) };
  }
}
