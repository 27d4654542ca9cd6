// The symbol table: labels (addresses), .equ / `=` constants (expressions evaluated lazily,
// with cycle detection) and -D defines. Names are case-sensitive; local labels `.x` are
// stored qualified with the global label before them (`main.x`).

import type { Expr } from './ast.js';
import { AsmError, isStackOverflow, ReportedError, type Where } from './diagnostics.js';
import { evaluate, type SymbolValues } from './expr.js';
import { isRegisterName } from '../isa/registers.js';
import type { ImageSymbol, SymbolKind } from '../image/model.js';

const IDLE = 0;
const BUSY = 1;
const FAILED = 2;

/** Constants evaluated within one another's definitions at most (A = B + 1, B = C + 1, ...):
 *  each is a few calls deeper on the JavaScript stack, which a chain of some 1,500 overflows. */
export const MAX_CONSTANT_DEPTH = 500;

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
  /** Constants being evaluated now, one within the other. */
  private depth = 0;

  constructor(private readonly reportDefinitionError: ReportDefinitionError) {}

  has(name: string): boolean {
    return this.map.has(name);
  }

  /** Defines a label (an address). Throws an AsmError at `col` for a bad or duplicate name. */
  defineLabel(name: string, address: number, where: Where, col: number): void {
    this.add({ name, kind: 'label', value: address | 0, expr: undefined, here: 0, scope: '', where, col, state: IDLE });
  }

  /** Defines a constant from an expression, evaluated when first needed. */
  defineConstant(name: string, expr: Expr, here: number, scope: string, where: Where, col: number): void {
    this.add({ name, kind: 'constant', value: undefined, expr, here, scope, where, col, state: IDLE });
  }

  /** Defines a constant with a known value (from -D). */
  defineValue(name: string, value: number): void {
    this.add({ name, kind: 'constant', value: value | 0, expr: undefined, here: 0, scope: '', where: undefined, col: 0, state: IDLE });
  }

  private add(entry: Entry): void {
    if (isRegisterName(entry.name)) throw new AsmError(entry.col, `'${entry.name}' is a register name and cannot be a symbol`);
    const first = this.map.get(entry.name);
    if (first) {
      const at = first.where ? `${first.where.frame.file}:${first.where.line}:${first.col}` : 'the command line (-D)';
      throw new AsmError(entry.col, `duplicate symbol '${entry.name}' (first defined at ${at})`);
    }
    this.map.set(entry.name, entry);
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
    return this.constantValue(entry, col, final);
  }

  private constantValue(entry: Entry, col: number, final: boolean): number | undefined {
    if (entry.state === FAILED) throw new ReportedError();
    if (entry.state === BUSY) throw new AsmError(col, `circular definition of '${entry.name}'`);
    if (this.depth >= MAX_CONSTANT_DEPTH) throw new AsmError(col, `constant definitions nested deeper than ${MAX_CONSTANT_DEPTH}`);
    entry.state = BUSY;
    this.depth++;
    try {
      const value = evaluate(entry.expr!, { symbols: this, scope: entry.scope, here: entry.here, final });
      entry.state = IDLE;
      entry.value = value;
      return value;
    } catch (error) {
      entry.state = FAILED;
      // A stack overflow is reported where it unwinds to (the statement, or resolveConstants):
      // here the stack is nearly used up.
      if (isStackOverflow(error)) throw error;
      if (!(error instanceof ReportedError)) this.reportDefinitionError(entry.where!, error);
      throw new ReportedError();
    } finally {
      this.depth--;
    }
  }

  /** Evaluates every constant (reporting errors at their definitions), after the first pass. */
  resolveConstants(): void {
    for (const entry of this.map.values()) {
      if (entry.value !== undefined || entry.state === FAILED) continue;
      try {
        this.constantValue(entry, entry.col, true);
      } catch (error) {
        // (reported at the definition, but a stack overflow: at the outermost one)
        if (isStackOverflow(error)) this.reportDefinitionError(entry.where!, error);
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
