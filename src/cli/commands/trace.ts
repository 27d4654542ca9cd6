// `vmm trace --exits IMAGE...`: run guests under the VMM and stream every VM exit.

import { Option } from 'commander';
import type { CommandSpec } from '../command.js';
import { checkOutputPath, collect, commandLine, parseCount, samePath, UsageProblem } from '../command.js';
import { EXIT } from '../errors.js';
import { printable } from '../../text/printable.js';
import { defineRunOptions, IMAGES_ARGUMENT } from '../run-options.js';

export const traceCommand: CommandSpec = {
  name: 'trace',
  summary: 'run guests under the VMM and print every VM exit, as aligned text or JSON lines',
  define(cmd) {
    cmd.argument(...IMAGES_ARGUMENT);
  },
  async prepare(cmd) {
    const { DEFAULT_MODE, MODES } = await import('../../vmm/modes/index.js');
    defineRunOptions(cmd, MODES.map((m) => m.name), DEFAULT_MODE)
      .option('--exits', 'trace VM exits (the default, and for now the only kind of record)')
      .option('--format <format>', 'text (aligned, coloured on a TTY), short (the same in 80 columns: seq, cycle, guest, reason, pc, instruction) or jsonl (one JSON object per line)', 'text')
      .option('--guest <names>', 'only these guests (comma-separated names; repeatable)', collect)
      .option('--reason <reasons>', 'only these exit reasons (comma-separated names or codes, e.g. io,hlt or 30,12; repeatable)', collect)
      .option('--request <ids>', 'hosted, dom0: only the hops of these I/O requests (comma-separated ids, as the records\' request= gives them; repeatable)', collect)
      .option('-o, --output <file>', 'write the trace to a file; the guests\' console output then goes to stdout')
      .option('-q, --quiet', 'do not print the summary on stderr')
      .option('--stats', 'print the summary on stderr even with -q')
      .addOption(new Option('--json').hideHelp())
      .addHelpText(
        'after',
        `
Records stream as they happen, so memory stays flat however long the run. Without -o the
trace goes to stdout and the guests' console output is not shown. Every field is defined in
docs/trace-format.md; 'note' records are not exits (a sensitive instruction the VMM never
saw, or an interrupt injection).

Examples (in the folder that holds vmm's guests/):
  vmm trace --exits guests/bare/hello.s
  vmm trace --exits guests/kernel/tinyos.s --disk guests/kernel/disk.txt --mode trap --reason sensitive-unprivileged,hlt   # status 1
  vmm trace --exits guests/bare/hello.s guests/bare/primes.s --format jsonl -o exits.jsonl
  vmm trace --exits guests/bare/primes.s --format jsonl | jq -r .reason | sort | uniq -c
  vmm trace --exits guests/kernel/tinyos.s --disk guests/kernel/disk.txt --host hosted --request 1   # one I/O request's path`,
      );
  },
  async run(args, options, io, given, line) {
    if (options.json) throw new UsageProblem('vmm trace has no --json: --format jsonl writes each exit as one JSON object per line (vmm run --json gives the run\'s report)');
    const format = String(options.format);
    if (format !== 'text' && format !== 'short' && format !== 'jsonl') throw new UsageProblem(`--format must be text, short or jsonl, got '${format}'`);
    const { isReference, MODES, REFERENCE } = await import('../../vmm/modes/index.js');
    if (isReference(String(options.mode))) throw new UsageProblem(`--mode ${REFERENCE.name} has no VMM, so there are no VM exits to trace; use --mode ${listOr(MODES.map((m) => m.name))}`);
    const { FilterError, FilteredProbe, parseReasons } = await import('../../trace/filter.js');
    const { JsonLinesSink } = await import('../../trace/jsonl.js');
    const { TextSink } = await import('../../trace/text.js');
    const { ShortTextSink } = await import('../../trace/short.js');
    const { formatSummary } = await import('../../report/summary.js');
    const { executeRun } = await import('../execute.js');
    const { chalkFor } = await import('../colors.js');
    const { checkWritable, writerWhenUsed } = await import('../fd-writer.js');
    const reasonList = listOption('--reason', options.reason as string[] | undefined);
    let reasons: Set<string> | undefined;
    try {
      reasons = reasonList ? parseReasons(reasonList) : undefined;
    } catch (e) {
      if (e instanceof FilterError) throw new UsageProblem(`--reason: ${e.message}`);
      throw e;
    }
    if (options.output !== undefined) checkOutputPath('-o', String(options.output), args, io);
    const { checkReportPath } = await import('../report-file.js');
    const reportPath = checkReportPath(options.report, args, io);
    if (reportPath !== undefined && options.output !== undefined && options.output !== '-' && samePath(reportPath, String(options.output))) throw new UsageProblem(`--report ${reportPath}: -o writes the trace there already`);
    const guestList = listOption('--guest', options.guest as string[] | undefined);
    const requestList = listOption('--request', options.request as string[] | undefined, 'ids');
    const requests = requestList ? new Set(requestList.map((id) => parseCount('--request', id, 1))) : undefined;
    if (requests && options.host !== 'hosted' && options.host !== 'dom0') throw new UsageProblem('--request follows an I/O request through a host topology, which only --host hosted and --host dom0 make');
    const { loadRunInputs } = await import('../run-inputs.js');
    const inputs = await loadRunInputs(args, options, io, given);
    // (and none of the files the inputs came from)
    if (options.output !== undefined) checkOutputPath('-o', String(options.output), args);
    checkReportPath(options.report, args, io);
    const guests = guestList ? new Set(guestList) : undefined;
    // (under --host dom0, guest 0's records are named dom0)
    const names = [...inputs.guests.map((x) => x.name), ...(inputs.dom0 ? ['dom0'] : [])];
    for (const g of guests ?? []) {
      if (!names.includes(g)) throw new UsageProblem(`--guest ${g}: no such guest (guests: ${names.join(', ')})`);
    }
    const toFile = options.output !== undefined && options.output !== '-';
    // (a file is made empty only once the run has begun: one that cannot start leaves it)
    if (toFile) checkWritable(String(options.output));
    const out = toFile ? writerWhenUsed(() => io.openOutput(String(options.output))) : io.openOutput('-');
    const color = chalkFor(!toFile && io.outColor);
    // (a text line goes to the writer as it is made; JSON lines are formatted in batches)
    const jsonl = format === 'jsonl' ? new JsonLinesSink(out) : undefined;
    const sink = jsonl ?? (format === 'short' ? new ShortTextSink(out, color) : new TextSink(out, color, names));
    const { bothProbes } = await import('../../report/html/timeline.js');
    const { runReport } = await import('../run-report.js');
    const page = reportPath ? runReport(inputs) : undefined;
    // (no filter: the sink takes every record itself, at no cost)
    const filter = guests || reasons || requests ? new FilteredProbe(sink, { guests, reasons, requests }) : undefined;
    const traced = filter ?? sink;
    const flush = () => (jsonl?.flush(), out.flush(), io.out.flush());
    const report = executeRun(inputs, io, !toFile, page ? bothProbes(traced, page.probe) : traced, !options.quiet && toFile, flush);
    sink.flush();
    out.close();
    if (page && reportPath) await page.write(reportPath, commandLine(line), report, io);
    if (options.stats || !options.quiet) io.err.write(formatSummary(report, chalkFor(io.errColor)) + `${sink.records} trace records${toFile ? ` written to ${printable(String(options.output))}` : ''}\n`);
    const missing = filter?.missingRequests() ?? [];
    const last = filter?.lastRequest ?? 0;
    if (missing.length && (options.stats || !options.quiet)) io.err.write(`--request ${missing.join(',')}: the run made no I/O request of ${missing.length === 1 ? 'that id' : 'those ids'} (${last === 0 ? 'it made none' : `it made ${last === 1 ? 'request 1' : `requests 1 to ${last}`}`})\n`);
    // (hosted: a host OS that did not finish its work fails the run too; dom0: guest 0 too)
    return report.guests.every((g) => g.status === 'halted') && (report.host?.status ?? 'halted') === 'halted' && (report.dom0?.status ?? 'halted') === 'halted' ? EXIT.OK : EXIT.GUEST_FAILED;
  },
};

/** `--guest a,b --guest c` -> [a, b, c]; the values of every use, each a comma-separated list. */
function listOption(flag: string, values: readonly string[] | undefined, what = 'names'): string[] | undefined {
  if (values === undefined) return undefined;
  const parts = values.flatMap((v) => v.split(',')).map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageProblem(`${flag} expects comma-separated ${what}, got '${values.join(',')}'`);
  return parts;
}

/** "a, b or c". */
function listOr(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}
