// Physical memory: sizes, word and byte views, and parseSize.

import { describe, expect, it } from 'vitest';
import { MAX_MEMORY, parseSize, PhysicalMemory } from '../../src/machine/memory.js';
import { makeMachine } from './helpers.js';

describe('PhysicalMemory', () => {
  it.each([0, -4096, 4095, 4097, 6000, MAX_MEMORY + 4096, 1.5 * 4096, NaN])('rejects size %s', (size) => {
    expect(() => new PhysicalMemory(size)).toThrow(RangeError);
  });

  it.each([4096, 8192, 0x100000])('accepts size %i', (size) => {
    const m = new PhysicalMemory(size);
    expect(m.size).toBe(size);
    expect(m.bytes.length).toBe(size);
    expect(m.words.length).toBe(size / 4);
  });

  it('a released memory is empty to its machine, and the next memory of its size starts zeroed in its buffer', () => {
    const size = 3 * 4096; // (a size no other test releases)
    const old = new PhysicalMemory(size);
    old.bytes.fill(0xa5);
    old.release();
    old.release(); // (a second release does nothing)
    expect(old.bytes.length).toBe(0);
    expect(old.read32(0)).toBeUndefined();
    const next = new PhysicalMemory(size);
    expect(next.bytes.length).toBe(size);
    expect(next.bytes.every((b) => b === 0)).toBe(true);
    next.write32(4, 7);
    expect(old.bytes.length).toBe(0); // (the old views stay detached)
    expect(next.read32(4)).toBe(7);
  });

  it('words are little-endian views of the bytes', () => {
    const m = new PhysicalMemory(4096);
    m.write32(8, 0x11223344);
    expect([...m.bytes.slice(8, 12)]).toEqual([0x44, 0x33, 0x22, 0x11]);
    m.bytes[12] = 0xff;
    expect(m.read32(12)).toBe(0xff);
  });

  it('contains checks ranges against the size', () => {
    const m = new PhysicalMemory(4096);
    expect(m.contains(0, 4096)).toBe(true);
    expect(m.contains(4095, 1)).toBe(true);
    expect(m.contains(4095, 2)).toBe(false);
    expect(m.contains(4096, 0)).toBe(true);
    expect(m.contains(-1, 1)).toBe(false);
    expect(m.contains(0, -1)).toBe(false);
  });

  it('a machine rejects a bad memory size when it is built', () => {
    expect(() => makeMachine({ memoryBytes: 1000 })).toThrow(RangeError);
  });
});

describe('parseSize', () => {
  it.each([
    ['65536', 65536],
    ['0x100000', 0x100000],
    ['0X10', 16],
    ['1M', 1 << 20],
    ['1m', 1 << 20],
    ['512K', 512 * 1024],
    ['512k', 512 * 1024],
    ['1G', 1 << 30],
    ['4KiB', 4096],
    ['4kb', 4096],
    ['2MB', 2 << 20],
    [' 64K ', 64 * 1024],
    ['0x10k', 16 * 1024],
    ['0', 0],
  ])('%s = %i', (text, value) => {
    expect(parseSize(text)).toBe(value);
  });

  it.each(['', 'abc', '1.5M', '-1', '1T', 'K', '1 M', '0x', '12x', '1Mi', 'M1'])('rejects %j', (text) => {
    expect(parseSize(text)).toBeUndefined();
  });
});
