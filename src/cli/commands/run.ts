// `vmm run IMAGE...`: run guests (bare, or several under the VMM) and report how each ended.

import { commandLine, type CommandSpec } from '../command.js';
import { EXIT } from '../errors.js';
import { defineRunOptions, IMAGES_ARGUMENT } from '../run-options.js';

export const runCommand: CommandSpec = {
  name: 'run',
  summary: 'run guest images (.bin, or .s assembled on the fly), bare or several under the VMM',
  define(cmd) {
    cmd.argument(...IMAGES_ARGUMENT);
  },
  async prepare(cmd) {
    const { DEFAULT_MODE, RUN_MODES } = await import('../../vmm/modes/index.js');
    defineRunOptions(cmd, RUN_MODES, DEFAULT_MODE)
      .option('--json', 'print one JSON document {mode, guests: [...]} instead of console output and summary')
      .option('-q, --quiet', 'do not print the summary on stderr')
      .option('--stats', 'print the summary on stderr even with -q or --json')
      .addHelpText(
        'after',
        `
Guest console output goes to stdout (each line prefixed with the guest's name when there are
several); the summary (instructions, cycles, exits, TLB, traps, overhead against bare, how
each guest ended) to stderr. Exit status: 0 every guest halted; 1 a guest faulted, was killed
or hit the limit; 2 bad input.

Host topologies (--host): bare-metal (default: the VMM owns the machine; --passthrough gives
the physical disk to one guest), hosted (a TOY32 host OS boots first and the VMM is one of
its processes: guest I/O goes through world switches and host system calls; any VMM mode
runs under it) or dom0 (Xen's guest 0, a paravirtual TOY32 kernel beside the guests, owns the
devices and runs their back ends; --mode para only).

Modes: ${RUN_MODES.join(', ')} (default ${DEFAULT_MODE}). --mode para runs PARAVIRT builds: a .s is
assembled with PARAVIRT defined (and natively too, for the overhead against bare); an image
must have been built with -D PARAVIRT, and every other mode refuses such an image.

Examples (in the folder that holds vmm's guests/):
  vmm run guests/bare/hello.s --mode bare
  vmm run guests/bare/hello.s guests/bare/primes.s --mode full
  vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode trap            # status 1: trap-and-emulate goes wrong
  vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode trap --strict   # not on the classically virtualizable machine
  vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode para            # the PARAVIRT build: hypercalls
  vmm run guests/kernel/tinyos.s guests/bare/primes.s --disk tinyos=guests/kernel/disk.txt --json | jq '.guests[0].exits'
  vmm run guests/kernel/tinyos.s guests/bare/primes.s --disk tinyos=guests/kernel/disk.txt --report run.html   # open run.html in a browser
  vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --host hosted --host-app busy   # under a host OS (docs/topologies.md)
  vmm run guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode para --host dom0 --dom0-crash 1   # status 1: guest 0 crashes; tinyos runs on`,
      );
  },
  async run(args, options, io, given, line) {
    const { checkReportPath } = await import('../report-file.js');
    const reportPath = checkReportPath(options.report, args, io);
    const { loadRunInputs } = await import('../run-inputs.js');
    const inputs = await loadRunInputs(args, options, io, given);
    checkReportPath(options.report, args, io); // (and none of the files the inputs came from)
    const { executeRun } = await import('../execute.js');
    const { formatSummary } = await import('../../report/summary.js');
    const { chalkFor } = await import('../colors.js');
    const { runReport } = await import('../run-report.js');
    const json = options.json === true;
    const page = reportPath ? runReport(inputs) : undefined;
    const report = executeRun(inputs, io, json, page?.probe, !options.quiet);
    if (page && reportPath) await page.write(reportPath, commandLine(line), report, io);
    if (json) io.out.write(JSON.stringify(report, null, 2) + '\n');
    if (options.stats || (!json && !options.quiet)) io.err.write(formatSummary(report, chalkFor(io.errColor)));
    // (hosted: a host OS that did not finish its work fails the run too; dom0: guest 0 too)
    return report.guests.every((g) => g.status === 'halted') && (report.host?.status ?? 'halted') === 'halted' && (report.dom0?.status ?? 'halted') === 'halted' ? EXIT.OK : EXIT.GUEST_FAILED;
  },
};
