// Console: a byte-wide output port and an input port fed from a fixed input (--input), so
// runs are deterministic. The line is level-triggered: it is raised again whenever the
// machine looks (each port access and time step) while input is ready and CTRL bit 0 is set,
// so acknowledging it at the PIC before the input is drained does not lose it.
//   DATA (w) output a byte; (r) next input byte, or -1 when none
//   STATUS (r) bit 0 input ready, bit 1 input ended      CTRL (rw) bit 0 input interrupt enable

import { CONSOLE_REG, CONSOLE_STATUS } from '../platform.js';
import type { Device, IrqLine } from '../device.js';

/** Where the console's output bytes go (the host side of the device model). */
export interface ConsoleBackend {
  putByte(byte: number): void;
}

export class Console implements Device {
  readonly name = 'console';
  readonly ports = 4;
  private inputAt = 0;
  private control = 0;
  bytesOut = 0;

  constructor(
    readonly irq: IrqLine,
    private readonly backend: ConsoleBackend,
    private readonly input: Uint8Array = new Uint8Array(0),
  ) {}

  read(offset: number): number {
    switch (offset) {
      case CONSOLE_REG.DATA: {
        if (this.inputAt >= this.input.length) return -1;
        const byte = this.input[this.inputAt++]!;
        this.signal();
        return byte;
      }
      case CONSOLE_REG.STATUS:
        return this.inputAt < this.input.length ? CONSOLE_STATUS.INPUT_READY : CONSOLE_STATUS.INPUT_END;
      case CONSOLE_REG.CTRL:
        return this.control;
      default:
        return 0;
    }
  }

  write(offset: number, value: number): void {
    if (offset === CONSOLE_REG.DATA) {
      this.backend.putByte(value & 0xff);
      this.bytesOut++;
    } else if (offset === CONSOLE_REG.CTRL) {
      this.control = value & 1;
      this.signal();
    }
  }

  advance(): void {
    this.signal();
  }

  private signal(): void {
    if (this.control & 1 && this.inputAt < this.input.length) this.irq.raise();
  }
}
