// Equivalence, the VMM's first test oracle (docs/vmm.md): every guest program under guests/
// that runs in bare mode gives, in every registered mode, the same console output, final
// status, instruction count and ticks, the same final registers, pc, FLAGS and control
// registers, and the same memory, whatever the scheduling quantum, with a tagged TLB and
// with --strict. A mode may declare (Mode.equivalence) a note that, when a run records it,
// excuses that run: trap mode, for guests whose kernel runs a sensitive-unprivileged
// instruction (getf, setf, cpuid) unseen; with --strict those trap and it must match too.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { GuestReport } from '../../src/report/guest-report.js';
import { MODES } from '../../src/vmm/modes/index.js';
import { DEFAULT_ASSIST } from '../../src/vmm/modes/mode.js';
import { bareState, guestPath, recorder, run } from '../support/guests.js';
import { allGuestSources, buildsOf, expectedOutput, GUEST_TABLE, guest, modesFor, programs, runHv, sameLines, vmState, type RunOptions, type VmmMode } from './helpers.js';

/** Guests whose kernel runs getf/setf/cpuid in supervisor mode: a mode that cannot follow
 *  them says so in its equivalence (trap-and-emulate: that is the point of --mode trap). */
const SENSITIVE_IN_KERNEL = new Set(['kernel/tinyos.s', 'host/hostos.s', 'attack/host-snoop.s', 'attack/kread.s', 'attack/selfmod.s', 'attack/hw-cpuid-hlt.s', 'bench/hypercall.s']);

/** Known VMM bugs by mode and guest (reported; the tests stay as `it.fails` until fixed). */
const KNOWN_BUGS: Record<string, Record<string, string>> = {};
/** Guests that cannot even be run in-process in a mode (they hang vmm; isolation.test.ts
 *  checks them in a child process with a timeout). */
const HANGS: Record<string, Set<string>> = {};

/** Quanta to try, by the guest's length (quantum 1 means an exit per instruction). */
function quantaFor(instructions: number): number[] {
  const q = [1000];
  if (instructions <= 1_000_000) q.unshift(7);
  if (instructions <= 150_000) q.unshift(1);
  return q;
}

/** The reason text without the parenthesized instruction/source details (the VMM names the
 *  source line, the bare machine does not). */
const reasonCore = (r: GuestReport) => r.reason.replace(/ \([^)]*\)/g, '');

function sameRun(got: GuestReport, want: GuestReport, label: string): void {
  expect(got.console, `${label}: console`).toBe(want.console);
  expect(got.status, `${label}: status`).toBe(want.status);
  expect(reasonCore(got), `${label}: reason`).toBe(reasonCore(want));
  expect(got.instructions, `${label}: instructions`).toBe(want.instructions);
  expect(got.ticks, `${label}: ticks`).toBe(want.ticks);
  expect(got.pc, `${label}: final pc`).toBe(want.pc);
  expect(got.traps, `${label}: traps taken`).toEqual(want.traps);
  // The guest's own TLB flushes and invalidations follow its architecture in every mode.
  expect(got.tlb.flushes, `${label}: the guest's TLB flushes`).toBe(want.tlb.flushes);
  expect(got.tlb.invalidations, `${label}: the guest's invlpgs`).toBe(want.tlb.invalidations);
}

const bareCache = new Map<string, { report: GuestReport; state: ReturnType<typeof bareState> }>();
function bare(rel: string, extra: RunOptions = {}) {
  const key = `${rel}:${JSON.stringify(extra)}`;
  let b = bareCache.get(key);
  if (!b) {
    const { input, options } = guest(rel);
    const opts = { ...options, ...extra };
    b = { report: run([input], 'bare', opts)[0]!, state: bareState(input.image, { ...opts, disk: input.disk, input: input.input }) };
    bareCache.set(key, b);
  }
  return b;
}

/** One guest under the VMM: its report must equal bare; its final state too. */
function checkAgainstBare(rel: string, mode: VmmMode, extra: RunOptions, label: string): void {
  const { input, options } = guest(rel);
  const want = bare(rel, { tlbTagged: extra.tlbTagged, strict: extra.strict });
  const { vms, reports } = runHv([input], mode, { ...options, ...extra });
  sameRun(reports[0]!, want.report, label);
  const state = vmState(vms[0]!);
  expect(state.regs, `${label}: registers`).toEqual(want.state.regs);
  expect(state.pc, `${label}: pc`).toBe(want.state.pc);
  expect(state.flags, `${label}: FLAGS`).toBe(want.state.flags);
  expect(state.cr, `${label}: control registers`).toEqual(want.state.cr);
  expect(state.memory, `${label}: memory (sha256)`).toBe(want.state.memory);
}

describe('the guest table', () => {
  it('names only files that exist, and include-only files are included by another guest', () => {
    const all = allGuestSources();
    for (const rel of Object.keys(GUEST_TABLE)) expect(all, rel).toContain(rel);
    const texts = all.map((rel) => readFileSync(guestPath(...rel.split('/')), 'utf8'));
    for (const [rel, spec] of Object.entries(GUEST_TABLE)) {
      if (!spec.includeOnly) continue;
      const base = rel.replace(/^.*\//, '');
      expect(texts.some((t) => t.includes(`.include "${base}"`) || t.includes(`/${base}"`)), `${rel} is included somewhere`).toBe(true);
    }
  });

  it('finds the kernel, the bare guests, the benches and every attack guest', () => {
    const p = programs();
    for (const rel of ['kernel/tinyos.s', 'bare/hello.s', 'bare/primes.s', 'bench/exits.s', 'attack/kread.s', 'attack/map-beyond.s', 'attack/pt-escape.s', 'attack/dma-beyond.s', 'attack/ports.s', 'attack/spin.s', 'attack/storm.s', 'attack/selfmod.s']) {
      expect(p).toContain(rel);
    }
  });

  it('every program runs to a deterministic end in bare mode (halted or faulted; limit only where the table says)', () => {
    for (const rel of programs().filter((p) => buildsOf(p).includes('native'))) {
      const r = bare(rel).report;
      if (GUEST_TABLE[rel]?.maxInstructions) expect(r.status, rel).toBe('limit');
      else expect(['halted', 'faulted'], `${rel}: ${r.status}: ${r.reason}`).toContain(r.status);
    }
  });
});

/** A mode's own settings, each of which must also equal bare. */
const SETTINGS: Record<string, [string, RunOptions][]> = {
  hw: [
    ['--npt off', { assist: { ...DEFAULT_ASSIST, nestedPaging: false } }],
    ['--vpid off', { assist: { ...DEFAULT_ASSIST, vpid: false } }],
    ['--npt off --vpid off, tagged TLB', { tlbTagged: true, assist: { ...DEFAULT_ASSIST, nestedPaging: false, vpid: false } }],
    ['--vpid off, tagged TLB, quantum 7', { tlbTagged: true, quantum: 7, assist: { ...DEFAULT_ASSIST, vpid: false } }],
    ['hlt and io exiting off', { assist: { ...DEFAULT_ASSIST, noExitOn: ['hlt,io'] } }],
    ['every control on', { assist: { ...DEFAULT_ASSIST, exitOn: ['cr,exceptions,invlpg,tlbflush'] } }],
  ],
};

for (const rel of programs()) {
  describe(rel, () => {
    for (const mode of modesFor(rel)) {
      const m = mode.name;
      if (mode.equivalence.byLines && !buildsOf(rel).includes('native')) {
        // Only a PARAVIRT build (a hostile paravirtual guest): no native lines to compare
        // with; it must give its .expected output whatever the quantum and TLB.
        it(`--mode ${m}: the same end whatever the quantum and TLB, deterministic`, () => {
          const { input, options } = guest(rel, undefined, 'paravirt');
          const want = runHv([input], m, options).reports[0]!;
          expect(want.console).toBe(expectedOutput(rel));
          for (const extra of [{ quantum: 7 }, { quantum: 1000 }, { tlbTagged: true }, {}] as RunOptions[]) {
            const got = runHv([input], m, { ...options, ...extra }).reports[0]!;
            expect({ console: got.console, status: got.status }, JSON.stringify(extra)).toEqual({ console: want.console, status: want.status });
          }
        });
        continue;
      }
      if (mode.equivalence.byLines) {
        // Another build of the same source: its lines must be the native build's on bare.
        it(`--mode ${m} (the PARAVIRT build) prints the native build's lines on bare, with and without a disk, whatever the quantum and TLB`, () => {
          const { input, options } = guest(rel, undefined, 'paravirt');
          const variants: [string, RunOptions, boolean][] = [['default', {}, true], ['no disk', {}, false], ['quantum 7', { quantum: 7 }, true], ['tagged TLB', { tlbTagged: true }, true]];
          for (const [label, extra, withDisk] of variants) {
            const g = { ...input, disk: withDisk ? input.disk : undefined };
            const want = withDisk ? bare(rel).report : run([{ ...guest(rel).input, disk: undefined }], 'bare', options)[0]!;
            const got = runHv([g], m, { ...options, ...extra }).reports[0]!;
            expect(got.status, `${m} ${label}: status (${got.reason})`).toBe(want.status);
            expect(sameLines(got.console, want.console), `${m} ${label}:\n${got.console}`).toBeUndefined();
            if (label === 'default') expect(runHv([g], m, options).reports[0]!.console, `${m}: deterministic`).toBe(got.console);
          }
        });
        continue;
      }
      const known = KNOWN_BUGS[m]?.[rel];
      const runIt = HANGS[m]?.has(rel) ? it.todo : known ? it.fails : it;
      const unless = mode.equivalence.exactUnless;
      runIt(`--mode ${m} equals bare${unless ? ` unless the run notes ${unless}` : ''}: output, status, counts, registers, FLAGS, control registers, memory${known ? ` (BUG: ${known})` : ''}`, () => {
        const probe = recorder();
        const { input, options } = guest(rel);
        runHv([input], m, options, probe);
        const noted = unless ? probe.records.filter((r) => r.reason === unless) : [];
        // The guest table says which kernels run sensitive instructions (trap mode notes them).
        if (unless === 'sensitive-unprivileged') expect(noted.length > 0, `${rel} notes ${unless}`).toBe(SENSITIVE_IN_KERNEL.has(rel));
        if (noted.length > 0) {
          // Not compared: the mode says it cannot follow this guest, and the trace says where.
          expect(noted.every((n) => n.kind === 'note' && /^(getf|setf|cpuid) /.test(n.insn))).toBe(true);
          return;
        }
        checkAgainstBare(rel, m, {}, m);
      });
      runIt(`--mode ${m} does not depend on the quantum, and holds with a tagged TLB and with --strict`, () => {
        const strict = { strict: true };
        checkAgainstBare(rel, m, strict, `${m} --strict`);
        if (unless && SENSITIVE_IN_KERNEL.has(rel)) return; // only --strict is expected to match
        for (const quantum of quantaFor(bare(rel).report.instructions)) checkAgainstBare(rel, m, { quantum }, `${m}, quantum ${quantum}`);
        checkAgainstBare(rel, m, { tlbTagged: true }, `${m}, tagged TLB`);
        for (const [label, options] of SETTINGS[m] ?? []) checkAgainstBare(rel, m, options, `${m}, ${label}`);
      });
    }
  });
}
