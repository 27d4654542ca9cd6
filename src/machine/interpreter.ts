// The hot loop: a TOY32 interpreter compiled from the ISA table's `exec` snippets.
//
// The generated function is one `while` over a `switch` on the opcode: the one place in
// vmm where a long switch is right. It keeps pc, FLAGS, the instruction count and cycles in
// locals and allocates nothing per instruction. Fetches go through a one-page fetch cache
// (refilled through the TLB when pc leaves the page, and dropped whenever the TLB or the
// mode changes, so TLB figures stay exact); loads and stores check the TLB inline.
//
// Variants are compiled lazily, one per combination of:
//   paging  - data accesses go through the TLB (else physical, bounds-checked)
//   strict  - sensitive instructions are privileged (Popek & Goldberg's condition holds)
//   probe   - sensitive instructions executed in user mode are reported to hooks.noteSensitive
// Anything that is not plain computation (traps, ports, control registers, halts) calls
// out to the ExecutionHooks and leaves the loop, so exits cost nothing until they happen.

import { CAUSES, CONTROL_REGISTERS, CR, FLAG, FLAGS_MASK } from '../isa/arch.js';
import type { CpuState } from './cpu.js';
import { FORMATS, unusedBits, type OperandKind } from '../isa/formats.js';
import { INSTRUCTIONS, type InstructionSpec } from '../isa/table.js';
import type { Tlb } from './tlb.js';

/** Opcode 0xff never decodes: the binary translator plants it as a callout into the VMM. */
export const CALLOUT_OPCODE = 0xff;

/** What the interpreter calls for everything beyond computation. Hooks may change the CPU
 *  state (the loop reloads it after every call); a `true` return leaves the loop. */
export interface ExecutionHooks {
  /** Deliver a trap: vector it (and return false) or record an exit (and return true). */
  raise(cause: number, addr: number, pc: number): boolean;
  /** A binary-translation callout (opcode 0xff) at pc. */
  callout(pc: number, word: number): boolean;
  /** Word index of pc's page in fetchArray, or -cause for a fetch fault. Sets fetchArray. */
  fetchPage(pc: number, flags: number): number;
  fetchArray: Int32Array;
  /** Physical address for a data access that missed the TLB, or -cause. */
  dataTranslate(va: number, write: boolean, flags: number): number;
  portIn(port: number): number;
  portOut(port: number, value: number): void;
  writeCr(index: number, value: number): void;
  tlbFlush(): void;
  tlbInvalidate(va: number): void;
  halt(): void;
  /** Probe variant only: a sensitive instruction is about to run in user mode without
   *  trapping (registers are in cpu.regs; pc and flags are passed). */
  noteSensitive(pc: number, word: number, flags: number): void;
}

export interface Variant {
  readonly paging: boolean;
  readonly strict: boolean;
  readonly probe: boolean;
}

/** The compiled loop bound to one machine: run until `limit` instructions have retired
 *  (or a hook asks to leave). */
export type RunLoop = (limit: number) => void;

export interface LoopContext {
  readonly cpu: CpuState;
  readonly hooks: ExecutionHooks;
  readonly memory: Int32Array;
  readonly memory8: Uint8Array;
  readonly tlb: Tlb;
  /** Cycles per opcode (256 entries), compiled into the loop as constants. */
  readonly cycles: Int32Array;
}

type Factory = (ctx: LoopContext) => RunLoop;
const factories = new Map<string, Factory>();

export function compileLoop(variant: Variant, ctx: LoopContext): RunLoop {
  const key = `${+variant.paging}${+variant.strict}${+variant.probe}:${ctx.cycles.join(',')}`;
  let factory = factories.get(key);
  if (!factory) {
    factory = new Function('ctx', generateSource(variant, ctx.cycles)) as Factory;
    factories.set(key, factory);
  }
  return factory(ctx);
}

const CONSTANTS = [
  ...Object.entries(FLAG).map(([k, v]) => `F_${k} = ${v}`),
  ...CAUSES.map((c) => `C_${c.name.toUpperCase().replace('-', '_')} = ${c.code}`),
  ...Object.entries(CR).map(([k, v]) => `CR_${k} = ${v}`),
  `CR_COUNT = ${CONTROL_REGISTERS.length}`,
  `FLAGS_MASK = ${FLAGS_MASK}`,
].join(', ');

const SAVE = 'cpu.pc = pc; cpu.flags = fl; cpu.instructions = n; cpu.extraCycles = cy;';
const LOAD =
  'pc = cpu.pc; fl = cpu.flags; n = cpu.instructions; cy = cpu.extraCycles; fvpn = -1;' +
  ' rmask = (fl & F_S) ? 1 : 4; wmask = (fl & F_S) ? 2 : 8; atag = tlb.asidTag;';
/** Leave the loop; state is saved on the way out and the machine looks at what changed. */
const RESYNC = 'break loop;';

/** The generated source of one variant (exported for tests and the curious).
 *  Traps jump (`break trap`) to the one shared trap path after the switch, with the cause
 *  in tc and the address in ta; tc = -1 means a binary-translation callout. */
export function generateSource(variant: Variant, cycles: Int32Array): string {
  const cases = INSTRUCTIONS.map((spec) => caseFor(spec, variant, cycles[spec.opcode]! - 1)).join('\n');
  return `'use strict';
const { cpu, hooks: m, memory: M32, memory8: M8, tlb } = ctx;
const R = cpu.regs, CR = cpu.cr, TT = tlb.tags, TF = tlb.frames, TP = tlb.perms, TMASK = tlb.mask;
const MEMSZ = M8.length;
const ${CONSTANTS};
return function run(limit) {
  let pc = 0, fl = 0, n = 0, cy = 0, fvpn = -1, fbase = 0, F = M32, acc = 0, rmask = 1, wmask = 2, atag = 0, tc = 0, ta = 0, w = 0;
  ${LOAD}
  const n0 = n;
  loop: while (n < limit) {
    trap: {
      if ((pc >>> 12) !== fvpn) {
        const page = m.fetchPage(pc, fl);
        if (page < 0) { n++; ${trap('-page', 'pc')} }
        F = m.fetchArray; fbase = page; fvpn = pc >>> 12;
      }
      w = F[fbase + ((pc & 4095) >>> 2)];
      n++;
      switch (w >>> 24) {
${cases}
        case ${CALLOUT_OPCODE}: ${trap('-1', '0')}
        default: ${trap('C_ILLEGAL', '0')}
      }
      continue loop;
    }
    // The shared trap path: the instruction did not retire (TRAP_NEXT compensated), but it
    // was fetched: count that TLB lookup in acc (TRAP_NEXT compensated that too).
    n--; acc++;
    ${SAVE}
    const leave = tc === -1 ? m.callout(pc, w) : m.raise(tc, ta, pc);
    ${LOAD}
    if (leave) break loop;
  }
  ${SAVE}
  ${variant.paging ? 'tlb.lookups += (n - n0) + acc;' : ''}
};`;
}

function trap(cause: string, addr: string): string {
  return `{ tc = ${cause}; ta = ${addr}; break trap; }`;
}

/** One case of the switch. Cycles beyond the first are charged as compile-time constants
 *  once the instruction has done its work (so an instruction that traps is not charged). */
function caseFor(spec: InstructionSpec, variant: Variant, extraCycles: number): string {
  const kinds = FORMATS[spec.format].operands as readonly OperandKind[];
  const charge = extraCycles ? `cy += ${extraCycles}; ` : '';
  let body = expandMacros(spec.exec, variant, charge);
  const privileged = spec.class === 'privileged' || (variant.strict && spec.class === 'sensitive');
  const decls: string[] = [];
  const uses = (name: string) => new RegExp(`\\b${name}\\b`).test(body);
  if (uses('a')) decls.push('a = (w >>> 20) & 15');
  if (uses('b')) decls.push('b = (w >>> 16) & 15');
  if (uses('c')) decls.push('c = (w >>> 12) & 15');
  if (uses('imm')) decls.push(kinds.some((k) => k === 'simm16' || k === 'mem') ? 'imm = (w << 16) >> 16' : 'imm = w & 0xffff');
  if (uses('target')) decls.push('target = (pc + ((w << 8) >> 6)) | 0');
  if (variant.probe && spec.class === 'sensitive') body = `if (!(fl & F_S)) m.noteSensitive(pc, w, fl); ${body}`;
  const checks: string[] = [];
  const unused = unusedBits(spec.format);
  if (unused) checks.push(`if (w & ${unused | 0}) ${trap('C_ILLEGAL', '0')}`);
  if (privileged) checks.push(`if (!(fl & F_S)) ${trap('C_PRIVILEGED', '0')}`);
  const next = spec.flow ? ` ${charge}` : ` ${charge}pc = (pc + 4) | 0;`;
  const decl = decls.length ? `const ${decls.join(', ')}; ` : '';
  return `        case ${spec.opcode}: { // ${spec.mnemonic}\n          ${checks.join(' ')} ${decl}${body}${next} break; }`;
}

/** Expand the statement macros of the `exec` vocabulary (see src/isa/table.ts). */
function expandMacros(exec: string, variant: Variant, charge: string): string {
  return exec
    .replace(/LOAD32\(([^,]+), (.+)\)$/, (_, dst: string, va: string) => access(variant, va, 'load32', dst))
    .replace(/LOAD8\(([^,]+), (.+)\)$/, (_, dst: string, va: string) => access(variant, va, 'load8', dst))
    .replace(/STORE32\((.+), ([^,]+)\)$/, (_, va: string, v: string) => access(variant, va, 'store32', v))
    .replace(/STORE8\((.+), ([^,]+)\)$/, (_, va: string, v: string) => access(variant, va, 'store8', v))
    .replace(/TRAP_NEXT\((\w+)\)/g, (_, cause: string) => `{ pc = (pc + 4) | 0; n++; acc--; ${charge}${trap(cause, '0')} }`)
    .replace(/TRAP\((\w+), ([^)]+)\)/g, (_, cause: string, addr: string) => trap(cause, addr))
    .replace(/JUMP\(([^)]+)\)/g, (_, t: string) => `{ const t = ${t}; if (t & 3) ${trap('C_MISALIGNED', 't')} pc = t; }`)
    .replace(/RESYNC/g, `${charge}${RESYNC}`)
    .replace(/SYNC /g, `${SAVE} `);
}

type Access = 'load32' | 'load8' | 'store32' | 'store8';

function access(variant: Variant, vaExpr: string, kind: Access, operand: string): string {
  const word = kind === 'load32' || kind === 'store32';
  const write = kind === 'store32' || kind === 'store8';
  const align = word ? `if (va & 3) ${trap('C_MISALIGNED', 'va')} ` : '';
  let pa: string;
  if (variant.paging) {
    pa =
      `acc++; const vp = va >>> 12, sl = vp & TMASK; let pa; ` +
      `if (TT[sl] === (vp | atag) && (TP[sl] & ${write ? 'wmask' : 'rmask'}) !== 0) pa = TF[sl] | (va & 4095); ` +
      `else { pa = m.dataTranslate(va, ${write}, fl); fvpn = -1; if (pa < 0) ${trap('-pa', 'va')} } `;
  } else {
    pa = `if (va < 0 || va >= MEMSZ) ${trap('C_BUS', 'va')} const pa = va; `;
  }
  const op =
    kind === 'load32' ? `${operand} = M32[pa >> 2];`
    : kind === 'load8' ? `${operand} = M8[pa];`
    : kind === 'store32' ? `M32[pa >> 2] = ${operand};`
    : `M8[pa] = ${operand};`;
  return `{ const va = ${vaExpr}; ${align}${pa}${op} }`;
}
