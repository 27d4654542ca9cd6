// Physical devices the VMM passes through to one guest (guest 0 under --host dom0; a guest
// under --passthrough): they keep host time (the instructions the CPU retired, plus the time
// every guest spent waiting for them), not the owner's, so their interrupts can arrive while
// another guest has the CPU. The run loop lets the guests run up to the devices' next event
// (Hypervisor.hostLimit: an external-interrupt exit), brings the devices up to date, and,
// when every guest waits, moves host time on to that event.

import { hex } from '../../isa/disasm.js';
import { Bus } from '../../machine/bus.js';
import { describeTransfer, type Disk } from '../../machine/devices/disk.js';
import { DISK_STATUS } from '../../machine/platform.js';
import { REASON } from '../exits.js';
import type { Hypervisor } from '../hypervisor.js';
import type { PassThrough } from '../links.js';
import type { Vm } from '../vm.js';

export class PhysicalDevices {
  readonly bus = new Bus();
  /** Host time every guest spent waiting for these devices. */
  private waited = 0;
  /** Host cycles when an interrupt was routed to the owner and not yet taken, or -1. */
  private arrived = -1;

  constructor(private readonly hv: () => Hypervisor) {}

  /** Host time, in ticks. */
  now(): number {
    return this.hv().processor.cpu.instructions + this.waited;
  }

  /** Whether a device is busy (an event of its will come). */
  get busy(): boolean {
    return this.bus.nextEvent(this.now()) !== Infinity;
  }

  /** Trace each command of `disk` (owned by `vm`) as a `dma` note; `memory` names where a
   *  transfer's address points. */
  traceDisk(disk: Disk, vm: Vm, device: string, memory: (address: string) => string): void {
    disk.onCommand = (t) => this.hv().hostNote(vm, REASON.dma, t.status === DISK_STATUS.BUSY ? 'started' : 'transferred', 0, 0, () => describeTransfer(t, device, memory(hex(t.address, 8))));
  }

  /** An interrupt of these devices was routed to its owner (now). */
  interruptArrived(): void {
    this.arrived = this.hv().hostCycles;
  }

  /** The owner `vm` took the interrupt: a `host-interrupt` note with its latency (`detail`
   *  words it), if one was waiting. */
  interruptTaken(vm: Vm, request: number, detail: (latency: string) => string): void {
    if (this.arrived < 0) return;
    const hv = this.hv();
    const latency = (hv.hostCycles - this.arrived).toLocaleString('en-US');
    this.arrived = -1;
    hv.hostNote(vm, REASON['host-interrupt'], 'injected', 0, request, () => detail(latency));
  }

  /** The owner's ports that reach these devices (its mode lets them through). A command
   *  that makes a device due sooner ends the running slice there. */
  passThrough(): PassThrough {
    const bus = this.bus;
    return {
      owns: (port) => bus.owns(port),
      portIn: (port) => {
        bus.advance(this.now());
        return bus.read(port);
      },
      portOut: (port, value) => {
        bus.advance(this.now());
        bus.write(port, value);
        const due = bus.nextEvent(this.now());
        const hv = this.hv();
        if (due !== Infinity) hv.hostLimit = Math.min(hv.hostLimit, hv.processor.cpu.instructions + Math.max(due, 0));
      },
    };
  }

  /** Run every guest until each has ended. `settle` runs each time the guests give the CPU
   *  back, the last time too; `stuck` when every guest waits and no device will interrupt
   *  (it must end one). `deadline`: the instruction count (the CPU's) by which the host must
   *  have the CPU back besides the devices' (Infinity: none). */
  run(settle: () => void, stuck: () => void, deadline: () => number = () => Infinity): void {
    const hv = this.hv();
    hv.hostLimitWhy = 'physical';
    for (;;) {
      const due = this.bus.nextEvent(this.now());
      hv.hostLimit = Math.min(deadline(), due === Infinity ? Infinity : hv.processor.cpu.instructions + Math.max(due, 0));
      const ran = hv.runUntilHost();
      settle();
      if (ran === 'done') break;
      if (ran === 'idle') {
        const next = this.bus.nextEvent(this.now());
        if (next === Infinity) stuck();
        else this.waited += Math.max(next, 0);
      }
      this.bus.advance(this.now());
    }
    hv.hostLimit = Infinity;
  }
}
