// The summary `vmm run` prints on stderr: each guest's report as aligned text.

import type { ChalkInstance } from 'chalk';
import { hex } from '../isa/disasm.js';
import type { TlbFigures } from '../machine/tlb.js';
import type { GuestReport, RunReport } from './guest-report.js';
import type { HostReport } from '../vmm/hosts/hosted/hosted-host.js';
import type { Dom0Report } from '../vmm/hosts/dom0/dom0-host.js';
import { DOMAIN_IO_WORDS, type DomainIo } from '../vmm/hosts/dom0/switchboard.js';
import { printable } from '../text/printable.js';

const n = (x: number) => x.toLocaleString('en-US');
/** A ratio to two decimals (as toFixed rounds it), its whole part grouped as n's: 1,234.50. */
const ratio = (x: number) => x.toFixed(2).replace(/^\d+/, (whole) => n(Number(whole)));

/** The summary says each figure in the words of its --json key (walkReferences: "walk
 *  references"): one vocabulary (docs/cli.md). */
export function wordsOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/** The TLB figures the summary shows, by key: the guest's line, and the VMM's (its keys
 *  are `vmm` + the word, shown on the line labelled `vmm tlb`). */
export const TLB_LINE = ['hits', 'misses', 'flushes', 'invalidations', 'walkReferences', 'walkWrites'] as const;
export const VMM_TLB_LINE = ['vmmFlushes', 'vmmInvalidations'] as const;

function figures(t: TlbFigures, keys: readonly (keyof TlbFigures)[], prefix = ''): string {
  return keys.map((k) => `${wordsOf(k.slice(prefix.length).replace(/^./, (c) => c.toLowerCase()))} ${n(t[k] ?? 0)}`).join('  ');
}

/** Counts as "name count" pairs, largest first, ties by name. */
export function countList(counts: Record<string, number>): string {
  const rows = Object.entries(counts).filter(([, v]) => v > 0);
  rows.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return rows.length ? rows.map(([k, v]) => `${k} ${n(v)}`).join('  ') : 'none';
}

/** The words of the warning a run with silent divergences gets (the summary's lines, which
 *  the HTML report joins): a run that halted may still have gone wrong, unseen (docs/vmm.md,
 *  "--mode trap"). */
export function divergenceWords(d: NonNullable<GuestReport['divergences']>): readonly string[] {
  const many = d.count === 1 ? 'a sensitive instruction' : `${n(d.count)} sensitive instructions`;
  return [
    `${many} ran deprivileged without an exit: the guest silently diverged`,
    `from bare hardware, and its output and figures may be wrong. ${d.count === 1 ? 'It was:' : 'The first:'}`,
    `${d.first.where}: ${d.first.detail}`,
  ];
}

/** The warning, just under the guest's status line, with what would have kept it away. */
function divergenceWarning(d: NonNullable<GuestReport['divergences']>, c: ChalkInstance): string[] {
  const lines = [...divergenceWords(d), '(--strict makes them trap; --mode full translates them)'];
  return lines.map((line, i) => c.yellow(`${i === 0 ? '  WARNING      ' : '               '}${line}`));
}

/** The mode, and the options that change how it virtualizes, as a heading names them. */
function modeSettings(report: RunReport): string {
  const settings = [report.mode];
  if (report.translation === 'inline') settings.push('--bt inline');
  if (report.hardware && !report.hardware.nestedPaging) settings.push('--npt off');
  if (report.hardware && !report.hardware.vpid) settings.push('--vpid off');
  return settings.join(', ');
}

export function formatSummary(report: RunReport, c: ChalkInstance): string {
  const out: string[] = [];
  for (const g of report.guests) {
    const statusColor = g.status !== 'halted' ? c.red : g.divergences ? c.yellow : c.green;
    const where = g.reason.includes('pc 0x') ? '' : ` at pc ${hex(g.pc, 8)}`;
    out.push(`${c.bold(g.name)} (${modeSettings(report)}): ${statusColor(g.status)}: ${printable(g.reason)}${where}`);
    if (g.divergences) append(out, divergenceWarning(g.divergences, c));
    const overhead = g.overhead !== undefined ? `overhead ${ratio(g.overhead)}x bare` : `overhead n/a: ${g.overheadMissing ?? 'not measured'}`;
    out.push(`  instructions ${n(g.instructions).padStart(14)}    cycles ${n(g.cycles).padStart(16)}    ${overhead}`);
    const t = g.tlb;
    out.push(`  tlb          ${figures(t, TLB_LINE)}`);
    if (t.vmmFlushes !== undefined) out.push(`  vmm tlb      ${figures(t, VMM_TLB_LINE, 'vmm')}`);
    out.push(`  traps        ${countList(g.traps)}`);
    if (g.exits) out.push(`  exits        ${countList(g.exits)}`);
    if (g.notes && Object.keys(g.notes).length) out.push(`  notes        ${countList(g.notes)}`);
    if (g.hypercalls) out.push(`  hypercalls   ${countList(g.hypercalls)}`);
    if (g.vmmWork) out.push(`  vmm work     ${n(g.vmmWork)} units for the guest's hypercalls, counted as its time`);
  }
  if (report.host) append(out, hostSummary(report.host, report.guests, c));
  if (report.dom0) append(out, dom0Summary(report.dom0, c));
  return out.join('\n') + '\n';
}

/** Guest 0 of a dom0 run: how it ended, what it routed, each guest's I/O through it. */
function dom0Summary(h: Dom0Report, c: ChalkInstance): string[] {
  const statusColor = h.status === 'halted' ? c.green : c.red;
  const out = [
    `${c.bold('guest 0')} (${h.topology}, ${printable(h.image)}): ${statusColor(h.status)}: ${printable(h.reason)}`,
    `  cycles ${n(h.cycles).padStart(16)}    exits ${n(h.exits)}    host cycles ${n(h.hostCycles)}    domain switches ${n(h.domainSwitches)}    events routed ${n(h.eventsRouted)}    disk interrupts routed ${n(h.interruptsRouted)}${h.iommuRefused ? `    DMA refused by the IOMMU ${n(h.iommuRefused)}` : ''}`,
  ];
  for (const io of h.io) {
    const counts = countList(Object.fromEntries((Object.keys(DOMAIN_IO_WORDS) as (keyof DomainIo)[]).map((k) => [DOMAIN_IO_WORDS[k], io[k]])));
    out.push(`  front ends   ${io.guest}: ${counts}`);
  }
  for (const line of h.console.trimEnd().split('\n')) if (line) out.push(`  console      ${printable(line)}`);
  return out;
}

/** The host OS of a hosted run: how it ended, its world switches, each guest's requests. */
function hostSummary(h: HostReport, guests: readonly GuestReport[], c: ChalkInstance): string[] {
  const statusColor = h.status === 'halted' ? c.green : c.red;
  const out = [
    `${c.bold('host')} (${h.topology}, ${printable(h.image)}, application ${h.app}): ${statusColor(h.status)}: ${printable(h.reason)}`,
    `  cycles ${n(h.cycles).padStart(16)}    guests' share ${h.guestShare.toFixed(3)}    world switches ${n(h.worldSwitches)}`,
  ];
  h.requests.forEach((r, i) => {
    const counts = countList({ 'disk reads': r.diskReads, 'disk writes': r.diskWrites, 'console lines': r.consoleLines });
    out.push(`  requests     ${guests[i]?.name ?? i}: ${counts}${r.hostCycles ? `  (host cycles ${n(r.hostCycles)})` : ''}`);
  });
  for (const line of h.console.trimEnd().split('\n')) if (line) out.push(`  console      ${printable(line)}`);
  return out;
}

/** Append `lines` to `out` one by one (a host OS's console may be millions of lines: more than
 *  a call's arguments can spread). */
function append(out: string[], lines: readonly string[]): void {
  for (const line of lines) out.push(line);
}
