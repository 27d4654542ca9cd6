// The block back end (Xen's blkback, in the VMM for now): it takes requests from the ring the
// guest's front end fills (io/ring.h: the guest produces requests, the back end produces
// responses in the same slots, both indices free-running), carries each out on the guest's
// virtual disk (a real DMA, traced as `dma` notes), and raises the disk's event once the
// ring has no request left: the guest queues several reads, notifies once, and takes one
// event when they are done.
//
// The request names its buffer by grant reference (grants.ts): the VMM's back end uses the
// grants as guest 0's back end does under --host dom0 (guests/dom0/dom0.s), as domain
// BACKEND_DOMID, so one front end serves both. A buffer that runs into a second page is two
// segments; if the two frames are not consecutive, the disk moves them one after the other.
// Every index, count and reference comes from the guest and is checked: a request it cannot
// carry out gets an error response; ring indices that cannot be true stop the guest.

import { PAGE_SIZE } from '../../../isa/arch.js';
import { BACKEND_DOMID, BLK_RING } from '../../../isa/paravirt-abi.js';
import { DISK_COMMAND, DISK_REG, DISK_STATUS, SECTOR_SIZE } from '../../../machine/platform.js';
import type { GrantTable } from '../../grant-table.js';

/** What the back end needs of its guest. */
export interface BlockGuest {
  /** The ring page's words (byte offsets into it). */
  readonly ring: { read(offset: number): number; write(offset: number, value: number): void };
  readonly grants: GrantTable;
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
  /** The request on the disk now: its slot, its buffer's frames, and the second segment
   *  still to move when the frames are not consecutive (sectors; 0: none). */
  private inFlight = -1;
  private readonly frames = [-1, -1];
  private op = 0;
  private rest = { sector: 0, address: 0, count: 0 };
  /** Why the last request was refused (for the guest's trace). */
  why = '';
  requests = 0;
  refused = 0;

  constructor(private readonly guest: BlockGuest) {}

  /** The ring page's words. */
  get ring(): BlockGuest['ring'] {
    return this.guest.ring;
  }

  /** Whether a DMA into guest frame `pfn` is in flight. */
  busy(pfn: number): boolean {
    return this.inFlight >= 0 && (pfn === this.frames[0] || pfn === this.frames[1]);
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
    const slot = this.inFlight;
    if (slot < 0) return;
    let status = this.guest.diskStatus();
    if (status === DISK_STATUS.OK && this.rest.count > 0) {
      const { sector, address, count } = this.rest;
      this.rest.count = 0;
      status = this.program(sector, address, count);
      if (status === DISK_STATUS.BUSY) return; // the second segment is on its way
    }
    this.inFlight = -1;
    this.respond(slot, status);
    this.kick();
    if (this.inFlight < 0) this.guest.notify();
  }

  /** Check the request in `slot` and start it on the disk (BUSY), or say why not. */
  private start(slot: number): number {
    const ring = this.guest.ring;
    const op = ring.read(slot + BLK_RING.REQ_OP);
    const sector = ring.read(slot + BLK_RING.REQ_SECTOR) >>> 0;
    const count = ring.read(slot + BLK_RING.REQ_COUNT) >>> 0;
    const ref = ring.read(slot + BLK_RING.REQ_GREF);
    const offset = ring.read(slot + BLK_RING.REQ_OFFSET) >>> 0;
    if (op !== DISK_COMMAND.READ && op !== DISK_COMMAND.WRITE) return this.refuse(DISK_STATUS.BAD_COMMAND, `operation ${op}: 1 read, 2 write`);
    if (count < 1 || count > BLK_RING.MAX_SECTORS) return this.refuse(DISK_STATUS.BAD_COMMAND, `count ${count}: 1..${BLK_RING.MAX_SECTORS} sectors`);
    if (offset % SECTOR_SIZE !== 0 || offset >= PAGE_SIZE) return this.refuse(DISK_STATUS.BAD_ADDRESS, `offset ${offset}: a multiple of ${SECTOR_SIZE} inside the page`);
    // A read writes the buffer: the grant must allow writing (never a table or a page the
    // VMM keeps read-only); a write only reads it.
    const write = op === DISK_COMMAND.READ;
    const first = this.guest.grants.frame(ref, BACKEND_DOMID, write);
    if (first < 0) return this.refuse(DISK_STATUS.BAD_ADDRESS, this.guest.grants.why);
    const inFirst = Math.min(count, (PAGE_SIZE - offset) / SECTOR_SIZE);
    const second = inFirst < count ? this.guest.grants.frame(ref + 1, BACKEND_DOMID, write) : -1;
    if (inFirst < count && second < 0) return this.refuse(DISK_STATUS.BAD_ADDRESS, this.guest.grants.why);
    this.inFlight = slot;
    this.op = op;
    this.frames[0] = first;
    this.frames[1] = second;
    const address = first * PAGE_SIZE + offset;
    if (second < 0 || second === first + 1) return this.program(sector, address, count);
    this.rest = { sector: sector + inFirst, address: second * PAGE_SIZE, count: count - inFirst };
    return this.program(sector, address, inFirst);
  }

  /** One command on the guest's virtual disk; its status (BUSY once accepted). */
  private program(sector: number, address: number, count: number): number {
    const g = this.guest;
    g.diskOut(DISK_REG.SECTOR, sector);
    g.diskOut(DISK_REG.ADDRESS, address);
    g.diskOut(DISK_REG.COUNT, count);
    g.diskOut(DISK_REG.COMMAND, this.op);
    const status = g.diskStatus();
    if (status !== DISK_STATUS.BUSY) this.inFlight = -1; // refused by the disk at once
    return status;
  }

  private refuse(status: number, why: string): number {
    this.refused++;
    this.why = why;
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
