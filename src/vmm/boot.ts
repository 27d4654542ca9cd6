// Starting the VMM: size the host for the guests and their mode, give each guest its frames
// (its memory, then what its mode asked for), and load each into a VM.

import type { GuestInput } from '../machine/config.js';
import type { ConsoleBackend } from '../machine/devices/console.js';
import { PAGE_SIZE } from '../isa/arch.js';
import { isParavirt } from '../image/model.js';
import { LoadError } from '../machine/load.js';
import { GuestMemory } from './guest-memory.js';
import { framesFor, HostFrames } from './host-frames.js';
import { Hypervisor, type VmmConfig } from './hypervisor.js';
import type { Mode } from './modes/mode.js';
import { Vm } from './vm.js';

/** Host memory for guests of these sizes under `mode`: their frames and the mode's. */
export function hostMemoryBytes(mode: Mode, guestBytes: readonly number[]): number {
  return guestBytes.reduce((sum, bytes) => sum + (framesFor(bytes) + mode.framesPerGuest(bytes)) * PAGE_SIZE, 0);
}

/** A host with the guests loaded, ready to run (each guest's memory is its memoryBytes, or
 *  the config's; the first `reservedBytes` of host memory are left to a hosted topology's
 *  host OS). Throws LoadError when an image does not fit its memory, or is not the
 *  build the mode runs (native or PARAVIRT). */
export function bootVmm(guests: readonly GuestInput[], config: VmmConfig, mode: Mode, consoles: readonly ConsoleBackend[], reservedBytes = 0, prepare?: (vm: Vm) => void): Hypervisor {
  const sizes = guests.map((g) => g.memoryBytes ?? config.memoryBytes);
  const hostBytes = reservedBytes + hostMemoryBytes(mode, sizes);
  const hv = new Hypervisor(config, mode, hostBytes);
  const frames = new HostFrames(hostBytes / PAGE_SIZE, reservedBytes / PAGE_SIZE);
  guests.forEach((g, i) => {
    if (isParavirt(g.image) !== (mode.build === 'paravirt')) {
      throw new LoadError(`${g.file ?? g.name}: ${isParavirt(g.image) ? 'a PARAVIRT build runs under --mode para only' : `a native image cannot run under --mode ${mode.name}, which runs PARAVIRT builds (assemble with -D PARAVIRT)`}`);
    }
    const memory = new GuestMemory(hv.processor.memory, frames.allocate(framesFor(sizes[i]!)));
    const vm = new Vm(i, g, memory, consoles[i]!, { memory: hv.processor.memory, costs: config.costs, tlbTagged: config.tlbTagged });
    prepare?.(vm); // (a topology's links, before the mode takes the VM on)
    hv.addVm(vm, frames.allocate(mode.framesPerGuest(sizes[i]!)));
  });
  return hv;
}
