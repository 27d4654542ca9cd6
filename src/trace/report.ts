// What a run reports per guest, as data (the JSON of `vmm run --json`) and as aligned text
// (the summary `vmm run` prints on stderr).

import type { ChalkInstance } from 'chalk';
import { causeName } from '../isa/arch.js';
import { hex } from '../isa/disasm.js';
import type { Tlb } from '../machine/tlb.js';

export type GuestStatus = 'halted' | 'faulted' | 'limit' | 'killed';

export interface TlbFigures {
  lookups: number;
  hits: number;
  misses: number;
  flushes: number;
  invalidations: number;
  walkReferences: number;
}

export interface GuestReport {
  name: string;
  status: GuestStatus;
  reason: string;
  pc: number;
  console: string;
  instructions: number;
  cycles: number;
  /** Guest time: instructions retired plus ticks spent halted. */
  ticks: number;
  tlb: TlbFigures;
  traps: Record<string, number>;
  exits?: Record<string, number>;
  /** Things the VMM did or missed that are not exits (interrupt injections, silent
   *  sensitive instructions). */
  notes?: Record<string, number>;
  /** Cycles against the same guest in bare mode (1.00 = no overhead), when measured. */
  overhead?: number;
}

export interface RunReport {
  mode: string;
  guests: GuestReport[];
}

/** Traps by cause name, in cause order. */
export function trapCounts(traps: ReadonlyMap<number, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [cause, count] of [...traps].sort((a, b) => a[0] - b[0])) out[causeName(cause)] = count;
  return out;
}

export function tlbFigures(tlb: Tlb): TlbFigures {
  return { lookups: tlb.lookups, hits: tlb.hits, misses: tlb.misses, flushes: tlb.flushes, invalidations: tlb.invalidations, walkReferences: tlb.walkReferences };
}

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
    out.push(`  traps        ${countList(g.traps)}`);
    if (g.exits) out.push(`  exits        ${countList(g.exits)}`);
    if (g.notes && Object.keys(g.notes).length) out.push(`  notes        ${countList(g.notes)}`);
  }
  return out.join('\n') + '\n';
}
