// The mode interface: everything the VMM core asks of a way of virtualizing, so that the
// core (scheduler, VM lifecycle, virtual devices, interrupt injection, the emulator,
// accounting and the exit log) never names a mode. In the spirit of QEMU's AccelOpsClass
// ("used to abstract accelerator differences from the core CPU code").
//
// A mode is one folder under src/vmm/modes/ (mode.ts exports its Mode, virtualizer.ts its
// per-VM Virtualizer, the interface in src/vmm/virtualizer.ts); index.ts registers it. docs/vmm.md, "Adding a mode", says which file
// of each mode implements which part.

import type { Processor } from '../../machine/processor.js';
import type { Bounds } from '../../machine/bounds.js';
import type { CostModel } from '../../machine/costs.js';
import type { ExitReason } from '../exits.js';
import type { Virtualizer } from '../virtualizer.js';
import type { Vm } from '../vm.js';

export interface Mode {
  readonly name: string;
  /** One line for `vmm run --help` and docs. */
  readonly summary: string;
  /** What the equivalence oracle may expect of a guest run in this mode (tests read it). */
  readonly equivalence: Equivalence;
  /** Which build of a guest the mode runs: the native one, or the PARAVIRT one (assembled
   *  with -D PARAVIRT; its image says so in its header). */
  readonly build: Build;
  /** Host frames one guest needs beyond its own memory (for the VMM's tables). */
  readonly framesPerGuest: number;
  /** Begin running guests on one host: the mode's host-wide state (one physical TLB, so
   *  one space of address-space ids), returned as the function that virtualizes each VM.
   *  `frames` are the host frames reserved for that VM (framesPerGuest of them). */
  start(host: VmmHost): (vm: Vm, frames: Int32Array) => Virtualizer;
}

/** What a correct guest run in a mode has in common with the same guest on bare hardware
 *  (the equivalence oracle of docs/vmm.md: console output, status, final registers and
 *  memory, instruction count and time). `exactUnless`: a note that, when the run records one, says
 *  the guest went where the mode cannot follow (trap mode: a sensitive instruction ran
 *  deprivileged unseen), so equality is not expected of that run. */
export interface Equivalence {
  readonly exactUnless?: ExitReason;
  /** Only the console lines are expected to match the native build's on bare (each task's
   *  lines in the same order; interleaving may differ): the mode runs another build. */
  readonly byLines?: true;
}

/** The two builds of a guest's source (docs/vmm.md, "para"). */
export type Build = 'native' | 'paravirt';

/** What the core offers a mode. */
export interface VmmHost {
  /** The physical CPU, its memory, TLB and MMU. */
  readonly processor: Processor;
  readonly costs: CostModel;
  readonly bounds: Bounds;
  /** The guest's instruction word at pc through its own mapping (undefined: not mapped). */
  instructionAt(vm: Vm, pc: number): number | undefined;
  /** "pc 0x... (insn, file:line)" for messages. */
  where(vm: Vm, pc: number): string;
  /** Exit records are being built (a trace is on): qualify answers in full. */
  readonly tracing: boolean;
}
