// A domain's grant table (Xen's grant_table.h, v1 entries): the front end grants another
// domain access to one of its frames by writing an entry in its shared-info page; the
// grantee names the frame by the entry's index (a grant reference) and never learns where
// the frame is. Every use is checked here, at the moment of use: the entry in force, granted
// to that domain, writable if it is to be written, a frame of the granter's own (and, to be
// written, not a page table or a page the VMM keeps read-only). The granter may revoke an
// entry at any time (clear GNT_PERMIT_ACCESS); a use after that fails.

import { GNTST, GRANT, SHARED_INFO } from '../isa/paravirt-abi.js';

/** Words of a page of guest memory (byte offsets into it). */
export interface PageWords {
  read(offset: number): number;
  write(offset: number, value: number): void;
}

export class GrantTable {
  /** Why the last refused use was refused. */
  why = '';

  constructor(
    /** The granter's shared-info page. */
    private readonly shared: PageWords,
    /** Frames of the granter's memory. */
    private readonly frames: number,
    /** Why frame `pfn` may not be written (a page table, a page the VMM keeps read-only), or
     *  undefined if it may. */
    private readonly unwritable: (pfn: number) => string | undefined,
  ) {}

  /** The pseudo-physical frame grant `ref` gives domain `grantee` to read (or, with `write`,
   *  to write), or a GNTST_ code (negative). */
  frame(ref: number, grantee: number, write: boolean): number {
    if (!(ref >= 0 && ref < GRANT.ENTRIES)) return this.refuse(GNTST.BAD_GNTREF, `grant reference ${ref} is out of range (0..${GRANT.ENTRIES - 1})`);
    const at = SHARED_INFO.GRANT_TABLE + ref * GRANT.ENTRY_SIZE;
    const flags = this.shared.read(at + GRANT.FLAGS);
    const frame = this.shared.read(at + GRANT.FRAME) >>> 0;
    if (!(flags & GRANT.PERMIT_ACCESS)) return this.refuse(GNTST.BAD_GNTREF, `grant reference ${ref} is not in force (never granted, or revoked)`);
    const domid = flags >>> GRANT.DOMID_SHIFT;
    if (domid !== grantee) return this.refuse(GNTST.PERMISSION_DENIED, `grant reference ${ref} grants domain ${domid}, not domain ${grantee}`);
    if (write && flags & GRANT.READONLY) return this.refuse(GNTST.PERMISSION_DENIED, `grant reference ${ref} is read-only`);
    if (frame >= this.frames) return this.refuse(GNTST.BAD_PAGE, `grant reference ${ref} names frame ${frame}, outside the granter's ${this.frames} frames`);
    const not = write ? this.unwritable(frame) : undefined;
    if (not) return this.refuse(GNTST.BAD_PAGE, `grant reference ${ref} names frame ${frame}, which is ${not}: it may not be written`);
    return frame;
  }

  private refuse(status: number, why: string): number {
    this.why = why;
    return status;
  }
}
