// The symbol table: labels (addresses), .equ / `=` constants (expressions evaluated lazily,
// with cycle detection) and -D defines. Names are case-sensitive; local labels `.x` are
// stored qualified with the global label before them (`main.x`).

import type { Expr } from './ast.js';
import { AsmError, ReportedError, undefinedSymbol, type Where } from './diagnostics.js';
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

/** Thrown by valueOf while resolve() evaluates a definition that names a constant without a
 *  value yet: resolve() evaluates that one first. */
class Needs {
  constructor(
    readonly entry: Entry,
    readonly col: number,
  ) {}
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
  /** While resolve() evaluates a definition: valueOf evaluates no other constant then (it
   *  throws Needs). */
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
      if (final) throw new AsmError(col, undefinedSymbol(q));
      this.unknown = q;
      return undefined;
    }
    if (entry.value !== undefined) return entry.value;
    if (entry.state === FAILED) throw new ReportedError();
    if (!final && entry.unknownAt === this.defined) {
      this.unknown = entry.waitsFor;
      return undefined;
    }
    if (this.resolving) throw new Needs(entry, col);
    return this.resolve(entry, final);
  }

  /**
   * The value of constant `root` (undefined: not known yet). Its definition is evaluated; where
   * it names a constant without a value yet, that one is evaluated first (Needs), and then the
   * definition again from the start, so errors come in the order a recursive evaluation
   * meets them. An explicit stack rather than recursion: a chain of constants each defined
   * through the next (A0 = A1 + 1, A1 = A2 + 1, ...) is as long as a program makes it, and
   * would overflow the JavaScript stack. An error is reported at the definition it is in
   * (not at a use), and the constants that wait for it fail with it silently.
   */
  private resolve(root: Entry, final: boolean): number | undefined {
    // (no constant is BUSY here: valueOf comes here only outside a resolution)
    root.state = BUSY;
    const stack: Entry[] = [root];
    while (stack.length > 0) {
      const entry = stack[stack.length - 1]!;
      this.resolving = true;
      try {
        entry.value = evaluate(entry.expr!, { symbols: this, scope: entry.scope, here: entry.here, final });
        entry.state = IDLE;
        if (entry.value === undefined) {
          entry.unknownAt = this.defined;
          entry.waitsFor = this.unknown;
        }
        stack.pop();
      } catch (thrown) {
        let error = thrown;
        if (error instanceof Needs) {
          if (error.entry.state !== BUSY) {
            error.entry.state = BUSY;
            stack.push(error.entry);
            continue;
          }
          error = new AsmError(error.col, `circular definition of '${error.entry.name}'`);
        }
        if (!(error instanceof ReportedError)) this.reportDefinitionError(entry.where!, error);
        for (const waiting of stack) waiting.state = FAILED;
        throw new ReportedError();
      } finally {
        this.resolving = false;
      }
    }
    return root.value;
  }

  /** Evaluates every constant (reporting errors at their definitions), after the first pass. */
  resolveConstants(): void {
    for (const entry of this.map.values()) {
      if (entry.value !== undefined || entry.state === FAILED) continue;
      try {
        this.resolve(entry, true);
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
