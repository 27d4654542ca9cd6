// The guests vmm compare measures: its microbenchmark suite (guests/bench: one guest per
// operation the literature measures, each repeating it ITER times, docs/compare.md), and any
// source a user names, built both ways.

import { join } from 'node:path';
import { assembleFile, PARAVIRT_SYMBOL, type AssembleOptions } from '../asm/index.js';
import { packageGuestsDir } from '../asm/include-path.js';
import type { Image } from '../image/model.js';
import type { Build } from '../vmm/modes/mode.js';
import type { Subject } from './compare.js';

export interface SuiteEntry {
  readonly name: string;
  /** Its source, relative to guests/. */
  readonly file: string;
  /** What one pass does. */
  readonly operation: string;
  /** Its row in Adams & Agesen's nanobenchmarks (ASPLOS 2006), if it has one. */
  readonly paper?: string;
  /** Symbols defined when it is assembled. */
  readonly defines?: Readonly<Record<string, number>>;
  /** Copies that run side by side under the VMM, with the VMM switching between them once
   *  per pass (Subject.switchEveryPass). */
  readonly copies?: number;
}

/** The suite, in the order of the table. */
export const SUITE: readonly SuiteEntry[] = [
  { name: 'syscall', file: 'bench/syscall.s', operation: 'a system call from user mode and back', paper: 'syscall' },
  { name: 'in', file: 'bench/in.s', operation: 'port input (the disk\'s size)', paper: 'in' },
  { name: 'ptbr', file: 'bench/ptbr.s', operation: 'a page-table base write', paper: 'cr8wr' },
  { name: 'callret', file: 'bench/callret.s', operation: 'a call and its return', paper: 'call/ret' },
  { name: 'pgfault', file: 'bench/pgfault.s', operation: 'a page fault handled and resumed, then the page unmapped', paper: 'pgfault' },
  { name: 'divzero', file: 'bench/divzero.s', operation: 'a division by zero, handled', paper: 'divzero' },
  { name: 'ptemod', file: 'bench/ptemod.s', operation: 'a page-table entry write', paper: 'ptemod' },
  { name: 'tlbthrash', file: 'bench/tlbthrash.s', operation: 'a read from each of 128 pages (twice the default TLB)' },
  { name: 'hypercall', file: 'bench/hypercall.s', operation: 'the cheapest call into the VMM (natively cpuid)' },
  { name: 'switch', file: 'bench/tlbthrash.s', defines: { PAGES: 32 }, copies: 2, operation: 'a guest switch: two guests, each reading 32 pages a pass, switched once a pass' },
];

/** The suite as subjects, from the package's own guests/ (undefined when it has none), its
 *  sources read by `readFile` (the CLI's, which notes what a command reads). */
export function suiteSubjects(readFile?: AssembleOptions['readFile']): Subject[] | undefined {
  const guests = packageGuestsDir();
  if (guests === undefined) return undefined;
  return SUITE.map((entry) => sourceSubject(entry.name, join(guests, entry.file), { defines: entry.defines, readFile }, entry.copies));
}

/** A source as a subject: built natively and with PARAVIRT defined, with ITER passes when it
 *  has an ITER symbol (the first run's passes are its own value of ITER: its default, or
 *  what -D ITER gave), and, in copies, with COPY = the copy's index. Builds are made as they
 *  are needed; a build that does not assemble is the row's problem, named with the first
 *  error. */
export function sourceSubject(name: string, path: string, options: Pick<AssembleOptions, 'defines' | 'includeDirs' | 'readFile'>, copies = 1): Subject {
  const builds = new Map<string, Image | string>();
  const build = (kind: Build, passes?: number, copy = 0): Image | string => {
    const key = `${kind}:${passes ?? ''}:${copy}`;
    let image = builds.get(key);
    if (image === undefined) {
      const defines = { ...options.defines, ...(passes === undefined ? {} : { ITER: passes }), ...(copies > 1 ? { COPY: copy } : {}), ...(kind === 'paravirt' ? { [PARAVIRT_SYMBOL]: 1 } : {}) };
      const result = assembleFile(path, { ...options, defines, runnable: true });
      const how = [kind === 'paravirt' ? 'with PARAVIRT' : '', passes === undefined ? '' : `ITER=${passes}`, copies > 1 ? `COPY=${copy}` : ''].filter(Boolean).join(', ');
      image = result.image ?? `${path} does not assemble${how ? ` (${how})` : ''}: ${result.diagnostics[0]?.message ?? 'no image'}`;
      builds.set(key, image);
    }
    return image;
  };
  const plain = build('native');
  const kind: Build = typeof plain === 'string' ? 'paravirt' : 'native';
  const iter = build(kind);
  let passes = typeof iter === 'string' ? undefined : iter.symbols.find((s) => s.name === 'ITER')?.value;
  // ITER given its value again must build too: a source that sets it unconditionally (or
  // names something else ITER) cannot run other counts, and is measured over its whole run
  if (passes !== undefined && (passes | 0) === passes && passes >= MIN_PASSES && passes <= MAX_PASSES && typeof build(kind, passes) === 'string') passes = undefined;
  return {
    name,
    copies,
    switchEveryPass: copies > 1,
    ...(passes !== undefined ? { passes } : {}),
    image: (k, n, copy) => build(k, n, copy),
    check() {
      if (passes === undefined) return undefined;
      if ((passes | 0) !== passes || passes < MIN_PASSES || passes > MAX_PASSES) {
        return `${path}: ITER is ${passes > 0x7fffffff && passes <= 0xffffffff ? `${passes | 0} (${passes})` : passes}; vmm compare runs ITER and 2 ITER passes, so ITER must be a whole number from ${MIN_PASSES} to ${MAX_PASSES.toLocaleString('en-US')}`;
      }
      for (const k of ['native', 'paravirt'] as const) {
        if (typeof build(k) === 'string') continue; // this build never worked: its rows say so
        for (const n of [passes, 2 * passes]) {
          const image = build(k, n);
          if (typeof image === 'string') return image;
        }
      }
      return undefined;
    },
  };
}

/** The passes vmm compare can run: 2 ITER must be a count too. */
export const MIN_PASSES = 1;
export const MAX_PASSES = 2 ** 30;
