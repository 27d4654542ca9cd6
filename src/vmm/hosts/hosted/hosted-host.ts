// --host hosted: a type-2 VMM (docs/topologies.md). The host OS, a TOY32 program
// (guests/host/hostos.s by default), boots first on the simulated machine and owns it: the
// physical devices, the timer, all memory. The VMM is one of its processes: the process's
// system call makes the host's VMM driver write the vmmon port, and at that instruction
// boundary the CPU switches worlds: the host's registers, control registers and address
// space are saved, and the VMM runs its guests until the host's timer is due (the host
// takes the CPU back, and may run its other process) or a guest's device needs the host
// (vmm-process.ts: the process carries the request out with host system calls, then asks
// again). Each switch, either way, is a `world-switch` note charged by the cost model.
//
// The physical disk holds every guest's disk file, one partition each (boot info); the
// terminal lines carry every guest's console out. Host memory is [0, HOST_OS_BYTES) for
// the host OS, then the VMM's frames for its guests.

import { CR, PAGE_SIZE } from '../../../isa/arch.js';
import { hex } from '../../../isa/disasm.js';
import type { Image } from '../../../image/model.js';
import type { GuestInput } from '../../../machine/config.js';
import { copyRegisters } from '../../../machine/cpu.js';
import type { ConsoleBackend } from '../../../machine/devices/console.js';
import { DiskImage } from '../../../machine/devices/disk.js';
import { LoadError } from '../../../machine/load.js';
import { Machine, type Termination } from '../../../machine/machine.js';
import { SECTOR_SIZE } from '../../../machine/platform.js';
import { bootVmm } from '../../boot.js';
import { REASON } from '../../exits.js';
import type { Hypervisor, VmmConfig } from '../../hypervisor.js';
import type { Mode } from '../../modes/mode.js';
import type { Vm } from '../../vm.js';
import { TerminalLines } from '../../../machine/devices/lines.js';
import { VmmonDevice } from './vmmon.js';
import { HOST_APP, HOST_INFO, HOST_OS_BYTES, HOST_INFO_MAGIC, HOST_MAX_GUESTS, HOST_PORT, REQUEST, VMMON_STATUS } from './host-abi.js';
import { VmmProcess, type HostIoFigures, type RequestPage } from './vmm-process.js';
import { isCutNote } from '../../../text/cut-note.js';

/** The host OS's time slice (its timer period), in ticks. */
export const HOST_SLICE = 20_000;

/** How many instructions of its own the host OS may run (docs/topologies.md): a base for its
 *  boot, then an allowance for each guest instruction (its other process shares the CPU) and
 *  for each request it carries out. Past that it is stuck, or starves its VMM process. */
export const HOST_ALLOWANCE = { base: 20_000_000, perGuestInstruction: 16, perRequest: 20_000 } as const;

export interface HostedSetup {
  /** The host OS image, and the file it came from (for messages). */
  readonly image: Image;
  readonly file: string;
  readonly app: keyof typeof HOST_APP;
  /** 0: never; n: the host OS faults at its n-th timer tick. */
  readonly faultTick: number;
}

/** What the host did in a hosted run (the summary's host line; `host` in --json). */
export interface HostReport {
  topology: 'hosted';
  image: string;
  app: keyof typeof HOST_APP;
  status: Termination['status'];
  reason: string;
  /** The host's own console (line 0). */
  console: string;
  worldSwitches: number;
  /** Host cycles in all: the host OS, its processes, the guests and the VMM. */
  cycles: number;
  /** The guests' share of the CPU as the host's timer sees it: their instructions retired
   *  over every instruction the CPU retired (the host OS's and its processes' included). */
  guestShare: number;
  /** Per guest, in guest order: its requests to the host and their host cycles. */
  requests: HostIoFigures[];
}

/** What is wrong with running `guests` guests under the host OS, or undefined. */
export function hostedGuestsProblem(guests: number): string | undefined {
  return guests > HOST_MAX_GUESTS ? `--host hosted runs at most ${HOST_MAX_GUESTS} guests (one disk partition each on the host's disk), got ${guests}` : undefined;
}

/** Instructions the guests have retired (their share of the CPU's). */
function retiredByGuests(hv: Hypervisor): number {
  return hv.vms.reduce((n, vm) => n + vm.vcpu.instructions, 0);
}

/** Boot the host OS and the guests, run until the host stops, and say how it went. */
export function runHosted(guests: readonly GuestInput[], config: VmmConfig, mode: Mode, consoles: readonly ConsoleBackend[], setup: HostedSetup, hostConsole: ConsoleBackend & { text(): string }): { hv: Hypervisor; host: HostReport } {
  const tooMany = hostedGuestsProblem(guests.length);
  if (tooMany) throw new LoadError(tooMany);
  const process = new VmmProcess(guests.length);
  // The host's disk holds the guests' disk files, one after the other (not copied); the
  // VMM's virtual disk is a cache of the guest's file on it.
  const physicalDisk = new DiskImage(guests.map((g) => g.disk ?? new Uint8Array(0)));
  const sectors = physicalDisk.partitions.map((p) => p.sectors);
  const cached = guests.map((g, i) => ({ ...g, disk: g.disk ? new Uint8Array(sectors[i]! * SECTOR_SIZE) : undefined }));
  const hv = bootVmm(cached, config, mode, guests.map((_, i) => process.consoleOf(i)), HOST_OS_BYTES);
  process.attach(hv);
  const host = new HostedHost(hv, config, process, setup, [hostConsole, ...consoles], physicalDisk);
  const end = host.run(guests.length);
  const early = hv.vms.some((vm) => vm.running);
  const lost = process.unfinished;
  const failed = process.failed;
  const last = lastLine(hostConsole.text());
  const stopped = end.status === 'halted' ? `the host OS halted${last ? ` (${last})` : ''}` : `the host OS stopped (${end.status}: ${end.reason}${last ? `; ${last}` : ''})`;
  for (const vm of hv.vms) vm.end('killed', `${stopped} before its VMM process had finished: under --host hosted the VMM is one of its processes`);
  const instructions = hv.processor.cpu.instructions;
  const guestInstructions = retiredByGuests(hv);
  return {
    hv,
    host: {
      topology: 'hosted', image: setup.file, app: setup.app,
      status: early || lost || failed ? 'faulted' : end.status,
      reason: early ? `${stopped} while its VMM process still ran guests`
        : lost ? `${stopped} with ${lost} request${lost === 1 ? '' : 's'} of its VMM process not carried out: guest console output or disk writes are lost`
        : failed ? `${stopped}, having answered ${failed} request${failed === 1 ? '' : 's'} of its VMM process as failed or short (the trace's host-io notes say which): guest console output or disk data are lost`
        : end.reason,
      console: hostConsole.text(), worldSwitches: host.worldSwitches, cycles: hv.hostCycles,
      guestShare: instructions > 0 ? Math.round(Math.min(1, guestInstructions / instructions) * 1000) / 1000 : 0, requests: process.figures,
    },
  };
}

/** The host OS's last line, as it printed it (not the note of a console cut at its bound). */
function lastLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  if (lines.length > 1 && isCutNote(lines.at(-1)!)) lines.pop();
  const line = lines.pop();
  return line ? `it printed "${line}"` : '';
}

class HostedHost {
  readonly machine: Machine;
  private readonly vmmon: VmmonDevice;
  worldSwitches = 0;
  /** The host's CPU state while the VMM's world runs. */
  private readonly saved = { regs: new Int32Array(16), cr: new Int32Array(0), pc: 0, flags: 0, nestedRoot: -1 };
  /** The guest the last world switch was for (notes need a guest). */
  private lastVm: Vm;
  /** Host cycles when a host device came due while the VMM's world ran, or -1. */
  private arrived = -1;

  constructor(
    private readonly hv: Hypervisor,
    config: VmmConfig,
    private readonly process: VmmProcess,
    private readonly setup: HostedSetup,
    lines: readonly ConsoleBackend[],
    private readonly disk: DiskImage,
  ) {
    this.lastVm = hv.vms[0]!;
    this.machine = new Machine(config, { console: lines[0]!, disk }, hv.processor);
    hv.otherCycles = () => this.machine.eventCycles;
    this.machine.onInterrupt = (irq) => this.hostInterrupt(irq);
    this.vmmon = new VmmonDevice((page) => this.machine.atBoundary(() => this.enterVmm(page)));
    this.machine.bus.attach(HOST_PORT.vmmon, this.vmmon);
    this.machine.bus.attach(HOST_PORT.lines, new TerminalLines(lines));
    this.saved.cr = new Int32Array(hv.processor.cpu.cr.length);
  }

  /** Boot the host OS and run it until it stops (with every guest done, its VMM process
   *  exits and the host shuts down). */
  run(guests: number): Termination {
    const { image, file } = this.setup;
    const info = HOST_OS_BYTES - PAGE_SIZE;
    for (const seg of image.segments) {
      if (seg.address + seg.bytes.length > info) throw new LoadError(`${file}: segment 0x${seg.address.toString(16)}..0x${(seg.address + seg.bytes.length).toString(16)} does not fit in the host OS's ${HOST_OS_BYTES / 1024} KiB (below its boot-info page at ${hex(info)})`);
    }
    const m = this.machine;
    m.load(image, file);
    const memory = m.processor.memory;
    memory.write32(info + HOST_INFO.MAGIC, HOST_INFO_MAGIC);
    memory.write32(info + HOST_INFO.GUESTS, guests);
    memory.write32(info + HOST_INFO.APP, HOST_APP[this.setup.app]);
    memory.write32(info + HOST_INFO.FAULT_TICK, this.setup.faultTick);
    memory.write32(info + HOST_INFO.TIMER, HOST_SLICE);
    this.disk.partitions.forEach(({ first, sectors }, i) => {
      memory.write32(info + HOST_INFO.PARTITIONS + i * 8, first);
      memory.write32(info + HOST_INFO.PARTITIONS + i * 8 + 4, sectors);
    });
    m.cpu.regs[1] = info;
    m.cpu.regs[14] = info; // sp: below the boot-info page
    // The host OS's own instructions are bounded by what its guests' progress allows
    // (HOST_ALLOWANCE): a host that never runs its VMM, or starves it, is stopped.
    const { base, perGuestInstruction, perRequest } = HOST_ALLOWANCE;
    return m.run(2 ** 52, {
      limit: () => {
        const guests = retiredByGuests(this.hv);
        return Math.min(2 ** 52, guests + base + perGuestInstruction * guests + perRequest * this.process.completed);
      },
      reason: () =>
        `the host OS ran ${(m.cpu.instructions - retiredByGuests(this.hv)).toLocaleString('en-US')} instructions of its own, its whole allowance (${HOST_ALLOWANCE.base.toLocaleString('en-US')}, and ${HOST_ALLOWANCE.perGuestInstruction} per guest instruction and ${HOST_ALLOWANCE.perRequest.toLocaleString('en-US')} per request it carried out): it does not let its VMM process make progress`,
    });
  }

  /** The vmmon port was written: the world switch into the VMM, its work, and back. */
  private enterVmm(pagePa: number): void {
    const page = this.requestPage(pagePa);
    if (!page) {
      this.machine.stop('faulted', `the host OS's VMM driver gave the VMM a request page at ${hex(pagePa, 8)}: not a page of the host OS's memory (0..${hex(HOST_OS_BYTES - 2 * PAGE_SIZE, 8)})`);
      return;
    }
    // Every guest has ended and nothing is owed to the host: the driver says so at once.
    if (this.process.unfinished === 0 && this.hv.vms.every((vm) => !vm.running)) {
      this.vmmon.status = VMMON_STATUS.DONE;
      return;
    }
    const processor = this.hv.processor;
    const cpu = processor.cpu;
    const saved = this.saved;
    copyRegisters(saved.regs, cpu.regs);
    saved.cr.set(cpu.cr);
    saved.pc = cpu.pc;
    saved.flags = cpu.flags;
    saved.nestedRoot = processor.mmu.nestedRoot;
    const now = () => this.hv.hostCycles;
    this.switchNote(this.lastVm, 'into the VMM: the VMM process asked the VMM driver to run its guests');
    // (the VMM's own state was marked for loading again when its world last gave the CPU back)
    processor.tlb.flush();
    this.lastVm = this.process.complete(page, now()) ?? this.lastVm;
    this.process.flushEnded();
    let status: number = VMMON_STATUS.PREEMPTED;
    if (this.process.pending) status = VMMON_STATUS.REQUEST;
    else {
      const due = this.machine.bus.nextEvent(this.machine.now);
      if (due > 0) {
        this.hv.hostLimit = cpu.instructions + due;
        const ran = this.hv.runUntilHost();
        this.lastVm = this.hv.lastGuest ?? this.lastVm;
        this.hv.leaveForHost = false;
        this.process.flushEnded();
        status = this.process.pending ? VMMON_STATUS.REQUEST : ran === 'done' ? VMMON_STATUS.DONE : VMMON_STATUS.PREEMPTED;
        // The host's device came due while a guest had the CPU: the host takes it later.
        if (cpu.instructions >= this.hv.hostLimit) this.arrived = this.hv.hostCycles;
      }
    }
    if (status === VMMON_STATUS.REQUEST) this.lastVm = this.process.post(page, now());
    this.vmmon.status = status;
    // Back to the host's world: its state as it was, the TLB flushed.
    this.hv.worldSwitched();
    copyRegisters(cpu.regs, saved.regs);
    cpu.cr.set(saved.cr);
    cpu.crVersion++;
    cpu.pc = saved.pc;
    cpu.flags = saved.flags;
    cpu.halted = false;
    processor.mmu.nestedRoot = saved.nestedRoot;
    processor.tlb.setAsid(cpu.cr[CR.ASID]!);
    processor.tlb.flush();
    this.switchNote(this.lastVm, status === VMMON_STATUS.REQUEST ? 'back to the host OS: the VMM process has a request to carry out' : status === VMMON_STATUS.DONE ? 'back to the host OS: every guest has ended' : "back to the host OS: its timer is due (the VMM process is preempted)", status === VMMON_STATUS.REQUEST ? this.process.postedId : 0);
  }

  /** The host OS took interrupt `irq`: if it came due while the VMM's world ran, note the
   *  delivery and its latency (the host's device was "meant for another guest": the host). */
  private hostInterrupt(irq: number): void {
    if (this.arrived < 0) return;
    const latency = this.hv.hostCycles - this.arrived;
    this.arrived = -1;
    this.hv.hostNote(this.lastVm, REASON['host-interrupt'], 'injected', 0, 0, () => `the host OS took irq${irq} of its own devices, ${latency.toLocaleString('en-US')} cycles after it came due while this guest had the CPU (the external-interrupt exit gave the CPU back; the world switch routed it to the host)`);
  }

  private switchNote(vm: Vm, why: string, request = this.process.postedId): void {
    this.worldSwitches++;
    this.hv.hostNote(vm, REASON['world-switch'], 'switched', this.hv.costs.events.worldSwitch, request, () => `world switch ${why}`);
  }

  /** The request page at `pa`, if it is a page of the host OS's memory (not its boot info). */
  private requestPage(pa: number): RequestPage | undefined {
    if (pa & (PAGE_SIZE - 1) || pa + PAGE_SIZE > HOST_OS_BYTES - PAGE_SIZE) return undefined;
    const memory = this.hv.processor.memory;
    const dataPa = () => {
      const data = memory.read32(pa + REQUEST.DATA_PA) >>> 0;
      return data & (PAGE_SIZE - 1) || data + PAGE_SIZE > HOST_OS_BYTES - PAGE_SIZE ? -1 : data;
    };
    return {
      read: (offset) => memory.read32(pa + offset),
      write: (offset, value) => memory.write32(pa + offset, value),
      data: () => {
        const data = dataPa();
        return data < 0 ? undefined : memory.bytes.subarray(data, data + PAGE_SIZE);
      },
      writeData: (bytes) => {
        const data = dataPa();
        if (data >= 0) memory.writeBytes(data, bytes.subarray(0, PAGE_SIZE));
      },
    };
  }
}
