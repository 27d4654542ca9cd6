// What a run reports per guest, as data (the JSON of `vmm run --json`; docs/cli.md names
// every field): read off the bare machine or off a VM once it has run.

import type { AssistDescription } from '../vmm/modes/mode.js';
import type { HostReport } from '../vmm/hosts/hosted/hosted-host.js';
import type { Dom0Report } from '../vmm/hosts/dom0/dom0-host.js';
import { causeName } from '../isa/arch.js';
import type { ConsoleBackend } from '../machine/devices/console.js';
import type { Machine, Termination } from '../machine/machine.js';
import type { TlbFigures } from '../machine/tlb.js';
import { EXIT_REASONS, REASON } from '../vmm/exits.js';
import type { Divergence, Vm, VmStatus } from '../vmm/vm.js';

export type GuestStatus = VmStatus;

/** At most this much of a guest's console output is kept for its report (the rest still
 *  streams), by every console sink alike. */
export const KEPT_CONSOLE_LIMIT = 4 << 20;

/** The host side of a guest console: where bytes go, and what is kept for the report. */
export interface ConsoleSink extends ConsoleBackend {
  finish(): void;
  text(): string;
  /** The bytes kept, as the guest wrote them, and whether more came than were kept (what a
   *  PARAVIRT build's output is held to, byte for byte); absent: text() stands for them. */
  kept?(): { bytes: Uint8Array; cut: boolean };
}

export interface GuestReport {
  name: string;
  status: GuestStatus;
  reason: string;
  pc: number;
  console: string;
  instructions: number;
  cycles: number;
  /** Guest time: instructions retired, ticks spent halted and vmmWork. */
  ticks: number;
  /** Under para: units of the VMM's work on the guest's behalf (its hypercalls' effort),
   *  counted as its time and against --max-instructions, not as instructions (absent: none). */
  vmmWork?: number;
  tlb: TlbFigures;
  traps: Record<string, number>;
  exits?: Record<string, number>;
  /** Things the VMM did or missed that are not exits (interrupt injections, silent
   *  sensitive instructions). */
  notes?: Record<string, number>;
  /** Hypercalls by name, most first (para; absent when the guest made none). */
  hypercalls?: Record<string, number>;
  /** Silent divergences from bare hardware (sensitive instructions that ran deprivileged
   *  unseen, in trap mode): how many, and the first. Absent when there were none. */
  divergences?: { count: number; first: Divergence };
  /** Cycles against the same guest in bare mode (1.00 = no overhead), to two decimals,
   *  when measured; else overheadMissing says why not. */
  overhead?: number;
  overheadMissing?: string;
}

export interface RunReport {
  mode: string;
  /** The hardware-assisted CPU's settings (--mode hw). */
  hardware?: AssistDescription;
  /** How a mode that translates guest-kernel code (--mode full) translates its privileged
   *  instructions (--bt): each a callout to the VMM, or control-register accesses inline. */
  translation?: 'callout' | 'inline';
  guests: GuestReport[];
  /** --host hosted: what the host OS did. */
  host?: HostReport;
  /** --host dom0: what guest 0 did. */
  dom0?: Dom0Report;
}

/** A guest's VM exits, every reason together (none in bare mode). */
export function exitCount(r: GuestReport): number {
  return Object.values(r.exits ?? {}).reduce((a, b) => a + b, 0);
}

/** Traps by cause name, in cause order. */
export function trapCounts(traps: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cause, count] of [...traps].sort((a, b) => a[0] - b[0])) out[causeName(cause)] = count;
  return out;
}

/** The bare machine's report, once it has run to `end`. */
export function machineReport(name: string, machine: Machine, end: Termination, console: ConsoleSink): GuestReport {
  console.finish();
  return {
    name,
    status: end.status,
    reason: end.reason,
    pc: end.pc,
    console: console.text(),
    instructions: machine.cpu.instructions,
    cycles: machine.cycles,
    ticks: machine.now,
    tlb: machine.processor.tlb.figures(),
    traps: trapCounts(machine.traps),
  };
}

/** A VM's report, once the host has run. */
export function vmReport(vm: Vm, console: ConsoleSink): GuestReport {
  console.finish();
  const exits: Record<string, number> = {};
  const notes: Record<string, number> = {};
  let diverged = 0;
  EXIT_REASONS.forEach((r, k) => {
    if (vm.exits[k]) (REASON[r.name].note ? notes : exits)[r.name] = vm.exits[k]!;
    if (REASON[r.name].diverges) diverged += vm.exits[k]!;
  });
  return {
    name: vm.name,
    status: vm.status === 'running' ? 'limit' : vm.status,
    reason: vm.reason,
    pc: vm.endPc,
    console: console.text(),
    instructions: vm.vcpu.instructions,
    cycles: vm.cycles,
    ticks: vm.ticks,
    ...(vm.vmmWork ? { vmmWork: vm.vmmWork } : {}),
    tlb: vm.tlb,
    traps: trapCounts(vm.traps),
    exits,
    notes,
    ...(vm.hypercalls.size ? { hypercalls: Object.fromEntries([...vm.hypercalls].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) } : {}),
    ...(diverged && vm.firstDivergence ? { divergences: { count: diverged, first: vm.firstDivergence } } : {}),
  };
}
