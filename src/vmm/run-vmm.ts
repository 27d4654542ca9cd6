// Running guests under the software VMM (--mode trap or full): size the host, give each
// guest its frames and shadow pool, run, and report each guest (with its overhead against
// the same guest alone on bare hardware under the same cost model).

import { checkFits } from '../image/fits.js';
import { runBare, type ConsoleSink, type GuestInput, type MachineOptions } from '../machine/run-bare.js';
import { trapCounts, type GuestReport } from '../trace/report.js';
import type { ExitProbe } from './exits.js';
import { EXIT_REASONS } from './exits.js';
import { GuestMemory } from './guest-memory.js';
import { framesFor, HostFrames, hostMemoryBytes, SHADOW_POOL_FRAMES } from './host-frames.js';

export { SHADOW_POOL_FRAMES };
import { Hypervisor } from './hypervisor.js';
import type { ModeSpec } from './modes/mode.js';
import { Vm } from './vm.js';

export interface VmmOptions extends MachineOptions {
  quantum: number;
  /** Also run each guest alone in bare mode to report overhead. */
  overhead: boolean;
}

/** A host with the guests loaded, ready to run: the Hypervisor and each guest's shadow pool. */
export function createHost(guests: readonly GuestInput[], options: VmmOptions, mode: ModeSpec, consoles: readonly ConsoleSink[], probe?: ExitProbe): { hv: Hypervisor; pools: Int32Array[] } {
  const sizes = guests.map((g) => g.memoryBytes ?? options.memoryBytes);
  const hostFrames = hostMemoryBytes(sizes) / 4096;
  guests.forEach((g, i) => checkFits(g.image, sizes[i]!));
  const hv = new Hypervisor({ ...options, mode, probe }, hostFrames * 4096);
  const frames = new HostFrames(hostFrames);
  const pools = guests.map((g, i) => {
    const memory = new GuestMemory(hv.processor.memory, frames.allocate(framesFor(sizes[i]!)));
    const pool = frames.allocate(SHADOW_POOL_FRAMES);
    hv.addVm(new Vm(i, g.name, g.image, memory, consoles[i]!, hv, pool, g.input, g.disk));
    return pool;
  });
  return { hv, pools };
}

/** How a guest's run went, once the host has run. */
export function vmReport(vm: Vm): GuestReport {
  vm.console.finish();
  const exits: Record<string, number> = {};
  EXIT_REASONS.forEach((r, k) => {
    if (vm.exits[k]) exits[r.name] = vm.exits[k]!;
  });
  const notes: Record<string, number> = {};
  if (vm.injected) notes['interrupt-injection'] = vm.injected;
  if (vm.notes) notes['sensitive-unprivileged'] = vm.notes;
  return {
    name: vm.name,
    status: vm.status === 'running' ? 'limit' : vm.status,
    reason: vm.reason,
    pc: vm.endPc,
    console: vm.console.text(),
    instructions: vm.vcpu.instructions,
    cycles: vm.cycles,
    ticks: vm.ticks,
    tlb: vm.tlb,
    traps: trapCounts(vm.traps),
    exits,
    notes,
  };
}

export function runVirtualized(guests: readonly GuestInput[], options: VmmOptions, mode: ModeSpec, consoles: readonly ConsoleSink[], probe?: ExitProbe): GuestReport[] {
  const { hv } = createHost(guests, options, mode, consoles, probe);
  hv.run();
  return hv.vms.map((vm, i) => {
    const report = vmReport(vm);
    // Overhead compares the same work: only when the guest ran to its end here and alone.
    if (options.overhead && report.status === 'halted') {
      const bare = runBare(guests[i]!, options, silentConsole());
      if (bare.status === 'halted' && bare.instructions === report.instructions && bare.cycles > 0) report.overhead = vm.cycles / bare.cycles;
    }
    return report;
  });
}

function silentConsole(): ConsoleSink {
  return { putByte() {}, finish() {}, text: () => '' };
}
