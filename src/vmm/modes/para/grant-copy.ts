// Grant copy (Xen's GNTTABOP_copy): the VMM copies bytes between two frames for a domain
// that may name them: each side is a frame of the caller's own (DOMID_SELF) or a grant
// reference of another domain that grants the caller access, checked at the moment of the
// copy (grant-table.ts). Guest 0's back ends move every byte of the other domains' I/O this
// way, so they never map another domain's memory.

import { DOMID_SELF, GNTCOPY, GNTST } from '../../../isa/paravirt-abi.js';
import type { GuestMemory } from '../../guest-memory.js';
import type { GrantingDomain } from '../../links.js';

const PAGE = 4096;

/** The caller of a copy. */
export interface CopyingDomain {
  readonly domid: number;
  readonly memory: GuestMemory;
  /** Why its own frame `pfn` may not be written, or undefined. */
  unwritable(pfn: number): string | undefined;
  /** The other domain `domid`, if there is one. */
  granting(domid: number): GrantingDomain | undefined;
}

export class GrantCopy {
  /** Why the last operation failed. */
  why = '';

  constructor(private readonly caller: CopyingDomain) {}

  /** Carry out one operation (its words; GNTCOPY gives their byte offsets); its status. */
  copy(op: Int32Array): number {
    const word = (offset: number) => op[offset >>> 2]! >>> 0;
    const len = word(GNTCOPY.LEN);
    const srcOff = word(GNTCOPY.SRC_OFF);
    const dstOff = word(GNTCOPY.DST_OFF);
    if (srcOff + len > PAGE || dstOff + len > PAGE) return this.refuse(GNTST.BAD_COPY_ARG, `${len} bytes from offset ${srcOff} to offset ${dstOff}: each side must stay inside its ${PAGE}-byte frame`);
    const src = this.side(word(GNTCOPY.SRC_DOM), word(GNTCOPY.SRC_REF), false);
    if (typeof src === 'number') return src;
    const dst = this.side(word(GNTCOPY.DST_DOM), word(GNTCOPY.DST_REF), true);
    if (typeof dst === 'number') return dst;
    if (len > 0) dst.memory.dma().write(dst.frame * PAGE + dstOff, src.memory.readBytes(src.frame * PAGE + srcOff, len));
    return GNTST.OKAY;
  }

  /** One side: the memory and frame it names, or a status. */
  private side(domid: number, ref: number, write: boolean): { memory: GuestMemory; frame: number } | number {
    const caller = this.caller;
    if (domid === DOMID_SELF || domid === caller.domid) {
      if (ref >= caller.memory.size / PAGE) return this.refuse(GNTST.BAD_PAGE, `frame ${ref} is outside the caller's ${caller.memory.size / PAGE} frames`);
      const not = write ? caller.unwritable(ref) : undefined;
      if (not) return this.refuse(GNTST.BAD_PAGE, `the caller's frame ${ref} is ${not}: it may not be written`);
      return { memory: caller.memory, frame: ref };
    }
    const other = caller.granting(domid);
    if (!other) return this.refuse(GNTST.BAD_DOMAIN, `no domain ${domid} (or it has ended)`);
    const frame = other.grants.frame(ref, caller.domid, write);
    if (frame < 0) return this.refuse(frame, `domain ${domid}: ${other.grants.why}`);
    return { memory: other.memory, frame };
  }

  private refuse(status: number, why: string): number {
    this.why = why;
    return status;
  }
}
