// Expressions: C precedence over the grammar's flat operator list, and evaluation with
// 32-bit two's-complement wrap-around.
//
// Precedence, tightest first (all binary operators are left-associative):
//   unary - ~ +  |  * / %  |  + -  |  << >>  |  &  |  ^  |  |

import type { BinaryOp, Expr } from './ast.js';
import { AsmError } from './diagnostics.js';

export const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  '*': 6, '/': 6, '%': 6,
  '+': 5, '-': 5,
  '<<': 4, '>>': 4,
  '&': 3,
  '^': 2,
  '|': 1,
};

/**
 * Builds the tree of `terms[0] ops[0] terms[1] ops[1] ...` (ops.length === terms.length - 1)
 * by precedence climbing. `opCols` are the operators' columns.
 */
export function buildBinary(terms: readonly Expr[], ops: readonly BinaryOp[], opCols: readonly number[]): Expr {
  if (ops.length === 0) return terms[0]!;
  let i = 0;
  const climb = (minPrec: number): Expr => {
    let left = terms[i]!;
    while (i < ops.length && PRECEDENCE[ops[i]!] >= minPrec) {
      const op = ops[i]!;
      const col = opCols[i]!;
      i++;
      const right = climb(PRECEDENCE[op] + 1);
      left = { k: 'bin', op, left, right, col };
    }
    return left;
  };
  return climb(1);
}

/** What an expression needs from its surroundings. */
export interface SymbolValues {
  /**
   * The value of the symbol `name` as written (local names are qualified with `scope`).
   * Returns undefined when it is not known yet (only when `final` is false); throws an
   * AsmError for a name that can never have a value.
   */
  valueOf(name: string, scope: string, col: number, final: boolean): number | undefined;
}

/** The environment of one evaluation: `$`, the local-label scope, and whether this is the last pass. */
export interface EvalContext {
  readonly symbols: SymbolValues;
  readonly scope: string;
  readonly here: number;
  readonly final: boolean;
}

/**
 * The 32-bit signed value of `e`, or undefined when a symbol it uses is not known yet
 * (never when ctx.final). Division or remainder by zero throws.
 * Shift counts are taken modulo 32, as by the CPU's shl/shr/sar.
 */
export function evaluate(e: Expr, ctx: EvalContext): number | undefined {
  switch (e.k) {
    case 'num':
      return e.value;
    case 'sym':
      return ctx.symbols.valueOf(e.name, ctx.scope, e.col, ctx.final);
    case 'here':
      return ctx.here | 0;
    case 'un': {
      const v = evaluate(e.arg, ctx);
      if (v === undefined) return undefined;
      return e.op === '-' ? -v | 0 : e.op === '~' ? ~v : v;
    }
    case 'bin': {
      if (leftDepth(e) > LONG_CHAIN) return evaluateChain(e, ctx);
      const l = evaluate(e.left, ctx);
      const r = evaluate(e.right, ctx);
      if (l === undefined || r === undefined) return undefined;
      return binary(e.op, l, r, e.col);
    }
  }
}

/** A left-deep chain longer than this (a + b + c ..., as buildBinary makes one) is walked
 *  down its left spine with a loop, not recursion: a flat sum of thousands of terms is no
 *  nesting, and must not overflow the stack. */
const LONG_CHAIN = 64;

/** Binary operators down e's left side (at most LONG_CHAIN + 1 counted). */
function leftDepth(e: Expr): number {
  let depth = 0;
  for (let node = e; node.k === 'bin' && depth <= LONG_CHAIN; node = node.left) depth++;
  return depth;
}

/** evaluate() of a long left-deep chain: its leftmost operand, then each right operand in
 *  turn, in the order recursion would take them (so the same errors come first). */
function evaluateChain(e: Expr & { k: 'bin' }, ctx: EvalContext): number | undefined {
  const spine: (Expr & { k: 'bin' })[] = [];
  let node: Expr = e;
  for (; node.k === 'bin'; node = node.left) spine.push(node);
  let value = evaluate(node, ctx);
  for (let i = spine.length - 1; i >= 0; i--) {
    const b = spine[i]!;
    const r = evaluate(b.right, ctx);
    value = value === undefined || r === undefined ? undefined : binary(b.op, value, r, b.col);
  }
  return value;
}

function binary(op: BinaryOp, l: number, r: number, col: number): number {
  switch (op) {
    case '+': return (l + r) | 0;
    case '-': return (l - r) | 0;
    case '*': return Math.imul(l, r);
    case '/':
      if (r === 0) throw new AsmError(col, 'division by zero in expression');
      return (l / r) | 0;
    case '%':
      if (r === 0) throw new AsmError(col, 'division by zero in expression');
      return (l % r) | 0;
    case '<<': return l << r;
    case '>>': return l >> r;
    case '&': return l & r;
    case '^': return l ^ r;
    case '|': return l | r;
  }
}
