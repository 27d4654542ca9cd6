// Hosted: what the VMM's device model asks of the host OS, through its process (VMware's
// VMX). A guest's virtual devices stay in the VMM (their timing as the guest sees it is
// unchanged), but their backends are the host's: the virtual disk is a cache of the
// guest's disk file on the host's physical disk, filled by host reads when a command
// starts and written back by host writes when one ends; console lines go to the guest's
// terminal line by a host write. Each is a request: queued here, posted in the request page
// on the way back to the host, carried out by the host OS's system call and driver, and
// completed here on the next world switch into the VMM (host-abi.ts).

import { hex } from '../../../isa/disasm.js';
import type { ConsoleBackend } from '../../../machine/devices/console.js';
import type { DiskImage, DiskTransfer } from '../../../machine/devices/disk.js';
import { DISK_COMMAND, DISK_STATUS, DISK_STATUS_NAMES, SECTOR_SIZE } from '../../../machine/platform.js';
import { REASON } from '../../exits.js';
import type { Hypervisor } from '../../hypervisor.js';
import type { Vm } from '../../vm.js';
import { REQUEST, REQUEST_MAX_SECTORS, REQUEST_OP } from './host-abi.js';

/** Most bytes of one console line request (a page). */
export const LINE_MAX = REQUEST_MAX_SECTORS * SECTOR_SIZE;

interface HostRequest {
  readonly id: number;
  readonly op: number;
  readonly vm: Vm;
  readonly sector: number;
  readonly count: number;
  /** What a write carries (console bytes, disk sectors). */
  readonly data: Uint8Array | undefined;
  /** Host cycles when it was posted. */
  posted: number;
}

/** The request page as the VMM sees it: words of host physical memory. */
export interface RequestPage {
  read(offset: number): number;
  write(offset: number, value: number): void;
  /** The data page's bytes, once checked (undefined: the host OS gave a bad address). */
  data(): Uint8Array | undefined;
  /** Write bytes at the start of the data page (as a DMA would: compiled code there is
   *  forgotten); nothing when its address is bad. */
  writeData(bytes: Uint8Array): void;
}

/** Per guest, what its I/O cost the host: requests by kind and their host cycles. */
export interface HostIoFigures {
  diskReads: number;
  diskWrites: number;
  consoleLines: number;
  /** Host cycles from posting each request to its completion, summed. */
  hostCycles: number;
}

export class VmmProcess {
  private readonly queue: HostRequest[] = [];
  private inFlight: HostRequest | undefined;
  private nextId = 1;
  /** Each guest's console line being gathered, and its length. */
  private readonly lines: Uint8Array[];
  private readonly lineLengths: Int32Array;
  readonly figures: HostIoFigures[];
  private hv!: Hypervisor;

  /** For `guests` guests (their consoles exist before the VMM that runs them: attach). */
  constructor(guests: number) {
    this.lines = Array.from({ length: guests }, () => new Uint8Array(LINE_MAX));
    this.lineLengths = new Int32Array(guests);
    this.figures = this.lines.map(() => ({ diskReads: 0, diskWrites: 0, consoleLines: 0, hostCycles: 0 }));
  }

  /** The VMM whose guests' devices this process serves: each disk command comes here. */
  attach(hv: Hypervisor): void {
    this.hv = hv;
    for (const vm of hv.vms) {
      const disk = vm.devices.disk;
      const traced = disk.onCommand;
      disk.onCommand = (t) => {
        traced?.(t);
        this.diskCommand(vm, t);
      };
    }
  }

  /** Guest `index`'s virtual console backend: its bytes, a line at a time, to the host. */
  consoleOf(index: number): ConsoleBackend {
    return {
      putByte: (byte) => {
        const length = this.lineLengths[index]!;
        this.lines[index]![length] = byte;
        this.lineLengths[index] = length + 1;
        if (byte === 10 || length + 1 === LINE_MAX) this.consoleLine(this.hv.vms[index]!);
      },
    };
  }

  /** A disk command of the guest started (status busy) or finished. */
  private diskCommand(vm: Vm, t: DiskTransfer): void {
    // A command the virtual disk will refuse (sectors past its end, a DMA range outside the
    // guest's memory) moves nothing: it needs the host for nothing.
    if (vm.devices.disk.rangeStatus(t) !== DISK_STATUS.OK) return;
    if (t.command === DISK_COMMAND.READ && t.status === DISK_STATUS.BUSY) this.chunks(vm, REQUEST_OP.DISK_READ, t, undefined);
    else if (t.command === DISK_COMMAND.WRITE && t.status === DISK_STATUS.OK) this.chunks(vm, REQUEST_OP.DISK_WRITE, t, vm.devices.disk.image);
  }

  /** Guests that ended with part of a line unsent: it goes out now. */
  flushEnded(): void {
    for (const vm of this.hv.vms) if (!vm.running && this.lineLengths[vm.id]! > 0) this.consoleLine(vm);
  }

  get pending(): boolean {
    return this.queue.length > 0;
  }

  /** Requests the host OS has carried out (or answered). */
  completed = 0;

  /** Requests the host OS answered as failed, or short: the VMM asks only what the guest's
   *  device accepted, so each is the host's (a console line or disk data lost). */
  failed = 0;

  /** Requests queued or posted that the host OS never carried out (when it stops). */
  get unfinished(): number {
    return this.queue.length + (this.inFlight ? 1 : 0);
  }

  /** The id of the request the host OS has now (0: none). */
  get postedId(): number {
    return this.inFlight?.id ?? 0;
  }

  /** Write the next request into the page (the host OS carries it out); the guest it is for. */
  post(page: RequestPage, now: number): Vm {
    const r = this.queue.shift()!;
    r.posted = now;
    this.inFlight = r;
    page.write(REQUEST.OP, r.op);
    page.write(REQUEST.FD, r.vm.id);
    page.write(REQUEST.SECTOR, r.sector);
    page.write(REQUEST.COUNT, r.count);
    page.write(REQUEST.STATUS, 0);
    page.write(REQUEST.ID, r.id);
    if (r.data) page.writeData(r.data);
    return r.vm;
  }

  /** The host OS answered the request in flight: copy the result in, note the hop.
   *  Returns the guest it was for (undefined: none was in flight). */
  complete(page: RequestPage, now: number): Vm | undefined {
    const r = this.inFlight;
    if (!r) return undefined;
    this.inFlight = undefined;
    this.completed++;
    const status = page.read(REQUEST.STATUS);
    const figures = this.figures[r.vm.id]!;
    figures.hostCycles += now - r.posted;
    let ok = true;
    if (r.op === REQUEST_OP.DISK_READ) {
      const data = page.data();
      ok = status === DISK_STATUS.OK && data !== undefined;
      // A read the host could not do leaves the cache as it was (the guest's disk reads
      // zeros there): the host OS is trusted, and the note names the failure.
      if (ok) r.vm.devices.disk.image.write(r.sector * SECTOR_SIZE, data!.subarray(0, r.count * SECTOR_SIZE));
    } else if (r.op === REQUEST_OP.DISK_WRITE) {
      ok = status === DISK_STATUS.OK;
    } else {
      ok = status === r.count;
    }
    if (!ok) this.failed++;
    this.hv.hostNote(r.vm, REASON['host-io'], 'transferred', 0, r.id, () => {
      const what = r.op === REQUEST_OP.CONSOLE_WRITE ? `console write of ${r.count} bytes to terminal line ${r.vm.id + 1}: ${status} written` : `disk ${r.op === REQUEST_OP.DISK_READ ? 'read' : 'write'} of ${r.count} sector${r.count === 1 ? '' : 's'} at sector ${r.sector} of the guest's disk file: ${DISK_STATUS_NAMES[status] ?? hex(status)}`;
      return `the host OS did request ${r.id} (${what})${ok && r.op === REQUEST_OP.DISK_READ ? ', copied into the virtual disk' : ''}${ok ? '' : ': FAILED'}; ${(now - r.posted).toLocaleString('en-US')} host cycles since it was posted`;
    });
    return r.vm;
  }

  private consoleLine(vm: Vm): void {
    const data = this.lines[vm.id]!.slice(0, this.lineLengths[vm.id]);
    this.lineLengths[vm.id] = 0;
    this.figures[vm.id]!.consoleLines++;
    this.request(vm, REQUEST_OP.CONSOLE_WRITE, 0, data.length, data, () => `a console line of ${data.length} bytes, for the host to write to terminal line ${vm.id + 1}`);
  }

  /** A disk command as requests of at most REQUEST_MAX_SECTORS sectors each. */
  private chunks(vm: Vm, op: number, t: DiskTransfer, image: DiskImage | undefined): void {
    const figures = this.figures[vm.id]!;
    for (let s = t.sector; s < t.sector + t.count; s += REQUEST_MAX_SECTORS) {
      const n = Math.min(REQUEST_MAX_SECTORS, t.sector + t.count - s);
      if (op === REQUEST_OP.DISK_READ) figures.diskReads++;
      else figures.diskWrites++;
      const data = image?.read(s * SECTOR_SIZE, n * SECTOR_SIZE);
      const which = n === 1 ? `sector ${s}` : `sectors ${s}..${s + n - 1}`;
      this.request(vm, op, s, n, data, () => `the virtual disk's ${op === REQUEST_OP.DISK_READ ? 'read' : 'write'} of ${which}: the host ${op === REQUEST_OP.DISK_READ ? 'reads' : 'writes'} ${n === 1 ? 'it' : 'them'} ${op === REQUEST_OP.DISK_READ ? 'from' : 'to'} the guest's disk file`);
    }
  }

  private request(vm: Vm, op: number, sector: number, count: number, data: Uint8Array | undefined, detail: () => string): void {
    const id = this.nextId++;
    this.queue.push({ id, op, vm, sector, count, data, posted: 0 });
    this.hv.leaveForHost = true;
    this.hv.hostNote(vm, REASON['host-request'], 'started', 0, id, () => `request ${id}: ${detail()}`);
  }
}
