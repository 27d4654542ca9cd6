// The seam between the VMM core and a mode, per VM: what the core calls for everything that
// differs between ways of virtualizing (how the vCPU enters and leaves the physical CPU, how
// guest memory is virtualized, what each exit means). Each mode implements it in its
// folder's virtualizer.ts; modes/mode.ts is how a mode is registered and started.

import type { IdleWords } from '../machine/machine.js';
import type { Access } from '../machine/mmu.js';
import type { ExitAnswer, VcpuExit } from './exits.js';

/** One VM under a mode: how its vCPU enters and leaves the physical CPU, how its memory is
 *  virtualized, and what each exit means. */
export interface Virtualizer {
  /** Guest code runs in the CPU variant that reports sensitive instructions executed in user
   *  mode (as `sensitive` exits) rather than running them unseen. */
  readonly probesSensitive: boolean;
  readonly memory: MemoryVirtualizer;
  /** Cycles of an exit the core records itself (the host timer's, a triple fault): the
   *  mode's round trip into the VMM and back. */
  readonly exitCost: number;
  /** VM entry: load the vCPU onto the physical CPU (registers, FLAGS, address space). The
   *  registers move once per slice (CpuState.loadInto: the vCPU then works on the physical
   *  file; the core unloads them when the slice ends), so an exit copies none. */
  enter(): void;
  /** VM exit: the physical CPU left guest code at pc; save its pc and FLAGS into the vCPU
   *  (its registers are the physical ones until the slice ends). */
  leave(pc: number): void;
  /** The code the CPU fetches instead of host frame `hostFrame`'s own words (a binary
   *  translation), or undefined to fetch the guest's memory; `flags` are the CPU's as it
   *  fetches. */
  codeFor(hostFrame: number, flags: number): Int32Array | undefined;
  /** What an exit means and what the VMM does about it: fill `answer` (the core records it
   *  and carries out its `next`). */
  handle(exit: VcpuExit, answer: ExitAnswer): void;
  /** The interrupt the vCPU would take now if its virtual IE allows, or -1: the virtual
   *  interrupt controller's lowest pending unmasked line, or (para) the lowest pending
   *  unmasked event channel. Called at every interrupt point, whatever IE is (para turns
   *  the lines its devices raised into events here). */
  nextInterrupt(): number;
  /** The core has just entered a trap or interrupt `cause` on the vCPU (its control
   *  registers and pc set as the hardware would): the mode publishes it where its guest
   *  looks (para: the shared-info page). */
  delivered(cause: number): void;
  /** Why this guest, stuck (halted with virtual interrupts off, or out of instructions),
   *  went wrong, when the mode knows something the guest does not; else undefined. */
  explainStuck(): string | undefined;
  /** How a deadlock of the halted vCPU is put (machine.ts idleStep), when the guest halts
   *  some other way than `hlt` (absent: HLT_WORDS). */
  readonly idleWords?: IdleWords;
  /** The mode acts itself on device events of lines the guest cannot take (para: the timer's
   *  period set at its first event, the block back end's next request), so the halted
   *  vCPU's clock stops at every device event, not only at those that can wake it. */
  readonly actsOnEveryEvent?: boolean;
  /** A trap `cause` the guest kernel could not take (it has no handler): what the mode knows
   *  of why, for the reason the guest stops with; absent or undefined: nothing. */
  explainUnhandled?(cause: number): string | undefined;
  /** The vCPU is halted in the guest, where the VMM did not see it halt (hardware
   *  assistance with hlt exiting off): each device event that wakes it reaches the VMM as an
   *  external-interrupt exit. Absent or false: the VMM took the halt itself. */
  haltedInGuest?(): boolean;
}

/** How a mode virtualizes guest memory: shadow page tables for the software modes; direct,
 *  validated guest tables and nested paging are the other two ways. */
export interface MemoryVirtualizer {
  /** Make the physical MMU map the vCPU's current address space (on VM entry). */
  activate(): void;
  /** Another guest used the physical CPU: load this guest's translation state again. */
  reload(): void;
  /** A host page fault at va while the guest ran. */
  fault(va: number, access: Access): FaultOutcome;
  /** Guest-physical address of the guest's fetch at `va` through its own tables as they are
   *  now, without touching the TLB or A/D bits (for messages and traces), or -1. */
  peekFetch(va: number): number;
  /** Host physical address of a guest-virtual access by the emulator in the mode of `flags`,
   *  or -cause (a write is the guest's own: derived state is kept coherent). */
  translate(va: number, write: boolean, flags: number): number;
  /** Guest memory [gpa, gpa + length) was written behind the CPU (DMA). */
  written(gpa: number, length: number): void;
  /** The guest's own TLB flush and invlpg, and a write of its page-table base (emulated):
   *  each is carried out on the host TLB with (at most) one flush or invalidation, as the
   *  guest's hardware would do it (a new base takes effect at once). */
  flushTlb(): void;
  invalidatePage(va: number): void;
  ptbrWritten(): void;
  /** The guest has ended: give back what it holds of the host (address-space ids ...). */
  release(): void;
}

/** What a host page fault was: a hidden fault the VMM filled, a write to a page the VMM
 *  protects (to emulate), an access to the memory-mapped device (to emulate), or a fault
 *  the guest's own tables cause (-cause, to reflect). */
export const Fault = { Filled: 0, PageTableWrite: 1, CodeWrite: 2, Device: 3 } as const;
export type FaultOutcome = number;
