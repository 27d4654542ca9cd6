// Address-space ids for shadow roots (--tlb-tagged): each live shadow root has its own, so
// the host TLB never mixes two roots' entries, even across guests.

import { ASID_LIMIT } from '../../../isa/arch.js';

export class AsidAllocator {
  private next = 1;
  private readonly free: number[] = [];

  /** An id for a new root. Ids of dropped roots are reused (their TLB entries were flushed
   *  when the root was dropped), so two live roots never share one. */
  allocate(): number {
    const free = this.free.pop();
    if (free !== undefined) return free;
    if (this.next >= ASID_LIMIT) throw new Error('VMM bug: more live shadow roots than address-space ids');
    return this.next++;
  }

  /** The root that had `asid` was dropped and its TLB entries flushed. */
  release(asid: number): void {
    this.free.push(asid);
  }
}
