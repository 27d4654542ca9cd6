// The summary `vmm run` prints on stderr: each guest's report as aligned text.

import type { ChalkInstance } from 'chalk';
import { hex } from '../isa/disasm.js';
import type { TlbFigures } from '../machine/tlb.js';
import type { RunReport } from './guest-report.js';

const n = (x: number) => x.toLocaleString('en-US');

/** The summary says each figure in the words of its --json key (walkReferences: "walk
 *  references"): one vocabulary (docs/cli.md). */
export function wordsOf(key: string): string {
  return key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/** The TLB figures the summary shows, by key: the guest's line, and the VMM's (its keys
 *  are `vmm` + the word, shown on the line labelled `vmm tlb`). */
export const TLB_LINE = ['hits', 'misses', 'flushes', 'invalidations', 'walkReferences'] as const;
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

export function formatSummary(report: RunReport, c: ChalkInstance): string {
  const out: string[] = [];
  for (const g of report.guests) {
    const statusColor = g.status === 'halted' ? c.green : c.red;
    const where = g.reason.includes('pc 0x') ? '' : ` at pc ${hex(g.pc, 8)}`;
    out.push(`${c.bold(g.name)} (${report.mode}): ${statusColor(g.status)}: ${g.reason}${where}`);
    out.push(`  instructions ${n(g.instructions).padStart(14)}    cycles ${n(g.cycles).padStart(16)}${g.overhead !== undefined ? `    overhead ${g.overhead.toFixed(2)}x bare` : ''}`);
    const t = g.tlb;
    out.push(`  tlb          ${figures(t, TLB_LINE)}`);
    if (t.vmmFlushes !== undefined) out.push(`  vmm tlb      ${figures(t, VMM_TLB_LINE, 'vmm')}`);
    out.push(`  traps        ${countList(g.traps)}`);
    if (g.exits) out.push(`  exits        ${countList(g.exits)}`);
    if (g.notes && Object.keys(g.notes).length) out.push(`  notes        ${countList(g.notes)}`);
  }
  return out.join('\n') + '\n';
}
