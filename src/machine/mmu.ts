// The MMU's slow path: the two-level page walk that refills the TLB.
//
//   virtual address:  | dir (10) | table (10) | offset (12) |
//   ptbr (frame of the page directory) -> PDE[dir] -> page table -> PTE[table] -> frame
//
// Both levels must be valid; user access needs U in both, writes need W in both (also in
// supervisor mode: there is no way to write a read-only page). The walker sets A in the PDE
// and PTE it uses, and D in the PTE on a write. A table or frame outside physical memory is
// a bus error, except the memory-mapped device's page (platform.ts), which a load or store
// reaches without the TLB ever caching it. Faults are returned as -cause; nothing here throws.
//
// Nested paging (VT-x's EPT, AMD's NPT; Bhargava et al., ASPLOS 2008), in non-root
// operation: ptbr holds the guest's own directory (a guest-physical address), and a second,
// nested table the VMM owns (nestedRoot, host-physical: VT-x's EPT pointer) maps
// guest-physical frames to host frames. Every guest-physical address of the walk (the
// directory entry, the table entry, the final frame) goes through the nested table first:
// with two levels each, a walk makes (2+1)(2+1)-1 = 8 references against 2. A nested entry
// is V (mapped) and W (writable); an address the nested table does not map, or not for the
// access, is a nested fault (vmx.ts's NESTED_FAULT_CAUSE) whose guest-physical address
// and access are kept here for the VMM. The TLB caches the combined translation.

import { CAUSE, CR, FLAG, PTBR_PAGING, PTE } from '../isa/arch.js';
import type { WordMemory } from './memory.js';
import { FRAME_BITS, PERM, type Tlb } from './tlb.js';
import { NESTED_FAULT_CAUSE } from './vmx.js';
import { isMmio } from './platform.js';

export const Access = { Read: 0, Write: 1, Fetch: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];
/** An access's name, as exit records give it. */
export const ACCESS_NAMES = ['read', 'write', 'fetch'] as const;

const FAULT_CAUSE = [CAUSE.PAGE_READ, CAUSE.PAGE_WRITE, CAUSE.PAGE_FETCH] as const;

export class Mmu {
  /** The PDE, PTE (after A/D updates) and page-table address of the last successful walk,
   *  for a VMM building shadow entries from a guest's tables. */
  lastPde = 0;
  lastPte = 0;
  lastTableAddress = 0;
  /** Host-physical address of the nested directory while nested paging is on, else -1. */
  nestedRoot = -1;
  /** The guest-physical address and access of the last nested fault, and whether it was a
   *  reference of the guest's own walk (a directory or table entry), not the access itself. */
  nestedFaultAddress = 0;
  nestedFaultAccess: Access = Access.Read;
  nestedFaultInWalk = false;

  constructor(
    private readonly memory: WordMemory,
    readonly tlb: Tlb,
    private readonly cr: Int32Array,
  ) {}

  get pagingEnabled(): boolean {
    return (this.cr[CR.PTBR]! & PTBR_PAGING) !== 0;
  }

  /** Accesses are translated (the guest's paging, or nested paging, is on). */
  get translating(): boolean {
    return (this.cr[CR.PTBR]! & PTBR_PAGING) !== 0 || this.nestedRoot >= 0;
  }

  /** Physical address of va for an access in the mode of `flags`, or -cause. With paging
   *  on, a TLB hit with enough permission answers; otherwise the tables are walked. */
  translate(va: number, access: Access, flags: number): number {
    if (!this.translating) return va >= 0 && va < this.memory.size ? va : isMmio(va) && access !== Access.Fetch ? va : -CAUSE.BUS;
    const user = (flags & FLAG.S) === 0;
    const need = access === Access.Write ? (user ? PERM.USER_WRITE : PERM.SUPER_WRITE) : user ? PERM.USER_READ : PERM.SUPER_READ;
    const tlb = this.tlb;
    const vpn = va >>> 12;
    const at = (vpn & tlb.mask) << 1;
    const entry = tlb.entries[at + 1]!;
    if (tlb.entries[at] === (vpn | tlb.asidTag) && (entry & need) !== 0) return (entry & FRAME_BITS) | (va & 4095);
    tlb.misses++;
    return this.nestedRoot < 0 ? this.walk(va, access, user, true) : this.walkNested(va, access, user);
  }

  /** Where va leads for `access` in the mode of `flags`, without touching the TLB, the
   *  counters or the A/D bits (for messages and debuggers). */
  peek(va: number, access: Access, flags: number): number {
    if (!this.pagingEnabled) return va >= 0 && va < this.memory.size ? va : isMmio(va) && access !== Access.Fetch ? va : -CAUSE.BUS;
    return this.walk(va, access, (flags & FLAG.S) === 0, false);
  }

  /** Walk the tables for va. With `update`, count the reads and A/D writes and set A/D (and fill the
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
    // the memory-mapped device's page: reached, never cached (each access is the device's)
    const device = isMmio(frame) && access !== Access.Fetch;
    if (!device && (frame < 0 || frame + 4096 > mem.size)) return -CAUSE.BUS;
    this.lastTableAddress = tableAddress;
    this.lastPde = pde;
    this.lastPte = pte;
    if (!update) return frame | (va & 4095);
    if (!(pde & PTE.A)) {
      mem.write32(dirAddress, pde | PTE.A);
      tlb.walkWrites++;
    }
    const updated = pte | PTE.A | (access === Access.Write ? PTE.D : 0);
    if (updated !== pte) {
      mem.write32(tableAddress, updated);
      tlb.walkWrites++;
      this.lastPte = updated;
    }
    if (fill && !device) {
      // Writes are allowed from the TLB only once D is set, so the first write walks again.
      const writeOk = writable && (updated & PTE.D) !== 0;
      const perms =
        PERM.SUPER_READ | (writeOk ? PERM.SUPER_WRITE : 0) | (userOk ? PERM.USER_READ : 0) | (userOk && writeOk ? PERM.USER_WRITE : 0);
      tlb.fill(va >>> 12, frame, perms);
    }
    return frame | (va & 4095);
  }

  /** The two-dimensional walk of nested paging: the guest's tables (when its paging is on)
   *  at guest-physical addresses, each translated through the nested table, then the frame
   *  they give. Sets A/D in the guest's entries as walk() does, and fills the TLB. */
  private walkNested(va: number, access: Access, user: boolean): number {
    const mem = this.memory;
    const tlb = this.tlb;
    const write = access === Access.Write;
    const ptbr = this.cr[CR.PTBR]!;
    this.nestedFaultInWalk = false;
    if (!(ptbr & PTBR_PAGING)) {
      const pa = this.nested(va, access);
      if (pa >= 0) tlb.fill(va >>> 12, pa & ~4095, PERM.SUPER_READ | PERM.SUPER_WRITE | PERM.USER_READ | PERM.USER_WRITE);
      return pa;
    }
    this.nestedFaultInWalk = true; // (until the access itself)
    const dirAddress = this.nested((ptbr & ~4095) + (va >>> 22) * 4, Access.Read);
    if (dirAddress < 0) return dirAddress;
    const pde = mem.read32(dirAddress);
    tlb.walkReferences++;
    if (!(pde & PTE.V)) return -FAULT_CAUSE[access];
    const tableAddress = this.nested((pde & ~4095) + ((va >>> 12) & 1023) * 4, Access.Read);
    if (tableAddress < 0) return tableAddress;
    const pte = mem.read32(tableAddress);
    tlb.walkReferences++;
    if (!(pte & PTE.V)) return -FAULT_CAUSE[access];
    const userOk = (pde & pte & PTE.U) !== 0;
    const writable = (pde & pte & PTE.W) !== 0;
    if (user && !userOk) return -FAULT_CAUSE[access];
    if (write && !writable) return -FAULT_CAUSE[access];
    this.nestedFaultInWalk = false;
    const pa = this.nested((pte & ~4095) | (va & 4095), access);
    if (pa < 0) return pa;
    if (!(pde & PTE.A)) {
      mem.write32(dirAddress, pde | PTE.A);
      tlb.walkWrites++;
    }
    const updated = pte | PTE.A | (write ? PTE.D : 0);
    if (updated !== pte) {
      mem.write32(tableAddress, updated);
      tlb.walkWrites++;
    }
    const writeOk = writable && (updated & PTE.D) !== 0;
    tlb.fill(va >>> 12, pa & ~4095, PERM.SUPER_READ | (writeOk ? PERM.SUPER_WRITE : 0) | (userOk ? PERM.USER_READ : 0) | (userOk && writeOk ? PERM.USER_WRITE : 0));
    return pa;
  }

  /** Host-physical address of guest-physical `gpa` through the nested table (two
   *  references), or -NESTED_FAULT_CAUSE. */
  private nested(gpa: number, access: Access): number {
    const mem = this.memory;
    const de = mem.read32(this.nestedRoot + (gpa >>> 22) * 4);
    this.tlb.walkReferences++;
    if (de & PTE.V) {
      const te = mem.read32((de & ~4095) + ((gpa >>> 12) & 1023) * 4);
      this.tlb.walkReferences++;
      if (te & PTE.V && (access !== Access.Write || te & PTE.W)) return (te & ~4095) | (gpa & 4095);
    }
    this.nestedFaultAddress = gpa;
    this.nestedFaultAccess = access;
    return -NESTED_FAULT_CAUSE;
  }
}
