// The I/O-port bus: attaching devices to half-open port ranges, decoding, and ports with no
// device (reads all ones, writes ignored).

import { describe, expect, it } from 'vitest';
import { Bus, BusError, NO_DEVICE, PORT_SPACE } from '../../src/machine/bus.js';
import type { Device } from '../../src/machine/device.js';

/** A device that records what it sees and answers reads with 0x100 * id + offset. */
function fake(id: number, ports: number, next = Infinity) {
  const writes: [number, number][] = [];
  const advanced: number[] = [];
  const device: Device = {
    name: `dev${id}`,
    ports,
    read: (offset) => 0x100 * id + offset,
    write: (offset, value) => void writes.push([offset, value]),
    advance: (now) => void advanced.push(now),
    nextEvent: (now) => next - now,
  };
  return { device, writes, advanced };
}

describe('Bus.attach', () => {
  it('accepts adjacent ranges', () => {
    const bus = new Bus();
    bus.attach(0x10, fake(1, 4).device);
    bus.attach(0x14, fake(2, 4).device);
    bus.attach(0x0c, fake(3, 4).device);
    expect(bus.devices.map((d) => d.base)).toEqual([0x10, 0x14, 0x0c]);
  });

  it.each([
    ['one port at the top', 0x13, 4],
    ['one port at the bottom', 0x0d, 4],
    ['the same range', 0x10, 4],
    ['a range inside', 0x11, 1],
    ['a range around', 0x00, 0x100],
  ])('rejects an overlap: %s', (_, base, ports) => {
    const bus = new Bus();
    bus.attach(0x10, fake(1, 4).device);
    expect(() => bus.attach(base, fake(2, ports).device)).toThrow(BusError);
    expect(bus.devices).toHaveLength(1);
    expect(bus.read(0x10)).toBe(0x100); // the first device keeps its ports
    expect(bus.read(0x0d)).toBe(NO_DEVICE);
  });

  it('decodes ranges across 256-port pages, and leaves the rest of a page without a device', () => {
    const bus = new Bus();
    bus.attach(0x1fe, fake(1, 4).device); // 0x1fe..0x201
    bus.attach(0x8000, fake(2, 1).device);
    expect([0x1fd, 0x1fe, 0x1ff, 0x200, 0x201, 0x202].map((p) => bus.read(p))).toEqual([NO_DEVICE, 0x100, 0x101, 0x102, 0x103, NO_DEVICE]);
    expect(bus.find(0x200)).toEqual({ device: bus.devices[0]!.device, offset: 2 });
    expect([0x7fff, 0x8000, 0x8001, 0x80ff].map((p) => bus.owns(p))).toEqual([false, true, false, false]);
    expect([-1, PORT_SPACE, 1.5, NaN].map((p) => bus.owns(p))).toEqual([false, false, false, false]);
  });

  it('accepts a range ending at the last port 0xffff', () => {
    const bus = new Bus();
    bus.attach(PORT_SPACE - 4, fake(1, 4).device);
    expect(bus.read(0xffff)).toBe(0x103);
  });

  it.each([
    [PORT_SPACE - 3, 4],
    [0xffff, 2],
    [PORT_SPACE, 1],
    [-1, 2],
    [1.5, 1],
  ])('rejects base %s with %i ports (outside the port space)', (base, ports) => {
    expect(() => new Bus().attach(base, fake(1, ports).device)).toThrow(BusError);
  });

  it('rejects a device with no ports', () => {
    expect(() => new Bus().attach(0x10, fake(1, 0).device)).toThrow(BusError);
  });

  it('the error names both devices', () => {
    const bus = new Bus();
    bus.attach(0x10, fake(1, 4).device);
    expect(() => bus.attach(0x12, fake(2, 4).device)).toThrow(/dev2.*dev1/);
  });
});

describe('Bus decoding', () => {
  it('routes reads and writes to the owner with the offset in its range', () => {
    const bus = new Bus();
    const a = fake(1, 4);
    const b = fake(2, 8);
    bus.attach(0x10, a.device);
    bus.attach(0x30, b.device);
    expect(bus.read(0x10)).toBe(0x100);
    expect(bus.read(0x13)).toBe(0x103);
    expect(bus.read(0x37)).toBe(0x207);
    bus.write(0x12, 5);
    bus.write(0x30, -1);
    expect(a.writes).toEqual([[2, 5]]);
    expect(b.writes).toEqual([[0, -1]]);
    expect(bus.find(0x35)).toEqual({ device: b.device, offset: 5 });
  });

  it('a port with no device reads all ones and ignores writes', () => {
    const bus = new Bus();
    const a = fake(1, 4);
    bus.attach(0x10, a.device);
    for (const port of [0x0f, 0x14, 0, 0xffff, -1, PORT_SPACE]) {
      expect(bus.read(port)).toBe(-1);
      expect(bus.find(port)).toBeUndefined();
      bus.write(port, 1);
    }
    expect(a.writes).toEqual([]);
  });

  it('advance reaches every device; nextEvent is the earliest', () => {
    const bus = new Bus();
    const a = fake(1, 4, 50);
    const b = fake(2, 4, 30);
    bus.attach(0x10, a.device);
    bus.attach(0x20, b.device);
    bus.advance(7);
    expect(a.advanced).toEqual([7]);
    expect(b.advanced).toEqual([7]);
    expect(bus.nextEvent(10)).toBe(20);
    expect(new Bus().nextEvent(0)).toBe(Infinity);
  });
});
