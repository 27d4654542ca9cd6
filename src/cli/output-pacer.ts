// Output held in buffers goes out about every FLUSH_MS of wall time while a run goes on,
// so a guest's lines and trace records appear as the run makes them (stdout is a 64 KiB
// buffer: fd-writer.ts), and a run stopped from outside (Ctrl-C, `timeout`: the run never
// yields to the event loop, so no signal handler could flush) loses at most its last
// FLUSH_MS of output. Wall time decides only when bytes are written, never which: output
// stays byte-identical.

import type { ProgressMeter } from '../machine/config.js';

/** Wall-clock milliseconds output may wait in a buffer (give or take a slice: the clock is
 *  read between slices). */
export const FLUSH_MS = 100;
/** The clock is read after 16 slices, or sooner once 65,536 instructions have retired since
 *  it was last read (a slice under the VMM is a quantum, 10,000 instructions by default;
 *  bare, or with a large --quantum, up to a million: the reading must not wait for 16 of
 *  those). A reading (tens of nanoseconds, some hundred instructions' worth) once in 16
 *  slices costs nothing measurable. */
const SLICES_PER_LOOK = 16;
const INSTRUCTIONS_PER_LOOK = 65_536;

export class OutputPacer implements ProgressMeter {
  private slices = 0;
  /** The instruction count at the last reading (each stage of a run counts from 0 again). */
  private counted = 0;
  private last: number;

  constructor(
    /** Writes out what the buffers hold. */
    private readonly flush: () => void,
    /** Milliseconds, monotonic (tests pass their own). */
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = this.now();
  }

  slice(instructions: number): void {
    const since = instructions - this.counted;
    if (++this.slices < SLICES_PER_LOOK && since >= 0 && since < INSTRUCTIONS_PER_LOOK) return;
    this.slices = 0;
    this.counted = instructions;
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
