// Progress of a long run on a terminal (stderr): after the first second, a line that is
// rewritten at most four times a second with the instructions retired and the exit rate,
// and erased when the run ends. Never written to a pipe or a file, so output stays
// byte-identical; wall time decides only what this line shows.

import type { ProgressMeter } from '../machine/config.js';
import type { Writer } from '../trace/writer.js';

/** Milliseconds of silence before the first line, and between two lines. */
const QUIET_START_MS = 1000;
const EVERY_MS = 250;

const n = (x: number) => Math.round(x).toLocaleString('en-US');

export class TerminalProgress implements ProgressMeter {
  private readonly start: number;
  private last: number;
  private lastExits = 0;
  private shown = false;
  private stageName = '';

  constructor(
    private readonly err: Writer,
    /** Milliseconds, monotonic (performance.now; tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = this.now();
    this.last = this.start;
  }

  slice(instructions: number, exits: number): void {
    const t = this.now();
    if (t - this.last < EVERY_MS || t - this.start < QUIET_START_MS) return;
    const rate = ((exits - this.lastExits) * 1000) / (t - this.last);
    this.last = t;
    this.lastExits = exits;
    const seconds = ((t - this.start) / 1000).toFixed(1);
    this.err.write(`\r\x1b[Kvmm: ${this.stageName}${n(instructions)} instructions, ${n(rate)} exits/s, ${seconds} s (Ctrl-C stops it)`);
    this.shown = true;
  }

  stage(name: string): void {
    this.stageName = `${name}: `;
    this.lastExits = 0;
  }

  /** Erase the line (before the summary). */
  finish(): void {
    if (this.shown) this.err.write('\r\x1b[K');
    this.shown = false;
  }
}
