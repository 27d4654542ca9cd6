// Block disk with DMA: the kernel sets SECTOR, ADDRESS (physical), COUNT and writes COMMAND;
// the transfer completes LATENCY ticks later, moving whole 512-byte sectors between the disk
// and memory, and raises the line. The registers are latched when COMMAND is written.
// Errors are reported in STATUS, never by failing:
// sectors past the end -> BAD_SECTOR, a DMA range outside memory (or, behind an IOMMU, not
// mapped for the access) -> BAD_ADDRESS.
//   SECTOR ADDRESS COUNT (rw)   COMMAND (w) 1 read, 2 write   STATUS (r)   SIZE (r) in sectors
// The disk model works on a DiskImage (the backend): changes stay in memory, never on the file.

import { DISK_COMMAND, DISK_REG, DISK_STATUS, DISK_STATUS_NAMES, SECTOR_SIZE } from '../platform.js';
import type { Device, DmaMemory, IrqLine } from '../device.js';

/** The unit a DiskImage copies on a first write: 64 KiB, 128 sectors. */
const CHUNK = 128 * SECTOR_SIZE;

/** A disk's contents: the bytes it was made from (a disk file's, a whole number of sectors
 *  with the last padded with zeros; or several files', each from a sector of its own: joined),
 *  copied a CHUNK at a time as writes first reach them. The bytes given are never written, so
 *  the run that measures the overhead, another guest or a later machine may start from the
 *  same file without a copy of its own: two disks of the documented most (256 MiB each) cost
 *  their files' memory, not that again for every run. */
export class DiskImage {
  /** The disk's size in bytes. */
  readonly size: number;
  private readonly chunks: (Uint8Array | undefined)[];
  /** The bytes it was made from, each at its offset (the rest reads zeros). */
  private readonly parts: readonly { readonly at: number; readonly bytes: Uint8Array }[];
  /** Each file's partition, in order: its first sector and its sectors. */
  readonly partitions: readonly { readonly first: number; readonly sectors: number }[];

  /** contents: a disk file's bytes, or several files' joined, each from the next sector on
   *  (as partitions: a hosted VMM's guests' disk files on the host's disk), not copied. */
  constructor(contents: Uint8Array | readonly Uint8Array[] = new Uint8Array(0)) {
    let at = 0;
    this.parts = (contents instanceof Uint8Array ? [contents] : contents).map((bytes) => {
      const part = { at, bytes };
      at += Math.ceil(bytes.length / SECTOR_SIZE) * SECTOR_SIZE;
      return part;
    });
    this.size = at;
    this.partitions = this.parts.map((p) => ({ first: p.at / SECTOR_SIZE, sectors: Math.ceil(p.bytes.length / SECTOR_SIZE) }));
    this.chunks = new Array<Uint8Array | undefined>(Math.ceil(at / CHUNK)).fill(undefined);
  }

  get sectors(): number {
    return this.size / SECTOR_SIZE;
  }

  /** Bytes at..at + length (inside the disk), not to be written: a file's own where no write
   *  has reached them and one file holds them all, else a copy. */
  read(at: number, length: number): Uint8Array {
    const first = Math.floor(at / CHUNK);
    const last = Math.floor((at + length - 1) / CHUNK);
    let written = false;
    for (let c = first; c <= last && !written; c++) written = this.chunks[c] !== undefined;
    const part = written ? undefined : this.parts.find((p) => at >= p.at && at + length <= p.at + p.bytes.length);
    if (part) return part.bytes.subarray(at - part.at, at - part.at + length);
    const out = new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const offset = (at + done) % CHUNK;
      const n = Math.min(length - done, CHUNK - offset);
      const chunk = this.chunks[Math.floor((at + done) / CHUNK)];
      if (chunk) out.set(chunk.subarray(offset, offset + n), done);
      else this.original(at + done, n, out, done);
      done += n;
    }
    return out;
  }

  /** Write data at `at` (inside the disk). */
  write(at: number, data: Uint8Array): void {
    for (let done = 0; done < data.length; ) {
      const index = Math.floor((at + done) / CHUNK);
      const offset = (at + done) % CHUNK;
      const n = Math.min(data.length - done, CHUNK - offset);
      let chunk = this.chunks[index];
      if (!chunk) {
        const start = index * CHUNK;
        chunk = new Uint8Array(Math.min(CHUNK, this.size - start));
        this.original(start, chunk.length, chunk, 0);
        this.chunks[index] = chunk;
      }
      chunk.set(data.subarray(done, done + n), offset);
      done += n;
    }
  }

  /** The bytes it was made from at at..at + length, into out from `into` (zeros where no
   *  file's bytes are: out is fresh). */
  private original(at: number, length: number, out: Uint8Array, into: number): void {
    for (const { at: from, bytes } of this.parts) {
      const lo = Math.max(at, from);
      const hi = Math.min(at + length, from + bytes.length);
      if (lo < hi) out.set(bytes.subarray(lo - from, hi - from), into + lo - at);
    }
  }
}

/** A finished disk command: what was asked (as latched) and the STATUS it ended with. */
export interface DiskTransfer {
  command: number;
  sector: number;
  address: number;
  count: number;
  status: number;
}

/** A transfer in words, for traces: "<device> read of N sectors at sector S into <memory>:
 *  <status>". */
export function describeTransfer(t: DiskTransfer, device: string, memory: string): string {
  const what = t.command === DISK_COMMAND.READ ? 'read' : t.command === DISK_COMMAND.WRITE ? 'write' : `command ${t.command}`;
  const way = t.command === DISK_COMMAND.READ ? 'into' : 'from';
  return `${device} ${what} of ${t.count} sector${t.count === 1 ? '' : 's'} at sector ${t.sector} ${way} ${memory}: ${DISK_STATUS_NAMES[t.status] ?? t.status}`;
}

export const DISK_LATENCY = { base: 200, perSector: 50 } as const;

export class Disk implements Device {
  readonly name = 'disk';
  readonly ports = 8;
  private sector = 0;
  private address = 0;
  private count = 0;
  private status: number = DISK_STATUS.IDLE;
  private command = 0;
  /** The transfer in flight, latched when COMMAND was written. */
  private job = { sector: 0, address: 0, count: 0 };
  private doneAt = Infinity;
  private now = 0;
  transfers = 0;
  /** Told of each command when it starts (status BUSY) and when it finishes (data moved or
   *  not, with its final status); for the VMM's trace. */
  onCommand: ((t: DiskTransfer) => void) | undefined;

  constructor(
    readonly irq: IrqLine,
    private readonly memory: DmaMemory,
    /** The disk's contents (a hosted VMM's device model fills it from the host OS). */
    readonly image: DiskImage,
  ) {}

  read(offset: number): number {
    switch (offset) {
      case DISK_REG.SECTOR: return this.sector;
      case DISK_REG.ADDRESS: return this.address;
      case DISK_REG.COUNT: return this.count;
      case DISK_REG.STATUS: return this.status;
      case DISK_REG.SIZE: return this.image.sectors;
      default: return 0;
    }
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case DISK_REG.SECTOR: this.sector = value >>> 0; break;
      case DISK_REG.ADDRESS: this.address = value >>> 0; break;
      case DISK_REG.COUNT: this.count = value >>> 0; break;
      case DISK_REG.COMMAND: this.start(value); break;
    }
  }

  private start(command: number): void {
    if (this.status === DISK_STATUS.BUSY) return;
    this.command = command;
    this.job = { sector: this.sector, address: this.address, count: this.count };
    if (command !== DISK_COMMAND.READ && command !== DISK_COMMAND.WRITE) {
      this.finish(DISK_STATUS.BAD_COMMAND);
      return;
    }
    this.status = DISK_STATUS.BUSY;
    this.doneAt = this.now + DISK_LATENCY.base + DISK_LATENCY.perSector * Math.min(this.count, 1 << 16);
    this.onCommand?.({ command, ...this.job, status: this.status });
  }

  advance(now: number): void {
    this.now = now;
    if (this.status === DISK_STATUS.BUSY && now >= this.doneAt) this.finish(this.transfer());
  }

  nextEvent(now: number): number {
    return this.status === DISK_STATUS.BUSY ? this.doneAt - now : Infinity;
  }

  /** The status a transfer ends with whatever happens while it is in flight: BAD_SECTOR
   *  (sectors past the end, or none), BAD_ADDRESS (a DMA range outside memory), else OK
   *  (an IOMMU may still refuse it when it ends: its mappings can change meanwhile). A
   *  hosted VMM asks its host for the sectors of a command only when this is OK. */
  rangeStatus(t: { readonly sector: number; readonly count: number; readonly address: number }): number {
    if (t.count === 0 || t.sector + t.count > this.image.sectors) return DISK_STATUS.BAD_SECTOR;
    if (t.address + t.count * SECTOR_SIZE > this.memory.size) return DISK_STATUS.BAD_ADDRESS;
    return DISK_STATUS.OK;
  }

  private transfer(): number {
    const { sector, count, address } = this.job;
    const range = this.rangeStatus(this.job);
    if (range !== DISK_STATUS.OK) return range;
    const length = count * SECTOR_SIZE;
    if (this.memory.permits && !this.memory.permits(address, length, this.command === DISK_COMMAND.READ)) return DISK_STATUS.BAD_ADDRESS;
    const at = sector * SECTOR_SIZE;
    if (this.command === DISK_COMMAND.READ) this.memory.write(address, this.image.read(at, length));
    else this.image.write(at, this.memory.read(address, length));
    this.transfers++;
    return DISK_STATUS.OK;
  }

  private finish(status: number): void {
    this.status = status;
    this.doneAt = Infinity;
    this.onCommand?.({ command: this.command, ...this.job, status });
    this.irq.raise();
  }
}
