// `vmm compare [IMAGES...]`: every technique side by side, per pass of each guest's operation
// (docs/compare.md). With no images, the microbenchmark suite of guests/bench.

import { join } from 'node:path';
import type { CommandSpec } from '../command.js';
import type { Io } from '../io.js';
import type { GuestFiles } from '../run-inputs.js';
import { commandLine, UsageProblem } from '../command.js';
import { EXIT } from '../errors.js';
import { DEFAULT_QUANTUM, defineGuestFileOptions } from '../run-options.js';
import { defineMachineOptions } from '../machine-options.js';
import { REPORT_OPTION } from '../report-file.js';

export const compareCommand: CommandSpec = {
  name: 'compare',
  summary: 'every technique side by side (bare, trap --strict, full with and without inline translation, para, hw with and without nested paging and VPID): cycles, exits, TLB misses and page walks per pass',
  define(cmd) {
    cmd.argument('[images...]', 'guest sources (.s, built natively and with PARAVIRT) or images (.bin); none: the microbenchmark suite');
    cmd.option('--modes <list>', 'the techniques to show, comma-separated: bare, trap-strict, full, full-inline, para, hw, hw-npt-off, hw-vpid-off (default: all)');
    cmd.option('--host <topologies>', 'instead: the I/O cost of each host topology, comma-separated (bare-metal,hosted,dom0), per 4 KiB disk read and per console line, under one mode (--modes MODE; default full; dom0 needs para)');
    cmd.option('--json', 'print the rows as one JSON document');
    cmd.option('--markdown', 'print one Markdown table');
    cmd.option(...REPORT_OPTION);
    defineGuestFileOptions(defineMachineOptions(cmd, { perGuest: false }).option('--quantum <n>', 'ticks of a guest\'s clock per scheduling slice under the VMM', DEFAULT_QUANTUM));
    cmd.addHelpText(
      'after',
      `
A guest with an ITER symbol (each microbenchmark of guests/bench: .ifndef ITER / .equ ITER, N)
runs twice, with ITER and with 2 ITER passes of its operation; the figures are the difference
of the two runs over ITER: the cost of one pass, with boot and finish cancelled. A guest
without one is measured over its whole run. para runs the PARAVIRT build of a source; an
image runs only where its build does. "vs bare" is cycles against bare hardware's.

Exit status: 0 every guest halted under every technique; 1 one did not (its row says why);
2 bad input.

Examples (in the folder that holds vmm's guests/):
  vmm compare                                         # the whole suite (docs/compare.md)
  vmm compare guests/bench/syscall.s --modes bare,full,hw
  vmm compare guests/bench/tlbthrash.s --tlb 256      # 2 TLB misses a pass, not 130
  vmm compare guests/bench/pgfault.s -D ITER=5000 --markdown
  vmm compare --report compare.html                   # the table and its chart, in a browser
  vmm compare guests/kernel/tinyos.s --disk guests/kernel/disk.txt --json | jq '.rows[] | {technique, cycles: .perPass.cycles}'
  vmm compare --host bare-metal,hosted                # what the host topology costs a guest's I/O`,
    );
  },
  async run(args, options, io, _given, line) {
    if (options.json && options.markdown) throw new UsageProblem('--json and --markdown: choose one');
    if (options.host !== undefined) return compareHosts(args, options, io);
    const { checkReportPath, writeReport } = await import('../report-file.js');
    const reportPath = checkReportPath(options.report, args, io);
    const { TECHNIQUES, compare, imageSubject } = await import('../../report/compare.js');
    const { SUITE, sourceSubject, suiteSubjects } = await import('../../report/compare-suite.js');
    const { compareCells, compareMarkdown, compareText } = await import('../../report/compare-table.js');
    const { didYouMean } = await import('../../text/nearest.js');
    const { checkHostMemory, memValues, runConfig } = await import('../machine-config.js');
    const { DEFAULTS } = await import('../machine-options.js');
    const { assembleForCli, sourceOptions } = await import('../assemble.js');
    const { guestName, ImageTotals, isSource, uniqueNames } = await import('../guest-files.js');
    const { readImageFile } = await import('../image-file.js');
    const { readSourceFile } = await import('../files.js');
    const { isParavirt } = await import('../../image/model.js');
    const { TerminalProgress } = await import('../progress.js');
    const { loadingGuests } = await import('../loading.js');
    const { modeNamed } = await import('../../vmm/modes/index.js');
    const { UserError } = await import('../errors.js');

    const ids = TECHNIQUES.map((t) => t.id);
    const wanted = options.modes === undefined ? ids : String(options.modes).split(',').map((s) => s.trim()).filter(Boolean);
    for (const id of wanted) {
      if (ids.includes(id)) continue;
      const ofMode = TECHNIQUES.filter((t) => t.mode === id).map((t) => t.id);
      const hint = ofMode.length ? ` (--mode ${id} runs as ${ofMode.join(', ')})` : didYouMean(id, ids);
      throw new UsageProblem(`--modes: no technique '${id}'${hint}; the techniques are ${ids.join(', ')}`);
    }
    if (wanted.length === 0) throw new UsageProblem(`--modes expects techniques, comma-separated: ${ids.join(', ')}`);
    const techniques = TECHNIQUES.filter((t) => wanted.includes(t.id));
    if (memValues(options).some((v) => v.includes('='))) throw new UsageProblem('--mem NAME=SIZE: vmm compare gives every guest the same memory (--mem SIZE)');
    const config = runConfig(options, io);
    const { parseDefines } = await import('../assemble.js');
    const defines = parseDefines(options.define as string[] | undefined);
    for (const name of ['PARAVIRT', 'COPY']) {
      if (Object.hasOwn(defines, name)) throw new UsageProblem(`-D ${name}: vmm compare defines it itself (it builds every source natively and with PARAVIRT, and numbers the copies it runs)`);
    }

    let subjects;
    let headings: { name: string; operation?: string }[];
    if (args.length === 0) {
      // (the suite's guests are built and run as the suite says: -D, -I, --input and --disk
      // are for guests named)
      for (const [key, flag, how] of [['define', '-D', 'build'], ['include', '-I', 'build'], ['input', '--input', 'run'], ['disk', '--disk', 'run']] as const) {
        if (options[key] !== undefined) throw new UsageProblem(`${flag} applies to the guests named on the command line; the suite ${how}s its own as it is (name a guest, such as guests/bench/syscall.s, to ${how} it with ${flag})`);
      }
      subjects = suiteSubjects(readSourceFile);
      if (!subjects) throw new UsageProblem('the microbenchmark suite is not installed with this vmm (no guests/ beside it): name the guests to compare');
      headings = SUITE.map((e) => ({ name: e.name, operation: e.operation }));
    } else {
      const names = uniqueNames(args.map(guestName));
      const source = sourceOptions(options);
      subjects = [];
      const totals = new ImageTotals();
      for (const [i, path] of args.entries()) {
        if (isSource(path)) {
          const subject = sourceSubject(names[i]!, path, { ...source, readFile: readSourceFile });
          // a source that builds neither way: its errors with their locations, status 2
          if (typeof subject.image('native') === 'string' && typeof subject.image('paravirt') === 'string') await assembleForCli(path, source, io);
          subjects.push(subject);
        } else {
          const { image, size } = readImageFile(path, io);
          totals.add(path, image, size);
          subjects.push(imageSubject(names[i]!, isParavirt(image) ? { paravirt: image } : { native: image }));
        }
      }
      headings = names.map((name) => ({ name }));
      const { assignGuestFiles } = await import('../run-inputs.js');
      const files: GuestFiles[] = names.map((name) => ({ name }));
      assignGuestFiles(files, options, io);
      subjects = subjects.map((subject, i) => ({ ...subject, ...files[i] }));
    }

    for (const subject of subjects) {
      const problem = subject.check?.();
      if (problem) throw new UserError(problem);
    }
    checkReportPath(options.report, args, io); // (and none of the files the guests came from)
    // every technique's host must hold its guests, as vmm run checks
    const copies = Math.max(...subjects.map((x) => x.copies));
    for (const t of techniques) {
      checkHostMemory(modeNamed(t.mode), Array.from({ length: copies }, () => config.memoryBytes), `--mem ${memValues(options)[0] ?? DEFAULTS.mem}: ${copies} guest(s) under ${t.label} need`);
    }
    const meter = io.errTerminal ? new TerminalProgress(io.err, io.now) : undefined;
    let rows;
    try {
      rows = loadingGuests(() => compare(subjects, techniques, { ...config, ...(meter ? { progress: meter } : {}) }, (subject, technique) => meter?.stage(`${subject} under ${technique}`)));
    } finally {
      meter?.finish();
    }
    // (the table's cells: the page draws them, and --json carries their note)
    const table = compareCells(headings, rows);
    if (reportPath) {
      checkReportPath(options.report, args, io); // (and none of the files the builds read as they were made)
      const { VERSION } = await import('../../version.js');
      await writeReport(reportPath, { title: commandLine(line), version: VERSION, compare: { techniques: techniques.map(({ id, label }) => ({ id, label })), subjects: headings, rows, table } }, io);
    }
    if (options.json) {
      // (the note on how the figures were made, and what a pass of each guest does: the text's)
      io.out.write(JSON.stringify({ note: table.note, techniques: techniques.map(({ id, label }) => ({ id, label })), subjects: headings, rows }, null, 2) + '\n');
    }
    else io.out.write(options.markdown ? compareMarkdown(headings, rows) : compareText(headings, rows));
    return rows.every((r) => r.perPass) ? EXIT.OK : EXIT.GUEST_FAILED;
  },
};

/** `vmm compare --host LIST`: the I/O cost table of the host topologies (topology-costs.ts). */
async function compareHosts(args: readonly string[], options: Record<string, unknown>, io: Io): Promise<number> {
  const { combines, isTopology, TOPOLOGIES, DEFAULT_DOM0_IMAGE, DEFAULT_HOST_IMAGE } = await import('../../vmm/hosts/index.js');
  const { DOM0_MEMORY_BYTES } = await import('../../vmm/hosts/dom0/dom0-abi.js');
  const { DEFAULT_MODE, MODES, modeNamed } = await import('../../vmm/modes/index.js');
  const { compareTopologies, topologyTable } = await import('../../report/topology-costs.js');
  const { packageGuestsDir } = await import('../../asm/include-path.js');
  const { assembleFile } = await import('../../asm/index.js');
  const { runConfig } = await import('../machine-config.js');
  const names = String(options.host).split(',').map((x) => x.trim());
  const known = TOPOLOGIES.map((t) => t.name).join(', ');
  if (names.some((x) => x === '')) throw new UsageProblem(`--host expects topologies, comma-separated: ${known}; got '${String(options.host)}'`);
  const topologies = names.filter(isTopology);
  for (const name of names) if (!isTopology(name)) throw new UsageProblem(`--host: no topology '${name}'; the topologies are ${known}`);
  if (new Set(topologies).size !== topologies.length) throw new UsageProblem(`--host ${String(options.host)}: a topology named twice`);
  if (args.length) throw new UsageProblem('--host measures its own I/O microbenchmarks (guests/bench/diskread.s and console.s): give no images');
  for (const [key, flag] of [['input', '--input'], ['disk', '--disk'], ['define', '-D'], ['include', '-I']] as const) {
    if (options[key] !== undefined) throw new UsageProblem(`--host measures its own I/O microbenchmarks (guests/bench/diskread.s and console.s), built and run as they are, with their own disk and input: give no ${flag}`);
  }
  if (options.report !== undefined) throw new UsageProblem('--report draws the technique table; with --host, use --markdown or --json');
  const mode = options.modes === undefined ? DEFAULT_MODE : String(options.modes);
  if (!MODES.some((m) => m.name === mode)) throw new UsageProblem(`--host compares topologies under one VMM mode: --modes ${MODES.map((m) => m.name).join(' | ')}, got '${mode}'`);
  const build = MODES.find((m) => m.name === mode)!.build;
  for (const t of topologies) if (!combines(t, build)) throw new UsageProblem(`--host ${t} runs PARAVIRT guests only: compare it with --modes ${MODES.filter((m) => combines(t, m.build)).map((m) => m.name).join(' | ')}`);
  const guests = packageGuestsDir();
  if (!guests) throw new UsageProblem('the I/O microbenchmarks are not installed with this vmm (no guests/ beside it)');
  const assemble = (file: string, defines: Record<string, number>) => {
    const r = assembleFile(join(guests, file), { defines, runnable: true });
    if (!r.image) throw new Error(`VMM bug: guests/${file} does not assemble: ${r.diagnostics[0]?.message}`);
    return r.image;
  };
  const config = runConfig(options, io);
  // every topology's host must hold its guest (and a hosted host OS, guest 0), as vmm run checks
  const { checkHostMemory, memValues } = await import('../machine-config.js');
  const { DEFAULTS } = await import('../machine-options.js');
  const { HOST_OS_BYTES } = await import('../../vmm/hosts/hosted/host-abi.js');
  const { loadingGuests } = await import('../loading.js');
  const mem = `--mem ${memValues(options)[0] ?? DEFAULTS.mem}`;
  const subject = (t: string) => `${mem}: ${t === 'dom0' ? 'the guest and guest 0 under dom0 need' : `the guest under ${t} needs`}`;
  for (const t of topologies) checkHostMemory(modeNamed(mode), t === 'dom0' ? [config.memoryBytes, DOM0_MEMORY_BYTES] : [config.memoryBytes], subject(t), t === 'hosted' ? HOST_OS_BYTES : 0);
  const dom0 = { image: assemble(DEFAULT_DOM0_IMAGE, { PARAVIRT: 1 }), file: `guests/${DEFAULT_DOM0_IMAGE}`, crashAt: 0, memoryBytes: DOM0_MEMORY_BYTES };
  // (a microbenchmark the machine cannot load: --mem too small for its image or its layout)
  const comparison = loadingGuests(() => compareTopologies(topologies, mode, config, { image: assemble, host: { image: assemble(DEFAULT_HOST_IMAGE, {}), file: `guests/${DEFAULT_HOST_IMAGE}`, faultTick: 0 }, dom0 }), `${mem}: `);
  io.out.write(options.json ? JSON.stringify(comparison, null, 2) + '\n' : topologyTable(comparison, options.markdown === true));
  return comparison.rows.every((r) => r.costs.every((k) => !k.problem)) ? EXIT.OK : EXIT.GUEST_FAILED;
}
