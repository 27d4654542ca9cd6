// --passthrough GUEST (under --host bare-metal): the physical disk passed through to one
// guest, as a VMM gives a device to one guest (VT-d, Xen's PCI pass-through). The guest's
// disk file is on it; the guest's own driver programs it (its port accesses reach the
// device), its DMA goes through the IOMMU into the guest's memory only (dom0/iommu.ts), and
// it keeps host time (physical.ts): its interrupt can come while another guest has the CPU.
// That is an external-interrupt exit; the VMM routes the interrupt to its owner (an
// `irq-route` note), which takes it when it runs and its virtual IE allows (a
// `host-interrupt` note with the latency). "Interrupts (may be for a different guest?)".

import { INTERRUPT_BASE } from '../../isa/arch.js';
import type { GuestInput } from '../../machine/config.js';
import type { ConsoleBackend } from '../../machine/devices/console.js';
import { Disk, DiskImage } from '../../machine/devices/disk.js';
import { LoadError } from '../../machine/load.js';
import { IRQ, PORT_BASE } from '../../machine/platform.js';
import { bootVmm } from '../boot.js';
import { REASON } from '../exits.js';
import type { Hypervisor, VmmConfig } from '../hypervisor.js';
import type { Mode } from '../modes/mode.js';
import type { Vm } from '../vm.js';
import { Iommu } from './dom0/iommu.js';
import { PhysicalDevices } from './physical.js';

/** Run `guests` with the physical disk passed through to guest `owner` (an index): its
 *  disk file is on it. */
export function runPassthrough(guests: readonly GuestInput[], config: VmmConfig, mode: Mode, consoles: readonly ConsoleBackend[], owner: number): Hypervisor {
  const contents = guests[owner]?.disk;
  if (!contents) throw new LoadError(`--passthrough ${guests[owner]?.name ?? owner}: the guest has no --disk to put on the physical disk`);
  let hv!: Hypervisor;
  const physical = new PhysicalDevices(() => hv);
  // The guest's own virtual disk stays empty: its ports reach the physical one.
  const inputs = guests.map((g, i) => (i === owner ? { ...g, disk: undefined } : g));
  hv = bootVmm(inputs, config, mode, consoles, 0, (vm) => {
    if (vm.id !== owner) return;
    const line = vm.devices.pic.line(IRQ.disk);
    const disk = new Disk({ number: IRQ.disk, raise: () => route(vm, line) }, new Iommu(vm.memory, () => undefined), new DiskImage(contents));
    physical.traceDisk(disk, vm, 'physical disk (passed through)', (address) => `guest-physical ${address} (through the IOMMU)`);
    physical.bus.attach(PORT_BASE.disk, disk);
    vm.passthrough = {
      ...physical.passThrough(),
      busy: () => physical.busy,
      delivered: (cause) => {
        if (cause === INTERRUPT_BASE + IRQ.disk) physical.interruptTaken(vm, 0, (latency) => `the guest took its passed-through disk's interrupt ${latency} cycles after it arrived`);
      },
    };
  });
  const route = (vm: Vm, line: { raise(): void }) => {
    physical.interruptArrived();
    line.raise();
    hv.hostNote(vm, REASON['irq-route'], 'routed', 0, 0, () => `the passed-through disk's interrupt${hv.lastGuest !== vm ? `, arrived while ${hv.lastGuest?.name ?? 'no guest'} had the CPU,` : ''} routed to its owner`);
    hv.runNext(vm);
  };
  physical.run(
    () => {},
    () => {
      // every guest waits and no device will interrupt: as on bare hardware, a deadlock
      for (const vm of hv.vms) if (vm.running) vm.end('faulted', 'hlt with interrupts enabled, but no device will ever interrupt (deadlock)');
    },
  );
  return hv;
}
