// The summary `vmm run` prints on stderr: each guest's report as aligned text.

import type { ChalkInstance } from 'chalk';
import { hex } from '../isa/disasm.js';
import type { RunReport } from './guest-report.js';

const n = (x: number) => x.toLocaleString('en-US');

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
    out.push(`  tlb          hits ${n(t.hits)}  misses ${n(t.misses)}  flushes ${n(t.flushes)}  invlpg ${n(t.invalidations)}  walk refs ${n(t.walkReferences)}`);
    if (t.vmmFlushes !== undefined) out.push(`  vmm tlb      flushes ${n(t.vmmFlushes)}  invalidations ${n(t.vmmInvalidations ?? 0)}`);
    out.push(`  traps        ${countList(g.traps)}`);
    if (g.exits) out.push(`  exits        ${countList(g.exits)}`);
    if (g.notes && Object.keys(g.notes).length) out.push(`  notes        ${countList(g.notes)}`);
  }
  return out.join('\n') + '\n';
}
