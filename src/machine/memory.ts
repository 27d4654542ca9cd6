// Physical memory: one ArrayBuffer viewed as bytes and as little-endian words.
// Word accesses are aligned (the CPU traps misaligned ones), so Int32Array indexing is exact.

import { PAGE_SIZE } from '../isa/arch.js';

export const MAX_MEMORY = 1 << 30;

/** The buffers of released memories (PhysicalMemory.release), by size, for the next memory
 *  of that size: those of at most SPARE_SIZE, SPARE_BYTES in all. A fresh buffer's pages are
 *  mapped by the operating system as they are first touched, which on the reference machine
 *  (a virtual machine itself) costs about 11 µs a page: 2 ms for a MiB, as much as a bench
 *  workload's whole run, and more or less of it from run to run as the allocator hands out
 *  recycled or fresh pages. A spare buffer is zeroed in place instead (about 20 µs a MiB once
 *  its pages are mapped; zeroing maps them all, which its first use may not have: hence the
 *  size bound). A process that runs one machine (vmm run) never releases one; vmm compare,
 *  the labs' scripts and the bench run hundreds. */
const spares = new Map<number, ArrayBuffer[]>();
const SPARE_SIZE = 8 << 20;
const SPARE_BYTES = 64 << 20;
let spareBytes = 0;

/** Word-addressed view of some physical memory: the machine's own, or a guest's
 *  guest-physical memory as its VMM sees it. Addresses are bounds-checked by callers. */
export interface WordMemory {
  readonly size: number;
  read32(address: number): number;
  write32(address: number, value: number): void;
}

export class PhysicalMemory implements WordMemory {
  readonly bytes: Uint8Array;
  readonly words: Int32Array;
  /** 1 for each frame that compiled code (the block compiler's) was made from. A write to
   *  such a frame calls onCodeWrite with the words it wrote (slots `first`..`last` of the
   *  frame), which drops the code made from them; true when it dropped some (the CPU must
   *  then leave compiled code). */
  readonly codeFrames: Uint8Array;
  /** By frame (made when its first block is): how many compiled blocks, over all of the
   *  CPU's code caches, were made from each word. The CPU's store checks it first, so a
   *  store to data beside code does not call onCodeWrite at all. */
  readonly codeWords: (Uint16Array | undefined)[];
  onCodeWrite: (frame: number, first: number, last: number) => boolean = () => false;
  private readonly buffer: ArrayBuffer;

  /** size: bytes, a multiple of the 4 KiB page, at most 1 GiB. */
  constructor(readonly size: number) {
    if (size <= 0 || size % PAGE_SIZE !== 0 || size > MAX_MEMORY) {
      throw new RangeError(`memory size ${size} must be a positive multiple of ${PAGE_SIZE} up to ${MAX_MEMORY}`);
    }
    let buffer = spares.get(size)?.pop();
    if (buffer) {
      spareBytes -= size;
      new Uint8Array(buffer).fill(0);
    } else buffer = new ArrayBuffer(size);
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.words = new Int32Array(buffer);
    this.codeFrames = new Uint8Array(size / PAGE_SIZE);
    this.codeWords = new Array<Uint16Array | undefined>(size / PAGE_SIZE).fill(undefined);
  }

  /** The machine is done with this memory: its buffer goes to the next memory of its size
   *  (see spares). This memory's views are detached (empty) from now on, so nothing can
   *  read or write the buffer through them. A second release does nothing. */
  release(): void {
    const buffer = this.buffer;
    if (buffer.byteLength === 0) return;
    // (a transfer moves the buffer's memory to a new ArrayBuffer and detaches the old one)
    const moved = structuredClone(buffer, { transfer: [buffer] });
    if (this.size > SPARE_SIZE || spareBytes + this.size > SPARE_BYTES) return;
    const same = spares.get(this.size) ?? [];
    same.push(moved);
    spares.set(this.size, same);
    spareBytes += this.size;
  }

  /** Blocks were made from (delta 1) or dropped from (-1) these words of a frame; the frame
   *  counts as code once made from (codeFrames), until its owner says none is left. */
  coverCode(frame: number, slots: Iterable<number>, delta: number): void {
    const words = (this.codeWords[frame] ??= new Uint16Array(1024));
    for (const k of slots) words[k]! += delta;
    if (delta > 0) this.codeFrames[frame] = 1;
  }

  /** True when [address, address + length) lies inside memory. */
  contains(address: number, length: number): boolean {
    return address >= 0 && length >= 0 && address + length <= this.size;
  }

  read32(address: number): number {
    return this.words[address >>> 2]!;
  }

  write32(address: number, value: number): void {
    this.words[address >>> 2] = value;
    if (this.codeFrames[address >>> 12]) this.onCodeWrite(address >>> 12, (address & 4095) >>> 2, (address & 4095) >>> 2);
  }

  /** Copy bytes in at address (the caller checked the range). */
  writeBytes(address: number, bytes: Uint8Array): void {
    this.bytes.set(bytes, address);
    if (bytes.length === 0) return;
    const end = address + bytes.length - 1;
    for (let frame = address >>> 12; frame <= end >>> 12; frame++) {
      if (!this.codeFrames[frame]) continue;
      const first = frame === address >>> 12 ? (address & 4095) >>> 2 : 0;
      const last = frame === end >>> 12 ? (end & 4095) >>> 2 : 1023;
      this.onCodeWrite(frame, first, last);
    }
  }
}

/** Parse a memory size such as `1M`, `512K`, `65536` or `0x100000`; undefined if malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^(0x[0-9a-f]+|\d+)([kmg]?)(i?b)?$/i.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  const unit = { '': 1, k: 1024, m: 1024 * 1024, g: 1024 * 1024 * 1024 }[m[2]!.toLowerCase()]!;
  return base * unit;
}
