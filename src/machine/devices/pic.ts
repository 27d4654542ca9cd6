// Interrupt controller: collects the devices' interrupt lines. A line stays pending until the
// kernel acknowledges it; the CPU is interrupted while some pending line is unmasked and IE
// is set. All lines start masked.
//   MASK (rw)    bit i set = line i masked          PENDING (r)  bit i = line i pending
//   ACK  (w)     write i: clear line i's pending    NEXT (r)     lowest pending unmasked line, or -1

import { PIC_REG } from '../platform.js';
import type { Device, IrqLine } from '../device.js';

export class InterruptController implements Device {
  readonly name = 'pic';
  readonly ports = 4;
  mask = -1;
  pending = 0;
  /** Interrupts raised per line, for the run summary. */
  readonly raised = new Array<number>(32).fill(0);

  line(irq: number): IrqLine {
    return {
      number: irq,
      raise: () => {
        this.pending |= 1 << irq;
        this.raised[irq]!++;
      },
    };
  }

  /** Lowest-numbered pending unmasked line, or -1. */
  next(): number {
    const ready = this.pending & ~this.mask;
    return ready === 0 ? -1 : 31 - Math.clz32(ready & -ready);
  }

  read(offset: number): number {
    switch (offset) {
      case PIC_REG.MASK: return this.mask;
      case PIC_REG.PENDING: return this.pending;
      case PIC_REG.NEXT: return this.next();
      default: return 0;
    }
  }

  write(offset: number, value: number): void {
    if (offset === PIC_REG.MASK) this.mask = value | 0;
    else if (offset === PIC_REG.ACK && value >= 0 && value < 32) this.pending &= ~(1 << value);
  }
}
