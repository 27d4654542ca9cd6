// Terminal lines: the physical machine's serial lines, one per console a topology's host
// component drives (the host OS's, guest 0's): LINE selects a line (out of range: bytes go
// nowhere), DATA writes one byte to it, and, with DMA, writing COUNT sends COUNT bytes from
// ADDRESS at once (a range the DMA memory does not permit sends nothing).

import type { Device, DmaMemory } from '../device.js';
import type { ConsoleBackend } from './console.js';

export const LINES_REG = { LINE: 0, DATA: 1, ADDRESS: 2, COUNT: 3 } as const;
/** Most bytes one COUNT write sends. */
export const LINES_MAX_COUNT = 4096;

export class TerminalLines implements Device {
  readonly name = 'lines';
  readonly ports = 4;
  private line = 0;
  private address = 0;
  /** Bytes refused (a DMA range outside what the memory permits). */
  refused = 0;

  constructor(
    private readonly lines: readonly ConsoleBackend[],
    private readonly dma?: DmaMemory,
  ) {}

  read(): number {
    return 0;
  }

  write(offset: number, value: number): void {
    switch (offset) {
      case LINES_REG.LINE: this.line = value >>> 0; break;
      case LINES_REG.DATA: this.lines[this.line]?.putByte(value & 0xff); break;
      case LINES_REG.ADDRESS: this.address = value >>> 0; break;
      case LINES_REG.COUNT: this.send(value >>> 0); break;
    }
  }

  private send(count: number): void {
    const dma = this.dma;
    if (!dma || count === 0) return;
    if (count > LINES_MAX_COUNT || this.address + count > dma.size || (dma.permits && !dma.permits(this.address, count, false))) {
      this.refused += count;
      return;
    }
    const line = this.lines[this.line];
    if (line) for (const byte of dma.read(this.address, count)) line.putByte(byte);
  }
}
