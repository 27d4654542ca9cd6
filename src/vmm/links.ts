// The links between domains when a driver domain runs the back ends (--host dom0,
// src/vmm/hosts/dom0/): what a paravirtual domain's I/O and events go through instead of the
// VMM's own back ends. The topology sets them on each VM before the VMM takes it on; the
// mode calls them, and never learns which topology it is under.

import type { GrantTable, PageWords } from './grant-table.js';
import type { GuestMemory } from './guest-memory.js';

/** A domain as another domain's grant copy reaches it. */
export interface GrantingDomain {
  readonly grants: GrantTable;
  readonly memory: GuestMemory;
}

/** What the mode tells the topology of a domain when it takes it on. */
export interface LinkedDomain extends GrantingDomain {
  /** Its block ring page (the VMM answers it itself once guest 0 is gone). */
  readonly ring: PageWords;
  /** Why its frame `pfn` may not be written by a device (a page table, a page the VMM keeps
   *  read-only), or undefined: the IOMMU's check for guest 0's DMA. */
  unwritable(pfn: number): string | undefined;
}

/** A row of guest 0's domain table (start-info): a domain it serves. */
export interface DomainRow {
  readonly domid: number;
  readonly firstSector: number;
  readonly sectors: number;
  readonly line: number;
}

export interface DomainLinks {
  /** This domain's id: 0 is guest 0, the driver domain; the others 1, 2, ... */
  readonly domid: number;
  /** The mode took the domain on: what the others reach of it. */
  attach(domain: LinkedDomain): void;
  /** Guest 0: crash (a fault in its back end) as it takes its N-th request (0: never). */
  readonly crashAt: number;
  /** Its disk's size in sectors (guest 0: the physical disk's), for start-info. */
  readonly diskSectors: number;
  /** Guest 0: the domains it serves (start-info's domain table). */
  readonly domainTable: readonly DomainRow[] | undefined;
  /** Why the last call refused (for the trace). */
  readonly why: string;
  /** Bit d set: domain d notified this one since the last call (guest 0: d's front ends
   *  have requests or console output; another domain: bit 0, guest 0 answered). */
  takeNotifications(): number;
  /** A front end sent on its disk's port: guest 0's back end gets the event. 0, or EIO if
   *  guest 0 is gone (the VMM has answered the ring itself). */
  notifyBackend(): number;
  /** Console bytes of this domain, for guest 0's console back end: how many were taken, or
   *  EIO if guest 0 is gone. */
  consoleWrite(bytes: Uint8Array): number;
  /** Guest 0: take up to `max` bytes of domain `domid`'s console output (an error code if
   *  there is no such domain, or the caller is not guest 0). */
  consoleRead(domid: number, max: number): Uint8Array | number;
  /** Guest 0: whether `domid` is a domain it may connect a port to (0, or an error code). */
  connect(domid: number): number;
  /** Guest 0 answered domain `domid` on the port connected to it. 0, or an error code. */
  notifyFrontend(domid: number): number;
  /** Guest 0 destroys domain `domid` for breaking the split driver's rules. 0, or an error. */
  destroy(domid: number, verdict: number): number;
  /** The domain a grant copy names, or undefined (no such domain, or it has ended). */
  granting(domid: number): GrantingDomain | undefined;
  /** An event on `port` (connected to domain `remote`, or -1) was delivered to this domain. */
  delivered(port: number, remote: number): void;
  /** This domain's vCPU waits (halted, no event of its own due) for an event another domain
   *  owes it: the scheduler runs the others meanwhile. */
  awaitsAnother(): boolean;
}

/** Physical devices passed through to one guest: the ports it reaches directly. */
export interface PassThrough {
  owns(port: number): boolean;
  portIn(port: number): number;
  portOut(port: number, value: number): void;
  /** A device of the owner's is working: its interrupt will come (the owner, halted, waits
   *  for it while the others run). */
  busy?(): boolean;
  /** Trap `cause` was delivered to the owner (an interrupt's latency is noted). */
  delivered?(cause: number): void;
}
