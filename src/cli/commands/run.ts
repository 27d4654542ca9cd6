// `vmm run IMAGE...`: run guests (bare, or several under the VMM) and report how each ended.

import { runBare, type ConsoleSink } from '../../machine/run-bare.js';
import { formatSummary, type GuestReport, type RunReport } from '../../trace/report.js';
import type { ExitProbe } from '../../vmm/exits.js';
import { VMM_MODES } from '../../vmm/modes/index.js';
import { runVirtualized } from '../../vmm/run-vmm.js';
import type { CommandSpec } from '../command.js';
import { UsageProblem } from '../command.js';
import { GuestConsole } from '../guest-console.js';
import { chalkFor, EXIT, type Io } from '../io.js';
import { loadRunInputs, MODES, defineRunOptions, type RunInputs } from '../run-options.js';

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'run guest images (.bin, or .s assembled on the fly), bare or several under the VMM',
  define(cmd) {
    defineRunOptions(cmd)
      .option('--json', 'print one JSON document {mode, guests: [...]} instead of console output and summary')
      .option('-q, --quiet', 'do not print the summary on stderr')
      .addHelpText(
        'after',
        `
Guest console output goes to stdout (each line prefixed with the guest's name when there are
several); the summary (instructions, cycles, exits, TLB, traps, overhead against bare, how
each guest ended) to stderr. Exit status: 0 every guest halted; 1 a guest faulted, was killed
or hit the limit; 2 bad input.

Modes: ${MODES.join(', ')} (default full)

Examples:
  vmm run guests/bare/hello.s --mode bare
  vmm run guestA.bin guestB.bin --mode full
  vmm run tinyos.bin --mode trap            # watch trap-and-emulate go wrong
  vmm run tinyos.bin --mode trap --strict   # ...and the classically virtualizable variant
  vmm run kernel.bin --disk kernel=disk.img --json | jq '.guests[0].exits'`,
      );
  },
  async run(args, options, io) {
    const inputs = await loadRunInputs(args, options, io);
    const json = options.json === true;
    const report = executeRun(inputs, io, json);
    if (json) io.out.write(JSON.stringify(report, null, 2) + '\n');
    else if (!options.quiet) io.err.write(formatSummary(report, chalkFor(io.errColor)));
    return report.guests.every((g) => g.status === 'halted') ? EXIT.OK : EXIT.GUEST_FAILED;
  },
};

/** Run the guests as the options say; console output streams to stdout unless `quiet`. */
export function executeRun(inputs: RunInputs, io: Io, quietConsole: boolean, probe?: ExitProbe): RunReport {
  const { guests, machine, mode } = inputs;
  const consoles = guests.map((g, i) => consoleFor(g.name, i, guests.length, io, quietConsole));
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

function consoleFor(name: string, index: number, count: number, io: Io, quiet: boolean): ConsoleSink {
  if (count === 1) return new GuestConsole(quiet ? undefined : io.out);
  const c = chalkFor(io.outColor);
  const prefix = c[PREFIX_COLORS[index % PREFIX_COLORS.length]!](`${name} | `);
  return new GuestConsole(quiet ? undefined : io.out, prefix);
}
