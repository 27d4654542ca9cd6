// The symbol table: labels (addresses), .equ / `=` constants (expressions evaluated lazily,
// with cycle detection) and -D defines. Names are case-sensitive; local labels `.x` are
// stored qualified with the global label before them (`main.x`).

import type { Expr } from './ast.js';
import { AsmError, ReportedError, type Where } from './diagnostics.js';
import { evaluate, type SymbolValues } from './expr.js';
import { isRegisterName } from '../isa/registers.js';
import type { ImageSymbol, SymbolKind } from '../image/model.js';

const IDLE = 0;
const BUSY = 1;
const FAILED = 2;

interface Entry {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The value once known (labels: always). */
  value: number | undefined;
  /** For .equ: the expression, with the `$` and scope of its definition. */
  readonly expr: Expr | undefined;
  readonly here: number;
  readonly scope: string;
  /** Where it was defined; undefined for -D. */
  readonly where: Where | undefined;
  readonly col: number;
  state: number;
  /** The symbol count (SymbolTable.defined) when it was last found not known yet, and the
   *  symbol it waits for: until another symbol is defined, it is not known still. */
  unknownAt: number;
  waitsFor: string;
}

/** Reports an error in a constant's definition (at the definition, not at the use). */
export type ReportDefinitionError = (where: Where, error: unknown) => void;

/** Local names `.x` belong to the last global label (`scope`); other names stand as written. */
export function qualify(name: string, scope: string): string {
  return name.charCodeAt(0) === 46 /* . */ ? scope + name : name;
}

export class SymbolTable implements SymbolValues {
  private readonly map = new Map<string, Entry>();
  /** The last symbol found not known yet by valueOf (for "not known here" messages). */
  unknown = '';
  /** While resolve() evaluates a constant whose constants it has settled: valueOf then
   *  reads their values and evaluates none. */
  private resolving = false;
  /** Symbols defined so far. */
  private defined = 0;

  constructor(private readonly reportDefinitionError: ReportDefinitionError) {}

  has(name: string): boolean {
    return this.map.has(name);
  }

  /** Defines a label (an address). Throws an AsmError at `col` for a bad or duplicate name. */
  defineLabel(name: string, address: number, where: Where, col: number): void {
    this.add({ name, kind: 'label', value: address | 0, expr: undefined, here: 0, scope: '', where, col, state: IDLE, unknownAt: -1, waitsFor: '' });
  }

  /** Defines a constant from an expression, evaluated when first needed. */
  defineConstant(name: string, expr: Expr, here: number, scope: string, where: Where, col: number): void {
    this.add({ name, kind: 'constant', value: undefined, expr, here, scope, where, col, state: IDLE, unknownAt: -1, waitsFor: '' });
  }

  /** Defines a constant with a known value (from -D). */
  defineValue(name: string, value: number): void {
    this.add({ name, kind: 'constant', value: value | 0, expr: undefined, here: 0, scope: '', where: undefined, col: 0, state: IDLE, unknownAt: -1, waitsFor: '' });
  }

  private add(entry: Entry): void {
    if (isRegisterName(entry.name)) throw new AsmError(entry.col, `'${entry.name}' is a register name and cannot be a symbol`);
    const first = this.map.get(entry.name);
    if (first) {
      const at = first.where ? `${first.where.frame.file}:${first.where.line}:${first.col}` : 'the command line (-D)';
      throw new AsmError(entry.col, `duplicate symbol '${entry.name}' (first defined at ${at})`);
    }
    this.map.set(entry.name, entry);
    this.defined++;
  }

  valueOf(name: string, scope: string, col: number, final: boolean): number | undefined {
    const q = qualify(name, scope);
    const entry = this.map.get(q);
    if (entry === undefined) {
      if (isRegisterName(name)) throw new AsmError(col, `register '${name}' cannot be used in an expression`);
      if (final) throw new AsmError(col, `undefined symbol '${q}'`);
      this.unknown = q;
      return undefined;
    }
    if (entry.value !== undefined) return entry.value;
    if (this.resolving || (!final && entry.unknownAt === this.defined)) {
      // (settled: failed, or not known yet for want of the symbol messages name)
      if (entry.state === FAILED) throw new ReportedError();
      this.unknown = entry.waitsFor;
      return undefined;
    }
    return this.resolve(entry, col, final);
  }

  /**
   * The value of constant `entry` (undefined: not known yet), evaluating first, depth first,
   * the constants its definition uses that have no value yet, and theirs. An explicit stack
   * rather than recursion: a chain of constants each defined through the next (A0 = A1 + 1,
   * A1 = A2 + 1, ...) is as long as a program makes it, and recursion would overflow the
   * JavaScript stack. An error is reported at the definition it is in (not at a use), and
   * the constants that depend on it fail with it silently.
   */
  private resolve(root: Entry, col: number, final: boolean): number | undefined {
    if (root.state === FAILED) throw new ReportedError();
    if (root.state === BUSY) throw new AsmError(col, `circular definition of '${root.name}'`);
    const stack: { entry: Entry; uses: { entry: Entry; col: number }[]; next: number }[] = [];
    const open = (entry: Entry) => {
      entry.state = BUSY;
      stack.push({ entry, uses: this.constantsUsed(entry), next: 0 });
    };
    open(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const entry = top.entry;
      try {
        if (top.next < top.uses.length) {
          const use = top.uses[top.next++]!;
          if (use.entry.value !== undefined || (!final && use.entry.unknownAt === this.defined)) continue;
          if (use.entry.state === FAILED) throw new ReportedError();
          if (use.entry.state === BUSY) throw new AsmError(use.col, `circular definition of '${use.entry.name}'`);
          open(use.entry);
          continue;
        }
        this.resolving = true;
        this.unknown = '';
        entry.value = evaluate(entry.expr!, { symbols: this, scope: entry.scope, here: entry.here, final });
        entry.state = IDLE;
        if (entry.value === undefined) {
          entry.unknownAt = this.defined;
          entry.waitsFor = this.unknown;
        }
        stack.pop();
      } catch (error) {
        if (!(error instanceof ReportedError)) this.reportDefinitionError(entry.where!, error);
        for (const frame of stack) frame.entry.state = FAILED;
        throw new ReportedError();
      } finally {
        this.resolving = false;
      }
    }
    return root.value;
  }

  /** The constants without a value yet that a constant's definition names (with the column
   *  of each name). */
  private constantsUsed(entry: Entry): { entry: Entry; col: number }[] {
    const used: { entry: Entry; col: number }[] = [];
    const pending: Expr[] = [entry.expr!];
    while (pending.length > 0) {
      const e = pending.pop()!;
      if (e.k === 'sym') {
        const other = this.map.get(qualify(e.name, entry.scope));
        if (other !== undefined && other.kind === 'constant' && other.value === undefined) used.push({ entry: other, col: e.col });
      } else if (e.k === 'un') pending.push(e.arg);
      else if (e.k === 'bin') pending.push(e.right, e.left);
    }
    return used;
  }

  /** Evaluates every constant (reporting errors at their definitions), after the first pass. */
  resolveConstants(): void {
    for (const entry of this.map.values()) {
      if (entry.value !== undefined || entry.state === FAILED) continue;
      try {
        this.resolve(entry, entry.col, true);
      } catch {
        // reported at the definition
      }
    }
  }

  /** The symbols for the image, in definition order (values as unsigned 32-bit). */
  imageSymbols(): ImageSymbol[] {
    const out: ImageSymbol[] = [];
    for (const e of this.map.values()) {
      if (e.value !== undefined) out.push({ name: e.name, value: e.value >>> 0, kind: e.kind });
    }
    return out;
  }

  /** The value of a label, or undefined (for the default entry point `start`). */
  label(name: string): number | undefined {
    const e = this.map.get(name);
    return e?.kind === 'label' ? e.value : undefined;
  }
}
