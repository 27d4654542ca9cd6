// Event channels (Xen's event_channel.h, reduced): EVTCHN_PORTS ports, each bound to one
// virtual interrupt (timer, console, disk) or, in guest 0 (--host dom0), connected to
// another domain's front ends, with a pending bit and a mask bit in the shared-info page. The VMM sets a port's pending bit and the vCPU's upcall-pending word;
// the guest masks a port with a store and unmasks it with EVTCHNOP_unmask; its event mask
// (SH_UPCALL_MASK, the virtual IE) is a store too. An event is delivered, as interrupt
// 16 + port, while the mask is clear and the port is pending and unmasked: the lowest such
// port first. The guest clears the pending bit (a store) before it unmasks again, as it
// acknowledges an interrupt; a bit it leaves set is delivered again, like a level-triggered
// line. TOY32 has no atomic read-modify-write (Xen's guests clear a bit with a locked
// instruction), so a guest acknowledges with a load and a store in its event handler; a bit
// the VMM set between the two would be lost. So from an event's delivery to the guest's iret
// the VMM keeps the bits it raises (`holding`), and sets them at the iret (publish).

import { EVTCHN_PORTS, SHARED_INFO } from '../../../isa/paravirt-abi.js';
import { ERR } from './page-types.js';

/** The shared-info page's words (pseudo-physical offsets into it). */
export interface SharedWords {
  read(offset: number): number;
  write(offset: number, value: number): void;
}

export class EventChannels {
  /** virq -> port (-1: not bound), port -> virq. */
  private readonly portOfVirq: Int32Array;
  private readonly virqOfPort = new Int32Array(EVTCHN_PORTS).fill(-1);
  /** port -> the domain connected to it (-1: none). */
  private readonly remoteOfPort = new Int32Array(EVTCHN_PORTS).fill(-1);
  /** Events from domains not connected yet (bit per domain): raised once connected, as Xen's
   *  toolstack creates the channel before the front end starts. */
  private latched = 0;
  /** Ports raised while the guest was in its event handler: set in the page at its iret. */
  private deferred = 0;
  /** The guest is in its event handler (from delivery to iret). */
  holding = false;
  /** Why the last refused operation was refused. */
  why = '';

  constructor(
    private readonly shared: SharedWords,
    virqs: number,
  ) {
    this.portOfVirq = new Int32Array(virqs).fill(-1);
  }

  /** Bind `virq` to the lowest free port; the port (masked until unmasked), or an error. */
  bindVirq(virq: number): number {
    if (!(virq >= 0 && virq < this.portOfVirq.length)) return this.refuse(ERR.EINVAL, `no virtual interrupt ${virq} (0 timer, 1 console, 2 disk)`);
    if (this.portOfVirq[virq]! >= 0) return this.refuse(ERR.EBUSY, `virtual interrupt ${virq} is already bound to port ${this.portOfVirq[virq]}`);
    const port = this.freePort();
    if (port < 0) return port;
    this.portOfVirq[virq] = port;
    this.virqOfPort[port] = virq;
    return port;
  }

  /** Connect the lowest free port to domain `remote` (it must be one, 0..31); the port. */
  bindInterdomain(remote: number): number {
    const bound = this.remoteOfPort.indexOf(remote);
    if (bound >= 0) return this.refuse(ERR.EBUSY, `domain ${remote} is already connected to port ${bound}`);
    const port = this.freePort();
    if (port < 0) return port;
    this.remoteOfPort[port] = remote;
    if (this.latched & (1 << remote)) {
      this.latched &= ~(1 << remote);
      this.raisePort(port);
    }
    return port;
  }

  /** The domain connected to `port`, or -1. */
  remoteOf(port: number): number {
    return port >= 0 && port < EVTCHN_PORTS ? this.remoteOfPort[port]! : -1;
  }

  /** Domain `remote` notified this one: its port is pending (or the event waits for it to be
   *  connected). */
  raiseRemote(remote: number): void {
    const port = this.remoteOfPort.indexOf(remote);
    if (port >= 0) this.raisePort(port);
    else this.latched |= 1 << remote;
  }

  private freePort(): number {
    for (let port = 0; port < EVTCHN_PORTS; port++) if (this.virqOfPort[port] === -1 && this.remoteOfPort[port] === -1) return port;
    return this.refuse(ERR.EBUSY, `every one of the ${EVTCHN_PORTS} ports is bound`);
  }

  /** The virq bound to `port`, or an error (EINVAL out of range, ENOENT not bound). */
  virqOf(port: number): number {
    if (!(port >= 0 && port < EVTCHN_PORTS)) return this.refuse(ERR.EINVAL, `port ${port} is out of range (0..${EVTCHN_PORTS - 1})`);
    const virq = this.virqOfPort[port]!;
    return virq >= 0 ? virq : this.refuse(ERR.ENOENT, `port ${port} is not bound`);
  }

  unmask(port: number): number {
    if (this.remoteOf(port) < 0) {
      const virq = this.virqOf(port);
      if (virq < 0) return virq;
    }
    this.shared.write(SHARED_INFO.EVTCHN_MASK, this.shared.read(SHARED_INFO.EVTCHN_MASK) & ~(1 << port));
    return 0;
  }

  /** A virtual interrupt happened: its port (if bound) is pending. */
  raise(virq: number): void {
    const port = this.portOfVirq[virq]!;
    if (port >= 0) this.raisePort(port);
  }

  private raisePort(port: number): void {
    this.deferred |= 1 << port;
    if (!this.holding) this.publish();
  }

  /** The guest left its event handler: the ports raised meanwhile are pending in the page. */
  publish(): void {
    this.holding = false;
    if (this.deferred === 0) return;
    this.shared.write(SHARED_INFO.EVTCHN_PENDING, this.shared.read(SHARED_INFO.EVTCHN_PENDING) | this.deferred);
    this.shared.write(SHARED_INFO.UPCALL_PENDING, 1);
    this.deferred = 0;
  }

  /** The virtual interrupts (bit per virq, which is its interrupt line) bound to a port the
   *  guest has not masked: those whose event can be delivered. */
  deliverableLines(): number {
    const mask = this.shared.read(SHARED_INFO.EVTCHN_MASK);
    let lines = 0;
    for (let virq = 0; virq < this.portOfVirq.length; virq++) {
      const port = this.portOfVirq[virq]!;
      if (port >= 0 && !(mask & (1 << port))) lines |= 1 << virq;
    }
    return lines;
  }

  /** The lowest pending unmasked port, or -1. */
  next(): number {
    const ready = this.shared.read(SHARED_INFO.EVTCHN_PENDING) & ~this.shared.read(SHARED_INFO.EVTCHN_MASK);
    return ready === 0 ? -1 : 31 - Math.clz32(ready & -ready);
  }

  private refuse(error: number, why: string): number {
    this.why = why;
    return error;
  }
}
