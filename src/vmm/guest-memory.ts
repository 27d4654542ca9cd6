// A guest's physical memory as its VMM sees it: guest frame numbers map to host frames the
// VMM chose. Every guest-physical access the VMM makes goes through here and is
// bounds-checked against the guest's size, so nothing a guest names can reach another
// guest's frames or the VMM's.

import type { DmaMemory } from '../machine/device.js';
import type { PhysicalMemory, WordMemory } from '../machine/memory.js';

export class GuestMemory implements WordMemory {
  readonly size: number;
  /** Called after every write into this memory that is not the CPU's own store while the
   *  guest runs: the VMM's emulated stores (reported with noteWrite), its page walks' A and D
   *  bits, DMA, loading. The one path by which state derived from guest memory (binary
   *  translations) hears of writes. */
  onWrite: (gpa: number, length: number) => void = () => {};
  /** Called after a DMA write of [gpa, gpa + length) (after onWrite). */
  onDmaWrite: (gpa: number, length: number) => void = () => {};

  /** host frame - lowest -> gfn + 1 (0: not this guest's), for guestFrameOf. */
  private readonly reverse: Int32Array;
  private readonly lowest: number;

  constructor(
    readonly host: PhysicalMemory,
    /** gfn -> host frame number */
    readonly frames: Int32Array,
  ) {
    this.size = frames.length * 4096;
    let lowest = Infinity;
    let highest = -1;
    for (const f of frames) {
      lowest = Math.min(lowest, f);
      highest = Math.max(highest, f);
    }
    this.lowest = highest < 0 ? 0 : lowest;
    this.reverse = new Int32Array(highest + 1 - this.lowest);
    frames.forEach((hostFrame, gfn) => (this.reverse[hostFrame - this.lowest] = gfn + 1));
  }

  /** The guest frame backed by host frame `hostFrame`, or -1 if it is not this guest's. */
  guestFrameOf(hostFrame: number): number {
    return (this.reverse[hostFrame - this.lowest] ?? 0) - 1;
  }

  contains(gpa: number, length: number): boolean {
    return gpa >= 0 && length >= 0 && gpa + length <= this.size;
  }

  /** Host physical address of a guest-physical address inside the guest. */
  hostAddress(gpa: number): number {
    return this.frames[gpa >>> 12]! * 4096 + (gpa & 4095);
  }

  read32(gpa: number): number {
    return this.host.words[this.hostAddress(gpa) >>> 2]!;
  }

  write32(gpa: number, value: number): void {
    this.host.write32(this.hostAddress(gpa), value);
    this.onWrite(gpa, 4);
  }

  /** [gpa, gpa + length) was written at its host address (by the emulator). */
  noteWrite(gpa: number, length: number): void {
    this.onWrite(gpa, length);
  }

  /** Copy bytes in at gpa (inside the guest), page by page. */
  writeBytes(gpa: number, bytes: Uint8Array): void {
    let done = 0;
    while (done < bytes.length) {
      const at = gpa + done;
      const chunk = Math.min(4096 - (at & 4095), bytes.length - done);
      this.host.writeBytes(this.hostAddress(at), bytes.subarray(done, done + chunk));
      done += chunk;
    }
    if (bytes.length) this.onWrite(gpa, bytes.length);
  }

  readBytes(gpa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = gpa + done;
      const chunk = Math.min(4096 - (at & 4095), length - done);
      const h = this.hostAddress(at);
      out.set(this.host.bytes.subarray(h, h + chunk), done);
      done += chunk;
    }
    return out;
  }

  /** The guest's memory as its virtual disk's DMA engine sees it (the device checks bounds
   *  against `size`; writes are reported so translations and shadows stay coherent). */
  dma(): DmaMemory {
    return {
      size: this.size,
      write: (address, bytes) => {
        this.writeBytes(address, bytes);
        if (bytes.length) this.onDmaWrite(address, bytes.length);
      },
      read: (address, length) => this.readBytes(address, length),
    };
  }
}
