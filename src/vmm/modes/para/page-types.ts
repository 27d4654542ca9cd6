// The validator of direct paging (Xen's page types, Barham et al. 2003, section 3.3.2; Xen's
// get_page_type/put_page_type): the MMU walks a paravirtual guest's own page tables, which
// name machine frames, so the VMM must make sure that nothing reachable through them breaks
// isolation. Every frame of the guest has a type and a count of references of that type:
//
//   Writable  mapped writable by that many present, writable entries of tables in use; or,
//             forever, a page the VMM itself writes (shared-info, the console page, the
//             block ring): it must never become a table
//   L1        used as a page table by that many directory entries of tables in use
//   L2        pinned as a page directory (a root may only be a pinned directory)
//   Fixed     a page the VMM gave the guest read-only (start-info, the frame list): forever
//
// A frame has one type at a time, so a page-table page is never mapped writable and a
// writable page never becomes a table. A table is validated, entry by entry, when it gets
// its type (its first reference); references of its entries are dropped when it loses it.
// An entry may only name the guest's own frames. A refused operation leaves every type and
// count as it was (its references taken so far are dropped again).

import { hex } from '../../../isa/disasm.js';
import { PTE } from '../../../isa/arch.js';
import { ERR } from '../../../isa/hypercalls.js';

export const PageType = { None: 0, Writable: 1, L1: 2, L2: 3, Fixed: 4 } as const;
export type PageType = (typeof PageType)[keyof typeof PageType];
export const PAGE_TYPE_NAMES = ['none', 'writable', 'page table', 'page directory', 'read-only (the VMM\'s)'] as const;

export { ERR };

/** A count no reference reaches: a Fixed frame keeps its type. */
const FOREVER = 1 << 30;

/** Host memory as the validator reads and writes it (writes go through write32, so that code
 *  compiled from a page hears of them). */
export interface TableMemory {
  readonly words: Int32Array;
  write32(address: number, value: number): void;
}

export class PageTypes {
  readonly type: Uint8Array;
  readonly count: Int32Array;
  readonly pinned: Uint8Array;
  /** Why the last refused operation was refused (for the trace). */
  why = '';
  /** Entries examined so far (validated, rolled back or dropped): the VMM's work, which the
   *  guest's time is charged for. */
  work = 0;

  private readonly words: Int32Array;

  constructor(
    /** Host memory: where the tables are read and written. */
    private readonly memory: TableMemory,
    /** The guest frame (pseudo-physical) backed by machine frame `mfn`, or -1 if not the guest's. */
    readonly pfnOf: (mfn: number) => number,
    /** The machine frame of guest frame `pfn`. */
    private readonly mfnOf: (pfn: number) => number,
    frames: number,
    /** Whether a DMA into guest frame `pfn` is in flight (it must not become a table). */
    private readonly dmaBusy: (pfn: number) => boolean = () => false,
    /** A frame has just become a page table: a stale writable TLB entry of it must go. */
    private readonly becameTable: () => void = () => {},
  ) {
    this.words = memory.words;
    this.type = new Uint8Array(frames);
    this.count = new Int32Array(frames);
    this.pinned = new Uint8Array(frames);
  }

  /** Give frame `pfn` to the guest read-only for good (it must have no references yet). */
  fix(pfn: number): void {
    this.type[pfn] = PageType.Fixed;
    this.count[pfn] = FOREVER;
  }

  /** Frame `pfn` is one the VMM writes (a shared page): writable for good, never a table. */
  keepWritable(pfn: number): void {
    this.type[pfn] = PageType.Writable;
    this.count[pfn] = FOREVER;
  }

  /** The type frame `pfn` has now (None when nothing references it). */
  typeOf(pfn: number): PageType {
    return this.count[pfn]! > 0 ? (this.type[pfn]! as PageType) : PageType.None;
  }

  // ---- operations (0 or a negative error code) ------------------------------------------

  /** Pin the directory in machine frame `mfn` (validating it, if it is not in use yet). */
  pin(mfn: number): number {
    const pfn = this.own(mfn);
    if (pfn < 0) return pfn;
    if (this.pinned[pfn]) return this.refuse(ERR.EINVAL, `frame ${hex(mfn)} is already pinned`);
    const e = this.get(pfn, PageType.L2);
    if (e) return e;
    this.pinned[pfn] = 1;
    return 0;
  }

  /** Unpin the directory in machine frame `mfn` (the caller checked it is not a root). */
  unpin(mfn: number): number {
    const pfn = this.own(mfn);
    if (pfn < 0) return pfn;
    if (!this.pinned[pfn]) return this.refuse(ERR.EINVAL, `frame ${hex(mfn)} is not pinned`);
    this.pinned[pfn] = 0;
    this.put(pfn);
    return 0;
  }

  /** Whether machine frame `mfn` holds a pinned directory of this guest. */
  isPinned(mfn: number): boolean {
    const pfn = this.pfnOf(mfn);
    return pfn >= 0 && this.pinned[pfn] === 1;
  }

  /** Write `value` into the page-table entry at machine address `ma`, validated. */
  update(ma: number, value: number): number {
    if (ma & 3) return this.refuse(ERR.EINVAL, `entry address ${hex(ma)} is not a multiple of 4`);
    const pfn = this.own(ma >>> 12);
    if (pfn < 0) return pfn;
    const type = this.typeOf(pfn);
    if (type !== PageType.L1 && type !== PageType.L2) {
      return this.refuse(ERR.EINVAL, `entry address ${hex(ma)} is not in a page table in use (frame ${hex(ma >>> 12)} is ${PAGE_TYPE_NAMES[type]})`);
    }
    const at = ma >>> 2;
    const old = this.words[at]!;
    const e = type === PageType.L1 ? this.takePte(value) : this.takePde(value);
    if (e) return e;
    this.memory.write32(ma, value);
    if (type === PageType.L1) this.dropPte(old);
    else this.dropPde(old);
    return 0;
  }

  // ---- references ---------------------------------------------------------------------

  /** The guest frame of `mfn`, or EPERM when it is not this guest's. */
  private own(mfn: number): number {
    const pfn = this.pfnOf(mfn);
    return pfn >= 0 ? pfn : this.refuse(ERR.EPERM, `machine frame ${hex(mfn)} is not this guest's`);
  }

  /** A reference of type `want` to frame `pfn`; a frame getting a table type is validated. */
  private get(pfn: number, want: PageType): number {
    const n = this.count[pfn]!;
    const have = this.type[pfn]!;
    if (n > 0) {
      if (have === want) {
        this.count[pfn] = n + 1;
        return 0;
      }
      return this.refuse(ERR.EPERM, `frame ${hex(pfn)} (pseudo-physical) is ${PAGE_TYPE_NAMES[have]}, so it cannot be ${PAGE_TYPE_NAMES[want]}`);
    }
    if (want === PageType.Writable) {
      this.type[pfn] = want;
      this.count[pfn] = 1;
      return 0;
    }
    if (this.dmaBusy(pfn)) return this.refuse(ERR.EBUSY, `frame ${hex(pfn)} (pseudo-physical) is the buffer of a disk request in flight`);
    // Typed before its entries are checked, so an entry naming the table itself is refused.
    this.type[pfn] = want;
    this.count[pfn] = 1;
    const base = this.machineWordsOf(pfn);
    this.work += 1024;
    for (let i = 0; i < 1024; i++) {
      const entry = this.words[base + i]!;
      const e = want === PageType.L1 ? this.takePte(entry) : this.takePde(entry);
      if (e) {
        this.work += i;
        for (let j = 0; j < i; j++) {
          const taken = this.words[base + j]!;
          if (want === PageType.L1) this.dropPte(taken);
          else this.dropPde(taken);
        }
        this.type[pfn] = PageType.None;
        this.count[pfn] = 0;
        this.why = `entry ${i} of ${want === PageType.L1 ? 'page table' : 'directory'} frame ${hex(pfn)}: ${this.why}`;
        return e;
      }
    }
    this.becameTable();
    return 0;
  }

  private put(pfn: number): void {
    const n = --this.count[pfn]!;
    if (n > 0) return;
    const type = this.type[pfn];
    this.type[pfn] = PageType.None;
    if (type !== PageType.L1 && type !== PageType.L2) return;
    const base = this.machineWordsOf(pfn);
    this.work += 1024;
    for (let i = 0; i < 1024; i++) {
      if (type === PageType.L1) this.dropPte(this.words[base + i]!);
      else this.dropPde(this.words[base + i]!);
    }
  }

  private takePte(entry: number): number {
    if (!(entry & PTE.V)) return 0;
    const pfn = this.own(entry >>> 12);
    if (pfn < 0) return pfn;
    return entry & PTE.W ? this.get(pfn, PageType.Writable) : 0;
  }

  private dropPte(entry: number): void {
    if ((entry & (PTE.V | PTE.W)) === (PTE.V | PTE.W)) this.put(this.pfnOf(entry >>> 12));
  }

  private takePde(entry: number): number {
    if (!(entry & PTE.V)) return 0;
    const pfn = this.own(entry >>> 12);
    return pfn < 0 ? pfn : this.get(pfn, PageType.L1);
  }

  private dropPde(entry: number): void {
    if (entry & PTE.V) this.put(this.pfnOf(entry >>> 12));
  }

  /** Word index in host memory of guest frame `pfn`'s first word. */
  private machineWordsOf(pfn: number): number {
    return this.mfnOf(pfn) << 10;
  }

  private refuse(error: number, why: string): number {
    this.why = why;
    return error;
  }
}

