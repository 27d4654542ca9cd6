// Shadow page tables: the software modes' memory virtualization (trap and full), the tables
// the physical MMU really walks while a guest runs. They map guest-virtual addresses straight to host
// frames, built lazily from the guest's own tables on hidden page faults.
//
// - One shadow root per (guest page directory, view). Ring compression puts the guest kernel
//   in user mode too, so each address space has two views: the kernel view maps every page
//   the guest's tables allow; the user view only the guest's user (U) pages, so guest user
//   code still faults on its kernel's supervisor-only pages exactly as on bare hardware.
//   With the guest's paging off, a physical view maps guest-physical memory one to one.
//   Where the guest kernel runs in the CPU's supervisor mode (`supervisorKernel`: full
//   mode's translated code, hardware-assisted without nested paging), one view, its
//   entries carrying the guest's U bit: entering and leaving the guest kernel loads no root.
// - Coherence by write protection: every guest frame that holds a page directory or page
//   table a shadow was built from is mapped read-only; a guest write to it faults, and the
//   VMM emulates the write and drops the shadow entries it invalidates. Frames with a binary
//   translation (full mode) are write-protected the same way.
// - Guest A and D bits are set by the VMM's walk of the guest tables as hardware would, and
//   a page is mapped writable only once the guest's D bit is set.

import { isMmio } from '../../../machine/platform.js';
import { CAUSE, CR, FLAG, PTBR_PAGING, PTE } from '../../../isa/arch.js';
import type { CpuState } from '../../../machine/cpu.js';
import { Access, type Mmu } from '../../../machine/mmu.js';
import type { Processor } from '../../../machine/processor.js';
import type { GuestMemory } from '../../guest-memory.js';
import { Fault, type FaultOutcome, type MemoryVirtualizer } from '../../virtualizer.js';
import type { AsidAllocator } from './asids.js';

export const View = { Kernel: 0, User: 1 } as const;
export type View = (typeof View)[keyof typeof View];

/** Host frames per guest for its shadow page tables. */
export const SHADOW_POOL_FRAMES = 96;

const PROTECT_TABLE = 1;
const PROTECT_CODE = 2;
const HOST_TABLE_BITS = PTE.V | PTE.W | PTE.U | PTE.A;
const MAX_ROOTS = 8;

interface ShadowRoot {
  /** Guest page-directory frame, or -1 for the physical view (guest paging off). */
  readonly guestDir: number;
  readonly view: View;
  readonly hostDir: number;
  /** Its address-space id while it holds one (tagged TLB; 0: none yet, or reclaimed). */
  asid: number;
  /** Per directory index: the guest page-table frame the shadow table was built from (-1 none). */
  readonly tableSource: Int32Array;
  /** Per directory index: the host frame of the shadow page table (0 none). */
  readonly hostTable: Int32Array;
  lastUsed: number;
  alive: boolean;
}

export interface ShadowStats {
  fills: number;
  tableWrites: number;
  rootsBuilt: number;
  zapped: number;
}

export class ShadowPaging implements MemoryVirtualizer {
  /** By address space and view: guestDir * 2 + view (a number: no string per switch). */
  private readonly roots = new Map<number, ShadowRoot>();
  private active: ShadowRoot | undefined;
  private readonly freeFrames: number[];
  private readonly protection: Uint8Array;
  /** gfn -> [host PTE address, virtual address] pairs of shadow entries that map it. */
  private readonly reverse = new Map<number, number[]>();
  /** guest page-table gfn -> [root, directory index] pairs whose shadow table copies it. */
  private readonly tableUsers = new Map<number, [ShadowRoot, number][]>();
  private clock = 0;
  readonly stats: ShadowStats = { fills: 0, tableWrites: 0, rootsBuilt: 0, zapped: 0 };

  constructor(
    private readonly host: Processor,
    private readonly guest: GuestMemory,
    /** The virtual CPU whose address space is shadowed. */
    private readonly vcpu: CpuState,
    /** A walker over the guest's memory and virtual control registers. */
    private readonly guestMmu: Mmu,
    pool: Int32Array,
    private readonly asids: AsidAllocator,
    /** The guest kernel runs in the CPU's supervisor mode (hardware-assisted without nested
     *  paging; full mode's translated kernel code), so there is one view, whose entries
     *  carry the guest's own U bit for the CPU to check, and a switch between the guest's
     *  kernel and user code changes no root. `flushTagOnPtbr` (hw: the host TLB is tagged,
     *  the guest's own is not): a guest ptbr write also drops the root's tagged entries. */
    private readonly supervisorKernel?: { readonly flushTagOnPtbr: boolean },
  ) {
    this.freeFrames = [...pool].reverse();
    this.protection = new Uint8Array(guest.frames.length);
  }

  /** Select (building if needed) the root for the vCPU's address space and mode, and load it
   *  into the physical CPU (`reloadPtbr`: write the host ptbr even if the root is loaded). */
  activate(reloadPtbr = false): void {
    const vcr = this.vcpu.cr;
    const vflags = this.vcpu.flags;
    const paging = (vcr[CR.PTBR]! & PTBR_PAGING) !== 0;
    const guestDir = paging ? vcr[CR.PTBR]! >>> 12 : -1;
    const view: View = paging && !this.supervisorKernel && !(vflags & FLAG.S) ? View.User : View.Kernel;
    const active = this.active;
    if (active && active.guestDir === guestDir && active.view === view) {
      if (reloadPtbr) this.load(active, true);
      return;
    }
    const key = guestDir * 2 + view;
    let root = this.roots.get(key);
    if (!root) root = this.buildRoot(key, guestDir, view);
    root.lastUsed = ++this.clock;
    if (guestDir >= 0 && guestDir < this.protection.length) this.protect(guestDir, PROTECT_TABLE);
    this.load(root, reloadPtbr);
  }

  /** The guest wrote its page-table base: its root is loaded now, with a write of the host
   *  ptbr even when the root stays (so an untagged TLB is flushed once, as the guest's own
   *  hardware would do). */
  ptbrWritten(): void {
    this.activate(true);
    if (this.supervisorKernel?.flushTagOnPtbr && this.active) this.host.tlb.flushTag(this.active.asid);
  }

  /** Put the active root back in the physical CPU (after another guest ran). */
  reload(): void {
    if (this.active) this.load(this.active, true);
  }

  private load(root: ShadowRoot, force = false): void {
    if (this.active === root && !force) return;
    this.active = root;
    if (this.host.tlb.tagged) {
      if (root.asid === 0) root.asid = this.asids.allocate(() => (root.asid = 0));
      else this.asids.touch(root.asid);
      this.host.writeCr(CR.ASID, root.asid);
    }
    this.host.writeCr(CR.PTBR, (root.hostDir << 12) | PTBR_PAGING);
  }

  /** The guest's own tables are walked, on guest-physical memory (the vCPU's mode). */
  peekFetch(va: number): number {
    return this.guestMmu.peek(va, Access.Fetch, this.vcpu.flags);
  }

  /** Build the shadow entry for a host page fault at va, or say why not: a guest fault to
   *  reflect (-cause), or a write to a protected page-table or code frame. */
  fault(va: number, access: Access): FaultOutcome {
    const vflags = this.vcpu.flags;
    const root = this.active!;
    let gfn: number;
    let writable: boolean;
    let tableGfn = -1;
    let userBit: number = PTE.U;
    if (root.guestDir < 0) {
      if (isMmio(va) && access !== Access.Fetch) return Fault.Device; // never mapped: emulated
      if (va < 0 || va >= this.guest.size) return -CAUSE.BUS; // as on bare hardware
      gfn = va >>> 12;
      writable = true;
    } else {
      const user = (vflags & FLAG.S) === 0;
      const gpa = this.guestMmu.walk(va, access, user, true, false);
      if (gpa < 0) return gpa;
      if (isMmio(gpa)) return Fault.Device;
      gfn = gpa >>> 12;
      tableGfn = this.guestMmu.lastTableAddress >>> 12;
      this.protect(tableGfn, PROTECT_TABLE);
      const { lastPde: pde, lastPte: pte } = this.guestMmu;
      writable = (pde & pte & PTE.W) !== 0 && (pte & PTE.D) !== 0;
      if (this.supervisorKernel) userBit = pde & pte & PTE.U;
    }
    const protection = this.protection[gfn]!;
    if (access === Access.Write && protection) return protection & PROTECT_TABLE ? Fault.PageTableWrite : Fault.CodeWrite;
    const hostPte = (this.guest.frames[gfn]! << 12) | PTE.V | userBit | PTE.A | PTE.D | (writable && !protection ? PTE.W : 0);
    this.install(root, va, hostPte, gfn, tableGfn);
    this.stats.fills++;
    return Fault.Filled;
  }

  private install(root: ShadowRoot, va: number, hostPte: number, gfn: number, tableGfn: number): void {
    const dirIndex = va >>> 22;
    if (root.hostTable[dirIndex] === 0) {
      const frame = this.allocateFrame();
      root.hostTable[dirIndex] = frame;
      root.tableSource[dirIndex] = tableGfn;
      this.host.memory.write32(root.hostDir * 4096 + dirIndex * 4, (frame << 12) | HOST_TABLE_BITS);
      if (tableGfn >= 0) this.addTableUser(tableGfn, root, dirIndex);
    }
    const pteAddress = root.hostTable[dirIndex]! * 4096 + ((va >>> 12) & 1023) * 4;
    this.host.memory.write32(pteAddress, hostPte);
    const list = this.reverse.get(gfn);
    if (!list) this.reverse.set(gfn, [pteAddress, va]);
    else if (list.push(pteAddress, va) >= COMPACT_FROM && isPowerOfTwo(list.length)) this.compactReverse(gfn, list);
    this.host.tlb.invalidate(va);
  }

  // The bookkeeping lists gain an entry per fill and are pruned of entries that no longer
  // hold (dropped tables, invalidated entries, refills) each time their length doubles, so
  // their memory stays proportional to the live shadow entries, however long a guest runs.

  // A host PTE address can stand in a list twice with two virtual addresses: its shadow table
  // was dropped and its frame reused for another directory index. Only the newest pair names
  // the page the entry maps now (the one whose TLB entry protect() must invalidate).
  private compactReverse(gfn: number, list: number[]): void {
    const frameBits = this.guest.frames[gfn]! << 12;
    const seen = new Set<number>();
    const kept: number[] = [];
    for (let i = list.length - 2; i >= 0; i -= 2) {
      const address = list[i]!;
      if (seen.has(address) || (this.host.memory.read32(address) & ~4095) !== frameBits) continue;
      seen.add(address);
      kept.push(list[i + 1]!, address);
    }
    kept.reverse();
    list.length = 0;
    for (const x of kept) list.push(x);
  }

  private addTableUser(tableGfn: number, root: ShadowRoot, dirIndex: number): void {
    let users = this.tableUsers.get(tableGfn);
    if (!users) this.tableUsers.set(tableGfn, (users = []));
    if (users.push([root, dirIndex]) < COMPACT_FROM / 2 || !isPowerOfTwo(users.length)) return;
    const seen = new Map<ShadowRoot, Set<number>>();
    let kept = 0;
    for (const [r, i] of users) {
      if (!r.alive || r.tableSource[i] !== tableGfn || r.hostTable[i] === 0) continue;
      const indexes = seen.get(r) ?? seen.set(r, new Set()).get(r)!;
      if (indexes.has(i)) continue;
      indexes.add(i);
      users[kept++] = [r, i];
    }
    users.length = kept;
  }

  /** The guest wrote `gpa` (inside a protected page-table frame): drop the shadow entries
   *  copied from the word it changed. */
  tableWritten(gpa: number): void {
    const gfn = gpa >>> 12;
    const index = (gpa & 4095) >>> 2;
    this.stats.tableWrites++;
    for (const root of this.roots.values()) {
      if (root.guestDir === gfn) this.dropTable(root, index);
    }
    for (const [root, dirIndex] of this.tableUsers.get(gfn) ?? []) {
      if (!root.alive || root.tableSource[dirIndex] !== gfn || root.hostTable[dirIndex] === 0) continue;
      this.host.memory.write32(root.hostTable[dirIndex]! * 4096 + index * 4, 0);
      this.host.tlb.invalidate((dirIndex << 22) | (index << 12));
      this.stats.zapped++;
    }
  }

  /** The emulator's access to guest-virtual va (through the guest's own tables, setting A
   *  and D as its MMU would); a write into a page-table frame drops the shadow entries it
   *  invalidates, and every write is reported to the guest memory's one write path. */
  translate(va: number, write: boolean, flags: number): number {
    let gpa: number;
    if (this.vcpu.cr[CR.PTBR]! & PTBR_PAGING) {
      gpa = this.guestMmu.walk(va, write ? Access.Write : Access.Read, (flags & FLAG.S) === 0, true, false);
      if (gpa < 0) return gpa;
    } else {
      gpa = va;
      if (!isMmio(va) && (va < 0 || va >= this.guest.size)) return -CAUSE.BUS;
    }
    if (isMmio(gpa)) return gpa; // the device's: past the host's memory, so the emulator's hooks take it
    if (write) {
      if (this.isTable(gpa >>> 12)) this.tableWritten(gpa);
      this.guest.noteWrite(gpa, 4);
    }
    return this.guest.hostAddress(gpa);
  }

  /** DMA wrote [gpa, gpa + length): into a page table, every shadow is dropped (a fresh root
   *  is built on the next entry). */
  written(gpa: number, length: number): void {
    for (let gfn = gpa >>> 12; gfn <= (gpa + length - 1) >>> 12; gfn++) if (this.isTable(gfn)) this.reset();
  }

  /** The guest's TLB flush: the shadows stay coherent by write protection, so only the
   *  physical TLB needs flushing. */
  flushTlb(): void {
    this.host.tlb.flush();
  }

  /** The guest's invlpg: forget every shadow entry for the page (in every root). */
  invalidatePage(va: number): void {
    const dirIndex = va >>> 22;
    for (const root of this.roots.values()) {
      if (root.hostTable[dirIndex]) this.host.memory.write32(root.hostTable[dirIndex]! * 4096 + ((va >>> 12) & 1023) * 4, 0);
    }
    this.host.tlb.invalidate(va);
  }

  /** Write-protect a frame holding translated code (full mode). */
  protectCode(gfn: number): void {
    this.protect(gfn, PROTECT_CODE);
  }

  isTable(gfn: number): boolean {
    return (this.protection[gfn]! & PROTECT_TABLE) !== 0;
  }

  /** The guest has ended: give back its roots (and their address-space ids). */
  release(): void {
    this.reset();
  }

  /** Memory changed behind the shadows' back (DMA into a page table): drop every shadow;
   *  the caller activates a fresh root. */
  reset(): void {
    for (const root of this.roots.values()) this.freeRoot(root);
    this.roots.clear();
    this.reverse.clear();
    this.tableUsers.clear();
    this.active = undefined;
  }

  /** Write-protect a guest frame: every shadow entry that maps it loses W. */
  private protect(gfn: number, kind: number): void {
    if (gfn < 0 || gfn >= this.protection.length || this.protection[gfn]! & kind) return;
    this.protection[gfn]! |= kind;
    const list = this.reverse.get(gfn);
    if (!list) return;
    const frameBits = this.guest.frames[gfn]! << 12;
    const mem = this.host.memory;
    let kept = 0;
    for (let i = 0; i < list.length; i += 2) {
      const address = list[i]!;
      const entry = mem.read32(address);
      if ((entry & ~4095) !== frameBits) continue; // stale: that shadow table was dropped
      mem.write32(address, entry & ~PTE.W);
      this.host.tlb.invalidate(list[i + 1]!);
      list[kept++] = address;
      list[kept++] = list[i + 1]!;
    }
    list.length = kept;
  }

  private dropTable(root: ShadowRoot, dirIndex: number): void {
    const frame = root.hostTable[dirIndex]!;
    if (!frame) return;
    this.host.memory.write32(root.hostDir * 4096 + dirIndex * 4, 0);
    root.hostTable[dirIndex] = 0;
    root.tableSource[dirIndex] = -1;
    this.freeFrames.push(frame);
    this.host.tlb.flush();
    this.stats.zapped++;
  }

  private buildRoot(key: number, guestDir: number, view: View): ShadowRoot {
    if (this.roots.size >= MAX_ROOTS) this.evict();
    const root: ShadowRoot = {
      guestDir,
      view,
      hostDir: this.allocateFrame(),
      asid: 0,
      tableSource: new Int32Array(1024).fill(-1),
      hostTable: new Int32Array(1024),
      lastUsed: 0,
      alive: true,
    };
    this.roots.set(key, root);
    this.stats.rootsBuilt++;
    return root;
  }

  private evict(): void {
    let victim: [number, ShadowRoot] | undefined;
    for (const entry of this.roots) {
      if (entry[1] !== this.active && (!victim || entry[1].lastUsed < victim[1].lastUsed)) victim = entry;
    }
    if (!victim) return;
    this.roots.delete(victim[0]);
    this.freeRoot(victim[1]);
  }

  /** Give a root's frames back, and its address-space id once its TLB entries are gone. */
  private freeRoot(root: ShadowRoot): void {
    root.alive = false;
    for (let i = 0; i < 1024; i++) if (root.hostTable[i]) this.freeFrames.push(root.hostTable[i]!);
    this.freeFrames.push(root.hostDir);
    this.host.tlb.flush();
    if (root.asid) this.asids.release(root.asid);
  }

  /** A zeroed host frame from this guest's shadow pool; when the pool is dry, other roots
   *  are given up first, then the active root's tables. */
  private allocateFrame(): number {
    if (this.freeFrames.length === 0) this.evict();
    if (this.freeFrames.length === 0 && this.active) {
      for (let i = 0; i < 1024; i++) this.dropTable(this.active, i);
    }
    const frame = this.freeFrames.pop();
    if (frame === undefined) throw new Error('shadow page-table pool exhausted');
    this.host.memory.bytes.fill(0, frame * 4096, frame * 4096 + 4096);
    return frame;
  }
}

/** Bookkeeping lists are compacted from this length on, at every power of two. */
const COMPACT_FROM = 128;

function isPowerOfTwo(n: number): boolean {
  return (n & (n - 1)) === 0;
}
