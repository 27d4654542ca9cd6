// vmm compare's table, as text (lined up, one block per guest) or Markdown (one table):
// per pass, each technique's cycles, overhead against bare, exits (and by reason), TLB misses
// and page-walk references.

import type { CompareRow, PerPass } from './compare.js';
import { printable } from '../text/printable.js';

/** A subject as the table heads it. */
export interface SubjectHeading {
  name: string;
  /** What one pass does (the suite's guests). */
  operation?: string;
}

const COLUMNS = ['technique', 'cycles', 'vs bare', 'exits', 'TLB misses', 'walk refs', 'exits and notes by reason'] as const;

/** 1234.5 -> "1,234.50" (two decimals: per-pass figures can be fractions). */
function figure(x: number): string {
  return x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** 1 -> "1", 0.5 -> "0.5", 1/3 -> "0.33", 0.001 -> "<0.01" (a timer exit every few
 *  thousand passes is there, if rare). */
function count(x: number): string {
  if (x > 0 && x < 0.005) return '<0.01';
  return x.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** "2 io, 1 hlt": per pass by reason, most first. */
function reasons(byReason: Record<string, number>): string {
  return Object.entries(byReason)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([reason, n]) => `${count(n)} ${reason}`)
    .join(', ');
}

/** Exits by reason, then notes ("2 io, 1 hlt; notes: 1 guest-switch"). */
function exitsAndNotes(p: PerPass): string {
  const notes = reasons(p.notes);
  return [reasons(p.exitsByReason), notes ? `notes: ${notes}` : ''].filter(Boolean).join('; ');
}

/** The cells of one row, in COLUMNS order (a row with a problem has it in place of figures). */
function cells(row: CompareRow): string[] {
  const p = row.perPass;
  if (!p) return [row.label, '-', '-', '-', '-', '-', printable(row.problem ?? '')];
  return [row.label, figure(p.cycles), row.overhead === undefined ? '-' : figure(row.overhead), count(p.exits), figure(p.tlbMisses), figure(p.walkReferences), exitsAndNotes(p)];
}

function heading(subject: SubjectHeading, row: CompareRow | undefined): string {
  const passes = row?.passes ? `per pass: ${row.passes[0].toLocaleString('en-US')} and ${row.passes[1].toLocaleString('en-US')} passes` : 'its whole run: it has no ITER';
  return `${subject.name}${subject.operation ? `: ${subject.operation}` : ''} (${passes})`;
}

export const COMPARE_NOTE =
  'Per pass: the difference of two runs, with ITER and 2 ITER passes, over ITER (boot and finish cancel); ' +
  'cycles are the cost model\'s; "vs bare" is cycles against bare hardware\'s for the same pass.';
const WHOLE_RUN_NOTE = 'Each guest over its whole run (none has ITER); cycles are the cost model\'s; "vs bare" is cycles against bare hardware\'s.';

/** The note that says how the figures were made. */
function noteFor(rows: readonly CompareRow[]): string {
  return rows.some((r) => r.passes) ? COMPARE_NOTE : WHOLE_RUN_NOTE;
}

/** The table as its text cells: the note on how the figures were made, the columns, and per
 *  subject its heading and its rows (the HTML report draws these, as the text does). */
export interface CompareCells {
  note: string;
  columns: string[];
  blocks: { heading: string; rows: string[][] }[];
}

export function compareCells(subjects: readonly SubjectHeading[], rows: readonly CompareRow[]): CompareCells {
  return {
    note: noteFor(rows),
    columns: [...COLUMNS],
    blocks: subjects.map((subject) => {
      const mine = rows.filter((r) => r.subject === subject.name);
      return { heading: heading(subject, mine[0]), rows: mine.map(cells) };
    }),
  };
}

/** The table as lined-up text, one block per subject. */
export function compareText(subjects: readonly SubjectHeading[], rows: readonly CompareRow[]): string {
  const { note, columns, blocks } = compareCells(subjects, rows);
  const table = blocks.flatMap((b) => b.rows);
  const widths = columns.map((c, i) => Math.max(c.length, ...table.map((r) => r[i]!.length)));
  const line = (r: readonly string[]) =>
    `  ${r
      .map((cell, i) => (i === 0 || i === r.length - 1 ? cell.padEnd(i === r.length - 1 ? 0 : widths[i]!) : cell.padStart(widths[i]!)))
      .join('   ')}`.trimEnd();
  const out: string[] = [note, ''];
  for (const block of blocks) out.push(block.heading, line(columns), ...block.rows.map(line), '');
  return out.join('\n');
}

/** The table as Markdown: one table, a row per subject and technique. */
export function compareMarkdown(subjects: readonly SubjectHeading[], rows: readonly CompareRow[]): string {
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const out = [`| guest | ${COLUMNS.join(' | ')} |`, `|---|---|${COLUMNS.slice(1, -1).map(() => '---:').join('|')}|---|`];
  for (const subject of subjects) {
    for (const row of rows.filter((r) => r.subject === subject.name)) out.push(`| ${escape(subject.name)} | ${cells(row).map(escape).join(' | ')} |`);
  }
  return `${out.join('\n')}\n\n${noteFor(rows)}\n`;
}
