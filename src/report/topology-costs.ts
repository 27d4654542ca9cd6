// `vmm compare --host LIST`: what each host topology costs a guest's I/O (docs/topologies.md),
// per operation, the way vmm compare measures (compare.ts): each I/O microbenchmark runs with
// N and 2N operations and the difference, over N, is the cost of one, with boot cancelled.
// The cycles are the whole machine's: under hosted the host OS's work for the request (its
// system call, its driver, its scheduler) and both world switches count, not only the
// guest's. And the guests' share of the CPU under hosted, with the host application idle
// and busy: a CPU-bound guest's instructions over every instruction the CPU retired. Under
// para the guests are their PARAVIRT builds; under dom0 (para only) guest 0's work counts
// too, and the domain switches between it and the guest.

import type { Image } from '../image/model.js';
import type { HostedSetup, HostReport } from '../vmm/hosts/hosted/hosted-host.js';
import { combines, type Topology } from '../vmm/hosts/index.js';
import type { Dom0Report, Dom0Setup } from '../vmm/hosts/dom0/dom0-host.js';
import { buildFor } from '../vmm/modes/index.js';
import { exitCount, type GuestReport } from './guest-report.js';
import { runGuests, runGuestsDom0, runGuestsHosted, silentConsole, type RunConfig } from './run.js';

/** An I/O operation measured, and the guest (guests/bench) that repeats it. */
export interface IoOperation {
  readonly name: string;
  readonly label: string;
  readonly file: string;
  /** The symbol that says how many operations the guest does, and its value in the first run. */
  readonly param: string;
  readonly count: number;
  /** Bytes of disk the guest needs. */
  readonly diskBytes?: number;
}

export const IO_OPERATIONS: readonly IoOperation[] = [
  { name: 'disk-read', label: '4 KiB disk read (DMA, completion interrupt)', file: 'bench/diskread.s', param: 'ITER', count: 20, diskBytes: 4096 },
  { name: 'console-line', label: 'console line of 64 bytes', file: 'bench/console.s', param: 'LINES', count: 16 },
];

/** The CPU-bound guest of the share figure (it has both builds), and its size. */
export const SHARE_GUEST = { file: 'bench/callret.s', defines: { ITER: 200_000 } } as const;

/** One operation under one topology: per operation, or why there is no figure. */
export interface IoCost {
  topology: Topology;
  cycles?: number;
  exits?: number;
  worldSwitches?: number;
  /** Under dom0: times the CPU passed between domains. */
  domainSwitches?: number;
  problem?: string;
}

export interface IoRow {
  operation: string;
  label: string;
  costs: IoCost[];
}

export interface TopologyComparison {
  mode: string;
  rows: IoRow[];
  /** Under hosted: the guests' share of the CPU with the host application idle and busy. */
  share?: { idle: number; busy: number };
}

/** How the guests are built and the host is set up: the caller's (the CLI, the bench). */
export interface TopologyInputs {
  /** guests/<file> assembled natively with these defines. */
  image(file: string, defines: Record<string, number>): Image;
  /** The host OS of --host hosted. */
  host: Omit<HostedSetup, 'app'>;
  /** Guest 0 of --host dom0. */
  dom0: Dom0Setup;
}


/** One run of a single guest under a topology: its report, the machine's cycles and the
 *  world switches (hosted). */
function runOne(image: Image, name: string, disk: Uint8Array | undefined, topology: Topology, mode: string, config: RunConfig, inputs: TopologyInputs, app: HostedSetup['app'] = 'idle'): { guest: GuestReport; cycles: number; host?: HostReport; dom0?: Dom0Report } {
  const guest = { name, image, ...(disk ? { disk } : {}) };
  if (topology === 'dom0') {
    const run = runGuestsDom0([guest], mode, config, [silentConsole()], inputs.dom0);
    return { guest: run.guests[0]!, cycles: run.dom0.hostCycles, dom0: run.dom0 };
  }
  if (topology === 'hosted') {
    const run = runGuestsHosted([guest], mode, config, [silentConsole()], { ...inputs.host, app });
    return { guest: run.guests[0]!, cycles: run.host.cycles, host: run.host };
  }
  const report = runGuests([guest], mode, config, [silentConsole()])[0]!;
  return { guest: report, cycles: report.cycles };
}


export function compareTopologies(topologies: readonly Topology[], mode: string, config: RunConfig, inputs: TopologyInputs): TopologyComparison {
  const settings = { ...config, overhead: false };
  // the build the mode runs: natively, or the PARAVIRT one under para
  const build = (file: string, defines: Record<string, number>) => inputs.image(file, buildFor(mode) === 'paravirt' ? { ...defines, PARAVIRT: 1 } : defines);
  const rows = IO_OPERATIONS.map((op) => {
    const disk = op.diskBytes ? new Uint8Array(op.diskBytes).map((_, i) => (i * 7) & 255) : undefined;
    const images = [op.count, op.count * 2].map((n) => build(op.file, { [op.param]: n }));
    const costs = topologies.map((topology): IoCost => {
      if (!combines(topology, buildFor(mode))) return { topology, problem: `--host ${topology} runs PARAVIRT guests only (--modes ${mode} runs the native build)` };
      const [one, two] = images.map((image) => runOne(image, op.name, disk, topology, mode, settings, inputs));
      const failed = [one!, two!].find((r) => r.guest.status !== 'halted');
      if (failed) return { topology, problem: `${failed.guest.status}: ${failed.guest.reason}` };
      const per = (a: number, b: number) => Math.round(((b - a) / op.count) * 100) / 100;
      return {
        topology,
        cycles: per(one!.cycles, two!.cycles),
        // every domain's VM exits: under dom0 guest 0's too (the host OS of hosted is no VM)
        exits: per(exitCount(one!.guest) + (one!.dom0?.exits ?? 0), exitCount(two!.guest) + (two!.dom0?.exits ?? 0)),
        ...(one!.host ? { worldSwitches: per(one!.host.worldSwitches, two!.host!.worldSwitches) } : {}),
        ...(one!.dom0 ? { domainSwitches: per(one!.dom0.domainSwitches, two!.dom0!.domainSwitches) } : {}),
      };
    });
    return { operation: op.name, label: op.label, costs };
  });
  if (!topologies.includes('hosted')) return { mode, rows };
  const cpuBound = build(SHARE_GUEST.file, SHARE_GUEST.defines);
  const shareOf = (app: HostedSetup['app']) => runOne(cpuBound, 'callret', undefined, 'hosted', mode, settings, inputs, app).host!.guestShare;
  return { mode, rows, share: { idle: shareOf('idle'), busy: shareOf('busy') } };
}

/** The comparison as aligned text, or a Markdown table: cycles, exits and world switches per
 *  operation under each topology, then each topology's cycles against the first's. */
export function topologyTable(c: TopologyComparison, markdown: boolean): string {
  const topologies = c.rows[0]?.costs.map((k) => k.topology) ?? [];
  // (a cell is a figure, or text: a column of figures shows two decimals if one of them has a fraction)
  const columns: { title: string; value: (row: IoRow) => string | number }[] = [{ title: 'operation (per one)', value: (row) => row.label }];
  const fig = (k: IoCost | undefined, f: (k: IoCost) => number | undefined) => (k === undefined || k.problem ? 'n/a' : (f(k) ?? '-'));
  topologies.forEach((t, i) => columns.push({ title: `${t} cycles`, value: (row) => fig(row.costs[i], (k) => k.cycles) }));
  topologies.forEach((t, i) => columns.push({ title: `${t} exits`, value: (row) => fig(row.costs[i], (k) => k.exits) }));
  topologies.forEach((t, i) => {
    if (c.rows.some((row) => row.costs[i]?.worldSwitches !== undefined)) columns.push({ title: `${t} world switches`, value: (row) => fig(row.costs[i], (k) => k.worldSwitches) });
    if (c.rows.some((row) => row.costs[i]?.domainSwitches !== undefined)) columns.push({ title: `${t} domain switches`, value: (row) => fig(row.costs[i], (k) => k.domainSwitches) });
  });
  topologies.slice(1).forEach((t, j) => {
    columns.push({ title: `${t} / ${topologies[0]}`, value: (row) => {
      const base = row.costs[0]?.cycles;
      const k = row.costs[j + 1]?.cycles;
      return base && k !== undefined ? `${(k / base).toFixed(2)}x` : 'n/a';
    } });
  });
  const header = columns.map((col) => col.title);
  const cells = c.rows.map((row) => columns.map((col) => col.value(row)));
  const decimals = columns.map((_, i) => (cells.some((r) => typeof r[i] === 'number' && !Number.isInteger(r[i])) ? 2 : 0));
  const body = cells.map((r) => r.map((x, i) => (typeof x === 'number' ? x.toLocaleString('en-US', { minimumFractionDigits: decimals[i], maximumFractionDigits: decimals[i] }) : x)));
  const lines: string[] = [];
  if (markdown) {
    lines.push(`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`));
  } else {
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('   ').trimEnd();
    lines.push(`I/O under each host topology, --mode ${c.mode}: per operation, the whole machine's cycles${topologies.includes('dom0') ? ', and VM exits of every domain (guest 0\'s too)' : ''}`, '', line(header), ...body.map(line));
  }
  for (const row of c.rows) for (const k of row.costs) if (k.problem) lines.push(`${row.operation} under ${k.topology}: ${k.problem}`);
  if (c.share) lines.push('', `guests' share of the CPU under hosted (a CPU-bound guest): host application idle ${c.share.idle.toFixed(3)}, busy ${c.share.busy.toFixed(3)}`);
  return lines.join('\n') + '\n';
}
