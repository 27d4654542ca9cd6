// THE pseudo-instruction table: every pseudo-instruction the assembler accepts, with its
// operands and its expansion into real instructions of the ISA table (src/isa/table.ts).
// docs/assembler.md lists the same rows; a test checks no name is also an ISA mnemonic.

import { LR, SP } from '../isa/arch.js';
import type { OperandValue } from '../isa/encoding.js';
import type { OperandKind } from '../isa/formats.js';

/** Operand kinds of pseudo-instructions: the ISA's, plus `imm32` (any 32-bit value). */
export type PseudoOperandKind = OperandKind | 'imm32';

/** One real instruction of an expansion: mnemonic and operand values in assembly order. */
export type Expansion = readonly [mnemonic: string, operands: readonly OperandValue[]];

export interface PseudoSpec {
  readonly name: string;
  /** Operand syntax, for messages and docs. */
  readonly syntax: string;
  readonly operands: readonly PseudoOperandKind[];
  readonly summary: string;
  /**
   * Instruction words it expands to: a number, or a function of the operand values known in
   * the first pass (undefined = not known yet). The second pass keeps this size.
   */
  readonly words: number | ((known: readonly (number | undefined)[]) => number);
  /**
   * The real instructions, from the operand values (registers as numbers, imm32 as a signed
   * 32-bit value, rel24 as the target address) and the words chosen in the first pass.
   * A range error in the expansion is reported at the pseudo-instruction's last operand.
   */
  readonly expand: (v: readonly OperandValue[], words: number) => readonly Expansion[];
  /** The operands' own range error, in the values as written, before they are expanded
   *  (an expansion's is about the values it made: subi's -70000 for a written 70000). */
  readonly rangeError?: (v: readonly OperandValue[]) => string | undefined;
}

const fitsSimm16 = (v: number | undefined): boolean => v !== undefined && v >= -0x8000 && v <= 0x7fff;
const num = (v: OperandValue | undefined): number => v as number;

/** lui + ori: the high and low halves of a 32-bit value. */
const loadWide = (rd: number, value: number): Expansion[] => [
  ['lui', [rd, value >>> 16]],
  ['ori', [rd, rd, value & 0xffff]],
];

export const PSEUDO_INSTRUCTIONS: readonly PseudoSpec[] = [
  {
    name: 'li',
    syntax: 'rd, imm32',
    operands: ['reg', 'imm32'],
    summary: 'rd = any 32-bit value: movi if known in pass 1 and within simm16, else lui + ori',
    words: (known) => (fitsSimm16(known[1]) ? 1 : 2),
    expand: (v, words) => (words === 1 ? [['movi', [num(v[0]), num(v[1])]]] : loadWide(num(v[0]), num(v[1]))),
  },
  {
    name: 'la',
    syntax: 'rd, address',
    operands: ['reg', 'imm32'],
    summary: 'rd = address (always lui + ori, so the size never depends on the value)',
    words: 2,
    expand: (v) => loadWide(num(v[0]), num(v[1])),
  },
  {
    name: 'mov',
    syntax: 'rd, rs',
    operands: ['reg', 'reg'],
    summary: 'rd = rs (addi rd, rs, 0)',
    words: 1,
    expand: (v) => [['addi', [num(v[0]), num(v[1]), 0]]],
  },
  {
    name: 'push',
    syntax: 'rs',
    operands: ['reg'],
    summary: 'sp -= 4; word at [sp] = rs (addi sp, sp, -4; stw rs, [sp])',
    words: 2,
    expand: (v) => [
      ['addi', [SP, SP, -4]],
      ['stw', [num(v[0]), { base: SP, offset: 0 }]],
    ],
  },
  {
    name: 'pop',
    syntax: 'rd',
    operands: ['reg'],
    summary: 'rd = word at [sp]; sp += 4 (ldw rd, [sp]; addi sp, sp, 4)',
    words: 2,
    expand: (v) => [
      ['ldw', [num(v[0]), { base: SP, offset: 0 }]],
      ['addi', [SP, SP, 4]],
    ],
  },
  {
    name: 'ret',
    syntax: '',
    operands: [],
    summary: 'return to lr (jr lr)',
    words: 1,
    expand: () => [['jr', [LR]]],
  },
  {
    name: 'nop',
    syntax: '',
    operands: [],
    summary: 'do nothing (or r0, r0, r0)',
    words: 1,
    expand: () => [['or', [0, 0, 0]]],
  },
  {
    name: 'subi',
    syntax: 'rd, rs, simm16',
    operands: ['reg', 'reg', 'imm32'],
    summary: 'rd = rs - value (addi rd, rs, -value)',
    words: 1,
    expand: (v) => [['addi', [num(v[0]), num(v[1]), -num(v[2]) | 0]]],
    // (the values whose negation addi's simm16 holds)
    rangeError: (v) => (num(v[2]) >= -0x7fff && num(v[2]) <= 0x8000 ? undefined : `immediate ${num(v[2])} out of range -32767..32768`),
  },
  {
    name: 'b',
    syntax: 'label',
    operands: ['rel24'],
    summary: 'branch always (jmp label)',
    words: 1,
    expand: (v) => [['jmp', [num(v[0])]]],
  },
];

/** Lookup by name (lowercase). */
export const PSEUDO_BY_NAME: ReadonlyMap<string, PseudoSpec> = new Map(PSEUDO_INSTRUCTIONS.map((p) => [p.name, p]));
