// Address-space ids for shadow roots (--tlb-tagged): each live shadow root that has been
// loaded holds one, so the host TLB never mixes two roots' entries, even across guests. Ids
// are handed out only where the TLB is tagged. There are `limit` of them (Bounds.asids):
// when every one is held, the least recently loaded is reclaimed, as hardware with ASIDs or
// VPIDs does: its entries are flushed from the TLB, and its root asks for an id again the
// next time it is loaded.

import type { Tlb } from '../../../machine/tlb.js';

export class AsidAllocator {
  private next = 1;
  private readonly free: number[] = [];
  /** Held ids, least recently loaded first, with what to tell the holder when reclaimed. */
  private readonly held = new Map<number, () => void>();
  reclaimed = 0;

  constructor(
    private readonly limit: number,
    private readonly tlb: Tlb,
  ) {}

  /** Ids held now. */
  get live(): number {
    return this.held.size;
  }

  /** An id for a root being loaded; `onReclaim` is called if it is taken back later. */
  allocate(onReclaim: () => void): number {
    let asid = this.free.pop();
    if (asid === undefined && this.next <= this.limit) asid = this.next++;
    if (asid === undefined) asid = this.reclaim();
    this.held.set(asid, onReclaim);
    return asid;
  }

  /** The holder of `asid` loaded it again: it is now the most recently used. */
  touch(asid: number): void {
    const onReclaim = this.held.get(asid);
    if (onReclaim === undefined) return;
    this.held.delete(asid);
    this.held.set(asid, onReclaim);
  }

  /** The root that had `asid` was dropped, and its TLB entries flushed. */
  release(asid: number): void {
    if (this.held.delete(asid)) this.free.push(asid);
  }

  /** Take back the least recently loaded id: flush its TLB entries, tell its holder. */
  private reclaim(): number {
    const [asid, onReclaim] = this.held.entries().next().value as [number, () => void];
    this.held.delete(asid);
    this.tlb.flushTag(asid);
    onReclaim();
    this.reclaimed++;
    return asid;
  }
}
