// Helpers for the VMM's black-box tests: the table of guest programs (which need a disk, a
// define or an instruction limit), and running guests under the Hypervisor built directly
// (as src/vmm/run-vmm.ts does) so that tests can look at final vCPU state and at host memory.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Image } from '../../src/image/model.js';
import type { GuestInput } from '../../src/machine/config.js';
import { vmReport, type GuestReport } from '../../src/report/guest-report.js';
import { bootVmm } from '../../src/vmm/boot.js';
import { runHosted } from '../../src/vmm/hosts/hosted/hosted-host.js';
import { runDom0 } from '../../src/vmm/hosts/dom0/dom0-host.js';
import { DOM0_MEMORY_BYTES } from '../../src/vmm/hosts/dom0/dom0-abi.js';
import type { Topology } from '../../src/vmm/hosts/index.js';
import type { ExitProbe } from '../../src/vmm/exits.js';
import type { Hypervisor } from '../../src/vmm/hypervisor.js';
import { MODES, modeNamed } from '../../src/vmm/modes/index.js';
import type { Build, Mode } from '../../src/vmm/modes/mode.js';
import type { Vm } from '../../src/vmm/vm.js';
import { assemble, captureConsole, guestPath, OPTIONS, readDisk, ROOT, type RunOptions } from '../support/guests.js';

/** A VMM mode's name (from the registry, src/vmm/modes/index.ts). */
export type VmmMode = string;
export type { RunOptions };

/** How to run a guest source file (path relative to guests/). */
export interface GuestSpec {
  /** Only included by other files: not a program by itself. */
  includeOnly?: boolean;
  /** Disk image (relative to guests/). */
  disk?: string;
  /** Console input (relative to guests/). */
  input?: string;
  defines?: Record<string, number>;
  /** For guests that never end: run them to this limit (status 'limit'). */
  maxInstructions?: number;
  /** The builds the source has (what it can run: native images under bare, trap and full;
   *  PARAVIRT ones under para). Default: both for guests/bare and guests/kernel, whose
   *  privileged operations are paravirt.inc's ops; native for the rest. */
  builds?: readonly Build[];
  /** A guest 0 of --host dom0 (`--dom0-image`), not a guest: test/vmm/dom0.test.ts runs it. */
  guest0?: boolean;
}

/** Every .s under guests/ that needs something (anything not listed is a plain program). */
export const GUEST_TABLE: Readonly<Record<string, GuestSpec>> = {
  'kernel/lib.s': { includeOnly: true },
  'kernel/vm.s': { includeOnly: true },
  'kernel/user.s': { includeOnly: true },
  'kernel/causes.s': { includeOnly: true },
  'kernel/trap.s': { includeOnly: true },
  'kernel/sched.s': { includeOnly: true },
  'kernel/kernel-trap.s': { includeOnly: true },
  'kernel/preempt.s': { includeOnly: true },
  'attack/lib.s': { includeOnly: true },
  'kernel/tinyos.s': { disk: 'kernel/disk.txt' },
  'attack/dma-beyond.s': { disk: 'kernel/disk.txt' },
  'attack/dma-code.s': { disk: 'kernel/disk.txt' },
  'attack/dma-pagetable.s': { disk: 'kernel/disk.txt' },
  'attack/disk-games.s': { disk: 'kernel/disk.txt' },
  'attack/irq-io.s': { disk: 'kernel/disk.txt', input: 'attack/irq-io.input' },
  'attack/spin.s': { maxInstructions: 100_000 },
  'attack/spin-timer.s': { maxInstructions: 100_000 },
  'attack/hw-window.s': { maxInstructions: 100_000 },
  'bench/exits.s': { defines: { COUNT: 20_000 } },
  'bench/sieve.s': { defines: { ROUNDS: 1 } },
  // the bench's workloads (scripts/bench/workloads.ts), small
  'bench/fib.s': { defines: { N: 12 } },
  'bench/memwalk.s': { defines: { PASSES: 1 } },
  'bench/dispatch.s': { defines: { ITER: 2000 } },
  'bench/tasks.s': { defines: { PRIMES: 600, COLLATZ: 200, QUANTUM: 300 } },
  'bench/ptmap.s': { defines: { ROUNDS: 8 }, builds: ['native', 'paravirt'] },
  'bench/console.s': { builds: ['native', 'paravirt'] },
  // guest 0 of --host dom0 (a PARAVIRT kernel only); alone, with no domain to serve, it waits
  // for ever: the idle loop finds the deadlock
  'dom0/dom0.s': { builds: ['paravirt'] },
  // vmm compare's microbenchmarks (docs/compare.md), a few passes each
  'bench/syscall.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/in.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/ptbr.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/callret.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/pgfault.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/divzero.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/ptemod.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/tlbthrash.s': { defines: { ITER: 4 }, builds: ['native', 'paravirt'] },
  'bench/hypercall.s': { defines: { ITER: 20 }, builds: ['native', 'paravirt'] },
  'bench/diskread.s': { defines: { ITER: 5 }, disk: 'bench/diskread.txt', builds: ['native', 'paravirt'] },
  // A tinyos task reading a kernel page: under para it must fault exactly as on bare.
  'attack/kread.s': { builds: ['native', 'paravirt'] },
  'attack/pvlib.s': { includeOnly: true },
  'include/paravirt.s': { includeOnly: true },
  'attack/pv-foreign.s': { builds: ['paravirt'] },
  'attack/pv-table-rules.s': { builds: ['paravirt'] },
  'attack/pv-batch.s': { builds: ['paravirt'] },
  'attack/pv-ring.s': { builds: ['paravirt'], disk: 'kernel/disk.txt' },
  'attack/pv-dma-race.s': { builds: ['paravirt'], disk: 'kernel/disk.txt' },
  'attack/pv-events.s': { builds: ['paravirt'] },
  'attack/pv-calls.s': { builds: ['paravirt'] },
  'attack/pv-storm.s': { builds: ['paravirt'], maxInstructions: 100_000 },
  'attack/grant-games.s': { builds: ['paravirt'], disk: 'kernel/disk.txt' },
  'attack/grant-revoke.s': { builds: ['paravirt'], disk: 'kernel/disk.txt' },
  'attack/evtchn-storm.s': { builds: ['paravirt'] },
  'attack/dom0-overreach.s': { builds: ['paravirt'], guest0: true },
  'attack/dom0-forge.s': { builds: ['paravirt'], guest0: true },
  'attack/dom0-impostor.s': { builds: ['paravirt'], disk: 'kernel/disk.txt' },
  'attack/pv-pin-storm.s': { builds: ['paravirt'], maxInstructions: 100_000 },
  'attack/pv-shared-table.s': { builds: ['paravirt'] },
  'attack/pv-code-table.s': { builds: ['paravirt'] },
  'attack/pv-batch-work.s': { builds: ['paravirt'] },
  'attack/pv-callback.s': { builds: ['paravirt'] },
  'attack/pv-privileged.s': { builds: ['paravirt'] },
};

/** The builds guest `rel` has (GuestSpec.builds). */
export function buildsOf(rel: string): readonly Build[] {
  return GUEST_TABLE[rel]?.builds ?? (/^(bare|kernel)\//.test(rel) ? ['native', 'paravirt'] : ['native']);
}

/** The VMM modes guest `rel` runs under: those whose build it has. */
export function modesFor(rel: string): Mode[] {
  return MODES.filter((m) => buildsOf(rel).includes(m.build));
}

/** Every .s file under guests/, as paths relative to guests/, sorted. */
export function allGuestSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.s')) out.push(relative(guestPath(), path).split('\\').join('/'));
    }
  };
  walk(guestPath());
  return out.sort();
}

/** The programs: every guest source that is not include-only. */
export function programs(): string[] {
  return allGuestSources().filter((g) => !GUEST_TABLE[g]?.includeOnly && !GUEST_TABLE[g]?.guest0);
}

const images = new Map<string, Image>();

/** A guest program ready to run: its input, and the machine options its table row asks for.
 *  `build` 'paravirt' assembles it with PARAVIRT defined (for --mode para). */
export function guest(rel: string, name = rel.replace(/^.*\//, '').replace(/\.s$/, ''), build: Build = 'native'): { input: GuestInput; options: RunOptions } {
  const spec = GUEST_TABLE[rel] ?? {};
  const key = `${rel}:${build}`;
  let image = images.get(key);
  if (!image) {
    image = assemble(guestPath(...rel.split('/')), { ...(spec.defines ?? {}), ...(build === 'paravirt' ? { PARAVIRT: 1 } : {}) });
    images.set(key, image);
  }
  const input: GuestInput = { name, image, disk: spec.disk ? readDisk(spec.disk) : undefined, input: spec.input ? readDisk(spec.input) : undefined };
  return { input, options: spec.maxInstructions ? { maxInstructions: spec.maxInstructions } : {} };
}

export function expectedOutput(rel: string): string {
  return readFileSync(guestPath(...rel.replace(/\.s$/, '.expected').split('/')), 'utf8');
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A VMM run with everything still there to look at. */
export interface HvRun {
  hv: Hypervisor;
  vms: Vm[];
  /** The host frames each guest's mode was given (the shadow pools of the software modes). */
  pools: Int32Array[];
  reports: GuestReport[];
}

/** Run guests under the software VMM exactly as runVirtualized does, but keep the
 *  Hypervisor and the Vms (their vCPUs, memory, shadow pools). */
export function runHv(guests: readonly GuestInput[], mode: VmmMode, options: RunOptions = {}, probe?: ExitProbe, prepare?: (hv: Hypervisor) => void): HvRun {
  const consoles = guests.map(() => captureConsole());
  const hv = bootVmm(guests, { ...OPTIONS, ...options, probe }, modeNamed(mode)!, consoles);
  prepare?.(hv);
  hv.run();
  return { hv, vms: hv.vms, pools: hv.vms.map((vm) => vm.modeFrames), reports: hv.vms.map((vm, i) => vmReport(vm, consoles[i]!)) };
}

/** The host OS of --host hosted (assembled once, when first needed). */
let hostImage: Image | undefined;

/** Guests under `mode`, with the VMM where each topology of the registry puts it
 *  (docs/topologies.md): a topology added to the registry without a runner here does not
 *  compile. Under hosted the host application is busy (the harder case). */
export const TOPOLOGY_RUNNERS: Record<Topology, (guests: readonly GuestInput[], mode: VmmMode, options?: RunOptions, probe?: ExitProbe) => HvRun> = {
  'bare-metal': runHv,
  hosted: (guests, mode, options = {}, probe) => {
    const consoles = guests.map(() => captureConsole());
    hostImage ??= assemble(guestPath('host', 'hostos.s'));
    const setup = { image: hostImage, file: 'guests/host/hostos.s', app: 'busy' as const, faultTick: 0 };
    const { hv } = runHosted(guests, { ...OPTIONS, ...options, probe }, modeNamed(mode)!, consoles, setup, captureConsole());
    return { hv, vms: hv.vms, pools: hv.vms.map((vm) => vm.modeFrames), reports: hv.vms.map((vm, i) => vmReport(vm, consoles[i]!)) };
  },
  dom0: (guests, mode, options = {}, probe) => {
    const consoles = guests.map(() => captureConsole());
    dom0Image ??= assemble(guestPath('dom0', 'dom0.s'), { PARAVIRT: 1 });
    const setup = { image: dom0Image, file: 'guests/dom0/dom0.s', crashAt: 0, memoryBytes: DOM0_MEMORY_BYTES };
    const { hv } = runDom0(guests, { ...OPTIONS, ...options, probe }, modeNamed(mode)!, consoles, setup, captureConsole());
    return { hv, vms: hv.vms, pools: hv.vms.map((vm) => vm.modeFrames), reports: hv.vms.map((vm, i) => vmReport(vm, consoles[i]!)) };
  },
};

/** Guest 0 of --host dom0 (assembled once, when first needed). */
let dom0Image: Image | undefined;

/** A guest's final architectural state under the VMM, as bareState (test/support) gives
 *  it for the bare machine: registers, pc, FLAGS, control registers, memory hash. */
export function vmState(vm: Vm) {
  return {
    regs: [...vm.vcpu.regs],
    pc: vm.vcpu.pc,
    flags: vm.vcpu.flags,
    cr: [...vm.vcpu.cr],
    instructions: vm.vcpu.instructions,
    memory: sha256(vm.memory.readBytes(0, vm.memory.size)),
  };
}

/** Hash of host frames (e.g. a guest's shadow pool). */
export function framesHash(hv: Hypervisor, frames: Int32Array): string {
  const h = createHash('sha256');
  const bytes = hv.processor.memory.bytes;
  for (const f of frames) h.update(bytes.subarray(f * 4096, f * 4096 + 4096));
  return h.digest('hex');
}

/** What a guest did, for comparing runs (everything guest-visible plus its time). */
export function outcome(r: GuestReport) {
  return { console: r.console, status: r.status, reason: r.reason, instructions: r.instructions, ticks: r.ticks, pc: r.pc };
}

/** What must match where a topology's timing may differ (dom0): how the guest ended, and its
 *  console's lines in any interleaving. */
export function looseOutcome(r: GuestReport) {
  return { lines: r.console.split('\n').sort(), status: r.status };
}

export { ROOT };

/** The same console lines as `want`, by the equivalence of builds that run different
 *  instructions (docs/vmm.md): the same lines, the first and last lines identical, and the
 *  lines of each stream (lines that begin alike: a task's "A0", "A1"...; the kernel's
 *  "tinyos: ...") in the same order; the interleaving of streams may differ. */
export function sameLines(got: string, want: string): string | undefined {
  const g = got.split('\n');
  const w = want.split('\n');
  if ([...g].sort().join('\n') !== [...w].sort().join('\n')) return 'not the same lines';
  if (g[0] !== w[0] || g.at(-2) !== w.at(-2)) return 'not the same first and last lines';
  const streams = (lines: string[]) => {
    const by = new Map<string, string[]>();
    for (const line of lines) {
      const key = line.replace(/[0-9].*$/, '').slice(0, 1);
      by.set(key, [...(by.get(key) ?? []), line]);
    }
    return by;
  };
  const ws = streams(w);
  for (const [key, lines] of streams(g)) if (lines.join('\n') !== ws.get(key)?.join('\n')) return `the lines beginning '${key}' are in another order`;
  return undefined;
}
