// `vmm compare`: every technique side by side on the same guests (docs/compare.md). A
// technique is a mode with its settings, as `vmm run` would be given them (trap with
// --strict, hw with or without nested paging and VPID). Every technique runs the same
// source: natively, or its PARAVIRT build under para.
//
// A guest with an ITER symbol (a microbenchmark of guests/bench, or any source written the
// same way) runs twice, with ITER and with 2 ITER passes of its operation: the difference of
// the two runs, divided by ITER, is the cost of one pass, with boot and finish cancelled. A
// guest without one is measured over its whole run. Overhead against bare is the same step
// as `vmm run`'s (cycles under the technique over cycles on bare hardware), per pass.

import { isParavirt, type Image } from '../image/model.js';
import { buildFor, isReference, MODES, REFERENCE } from '../vmm/modes/index.js';
import { DEFAULT_ASSIST, type Build, type ModeTechnique } from '../vmm/modes/mode.js';
import type { ConsoleSink, GuestReport } from './guest-report.js';
import { cyclesAgainstBare, keptConsole, runGuests, sameLines, type RunConfig } from './run.js';
import { visible } from '../text/visible.js';

/** A way to run guests that vmm compare weighs: the bare reference, or a mode with its
 *  settings (each mode lists its own: ModeTechnique). */
export interface Technique extends ModeTechnique {
  readonly mode: string;
}

/** Every technique vmm compare knows, in the order of the table: bare, then each mode's. */
export const TECHNIQUES: readonly Technique[] = [
  { id: REFERENCE.name, label: REFERENCE.name, mode: REFERENCE.name },
  ...MODES.flatMap((m) => m.techniques.map((t) => ({ ...t, mode: m.name }))),
];

/** A guest vmm compare measures. */
export interface Subject {
  readonly name: string;
  /** ITER's value when the guest has one (the passes of the first run); else undefined. */
  readonly passes?: number;
  /** Copies of the guest that run side by side under the VMM (bare runs one). */
  readonly copies: number;
  /** The VMM switches between the copies once per pass: its quantum is one pass's
   *  instructions, as bare hardware counts them. */
  readonly switchEveryPass?: boolean;
  /** The image of a build, with ITER = passes when given, for copy `copy` (0, 1, ...: a
   *  source has COPY defined when it runs in copies); or why there is none. */
  image(build: Build, passes?: number, copy?: number): Image | string;
  /** What makes it unfit to measure at all (bad input: an ITER out of range, a count that
   *  does not build); undefined when it is fit. */
  check?(): string | undefined;
  /** The console input and the disk each of its runs starts with (every copy the same). */
  readonly input?: Uint8Array;
  readonly disk?: Uint8Array;
}

/** Figures per pass (or per run, for a guest without ITER), per copy. */
export interface PerPass {
  cycles: number;
  instructions: number;
  /** Exits, and by reason. */
  exits: number;
  exitsByReason: Record<string, number>;
  /** Notes by reason: what the VMM did that is not an exit (a guest switch, an interrupt
   *  injected). */
  notes: Record<string, number>;
  tlbMisses: number;
  /** Page-walk reads, and A/D-bit writes. */
  walkReferences: number;
  walkWrites: number;
}

export interface CompareRow {
  subject: string;
  technique: string;
  label: string;
  /** The passes of the two runs, or null: one whole run. */
  passes: [number, number] | null;
  perPass?: PerPass;
  /** Cycles per pass against bare's (absent when either is missing). */
  overhead?: number;
  /** Why there are no figures: the guest did not build, did not halt, or printed otherwise
   *  than on bare hardware. */
  problem?: string;
}

/** One run: every copy's report, or what went wrong. */
function runOnce(subject: Subject, technique: Technique, config: RunConfig, passes: number | undefined): GuestReport[] | string {
  const copies = isReference(technique.mode) ? 1 : subject.copies;
  const images = Array.from({ length: copies }, (_, i) => subject.image(buildFor(technique.mode), passes, i));
  const missing = images.find((image) => typeof image === 'string');
  if (missing !== undefined) return missing as string;
  const names = copies === 1 ? [subject.name] : Array.from({ length: copies }, (_, i) => `${subject.name}${i + 1}`);
  const settings: RunConfig = { ...config, strict: technique.strict === true, assist: { ...DEFAULT_ASSIST, ...technique.assist }, inlineTranslation: technique.inlineTranslation === true, overhead: false };
  const reports = runGuests(
    names.map((name, i) => ({ name, image: images[i] as Image, ...(subject.input ? { input: subject.input } : {}), ...(subject.disk ? { disk: subject.disk } : {}) })),
    technique.mode,
    settings,
    names.map(() => keptConsole()),
  );
  const failed = reports.find((r) => r.status !== 'halted');
  const at = passes === undefined ? '' : ` (ITER=${passes})`;
  return failed ? `${failed.name}${at}: ${failed.status}: ${failed.reason}` : reports;
}

/** The sum of every copy's figures. */
function totals(reports: readonly GuestReport[]): PerPass {
  const sum: PerPass = { cycles: 0, instructions: 0, exits: 0, exitsByReason: {}, notes: {}, tlbMisses: 0, walkReferences: 0, walkWrites: 0 };
  for (const r of reports) {
    sum.cycles += r.cycles;
    sum.instructions += r.instructions;
    sum.tlbMisses += r.tlb.misses;
    sum.walkReferences += r.tlb.walkReferences;
    sum.walkWrites += r.tlb.walkWrites;
    for (const [reason, count] of Object.entries(r.exits ?? {})) {
      sum.exits += count;
      sum.exitsByReason[reason] = (sum.exitsByReason[reason] ?? 0) + count;
    }
    for (const [reason, count] of Object.entries(r.notes ?? {})) sum.notes[reason] = (sum.notes[reason] ?? 0) + count;
  }
  return sum;
}

/** later[k] - earlier[k] over divisor, for every k (those that cancel out are left out). */
function difference(later: Record<string, number>, earlier: Record<string, number>, divisor: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of new Set([...Object.keys(later), ...Object.keys(earlier)])) {
    const d = (later[k] ?? 0) - (earlier[k] ?? 0);
    if (d !== 0) out[k] = d / divisor;
  }
  return out;
}

/** (later - earlier) / divisor, figure by figure. */
function perPass(later: PerPass, earlier: PerPass, divisor: number): PerPass {
  const by = (f: (p: PerPass) => number) => (f(later) - f(earlier)) / divisor;
  return {
    cycles: by((p) => p.cycles),
    instructions: by((p) => p.instructions),
    exits: by((p) => p.exits),
    exitsByReason: difference(later.exitsByReason, earlier.exitsByReason, divisor),
    notes: difference(later.notes, earlier.notes, divisor),
    tlbMisses: by((p) => p.tlbMisses),
    walkReferences: by((p) => p.walkReferences),
    walkWrites: by((p) => p.walkWrites),
  };
}

/** The first figure a pass made negative (in the summary's words), if any: a guest whose
 *  other work shrinks as ITER grows (a loop of ITER passes, then one of 100 - ITER). */
function lessWithMorePasses(p: PerPass): string | undefined {
  const single: [string, number][] = [['cycles', p.cycles], ['exits', p.exits], ['TLB misses', p.tlbMisses], ['walk references', p.walkReferences], ['walk writes', p.walkWrites]];
  const named = [...Object.entries(p.exitsByReason).map(([r, n]) => [`${r} exits`, n] as [string, number]), ...Object.entries(p.notes).map(([r, n]) => [`${r} notes`, n] as [string, number])];
  return [...single, ...named].find(([, n]) => n < 0)?.[0];
}

const NONE: PerPass = { cycles: 0, instructions: 0, exits: 0, exitsByReason: {}, notes: {}, tlbMisses: 0, walkReferences: 0, walkWrites: 0 };

/** What a guest printed first, for a problem (a guest that stops early often says why):
 *  '; it printed "..."', its first line that is not empty (without a carriage return at its
 *  end) as a terminal shows a guest's bytes (text/visible.ts: no control sequence of the
 *  guest's reaches the screen), cut at 100 characters; '' if it printed nothing. `console`
 *  holds a byte a character (keptConsole). */
function printed(console: string): string {
  const first = console.split('\n').map((l) => l.replace(/\r$/, '')).find((l) => l !== '') ?? '';
  const line = [...visible(Buffer.from(first, 'latin1'))];
  if (line.length === 0) return '';
  // (cut on a whole character, and not inside an escape such as \x1b)
  const cut = () => `${line.slice(0, 99).join('').replace(/\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})?$/, '')}…`;
  return `; it printed "${line.length > 100 ? cut() : line.join('')}"`;
}

/** One subject under one technique; `bare` is the subject's bare row (for the overhead and
 *  the console output every technique must print). */
export function measure(subject: Subject, technique: Technique, config: RunConfig, bare?: { row: CompareRow; console: string }): { row: CompareRow; console: string } {
  const passes: [number, number] | null = subject.passes === undefined ? null : [subject.passes, 2 * subject.passes];
  const row: CompareRow = { subject: subject.name, technique: technique.id, label: technique.label, passes };
  const pass = bare?.row.perPass?.instructions;
  if (subject.switchEveryPass && !isReference(technique.mode)) {
    if (pass === undefined || pass < 1) return { row: { ...row, problem: 'no pass on bare hardware to set the quantum by' }, console: '' };
    config = { ...config, quantum: Math.round(pass) };
  }
  const first = runOnce(subject, technique, config, passes?.[0]);
  if (typeof first === 'string') return { row: { ...row, problem: first }, console: '' };
  const console = first[0]!.console;
  if (bare && bare.row.perPass && !sameLines(console, bare.console)) return { row: { ...row, problem: 'its console output differs from bare hardware\'s' }, console };
  const copies = first.length;
  let figures: PerPass;
  if (passes) {
    const second = runOnce(subject, technique, config, passes[1]);
    if (typeof second === 'string') return { row: { ...row, problem: second }, console };
    // the difference is the passes' only if the two runs differ in nothing else
    if (!sameLines(second[0]!.console, console)) return { row: { ...row, problem: `it prints differently with ITER=${passes[0]} and ITER=${passes[1]}, so the difference of the runs is not its passes' alone` }, console };
    figures = perPass(totals(second), totals(first), (passes[1] - passes[0]) * copies);
    if (figures.instructions <= 0) return { row: { ...row, problem: `ITER does not change how much it runs: the runs with ITER=${passes[0]} and ITER=${passes[1]} retired the same instructions${printed(console)}` }, console };
    const fewer = lessWithMorePasses(figures);
    if (fewer) return { row: { ...row, problem: `the run with ITER=${passes[1]} had fewer ${fewer} than the one with ITER=${passes[0]}, so the difference of the runs is not its passes' alone (it does other work as ITER grows)` }, console };
  } else {
    figures = perPass(totals(first), NONE, copies);
  }
  const ratio = bare?.row.perPass ? cyclesAgainstBare(figures.cycles, bare.row.perPass.cycles) : undefined;
  return { row: { ...row, perPass: figures, ...(ratio === undefined ? {} : { overhead: ratio }) }, console };
}

/** Every subject under every technique (bare runs first for each, whether shown or not:
 *  the others are set against it). */
export function compare(subjects: readonly Subject[], techniques: readonly Technique[], config: RunConfig, progress?: (subject: string, technique: string) => void): CompareRow[] {
  const rows: CompareRow[] = [];
  const reference = TECHNIQUES[0]!;
  for (const subject of subjects) {
    progress?.(subject.name, reference.label);
    const bare = measure(subject, reference, config);
    if (bare.row.perPass && bare.row.perPass.cycles > 0) bare.row.overhead = 1;
    for (const technique of techniques) {
      if (technique === reference) {
        rows.push(bare.row);
        continue;
      }
      progress?.(subject.name, technique.label);
      rows.push(measure(subject, technique, config, bare).row);
    }
  }
  return rows;
}

/** A subject from images already built: one native image, or one PARAVIRT image, or both
 *  (a source), with no ITER. */
export function imageSubject(name: string, images: { native?: Image; paravirt?: Image }): Subject {
  return {
    name,
    copies: 1,
    image(build) {
      const image = images[build];
      if (image) return image;
      const have = images.native ?? images.paravirt;
      return have && isParavirt(have) ? 'a PARAVIRT image runs under para only' : 'a native image: para runs PARAVIRT builds (give the .s source to have both)';
    },
  };
}
