// Host physical memory as the VMM hands it out: whole 4 KiB frames, to back each guest's
// memory and to hold what its mode needs (shadow page tables, ...). A bump allocator is
// enough: guests live as long as the run.

import { PAGE_SIZE } from '../isa/arch.js';

export class HostFrames {
  private next: number;

  /** Frames [first, total) are the VMM's to hand out (below `first`: a hosted topology's
   *  host OS). */
  constructor(
    readonly total: number,
    first = 0,
  ) {
    this.next = first;
  }

  /** n consecutive free frame numbers. Throws when the host is out of memory (a VMM bug:
   *  host memory is sized for every guest before the run starts). */
  allocate(n: number): Int32Array {
    if (this.next + n > this.total) throw new Error(`host out of memory: ${n} frames wanted, ${this.total - this.next} free`);
    const frames = new Int32Array(n);
    for (let i = 0; i < n; i++) frames[i] = this.next + i;
    this.next += n;
    return frames;
  }
}

export function framesFor(bytes: number): number {
  return Math.ceil(bytes / PAGE_SIZE);
}
