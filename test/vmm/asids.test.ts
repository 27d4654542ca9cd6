// Address-space ids for shadow roots: unique among the roots that hold one, reused once
// released, and when all are held the least recently loaded is reclaimed (its TLB entries
// flushed, its holder told) instead of failing.

import { describe, expect, it } from 'vitest';
import { ASID_LIMIT } from '../../src/isa/arch.js';
import { Tlb } from '../../src/machine/tlb.js';
import { AsidAllocator } from '../../src/vmm/modes/software/asids.js';

const nothing = () => {};

describe('AsidAllocator', () => {
  it('hands out distinct ids from 1 and reuses released ones first', () => {
    const a = new AsidAllocator(ASID_LIMIT - 1, new Tlb(64, true));
    expect([a.allocate(nothing), a.allocate(nothing), a.allocate(nothing)]).toEqual([1, 2, 3]);
    a.release(2);
    expect(a.allocate(nothing)).toBe(2);
    expect(a.allocate(nothing)).toBe(4);
    expect(a.live).toBe(4);
  });

  it('never gives two holders the same id: when all are held, the least recently loaded is reclaimed and its TLB entries flushed', () => {
    const tlb = new Tlb(64, true);
    const a = new AsidAllocator(ASID_LIMIT - 1, tlb);
    const holders = new Map<number, number>(); // asid -> holder number
    const lost: number[] = [];
    for (let i = 1; i < ASID_LIMIT; i++) holders.set(a.allocate(() => lost.push(i)), i);
    expect(holders.size).toBe(ASID_LIMIT - 1);
    a.touch(1); // holder 1 is now the most recently used: holder 2 is the oldest
    tlb.setAsid(2);
    tlb.fill(0x123, 0x5000, 3);
    tlb.setAsid(3);
    tlb.fill(0x124, 0x6000, 3);
    const flushes = tlb.flushes;
    const asid = a.allocate(nothing);
    expect(asid).toBe(2);
    expect(lost).toEqual([2]);
    expect(a.live).toBe(ASID_LIMIT - 1);
    expect(tlb.flushes).toBe(flushes + 1);
    tlb.setAsid(2);
    expect(tlb.probe(0x123)).toBeUndefined(); // the reclaimed id's entries are gone
    tlb.setAsid(3);
    expect(tlb.probe(0x124)).toBeDefined(); // the others stay
  });

  it('a small limit is honoured', () => {
    const a = new AsidAllocator(3, new Tlb(16, true));
    const got = Array.from({ length: 10 }, () => a.allocate(nothing));
    expect(new Set(got)).toEqual(new Set([1, 2, 3]));
    expect(a.live).toBe(3);
    expect(a.reclaimed).toBe(7);
  });
});
