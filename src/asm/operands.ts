// Operands of instructions and pseudo-instructions: checking an operand's form against the
// kind the format wants (register, immediate, memory, control register, port, branch target)
// and computing its value. Range checks are the ISA's own (operandError in src/isa/encoding.ts).

import type { Expr, Operand } from './ast.js';
import { AsmError } from './diagnostics.js';
import { evaluate, type EvalContext } from './expr.js';
import { controlRegisterNumber, registerNumber } from '../isa/registers.js';
import type { PseudoOperandKind } from './pseudo.js';
import type { MemOperand, OperandValue } from '../isa/encoding.js';

const EXPECTED: Readonly<Record<PseudoOperandKind, string>> = {
  reg: 'a register',
  simm16: 'an immediate',
  uimm16: 'an immediate',
  imm32: 'an immediate',
  mem: 'a memory operand [reg + offset]',
  cr: 'a control register',
  port: 'a port',
  rel24: 'a branch target',
};

/** The register an operand names when it is just a register name, else undefined. */
export function bareRegister(op: Operand): number | undefined {
  return op.k === 'expr' && op.expr.k === 'sym' ? registerNumber(op.expr.name) : undefined;
}

/** Whether an operand can stand for a value in a directive: not a string, a memory operand
 *  or a register. A name like a register's (r16) or a control register's is a symbol's name
 *  there, as in an instruction's immediate: a label may be called `r16` or `mid` (and the
 *  disassembly of its image names it so). */
export function isExpression(op: Operand): op is Operand & { k: 'expr' } {
  return op.k === 'expr' && bareRegister(op) === undefined;
}

/** How an operand looks, for messages: "a register", "an expression", ... */
export function describe(op: Operand): string {
  if (op.k === 'str') return 'a string';
  if (op.k === 'mem') return 'a memory operand';
  if (bareRegister(op) !== undefined) return 'a register';
  if (op.expr.k === 'sym' && controlRegisterNumber(op.expr.name) !== undefined) return `the control register '${op.expr.name}'`;
  if (op.expr.k === 'sym' && /^r\d+$/i.test(op.expr.name)) return `'${op.expr.name}' (the registers are r0..r15)`;
  return 'an expression';
}

/** "operand 2 of 'addi': expected a register, got an expression" */
function wrongForm(kind: PseudoOperandKind, op: Operand, index: number, mnemonic: string): AsmError {
  return new AsmError(op.col, `operand ${index + 1} of '${mnemonic}': expected ${EXPECTED[kind]}, got ${describe(op)}`);
}

/**
 * The value of operand `index` of `mnemonic` for operand kind `kind` (ctx.final: all symbols
 * must be defined). Throws an AsmError at the operand for a wrong form; ranges are not checked.
 */
export function operandValue(kind: PseudoOperandKind, op: Operand, index: number, mnemonic: string, ctx: EvalContext): OperandValue {
  if (kind === 'reg') {
    const r = bareRegister(op);
    if (r === undefined) throw wrongForm(kind, op, index, mnemonic);
    return r;
  }
  if (kind === 'mem') {
    if (op.k !== 'mem') throw wrongForm(kind, op, index, mnemonic);
    return memoryOperand(op.expr, op.col, ctx);
  }
  if (op.k !== 'expr' || bareRegister(op) !== undefined) throw wrongForm(kind, op, index, mnemonic);
  if (kind === 'cr' && op.expr.k === 'sym') {
    const cr = controlRegisterNumber(op.expr.name);
    if (cr !== undefined) return cr;
  }
  const value = evaluate(op.expr, ctx)!;
  return kind === 'rel24' ? value >>> 0 : value;
}

/**
 * `[rb]`, `[rb + e]`, `[e + rb - f]`...: the terms joined by top-level + and - must include
 * exactly one register, added; the other terms make the offset.
 */
function memoryOperand(e: Expr, col: number, ctx: EvalContext): MemOperand {
  const terms: { e: Expr; negative: boolean }[] = [];
  collectTerms(e, false, terms);
  let base: number | undefined;
  let offset = 0;
  for (const t of terms) {
    const r = t.e.k === 'sym' ? registerNumber(t.e.name) : undefined;
    if (r === undefined) {
      const v = evaluate(t.e, ctx)!;
      offset = t.negative ? (offset - v) | 0 : (offset + v) | 0;
    } else if (t.negative) {
      throw new AsmError(t.e.col, 'a memory operand cannot subtract a register');
    } else if (base !== undefined) {
      throw new AsmError(t.e.col, 'a memory operand has one base register');
    } else {
      base = r;
    }
  }
  if (base === undefined) throw new AsmError(col, 'a memory operand needs a base register, as in [r1 + 8]');
  return { base, offset };
}

/** The terms of a sum (each with its sign), left to right. Its left side is walked with a
 *  loop: a flat sum of thousands of terms is no nesting (expr.ts LONG_CHAIN). */
function collectTerms(e: Expr, negative: boolean, out: { e: Expr; negative: boolean }[]): void {
  const rights: { e: Expr; negative: boolean }[] = [];
  let node = e;
  for (; node.k === 'bin' && (node.op === '+' || node.op === '-'); node = node.left) rights.push({ e: node.right, negative: node.op === '-' ? !negative : negative });
  out.push({ e: node, negative });
  for (let i = rights.length - 1; i >= 0; i--) collectTerms(rights[i]!.e, rights[i]!.negative, out);
}
