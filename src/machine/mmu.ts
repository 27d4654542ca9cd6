// The MMU's slow path: the two-level page walk that refills the TLB.
//
//   virtual address:  | dir (10) | table (10) | offset (12) |
//   ptbr (frame of the page directory) -> PDE[dir] -> page table -> PTE[table] -> frame
//
// Both levels must be valid; user access needs U in both, writes need W in both (also in
// supervisor mode: there is no way to write a read-only page). The walker sets A in the PDE
// and PTE it uses, and D in the PTE on a write. A table or frame outside physical memory is
// a bus error. Faults are returned as -cause; nothing here throws.

import { CAUSE, CR, FLAG, PTBR_PAGING, PTE } from '../isa/arch.js';
import type { WordMemory } from './memory.js';
import { PERM, type Tlb } from './tlb.js';

export const Access = { Read: 0, Write: 1, Fetch: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];

const FAULT_CAUSE = [CAUSE.PAGE_READ, CAUSE.PAGE_WRITE, CAUSE.PAGE_FETCH] as const;

export class Mmu {
  /** The PDE, PTE (after A/D updates) and page-table address of the last successful walk,
   *  for a VMM building shadow entries from a guest's tables. */
  lastPde = 0;
  lastPte = 0;
  lastTableAddress = 0;

  constructor(
    private readonly memory: WordMemory,
    readonly tlb: Tlb,
    private readonly cr: Int32Array,
  ) {}

  get pagingEnabled(): boolean {
    return (this.cr[CR.PTBR]! & PTBR_PAGING) !== 0;
  }

  /** Physical address of va for an access in the mode of `flags`, or -cause. With paging
   *  on, a TLB hit with enough permission answers; otherwise the tables are walked. */
  translate(va: number, access: Access, flags: number): number {
    if (!this.pagingEnabled) return va >= 0 && va < this.memory.size ? va : -CAUSE.BUS;
    const user = (flags & FLAG.S) === 0;
    const need = access === Access.Write ? (user ? PERM.USER_WRITE : PERM.SUPER_WRITE) : user ? PERM.USER_READ : PERM.SUPER_READ;
    const tlb = this.tlb;
    const vpn = va >>> 12;
    const slot = vpn & tlb.mask;
    if (tlb.tags[slot] === (vpn | tlb.asidTag) && (tlb.perms[slot]! & need) !== 0) return tlb.frames[slot]! | (va & 4095);
    tlb.misses++;
    return this.walk(va, access, user, true);
  }

  /** Where va leads for `access` in the mode of `flags`, without touching the TLB, the
   *  counters or the A/D bits (for messages and debuggers). */
  peek(va: number, access: Access, flags: number): number {
    if (!this.pagingEnabled) return va >= 0 && va < this.memory.size ? va : -CAUSE.BUS;
    return this.walk(va, access, (flags & FLAG.S) === 0, false);
  }

  /** Walk the tables for va. With `update`, count the references and set A/D (and fill the
   *  TLB when `fill`); without, only look. Returns the physical address or -cause. */
  walk(va: number, access: Access, user: boolean, update: boolean, fill = update): number {
    const mem = this.memory;
    const tlb = this.tlb;
    const dirAddress = (this.cr[CR.PTBR]! & ~4095) + (va >>> 22) * 4;
    if (dirAddress < 0 || dirAddress >= mem.size) return -CAUSE.BUS;
    const pde = mem.read32(dirAddress);
    if (update) tlb.walkReferences++;
    if (!(pde & PTE.V)) return -FAULT_CAUSE[access];
    const tableAddress = (pde & ~4095) + ((va >>> 12) & 1023) * 4;
    if (tableAddress < 0 || tableAddress >= mem.size) return -CAUSE.BUS;
    const pte = mem.read32(tableAddress);
    if (update) tlb.walkReferences++;
    if (!(pte & PTE.V)) return -FAULT_CAUSE[access];
    const userOk = (pde & pte & PTE.U) !== 0;
    const writable = (pde & pte & PTE.W) !== 0;
    if (user && !userOk) return -FAULT_CAUSE[access];
    if (access === Access.Write && !writable) return -FAULT_CAUSE[access];
    const frame = pte & ~4095;
    if (frame < 0 || frame + 4096 > mem.size) return -CAUSE.BUS;
    this.lastTableAddress = tableAddress;
    this.lastPde = pde;
    this.lastPte = pte;
    if (!update) return frame | (va & 4095);
    if (!(pde & PTE.A)) {
      mem.write32(dirAddress, pde | PTE.A);
      tlb.walkReferences++;
    }
    const updated = pte | PTE.A | (access === Access.Write ? PTE.D : 0);
    if (updated !== pte) {
      mem.write32(tableAddress, updated);
      tlb.walkReferences++;
      this.lastPte = updated;
    }
    if (fill) {
      // Writes are allowed from the TLB only once D is set, so the first write walks again.
      const writeOk = writable && (updated & PTE.D) !== 0;
      const perms =
        PERM.SUPER_READ | (writeOk ? PERM.SUPER_WRITE : 0) | (userOk ? PERM.USER_READ : 0) | (userOk && writeOk ? PERM.USER_WRITE : 0);
      tlb.fill(va >>> 12, frame, perms);
    }
    return frame | (va & 4095);
  }
}
