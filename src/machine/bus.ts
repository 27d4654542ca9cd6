// The I/O-port bus: owns port decoding. Devices occupy half-open ranges [base, base + ports)
// in the 16-bit port space; overlapping or overflowing ranges are rejected when attached.
// A read of a port with no device returns all ones; a write to one is ignored.

import type { Device } from './device.js';

export const PORT_SPACE = 0x10000;
export const NO_DEVICE = -1;

export interface Attached {
  readonly base: number;
  readonly device: Device;
}

export class BusError extends Error {}

export class Bus {
  private readonly slots: Attached[] = [];
  /** The devices with a clock (advance) and with events of their own (nextEvent), kept
   *  apart so the CPU's every return to the machine loops over them only. */
  private readonly clocked: Device[] = [];
  private readonly scheduled: Device[] = [];
  /** The slot owning each port, plus one (0: no device), in pages of 256 ports made as
   *  devices attach: a machine's bus costs a few hundred bytes, not a 64 Ki-entry table
   *  whose pages the operating system must map (see PhysicalMemory's spares). */
  private readonly owners: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(PORT_SPACE >>> 8).fill(undefined);

  attach(base: number, device: Device): void {
    const end = base + device.ports;
    if (!Number.isInteger(base) || base < 0 || device.ports <= 0 || end > PORT_SPACE) {
      throw new BusError(`${device.name}: ports [0x${base.toString(16)}, 0x${end.toString(16)}) outside the port space`);
    }
    for (const other of this.slots) {
      const otherEnd = other.base + other.device.ports;
      if (base < otherEnd && other.base < end) {
        throw new BusError(
          `${device.name}: ports [0x${base.toString(16)}, 0x${end.toString(16)}) overlap ${other.device.name} [0x${other.base.toString(16)}, 0x${otherEnd.toString(16)})`,
        );
      }
    }
    if (this.slots.length >= 255) throw new BusError(`${device.name}: a bus takes at most 255 devices`);
    for (let port = base; port < end; port++) (this.owners[port >>> 8] ??= new Uint8Array(256))[port & 255] = this.slots.length + 1;
    this.slots.push({ base, device });
    if (device.advance) this.clocked.push(device);
    if (device.nextEvent) this.scheduled.push(device);
  }

  /** True when some device owns the port. */
  owns(port: number): boolean {
    return this.slotOf(port) >= 0;
  }

  /** The slot of the device owning a port, or -1. */
  private slotOf(port: number): number {
    if (!(port >= 0 && port < PORT_SPACE)) return -1;
    const page = this.owners[port >>> 8];
    return page === undefined ? -1 : page[port & 255]! - 1;
  }

  /** The device owning a port, with the port's offset in it, or undefined. */
  find(port: number): { device: Device; offset: number } | undefined {
    const slot = this.slotOf(port);
    if (slot < 0) return undefined;
    const at = this.slots[slot]!;
    return { device: at.device, offset: port - at.base };
  }

  read(port: number): number {
    const slot = this.slotOf(port);
    if (slot < 0) return NO_DEVICE;
    const at = this.slots[slot]!;
    return at.device.read(port - at.base);
  }

  write(port: number, value: number): void {
    const slot = this.slotOf(port);
    if (slot < 0) return;
    const at = this.slots[slot]!;
    at.device.write(port - at.base, value);
  }

  get devices(): readonly Attached[] {
    return this.slots;
  }

  advance(now: number): void {
    const clocked = this.clocked;
    for (let i = 0; i < clocked.length; i++) clocked[i]!.advance!(now);
  }

  /** Ticks until the earliest device event, or Infinity. */
  nextEvent(now: number): number {
    let next = Infinity;
    const scheduled = this.scheduled;
    for (let i = 0; i < scheduled.length; i++) next = Math.min(next, scheduled[i]!.nextEvent!(now));
    return next;
  }
}
