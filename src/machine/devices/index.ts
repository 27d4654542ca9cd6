// The platform's devices wired onto a bus at their ports and interrupt lines. The bare
// machine builds one set; the VMM builds one per guest as its virtual devices.

import { Bus } from '../bus.js';
import type { DmaMemory } from '../device.js';
import { IRQ, PORT_BASE } from '../platform.js';
import { Console, type ConsoleBackend } from './console.js';
import { Disk, DiskImage } from './disk.js';
import { InterruptController } from './pic.js';
import { IntervalTimer } from './timer.js';

export interface Devices {
  readonly bus: Bus;
  readonly pic: InterruptController;
  readonly timer: IntervalTimer;
  readonly console: Console;
  readonly disk: Disk;
}

/** `disk`: a disk file's bytes, or a disk image made already (DiskImage). */
export function createDevices(console: ConsoleBackend, dma: DmaMemory, input?: Uint8Array, disk?: Uint8Array | DiskImage): Devices {
  const bus = new Bus();
  const pic = new InterruptController();
  const devices: Devices = {
    bus,
    pic,
    timer: new IntervalTimer(pic.line(IRQ.timer)),
    console: new Console(pic.line(IRQ.console), console, input),
    disk: new Disk(pic.line(IRQ.disk), dma, disk instanceof DiskImage ? disk : new DiskImage(disk)),
  };
  bus.attach(PORT_BASE.console, devices.console);
  bus.attach(PORT_BASE.timer, devices.timer);
  bus.attach(PORT_BASE.disk, devices.disk);
  bus.attach(PORT_BASE.pic, pic);
  return devices;
}
