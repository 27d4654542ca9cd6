// The second pass: with every symbol defined, evaluate the operands of each recorded
// statement, encode instructions with the ISA's encoder and write the bytes into the
// segment buffers the layout assigned.

import type { Operand } from './ast.js';
import { AsmError, type DiagnosticList } from './diagnostics.js';
import { evaluate, type EvalContext, type SymbolValues } from './expr.js';
import { liHint } from './hints.js';
import { operandValue } from './operands.js';
import type { PseudoOperandKind } from './pseudo.js';
import type { Stmt } from './statement.js';
import { encode, operandError, type OperandValue } from '../isa/encoding.js';
import { FORMATS, type OperandKind } from '../isa/formats.js';
import { BY_MNEMONIC, type InstructionSpec } from '../isa/table.js';

/** Writes the bytes of every statement that has a place in a segment. */
export function emitAll(stmts: readonly Stmt[], symbols: SymbolValues, diags: DiagnosticList): void {
  for (const s of stmts) {
    if (!s.segment || s.skip) continue;
    try {
      emit(s, { symbols, scope: s.scope, here: s.address, final: true });
    } catch (error) {
      diags.addError(s.where, error, s.col);
    }
  }
}

function emit(s: Stmt, ctx: EvalContext): void {
  const out = s.segment!;
  const at = s.offset;
  switch (s.kind) {
    case 'instr': {
      const spec = s.spec!;
      const kinds = FORMATS[spec.format].operands as readonly OperandKind[];
      const values = operandValues(kinds, s.operands, spec.mnemonic, ctx);
      writeWord(out, at, encodeChecked(spec, values, s.address, (i) => s.operands[i]!.col, () => liHint(spec.mnemonic, operandTexts(s))));
      return;
    }
    case 'pseudo': {
      const pseudo = s.pseudo!;
      const values = operandValues(pseudo.operands, s.operands, pseudo.name, ctx);
      const rangeCol = s.operands.length > 0 ? s.operands[s.operands.length - 1]!.col : s.col;
      const range = pseudo.rangeError?.(values);
      if (range) throw new AsmError(rangeCol, range + liHint(pseudo.name, operandTexts(s)));
      const expansion = pseudo.expand(values, s.words);
      if (expansion.length !== s.words) throw new Error(`pseudo '${pseudo.name}' expanded to ${expansion.length} words, not ${s.words}`);
      expansion.forEach(([mnemonic, operands], i) => {
        const spec = BY_MNEMONIC.get(mnemonic)!;
        writeWord(out, at + 4 * i, encodeChecked(spec, operands, s.address + 4 * i, () => rangeCol, () => liHint(pseudo.name, operandTexts(s))));
      });
      return;
    }
    case 'word':
      s.operands.forEach((o, i) => writeWord(out, at + 4 * i, value(o, ctx)));
      return;
    case 'byte':
      s.operands.forEach((o, i) => (out[at + i] = byteValue(o, ctx)));
      return;
    case 'data':
      if (s.data) out.set(s.data, at);
      else if (s.operands.length > 1) out.fill(byteValue(s.operands[1]!, ctx), at, at + s.size);
      return;
    default:
      return;
  }
}

function operandValues(kinds: readonly PseudoOperandKind[], operands: readonly Operand[], mnemonic: string, ctx: EvalContext): OperandValue[] {
  const values: OperandValue[] = [];
  for (let i = 0; i < kinds.length; i++) values.push(operandValue(kinds[i]!, operands[i]!, i, mnemonic, ctx));
  return values;
}

/** Encodes after checking every operand's range; a range error is reported at `colOf(i)`,
 *  with `hint()` after it when the immediate is out of range (hints.ts). */
function encodeChecked(spec: InstructionSpec, values: readonly OperandValue[], pc: number, colOf: (i: number) => number, hint: () => string): number {
  const kinds = FORMATS[spec.format].operands as readonly OperandKind[];
  for (let i = 0; i < kinds.length; i++) {
    const error = operandError(kinds[i]!, values[i]!, pc);
    if (error) throw new AsmError(colOf(i), kinds[i] === 'simm16' || kinds[i] === 'uimm16' ? error + hint() : error);
  }
  return encode(spec, values, pc);
}

/** A statement's operands as written (for a macro's line: as expanded). */
function operandTexts(s: Stmt): string[] {
  return s.operands.map((o) => s.where.text.slice(o.col - 1, o.end - 1));
}

function value(o: Operand, ctx: EvalContext): number {
  if (o.k !== 'expr') throw new AsmError(o.col, 'expected an expression');
  return evaluate(o.expr, ctx)!;
}

function byteValue(o: Operand, ctx: EvalContext): number {
  const v = value(o, ctx);
  if (v < -128 || v > 255) throw new AsmError(o.col, `byte value ${v} out of range -128..255`);
  return v & 0xff;
}

/** Little-endian, as TOY32 memory is. */
function writeWord(out: Uint8Array, at: number, word: number): void {
  out[at] = word & 0xff;
  out[at + 1] = (word >>> 8) & 0xff;
  out[at + 2] = (word >>> 16) & 0xff;
  out[at + 3] = word >>> 24;
}
