// `npm run bench`: the figures the issues ask for, measured in one run on this machine.
// Every timed figure is the median of several runs; targets are printed beside them. Run
// it on a quiet machine: the numbers are wall-clock rates, the ratios compare runs made
// moments apart in the same process. The workloads' and the engine's figures are each the
// median of three processes' (PROCESSES).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleFile, assembleSource } from '../src/asm/index.js';
import { chalkFor } from '../src/cli/colors.js';
import { FdWriter } from '../src/cli/fd-writer.js';
import type { Image } from '../src/image/model.js';
import { makeCostModel } from '../src/machine/costs.js';
import type { GuestInput } from '../src/machine/config.js';
import { exitCount, type GuestReport } from '../src/report/guest-report.js';
import { keptConsole, runGuests, silentConsole, type RunConfig } from '../src/report/run.js';
import { compareTopologies } from '../src/report/topology-costs.js';
import { DOM0_MEMORY_BYTES } from '../src/vmm/hosts/dom0/dom0-abi.js';
import { JsonLinesSink } from '../src/trace/jsonl.js';
import { TextSink } from '../src/trace/text.js';
import type { ExitProbe } from '../src/vmm/exits.js';
import { REFERENCE } from '../src/vmm/modes/index.js';
import { DEFAULT_ASSIST } from '../src/vmm/modes/mode.js';
import { benchAssembler } from './bench/asm.js';
import { median, warmUp } from './bench/stats.js';
import { WORKLOADS } from './bench/workloads.js';

const rows: { figure: string; value: string; target: string; ok: boolean }[] = [];
function report(figure: string, value: string, target: string, ok: boolean): void {
  rows.push({ figure, value, target, ok });
  console.log(`${ok ? 'ok  ' : 'MISS'}  ${figure.padEnd(58)} ${value.padStart(16)}   target ${target}`);
}

function timed<T>(f: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

function assemble(path: string, defines: Record<string, number> = {}): Image {
  const r = assembleFile(path, { defines });
  if (!r.image) throw new Error(`${path} does not assemble: ${r.diagnostics.map((d) => d.message).join('; ')}`);
  return r.image;
}

const config: RunConfig = { memoryBytes: 1 << 20, tlbSize: 64, tlbTagged: false, strict: false, costs: makeCostModel(), maxInstructions: 1e12, quantum: 10_000, overhead: false };
const BARE = REFERENCE.name;
const FULL = 'full';
const TRAP = 'trap';
const PARA = 'para';
const HW = 'hw';

function runGuest(guest: GuestInput, mode: string, probe?: ExitProbe, settings: RunConfig = config): GuestReport {
  return runGuests([guest], mode, settings, [silentConsole()], probe)[0]!;
}

/** The settings of --bt inline (full mode's translator translating in place). */
const INLINE: RunConfig = { ...config, inlineTranslation: true };

function check(r: GuestReport, what: string): GuestReport {
  if (r.status !== 'halted') throw new Error(`${what}: guest ended ${r.status}: ${r.reason}`);
  return r;
}

/** `guest` under full with every exit written to `path` as JSON lines, or as aligned text
 *  (the file removed after): its records and seconds, writing included. */
function tracedRun(guest: GuestInput, path: string, format: 'jsonl' | 'text' = 'jsonl'): { records: number; seconds: number } {
  const writer = new FdWriter(openSync(path, 'w'), path, true);
  const sink = format === 'jsonl' ? new JsonLinesSink(writer) : new TextSink(writer, chalkFor(false));
  const t = timed(() => {
    check(runGuest(guest, FULL, sink), `${guest.name} traced`);
    sink.flush();
    writer.flush();
  });
  writer.close();
  rmSync(path);
  return { records: sink.records, seconds: t.seconds };
}

/** Run `run` until it is warm (warmUp), and say how many runs that took. */
function warm(run: () => unknown): number {
  return warmUp(() => timed(run).seconds);
}

/** The wall time of one run against another's: the median of 9 pairs run back to back, so
 *  that the machine's drift affects both sides. Both are warm first (warm, pair by pair: the
 *  JavaScript engine optimizes the code both share, the CPU loop and compiled guest code, for
 *  both). */
function pairedWallRatio(against: () => GuestReport, run: () => GuestReport): number {
  warm(() => {
    against();
    run();
  });
  const pairs = Array.from({ length: 9 }, () => {
    const before = timed(against).seconds;
    return timed(run).seconds / before;
  });
  return median(pairs);
}

/** A guest's wall time under `mode` against bare (pairedWallRatio). */
function wallAgainstBare(guest: GuestInput, mode: string): number {
  return pairedWallRatio(() => check(runGuest(guest, BARE), `${guest.name} bare`), () => check(runGuest(guest, mode), `${guest.name} ${mode}`));
}

/** The wall time of a run that does nothing under `mode` (a guest that halts at once: the
 *  machine built, the image loaded, the report made), to subtract from a run's. */
function startupOf(mode: string): number {
  const halt = { name: 'halt', image: assembleSource('hlt\n', 'halt.s').image! };
  for (let i = 0; i < 5; i++) runGuest(halt, mode);
  return median(Array.from({ length: 21 }, () => timed(() => check(runGuest(halt, mode), 'halt')).seconds));
}

const ROUNDS = 20;
const EXITS = 1_000_000;
const sieveGuest = () => ({ name: 'sieve', image: assemble('guests/bench/sieve.s', { ROUNDS }) });
const exitsGuest = () => ({ name: 'exits', image: assemble('guests/bench/exits.s', { COUNT: EXITS }) });

/** Sections whose wall-time figures are taken in this many processes, each figure the
 *  median of theirs: this machine runs some processes (or some compiled code in them)
 *  about 1.5x slower than others, for their whole life, and one such process can make a
 *  ratio of two runs in it read far off. */
const PROCESSES: Record<string, number> = { workloads: 3, engine: 3 };

/** The sections, in the order they run; each in its own process. */
const SECTIONS: Record<string, () => Promise<void> | void> = {
  // The assembler: lines per second and peak heap on a 100,000-line source.
  async assembler() {
    const runs = [await benchAssembler(), await benchAssembler(), await benchAssembler()];
    const lps = median(runs.map((r) => r.linesPerSecond));
    const heap = Math.max(...runs.map((r) => r.peakHeapMB));
    report(`assembler: ${runs[0]!.lines.toLocaleString('en-US')}-line source, lines per second`, lps.toFixed(0), '>= 25,000 (aim 50,000)', lps >= 25_000);
    report('assembler: peak heap, MB', heap.toFixed(0), '< 300', heap < 300);
  },

  // Start-up: `vmm --version` against `node -e ''`, alternated so both see the same noise.
  startup() {
    const spawnTime = (args: string[]) => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
      if (r.status !== 0) throw new Error(`${args.join(' ')} failed`);
      return (performance.now() - t0) / 1000;
    };
    // Pairs run back to back, and the ratio is the median of the pairs' ratios, so that the
    // machine's drift during the run (this host is noisy) affects both sides of each pair.
    const node: number[] = [];
    const vmm: number[] = [];
    for (let i = 0; i < 31; i++) {
      node.push(spawnTime(['-e', '']));
      vmm.push(spawnTime([join(import.meta.dirname, 'vmm.js'), '--version']));
    }
    const ratio = median(vmm.map((v, i) => v / node[i]!));
    report(`start-up: vmm --version ${(median(vmm) * 1000).toFixed(0)} ms vs node -e '' ${(median(node) * 1000).toFixed(0)} ms, ratio`, ratio.toFixed(2), '<= 1.5', ratio <= 1.5);
  },

  // The interpreter: a CPU-bound guest with paging on, against plain JavaScript.
  interpreter() {
    const sieve = sieveGuest();
    runGuest(sieve, BARE); // warm up the compiled loop
    const runs = Array.from({ length: 11 }, () => timed(() => check(runGuest(sieve, BARE), 'sieve bare')));
    const seconds = median(runs.map((r) => r.seconds));
    const mips = runs[0]!.value.instructions / seconds / 1e6;
    const jsSeconds = median(Array.from({ length: 11 }, () => timed(() => sieveInJavaScript(ROUNDS)).seconds));
    report(`interpreter: sieve guest, paging on, user mode, M instructions/s`, mips.toFixed(0), '>= 150', mips >= 150);
    report(`interpreter: same sieve in plain JS ${(jsSeconds * 1000).toFixed(1)} ms vs guest ${(seconds * 1000).toFixed(0)} ms, ratio`, (jsSeconds / seconds).toFixed(3), '>= 0.05', jsSeconds / seconds >= 0.05);
  },

  // The engine (docs/vmm.md): the workloads of varied shape (scripts/bench/workloads.ts)
  // against their plain-JavaScript twins, in bare mode; each guest's run is timed in-process
  // with its image assembled beforehand, less the start-up of a run (a guest that halts at
  // once: the machine built, the image loaded, the report made), and its twin in the same
  // process. Both are warm alike (warm: the JavaScript engine has optimized the twin, and
  // the guest's compiled code) before eleven pairs of runs, a guest's and its twin's back to
  // back, the median of whose ratios counts. A guest's first run, compiling included, is
  // printed beside its figure.
  workloads() {
    const startup = startupOf(BARE);
    report('workloads: start-up of a run (a guest that halts at once), ms', (startup * 1000).toFixed(2), '(figure)', true);
    const ratios: number[] = [];
    for (const w of WORKLOADS) {
      const guest = { name: w.file.replace(/.*\/|\.s$/g, ''), image: assemble(w.file, w.defines) };
      const first = timed(() => check(runGuests([guest], BARE, config, [keptConsole()])[0]!, w.name));
      const expected = w.twin(w.defines);
      if (first.value.console !== expected) throw new Error(`${w.name}: the guest printed ${JSON.stringify(first.value.console)}, its JavaScript twin ${JSON.stringify(expected)}`);
      const warmRuns = warm(() => runGuest(guest, BARE));
      warm(() => w.twin(w.defines));
      // (a guest's run and its twin's back to back, eleven times, and the median of the pairs'
      // ratios: the machine's speed drifts from second to second, and the two sides of a
      // pair see the same)
      const pairs = Array.from({ length: 11 }, () => {
        const guestRun = timed(() => runGuest(guest, BARE)).seconds - startup;
        return { guestRun, twinRun: timed(() => w.twin(w.defines)).seconds };
      });
      const guestSeconds = median(pairs.map((p) => p.guestRun));
      if (guestSeconds < 5 * startup) throw new Error(`${w.name}: a run of ${((guestSeconds + startup) * 1000).toFixed(1)} ms is too short beside its start-up (${(startup * 1000).toFixed(2)} ms) to measure: raise its size`);
      const jsSeconds = median(pairs.map((p) => p.twinRun));
      const ratio = median(pairs.map((p) => p.twinRun / p.guestRun));
      ratios.push(ratio);
      report(`workloads: ${w.name}, plain JS ${(jsSeconds * 1000).toFixed(1)} ms / guest ${(guestSeconds * 1000).toFixed(0)} ms (first run ${(first.seconds * 1000).toFixed(0)} ms, warm after ${warmRuns + 1})`, ratio.toFixed(3), '>= 0.15', ratio >= 0.15);
    }
    const med = median(ratios);
    report('workloads: median speed against plain JS, bare', med.toFixed(3), '>= 0.3', med >= 0.3);
  },

  // Code and data on one page, kernels under the VMM, exits, tracing and the overhead run.
  engine() {
    const tasks = (defines: Record<string, number> = {}) => ({ name: 'tasks', image: assemble('guests/bench/tasks.s', defines) });
    const separate = tasks();
    const shared = tasks({ SHARED: 1 });
    const sharing = pairedWallRatio(() => check(runGuest(separate, BARE), 'tasks'), () => check(runGuest(shared, BARE), 'tasks shared'));
    report('engine: kernel with its data on its code page / on a page apart, wall time, bare', sharing.toFixed(2), '<= 1.5', sharing <= 1.5);
    const full = wallAgainstBare(separate, FULL);
    report('engine: interrupt-driven two-task kernel, wall time --mode full / bare', full.toFixed(2), '<= 1.3', full <= 1.3);
    // (--bt inline: the kernel's control-register accesses translated in place, no callout)
    const inlined = pairedWallRatio(() => check(runGuest(separate, BARE), 'tasks bare'), () => check(runGuest(separate, FULL, undefined, INLINE), 'tasks full --bt inline'));
    report('engine: interrupt-driven two-task kernel, wall time --mode full --bt inline / bare', inlined.toFixed(2), '(figure)', true);
    const trap = wallAgainstBare(separate, TRAP);
    report('engine: interrupt-driven two-task kernel, wall time --mode trap / bare', trap.toFixed(2), '<= 1.5', trap <= 1.5);
    const dispatch = wallAgainstBare({ name: 'dispatch', image: assemble('guests/bench/dispatch.s', { SUPERVISOR: 1 }) }, FULL);
    report('engine: supervisor-mode dispatch loop, wall time --mode full / bare', dispatch.toFixed(2), '<= 1.5', dispatch <= 1.5);

    // One exit against the instructions of the same loop without it (-D NO_EXIT): an exit's
    // time is the loop's run less the same loop's without exits; an instruction's, a run of
    // ten times the loop without exits, less the start-up of a run.
    const exits = exitsGuest();
    const quiet = (count: number) => ({ name: 'exits', image: assemble('guests/bench/exits.s', { COUNT: count, NO_EXIT: 1 }) });
    const [still, long] = [quiet(EXITS), quiet(10 * EXITS)];
    for (const mode of [FULL, TRAP]) {
      const startup = startupOf(mode);
      for (const guest of [exits, still, long]) runGuest(guest, mode);
      const samples = Array.from({ length: 7 }, () => {
        const loud = timed(() => check(runGuest(exits, mode), 'exits'));
        const without = timed(() => check(runGuest(still, mode), 'exits without'));
        const loop = timed(() => check(runGuest(long, mode), 'exits without, ten times'));
        const exit = (loud.seconds - without.seconds) / exitCount(loud.value);
        return { exit, instruction: (loop.seconds - startup) / loop.value.instructions };
      });
      const perExit = median(samples.map((s) => s.exit / s.instruction));
      const ns = (seconds: number) => (seconds * 1e9).toFixed(seconds < 1e-9 ? 2 : 0);
      report(`engine: one exit, --mode ${mode} (${ns(median(samples.map((s) => s.exit)))} ns; an instruction ${ns(median(samples.map((s) => s.instruction)))} ns), in guest instructions of the same loop's wall time`, perExit.toFixed(1), '<= 20', perExit <= 20);
    }
    // Tracing every exit to a JSON-lines file, against the untraced run.
    const dir = mkdtempSync(join(tmpdir(), 'vmm-bench-'));
    try {
      runGuest(exits, FULL, { record() {} });
      const traced = median(Array.from({ length: 5 }, (_, i) => {
        const untraced = timed(() => check(runGuest(exits, FULL), 'exits')).seconds;
        return tracedRun(exits, join(dir, `trace-${i}.jsonl`)).seconds / untraced;
      }));
      report('engine: exit-heavy guest traced to a JSON-lines file / untraced, wall time', traced.toFixed(2), '<= 3', traced <= 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // vmm run's default overhead figure against --no-overhead, as a student runs it again (the
    // built CLI; the bare run kept from the first run, src/cli/bare-cache.ts).
    const cache = mkdtempSync(join(tmpdir(), 'vmm-bench-cache-'));
    try {
      const cli = (extra: string[]) => {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, ['dist/vmm.js', 'run', 'guests/bench/tasks.s', '--mode', 'full', '-q', ...extra], { stdio: 'ignore', env: { ...process.env, VMM_CACHE_DIR: cache } });
        if (r.status !== 0) throw new Error(`vmm run guests/bench/tasks.s failed (status ${r.status})`);
        return (performance.now() - t0) / 1000;
      };
      const first = cli([]);
      const again = median(Array.from({ length: 7 }, () => cli([]) / cli(['--no-overhead'])));
      report(`engine: vmm run --mode full, overhead figure kept from a first run (${first.toFixed(2)} s) / --no-overhead, wall time`, again.toFixed(2), '<= 1.2', again <= 1.2);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  },

  // The VMM: the same CPU-bound user code under full virtualization, against bare.
  vmm() {
    const ratio = wallAgainstBare(sieveGuest(), FULL);
    report('vmm: CPU-bound user-mode guest, wall time --mode full / bare', ratio.toFixed(2), '<= 1.3', ratio <= 1.3);
  },

  // Exits: a guest kernel that writes a port in a loop (an exit per write).
  exits() {
    const guest = exitsGuest();
    for (const mode of [FULL, TRAP]) {
      runGuest(guest, mode);
      const runs = Array.from({ length: 7 }, () => timed(() => check(runGuest(guest, mode), 'exits')));
      const seconds = median(runs.map((r) => r.seconds));
      const exits = exitCount(runs[0]!.value);
      const rate = exits / seconds / 1e6;
      report(`vmm: exit-heavy guest (out in a loop), --mode ${mode}, M exits/s`, rate.toFixed(2), '>= 2', rate >= 2);
    }
  },

  // Paravirtualization (docs/vmm.md, "para"): the same sources, natively under full and trap
  // --strict, and built PARAVIRT under para. Counts, not times: every exit record counts
  // (notes are not exits). Cycles are the cost model's.
  para() {
    const both = (path: string, defines: Record<string, number> = {}) => ({ native: assemble(path, defines), paravirt: assemble(path, { ...defines, PARAVIRT: 1 }) });
    const under = (images: { native: Image; paravirt: Image }, name: string, disk?: Uint8Array) => ({
      full: check(runGuest({ name, image: images.native, disk }, FULL), `${name} full`),
      strict: check(runGuest({ name, image: images.native, disk }, TRAP, undefined, { ...config, strict: true }), `${name} trap --strict`),
      para: check(runGuest({ name, image: images.paravirt, disk }, PARA), `${name} para`),
    });
    const per = (a: number, b: number) => (a / b).toFixed(2);

    const [tinyosImages, tinyosDisk] = [both('guests/kernel/tinyos.s'), readFileSync('guests/kernel/disk.txt')];
    const tinyos = under(tinyosImages, 'tinyos', tinyosDisk);
    const [full, strict, para] = [exitCount(tinyos.full), exitCount(tinyos.strict), exitCount(tinyos.para)];
    report(`para: tinyos with its disk, exits: full ${full.toLocaleString('en-US')}, para ${para.toLocaleString('en-US')}; full / para`, per(full, para), '>= 5', full / para >= 5);
    report(`para: tinyos, exits: trap --strict ${strict.toLocaleString('en-US')} / para`, per(strict, para), '(figure)', true);
    const inline = exitCount(check(runGuest({ name: 'tinyos', image: tinyosImages.native, disk: tinyosDisk }, FULL, undefined, INLINE), 'tinyos full --bt inline'));
    report(`para: tinyos, exits: full --bt inline ${inline.toLocaleString('en-US')} / para`, per(inline, para), '(figure)', true);
    report(`para: tinyos, cycles: full ${tinyos.full.cycles.toLocaleString('en-US')} / para ${tinyos.para.cycles.toLocaleString('en-US')}`, per(tinyos.full.cycles, tinyos.para.cycles), '(figure)', true);
    report(`para: tinyos, cycles: trap --strict ${tinyos.strict.cycles.toLocaleString('en-US')} / para`, per(tinyos.strict.cycles, tinyos.para.cycles), '(figure)', true);
    report(`para: tinyos, guest instructions: para / native (the PV layer's own)`, per(tinyos.para.instructions, tinyos.full.instructions), '(figure)', true);

    const ptmapImages = both('guests/bench/ptmap.s');
    const ptmap = under(ptmapImages, 'ptmap');
    const writes = ptmap.full.exits?.['page-table-write'] ?? 0;
    const calls = ptmap.para.hypercalls?.['mmu_update'] ?? 0;
    const constant = (name: string) => ptmapImages.native.symbols.find((x) => x.name === name)!.value;
    const updates = constant('ROUNDS') * constant('PAGES') * 2; // each page mapped, then unmapped
    report(`para: ptmap, ${updates.toLocaleString('en-US')} page-table updates: full's page-table-write exits`, writes.toLocaleString('en-US'), '(figure)', true);
    report(`para: ptmap: para's mmu_update hypercalls (${calls}), updates per hypercall`, per(updates, calls), '(figure)', true);
    report(`para: ptmap, cycles per update (the whole run's): full ${per(ptmap.full.cycles, updates)}, para`, per(ptmap.para.cycles, updates), '(figure)', true);
    report(`para: ptmap, exits: full ${exitCount(ptmap.full).toLocaleString('en-US')} / para ${exitCount(ptmap.para).toLocaleString('en-US')}`, per(exitCount(ptmap.full), exitCount(ptmap.para)), '(figure)', true);

    const consoleGuest = under(both('guests/bench/console.s'), 'console');
    report(`para: 1 KiB of console output, exits: full ${exitCount(consoleGuest.full).toLocaleString('en-US')} / para ${exitCount(consoleGuest.para)}`, per(exitCount(consoleGuest.full), exitCount(consoleGuest.para)), '(figure)', true);
  },

  // Hardware-assisted virtualization (docs/vmm.md, "hw"): the CPU-bound guest natively in
  // non-root operation with nested paging (no exits in its loop), against bare; the wall
  // time of an exit, against full's on the same guest in the same run; and what nested
  // paging does to a page walk.
  hw() {
    const ratio = wallAgainstBare(sieveGuest(), HW);
    report('hw: CPU-bound user-mode guest, nested paging, wall time --mode hw / bare', ratio.toFixed(2), '<= 1.1', ratio <= 1.1);

    const guest = exitsGuest();
    runGuest(guest, HW);
    runGuest(guest, FULL);
    const perExit = Array.from({ length: 7 }, () => {
      const hw = timed(() => check(runGuest(guest, HW), 'exits hw'));
      const full = timed(() => check(runGuest(guest, FULL), 'exits full'));
      return hw.seconds / exitCount(hw.value) / (full.seconds / exitCount(full.value));
    });
    const exitRatio = median(perExit);
    report('hw: exit-heavy guest, wall time per exit --mode hw / full', exitRatio.toFixed(2), '<= 1', exitRatio <= 1);

    const tinyos = { name: 'tinyos', image: assemble('guests/kernel/tinyos.s'), disk: readFileSync('guests/kernel/disk.txt') };
    const [bare, hw, shadow] = [runGuest(tinyos, BARE), runGuest(tinyos, HW), runGuest(tinyos, HW, undefined, { ...config, assist: { ...DEFAULT_ASSIST, nestedPaging: false } })];
    const perMiss = (r: GuestReport) => r.tlb.walkReferences / r.tlb.misses;
    report(`hw: tinyos, page-walk reads per TLB miss: bare ${perMiss(bare).toFixed(2)}, hw (nested)`, perMiss(hw).toFixed(2), '(figure)', true);
    report(`hw: tinyos, exits: hw ${exitCount(hw).toLocaleString('en-US')}, --npt off`, exitCount(shadow).toLocaleString('en-US'), '(figure)', true);
    report(`hw: tinyos, cycles: hw ${hw.cycles.toLocaleString('en-US')}, --npt off ${shadow.cycles.toLocaleString('en-US')}; overhead vs bare`, (hw.cycles / bare.cycles).toFixed(2), '(figure)', true);
  },

  // vmm compare (docs/compare.md): the whole microbenchmark suite under every technique, with
  // its default pass counts, as a student runs it (the built CLI, in a process of its own).
  compare() {
    const runs = Array.from({ length: 3 }, () => {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['dist/vmm.js', 'compare'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`vmm compare failed (status ${r.status}): ${r.stderr}`);
      return (performance.now() - t0) / 1000;
    });
    const seconds = median(runs);
    report('compare: vmm compare, the whole suite under every technique, seconds', seconds.toFixed(1), '< 30', seconds < 30);
    const dir = mkdtempSync(join(tmpdir(), 'vmm-bench-'));
    try {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['dist/vmm.js', 'compare', '--report', join(dir, 'compare.html')], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`vmm compare --report failed (status ${r.status}): ${r.stderr}`);
      const withReport = (performance.now() - t0) / 1000;
      report('compare: vmm compare --report FILE.html, the whole suite, seconds', withReport.toFixed(1), '< 30', withReport < 30);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },

  // Host topologies (docs/topologies.md): what each costs a guest's I/O, per operation, as
  // vmm compare --host measures it (the whole machine's cycles: under hosted the host OS's
  // work and both world switches), and the guests' share of the CPU under hosted.
  topologies() {
    const dom0 = { image: assemble('guests/dom0/dom0.s', { PARAVIRT: 1 }), file: 'guests/dom0/dom0.s', crashAt: 0, memoryBytes: DOM0_MEMORY_BYTES };
    const inputs = { image: (file: string, defines: Record<string, number>) => assemble(join('guests', file), defines), host: { image: assemble('guests/host/hostos.s'), file: 'guests/host/hostos.s', faultTick: 0 }, dom0 };
    const t0 = performance.now();
    const c = compareTopologies(['bare-metal', 'hosted'], FULL, config, inputs);
    const seconds = (performance.now() - t0) / 1000;
    for (const row of c.rows) {
      const [bareMetal, hosted] = row.costs;
      if (!bareMetal?.cycles || !hosted?.cycles) throw new Error(`${row.operation}: ${bareMetal?.problem ?? hosted?.problem}`);
      report(`topologies: ${row.label}, cycles: bare-metal ${bareMetal.cycles.toLocaleString('en-US')}, hosted`, hosted.cycles.toLocaleString('en-US'), '(figure)', true);
      report(`topologies: ${row.label}, hosted / bare-metal`, (hosted.cycles / bareMetal.cycles).toFixed(2), '(figure)', true);
    }
    report('topologies: hosted, guests\' share of the CPU, host application idle', c.share!.idle.toFixed(3), '(figure)', true);
    report('topologies: hosted, guests\' share of the CPU, host application busy', c.share!.busy.toFixed(3), '(figure)', true);
    report('topologies: vmm compare --host bare-metal,hosted, seconds', seconds.toFixed(1), '(figure)', true);
    // The three side by side under para (dom0's guests are paravirtual).
    const t1 = performance.now();
    const p = compareTopologies(['bare-metal', 'hosted', 'dom0'], PARA, config, inputs);
    const paraSeconds = (performance.now() - t1) / 1000;
    for (const row of p.rows) {
      const [bareMetal, hosted, driver] = row.costs;
      if (!bareMetal?.cycles || !hosted?.cycles || !driver?.cycles) throw new Error(`${row.operation}: ${bareMetal?.problem ?? hosted?.problem ?? driver?.problem}`);
      report(`topologies (para): ${row.label}, cycles: bare-metal ${bareMetal.cycles.toLocaleString('en-US')}, hosted ${hosted.cycles.toLocaleString('en-US')}, dom0`, driver.cycles.toLocaleString('en-US'), '(figure)', true);
      report(`topologies (para): ${row.label}, hosted / bare-metal, dom0 / bare-metal`, `${(hosted.cycles / bareMetal.cycles).toFixed(2)}, ${(driver.cycles / bareMetal.cycles).toFixed(2)}`, '(figure)', true);
      report(`topologies (para): ${row.label}, dom0 exits and domain switches per operation`, `${driver.exits}, ${driver.domainSwitches}`, '(figure)', true);
    }
    report('topologies: vmm compare --host bare-metal,hosted,dom0 --modes para, seconds', paraSeconds.toFixed(1), '(figure)', true);
    // What moves out of the VMM under dom0: the code of the device models a paravirtual
    // guest's I/O uses (its virtual disk and console, and the block back end), against what
    // the VMM keeps for the split drivers (switchboard, IOMMU) and what guest 0 runs.
    const lines = (files: string[]) => files.reduce((n, f) => n + readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() !== '' && !/^\s*(\/\/|;)/.test(l)).length, 0);
    const models = lines(['src/vmm/modes/para/blkback.ts', 'src/machine/devices/disk.ts', 'src/machine/devices/console.ts']);
    const kept = lines(['src/vmm/hosts/dom0/switchboard.ts', 'src/vmm/hosts/dom0/iommu.ts']);
    report('topologies: dom0, lines of device-model code the VMM no longer runs for a guest (blkback, disk, console), and of the split drivers it keeps (switchboard, IOMMU)', `${models}, ${kept}`, '(figure)', true);
    report('topologies: dom0, lines of guest 0\'s back ends (guests/dom0/dom0.s, code and data)', String(lines(['guests/dom0/dom0.s'])), '(figure)', true);
  },

  // Tracing: the same guest with every exit written to a file as JSON lines. Each run writes
  // a fresh file, removed right after, so runs do not queue behind the disk flushing 250 MB.
  trace() {
    const guest = exitsGuest();
    const dir = mkdtempSync(join(tmpdir(), 'vmm-bench-'));
    try {
      runGuest(guest, FULL, { record() {} }); // warm up the traced paths
      const runs = Array.from({ length: 7 }, (_, i) => tracedRun(guest, join(dir, `trace-${i}.jsonl`)));
      const rate = median(runs.map((r) => r.records / r.seconds));
      report(`trace: JSON lines written to a file (${runs[0]!.records.toLocaleString('en-US')} records), records/s`, rate.toFixed(0), '>= 500,000', rate >= 500_000);
      const text = median(Array.from({ length: 7 }, (_, i) => tracedRun(guest, join(dir, `trace-${i}.txt`), 'text')).map((r) => r.records / r.seconds));
      report('trace: aligned text (--format text) written to a file, records/s', text.toFixed(0), '(figure)', true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const section = process.argv[2];
if (section) {
  // A child: run one section; the exit status is how many of its figures missed.
  const run = SECTIONS[section];
  if (!run) throw new Error(`no bench section '${section}' (sections: ${Object.keys(SECTIONS).join(', ')})`);
  await run();
  process.exitCode = rows.filter((r) => !r.ok).length;
} else {
  console.log('vmm bench (medians; wall-clock figures depend on this machine)\n');
  let missed = 0;
  let figures = 0;
  for (const name of Object.keys(SECTIONS)) {
    const runs = Array.from({ length: PROCESSES[name] ?? 1 }, () => runSection(name));
    const lines = runs.length === 1 ? runs[0]! : medianLines(runs);
    if (runs.length > 1) console.log(`(${name}: each figure the median of ${runs.length} processes)`);
    for (const line of lines) console.log(line);
    missed += lines.filter((l) => l.startsWith('MISS')).length;
    figures += lines.length;
  }
  console.log(`\n${figures - missed} of ${figures} figures meet their targets`);
}

/** Run one section in a child process: its figures' lines. */
function runSection(name: string): string[] {
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, name], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (child.status === null || child.status > 100) {
    process.stdout.write(child.stdout);
    throw new Error(`bench section ${name} failed (status ${child.status})`);
  }
  return child.stdout.split('\n').filter((l) => /^(ok |MISS)/.test(l));
}

/** For each figure of several runs of a section (the same figures in the same order), the
 *  line of the run whose value is the median (its ok or MISS, and its details, are that
 *  run's). */
function medianLines(runs: string[][]): string[] {
  return runs[0]!.map((_, i) => {
    const lines = runs.map((r) => r[i]!);
    const value = (line: string) => Number(/\s(-?[\d.]+)\s+target /.exec(line)?.[1] ?? NaN);
    if (lines.some((l) => Number.isNaN(value(l)))) return lines[0]!;
    return [...lines].sort((a, b) => value(a) - value(b))[lines.length >> 1]!;
  });
}

/** The sieve of guests/bench/sieve.s, written in plain JavaScript. */
function sieveInJavaScript(rounds: number): number {
  const size = 65536;
  const flags = new Uint8Array(size);
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < size; i++) flags[i] = 1;
    for (let p = 2; p * p < size; p++) {
      if (flags[p] === 0) continue;
      for (let m = p * p; m < size; m += p) flags[m] = 0;
    }
    for (let i = 2; i < size; i++) total += flags[i]!;
  }
  if (total !== rounds * 6542) throw new Error(`plain JS sieve counted ${total}`);
  return total;
}
