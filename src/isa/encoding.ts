// Encode and decode TOY32 instruction words, driven by the table and the formats.

import { FORMATS, OPERAND_RANGE, unusedBits, type Field, type FormatName, type OperandKind } from './formats.js';
import { BY_OPCODE, INSTRUCTIONS, type InstructionSpec } from './table.js';
import { CONTROL_REGISTERS, REGISTER_COUNT } from './arch.js';

/** An operand value: a register or control-register index, an immediate, a rel24 target
 *  address, or for `mem` a base register with a signed offset. */
export type OperandValue = number | MemOperand;
export interface MemOperand {
  readonly base: number;
  readonly offset: number;
}

export interface Decoded {
  readonly spec: InstructionSpec;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** The immediate, sign- or zero-extended as the format's operand kind says. */
  readonly imm: number;
  /** For rel: the signed word offset. */
  readonly off: number;
}

const UNUSED = new Map<FormatName, number>(Object.keys(FORMATS).map((f) => [f as FormatName, unusedBits(f as FormatName)]));

/** Decode a word; undefined when the opcode is unknown, an unused field is not zero, or a
 *  control-register field names no control register. */
export function decode(word: number): Decoded | undefined {
  const spec = BY_OPCODE[word >>> 24];
  if (!spec) return undefined;
  if ((word & UNUSED.get(spec.format)!) !== 0) return undefined;
  // A control-register field must name one (the CPU traps `illegal` otherwise).
  if ((spec.format === 'rc' || spec.format === 'cr') && (word & 0xffff) >= CONTROL_REGISTERS.length) return undefined;
  const signed = (FORMATS[spec.format].operands as readonly OperandKind[]).some((k) => k === 'simm16' || k === 'mem');
  return {
    spec,
    a: (word >>> 20) & 15,
    b: (word >>> 16) & 15,
    c: (word >>> 12) & 15,
    imm: signed ? (word << 16) >> 16 : word & 0xffff,
    off: (word << 8) >> 8,
  };
}

/** Operand values of a decoded instruction in assembly order (rel24 as the target address). */
export function operandsOf(d: Decoded, pc: number): OperandValue[] {
  const fields = FORMATS[d.spec.format].fields as readonly Field[];
  return fields.map((f) => {
    switch (f) {
      case 'A': return d.a;
      case 'B': return d.b;
      case 'C': return d.c;
      case 'imm': return d.imm;
      case 'memB': return { base: d.b, offset: d.imm };
      case 'off': return (pc + d.off * 4) >>> 0;
      default: return assertNever(f);
    }
  });
}

/** Why `value` is not a valid operand of `kind` at `pc`, or undefined when it is. */
export function operandError(kind: OperandKind, value: OperandValue, pc: number): string | undefined {
  if (kind === 'mem') {
    if (typeof value === 'number') return 'expected a memory operand [reg + offset]';
    return rangeError('simm16', value.offset, 'offset');
  }
  if (typeof value !== 'number') return 'a memory operand is not allowed here';
  switch (kind) {
    case 'reg':
      return value >= 0 && value < REGISTER_COUNT ? undefined : `no register r${value}`;
    case 'cr':
      return value >= 0 && value < CONTROL_REGISTERS.length ? undefined : `no control register ${value}`;
    case 'rel24': {
      const delta = (value - pc) | 0; // the address space wraps around
      if (delta % 4 !== 0) return `branch target 0x${(value >>> 0).toString(16)} is not a multiple of 4 from pc`;
      return rangeError('rel24', delta / 4, 'branch offset');
    }
    case 'simm16':
    case 'uimm16':
    case 'port':
      return rangeError(kind, value, kind === 'port' ? 'port' : 'immediate');
    default:
      return assertNever(kind);
  }
}

function rangeError(kind: keyof typeof OPERAND_RANGE, value: number, what: string): string | undefined {
  const [lo, hi] = OPERAND_RANGE[kind];
  if (value >= lo && value <= hi) return undefined;
  const unit = kind === 'rel24' ? ' words' : '';
  return `${what} ${value}${unit} out of range ${lo}..${hi}${unit}`;
}

/** Encode an instruction. Operands must be valid (see operandError); throws otherwise. */
export function encode(spec: InstructionSpec, operands: readonly OperandValue[], pc: number): number {
  const format = FORMATS[spec.format];
  if (operands.length !== format.operands.length) {
    throw new Error(`${spec.mnemonic}: expected ${format.operands.length} operands, got ${operands.length}`);
  }
  let word = spec.opcode << 24;
  format.operands.forEach((kind: OperandKind, i: number) => {
    const value = operands[i]!;
    const err = operandError(kind, value, pc);
    if (err) throw new Error(`${spec.mnemonic}: ${err}`);
    const field = format.fields[i] as Field;
    switch (field) {
      case 'A': word |= (value as number) << 20; break;
      case 'B': word |= (value as number) << 16; break;
      case 'C': word |= (value as number) << 12; break;
      case 'imm': word |= (value as number) & 0xffff; break;
      case 'memB': word |= ((value as MemOperand).base << 16) | ((value as MemOperand).offset & 0xffff); break;
      case 'off': word |= (((value as number) - pc) | 0) / 4 & 0xffffff; break;
      default: assertNever(field);
    }
  });
  return word >>> 0;
}

/** Every mnemonic of the ISA, for the assembler and the docs. */
export const MNEMONICS: readonly string[] = INSTRUCTIONS.map((s) => s.mnemonic);

export function assertNever(x: never): never {
  throw new Error(`unexpected value ${String(x)}`);
}
