// The first pass: reads the source line by line (following .include, macros and .if),
// defines symbols, lays out every statement at its address and records it for the second
// pass (emit.ts). Every problem becomes a diagnostic and assembly goes on with the next line.

import type { Expr, LabelDef, Operand, Operation, ParsedLine } from './ast.js';
import { Conditionals } from './conditionals.js';
import { AsmError, DiagnosticList, NotKnownHere, type Frame, type Where } from './diagnostics.js';
import { evaluate } from './expr.js';
import { lineHead, operandsColumn, parseLine } from './parse.js';
import { MacroTable, MAX_MACRO_DEPTH, substitute, type MacroBuilder, type MacroDef } from './macros.js';
import { PSEUDO_BY_NAME, type PseudoSpec } from './pseudo.js';
import { Stmt, type StmtKind } from './statement.js';
import { qualify, SymbolTable } from './symbols.js';
import { FORMATS } from '../isa/formats.js';
import { BY_MNEMONIC, type InstructionSpec } from '../isa/table.js';
import { didYouMean, quoted } from '../text/nearest.js';

import { MAX_LINES } from './max-lines.js';
export { MAX_LINES };
/** Bytes a program may emit in all. */
export const MAX_BYTES = 256 * 1024 * 1024;
const ADDRESS_LIMIT = 2 ** 32;
const NO_OPERANDS: readonly Operand[] = [];

export interface AssemblerOptions {
  readonly defines: Readonly<Record<string, number>>;
  /** A source file's text (main or .include); throws when it cannot be read (NotText for a binary). */
  readonly readFile: (path: string) => string;
  /** Where .include looks after the including file's directory: -I, then the built-in one. */
  readonly includeDirs: readonly string[];
  readonly maxErrors: number;
  /** The directives by lowercase name (directives.ts; passed in so that the table, which
   *  acts on an Assembler, and the Assembler do not import each other). */
  readonly directives: ReadonlyMap<string, Directive>;
}

/** A directive (its rows are in directives.ts): what it is, and what it does to the assembler. */
export interface Directive {
  readonly name: string;
  /** Operand syntax, for messages and docs. */
  readonly syntax: string;
  readonly summary: string;
  /** Operand count bounds (checked before `run`). */
  readonly min: number;
  readonly max: number;
  readonly run: (asm: Assembler, op: Operation, where: Where, unit: Unit) => void;
}

/** One run of lines (a file or a macro expansion) and its open .if blocks and .macro. */
export interface Unit {
  readonly frame: Frame;
  readonly conds: Conditionals;
  defining: MacroBuilder | undefined;
}

export class Assembler {
  readonly diags: DiagnosticList;
  readonly symbols: SymbolTable;
  readonly macros = new MacroTable();
  readonly files: string[] = [];
  readonly stmts: Stmt[] = [];
  /** Address of the next statement (unsigned). */
  pc = 0;
  /** The last global label: local names are qualified with it. */
  scope = '';
  entry: { expr: Expr; where: Where; col: number; scope: string; here: number } | undefined;
  /** Characters the includes read so far (directives.ts MAX_INCLUDED_CHARS). */
  includedChars = 0;
  /** .include statements assembled so far (directives.ts MAX_INCLUDES). */
  includes = 0;
  private order = 0;
  private expansions = 0;
  private bytes = 0;
  private stopped = false;

  constructor(readonly options: AssemblerOptions) {
    this.diags = new DiagnosticList(options.maxErrors);
    this.symbols = new SymbolTable((where, error) => this.diags.addError(where, error));
  }

  /** Assemble no more lines: a limit was passed. */
  stop(): void {
    this.stopped = true;
  }

  /** Index of a file in the image's file table (added on first use). */
  fileIndex(file: string): number {
    const i = this.files.indexOf(file);
    return i >= 0 ? i : this.files.push(file) - 1;
  }

  /** Assembles the lines of a file's text in `frame`. */
  text(text: string, frame: Frame): void {
    // (past MAX_LINES lines the unit stops with an error: a file of more is cut there before
    // it is split, as 150 million empty lines would be more strings than the engine holds)
    let at = -1;
    for (let n = 0; n <= MAX_LINES + 1 && at < text.length; n++) {
      at = text.indexOf('\n', at + 1);
      if (at < 0) break;
    }
    const lines = (at >= 0 ? text.slice(0, at) : text).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.charCodeAt(line.length - 1) === 13) lines[i] = line.slice(0, -1);
    }
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    this.unit(lines, undefined, frame);
  }

  /** Assembles lines (numbered `lineNumbers[i]`, or i + 1) as one unit. */
  unit(texts: readonly string[], lineNumbers: readonly number[] | undefined, frame: Frame): void {
    const unit: Unit = { frame, conds: new Conditionals(), defining: undefined };
    for (let i = 0; i < texts.length && !this.stopped; i++) {
      const text = texts[i]!;
      const where: Where = { frame, line: lineNumbers ? lineNumbers[i]! : i + 1, text, order: this.order++ };
      if (this.order > MAX_LINES) {
        this.diags.add(where, 1, `too many lines: more than ${MAX_LINES} after macro expansion`);
        this.stopped = true;
      } else if (unit.defining) this.collect(unit, unit.defining, where);
      else if (!unit.conds.active) this.skip(unit, where);
      else this.line(unit, where);
      if (this.diags.full) this.stopped = true;
    }
    this.endUnit(unit);
  }

  private line(unit: Unit, where: Where): void {
    let parsed: ParsedLine;
    try {
      parsed = parseLine(where.text);
    } catch (error) {
      // (an error with no column of its own, a statement too deep to parse, is in its operands)
      this.diags.addError(where, error, operandsColumn(where.text));
      this.salvage(unit, where);
      return;
    }
    if (parsed.label) this.tryLabel(parsed.label, where);
    try {
      if (parsed.assign) this.constant(parsed.assign.name, parsed.assign.expr, where, parsed.assign.col);
      else if (parsed.op) this.operation(parsed.op, where, unit);
    } catch (error) {
      this.diags.addError(where, error);
    }
  }

  /**
   * After a syntax error: still define the line's label and keep .if / .macro nesting, so
   * one bad line does not cause more errors (undefined label, .endif without .if...).
   */
  private salvage(unit: Unit, where: Where): void {
    const head = lineHead(where.text);
    if (!head) return;
    if (head.label) this.tryLabel(head.label, where);
    if (head.name) this.openBroken(unit, head.name.toLowerCase(), where, head.col);
  }

  /**
   * A broken .macro or .if / .ifdef / .ifndef line still opens its block (unnamed, with no
   * condition), so its .endm / .else / .endif match; other names do nothing here.
   */
  openBroken(unit: Unit, name: string, where: Where, col: number): void {
    if (name === '.macro') unit.defining = { name: '', params: [], body: [], where, col, opCol: col, depth: 0 };
    else this.conditional(unit, name, where, col, undefined);
  }

  /** Tracks a conditional directive seen in a line that is not assembled. */
  private conditional(unit: Unit, name: string, where: Where, col: number, condition: boolean | undefined): void {
    try {
      if (name === '.if' || name === '.ifdef' || name === '.ifndef') unit.conds.open(condition, where, col);
      else if (name === '.else') unit.conds.else(col);
      else if (name === '.endif') unit.conds.end(col);
    } catch (error) {
      this.diags.addError(where, error);
    }
  }

  private tryLabel(label: LabelDef, where: Where): void {
    try {
      if (label.name.charCodeAt(0) === 46 && this.scope === '') {
        throw new AsmError(label.col, `local label '${label.name}' needs a global label before it (its scope)`);
      }
      const name = qualify(label.name, this.scope);
      this.symbols.defineLabel(name, this.pc, where, label.col);
      // A qualified local name (main.x) does not open a new scope.
      if (label.name.indexOf('.') < 0) this.scope = name;
      this.record('label', where, label.col, this.pc, 0);
    } catch (error) {
      this.diags.addError(where, error);
    }
  }

  /** .equ NAME, expr and NAME = expr */
  constant(name: string, expr: Expr, where: Where, col: number): void {
    if (name.charCodeAt(0) === 46) throw new AsmError(col, `a constant cannot be local: '${name}'`);
    this.symbols.defineConstant(name, expr, this.pc, this.scope, where, col);
    this.record('equ', where, col, this.pc, 0);
  }

  private operation(op: Operation, where: Where, unit: Unit): void {
    const name = op.name;
    if (name.charCodeAt(0) === 46) {
      const directive = this.options.directives.get(name.toLowerCase());
      if (!directive) throw new AsmError(op.col, `unknown directive '${quoted(name)}'${didYouMean(name, this.options.directives.keys())}`);
      directive.run(this, op, where, unit);
      return;
    }
    const lower = name.toLowerCase();
    const spec = BY_MNEMONIC.get(lower);
    if (spec) return this.instruction(spec, op, where);
    const pseudo = PSEUDO_BY_NAME.get(lower);
    if (pseudo) return this.pseudo(pseudo, op, where);
    const macro = this.macros.get(name);
    if (macro) return this.expand(macro, op, where, unit);
    throw new AsmError(op.col, `unknown mnemonic '${quoted(name)}'${didYouMean(name, this.operationNames())}`);
  }

  /** What an operation may be called, for "did you mean": instructions (the ISA table), then
   *  pseudo-instructions, macros defined so far, and directives (`word` for `.word`). */
  private *operationNames(): Iterable<string> {
    yield* BY_MNEMONIC.keys();
    yield* PSEUDO_BY_NAME.keys();
    yield* this.macros.names();
    yield* this.options.directives.keys();
  }

  private instruction(spec: InstructionSpec, op: Operation, where: Where): void {
    const format = FORMATS[spec.format];
    checkCount(spec.mnemonic, format.syntax, format.operands.length, op);
    this.record('instr', where, op.col, this.place(4, op.col, true), 4, op.operands, spec);
  }

  private pseudo(pseudo: PseudoSpec, op: Operation, where: Where): void {
    checkCount(pseudo.name, pseudo.syntax, pseudo.operands.length, op);
    const words = typeof pseudo.words === 'number' ? pseudo.words : pseudo.words(op.operands.map((o, i) => (pseudo.operands[i] === 'imm32' ? this.knownNow(o) : undefined)));
    const address = this.place(4 * words, op.col, true);
    this.record('pseudo', where, op.col, address, 4 * words, op.operands, undefined, pseudo, undefined, words);
  }

  /** The value of an expression operand if known now; undefined if not (or if it fails: pass 2 reports it). */
  private knownNow(op: Operand): number | undefined {
    if (op.k !== 'expr') return undefined;
    try {
      return evaluate(op.expr, { symbols: this.symbols, scope: this.scope, here: this.pc, final: false });
    } catch {
      return undefined;
    }
  }

  /**
   * The value of an expression that decides the layout: it must be known here.
   * `what` names the place for the message ("forward reference in .org").
   */
  valueNow(expr: Expr, what: string): number {
    this.symbols.unknown = '';
    const value = evaluate(expr, { symbols: this.symbols, scope: this.scope, here: this.pc, final: false });
    if (value === undefined) {
      throw new NotKnownHere(expr.col, this.symbols.unknown, what);
    }
    return value;
  }

  /**
   * Reserves `size` bytes at pc and returns their address. Instructions must be at a
   * multiple of 4. Throws (leaving pc after the bytes) when they cannot be placed.
   */
  place(size: number, col: number, instruction: boolean): number {
    const address = this.pc;
    if (address + size > ADDRESS_LIMIT) {
      this.pc = ADDRESS_LIMIT;
      throw new AsmError(col, `bytes beyond the end of the address space (0x${address.toString(16)} + ${size})`);
    }
    this.pc = address + size;
    this.bytes += size;
    if (this.bytes > MAX_BYTES) throw new AsmError(col, `program too large: more than ${MAX_BYTES} bytes`);
    if (instruction && address % 4 !== 0) throw new AsmError(col, `instruction at 0x${address.toString(16)} is not a multiple of 4`);
    return address;
  }

  /** Records a statement of the current line; it replaces the line's label-only record. */
  record(
    kind: StmtKind,
    where: Where,
    col: number,
    address: number,
    size: number,
    operands: readonly Operand[] = NO_OPERANDS,
    spec?: InstructionSpec,
    pseudo?: PseudoSpec,
    data?: Uint8Array,
    words = 0,
  ): void {
    const last = this.stmts[this.stmts.length - 1];
    if (last && last.kind === 'label' && last.where === where) this.stmts.pop();
    this.stmts.push(new Stmt(kind, where, col, this.scope, address, size, operands, spec, pseudo, data, words));
  }

  private expand(def: MacroDef, op: Operation, where: Where, unit: Unit): void {
    const args = op.operands.map((o) => where.text.slice(o.col - 1, o.end - 1));
    if (args.length !== def.params.length) {
      throw new AsmError(op.col, `macro '${def.name}' takes ${def.params.length} argument${def.params.length === 1 ? '' : 's'}, got ${args.length}`);
    }
    if (unit.frame.macroDepth >= MAX_MACRO_DEPTH) throw new AsmError(op.col, `macro expansion deeper than ${MAX_MACRO_DEPTH}`);
    this.record('call', where, op.col, this.pc, 0);
    const unique = this.expansions++;
    const texts = def.body.map((l) => substitute(l.text, def.params, args, unique));
    const frame: Frame = {
      kind: 'macro',
      file: def.frame.file,
      fileIndex: def.frame.fileIndex,
      macro: def.name,
      at: where,
      atColumn: op.col,
      macroDepth: unit.frame.macroDepth + 1,
      includeDepth: unit.frame.includeDepth,
    };
    // Labels inside the expansion do not change the local-label scope of the caller.
    const scope = this.scope;
    this.unit(texts, def.body.map((l) => l.line), frame);
    this.scope = scope;
  }

  /** A line inside a .macro definition: stored, with .macro / .endm nesting tracked. */
  private collect(unit: Unit, builder: MacroBuilder, where: Where): void {
    const name = lineHead(where.text)?.name?.toLowerCase();
    if (name === '.endm') {
      if (builder.depth === 0) {
        unit.defining = undefined;
        if (builder.name === '') return; // its .macro line had a syntax error
        const def: MacroDef = { name: builder.name, params: builder.params, body: builder.body, frame: unit.frame, where: builder.where, col: builder.col };
        try {
          this.macros.define(def);
        } catch (error) {
          this.diags.addError(builder.where, error);
        }
        return;
      }
      builder.depth--;
    } else if (name === '.macro') {
      builder.depth++;
    }
    builder.body.push({ text: where.text, line: where.line });
  }

  /** A line in a false .if branch: only conditional directives count (for nesting). */
  private skip(unit: Unit, where: Where): void {
    const head = lineHead(where.text);
    if (head?.name) this.conditional(unit, head.name.toLowerCase(), where, head.col, false);
  }

  private endUnit(unit: Unit): void {
    if (this.stopped) return;
    for (const open of unit.conds.unclosed()) this.diags.add(open.where, open.col, open.message);
    const b = unit.defining;
    if (b) this.diags.add(b.where, b.opCol, `missing .endm for .macro at ${b.where.frame.file}:${b.where.line}:${b.opCol}`);
  }
}

/** "'add' takes 3 operands (rd, rs1, rs2), got 2" */
function checkCount(name: string, syntax: string, count: number, op: Operation): void {
  const got = op.operands.length;
  if (got === count) return;
  const takes = count === 0 ? 'takes no operands' : `takes ${count} operand${count === 1 ? '' : 's'} (${syntax})`;
  throw new AsmError(op.col, `'${name}' ${takes}, got ${got}`);
}
