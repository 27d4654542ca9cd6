// `vmm run IMAGE...`: run guests and report how each ended.

import { runBare } from '../../machine/run-bare.js';
import { formatSummary, type RunReport } from '../../trace/report.js';
import { UsageProblem, type CommandSpec } from '../command.js';
import { GuestConsole } from '../guest-console.js';
import { loadGuests } from '../guest-files.js';
import { chalkFor, EXIT } from '../io.js';
import { defineMachineOptions, machineOptions } from '../machine-options.js';

export const MODES = ['bare'] as const;

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'run guest images (.bin, or .s assembled on the fly) and report how each ended',
  define(cmd) {
    cmd.argument('<images...>', 'guest images (.bin) or sources (.s)').option('--mode <mode>', `how guests run: ${MODES.join(', ')}`, 'bare');
    defineMachineOptions(cmd)
      .option('--input <file>', 'console input for the guest (- for stdin)')
      .option('--disk <file>', 'disk image for the guest (default: an empty disk)')
      .option('--json', 'print one JSON document {mode, guests: [...]} instead of console output and summary')
      .option('-q, --quiet', 'do not print the summary on stderr')
      .addHelpText(
        'after',
        '\nGuest console output goes to stdout; the summary (instructions, cycles, TLB, traps, how the\nrun ended) to stderr. Exit status: 0 every guest halted; 1 a guest faulted or hit the limit; 2 bad input.\n\nExamples:\n  vmm run guests/bare/hello.s --mode bare\n  vmm run kernel.bin --mode bare --disk disk.img --max-instructions 1e6\n  vmm run primes.bin --mode bare --json | jq .guests[0].instructions',
      );
  },
  async run(args, options, io) {
    const mode = String(options.mode);
    if (!(MODES as readonly string[]).includes(mode)) throw new UsageProblem(`--mode must be one of ${MODES.join(', ')}, got '${mode}'`);
    const machine = machineOptions(options, io);
    if (args.length > 1) throw new UsageProblem(`--mode bare runs one image directly on the machine (there is no VMM to share it); got ${args.length}`);
    const [guest] = await loadGuests(args, options.define as string[], io);
    if (options.input) guest!.input = options.input === '-' ? io.readFile('/dev/stdin') : io.readFile(String(options.input));
    if (options.disk) guest!.disk = io.readFile(String(options.disk));
    const json = options.json === true;
    const console = new GuestConsole(json ? undefined : io.out);
    const report: RunReport = { mode, guests: [runBare(guest!, machine, console)] };
    if (json) io.out.write(JSON.stringify(report, null, 2) + '\n');
    else if (!options.quiet) io.err.write(formatSummary(report, chalkFor(io.errColor)));
    return report.guests.every((g) => g.status === 'halted') ? EXIT.OK : EXIT.GUEST_FAILED;
  },
};
