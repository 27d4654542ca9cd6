// THE TOY32 instruction table: the single source of truth for every instruction.
// Encoder, decoder, disassembler, the interpreter (generated from `exec`), the assembler's
// mnemonics, `vmm isa` and the table in docs/isa.md all derive from this list.
//
// Popek & Goldberg classes:
//   innocuous  - behaves the same in every mode; runs natively under a VMM.
//   privileged - traps with cause `privileged` in user mode.
//   sensitive  - sensitive but unprivileged: reads or writes machine state (the mode, IE,
//                the machine id) without trapping in user mode. With these TOY32 is NOT
//                classically virtualizable; `--strict` makes them privileged.
//   hypercall  - `hcall`, the paravirtual guest's call into the VMM.
//
// `exec` is the instruction's meaning as a JavaScript statement, compiled into the
// interpreter's hot loop by src/machine/interpreter.ts. Its vocabulary:
//   R            Int32Array of the 16 registers     a, b, c   register fields A, B, C
//   imm          the 16-bit immediate, sign- or zero-extended as the format says
//   target       pc + 4*off24 (rel format)          pc        address of this instruction
//   fl           FLAGS                              CR        control registers (Int32Array)
//   F_Z F_N F_C F_V F_IE F_S, C_<CAUSE>             constants from arch.ts
//   LOAD32(dst, va) LOAD8(dst, va) STORE32(va, v) STORE8(va, v)   memory through the MMU
//   TRAP(C_X, addr)  trap, saved pc = this instruction; TRAP_NEXT(C_X) saved pc = next
//   JUMP(t)      pc = t, or a misaligned trap if t is not a multiple of 4
//   COMPARE(x, y)            set Z N C V from x - y (COMPARE_FLAGS)
//   CONDITION(f; c)          a branch condition: f on FLAGS, c the same on the last compare's
//                            x and y (the block compiler may evaluate flags lazily)
//   SYNC         write pc, FLAGS and counts back to the CPU state (before a device sees time)
//   RESYNC       leave the hot loop after this instruction (mode, paging, IE or device
//                state changed; the machine re-reads it before going on)
//   FLAGS_WRITTEN  FLAGS was written whole (the mode and IE may have changed): SYNC, then
//                leave the hot loop if m.flagsWritten(fl) says so (an interrupt can now be
//                taken), else go on in the new mode
//   m            the machine: m.portIn(port) (then m.leaveAfterIn true: RESYNC),
//                m.portOut(port, v) and m.writeCr(i, v) (true: RESYNC), m.tlbFlush(),
//                m.tlbInvalidate(va), m.halt()
// Instructions with `flow: true` set pc themselves; for the rest pc advances by 4.
// Every value written to R[...] must already be an int32 (`| 0` after `>>>`, a division or a
// hook's result): the block compiler keeps registers in JavaScript locals, where nothing
// truncates, and a later compare or div in the same block reads the local.

import type { FormatName } from './formats.js';

export type InstructionClass = 'innocuous' | 'privileged' | 'sensitive' | 'hypercall';
export type CostGroup = 'alu' | 'mul' | 'div' | 'load' | 'store' | 'branch' | 'jump' | 'system' | 'control' | 'io' | 'tlb' | 'flags';

export interface InstructionSpec {
  readonly mnemonic: string;
  readonly opcode: number;
  readonly format: FormatName;
  readonly class: InstructionClass;
  /** Cost-model group; the group's cycles can be overridden by --cost-model. */
  readonly group: CostGroup;
  /** Base cycles in the default cost model. */
  readonly cycles: number;
  readonly summary: string;
  readonly exec: string;
  readonly flow?: boolean;
}

/** Z N C V of a compare of x with y, where d = (x - y) | 0: the meaning of COMPARE. */
export const COMPARE_FLAGS = '(d === 0 ? F_Z : 0) | (d < 0 ? F_N : 0) | ((x >>> 0) < (y >>> 0) ? F_C : 0) | (((x ^ y) & (x ^ d)) < 0 ? F_V : 0)';

const CMP = (y: string) => `COMPARE(R[a], ${y})`;
/** A conditional branch: its condition on FLAGS, and the same condition on the operands x, y
 *  of the compare that set them (a test checks the two agree for every compare). */
const BRANCH = (flags: string, compare: string) => `pc = CONDITION(${flags}; ${compare}) ? target : (pc + 4) | 0;`;

export const INSTRUCTIONS: readonly InstructionSpec[] = [
  // ALU, register form
  { mnemonic: 'add', opcode: 0x01, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 + rs2', exec: 'R[a] = (R[b] + R[c]) | 0;' },
  { mnemonic: 'sub', opcode: 0x02, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 - rs2', exec: 'R[a] = (R[b] - R[c]) | 0;' },
  { mnemonic: 'mul', opcode: 0x03, format: 'rrr', class: 'innocuous', group: 'mul', cycles: 3, summary: 'rd = rs1 * rs2 (low 32 bits)', exec: 'R[a] = Math.imul(R[b], R[c]);' },
  { mnemonic: 'div', opcode: 0x04, format: 'rrr', class: 'innocuous', group: 'div', cycles: 20, summary: 'rd = rs1 / rs2, signed, toward zero; traps `divide` on zero', exec: 'const y = R[c]; if (y === 0) TRAP(C_DIVIDE, 0); R[a] = (R[b] / y) | 0;' },
  { mnemonic: 'divu', opcode: 0x05, format: 'rrr', class: 'innocuous', group: 'div', cycles: 20, summary: 'rd = rs1 / rs2, unsigned; traps `divide` on zero', exec: 'const y = R[c] >>> 0; if (y === 0) TRAP(C_DIVIDE, 0); R[a] = ((R[b] >>> 0) / y) | 0;' },
  { mnemonic: 'rem', opcode: 0x06, format: 'rrr', class: 'innocuous', group: 'div', cycles: 20, summary: 'rd = rs1 % rs2, signed (sign of rs1); traps `divide` on zero', exec: 'const y = R[c]; if (y === 0) TRAP(C_DIVIDE, 0); R[a] = (R[b] % y) | 0;' },
  { mnemonic: 'remu', opcode: 0x07, format: 'rrr', class: 'innocuous', group: 'div', cycles: 20, summary: 'rd = rs1 % rs2, unsigned; traps `divide` on zero', exec: 'const y = R[c] >>> 0; if (y === 0) TRAP(C_DIVIDE, 0); R[a] = ((R[b] >>> 0) % y) | 0;' },
  { mnemonic: 'and', opcode: 0x08, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 & rs2', exec: 'R[a] = R[b] & R[c];' },
  { mnemonic: 'or', opcode: 0x09, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 | rs2', exec: 'R[a] = R[b] | R[c];' },
  { mnemonic: 'xor', opcode: 0x0a, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 ^ rs2', exec: 'R[a] = R[b] ^ R[c];' },
  { mnemonic: 'shl', opcode: 0x0b, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 << (rs2 & 31)', exec: 'R[a] = R[b] << R[c];' },
  { mnemonic: 'shr', opcode: 0x0c, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 >> (rs2 & 31), logical', exec: 'R[a] = (R[b] >>> R[c]) | 0;' },
  { mnemonic: 'sar', opcode: 0x0d, format: 'rrr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 >> (rs2 & 31), arithmetic', exec: 'R[a] = R[b] >> R[c];' },
  // ALU, immediate form
  { mnemonic: 'addi', opcode: 0x10, format: 'rri', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 + simm16', exec: 'R[a] = (R[b] + imm) | 0;' },
  { mnemonic: 'muli', opcode: 0x11, format: 'rri', class: 'innocuous', group: 'mul', cycles: 3, summary: 'rd = rs1 * simm16 (low 32 bits)', exec: 'R[a] = Math.imul(R[b], imm);' },
  { mnemonic: 'andi', opcode: 0x12, format: 'rru', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 & uimm16', exec: 'R[a] = R[b] & imm;' },
  { mnemonic: 'ori', opcode: 0x13, format: 'rru', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 | uimm16', exec: 'R[a] = R[b] | imm;' },
  { mnemonic: 'xori', opcode: 0x14, format: 'rru', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 ^ uimm16', exec: 'R[a] = R[b] ^ imm;' },
  { mnemonic: 'shli', opcode: 0x15, format: 'rru', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 << (uimm16 & 31)', exec: 'R[a] = R[b] << imm;' },
  { mnemonic: 'shri', opcode: 0x16, format: 'rru', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 >> (uimm16 & 31), logical', exec: 'R[a] = (R[b] >>> imm) | 0;' },
  { mnemonic: 'sari', opcode: 0x17, format: 'rru', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = rs1 >> (uimm16 & 31), arithmetic', exec: 'R[a] = R[b] >> imm;' },
  { mnemonic: 'movi', opcode: 0x18, format: 'ri', class: 'innocuous', group: 'alu', cycles: 1, summary: 'ra = simm16 (sign-extended)', exec: 'R[a] = imm;' },
  { mnemonic: 'lui', opcode: 0x19, format: 'ru', class: 'innocuous', group: 'alu', cycles: 1, summary: 'rd = uimm16 << 16', exec: 'R[a] = imm << 16;' },
  // Memory
  { mnemonic: 'ldw', opcode: 0x20, format: 'mem', class: 'innocuous', group: 'load', cycles: 2, summary: 'ra = word at [rb + simm16] (address a multiple of 4)', exec: 'LOAD32(R[a], (R[b] + imm) | 0)' },
  { mnemonic: 'ldb', opcode: 0x21, format: 'mem', class: 'innocuous', group: 'load', cycles: 2, summary: 'ra = byte at [rb + simm16], zero-extended', exec: 'LOAD8(R[a], (R[b] + imm) | 0)' },
  { mnemonic: 'stw', opcode: 0x24, format: 'mem', class: 'innocuous', group: 'store', cycles: 2, summary: 'word at [rb + simm16] = ra (address a multiple of 4)', exec: 'STORE32((R[b] + imm) | 0, R[a])' },
  { mnemonic: 'stb', opcode: 0x25, format: 'mem', class: 'innocuous', group: 'store', cycles: 2, summary: 'byte at [rb + simm16] = low byte of ra', exec: 'STORE8((R[b] + imm) | 0, R[a])' },
  // Compare and branch
  { mnemonic: 'cmp', opcode: 0x28, format: 'rr', class: 'innocuous', group: 'alu', cycles: 1, summary: 'set Z N C V from ra - rb', exec: CMP('R[b]') },
  { mnemonic: 'cmpi', opcode: 0x29, format: 'ri', class: 'innocuous', group: 'alu', cycles: 1, summary: 'set Z N C V from ra - simm16', exec: CMP('imm') },
  { mnemonic: 'beq', opcode: 0x30, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if equal (Z)', exec: BRANCH('fl & F_Z', 'x === y'), flow: true },
  { mnemonic: 'bne', opcode: 0x31, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if not equal (!Z)', exec: BRANCH('!(fl & F_Z)', 'x !== y'), flow: true },
  { mnemonic: 'blt', opcode: 0x32, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if less, signed (N != V)', exec: BRANCH('((fl >> 1) ^ (fl >> 3)) & 1', 'x < y'), flow: true },
  { mnemonic: 'bge', opcode: 0x33, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if greater or equal, signed (N == V)', exec: BRANCH('!(((fl >> 1) ^ (fl >> 3)) & 1)', 'x >= y'), flow: true },
  { mnemonic: 'bgt', opcode: 0x34, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if greater, signed (!Z and N == V)', exec: BRANCH('!(fl & F_Z) && !(((fl >> 1) ^ (fl >> 3)) & 1)', 'x > y'), flow: true },
  { mnemonic: 'ble', opcode: 0x35, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if less or equal, signed (Z or N != V)', exec: BRANCH('(fl & F_Z) || (((fl >> 1) ^ (fl >> 3)) & 1)', 'x <= y'), flow: true },
  { mnemonic: 'bltu', opcode: 0x36, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if below, unsigned (C)', exec: BRANCH('fl & F_C', '(x >>> 0) < (y >>> 0)'), flow: true },
  { mnemonic: 'bgeu', opcode: 0x37, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if above or equal, unsigned (!C)', exec: BRANCH('!(fl & F_C)', '(x >>> 0) >= (y >>> 0)'), flow: true },
  { mnemonic: 'bgtu', opcode: 0x38, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if above, unsigned (!C and !Z)', exec: BRANCH('!(fl & (F_C | F_Z))', '(x >>> 0) > (y >>> 0)'), flow: true },
  { mnemonic: 'bleu', opcode: 0x39, format: 'rel', class: 'innocuous', group: 'branch', cycles: 1, summary: 'branch if below or equal, unsigned (C or Z)', exec: BRANCH('fl & (F_C | F_Z)', '(x >>> 0) <= (y >>> 0)'), flow: true },
  // Jumps and calls
  { mnemonic: 'jmp', opcode: 0x3a, format: 'rel', class: 'innocuous', group: 'jump', cycles: 1, summary: 'pc = label', exec: 'pc = target;', flow: true },
  { mnemonic: 'call', opcode: 0x3b, format: 'rel', class: 'innocuous', group: 'jump', cycles: 2, summary: 'lr = pc + 4; pc = label', exec: 'R[15] = (pc + 4) | 0; pc = target;', flow: true },
  { mnemonic: 'jr', opcode: 0x3c, format: 'r', class: 'innocuous', group: 'jump', cycles: 1, summary: 'pc = ra (traps `misaligned` unless a multiple of 4)', exec: 'JUMP(R[a])', flow: true },
  { mnemonic: 'callr', opcode: 0x3d, format: 'r', class: 'innocuous', group: 'jump', cycles: 2, summary: 'lr = pc + 4; pc = ra', exec: 'const t = R[a]; if (t & 3) TRAP(C_MISALIGNED, t); R[15] = (pc + 4) | 0; pc = t;', flow: true },
  // Traps into the kernel
  { mnemonic: 'sys', opcode: 0x40, format: 'none', class: 'innocuous', group: 'system', cycles: 1, summary: 'system call: trap `syscall`, saved pc = next', exec: 'TRAP_NEXT(C_SYSCALL)', flow: true },
  { mnemonic: 'brk', opcode: 0x41, format: 'none', class: 'innocuous', group: 'system', cycles: 1, summary: 'breakpoint: trap `breakpoint`, saved pc = next', exec: 'TRAP_NEXT(C_BREAKPOINT)', flow: true },
  // Privileged: trap `privileged` in user mode
  { mnemonic: 'mfcr', opcode: 0x50, format: 'rc', class: 'privileged', group: 'control', cycles: 2, summary: 'rd = control register', exec: 'if (imm >= CR_COUNT) TRAP(C_ILLEGAL, 0); R[a] = CR[imm];' },
  { mnemonic: 'mtcr', opcode: 0x51, format: 'cr', class: 'privileged', group: 'control', cycles: 2, summary: 'control register = rs (ptbr: flushes an untagged TLB)', exec: 'if (imm >= CR_COUNT) TRAP(C_ILLEGAL, 0); pc = (pc + 4) | 0; if (m.writeCr(imm, R[a])) { RESYNC }', flow: true },
  { mnemonic: 'rfe', opcode: 0x52, format: 'none', class: 'privileged', group: 'control', cycles: 2, summary: 'return from trap: FLAGS = sflags; pc = spc', exec: 'fl = CR[CR_SFLAGS] & FLAGS_MASK; pc = CR[CR_SPC] & ~3; FLAGS_WRITTEN', flow: true },
  { mnemonic: 'hlt', opcode: 0x53, format: 'none', class: 'privileged', group: 'control', cycles: 1, summary: 'halt until an interrupt; with IE clear, halt for good', exec: 'pc = (pc + 4) | 0; m.halt(); RESYNC', flow: true },
  { mnemonic: 'cli', opcode: 0x54, format: 'none', class: 'privileged', group: 'flags', cycles: 1, summary: 'IE = 0', exec: 'fl &= ~F_IE;' },
  { mnemonic: 'sti', opcode: 0x55, format: 'none', class: 'privileged', group: 'flags', cycles: 1, summary: 'IE = 1 (a pending interrupt is taken after sti)', exec: 'fl |= F_IE; pc = (pc + 4) | 0; FLAGS_WRITTEN', flow: true },
  { mnemonic: 'in', opcode: 0x56, format: 'rp', class: 'privileged', group: 'io', cycles: 10, summary: 'rd = read of I/O port (all ones if no device)', exec: 'SYNC R[a] = m.portIn(imm) | 0; pc = (pc + 4) | 0; if (m.leaveAfterIn) { RESYNC }', flow: true },
  { mnemonic: 'out', opcode: 0x57, format: 'pr', class: 'privileged', group: 'io', cycles: 10, summary: 'write rs to I/O port (ignored if no device)', exec: 'SYNC const leave = m.portOut(imm, R[a]); pc = (pc + 4) | 0; if (leave) { RESYNC }', flow: true },
  { mnemonic: 'tlbflush', opcode: 0x58, format: 'none', class: 'privileged', group: 'tlb', cycles: 5, summary: 'invalidate every TLB entry', exec: 'm.tlbFlush(); pc = (pc + 4) | 0; RESYNC', flow: true },
  { mnemonic: 'invlpg', opcode: 0x59, format: 'r', class: 'privileged', group: 'tlb', cycles: 2, summary: 'invalidate the TLB entry of the page holding address ra', exec: 'm.tlbInvalidate(R[a]); pc = (pc + 4) | 0; RESYNC', flow: true },
  // Sensitive but unprivileged (Popek & Goldberg): no trap in user mode
  { mnemonic: 'getf', opcode: 0x60, format: 'r', class: 'sensitive', group: 'flags', cycles: 1, summary: 'ra = FLAGS, including IE and the mode bit S', exec: 'R[a] = fl;' },
  { mnemonic: 'setf', opcode: 0x61, format: 'r', class: 'sensitive', group: 'flags', cycles: 1, summary: 'FLAGS = ra; in user mode only Z N C V change, IE and S are silently kept', exec: 'if (fl & F_S) { fl = R[a] & FLAGS_MASK; pc = (pc + 4) | 0; FLAGS_WRITTEN } else { fl = (fl & ~15) | (R[a] & 15); pc = (pc + 4) | 0; }', flow: true },
  { mnemonic: 'cpuid', opcode: 0x62, format: 'r', class: 'sensitive', group: 'control', cycles: 2, summary: 'ra = machine id (the mid control register), in any mode', exec: 'R[a] = CR[CR_MID];' },
  // Paravirtualization
  { mnemonic: 'hcall', opcode: 0x70, format: 'none', class: 'hypercall', group: 'system', cycles: 1, summary: 'hypercall r0 with arguments r1..r4: trap `hypercall`, saved pc = next', exec: 'TRAP_NEXT(C_HYPERCALL)', flow: true },
];

/** Lookup by opcode (undefined for opcodes that do not decode). */
export const BY_OPCODE: readonly (InstructionSpec | undefined)[] = (() => {
  const table: (InstructionSpec | undefined)[] = new Array(256).fill(undefined);
  for (const spec of INSTRUCTIONS) {
    if (table[spec.opcode]) throw new Error(`ISA table: opcode 0x${spec.opcode.toString(16)} used twice`);
    table[spec.opcode] = spec;
  }
  return table;
})();

/** Lookup by mnemonic. */
export const BY_MNEMONIC: ReadonlyMap<string, InstructionSpec> = new Map(INSTRUCTIONS.map((s) => [s.mnemonic, s]));

export const CLASS_ORDER: readonly InstructionClass[] = ['innocuous', 'privileged', 'sensitive', 'hypercall'];
