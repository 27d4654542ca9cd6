// Direct paging (Xen's classic paravirtual MMU): the physical MMU walks the guest's own page
// tables, which name machine frames; there are no shadow tables and no hidden page faults.
// The guest changes its tables only through hypercalls, each entry validated (PageTypes).
//
// Ring compression: the guest kernel runs in the host's user mode like its user code, so
// user code is kept out of kernel pages by separate roots, as Xen on x86-64 does: the guest
// names a kernel root (MMUEXT_NEW_BASEPTR) and a user root (MMUEXT_NEW_USER_BASEPTR), and
// the VMM loads the one of the vCPU's virtual mode on every kernel entry and exit. With an
// untagged TLB each switch flushes it (the price, as on x86-64 before PCIDs); with a tagged
// TLB each root holds an address-space id.

import { CAUSE, CR, FLAG, PTBR_PAGING, PTE } from '../../../isa/arch.js';
import { Access } from '../../../machine/mmu.js';
import type { Processor } from '../../../machine/processor.js';
import type { CpuState } from '../../../machine/cpu.js';
import type { MemoryVirtualizer, FaultOutcome } from '../../virtualizer.js';
import type { AsidAllocator } from '../software/asids.js';
import type { PageTypes } from './page-types.js';

export class DirectPaging implements MemoryVirtualizer {
  /** Machine frames of the roots (user root -1: none; a guest without a user root runs its
   *  user code on the kernel root). */
  kernelRoot = 0;
  userRoot = -1;
  /** The root in the physical CPU now (-1: none loaded). */
  private loaded = -1;
  /** Address-space ids of the roots (tagged TLB only). */
  private readonly asidOf = new Map<number, number>();

  constructor(
    private readonly host: Processor,
    private readonly vcpu: CpuState,
    readonly types: PageTypes,
    private readonly asids: AsidAllocator,
  ) {}

  /** The root for the vCPU's mode. */
  private root(): number {
    return this.vcpu.flags & FLAG.S || this.userRoot < 0 ? this.kernelRoot : this.userRoot;
  }

  activate(): void {
    const root = this.root();
    if (root !== this.loaded) this.load(root);
  }

  reload(): void {
    this.load(this.root());
  }

  private load(root: number): void {
    this.loaded = root;
    if (this.host.tlb.tagged) {
      let asid = this.asidOf.get(root);
      if (asid === undefined) {
        asid = this.asids.allocate(() => this.asidOf.delete(root));
        this.asidOf.set(root, asid);
      } else this.asids.touch(asid);
      this.host.writeCr(CR.ASID, asid);
    }
    this.host.writeCr(CR.PTBR, (root << 12) | PTBR_PAGING);
  }

  /** Every fault is the guest's: its own tables caused it (there are no hidden faults). */
  fault(_va: number, access: Access): FaultOutcome {
    return -(CAUSE.PAGE_READ + access);
  }

  /** The machine address of a guest-virtual access through the guest's current tables, with
   *  the rights the guest kernel itself has (user mode: it runs deprivileged), or -cause.
   *  Hypercalls read and write their buffers this way, as Xen's copy_from_guest does; the
   *  walk leaves the TLB, its counters and the A/D bits alone (the guest's figures are its
   *  own accesses). */
  translate(va: number, write: boolean): number {
    if ((this.host.cpu.cr[CR.PTBR]! >>> 12) !== this.loaded) this.activate();
    return this.host.mmu.walk(va, write ? Access.Write : Access.Read, true, false);
  }

  /** The guest's tables are walked from the root of its mode (they name machine frames),
   *  with the rights of its code (deprivileged: user); the guest-physical address, or -1. */
  peekFetch(va: number): number {
    const words = this.host.memory.words;
    const pde = words[((this.root() << 12) + (va >>> 22) * 4) >>> 2]!;
    if ((pde & (PTE.V | PTE.U)) !== (PTE.V | PTE.U)) return -1;
    const pte = words[((pde & ~4095) + ((va >>> 12) & 1023) * 4) >>> 2]!;
    if ((pte & (PTE.V | PTE.U)) !== (PTE.V | PTE.U)) return -1;
    const pfn = this.types.pfnOf(pte >>> 12);
    return pfn < 0 ? -1 : pfn * 4096 + (va & 4095);
  }

  /** The back end never moves data into a page table (it checks each buffer's frames). */
  written(): void {}

  flushTlb(): void {
    this.host.tlb.flush();
  }

  invalidatePage(va: number): void {
    this.host.tlb.invalidate(va);
  }

  /** A new kernel or user root (pinned, checked by the caller): loaded when it applies. */
  ptbrWritten(): void {
    this.load(this.root());
  }

  /** A root that is unpinned can no longer be loaded: its id goes back. */
  forget(root: number): void {
    const asid = this.asidOf.get(root);
    if (asid === undefined) return;
    this.asidOf.delete(root);
    this.host.tlb.flushTag(asid);
    this.asids.release(asid);
  }

  release(): void {
    for (const root of [...this.asidOf.keys()]) this.forget(root);
  }

  /** A frame became a page table: a writable TLB entry of it may be left from before; the
   *  TLB is flushed before the guest runs again (settle), once however many there were. */
  tableTyped(): void {
    this.staleWritable = true;
  }

  /** After a hypercall: the flush tableTyped asked for, if any. */
  settle(): void {
    if (!this.staleWritable) return;
    this.staleWritable = false;
    this.host.tlb.flush();
  }

  private staleWritable = false;
}
