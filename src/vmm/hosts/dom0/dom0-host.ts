// --host dom0: Xen's driver domain (docs/topologies.md). Guest 0, a paravirtual TOY32 kernel
// (guests/dom0/dom0.s by default), runs beside the other guests under the VMM, which passes
// the physical disk and the terminal lines through to it (their ports reach the devices,
// their DMA goes through the IOMMU, the disk's interrupt is routed to it as an event) and
// emulates no device itself: it keeps the CPU, the timer and event delivery, routes events
// between domains and checks every grant (switchboard.ts). The other guests' block and
// console front ends talk to guest 0's back ends over their rings, by event channel, with
// their buffers shared by grant; a disk read is front end -> ring + event -> guest 0's back
// end -> physical DMA into guest 0 -> grant copy into the guest -> response + event.
//
// The physical devices keep host time (../physical.ts), so the disk's interrupt can arrive
// while another domain has the CPU. The physical disk holds every guest's disk file, one
// partition each.

import type { Image } from '../../../image/model.js';
import type { GuestInput } from '../../../machine/config.js';
import type { ConsoleBackend } from '../../../machine/devices/console.js';
import { Disk, DiskImage } from '../../../machine/devices/disk.js';
import { TerminalLines } from '../../../machine/devices/lines.js';
import { LoadError } from '../../../machine/load.js';
import { IRQ } from '../../../machine/platform.js';
import { bootVmm } from '../../boot.js';
import { EXIT_REASONS, REASON } from '../../exits.js';
import type { Hypervisor, VmmConfig } from '../../hypervisor.js';
import type { DomainRow } from '../../links.js';
import type { Mode } from '../../modes/mode.js';
import type { VmStatus } from '../../vm.js';
import { DOM0_MAX_DOMAINS, DOM0_PORT } from './dom0-abi.js';
import { Iommu } from './iommu.js';
import { PhysicalDevices } from '../physical.js';
import { Switchboard, type DomainIo } from './switchboard.js';

export interface Dom0Setup {
  /** Guest 0's kernel (a PARAVIRT build), and the file it came from. */
  readonly image: Image;
  readonly file: string;
  /** 0: never; n: guest 0's back end crashes as it takes its n-th request. */
  readonly crashAt: number;
  readonly memoryBytes: number;
}

/** What guest 0 did in a dom0 run (the summary's host line; `host` in --json). */
export interface Dom0Report {
  topology: 'dom0';
  image: string;
  status: VmStatus;
  reason: string;
  /** Guest 0's own console (console_io). */
  console: string;
  /** Guest 0's cycles, and the host's in all (every domain and the VMM). */
  cycles: number;
  hostCycles: number;
  /** Guest 0's VM exits (its port I/O to the devices, its hypercalls, its interrupts), notes
   *  not counted. */
  exits: number;
  /** Times the CPU passed from one domain to another. */
  domainSwitches: number;
  eventsRouted: number;
  interruptsRouted: number;
  /** Transfers of guest 0's devices the IOMMU refused. */
  iommuRefused: number;
  /** Per guest, in guest order. */
  io: (DomainIo & { guest: string })[];
}

/** Instructions guest 0 may run after the last domain it served has ended, to take and
 *  write their last console output, before the VMM shuts it down. */
const SHUTDOWN_GRACE = 1_000_000;

/** What is wrong with running `guests` guests beside guest 0, or undefined. */
export function dom0GuestsProblem(guests: number): string | undefined {
  return guests > DOM0_MAX_DOMAINS ? `--host dom0 serves at most ${DOM0_MAX_DOMAINS} guests (domain ids 1..${DOM0_MAX_DOMAINS}), got ${guests}` : undefined;
}

/** Boot guest 0 and the guests, run until every guest has ended, and say how it went. */
export function runDom0(guests: readonly GuestInput[], config: VmmConfig, mode: Mode, consoles: readonly ConsoleBackend[], setup: Dom0Setup, dom0Console: ConsoleBackend & { text(): string }): { hv: Hypervisor; host: Dom0Report } {
  const tooMany = dom0GuestsProblem(guests.length);
  if (tooMany) throw new LoadError(tooMany);
  if (mode.build !== 'paravirt') throw new LoadError(`--host dom0 runs paravirtual domains (guest 0's back ends serve their front ends): give a mode that runs PARAVIRT builds, not ${mode.name}`);
  // (the guests' disk files, one after the other, each a domain's partition: not copied)
  const image = new DiskImage(guests.map((g) => g.disk ?? new Uint8Array(0)));
  const table: DomainRow[] = image.partitions.map((p, i) => ({ domid: i + 1, firstSector: p.first, sectors: p.sectors, line: i + 1 }));

  let hv!: Hypervisor;
  const physical = new PhysicalDevices(() => hv);
  const board = new Switchboard(() => hv, physical, guests.length + 1, table, image.sectors, setup.crashAt, [undefined, ...consoles]);
  let iommu: Iommu | undefined;
  const dom0Input: GuestInput = { name: 'dom0', image: setup.image, file: setup.file, memoryBytes: setup.memoryBytes, memoryOption: '--dom0-mem' };
  // Guest 0 runs after the guests in the scheduler's order (they start first; it is woken
  // by their events): VM ids 0..n-1 are the guests (domains 1..n), id n is guest 0.
  hv = bootVmm([...guests, dom0Input], config, mode, [...consoles, dom0Console], 0, (vm) => {
    const domid = vm.id === guests.length ? 0 : vm.id + 1;
    vm.links = board.linksFor(vm, domid);
    if (domid !== 0) return;
    iommu = new Iommu(vm.memory, (pfn) => board.unwritable(0, pfn));
    const disk = new Disk({ number: IRQ.disk, raise: () => board.diskInterrupt() }, iommu, image);
    physical.traceDisk(disk, vm, 'physical disk', (address) => `bus address ${address} (guest 0's memory, through the IOMMU)`);
    physical.bus.attach(DOM0_PORT.disk, disk);
    physical.bus.attach(DOM0_PORT.lines, new TerminalLines([dom0Console, ...consoles], iommu));
    vm.passthrough = physical.passThrough();
  });
  const dom0 = hv.vms[guests.length]!;
  // Guest 0 is shut down once every domain it served has ended and it has nothing left to
  // do (it waits, and no device will interrupt): so it takes and writes their last output.
  // One that keeps running instead is stopped SHUTDOWN_GRACE instructions later (the CPU's
  // count: after its domains, guest 0 is the only one running).
  const allEnded = () => board.served.every((vm) => !vm.running);
  const cpu = hv.processor.cpu;
  let graceEnd = Infinity;
  hv.hostWants = () => {
    if (!dom0.running) return !board.gone;
    if (!allEnded()) return false;
    if (graceEnd === Infinity) {
      graceEnd = cpu.instructions + SHUTDOWN_GRACE;
      return true; // (back to the host's loop, which bounds guest 0's slices by it)
    }
    return cpu.instructions >= graceEnd;
  };
  physical.run(
    () => {
      if (!dom0.running) board.backendGone();
      if (dom0.running && cpu.instructions >= graceEnd) { // (graceEnd is set once all have ended)
        dom0.end('killed', `every domain it served has ended, and it was still busy ${SHUTDOWN_GRACE.toLocaleString('en-US')} instructions later: the VMM shut it down`);
        board.backendGone();
      }
    },
    () => {
      if (!dom0.running) return;
      if (allEnded()) {
        // (requests guest 0 never answered: a domain that waited for them ran on to its end)
        const left = board.finalIo().map((io, i) => ({ name: board.served[i]!.name, n: io.unanswered })).filter((d) => d.n > 0);
        const unanswered = left.length ? ` (it left ${left.map((d) => `${d.n} block request${d.n === 1 ? '' : 's'} of ${d.name}`).join(', ')} unanswered)` : '';
        dom0.end('halted', `every domain it served has ended: the VMM shut guest 0 down, as Xen's toolstack would${unanswered}`);
        board.backendGone();
        return;
      }
      // Every domain waits and no device will interrupt: guest 0 left requests unanswered (a
      // front end that made them unanswerable has been destroyed by it). Guest 0 is stopped,
      // and the VMM answers the rings. (With guest 0 gone, it has just answered them.)
      const waiting = board.served.filter((vm) => vm.running).map((vm) => vm.name).join(', ');
      dom0.end('killed', `deadlock: the domains it serves (${waiting}) wait for answers to their requests, and guest 0, waiting too, will not give them (no device will interrupt)`);
      board.backendGone();
    },
    () => graceEnd,
  );
  hv.vms.pop(); // guest 0 is the host's, not one of the guests
  const domainSwitches = [...hv.vms, dom0].reduce((n, vm) => n + vm.exits[REASON['guest-switch'].index]!, 0);
  const exits = EXIT_REASONS.reduce((n, r, k) => n + (REASON[r.name].note ? 0 : dom0.exits[k]!), 0);
  return {
    hv,
    host: {
      topology: 'dom0', image: setup.file, status: dom0.status === 'running' ? 'limit' : dom0.status, reason: dom0.reason,
      console: dom0Console.text(), cycles: dom0.cycles, hostCycles: hv.hostCycles, exits, domainSwitches,
      eventsRouted: board.eventsRouted, interruptsRouted: board.interruptsRouted, iommuRefused: iommu?.refused ?? 0,
      io: board.finalIo().map((io, i) => ({ guest: guests[i]!.name, ...io })),
    },
  };
}

