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
  /** Host frames a guest of `guestBytes` needs beyond its own memory (the VMM's tables). */
  framesPerGuest(guestBytes: number): number;
  /** The host CPU's TLB has address-space tags whatever the guests' --tlb-tagged (VPID). */
  readonly taggedHostTlb?: boolean;
  /** A mode that runs guests on the hardware-assisted CPU: what is wrong with its settings
   *  (--npt, --vpid, --exit-on, --exit-off), or undefined. Other modes ignore them. */
  checkAssist?(assist: HardwareAssist): string | undefined;
  /** The hardware-assisted CPU as these settings make it (for --json): nested paging, VPID
   *  and every exit control that is on. */
  describeAssist?(assist: HardwareAssist): AssistDescription;
  /** The mode translates guest-kernel code, so --bt means something to it. */
  readonly translates?: boolean;
  /** Words of the mode's own that `vmm explain` knows (hw: its exit controls). */
  readonly words?: readonly { word: string; meaning: string }[];
  /** The ways `vmm compare` runs this mode (docs/compare.md), in the order of its table. */
  readonly techniques: readonly ModeTechnique[];
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

/** One way to run a mode, as `vmm compare` names it (--modes) and shows it (the `vmm run`
 *  flags that give it). */
export interface ModeTechnique {
  readonly id: string;
  readonly label: string;
  /** --strict (trap-and-emulate on the classically virtualizable machine). */
  readonly strict?: boolean;
  /** Hardware-assisted CPU settings beyond the defaults (--npt off, --vpid off). */
  readonly assist?: Partial<HardwareAssist>;
  /** --bt inline (a mode that translates). */
  readonly inlineTranslation?: true;
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
  /** The hardware-assisted CPU's settings (modes that run guests in non-root operation). */
  readonly assist: HardwareAssist;
  /** --bt inline: a binary translator turns a control-register access only the virtual CPU
   *  sees into an access to its register in the translated code, with no callout; otherwise
   *  (the default, --bt callout) it calls out for it as for every privileged instruction. */
  readonly inlineTranslation: boolean;
}

/** How the hardware-assisted CPU is set up (`--npt`, `--vpid`, `--exit-on`, `--no-exit-on`). */
export interface HardwareAssist {
  /** Nested paging (EPT) on; off: shadow page tables, as on first-generation VT-x. */
  readonly nestedPaging: boolean;
  /** TLB entries carry the guest's VPID, so exits, entries and guest switches keep them. */
  readonly vpid: boolean;
  /** Exit controls turned on and off beyond the defaults, by name (modes/hw/controls.ts). */
  readonly exitOn: readonly string[];
  readonly noExitOn: readonly string[];
}

export interface AssistDescription {
  nestedPaging: boolean;
  vpid: boolean;
  /** The exit controls that are on, and the ports whose bitmap bit differs from `io`. */
  exitControls: { on: string[]; ports: Record<string, boolean> };
}

/** The defaults: nested paging and VPID on, the default exit controls (like KVM's). */
export const DEFAULT_ASSIST: HardwareAssist = { nestedPaging: true, vpid: true, exitOn: [], noExitOn: [] };
