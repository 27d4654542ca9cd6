// Output held in buffers goes out at least every FLUSH_MS of wall time while a run goes on,
// so a guest's lines and trace records appear as the run makes them (stdout is a 64 KiB
// buffer: fd-writer.ts), and a run stopped from outside (Ctrl-C, `timeout`: the run never
// yields to the event loop, so no signal handler could flush) loses at most its last
// FLUSH_MS of output. Wall time decides only when bytes are written, never which: output
// stays byte-identical.

import type { ProgressMeter } from '../machine/config.js';

/** Wall-clock milliseconds output may wait in a buffer. */
export const FLUSH_MS = 100;
/** Slices between two looks at the clock (a slice is at most some ten thousand
 *  instructions: a look costs less than one of them). */
const SLICES_PER_LOOK = 16;

export class OutputPacer implements ProgressMeter {
  private slices = 0;
  private last: number;

  constructor(
    /** Writes out what the buffers hold. */
    private readonly flush: () => void,
    /** Milliseconds, monotonic (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = this.now();
  }

  slice(): void {
    if (++this.slices % SLICES_PER_LOOK !== 0) return;
    const t = this.now();
    if (t - this.last < FLUSH_MS) return;
    this.last = t;
    this.flush();
  }

  stage(): void {}
}

/** One meter that tells each of `meters` (the undefined left out). */
export function allMeters(...meters: (ProgressMeter | undefined)[]): ProgressMeter {
  const given = meters.filter((m): m is ProgressMeter => m !== undefined);
  return {
    slice: (instructions, exits) => {
      for (const m of given) m.slice(instructions, exits);
    },
    stage: (name) => {
      for (const m of given) m.stage(name);
    },
  };
}
