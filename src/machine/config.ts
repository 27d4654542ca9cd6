// The simulated machine's configuration (the one config type of the machine layer), and what
// one guest brings to it: an image, and optionally its own memory size, console input and
// disk. The bare machine and every VM of the VMM are built from these.

import type { Image } from '../image/model.js';
import type { Bounds } from './bounds.js';
import type { CostModel } from './costs.js';

export interface MachineConfig {
  /** Physical memory in bytes (a multiple of 4 KiB, at most 1 GiB). */
  memoryBytes: number;
  tlbSize: number;
  tlbTagged: boolean;
  /** Sensitive instructions trap in user mode (the classically virtualizable variant). */
  strict: boolean;
  costs: CostModel;
  /** Compile hot code to JavaScript blocks (default true); results are the same either way. */
  jit?: boolean;
  /** Entries from the CPU loop after which a compiled block joins its page's region
   *  (default REGION_HEAT, interpreter.ts; more than HOT_THRESHOLD). Tests and the fuzzer
   *  set it low so that regions form at once; results are the same at any value. */
  regionHeat?: number;
  /** Lower bounds than the defaults (bounds.ts), for tests. */
  bounds?: Partial<Bounds>;
  /** Told after every slice of the run, for a progress display (it must be cheap). */
  progress?: ProgressMeter;
}

/** Watches a long run: `slice` comes after every slice (at most 2^20 instructions apart) with
 *  the instructions retired and the exits taken so far on the host. */
export interface ProgressMeter {
  slice(instructions: number, exits: number): void;
  /** A new stage of the run begins (its counts start again), named for the display. */
  stage(name: string): void;
}

export interface GuestInput {
  name: string;
  image: Image;
  /** The file the image came from, for messages about it. */
  file?: string;
  /** For a PARAVIRT image assembled from source: the native build of the same source (bare
   *  runs it for the overhead figure). */
  native?: Image;
  /** This guest's memory when it is not the machine's memoryBytes (--mem NAME=SIZE). */
  memoryBytes?: number;
  /** The option that sets this guest's memory, named when the image does not fit (default
   *  --mem; guest 0 of --host dom0: --dom0-mem). */
  memoryOption?: string;
  input?: Uint8Array;
  disk?: Uint8Array;
}
