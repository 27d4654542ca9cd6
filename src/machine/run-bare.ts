// `--mode bare`: one image directly on the machine, no VMM. The unvirtualized baseline that
// every other mode is compared against.

import type { Image } from '../image/model.js';
import { tlbFigures, trapCounts, type GuestReport } from '../trace/report.js';
import type { CostModel } from './costs.js';
import type { ConsoleBackend } from './devices/console.js';
import { Machine } from './machine.js';

export interface MachineOptions {
  memoryBytes: number;
  tlbSize: number;
  tlbTagged: boolean;
  strict: boolean;
  costs: CostModel;
  maxInstructions: number;
  /** Compile hot code to JavaScript blocks (default true); results are the same either way. */
  jit?: boolean;
}

export interface GuestInput {
  name: string;
  image: Image;
  /** This guest's memory when it is not the machine's memoryBytes (--mem NAME=SIZE). */
  memoryBytes?: number;
  input?: Uint8Array;
  disk?: Uint8Array;
}

/** The host side of a guest console: where bytes go, and what is kept for the report. */
export interface ConsoleSink extends ConsoleBackend {
  finish(): void;
  text(): string;
}

export function runBare(guest: GuestInput, options: MachineOptions, console: ConsoleSink): GuestReport {
  const machine = new Machine({ ...options, memoryBytes: guest.memoryBytes ?? options.memoryBytes, console, input: guest.input, disk: guest.disk });
  machine.load(guest.image);
  const end = machine.run(options.maxInstructions);
  console.finish();
  return {
    name: guest.name,
    status: end.status,
    reason: end.reason,
    pc: end.pc,
    console: console.text(),
    instructions: machine.cpu.instructions,
    cycles: machine.cycles,
    ticks: machine.now,
    tlb: tlbFigures(machine.processor.tlb),
    traps: trapCounts(machine.traps),
  };
}
