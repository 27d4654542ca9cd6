// Nested paging (VT-x's EPT, AMD's NPT), the hardware-assisted mode's memory: the guest's
// own page tables map guest-virtual to guest-physical and are walked by the CPU as they
// are (no shadow, no write protection, no hidden faults); the VMM's nested table maps
// guest-physical frames to the host frames that back them, and the physical MMU walks both
// on a TLB miss (src/machine/mmu.ts: 8 references where bare makes 2). The nested table is
// built once at boot from the guest's frames, and maps nothing else: an address past the
// guest's memory is a nested fault, an exit.
//
// TLB tags: with VPID, each (guest, guest address-space id) pair holds a host tag from the
// shared allocator, so exits, entries and guest switches keep every entry; without VPID the
// VMM flushes the TLB on every VM entry after an exit (hw/virtualizer.ts), as VT-x did
// before VPID. A guest whose own TLB is untagged has one tag, flushed when it writes ptbr.

import { isMmio } from '../../../machine/platform.js';
import { ASID_LIMIT, CAUSE, CR, FLAG, PTBR_PAGING, PTE } from '../../../isa/arch.js';
import { Access } from '../../../machine/mmu.js';
import { ASID_TAGS } from '../../../machine/tlb.js';
import type { Processor } from '../../../machine/processor.js';
import type { GuestMemory } from '../../guest-memory.js';
import type { MemoryVirtualizer, FaultOutcome } from '../../virtualizer.js';
import type { Vm } from '../../vm.js';
import type { AsidAllocator } from '../software/asids.js';

/** Host frames for the nested table of a guest of `bytes`: a directory and a table per 4 MiB. */
export function nestedTableFrames(bytes: number): number {
  return 1 + Math.ceil(bytes / (4096 * 1024));
}

/** The tag key of guest-physical mappings (the guest's paging off): past every asid. */
const PHYSICAL = ASID_LIMIT;

export class NestedPaging implements MemoryVirtualizer {
  /** Host-physical address of the nested directory (the EPT pointer). */
  readonly root: number;
  /** Host tag per guest address-space id (VPID on). */
  private readonly tags = new Map<number, number>();
  /** The same tags, marked by id: what a flush drops (Tlb.flushTags). */
  private readonly heldTags = new Uint8Array(ASID_TAGS);
  /** The key (guestAsid) whose tag the TLB has now, -1: none. */
  private activeKey = -1;
  private readonly guest: GuestMemory;

  constructor(
    private readonly host: Processor,
    private readonly vm: Vm,
    frames: Int32Array,
    /** The shared VPID allocator, or null: VPID off. */
    private readonly vpids: AsidAllocator | null,
    /** The guest's own TLB is tagged (--tlb-tagged): its asid register selects a tag. */
    private readonly guestTagged: boolean,
  ) {
    this.guest = vm.memory;
    const words = host.memory;
    this.root = frames[0]! * 4096;
    const gfns = this.guest.frames;
    for (let gfn = 0; gfn < gfns.length; gfn++) {
      const table = frames[1 + (gfn >>> 10)]!;
      if ((gfn & 1023) === 0) words.write32(this.root + (gfn >>> 10) * 4, (table << 12) | PTE.V | PTE.W);
      words.write32(table * 4096 + (gfn & 1023) * 4, (gfns[gfn]! << 12) | PTE.V | PTE.W);
    }
  }

  /** The guest's address-space id as the TLB sees it (0 when its TLB is untagged), or
   *  PHYSICAL while its paging is off: guest-physical mappings are kept apart from the
   *  combined ones (Intel SDM vol. 3C 28.3.1), so that no entry made with paging on
   *  answers an access made with it off. */
  private guestAsid(): number {
    const cr = this.host.cpu.cr;
    if (!(cr[CR.PTBR]! & PTBR_PAGING)) return PHYSICAL;
    return this.guestTagged ? cr[CR.ASID]! : 0;
  }

  /** VM entry: nested paging on this guest's table, and its TLB tag (looked up again only
   *  when the guest's address space changed or another guest ran: entries are frequent). */
  activate(): void {
    const key = this.guestAsid();
    if (key === this.activeKey && this.host.mmu.nestedRoot === this.root) return;
    this.host.mmu.nestedRoot = this.root;
    this.activeKey = key;
    this.host.tlb.setAsid(this.tagOf(key));
  }

  /** Another guest ran: its tag and nested table are in the CPU. */
  reload(): void {
    this.activeKey = -1;
    this.activate();
  }

  private tagOf(asid: number): number {
    if (!this.vpids) return asid;
    let tag = this.tags.get(asid);
    if (tag === undefined) {
      tag = this.vpids.allocate(() => {
        this.heldTags[this.tags.get(asid)!] = 0;
        this.tags.delete(asid);
        if (this.activeKey === asid) this.activeKey = -1;
      });
      this.tags.set(asid, tag);
      this.heldTags[tag] = 1;
    } else this.vpids.touch(tag);
    return tag;
  }

  /** Nested paging has no hidden faults: the guest's own faults go to it directly. */
  fault(): FaultOutcome {
    return -CAUSE.PAGE_READ;
  }

  peekFetch(va: number): number {
    return this.vm.guestMmu.peek(va, Access.Fetch, this.vm.vcpu.flags);
  }

  /** The emulator's access: the guest's tables walked on its memory (A and D set as its MMU
   *  would), then the guest-physical address checked against its size. */
  translate(va: number, write: boolean, flags: number): number {
    let gpa = va;
    if (this.vm.vcpu.cr[CR.PTBR]! & PTBR_PAGING) {
      gpa = this.vm.guestMmu.walk(va, write ? Access.Write : Access.Read, (flags & FLAG.S) === 0, true, false);
      if (gpa < 0) return gpa;
    }
    if (isMmio(gpa)) return gpa; // the device's: past the host's memory, so the emulator's hooks take it
    if (!this.guest.contains(gpa, 4)) return -CAUSE.BUS;
    if (write) this.guest.noteWrite(gpa, 4);
    return this.guest.hostAddress(gpa);
  }

  /** The TLB holds translations, not data: DMA changes nothing here. */
  written(): void {}

  /** The guest's TLB flush: every entry of its tags (one flush). */
  flushTlb(): void {
    if (this.vpids) this.host.tlb.flushTags(this.heldTags);
    else this.host.tlb.flush();
  }

  invalidatePage(va: number): void {
    this.host.tlb.invalidate(va);
  }

  /** The guest wrote ptbr: a new base takes effect at once; an untagged guest TLB loses
   *  every entry (a tagged one keeps them: its asid register tells them apart). Paging may
   *  have gone on or off: the tag follows. */
  ptbrWritten(): void {
    if (!this.guestTagged) this.flushTlb();
    this.asidWritten();
  }

  /** The guest wrote its asid register (or ptbr): its entries from now on carry this tag. */
  asidWritten(): void {
    this.activeKey = -1;
    this.activate();
  }

  /** The guest has ended: its tags' entries go, and the tags back to the allocator. */
  release(): void {
    if (!this.vpids || this.tags.size === 0) return;
    this.host.tlb.flushTags(this.heldTags);
    for (const tag of this.tags.values()) this.vpids.release(tag);
    this.tags.clear();
    this.heldTags.fill(0);
  }
}
