// Interval timer: raises its line every PERIOD ticks (a tick is one retired instruction, or
// one tick spent halted). Writing PERIOD restarts the count; 0 stops the timer.
//   PERIOD (rw)   REMAINING (r) ticks to the next interrupt (0 when stopped)   NOW (r) ticks, low 32 bits

import { TIMER_REG } from '../platform.js';
import type { Device, IrqLine } from '../device.js';

export class IntervalTimer implements Device {
  readonly name = 'timer';
  readonly ports = 4;
  private period = 0;
  private nextAt = Infinity;
  private now = 0;

  constructor(readonly irq: IrqLine) {}

  read(offset: number): number {
    switch (offset) {
      case TIMER_REG.PERIOD: return this.period;
      case TIMER_REG.REMAINING: return this.period ? this.nextAt - this.now : 0;
      case TIMER_REG.NOW: return this.now | 0;
      default: return 0;
    }
  }

  write(offset: number, value: number): void {
    if (offset !== TIMER_REG.PERIOD) return;
    this.period = value >>> 0;
    this.nextAt = this.period ? this.now + this.period : Infinity;
  }

  advance(now: number): void {
    this.now = now;
    if (now < this.nextAt) return;
    this.irq.raise();
    // Missed periods collapse into the one pending interrupt.
    this.nextAt += this.period * (Math.floor((now - this.nextAt) / this.period) + 1);
  }

  nextEvent(now: number): number {
    return this.nextAt - now;
  }
}
