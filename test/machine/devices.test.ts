// The platform devices on their own, with fake interrupt lines and fake DMA memory: interval
// timer, interrupt controller, console and disk.

import { describe, expect, it } from 'vitest';
import { Console } from '../../src/machine/devices/console.js';
import { Disk, DiskImage, DISK_LATENCY } from '../../src/machine/devices/disk.js';
import { InterruptController } from '../../src/machine/devices/pic.js';
import { IntervalTimer } from '../../src/machine/devices/timer.js';
import { CONSOLE_REG, CONSOLE_STATUS, DISK_COMMAND, DISK_REG, DISK_STATUS, PIC_REG, SECTOR_SIZE, TIMER_REG } from '../../src/machine/platform.js';
import { fakeDma, fakeIrq } from './helpers.js';

describe('interval timer', () => {
  const { PERIOD, REMAINING, NOW } = TIMER_REG;

  it('starts stopped: period 0, nothing remaining, no event', () => {
    const irq = fakeIrq();
    const t = new IntervalTimer(irq);
    expect([t.read(PERIOD), t.read(REMAINING), t.read(NOW)]).toEqual([0, 0, 0]);
    expect(t.nextEvent(0)).toBe(Infinity);
    t.advance(1_000_000);
    expect(irq.count).toBe(0);
  });

  it('interrupts every PERIOD ticks from the write, at exact tick counts', () => {
    const irq = fakeIrq();
    const t = new IntervalTimer(irq);
    t.advance(5);
    t.write(PERIOD, 10);
    expect(t.read(PERIOD)).toBe(10);
    expect(t.read(REMAINING)).toBe(10);
    expect(t.nextEvent(5)).toBe(10);
    t.advance(14);
    expect(irq.count).toBe(0);
    expect(t.read(REMAINING)).toBe(1);
    t.advance(15);
    expect(irq.count).toBe(1);
    expect(t.read(REMAINING)).toBe(10);
    expect(t.nextEvent(15)).toBe(10);
    t.advance(24);
    expect(irq.count).toBe(1);
    t.advance(25);
    expect(irq.count).toBe(2);
    expect(t.read(NOW)).toBe(25);
  });

  it('missed periods collapse into one interrupt, keeping the phase', () => {
    const irq = fakeIrq();
    const t = new IntervalTimer(irq);
    t.write(PERIOD, 10);
    t.advance(35);
    expect(irq.count).toBe(1);
    expect(t.read(REMAINING)).toBe(5);
    t.advance(40);
    expect(irq.count).toBe(2);
    t.advance(40 + 10 * 1000);
    expect(irq.count).toBe(3);
    expect(t.read(REMAINING)).toBe(10);
  });

  it('writing PERIOD restarts the count from now', () => {
    const irq = fakeIrq();
    const t = new IntervalTimer(irq);
    t.write(PERIOD, 10);
    t.advance(7);
    t.write(PERIOD, 10);
    expect(t.read(REMAINING)).toBe(10);
    t.advance(10);
    expect(irq.count).toBe(0);
    t.advance(17);
    expect(irq.count).toBe(1);
    t.write(PERIOD, 3);
    expect(t.nextEvent(17)).toBe(3);
  });

  it('writing 0 stops it', () => {
    const irq = fakeIrq();
    const t = new IntervalTimer(irq);
    t.write(PERIOD, 10);
    t.advance(5);
    t.write(PERIOD, 0);
    expect(t.read(REMAINING)).toBe(0);
    expect(t.nextEvent(5)).toBe(Infinity);
    t.advance(1000);
    expect(irq.count).toBe(0);
  });

  it('a period of 1 interrupts every tick', () => {
    const irq = fakeIrq();
    const t = new IntervalTimer(irq);
    t.write(PERIOD, 1);
    for (let now = 1; now <= 5; now++) t.advance(now);
    expect(irq.count).toBe(5);
  });

  it('NOW is the low 32 bits of the ticks; other registers read 0 and ignore writes', () => {
    const t = new IntervalTimer(fakeIrq());
    t.advance(2 ** 32 + 5);
    expect(t.read(NOW)).toBe(5);
    t.advance(2 ** 32 + 2 ** 31);
    expect(t.read(NOW)).toBe(-(2 ** 31));
    t.write(REMAINING, 5);
    t.write(NOW, 5);
    t.write(3, 5);
    expect([t.read(PERIOD), t.read(REMAINING), t.read(3)]).toEqual([0, 0, 0]);
  });
});

describe('interrupt controller', () => {
  const { MASK, PENDING, ACK, NEXT } = PIC_REG;

  it('resets with every line masked and nothing pending', () => {
    const pic = new InterruptController();
    expect(pic.read(MASK)).toBe(-1);
    expect(pic.read(PENDING)).toBe(0);
    expect(pic.read(NEXT)).toBe(-1);
  });

  it('raised lines are pending; NEXT is the lowest pending unmasked line or -1', () => {
    const pic = new InterruptController();
    pic.line(2).raise();
    pic.line(5).raise();
    expect(pic.read(PENDING)).toBe(0b100100);
    expect(pic.read(NEXT)).toBe(-1); // all masked
    pic.write(MASK, ~(1 << 5));
    expect(pic.read(NEXT)).toBe(5);
    pic.write(MASK, 0);
    expect(pic.read(NEXT)).toBe(2);
    expect(pic.next()).toBe(2);
    pic.write(ACK, 2);
    expect(pic.read(PENDING)).toBe(0b100000);
    expect(pic.read(NEXT)).toBe(5);
    pic.write(ACK, 5);
    expect(pic.read(NEXT)).toBe(-1);
  });

  it('a line raised twice before ACK is one pending interrupt; raises are counted', () => {
    const pic = new InterruptController();
    const line = pic.line(1);
    line.raise();
    line.raise();
    expect(pic.read(PENDING)).toBe(2);
    expect(pic.raised[1]).toBe(2);
    pic.write(ACK, 1);
    expect(pic.read(PENDING)).toBe(0);
  });

  it('ACK of a line outside 0..31 is ignored; MASK reads back what was written', () => {
    const pic = new InterruptController();
    pic.line(0).raise();
    pic.write(ACK, 32);
    pic.write(ACK, -1);
    expect(pic.read(PENDING)).toBe(1);
    pic.write(MASK, 0x1234);
    expect(pic.read(MASK)).toBe(0x1234);
    pic.write(PENDING, 0); // read-only
    expect(pic.read(PENDING)).toBe(1);
  });

  it('line 31 works', () => {
    const pic = new InterruptController();
    pic.line(31).raise();
    pic.write(MASK, 0x7fffffff);
    expect(pic.read(NEXT)).toBe(31);
  });
});

describe('console', () => {
  const { DATA, STATUS, CTRL } = CONSOLE_REG;

  it('writes output bytes (the low byte) to the backend', () => {
    const out: number[] = [];
    const c = new Console(fakeIrq(), { putByte: (b) => out.push(b) });
    c.write(DATA, 0x48);
    c.write(DATA, 0x169);
    c.write(DATA, -1);
    expect(out).toEqual([0x48, 0x69, 0xff]);
    expect(c.bytesOut).toBe(3);
  });

  it('reads input bytes in order, then -1; STATUS says ready, then ended', () => {
    const c = new Console(fakeIrq(), { putByte: () => {} }, new Uint8Array([0x61, 0x00, 0xff]));
    expect(c.read(STATUS)).toBe(CONSOLE_STATUS.INPUT_READY);
    expect([c.read(DATA), c.read(DATA)]).toEqual([0x61, 0x00]);
    expect(c.read(STATUS)).toBe(CONSOLE_STATUS.INPUT_READY);
    expect(c.read(DATA)).toBe(0xff);
    expect(c.read(STATUS)).toBe(CONSOLE_STATUS.INPUT_END);
    expect([c.read(DATA), c.read(DATA)]).toEqual([-1, -1]);
  });

  it('with no input STATUS is ended and DATA reads -1', () => {
    const c = new Console(fakeIrq(), { putByte: () => {} });
    expect(c.read(STATUS)).toBe(CONSOLE_STATUS.INPUT_END);
    expect(c.read(DATA)).toBe(-1);
  });

  it('CTRL keeps bit 0 only', () => {
    const c = new Console(fakeIrq(), { putByte: () => {} });
    expect(c.read(CTRL)).toBe(0);
    c.write(CTRL, 0xff);
    expect(c.read(CTRL)).toBe(1);
    c.write(CTRL, 2);
    expect(c.read(CTRL)).toBe(0);
  });

  it('raises its line while input is ready and CTRL bit 0 is set', () => {
    const irq = fakeIrq();
    const c = new Console(irq, { putByte: () => {} }, new Uint8Array([1, 2]));
    c.read(DATA); // interrupts off: no raise
    expect(irq.count).toBe(0);
    c.write(CTRL, 1); // input ready: raise
    expect(irq.count).toBe(1);
    c.read(DATA); // that was the last byte: no more
    expect(irq.count).toBe(1);
    c.write(CTRL, 1); // nothing ready
    expect(irq.count).toBe(1);
  });

  it('each byte read with more to come raises the line again', () => {
    const irq = fakeIrq();
    const c = new Console(irq, { putByte: () => {} }, new Uint8Array([1, 2, 3]));
    c.write(CTRL, 1);
    c.read(DATA);
    c.read(DATA);
    expect(irq.count).toBe(3);
    c.read(DATA);
    expect(irq.count).toBe(3);
  });

  it('no input, CTRL set: never raises', () => {
    const irq = fakeIrq();
    const c = new Console(irq, { putByte: () => {} });
    c.write(CTRL, 1);
    c.read(DATA);
    expect(irq.count).toBe(0);
  });
});

describe('disk', () => {
  const { SECTOR, ADDRESS, COUNT, COMMAND, STATUS, SIZE } = DISK_REG;
  const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

  function disk(contents = pattern(4 * SECTOR_SIZE), memory = 0x4000) {
    const irq = fakeIrq();
    const mem = fakeDma(memory);
    const image = new DiskImage(contents);
    return { irq, mem, image, d: new Disk(irq, mem, image) };
  }

  function program(d: Disk, sector: number, address: number, count: number) {
    d.write(SECTOR, sector);
    d.write(ADDRESS, address);
    d.write(COUNT, count);
  }

  it('SIZE is the image size in sectors, rounded up; registers read back', () => {
    expect(disk(new Uint8Array(1000)).d.read(SIZE)).toBe(2);
    expect(disk(new Uint8Array(1024)).d.read(SIZE)).toBe(2);
    expect(disk(new Uint8Array(0)).d.read(SIZE)).toBe(0);
    const { d } = disk();
    program(d, 3, 0x200, 1);
    expect([d.read(SECTOR), d.read(ADDRESS), d.read(COUNT), d.read(STATUS)]).toEqual([3, 0x200, 1, DISK_STATUS.IDLE]);
  });

  it('the image pads a partial last sector with zeros', () => {
    const image = new DiskImage(new Uint8Array([1, 2, 3]));
    expect(image.size).toBe(SECTOR_SIZE);
    expect([...image.read(0, 4)]).toEqual([1, 2, 3, 0]);
    expect(image.read(0, SECTOR_SIZE).slice(3).every((b) => b === 0)).toBe(true);
  });

  it('the image never writes the bytes it was made from: a write copies the 64 KiB it lands in first, and reads see it', () => {
    // 300 sectors, the last partial: three chunks of 128 sectors, the last of 44
    const contents = Uint8Array.from({ length: 300 * SECTOR_SIZE - 100 }, (_, i) => (i * 13 + 5) & 0xff);
    const pristine = contents.slice();
    const image = new DiskImage(contents);
    const model = new Uint8Array(image.size);
    model.set(contents);
    // a write across the first chunk's end, one into the last chunk's padding, one of a byte
    const writes: [number, number][] = [[127 * SECTOR_SIZE + 7, 3 * SECTOR_SIZE], [299 * SECTOR_SIZE + 400, 112], [5, 1], [0, 0]];
    for (const [at, length] of writes) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + at) & 0xff);
      image.write(at, data);
      model.set(data, at);
    }
    expect(contents).toEqual(pristine);
    expect(image.read(0, image.size)).toEqual(model);
    for (const [at, length] of [[0, 1], [128 * SECTOR_SIZE - 1, 2], [256 * SECTOR_SIZE - 3, 44 * SECTOR_SIZE + 3], [1000, 70_000]]) expect(image.read(at!, length!)).toEqual(model.slice(at!, at! + length!));
    // and a second image of the same bytes starts from them, not from the first's writes; what
    // it read before a write of its own keeps what it read
    const second = new DiskImage(contents);
    expect(second.read(0, image.size).subarray(0, contents.length)).toEqual(pristine);
    const before = second.read(130 * SECTOR_SIZE, SECTOR_SIZE);
    second.write(130 * SECTOR_SIZE, new Uint8Array(SECTOR_SIZE).fill(0xee));
    expect(before).toEqual(pristine.slice(130 * SECTOR_SIZE, 131 * SECTOR_SIZE));
    expect(second.read(130 * SECTOR_SIZE, 2)).toEqual(new Uint8Array([0xee, 0xee]));
    expect(contents).toEqual(pristine);
  });

  it('an image of several files joins them, each from the next sector on, without writing any', () => {
    const files = [pattern(700), new Uint8Array(0), pattern(3 * SECTOR_SIZE).reverse(), pattern(130 * SECTOR_SIZE + 1)];
    const pristine = files.map((f) => f.slice());
    const image = new DiskImage(files);
    // (700 bytes: 2 sectors; none; 3; 131)
    expect(image.sectors).toBe(2 + 0 + 3 + 131);
    expect(image.partitions).toEqual([{ first: 0, sectors: 2 }, { first: 2, sectors: 0 }, { first: 2, sectors: 3 }, { first: 5, sectors: 131 }]);
    const model = new Uint8Array(image.size);
    [0, 2, 2, 5].forEach((sector, i) => model.set(files[i]!, sector * SECTOR_SIZE));
    expect(image.read(0, image.size)).toEqual(model);
    // a write across the second file's start and the third's end, then reads across them
    const data = pattern(5 * SECTOR_SIZE).map((b) => b ^ 0x5a);
    image.write(SECTOR_SIZE + 17, data);
    model.set(data, SECTOR_SIZE + 17);
    for (const [at, length] of [[0, image.size], [2 * SECTOR_SIZE, 3 * SECTOR_SIZE], [5 * SECTOR_SIZE - 1, 2], [100 * SECTOR_SIZE, 36 * SECTOR_SIZE]]) expect(image.read(at!, length!)).toEqual(model.slice(at!, at! + length!));
    files.forEach((f, i) => expect(f).toEqual(pristine[i]));
  });

  it('reads sectors into memory by DMA after the documented latency, then interrupts', () => {
    const { d, irq, mem, image } = disk();
    d.advance(10);
    program(d, 1, 0x300, 2);
    d.write(COMMAND, DISK_COMMAND.READ);
    const latency = DISK_LATENCY.base + 2 * DISK_LATENCY.perSector;
    expect(d.read(STATUS)).toBe(DISK_STATUS.BUSY);
    expect(d.nextEvent(10)).toBe(latency);
    d.advance(10 + latency - 1);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BUSY);
    expect(irq.count).toBe(0);
    expect(mem.bytes[0x300]).toBe(0);
    d.advance(10 + latency);
    expect(d.read(STATUS)).toBe(DISK_STATUS.OK);
    expect(irq.count).toBe(1);
    expect(mem.bytes.slice(0x300, 0x300 + 2 * SECTOR_SIZE)).toEqual(image.read(SECTOR_SIZE, 2 * SECTOR_SIZE));
    expect(mem.bytes[0x2ff]).toBe(0);
    expect(mem.bytes[0x300 + 2 * SECTOR_SIZE]).toBe(0);
    expect(d.transfers).toBe(1);
    expect(d.nextEvent(10 + latency)).toBe(Infinity);
  });

  it('writes memory to sectors by DMA', () => {
    const { d, irq, mem, image } = disk();
    mem.bytes.set(pattern(SECTOR_SIZE).reverse(), 0x1000);
    program(d, 3, 0x1000, 1);
    d.write(COMMAND, DISK_COMMAND.WRITE);
    d.advance(DISK_LATENCY.base + DISK_LATENCY.perSector);
    expect(d.read(STATUS)).toBe(DISK_STATUS.OK);
    expect(irq.count).toBe(1);
    expect(image.read(3 * SECTOR_SIZE, SECTOR_SIZE)).toEqual(mem.bytes.slice(0x1000, 0x1000 + SECTOR_SIZE));
    expect(image.read(0, SECTOR_SIZE)).toEqual(pattern(SECTOR_SIZE));
  });

  it.each([
    ['past the end', 3, 2],
    ['starting past the end', 4, 1],
    ['far past the end', 0xffffffff, 1],
    ['count 0', 0, 0],
  ])('a bad sector range (%s) completes with BAD_SECTOR', (_, sector, count) => {
    const { d, irq, mem } = disk();
    program(d, sector, 0, count);
    d.write(COMMAND, DISK_COMMAND.READ);
    d.advance(1_000_000_000);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BAD_SECTOR);
    expect(irq.count).toBe(1);
    expect(mem.bytes.every((b) => b === 0)).toBe(true);
    expect(d.transfers).toBe(0);
  });

  it.each([
    ['the end of memory', 0x4000 - SECTOR_SIZE + 1],
    ['past memory', 0x4000],
    ['a huge address', 0xfffffe00],
  ])('a DMA range beyond memory (%s) completes with BAD_ADDRESS, memory untouched', (_, address) => {
    const { d, irq, mem } = disk();
    program(d, 0, address, 1);
    d.write(COMMAND, DISK_COMMAND.READ);
    d.advance(DISK_LATENCY.base + DISK_LATENCY.perSector);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BAD_ADDRESS);
    expect(irq.count).toBe(1);
    expect(mem.bytes.every((b) => b === 0)).toBe(true);
  });

  it('a DMA range ending exactly at the end of memory is fine', () => {
    const { d, mem } = disk();
    program(d, 0, 0x4000 - SECTOR_SIZE, 1);
    d.write(COMMAND, DISK_COMMAND.READ);
    d.advance(DISK_LATENCY.base + DISK_LATENCY.perSector);
    expect(d.read(STATUS)).toBe(DISK_STATUS.OK);
    expect(mem.bytes[0x4000 - 1]).toBe(pattern(SECTOR_SIZE)[SECTOR_SIZE - 1]);
  });

  it('a write whose DMA range is beyond memory leaves the disk untouched', () => {
    const { d, image } = disk();
    program(d, 0, 0x4000, 1);
    d.write(COMMAND, DISK_COMMAND.WRITE);
    d.advance(DISK_LATENCY.base + DISK_LATENCY.perSector);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BAD_ADDRESS);
    expect(image.read(0, image.size)).toEqual(pattern(4 * SECTOR_SIZE));
  });

  it.each([0, 3, -1, 0x101])('command %i is BAD_COMMAND at once, with an interrupt', (command) => {
    const { d, irq } = disk();
    d.write(COMMAND, command);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BAD_COMMAND);
    expect(irq.count).toBe(1);
    expect(d.nextEvent(0)).toBe(Infinity);
  });

  it('a command while busy is ignored', () => {
    const { d, irq } = disk();
    program(d, 0, 0, 1);
    d.write(COMMAND, DISK_COMMAND.READ);
    d.advance(100);
    d.write(COMMAND, DISK_COMMAND.WRITE);
    d.write(COMMAND, 9);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BUSY);
    expect(d.nextEvent(100)).toBe(DISK_LATENCY.base + DISK_LATENCY.perSector - 100);
    d.advance(DISK_LATENCY.base + DISK_LATENCY.perSector);
    expect(d.read(STATUS)).toBe(DISK_STATUS.OK);
    expect(irq.count).toBe(1);
  });

  it('an empty disk has no sectors to read', () => {
    const { d, irq } = disk(new Uint8Array(0));
    program(d, 0, 0, 1);
    d.write(COMMAND, DISK_COMMAND.READ);
    d.advance(DISK_LATENCY.base + DISK_LATENCY.perSector);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BAD_SECTOR);
    expect(irq.count).toBe(1);
  });

  it('a new command after completion starts again', () => {
    const { d, irq } = disk();
    program(d, 0, 0, 1);
    d.write(COMMAND, DISK_COMMAND.READ);
    d.advance(250);
    d.write(COMMAND, DISK_COMMAND.READ);
    expect(d.read(STATUS)).toBe(DISK_STATUS.BUSY);
    expect(d.nextEvent(250)).toBe(250);
    d.advance(500);
    expect(irq.count).toBe(2);
    expect(d.transfers).toBe(2);
  });
});
