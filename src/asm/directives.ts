// The directives: one table row each, with the first-pass action. Values that decide the
// layout (.org, .align, .space count, .if) must be known when the directive is reached;
// the rest (.word, .byte, .space fill, .entry) are evaluated in the second pass (emit.ts).

import { resolve } from 'node:path';
import { fileNameProblem } from '../image/model.js';
import type { Assembler, Directive, Unit } from './assembler.js';
import type { Expr, Operand, Operation } from './ast.js';
import { AsmError, type Frame, type Where } from './diagnostics.js';
import { includeCandidates } from './include-path.js';
import { describe, isExpression } from './operands.js';
import { PSEUDO_BY_NAME } from './pseudo.js';
import { NotText } from './source-text.js';
import { qualify } from './symbols.js';
import { BY_MNEMONIC } from '../isa/table.js';

/** Deepest allowed nesting of .include files. */
export const MAX_INCLUDE_DEPTH = 64;
/** .include statements assembled in all: each reads and assembles its file again, so a
 *  tree of files that each include the next twice would take minutes to reach MAX_LINES. */
export const MAX_INCLUDES = 10_000;
/** The most characters all of an assembly's includes may read together (a source's own
 *  bound, FILE_LIMITS.source: 256 MiB). */
export const MAX_INCLUDED_CHARS = 256 << 20;
const MANY = Infinity;

const ROWS: readonly Directive[] = [
  { name: '.equ', syntax: 'name, value', summary: 'defines a constant (also `name = value`)', min: 2, max: 2, run: equ },
  { name: '.org', syntax: 'address', summary: 'continues at an address (known here)', min: 1, max: 1, run: org },
  { name: '.align', syntax: 'n', summary: 'pads with zeros to a multiple of n, a power of two (known here)', min: 1, max: 1, run: align },
  { name: '.word', syntax: 'value, ...', summary: '32-bit little-endian words', min: 1, max: MANY, run: (a, o, w) => data(a, o, w, 'word', 4) },
  { name: '.byte', syntax: 'value, ...', summary: 'bytes, each -128..255', min: 1, max: MANY, run: (a, o, w) => data(a, o, w, 'byte', 1) },
  { name: '.ascii', syntax: '"text", ...', summary: 'the UTF-8 bytes of strings', min: 1, max: MANY, run: (a, o, w) => text(a, o, w, false) },
  { name: '.asciz', syntax: '"text", ...', summary: 'the UTF-8 bytes of strings, each followed by a zero byte', min: 1, max: MANY, run: (a, o, w) => text(a, o, w, true) },
  { name: '.space', syntax: 'count[, fill]', summary: 'count bytes of fill (default 0); count known here', min: 1, max: 2, run: space },
  { name: '.include', syntax: '"path"', summary: 'assembles another file here (found next to this file, else in the -I directories, else in vmm\'s guests/include)', min: 1, max: 1, run: include },
  { name: '.if', syntax: 'value', summary: 'assembles what follows if value is not 0 (known here)', min: 1, max: 1, run: ifValue },
  { name: '.ifdef', syntax: 'name', summary: 'assembles what follows if name is defined (-D, .equ or an earlier label)', min: 1, max: 1, run: (a, o, w, u) => ifDefined(a, o, w, u, true) },
  { name: '.ifndef', syntax: 'name', summary: 'assembles what follows if name is not defined', min: 1, max: 1, run: (a, o, w, u) => ifDefined(a, o, w, u, false) },
  { name: '.else', syntax: '', summary: 'the other branch of .if', min: 0, max: 0, run: (_a, o, _w, u) => u.conds.else(o.col) },
  { name: '.endif', syntax: '', summary: 'ends .if', min: 0, max: 0, run: (_a, o, _w, u) => u.conds.end(o.col) },
  { name: '.macro', syntax: 'name param, ...', summary: 'defines a macro up to .endm', min: 1, max: MANY, run: macro },
  { name: '.endm', syntax: '', summary: 'ends .macro', min: 0, max: 0, run: (_a, o) => fail(o.col, '.endm without .macro') },
  { name: '.entry', syntax: 'address', summary: 'the entry point (default: label start, else the lowest address)', min: 1, max: 1, run: entry },
];

/** Lookup by name (lowercase, with the dot), with the operand count checked. */
export const DIRECTIVES: ReadonlyMap<string, Directive> = new Map(
  ROWS.map((d) => [d.name, { ...d, run: (a: Assembler, o: Operation, w: Where, u: Unit) => (checkCount(d, o, () => OPENERS.has(d.name) && a.openBroken(u, d.name, w, o.col)), d.run(a, o, w, u)) }]),
);

/** Directives that open a block, which opens even when their operands are wrong. */
const OPENERS = new Set(['.macro', '.if', '.ifdef', '.ifndef']);

/** The directive rows, for docs and tests. */
export const DIRECTIVE_LIST: readonly Directive[] = ROWS;

function fail(col: number, message: string): never {
  throw new AsmError(col, message);
}

/** Throws when `op` has too few or too many operands, after calling `broken`. */
function checkCount(d: Directive, op: Operation, broken: () => void): void {
  const got = op.operands.length;
  if (got >= d.min && got <= d.max) return;
  broken();
  const n = d.max === MANY ? `at least ${d.min} operand${d.min === 1 ? '' : 's'}` : d.min === d.max ? `${d.min} operand${d.min === 1 ? '' : 's'}` : `${d.min} or ${d.max} operands`;
  fail(op.col, d.max === 0 ? `'${d.name}' takes no operands, got ${got}` : `'${d.name}' takes ${n} (${d.syntax}), got ${got}`);
}

/** Operand i as an expression ("operand 1 of '.org': expected an expression, got a string"). */
function expression(op: Operation, i: number): Expr {
  const o = op.operands[i]!;
  if (!isExpression(o)) fail(o.col, `operand ${i + 1} of '${op.name}': expected an expression, got ${describe(o)}`);
  return o.expr;
}

/** Operand i as a plain name. */
function name(op: Operation, i: number): string {
  const o = op.operands[i]!;
  if (o.k !== 'expr' || o.expr.k !== 'sym') fail(o.col, `operand ${i + 1} of '${op.name}': expected a name, got ${describe(o)}`);
  return o.expr.name;
}

function equ(asm: Assembler, op: Operation, where: Where): void {
  asm.constant(name(op, 0), expression(op, 1), where, op.operands[0]!.col);
}

function org(asm: Assembler, op: Operation): void {
  asm.pc = asm.valueNow(expression(op, 0), '.org') >>> 0;
}

function align(asm: Assembler, op: Operation, where: Where): void {
  // (a 32-bit value, unsigned: 0x80000000 is 2^31, not -2^31; shown as written)
  const n = asm.valueNow(expression(op, 0), '.align') >>> 0;
  const operand = op.operands[0]!;
  if (n === 0 || (n & (n - 1)) !== 0) fail(operand.col, `.align ${where.text.slice(operand.col - 1, operand.end - 1).trim()}: not a power of two`);
  const pad = (n - (asm.pc % n)) % n;
  if (pad > 0) asm.record('data', where, op.col, asm.place(pad, op.col, false), pad);
}

function data(asm: Assembler, op: Operation, where: Where, kind: 'word' | 'byte', unit: number): void {
  op.operands.forEach((_, i) => expression(op, i));
  const size = unit * op.operands.length;
  asm.record(kind, where, op.col, asm.place(size, op.col, false), size, op.operands);
}

function text(asm: Assembler, op: Operation, where: Where, zero: boolean): void {
  const parts = op.operands.map((o, i) => (o.k === 'str' ? o.bytes : fail(o.col, `operand ${i + 1} of '${op.name}': expected a string, got ${describe(o)}`)));
  const size = parts.reduce((n, p) => n + p.length + (zero ? 1 : 0), 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length + (zero ? 1 : 0);
  }
  asm.record('data', where, op.col, asm.place(size, op.col, false), size, undefined, undefined, undefined, bytes);
}

function space(asm: Assembler, op: Operation, where: Where): void {
  const count = asm.valueNow(expression(op, 0), '.space');
  if (count < 0) fail(op.operands[0]!.col, `.space count ${count} is negative`);
  if (op.operands.length > 1) expression(op, 1);
  asm.record('data', where, op.col, asm.place(count, op.col, false), count, op.operands);
}

function ifValue(asm: Assembler, op: Operation, where: Where, unit: Unit): void {
  let condition: boolean | undefined;
  try {
    condition = asm.valueNow(expression(op, 0), '.if') !== 0;
  } finally {
    // Open the block even when the condition fails, so .else / .endif still match.
    unit.conds.open(condition, where, op.col);
  }
}

function ifDefined(asm: Assembler, op: Operation, where: Where, unit: Unit, wanted: boolean): void {
  let condition: boolean | undefined;
  try {
    condition = asm.symbols.has(qualify(name(op, 0), asm.scope)) === wanted;
  } finally {
    unit.conds.open(condition, where, op.col);
  }
}

function macro(asm: Assembler, op: Operation, where: Where, unit: Unit): void {
  // The body is collected even when the .macro line is wrong (under no name), so its lines
  // and its .endm do not cause more errors.
  asm.openBroken(unit, '.macro', where, op.col);
  const names = op.operands.map((_, i) => name(op, i));
  const macroName = names[0]!;
  const col = op.operands[0]!.col;
  if (BY_MNEMONIC.has(macroName.toLowerCase()) || PSEUDO_BY_NAME.has(macroName.toLowerCase())) {
    fail(col, `'${macroName}' is an instruction and cannot be a macro name`);
  }
  if (macroName.includes('.')) fail(col, `a macro name cannot contain '.': '${macroName}'`);
  const params = names.slice(1);
  unit.defining = { name: macroName, params, body: [], where, col, opCol: op.col, depth: 0 };
  // (defined still, so that its uses are not errors too)
  const again = params.findIndex((p, i) => params.indexOf(p) !== i);
  if (again >= 0) fail(op.operands[again + 1]!.col, `macro '${macroName}' names parameter '${params[again]}' twice`);
}

function entry(asm: Assembler, op: Operation, where: Where): void {
  const expr = expression(op, 0);
  const first = asm.entry;
  if (first) fail(op.col, `duplicate .entry (first at ${first.where.frame.file}:${first.where.line}:${first.col})`);
  asm.entry = { expr, where, col: op.col, scope: asm.scope, here: asm.pc };
}

function include(asm: Assembler, op: Operation, where: Where): void {
  const o: Operand = op.operands[0]!;
  if (o.k !== 'str') fail(o.col, `operand 1 of '${op.name}': expected a string, got ${describe(o)}`);
  const written = new TextDecoder().decode(o.bytes);
  // (the main file is at depth 1: it may include 64 deep)
  if (where.frame.includeDepth > MAX_INCLUDE_DEPTH) fail(op.col, `includes nested deeper than ${MAX_INCLUDE_DEPTH}`);
  if (++asm.includes > MAX_INCLUDES) {
    asm.stop(); // (nothing after it is assembled)
    fail(op.col, `too many includes: more than ${MAX_INCLUDES.toLocaleString('en-US')} (each reads and assembles its file again)`);
  }
  if (written.includes('\0')) fail(o.col, `cannot include '${written}': a file name cannot hold a NUL byte`);
  const { path, source } = findInclude(asm, written, where.frame.file, o.col);
  // (the includes' text in all, however often each is included: 10,000 includes of a file
  // of 20 MB of comment, each within its bounds, would read 200 GB)
  asm.includedChars += source.length;
  if (asm.includedChars > MAX_INCLUDED_CHARS) {
    asm.stop();
    fail(op.col, `too much included text: more than ${MAX_INCLUDED_CHARS.toLocaleString('en-US')} characters in all (each .include reads and assembles its file again)`);
  }
  const problem = fileNameProblem(path);
  if (problem) fail(o.col, `cannot include this file: its ${problem}, and an image's file table cannot hold it (rename it)`);
  for (let f: Frame | undefined = where.frame; f; f = f.at?.frame) {
    if (f.kind === 'file' && resolve(f.file) === resolve(path)) fail(o.col, `include cycle: '${path}' includes itself`);
  }
  const frame: Frame = {
    kind: 'file',
    file: path,
    fileIndex: asm.fileIndex(path),
    at: where,
    atColumn: op.col,
    macroDepth: where.frame.macroDepth,
    includeDepth: where.frame.includeDepth + 1,
  };
  asm.text(source, frame);
}

/**
 * The first of the places `.include "written"` looks (include-path.ts) that holds a file, and
 * its text. None: "no such file", naming every place searched. One that exists but cannot be
 * read (a directory, no permission, not text) is the error, with its path when it is not the
 * including file's directory.
 */
function findInclude(asm: Assembler, written: string, includer: string, col: number): { path: string; source: string } {
  const paths = includeCandidates(written, includer, asm.options.includeDirs);
  for (const [i, path] of paths.entries()) {
    try {
      return { path, source: asm.options.readFile(path) };
    } catch (error) {
      const why = error instanceof NotText ? `'${path}' is ${error.reason(` at line ${error.line}, column ${error.column}`)}` : readError(error, path);
      if (why === 'no such file') continue;
      fail(col, `cannot include '${written}'${i > 0 && !(error instanceof NotText) ? ` (${path})` : ''}: ${why}`);
    }
  }
  const searched = paths.length > 1 ? ` (searched ${paths.join(', ')})` : '';
  fail(col, `cannot include '${written}': no such file${searched}`);
}

/** Why the file at `path` could not be read, in a few words (a message that begins with the
 *  path, as the CLI's "x.s: larger than 256 MiB", without it: the caller names the file). */
export function readError(error: unknown, path: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'no such file';
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined && !message) return 'no such file';
  return message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
}
