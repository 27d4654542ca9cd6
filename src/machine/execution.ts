// What the CPU's compiled loop runs against (interpreter.ts generates it, jit.ts compiles
// blocks into it): the hooks it calls for everything beyond computation, and its context.

import { CONTROL_REGISTERS, CR, TRANSLATION_CRS } from '../isa/arch.js';
import type { CpuState } from './cpu.js';
import type { PhysicalMemory } from './memory.js';
import type { Tlb } from './tlb.js';

/** Opcode 0xff never decodes: the binary translator plants it as a callout into the VMM. */
export const CALLOUT_OPCODE = 0xff;
/** The callout that asks the VMM for the code of its own slot, which the VMM then writes
 *  in its place without a word to the CPU: compiled code never holds it (a block ends
 *  before it). Any other callout stands for an instruction; it is compiled like one, and
 *  stays until the page's owner says the page changed (Processor.forgetCode). */
export const CALLOUT_FILL = CALLOUT_OPCODE << 24;

/** Callouts the CPU carries out itself, without leaving guest code: binary translation's
 *  inline translations of a control-register access into a load or store of the virtual
 *  CPU's register (CpuState.virtualCpu), as a translator turns `mov from cr` into a read of
 *  the virtual CPU's state. The word is the instruction's own with opcode 0xff and the kind
 *  in bits 19..16 (which mfcr and mtcr leave zero): bits 23..20 the general register, bits
 *  15..0 the control register. Outside supervisor mode, or with no virtual CPU, the word is
 *  a callout like any other (so it is illegal in a guest's own code, as any 0xff word). */
export const INLINE_CALLOUT = { READ_CR: 2, WRITE_CR: 3 } as const;

/** The control registers an inline callout writes: those whose write does nothing beyond
 *  the register, so that no VMM need see it (not ptbr or asid, which change how addresses
 *  translate, nor the read-only mid). Any register may be read. */
export const INLINE_WRITABLE: readonly boolean[] = CONTROL_REGISTERS.map((_, i) => !TRANSLATION_CRS[i] && i !== CR.MID);

/** The inline callout of kind `kind` for register `reg` and control register `cr`. */
export function inlineCallout(kind: number, reg: number, cr: number): number {
  return ((CALLOUT_OPCODE << 24) | (reg << 20) | (kind << 16) | cr) | 0;
}

/** Whether a word is an inline callout the CPU carries out (a kind, and a control register
 *  that kind may access). */
export function isInlineCallout(word: number): boolean {
  const kind = (word >>> 16) & 15;
  const cr = word & 0xffff;
  if (word >>> 24 !== CALLOUT_OPCODE) return false;
  return (kind === INLINE_CALLOUT.READ_CR && cr < CONTROL_REGISTERS.length) || (kind === INLINE_CALLOUT.WRITE_CR && INLINE_WRITABLE[cr] === true);
}

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
  /** in: the port's value; sets leaveAfterIn. */
  portIn(port: number): number;
  /** Set by portIn: true when the CPU must leave its loop after the `in` (as portOut
   *  answers for an `out`). */
  readonly leaveAfterIn: boolean;
  /** out: true when the CPU must leave its loop after it (what the machine does between
   *  slices has changed: a device is due sooner, an interrupt can be taken, code was
   *  dropped, or the hooks act on it further). */
  portOut(port: number, value: number): boolean;
  /** A load or store reached the memory-mapped device (platform.ts, MMIO_BASE) at physical
   *  address pa; the CPU state is synced, and the loop leaves after the instruction. */
  mmioRead(pa: number): number;
  mmioWrite(pa: number, value: number): void;
  /** mtcr: true when the CPU must leave its loop after it (a write that changes how
   *  addresses translate, arch.ts TRANSLATION_CRS, or one the hooks act on further). */
  writeCr(index: number, value: number): boolean;
  /** rfe, sti or setf in supervisor mode wrote FLAGS whole (now `flags`: the mode and IE
   *  may have changed); the CPU state is synced: true when the CPU must leave its loop (an
   *  interrupt can be taken now, or the hooks act on it), else it goes on in its new mode.
   *  It may let the devices catch up, but changes nothing the CPU or its compiled code
   *  depends on. */
  flagsWritten(flags: number): boolean;
  tlbFlush(): void;
  tlbInvalidate(va: number): void;
  halt(): void;
  /** Probe variant only: a sensitive instruction is about to run in user mode without
   *  trapping (registers are in cpu.regs; pc and flags are passed). */
  noteSensitive(pc: number, word: number, flags: number): void;
}

/** The compiled loop bound to one machine: run until `limit` instructions have retired
 *  (or a hook asks to leave). */
export type RunLoop = (limit: number) => void;

export interface LoopContext {
  readonly cpu: CpuState;
  readonly hooks: ExecutionHooks;
  readonly memory: PhysicalMemory;
  readonly tlb: Tlb;
  /** Cycles per opcode (256 entries), compiled into the code as constants. */
  readonly cycles: Int32Array;
  /** Entries of a compiled block from the loop after which it joins its page's region. */
  readonly regionHeat: number;
  /** Compiled blocks for this variant, or null to interpret only. */
  readonly jit: BlockProvider | null;
  /** The answer of the fetchPage a compiled function made before it returned FETCHED. */
  fetched: number;
}

/** The blocks that start in one physical frame, by word slot. */
export interface FrameBlocks {
  readonly fns: (BlockFn | undefined)[];
  readonly lengths: Uint8Array;
  /** Runs of each slot: interpreted up to HOT_THRESHOLD, then entries into its block from
   *  the loop up to REGION_HEAT (wide, so that the shared
   *  counts of frames without blocks come round to it again only after 65,536 runs). */
  readonly heat: Uint16Array;
  /** For a slot whose block is compiled: which of its function's blocks (a region's, in the
   *  order it was compiled with) still hold their slots, as bits; the function runs only
   *  those. */
  readonly live: Int32Array;
}

/** A compiled block (a region of them): runs from cpu.pc on the machine of `ctx`, only the
 *  blocks whose bits are set in `live` (FrameBlocks.live), entered from the code page the
 *  loop fetched (`code`, `base`: fetchArray and fetchPage's answer); returns 0 (ran to its
 *  end), -1 (the fetch page must be looked up again: the TLB changed, or a hook changed what
 *  the region assumed), -3 (the next fetch was made, as the loop would have made it, and
 *  found another page or left the region's assumptions: its answer is in ctx.fetched) or 2
 *  (leave the loop: a hook said so, or RESYNC). Traps and callouts go to the hooks from
 *  inside (jit.ts regionSource). One function serves every machine whose code has the same
 *  words (codegen.ts CONTEXT). */
export type BlockFn = (ctx: LoopContext, limit: number, live: number, code: Int32Array, base: number) => number;
/** A BlockFn's return: the loop takes ctx.fetched as its own fetch of pc's page. */
export const FETCHED = -3;

/** Where the loop finds compiled blocks (jit.ts's BlockCache). Code is a page of words the
 *  loop fetches from: a frame of physical memory (`words` is memory.words and `base` the
 *  frame's first word), or a page the VMM supplies in its place (fetchArray: full mode's
 *  binary translation, whose owner calls Processor.forgetCode when a word of it changes). */
export interface BlockProvider {
  /** The blocks of a code page (a shared table with none, for a page without any). */
  table(words: Int32Array, base: number): FrameBlocks;
  /** Compile the block that starts at `slot` of a code page, first run in `mode` (1
   *  supervisor, 0 user: it joins that mode's region); returns the page's table now. */
  compile(words: Int32Array, base: number, slot: number, mode: number): FrameBlocks;
  /** The block at `slot` is hot from the loop (REGION_HEAT entries): compile it into its
   *  page's region; returns the page's table now. */
  join(words: Int32Array, base: number, slot: number): FrameBlocks;
  /** Changes whenever compiled blocks are dropped (a region that called a hook goes on only
   *  while it is unchanged: its `live` may be stale). */
  readonly version: number;
}
