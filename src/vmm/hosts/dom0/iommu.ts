// The IOMMU (Fraser et al., "Safe hardware access with the Xen virtual machine monitor",
// 2004): the VMM programs a table from bus frames to machine frames for the devices it
// passes through to guest 0, so that a device's DMA reaches only memory guest 0 owns: bus
// frame f is guest 0's pseudo-physical frame f. A transfer through a bus frame the table
// does not map, or into a frame guest 0 may not write (a page table, a page the VMM keeps
// read-only: Xen maps those read-only in the IOMMU), is refused: the device reports an
// error, and nothing is touched.

import type { DmaMemory } from '../../../machine/device.js';
import type { GuestMemory } from '../../guest-memory.js';

const PAGE = 4096;

export class Iommu implements DmaMemory {
  /** Bus frame -> machine frame (-1: not mapped). */
  readonly table: Int32Array;
  /** Transfers refused. */
  refused = 0;

  constructor(
    private readonly memory: GuestMemory,
    /** Why frame `pfn` may not be written now, or undefined. */
    private readonly unwritable: (pfn: number) => string | undefined,
  ) {
    this.table = Int32Array.from(memory.frames);
  }

  /** The bus's address space: the whole 32 bits; the table decides what is mapped. */
  readonly size = 2 ** 32;

  permits(address: number, length: number, write: boolean): boolean {
    if (length <= 0) return true;
    const first = Math.floor(address / PAGE);
    const last = Math.floor((address + length - 1) / PAGE);
    for (let f = first; f <= last; f++) {
      if (!(f >= 0 && f < this.table.length) || this.table[f]! < 0 || (write && this.unwritable(f) !== undefined)) {
        this.refused++;
        return false;
      }
    }
    return true;
  }

  write(address: number, bytes: Uint8Array): void {
    this.memory.dma().write(address, bytes);
  }

  read(address: number, length: number): Uint8Array {
    return this.memory.readBytes(address, length);
  }
}
