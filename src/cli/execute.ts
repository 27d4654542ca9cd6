// Running guests for `vmm run` and `vmm trace` (loaded only by those commands): the bare
// machine for one guest, the VMM for several; console output streamed per guest.

import type { ConsoleSink } from '../machine/run-bare.js';
import { runBare } from '../machine/run-bare.js';
import type { GuestReport, RunReport } from '../trace/report.js';
import type { ExitProbe } from '../vmm/exits.js';
import { VMM_MODES } from '../vmm/modes/index.js';
import { runVirtualized } from '../vmm/run-vmm.js';
import { chalkFor } from './colors.js';
import { UsageProblem } from './command.js';
import { GuestConsole } from './guest-console.js';
import type { Io } from './io.js';
import type { RunInputs } from './run-options.js';

/** Run the guests as the options say; console output streams to stdout unless `quietConsole`. */
export function executeRun(inputs: RunInputs, io: Io, quietConsole: boolean, probe?: ExitProbe): RunReport {
  const { guests, machine, mode } = inputs;
  const width = Math.max(...guests.map((g) => g.name.length));
  const consoles = guests.map((g, i) => consoleFor(g.name.padEnd(width), i, guests.length, io, quietConsole));
  let reports: GuestReport[];
  if (mode === 'bare') {
    if (guests.length > 1) throw new UsageProblem(`--mode bare runs one image directly on the machine (there is no VMM to share it); got ${guests.length}`);
    reports = [runBare(guests[0]!, machine, consoles[0]!)];
  } else {
    const spec = VMM_MODES.find((m) => m.name === mode)!;
    reports = runVirtualized(guests, { ...machine, quantum: inputs.quantum, overhead: inputs.overhead }, spec, consoles, probe);
  }
  return { mode, guests: reports };
}

const PREFIX_COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

/** One guest's console: its lines as they are, or prefixed "name | " (names padded to line up). */
function consoleFor(name: string, index: number, count: number, io: Io, quiet: boolean): ConsoleSink {
  if (count === 1) return new GuestConsole(quiet ? undefined : io.out);
  const c = chalkFor(io.outColor);
  const prefix = c[PREFIX_COLORS[index % PREFIX_COLORS.length]!](`${name} | `);
  return new GuestConsole(quiet ? undefined : io.out, prefix);
}
