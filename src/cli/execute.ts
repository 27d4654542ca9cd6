// Running guests for `vmm run` and `vmm trace` (loaded only by those commands), with each
// guest's console output streamed to stdout.

import { LoadError } from '../machine/load.js';
import type { ConsoleSink, RunReport } from '../report/guest-report.js';
import { runGuests } from '../report/run.js';
import type { ExitProbe } from '../vmm/exits.js';
import { chalkFor } from './colors.js';
import { UserError } from './errors.js';
import { GuestConsole } from './guest-console.js';
import type { Io } from './io.js';
import type { RunInputs } from './run-options.js';

/** Run the guests as the options say; console output streams to stdout unless `quietConsole`. */
export function executeRun(inputs: RunInputs, io: Io, quietConsole: boolean, probe?: ExitProbe): RunReport {
  const { guests, mode, config } = inputs;
  const width = Math.max(...guests.map((g) => g.name.length));
  const consoles = guests.map((g, i) => consoleFor(g.name.padEnd(width), i, guests.length, io, quietConsole));
  try {
    return { mode, guests: runGuests(guests, mode, config, consoles, probe) };
  } catch (e) {
    if (e instanceof LoadError) throw new UserError(e.message);
    throw e;
  }
}

const PREFIX_COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

/** One guest's console: its lines as they are, or prefixed "name | " (names padded to line up). */
function consoleFor(name: string, index: number, count: number, io: Io, quiet: boolean): ConsoleSink {
  if (count === 1) return new GuestConsole(quiet ? undefined : io.out, '', io.outTerminal);
  const c = chalkFor(io.outColor);
  const prefix = c[PREFIX_COLORS[index % PREFIX_COLORS.length]!](`${name} | `);
  return new GuestConsole(quiet ? undefined : io.out, prefix, io.outTerminal);
}
