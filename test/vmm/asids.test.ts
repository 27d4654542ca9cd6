// Address-space ids for shadow roots: unique among live roots, reused once released.

import { describe, expect, it } from 'vitest';
import { ASID_LIMIT } from '../../src/isa/arch.js';
import { AsidAllocator } from '../../src/vmm/modes/software/asids.js';

describe('AsidAllocator', () => {
  it('hands out distinct ids from 1 and reuses released ones first', () => {
    const a = new AsidAllocator();
    expect([a.allocate(), a.allocate(), a.allocate()]).toEqual([1, 2, 3]);
    a.release(2);
    expect(a.allocate()).toBe(2);
    expect(a.allocate()).toBe(4);
  });

  it('never gives two live roots the same id; running out is a VMM bug, not a wrap-around', () => {
    const a = new AsidAllocator();
    const live = new Set<number>();
    for (let i = 1; i < ASID_LIMIT; i++) live.add(a.allocate());
    expect(live.size).toBe(ASID_LIMIT - 1);
    expect(() => a.allocate()).toThrow(/VMM bug/);
  });
});
