// The block back end (Xen's blkback, in the VMM for now): it takes requests from the ring the
// guest's front end fills (io/ring.h: the guest produces requests, the back end produces
// responses in the same slots, both indices free-running), carries each out on the guest's
// virtual disk (a real DMA, traced as `dma` notes), and raises the disk's event once the
// ring has no request left: the guest queues several reads, notifies once, and takes one
// event when they are done.
//
// It sees the guest only through the ring page and the checks below, so it can move into a
// driver guest later. Every index, count and address comes from the guest and is checked:
// a request it cannot carry out gets an error response; ring indices that cannot be true
// stop the guest.

import { BLK_RING } from '../../../isa/paravirt-abi.js';
import { DISK_COMMAND, DISK_REG, DISK_STATUS, SECTOR_SIZE } from '../../../machine/platform.js';
import { PageType, type PageTypes } from './page-types.js';

/** What the back end needs of its guest. */
export interface BlockGuest {
  /** The ring page's words (byte offsets into it). */
  readonly ring: { read(offset: number): number; write(offset: number, value: number): void };
  /** Bytes of guest memory (pseudo-physical). */
  readonly memoryBytes: number;
  readonly types: PageTypes;
  /** Program the guest's virtual disk (a port write, as its driver would). */
  diskOut(register: number, value: number): void;
  diskStatus(): number;
  /** The ring has no request left: raise the disk's event. */
  notify(): void;
  /** The guest broke the ring's rules: stop it with this reason. */
  stop(reason: string): void;
}

export class BlockBackend {
  /** Requests consumed (free-running, as req_prod). */
  private reqCons = 0;
  /** The request on the disk now: its slot and buffer frames [first, last]. */
  private inFlight = -1;
  private firstFrame = 0;
  private lastFrame = -1;
  requests = 0;
  refused = 0;

  constructor(private readonly guest: BlockGuest) {}

  /** Whether a DMA into guest frame `pfn` is in flight. */
  busy(pfn: number): boolean {
    return this.inFlight >= 0 && pfn >= this.firstFrame && pfn <= this.lastFrame;
  }

  /** The guest notified the back end (or a request finished): start the next request. */
  kick(): void {
    const ring = this.guest.ring;
    let answered = false;
    while (this.inFlight < 0) {
      const prod = ring.read(BLK_RING.REQ_PROD) >>> 0;
      const queued = (prod - this.reqCons) >>> 0;
      if (queued === 0) break;
      if (queued > BLK_RING.SIZE) {
        this.guest.stop(`block ring: req_prod ${prod} is ${queued} requests ahead of the back end's ${this.reqCons >>> 0} (the ring holds ${BLK_RING.SIZE})`);
        return;
      }
      const slot = BLK_RING.SLOTS + (this.reqCons & (BLK_RING.SIZE - 1)) * BLK_RING.SLOT_SIZE;
      this.reqCons = (this.reqCons + 1) >>> 0;
      this.requests++;
      const status = this.start(slot);
      if (status !== DISK_STATUS.BUSY) {
        this.respond(slot, status);
        answered = true;
      }
    }
    if (answered && this.inFlight < 0) this.guest.notify();
  }

  /** The disk finished the request in flight: answer it, go on with the ring. */
  completed(): void {
    if (this.inFlight < 0) return;
    const slot = this.inFlight;
    this.inFlight = -1;
    this.respond(slot, this.guest.diskStatus());
    this.kick();
    if (this.inFlight < 0) this.guest.notify();
  }

  /** Check the request in `slot` and start it on the disk (BUSY), or say why not. */
  private start(slot: number): number {
    const ring = this.guest.ring;
    const op = ring.read(slot + BLK_RING.REQ_OP);
    const sector = ring.read(slot + BLK_RING.REQ_SECTOR) >>> 0;
    const count = ring.read(slot + BLK_RING.REQ_COUNT) >>> 0;
    const buffer = ring.read(slot + BLK_RING.REQ_BUFFER) >>> 0;
    if (op !== DISK_COMMAND.READ && op !== DISK_COMMAND.WRITE) return this.refuse(DISK_STATUS.BAD_COMMAND);
    if (count < 1 || count > BLK_RING.MAX_SECTORS) return this.refuse(DISK_STATUS.BAD_COMMAND);
    const end = buffer + count * SECTOR_SIZE;
    if (end > this.guest.memoryBytes) return this.refuse(DISK_STATUS.BAD_ADDRESS);
    const first = buffer >>> 12;
    const last = (end - 1) >>> 12;
    for (let pfn = first; pfn <= last; pfn++) {
      const type = this.guest.types.typeOf(pfn);
      // A read writes the buffer: never into a table or a page the VMM keeps read-only. A
      // write only reads it, from any of the guest's pages.
      if (op === DISK_COMMAND.READ && type !== PageType.None && type !== PageType.Writable) return this.refuse(DISK_STATUS.BAD_ADDRESS);
    }
    this.inFlight = slot;
    this.firstFrame = first;
    this.lastFrame = last;
    const g = this.guest;
    g.diskOut(DISK_REG.SECTOR, sector);
    g.diskOut(DISK_REG.ADDRESS, buffer);
    g.diskOut(DISK_REG.COUNT, count);
    g.diskOut(DISK_REG.COMMAND, op);
    const status = g.diskStatus();
    if (status !== DISK_STATUS.BUSY) this.inFlight = -1; // refused by the disk at once
    return status;
  }

  private refuse(status: number): number {
    this.refused++;
    return status;
  }

  private respond(slot: number, status: number): void {
    const ring = this.guest.ring;
    ring.write(slot + BLK_RING.RSP_ID, ring.read(slot + BLK_RING.REQ_ID));
    // RSP_OP is REQ_OP's word: the operation stays.
    ring.write(slot + BLK_RING.RSP_STATUS, status);
    ring.write(BLK_RING.RSP_PROD, (ring.read(BLK_RING.RSP_PROD) + 1) | 0);
  }
}
