// The TLB: a direct-mapped cache of page translations, indexed by virtual page number.
// Entries are optionally tagged with an address-space id (ASID/VPID): then changing the
// page-table base need not flush it. An entry is two words of one Int32Array, side by side
// so that a lookup reads one cache line: its tag (vpn | asidTag, or -1 when empty) and its
// frame address with its permission bits (PERM) in the low bits the page offset leaves free
// (0 when empty: no permission, so even a tag that matched by chance finds nothing).
// The interpreter and compiled code read these words inline; a slot is valid for an access
// when entries[2 * slot] === (vpn | asidTag) and the other word has the access's PERM bit.

/** Address-space ids a tag can carry: the 12 bits above its virtual page number (asid << 20). */
export const ASID_TAGS = 1 << 12;

/** Permission bits of an entry: what each mode may do without walking the tables again. */
export const PERM = { SUPER_READ: 1, SUPER_WRITE: 2, USER_READ: 4, USER_WRITE: 8 } as const;

/** A TLB's counters, as reports give them. */
export interface TlbFigures {
  lookups: number;
  hits: number;
  misses: number;
  flushes: number;
  invalidations: number;
  walkReferences: number;
  /** A and D bits written back by walks (apart from the reads, so that walks of different
   *  depths compare like with like). */
  walkWrites: number;
  /** Under a VMM: the host TLB's flushes and invalidations that the VMM made for its own
   *  ends (switching shadow roots, dropping shadow entries), beside the guest's own above. */
  vmmFlushes?: number;
  vmmInvalidations?: number;
}

/** The bits of an entry's second word that hold its frame address, and those of its PERM. */
export const FRAME_BITS = ~4095;
const PERM_BITS = 15;

export class Tlb {
  /** Two words a slot: the tag, then the frame address | PERM bits (see above). */
  readonly entries: Int32Array;
  readonly mask: number;
  /** asid << 20 when tagged, else 0. */
  asidTag = 0;
  lookups = 0;
  misses = 0;
  flushes = 0;
  invalidations = 0;
  /** Memory reads made by page walks (PDEs and PTEs; nested walks: their entries too). */
  walkReferences = 0;
  /** A/D write-backs made by page walks. */
  walkWrites = 0;
  /** Bumped by every change of an entry or of the address-space tag: the CPU loop keeps its
   *  fetch page across a call out of guest code only while this stays. */
  epoch = 0;

  /** size: entries, a power of two from 1 to 4096. */
  constructor(
    readonly size: number,
    readonly tagged: boolean,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 4096 || (size & (size - 1)) !== 0) {
      throw new RangeError(`TLB size ${size} must be a power of two from 1 to 4096`);
    }
    this.entries = new Int32Array(2 * size);
    this.mask = size - 1;
    this.empty();
  }

  get hits(): number {
    return this.lookups - this.misses;
  }

  /** The counters so far. */
  figures(): TlbFigures {
    return { lookups: this.lookups, hits: this.hits, misses: this.misses, flushes: this.flushes, invalidations: this.invalidations, walkReferences: this.walkReferences, walkWrites: this.walkWrites };
  }

  setAsid(asid: number): void {
    this.asidTag = this.tagged ? asid << 20 : 0;
    this.epoch++;
  }

  /** frameAddress: page-aligned; perms: PERM bits. */
  fill(vpn: number, frameAddress: number, perms: number): void {
    const at = (vpn & this.mask) << 1;
    this.entries[at] = vpn | this.asidTag;
    this.entries[at + 1] = frameAddress | perms;
    this.epoch++;
  }

  /** Every slot empty. */
  private empty(): void {
    for (let at = 0; at < this.entries.length; at += 2) this.drop(at);
  }

  /** Empty the slot whose entry starts at `at`. */
  private drop(at: number): void {
    this.entries[at] = -1;
    this.entries[at + 1] = 0;
  }

  /** Drop every entry (all address spaces). */
  flush(): void {
    this.empty();
    this.flushes++;
    this.epoch++;
  }

  /** Drop every entry of one address space (tagged TLB): counted as a flush. */
  flushTag(asid: number): void {
    const tag = asid << 20;
    const entries = this.entries;
    for (let at = 0; at < entries.length; at += 2) if (entries[at] !== -1 && (entries[at]! & ~0xfffff) === tag) this.drop(at);
    this.flushes++;
    this.epoch++;
  }

  /** Drop every entry of the address spaces marked in `held` (1 at an id: a guest's VPID
   *  tags, one or two, or as many as it made the VMM give it): one flush, one pass over the
   *  entries whatever their number (a pass that scanned a list of them at each entry took a
   *  millisecond a flush for a guest holding 2,047 tags). */
  flushTags(held: Uint8Array): void {
    const entries = this.entries;
    for (let at = 0; at < entries.length; at += 2) {
      const t = entries[at]!;
      if (t !== -1 && held[t >>> 20] === 1) this.drop(at);
    }
    this.flushes++;
    this.epoch++;
  }

  /** Drop the entry of one virtual page, whatever its address space. */
  invalidate(va: number): void {
    const vpn = va >>> 12;
    const at = (vpn & this.mask) << 1;
    if ((this.entries[at]! & 0xfffff) === vpn) this.drop(at);
    this.invalidations++;
    this.epoch++;
  }

  /** Physical frame address and permissions of a valid entry for vpn, or undefined. */
  probe(vpn: number): { frame: number; perms: number } | undefined {
    const at = (vpn & this.mask) << 1;
    const word = this.entries[at + 1]!;
    return this.entries[at] === (vpn | this.asidTag) && word !== 0 ? { frame: word & FRAME_BITS, perms: word & PERM_BITS } : undefined;
  }
}
