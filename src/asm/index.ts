// The assembler's API: source text in, an Image (or diagnostics) and a listing out.
// It never throws: every problem, even an internal one, becomes a Diagnostic.

import { readFileSync } from 'node:fs';
import { Assembler } from './assembler.js';
import { makeDiagnostic, type Diagnostic, type Frame, type Where } from './diagnostics.js';
import { DIRECTIVES, readError } from './directives.js';
import { emitAll } from './emit.js';
import { evaluate } from './expr.js';
import { builtinIncludeDir } from './include-path.js';
import { layOut } from './layout.js';
import { listingRows, type ListingRow } from './listing.js';
import { NotText, sourceText } from './source-text.js';
import { fileNameProblem, IMAGE_FLAGS, PARAVIRT_SYMBOL, type Image, type Segment } from '../image/model.js';

export { PARAVIRT_SYMBOL };

export type { Diagnostic } from './diagnostics.js';
export { formatDiagnostic } from './diagnostics.js';
export type { ListingRow } from './listing.js';
export { formatListing } from './listing.js';

export interface AssembleOptions {
  /** -D NAME[=VALUE] from the command line; VALUE defaults to 1. */
  defines?: Readonly<Record<string, number>>;
  /** Reads a source file (main or .include): its bytes (decoded as UTF-8) or its text. Default:
   *  fs.readFileSync(path); throw to signal "cannot read". A file with a NUL byte or bytes that
   *  are not UTF-8 is refused as not a text file. */
  readFile?: (path: string) => string | Uint8Array;
  /** -I: directories where `.include` looks after the including file's directory, in order
   *  (and before vmm's own guests/include, which is always searched last). */
  includeDirs?: readonly string[];
  /** Stop after this many errors (default 20), with a final note that more were suppressed. */
  maxErrors?: number;
  /** Also require what a loadable image needs: some bytes, and an entry point inside them
   *  on a multiple of 4 (vmm asm and vmm run ask for this; unit tests of constants do not). */
  runnable?: boolean;
}

export interface AssembleResult {
  /** Undefined whenever there are diagnostics. */
  image: Image | undefined;
  diagnostics: Diagnostic[];
  /** Empty when there are diagnostics. */
  listing: ListingRow[];
}

const DEFAULT_MAX_ERRORS = 20;

export function assembleFile(path: string, options?: AssembleOptions): AssembleResult {
  options ??= {};
  let text: string;
  try {
    text = readSource(options, path);
  } catch (error) {
    if (error instanceof NotText) return failed(path, `'${path}' is ${error.reason('')}`, error);
    return failed(path, `cannot read '${path}': ${readError(error, path)}`);
  }
  return assembleSource(text, path, options);
}

export function assembleSource(text: string, fileName: string, options?: AssembleOptions): AssembleResult {
  try {
    return assemble(String(text), String(fileName), options ?? {});
  } catch (error) {
    return failed(String(fileName), `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function assemble(text: string, fileName: string, options: AssembleOptions): AssembleResult {
  const problem = fileNameProblem(fileName);
  if (problem) return failed(fileName, `this source file's ${problem}, and an image's file table cannot hold it: rename it`);
  const maxErrors = Math.max(1, Math.floor(Number(options.maxErrors ?? DEFAULT_MAX_ERRORS)) || DEFAULT_MAX_ERRORS);
  const builtin = builtinIncludeDir();
  const includeDirs = [...(options.includeDirs ?? []).map(String), ...(builtin === undefined ? [] : [builtin])];
  const asm = new Assembler({ defines: options.defines ?? {}, readFile: (p) => readSource(options, p), includeDirs, maxErrors, directives: DIRECTIVES });
  const frame: Frame = { kind: 'file', file: fileName, fileIndex: asm.fileIndex(fileName), macroDepth: 0, includeDepth: 1 };
  defineAll(asm, options.defines ?? {});
  asm.text(text, frame);
  // Stopped early: symbols defined further on were not seen, so "not known here" stands.
  if (asm.diags.full) return { image: undefined, diagnostics: asm.diags.result(() => true), listing: [] };
  asm.symbols.resolveConstants();
  const segments = layOut(asm.stmts, asm.diags);
  emitAll(asm.stmts, asm.symbols, asm.diags);
  const entry = entryPoint(asm, segments);
  if (asm.diags.count === 0 && options.runnable) checkRunnable(asm, segments, entry, fileName);
  if (asm.diags.count > 0) return { image: undefined, diagnostics: asm.diags.result((name) => asm.symbols.has(name)), listing: [] };
  // A PARAVIRT build says so in its header (docs/image-format.md): PARAVIRT was defined, by
  // -D or in the source.
  const paravirt = asm.symbols.has(PARAVIRT_SYMBOL);
  const image: Image = { entry, ...(paravirt ? { flags: IMAGE_FLAGS.PARAVIRT } : {}), segments, symbols: asm.symbols.imageSymbols(), files: asm.files, lines: lineTable(asm) };
  return { image, diagnostics: [], listing: listingRows(asm.stmts) };
}

function readSource(options: AssembleOptions, path: string): string {
  const content = options.readFile ? options.readFile(path) : readFileSync(path);
  if (typeof content !== 'string' && !(content instanceof Uint8Array)) throw new Error('no such file');
  // Sources are UTF-8 text; a byte-order mark some editors put first is not part of the text.
  return sourceText(content);
}

/** -D defines, as constants; a bad one is reported at "<command line>". */
function defineAll(asm: Assembler, defines: Readonly<Record<string, number>>): void {
  const frame: Frame = { kind: 'file', file: '<command line>', fileIndex: -1, macroDepth: 0, includeDepth: 0 };
  for (const [name, value] of Object.entries(defines)) {
    try {
      asm.symbols.defineValue(name, Number(value) | 0);
    } catch (error) {
      asm.diags.addError({ frame, line: 1, text: `-D ${name}=${value}`, order: -1 }, error);
    }
  }
}

/** .entry if given, else the label `start`, else the lowest emitted address (0 if none). */
function entryPoint(asm: Assembler, segments: readonly Segment[]): number {
  const e = asm.entry;
  if (e) {
    try {
      return evaluate(e.expr, { symbols: asm.symbols, scope: e.scope, here: e.here, final: true })! >>> 0;
    } catch (error) {
      asm.diags.addError(e.where, error, e.col);
      return 0;
    }
  }
  const start = asm.symbols.label('start');
  if (start !== undefined) return start >>> 0;
  return segments.length > 0 ? segments[0]!.address : 0;
}

/** An image must hold something and start inside it, on an instruction boundary (the
 *  loader would reject it otherwise): say so here, at the .entry line or the file's start. */
function checkRunnable(asm: Assembler, segments: readonly Segment[], entry: number, fileName: string): void {
  const where: Where = asm.entry?.where ?? { frame: { kind: 'file', file: fileName, fileIndex: 0, macroDepth: 0, includeDepth: 1 }, line: 1, text: '', order: 0 };
  const column = asm.entry?.col ?? 1;
  const at = `0x${entry.toString(16)}`;
  if (segments.length === 0) asm.diags.add(where, 1, 'the program emits no code or data (an image needs at least one byte)');
  else if (!segments.some((seg) => entry >= seg.address && entry < seg.address + seg.bytes.length)) asm.diags.add(where, column, `entry point ${at} is outside the program's code and data`);
  else if (entry % 4 !== 0) asm.diags.add(where, column, `entry point ${at} is not a multiple of 4`);
}

/** One row per emitted statement, sorted by address (macro lines: the line in the macro body). */
/** Address -> file and line of each emitting statement; code from a macro maps to the line
 *  that invoked it (the outermost invocation, a line written in a file), as GNU as does: a
 *  trace then names the kernel's line, not the body of paravirt.inc's op. */
function lineTable(asm: Assembler): Image['lines'] {
  const written = (where: Where): Where => (where.frame.kind === 'macro' && where.frame.at ? written(where.frame.at) : where);
  const rows = asm.stmts.filter((s) => s.segment && !s.skip).map((s) => {
    const at = written(s.where);
    return { address: s.address, file: at.frame.fileIndex, line: at.line };
  });
  return rows.sort((a, b) => a.address - b.address);
}

/** One diagnostic for the file: at line 1, or at the byte that makes it not text. */
function failed(file: string, message: string, at?: NotText): AssembleResult {
  const frame: Frame = { kind: 'file', file, fileIndex: 0, macroDepth: 0, includeDepth: 1 };
  const where: Where = { frame, line: at?.line ?? 1, text: at?.lineText ?? '', order: 0 };
  return { image: undefined, diagnostics: [makeDiagnostic(where, at?.column ?? 1, message)], listing: [] };
}
