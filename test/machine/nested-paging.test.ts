// Nested paging on the MMU (src/machine/mmu.ts): the two-dimensional walk, counted to the
// reference. The guest's tables live at guest-physical addresses; a nested table maps each
// guest frame to a host frame 0x40 frames higher. A walk with nothing cached reads
// (2+1)(2+1)-1 = 8 entries where bare reads 2; the A/D write-backs are counted apart, the
// same number as on bare; a TLB hit reads nothing; a guest-physical address the nested
// table does not map is a nested fault that says which address and access.

import { describe, expect, it } from 'vitest';
import { CR, FLAG, PTBR_PAGING, PTE } from '../../src/isa/arch.js';
import { PhysicalMemory } from '../../src/machine/memory.js';
import { Access, Mmu } from '../../src/machine/mmu.js';
import { Tlb } from '../../src/machine/tlb.js';
import { NESTED_FAULT_CAUSE } from '../../src/machine/vmx.js';

const GUEST_FRAMES = 64; // 256 KiB of guest memory
const OFFSET = 0x40; // host frame = guest frame + OFFSET
const NESTED_DIR = 0x200 * 4096; // host-physical
const NESTED_TABLE = 0x201 * 4096;
const GDIR = 0x10 * 4096; // guest-physical
const GTABLE = 0x11 * 4096;
const VA = 0x00403000; // directory slot 1, table slot 3
const FRAME = 0x20 * 4096; // guest-physical frame VA maps

function setup(nested: boolean) {
  const memory = new PhysicalMemory(1 << 22);
  const tlb = new Tlb(64, true);
  const cr = new Int32Array(16);
  const mmu = new Mmu(memory, tlb, cr);
  // where the guest's own tables are, in host-physical terms
  const base = nested ? OFFSET * 4096 : 0;
  memory.write32(base + GDIR + (VA >>> 22) * 4, GTABLE | PTE.V | PTE.W);
  memory.write32(base + GTABLE + ((VA >>> 12) & 1023) * 4, FRAME | PTE.V | PTE.W);
  memory.write32(base + FRAME + 8, 0x1234);
  if (nested) {
    memory.write32(NESTED_DIR, NESTED_TABLE | PTE.V | PTE.W);
    for (let gfn = 0; gfn < GUEST_FRAMES; gfn++) memory.write32(NESTED_TABLE + gfn * 4, ((gfn + OFFSET) << 12) | PTE.V | PTE.W);
    mmu.nestedRoot = NESTED_DIR;
  }
  cr[CR.PTBR] = GDIR | PTBR_PAGING;
  return { memory, tlb, cr, mmu, base };
}

const counts = (tlb: Tlb) => ({ misses: tlb.misses, reads: tlb.walkReferences, writes: tlb.walkWrites });

describe('nested paging: the two-dimensional walk', () => {
  it('with nothing cached a walk reads 8 entries where bare reads 2; the A/D writes are the same', () => {
    const bare = setup(false);
    expect(bare.mmu.translate(VA + 8, Access.Write, FLAG.S)).toBe(FRAME + 8);
    expect(counts(bare.tlb)).toEqual({ misses: 1, reads: 2, writes: 2 });
    const hw = setup(true);
    expect(hw.mmu.translate(VA + 8, Access.Write, FLAG.S)).toBe(hw.base + FRAME + 8);
    expect(counts(hw.tlb)).toEqual({ misses: 1, reads: 8, writes: 2 });
    // the A and D bits land in the guest's own entries (at their host addresses)
    expect(hw.memory.read32(hw.base + GTABLE + 3 * 4) & (PTE.A | PTE.D)).toBe(PTE.A | PTE.D);
    expect(hw.memory.read32(hw.base + GDIR + 4) & PTE.A).toBe(PTE.A);
  });

  it('after a TLB hit nothing is walked; a second walk of the same entries writes nothing back', () => {
    const hw = setup(true);
    hw.mmu.translate(VA, Access.Write, FLAG.S);
    expect(hw.mmu.translate(VA + 4, Access.Read, FLAG.S)).toBe(hw.base + FRAME + 4);
    expect(counts(hw.tlb)).toEqual({ misses: 1, reads: 8, writes: 2 });
    hw.tlb.flush();
    hw.mmu.translate(VA, Access.Write, FLAG.S);
    expect(counts(hw.tlb)).toEqual({ misses: 2, reads: 16, writes: 2 });
  });

  it('with the guest paging off, a miss is the nested walk alone: 2 reads', () => {
    const hw = setup(true);
    hw.cr[CR.PTBR] = 0;
    expect(hw.mmu.translate(FRAME + 8, Access.Read, FLAG.S)).toBe(hw.base + FRAME + 8);
    expect(counts(hw.tlb)).toEqual({ misses: 1, reads: 2, writes: 0 });
  });

  it('a guest-physical address the nested table does not map is a nested fault, with the address and access', () => {
    const hw = setup(true);
    hw.cr[CR.PTBR] = 0;
    const past = GUEST_FRAMES * 4096;
    expect(hw.mmu.translate(past, Access.Write, FLAG.S)).toBe(-NESTED_FAULT_CAUSE);
    expect([hw.mmu.nestedFaultAddress, hw.mmu.nestedFaultAccess]).toEqual([past, Access.Write]);
    expect(hw.mmu.translate(0xfffffffc, Access.Read, FLAG.S)).toBe(-NESTED_FAULT_CAUSE);
    expect(hw.mmu.nestedFaultAddress >>> 0).toBe(0xfffffffc);
    // with paging on: a guest table entry naming a frame past the guest's memory
    hw.cr[CR.PTBR] = GDIR | PTBR_PAGING;
    hw.memory.write32(hw.base + GTABLE + 4 * 4, past | PTE.V | PTE.W);
    expect(hw.mmu.translate(VA + 0x1000, Access.Read, FLAG.S)).toBe(-NESTED_FAULT_CAUSE);
    expect(hw.mmu.nestedFaultAddress).toBe(past);
    // nothing is cached for a faulting access
    expect(hw.tlb.probe((VA + 0x1000) >>> 12)).toBeUndefined();
  });

  it('user rights come from the guest tables: a supervisor-only page faults from user mode, as on bare', () => {
    const hw = setup(true);
    expect(hw.mmu.translate(VA, Access.Read, 0)).toBe(-5); // page-read: no U bit
    hw.memory.write32(hw.base + GDIR + 4, GTABLE | PTE.V | PTE.W | PTE.U);
    hw.memory.write32(hw.base + GTABLE + 3 * 4, FRAME | PTE.V | PTE.U);
    expect(hw.mmu.translate(VA, Access.Read, 0)).toBe(hw.base + FRAME);
    expect(hw.mmu.translate(VA, Access.Write, 0)).toBe(-6); // page-write: not W
  });
});
