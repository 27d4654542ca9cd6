// The TLB: a direct-mapped cache of page translations, indexed by virtual page number.
// Entries are optionally tagged with an address-space id (ASID/VPID): then changing the
// page-table base need not flush it. The interpreter reads these arrays inline; a slot is
// valid when tags[slot] === (vpn | asidTag).

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

export class Tlb {
  readonly tags: Int32Array;
  readonly frames: Int32Array;
  readonly perms: Uint8Array;
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
    this.tags = new Int32Array(size).fill(-1);
    this.frames = new Int32Array(size);
    this.perms = new Uint8Array(size);
    this.mask = size - 1;
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

  fill(vpn: number, frameAddress: number, perms: number): void {
    const slot = vpn & this.mask;
    this.tags[slot] = vpn | this.asidTag;
    this.frames[slot] = frameAddress;
    this.perms[slot] = perms;
    this.epoch++;
  }

  /** Drop every entry (all address spaces). */
  flush(): void {
    this.tags.fill(-1);
    this.flushes++;
    this.epoch++;
  }

  /** Drop every entry of one address space (tagged TLB): counted as a flush. */
  flushTag(asid: number): void {
    const tag = asid << 20;
    for (let slot = 0; slot < this.size; slot++) if (this.tags[slot] !== -1 && (this.tags[slot]! & ~0xfffff) === tag) this.tags[slot] = -1;
    this.flushes++;
    this.epoch++;
  }

  /** Drop every entry of the address spaces marked in `held` (1 at an id: a guest's VPID
   *  tags, one or two, or as many as it made the VMM give it): one flush, one pass over the
   *  entries whatever their number (a pass that scanned a list of them at each entry took a
   *  millisecond a flush for a guest holding 2,047 tags). */
  flushTags(held: Uint8Array): void {
    const tags = this.tags;
    for (let slot = 0; slot < this.size; slot++) {
      const t = tags[slot]!;
      if (t !== -1 && held[t >>> 20] === 1) tags[slot] = -1;
    }
    this.flushes++;
    this.epoch++;
  }

  /** Drop the entry of one virtual page, whatever its address space. */
  invalidate(va: number): void {
    const vpn = va >>> 12;
    const slot = vpn & this.mask;
    if ((this.tags[slot]! & 0xfffff) === vpn) this.tags[slot] = -1;
    this.invalidations++;
    this.epoch++;
  }

  /** Physical frame address and permissions of a valid entry for vpn, or undefined. */
  probe(vpn: number): { frame: number; perms: number } | undefined {
    const slot = vpn & this.mask;
    return this.tags[slot] === (vpn | this.asidTag) ? { frame: this.frames[slot]!, perms: this.perms[slot]! } : undefined;
  }
}
