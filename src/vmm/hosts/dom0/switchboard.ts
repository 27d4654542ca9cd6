// The split drivers' switchboard (--host dom0; Barham et al., SOSP 2003, section 3.3; Fraser
// et al., OASIS 2004): what the VMM keeps of I/O once guest 0 runs the back ends. It routes
// events between domains (a front end's notification to guest 0, guest 0's answer back, the
// physical disk's interrupt to guest 0), holds each domain's console output until guest 0's
// console back end takes it, names the domains a grant copy may reach, and, once guest 0 is
// gone, answers every ring itself with RING_STATUS_NO_BACKEND so that no front end waits for
// ever. It reads a front end's ring only to count requests for the figures and to answer it
// when guest 0 is gone; it never carries a request out.

import { BLK_RING, BACKEND_VERDICT } from '../../../isa/paravirt-abi.js';
import { IRQ } from '../../../machine/platform.js';
import type { IrqLine } from '../../../machine/device.js';
import type { ConsoleBackend } from '../../../machine/devices/console.js';
import { REASON } from '../../exits.js';
import type { Hypervisor } from '../../hypervisor.js';
import type { DomainLinks, DomainRow, GrantingDomain, LinkedDomain } from '../../links.js';
import type { Vm } from '../../vm.js';
import type { PhysicalDevices } from '../physical.js';
import { ERR } from '../../../isa/hypercalls.js';

/** Console bytes a domain may have waiting for guest 0 (beyond, a write takes fewer). */
export const CONSOLE_QUEUE_BYTES = 1 << 16;

const VERDICTS: Readonly<Record<number, string>> = {
  [BACKEND_VERDICT.RING]: 'its block ring\'s indices cannot be true',
  [BACKEND_VERDICT.STORM]: 'it notified without requests, without end',
  [BACKEND_VERDICT.UNREADABLE]: 'its block ring cannot be read (it revoked the ring\'s grant)',
  [BACKEND_VERDICT.UNWRITABLE]: 'its block ring cannot be written (it made the ring\'s grant read-only, or revoked it): no answer can reach it',
};

/** A domain's I/O as guest 0 served it (the summary and --json). */
export interface DomainIo {
  /** Requests it put on its block ring, and notifications it sent. */
  blockRequests: number;
  notifications: number;
  /** Console bytes it wrote, and those that found no room (guest 0 fell behind). */
  consoleBytes: number;
  consoleDropped: number;
  /** Requests the VMM answered itself because guest 0 was gone, and console bytes it wrote
   *  itself then (to the domain's console, as Xen's own console takes a domain's output). */
  answeredByVmm: number;
  consoleByVmm: number;
  /** Requests it notified guest 0 of that no answer had reached when the run ended (guest 0
   *  dropped them, or the domain ended before guest 0 came to them). */
  unanswered: number;
}

/** Each figure of DomainIo in words (the summary's and the HTML report's). */
export const DOMAIN_IO_WORDS: Readonly<Record<keyof DomainIo, string>> = {
  blockRequests: 'block requests',
  notifications: 'notifications',
  consoleBytes: 'console bytes',
  consoleDropped: 'console bytes dropped',
  answeredByVmm: 'answered by the VMM (no back end)',
  consoleByVmm: 'console bytes written by the VMM (no back end)',
  unanswered: 'requests left unanswered',
};

export class Switchboard {
  /** By domain id: the VM, what its mode told of it, notifications waiting for it. */
  private readonly vms: Vm[] = [];
  private readonly domains: (LinkedDomain | undefined)[] = [];
  private readonly pending: Int32Array;
  private readonly queues: number[][];
  /** Per domain: req_prod last seen, the request id of its latest notification. */
  private readonly seen: Int32Array;
  /** Per domain: 1 when its latest notification came with a req_prod that cannot be true
   *  (more new requests than the ring holds): guest 0 owes it a verdict. */
  private readonly impossible: Uint8Array;
  private readonly lastRequest: Int32Array;
  private nextRequest = 0;
  private diskLine: IrqLine | undefined;
  /** Guest 0 has stopped: the VMM answers the rings itself. */
  gone = false;
  readonly io: DomainIo[];
  eventsRouted = 0;
  interruptsRouted = 0;

  constructor(
    private readonly hv: () => Hypervisor,
    /** The devices passed through to guest 0 (their interrupt's latency is noted there). */
    private readonly physical: PhysicalDevices,
    domains: number,
    private readonly table: readonly DomainRow[],
    private readonly physicalSectors: number,
    private readonly crashAt: number,
    /** Each domain's own console (by domain id), where the VMM writes once guest 0 is gone. */
    private readonly consoles: readonly (ConsoleBackend | undefined)[],
  ) {
    this.pending = new Int32Array(domains);
    this.seen = new Int32Array(domains);
    this.impossible = new Uint8Array(domains);
    this.lastRequest = new Int32Array(domains);
    this.queues = Array.from({ length: domains }, () => []);
    this.io = Array.from({ length: domains }, () => ({ blockRequests: 0, notifications: 0, consoleBytes: 0, consoleDropped: 0, answeredByVmm: 0, consoleByVmm: 0, unanswered: 0 }));
  }

  /** The links of the domain `vm` is (guest 0 is domain 0). */
  linksFor(vm: Vm, domid: number): DomainLinks {
    this.vms[domid] = vm;
    if (domid === 0) this.diskLine = vm.devices.pic.line(IRQ.disk);
    return new DomainLink(this, domid, domid === 0 ? this.physicalSectors : this.table[domid - 1]!.sectors, domid === 0 ? this.table : undefined, domid === 0 ? this.crashAt : 0);
  }

  get guest0(): Vm {
    return this.vms[0]!;
  }

  /** The domains guest 0 serves, in order. */
  get served(): Vm[] {
    return this.vms.slice(1);
  }

  attach(domid: number, domain: LinkedDomain): void {
    this.domains[domid] = domain;
  }

  /** Why domain `domid`'s frame `pfn` may not be written by a device, or undefined. */
  unwritable(domid: number, pfn: number): string | undefined {
    return this.domains[domid]?.unwritable(pfn);
  }

  take(domid: number): number {
    const p = this.pending[domid]!;
    this.pending[domid] = 0;
    return p;
  }

  // ---- front end -> guest 0 -----------------------------------------------------------

  notifyBackend(d: number): number {
    const io = this.io[d]!;
    io.notifications++;
    const ring = this.domains[d]!.ring;
    const prod = ring.read(BLK_RING.REQ_PROD) >>> 0;
    const fresh = (prod - this.seen[d]!) >>> 0;
    this.impossible[d] = fresh <= BLK_RING.SIZE ? 0 : 1;
    if (fresh <= BLK_RING.SIZE) {
      io.blockRequests += fresh;
      this.seen[d] = prod;
    }
    if (this.noBackend()) {
      this.answerGone(d);
      return this.refuse(ERR.EIO, 'guest 0, which runs the block back end, is gone: the VMM answered the requests itself (RING_STATUS_NO_BACKEND)');
    }
    const id = this.request(d);
    this.route(d, 0, id, () => `${this.vms[d]!.name}'s block front end notified guest 0's back end (${fresh} new request${fresh === 1 ? '' : 's'} on its ring)`);
    return 0;
  }

  consoleWrite(d: number, bytes: Uint8Array): number {
    if (this.noBackend()) {
      // No back end: the VMM's own console takes the output (the summary counts it), so that
      // the guest can still say what happened to it.
      const console = this.consoles[d];
      if (!console) return this.refuse(ERR.EIO, 'guest 0, which runs the console back end, is gone: the bytes are lost');
      for (const byte of bytes) console.putByte(byte);
      this.io[d]!.consoleByVmm += bytes.length;
      return bytes.length;
    }
    const queue = this.queues[d]!;
    const room = Math.max(0, CONSOLE_QUEUE_BYTES - queue.length);
    const taken = Math.min(room, bytes.length);
    const io = this.io[d]!;
    io.consoleBytes += taken;
    io.consoleDropped += bytes.length - taken;
    const wasEmpty = queue.length === 0;
    for (let i = 0; i < taken; i++) queue.push(bytes[i]!);
    if (wasEmpty && taken > 0) {
      const id = this.request(d);
      this.route(d, 0, id, () => `${this.vms[d]!.name}'s console: ${taken} byte${taken === 1 ? '' : 's'} for guest 0's console back end`);
    }
    return taken;
  }

  /** A new request id for domain d's latest notification (its exit record carries it). */
  private request(d: number): number {
    const id = ++this.nextRequest;
    this.lastRequest[d] = id;
    const vm = this.vms[d]!;
    if (this.hv().tracing) vm.answer.q.request = id;
    return id;
  }

  // ---- guest 0 ------------------------------------------------------------------------

  consoleRead(d: number, max: number): Uint8Array | number {
    if (!this.isServed(d)) return this.refuse(ERR.ENOENT, `guest 0 serves domains 1..${this.vms.length - 1}, not ${d}`);
    const queue = this.queues[d]!;
    const n = Math.min(max, queue.length);
    return Uint8Array.from(queue.splice(0, n));
  }

  connect(d: number): number {
    return this.isServed(d) ? 0 : this.refuse(ERR.ENOENT, `guest 0 serves domains 1..${this.vms.length - 1}, not ${d}`);
  }

  notifyFrontend(d: number): number {
    if (!this.isServed(d)) return this.refuse(ERR.ENOENT, `guest 0 serves domains 1..${this.vms.length - 1}, not ${d}`);
    const vm = this.vms[d]!;
    if (!vm.running) return 0;
    vm.servingRequest = this.lastRequest[d]!;
    this.route(0, d, this.lastRequest[d]!, () => `guest 0's back end answered ${vm.name}`);
    this.guest0.servingRequest = 0;
    return 0;
  }

  destroy(d: number, verdict: number): number {
    if (!this.isServed(d)) return this.refuse(ERR.ENOENT, `guest 0 serves domains 1..${this.vms.length - 1}, not ${d}`);
    const why = VERDICTS[verdict];
    if (!why) return this.refuse(ERR.EINVAL, `verdict ${verdict}: 1 bad ring indices, 2 a notification storm, 3 an unreadable ring, 4 an unwritable ring`);
    // (one that has ended is no more, as a grant copy finds it: nothing is destroyed)
    const vm = this.vms[d]!;
    if (!vm.running) return this.refuse(ERR.ENOENT, `domain ${d} has ended (${vm.status}): there is nothing to destroy`);
    vm.end('killed', `guest 0's back end had it destroyed (domctl): ${why}`);
    return 0;
  }

  granting(d: number): GrantingDomain | undefined {
    const vm = this.vms[d];
    return vm && vm.running ? this.domains[d] : undefined;
  }

  /** An event was delivered to domain `domid` on a port connected to `remote` (-1: a
   *  virtual interrupt of its own, for guest 0 the physical disk's). */
  delivered(domid: number, remote: number): void {
    const vm = this.vms[domid]!;
    if (domid !== 0) {
      vm.servingRequest = 0;
      return;
    }
    if (remote >= 0) vm.servingRequest = this.lastRequest[remote]!;
    else this.physical.interruptTaken(vm, vm.servingRequest, (latency) => `guest 0 took the physical disk's interrupt ${latency} cycles after it arrived (routed to it by the VMM as an event; it takes it when it runs and its events are unmasked)`);
  }

  awaitsAnother(domid: number): boolean {
    if (domid === 0) return true; // its events all come from the others and its devices
    if (this.noBackend()) return false;
    // A front end waits for guest 0 when requests it notified guest 0 of are unanswered, or
    // when it notified a req_prod that cannot be true (guest 0 owes it its verdict): requests
    // queued without a notification are its own doing, and its wait is its own deadlock.
    if (this.impossible[domid]) return this.domains[domid]?.ring !== undefined;
    return this.unanswered(domid) > 0;
  }

  /** Requests domain d notified guest 0 of that no answer has reached yet (0 for a ring whose
   *  rsp_prod is past what it was notified of or more than the ring holds behind it: then
   *  guest 0's verdict says more). */
  unanswered(d: number): number {
    const ring = this.domains[d]?.ring;
    if (ring === undefined) return 0;
    const n = (this.seen[d]! - ring.read(BLK_RING.RSP_PROD)) >>> 0;
    return n <= BLK_RING.SIZE ? n : 0;
  }

  /** Each served domain's I/O, its unanswered requests counted now (at the run's end). */
  finalIo(): DomainIo[] {
    return this.io.slice(1).map((io, i) => ({ ...io, unanswered: this.unanswered(i + 1) }));
  }

  // ---- the physical disk's interrupt, and guest 0's end ---------------------------------

  /** The physical disk raised its line: an event for guest 0, its owner. */
  diskInterrupt(): void {
    if (this.gone || !this.diskLine) return;
    this.interruptsRouted++;
    this.physical.interruptArrived();
    this.diskLine.raise();
    this.route(-1, 0, this.guest0.servingRequest, () => 'the physical disk\'s interrupt, routed to guest 0, its owner');
  }

  /** Whether guest 0 is gone (noticed at once: the rings are answered the first time a
   *  domain asks). */
  private noBackend(): boolean {
    if (!this.gone && !this.guest0.running) this.backendGone();
    return this.gone;
  }

  /** Guest 0 has stopped: every request still on a ring is answered by the VMM. */
  backendGone(): void {
    if (this.gone) return;
    this.gone = true;
    for (let d = 1; d < this.vms.length; d++) {
      // output guest 0 had not taken yet goes to the domain's console now
      const queue = this.queues[d]!.splice(0);
      if (queue.length) this.consoleWrite(d, Uint8Array.from(queue));
      if (this.vms[d]!.running) this.answerGone(d);
    }
  }

  /** Answer domain d's unanswered requests with RING_STATUS_NO_BACKEND. */
  private answerGone(d: number): void {
    const vm = this.vms[d]!;
    const ring = this.domains[d]!.ring;
    const prod = ring.read(BLK_RING.REQ_PROD) >>> 0;
    let rsp = ring.read(BLK_RING.RSP_PROD) >>> 0;
    // rsp_prod is guest 0's word: if it cannot be true, answer from what the front end has
    // consumed (its own word), so that only the front end's own words can blame it
    if (((prod - rsp) >>> 0) > BLK_RING.SIZE) rsp = ring.read(BLK_RING.RSP_CONS) >>> 0;
    const n = (prod - rsp) >>> 0;
    if (n === 0) return;
    if (n > BLK_RING.SIZE) {
      vm.end('killed', `block ring: req_prod ${prod} is ${n} requests ahead of the responses it consumed (${rsp}; the ring holds ${BLK_RING.SIZE})`);
      return;
    }
    for (let i = rsp; i !== prod; i = (i + 1) >>> 0) {
      const slot = BLK_RING.SLOTS + (i & (BLK_RING.SIZE - 1)) * BLK_RING.SLOT_SIZE;
      ring.write(slot + BLK_RING.RSP_ID, ring.read(slot + BLK_RING.REQ_ID));
      ring.write(slot + BLK_RING.RSP_STATUS, BLK_RING.STATUS_NO_BACKEND);
    }
    ring.write(BLK_RING.RSP_PROD, prod | 0);
    this.io[d]!.answeredByVmm += n;
    this.route(-1, d, this.lastRequest[d]!, () => `the VMM answered ${n} request${n === 1 ? '' : 's'} of ${vm.name} itself: guest 0, its back end, is gone (status ${BLK_RING.STATUS_NO_BACKEND}, no back end)`);
  }

  /** An event from domain `from` (-1: the VMM or a device) to domain `to`. */
  private route(from: number, to: number, request: number, detail: () => string): void {
    const vm = this.vms[to]!;
    this.pending[to]! |= 1 << Math.max(from, 0);
    this.eventsRouted++;
    const hv = this.hv();
    hv.hostNote(vm, REASON['domain-event'], 'routed', 0, request, detail);
    hv.runNext(vm); // (a domain an event wakes runs next: Xen's boost)
  }

  private isServed(d: number): boolean {
    return Number.isInteger(d) && d >= 1 && d < this.vms.length;
  }

  why = '';

  private refuse(error: number, why: string): number {
    this.why = why;
    return error;
  }
}

/** One domain's links: the switchboard, seen from that domain. */
class DomainLink implements DomainLinks {
  constructor(
    private readonly board: Switchboard,
    readonly domid: number,
    readonly diskSectors: number,
    readonly domainTable: readonly DomainRow[] | undefined,
    readonly crashAt: number,
  ) {}

  get why(): string {
    return this.board.why;
  }

  attach(domain: LinkedDomain): void {
    this.board.attach(this.domid, domain);
  }

  takeNotifications(): number {
    return this.board.take(this.domid);
  }

  notifyBackend(): number {
    return this.board.notifyBackend(this.domid);
  }

  consoleWrite(bytes: Uint8Array): number {
    return this.board.consoleWrite(this.domid, bytes);
  }

  consoleRead(domid: number, max: number): Uint8Array | number {
    return this.board.consoleRead(domid, max);
  }

  connect(domid: number): number {
    return this.board.connect(domid);
  }

  notifyFrontend(domid: number): number {
    return this.board.notifyFrontend(domid);
  }

  destroy(domid: number, verdict: number): number {
    return this.board.destroy(domid, verdict);
  }

  granting(domid: number): GrantingDomain | undefined {
    return this.board.granting(domid);
  }

  delivered(_port: number, remote: number): void {
    this.board.delivered(this.domid, remote);
  }

  awaitsAnother(): boolean {
    return this.board.awaitsAnother(this.domid);
  }
}
