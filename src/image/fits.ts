// Whether an image fits in a machine's (or a guest's) physical memory.

import type { Image } from './model.js';

export class LoadError extends Error {}

/** Check that an image's segments fit in `memoryBytes` of guest-physical memory. */
export function checkFits(image: Image, memoryBytes: number): void {
  for (const seg of image.segments) {
    if (seg.address + seg.bytes.length > memoryBytes) {
      throw new LoadError(
        `segment 0x${seg.address.toString(16)}..0x${(seg.address + seg.bytes.length).toString(16)} does not fit in ${memoryBytes} bytes of memory (raise --mem)`,
      );
    }
  }
}

