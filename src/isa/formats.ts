// Operand formats of TOY32: how each instruction's 32-bit word is laid out.
//
//   31      24 23  20 19  16 15  12 11                0
//  +----------+------+------+------+-------------------+
//  |  opcode  |  A   |  B   |  C   |                   |   rrr
//  |  opcode  |  A   |  B   |        imm16             |   rri, rru, mem
//  |  opcode  |  A   |  0   |        imm16             |   ri, ru, rc, cr, rp, pr
//  |  opcode  |             off24 (signed words)       |   rel: target = pc + 4*off24
//  +----------+------+------+------+-------------------+
// Unused fields must be zero; the decoder rejects words that set them (illegal instruction).

export type OperandKind = 'reg' | 'simm16' | 'uimm16' | 'mem' | 'rel24' | 'cr' | 'port';

export interface FormatSpec {
  /** Operand syntax as written in assembly, for docs and `vmm isa`. */
  readonly syntax: string;
  /** Operand kinds in assembly order. */
  readonly operands: readonly OperandKind[];
  /** Which word fields the operands fill, in assembly order ('A','B','C','imm','off'). */
  readonly fields: readonly Field[];
}
export type Field = 'A' | 'B' | 'C' | 'imm' | 'off' | 'memB';

export const FORMATS = {
  none: { syntax: '', operands: [], fields: [] },
  rrr: { syntax: 'rd, rs1, rs2', operands: ['reg', 'reg', 'reg'], fields: ['A', 'B', 'C'] },
  rri: { syntax: 'rd, rs1, simm16', operands: ['reg', 'reg', 'simm16'], fields: ['A', 'B', 'imm'] },
  rru: { syntax: 'rd, rs1, uimm16', operands: ['reg', 'reg', 'uimm16'], fields: ['A', 'B', 'imm'] },
  ri: { syntax: 'ra, simm16', operands: ['reg', 'simm16'], fields: ['A', 'imm'] },
  ru: { syntax: 'rd, uimm16', operands: ['reg', 'uimm16'], fields: ['A', 'imm'] },
  rr: { syntax: 'ra, rb', operands: ['reg', 'reg'], fields: ['A', 'B'] },
  r: { syntax: 'ra', operands: ['reg'], fields: ['A'] },
  mem: { syntax: 'ra, [rb + simm16]', operands: ['reg', 'mem'], fields: ['A', 'memB'] },
  rel: { syntax: 'label', operands: ['rel24'], fields: ['off'] },
  rc: { syntax: 'rd, cr', operands: ['reg', 'cr'], fields: ['A', 'imm'] },
  cr: { syntax: 'cr, rs', operands: ['cr', 'reg'], fields: ['imm', 'A'] },
  rp: { syntax: 'rd, port', operands: ['reg', 'port'], fields: ['A', 'imm'] },
  pr: { syntax: 'port, rs', operands: ['port', 'reg'], fields: ['imm', 'A'] },
} as const satisfies Record<string, FormatSpec>;

export type FormatName = keyof typeof FORMATS;

/** Bits of the word each format leaves unused; a word with any of them set does not decode. */
export function unusedBits(format: FormatName): number {
  let used = 0xff000000;
  for (const f of FORMATS[format].fields) used |= FIELD_MASK[f];
  return ~used >>> 0;
}

const FIELD_MASK: Record<Field, number> = {
  A: 0x00f00000,
  B: 0x000f0000,
  C: 0x0000f000,
  imm: 0x0000ffff,
  off: 0x00ffffff,
  memB: 0x000fffff,
};

/** Inclusive value ranges of the immediate operand kinds. */
export const OPERAND_RANGE: Readonly<Record<'simm16' | 'uimm16' | 'port' | 'rel24', readonly [number, number]>> = {
  simm16: [-0x8000, 0x7fff],
  uimm16: [0, 0xffff],
  port: [0, 0xffff],
  rel24: [-0x800000, 0x7fffff],
};
