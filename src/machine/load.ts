// The loader: an image into physical memory (the bare machine's, or a guest's guest-physical
// memory), and the CPU (physical or virtual) into its architectural reset state. The one
// place where an image is checked against the memory it must fit in.

import { CR, FLAG, LR, MACHINE_ID, SP } from '../isa/arch.js';
import type { Image } from '../image/model.js';
import type { CpuState } from './cpu.js';

export class LoadError extends Error {}

/** Memory an image is loaded into. */
export interface LoadTarget {
  readonly size: number;
  writeBytes(address: number, bytes: Uint8Array): void;
}

/** Load `image` (from `file`, named in errors) and reset `cpu`: pc at the entry, supervisor
 *  mode with interrupts off, sp at the top of memory, the machine id in mid. An image that
 *  does not fit names `memoryOption`, the option that sets this memory. */
export function loadImage(image: Image, memory: LoadTarget, cpu: CpuState, file?: string, memoryOption = '--mem'): void {
  const where = file ? `${file}: ` : '';
  for (const seg of image.segments) {
    if (seg.address + seg.bytes.length > memory.size) {
      throw new LoadError(
        `${where}segment 0x${seg.address.toString(16)}..0x${(seg.address + seg.bytes.length).toString(16)} does not fit in ${memory.size} bytes of memory (raise ${memoryOption})`,
      );
    }
  }
  for (const seg of image.segments) memory.writeBytes(seg.address, seg.bytes);
  cpu.pc = image.entry;
  cpu.flags = FLAG.S;
  cpu.regs[SP] = memory.size;
  cpu.regs[LR] = 0;
  cpu.cr[CR.MID] = MACHINE_ID;
}
