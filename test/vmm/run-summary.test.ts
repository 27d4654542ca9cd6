// `vmm run` under the VMM: a summary per guest on stderr (how it ended, instructions, cycles,
// overhead against bare, TLB figures, traps, exits by reason), and with --json one document
// {mode, guests: [{name, status, reason, console, instructions, cycles, tlb, traps, exits}]}.

import { describe, expect, it } from 'vitest';
import type { GuestReport, RunReport } from '../../src/report/guest-report.js';
import { EXIT_REASONS } from '../../src/vmm/exits.js';
import { MODES } from '../../src/vmm/modes/index.js';
import { vmmIn as cli } from '../cli/helpers.js';

/** The VMM's modes, by name (from the registry). */
const VMM_MODES = MODES.map((m) => m.name);


const GUESTS = ['guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt'];
const REASONS = new Set<string>(EXIT_REASONS.map((r) => r.name));
const n = (text: string) => Number(text.replace(/,/g, ''));

describe('vmm run under the VMM', () => {
  it('prints each guest\'s summary with its exits by reason and its overhead against bare', async () => {
    for (const mode of VMM_MODES) {
      const r = await cli(['run', ...GUESTS, '--mode', mode, ...(mode === 'trap' ? ['--strict'] : [])]);
      const json = await cli(['run', ...GUESTS, '--mode', mode, ...(mode === 'trap' ? ['--strict'] : []), '--json']);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(json.stdout) as RunReport;
      for (const g of report.guests) {
        const start = r.stderr.indexOf(`${g.name} (${mode}): ${g.status}: ${g.reason} at pc 0x`);
        expect(start, `${g.name}'s summary in\n${r.stderr}`).toBeGreaterThanOrEqual(0);
        const block = r.stderr.slice(start).split('\n').slice(0, 7);
        const figures = block[1]!.match(/^ {2}instructions +([\d,]+) +cycles +([\d,]+) +overhead (\d+\.\d\d)x bare$/);
        expect(figures, block[1]).not.toBeNull();
        expect(n(figures![1]!)).toBe(g.instructions);
        expect(n(figures![2]!)).toBe(g.cycles);
        expect(Number(figures![3])).toBeCloseTo(g.overhead!, 2);
        expect(g.overhead!).toBeGreaterThan(1); // the VMM's work costs cycles
        expect(block[2]).toMatch(/^ {2}tlb +hits [\d,]+ +misses [\d,]+ +flushes [\d,]+ +invalidations [\d,]+ +walk references [\d,]+ +walk writes [\d,]+$/);
        expect(block[3]).toMatch(/^ {2}vmm tlb +flushes [\d,]+ +invalidations [\d,]+$/);
        expect(block[4]).toMatch(/^ {2}traps +/);
        const exitsLine = block.find((l) => l.startsWith('  exits'))!;
        const pairs = [...exitsLine.slice('  exits'.length).trim().matchAll(/([a-z-]+) ([\d,]+)/g)].map((m) => [m[1]!, n(m[2]!)] as const);
        expect(pairs.length).toBeGreaterThan(0);
        for (const [reason, count] of pairs) {
          expect(REASONS.has(reason), reason).toBe(true);
          expect(g.exits![reason], reason).toBe(count);
        }
        expect(Object.keys(g.exits!).sort()).toEqual(pairs.map(([k]) => k).sort());
      }
      // guest output on stdout, prefixed by the guest's name
      expect(r.stdout).toContain('tinyos | tinyos: all tasks done\n');
      expect(r.stdout).toContain('primes | 2 3 5 7 11');
    }
  });

  it('--json is one document {mode, guests: [{name, status, reason, console, instructions, cycles, tlb, traps, exits}]}', async () => {
    const r = await cli(['run', ...GUESTS, '--mode', 'full', '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as RunReport;
    expect(doc.mode).toBe('full');
    expect(doc.guests.map((g) => g.name)).toEqual(['tinyos', 'primes']);
    for (const g of doc.guests as GuestReport[]) {
      expect(typeof g.name).toBe('string');
      expect(g.status).toBe('halted');
      expect(g.reason).toBe('finished normally (hlt with interrupts off)');
      expect(typeof g.console).toBe('string');
      expect(Number.isInteger(g.instructions) && g.instructions > 0).toBe(true);
      expect(Number.isInteger(g.cycles) && g.cycles > g.instructions).toBe(true);
      expect(Object.keys(g.tlb).sort()).toEqual(['flushes', 'hits', 'invalidations', 'lookups', 'misses', 'vmmFlushes', 'vmmInvalidations', 'walkReferences', 'walkWrites']);
      expect(g.tlb.hits + g.tlb.misses).toBe(g.tlb.lookups);
      expect(typeof g.traps).toBe('object');
      for (const [reason, count] of Object.entries(g.exits!)) {
        expect(REASONS.has(reason), reason).toBe(true);
        expect(Number.isInteger(count) && count > 0).toBe(true);
      }
    }
    expect(doc.guests[0]!.console.endsWith('tinyos: all tasks done\n')).toBe(true);
    expect(doc.guests[0]!.traps).toMatchObject({ syscall: 22, irq2: 1 });
    expect(doc.guests[1]!.console).toBe('2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97\n');
    expect(r.stderr).toBe(''); // no summary with --json
  });

  it('a contained attacker makes the run fail (status 1) with its stated reason, never an internal error', async () => {
    const cases: [string[], RegExp][] = [
      [['guests/attack/map-beyond.s', 'guests/bare/primes.s', '--mode', 'full'], /map-beyond \(full\): faulted: double fault: bus trap/],
      [['guests/attack/spin.s', 'guests/bare/primes.s', '--mode', 'trap', '--max-instructions', '50000'], /spin \(trap\): limit: instruction limit of 50000 reached/],
      [['guests/attack/storm.s', 'guests/bare/primes.s', '--mode', 'full', '--max-instructions', '50000'], /storm \(full\): limit: instruction limit of 50000 reached/],
    ];
    for (const [args, reason] of cases) {
      const r = await cli(['run', ...args, '--no-overhead']);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toMatch(/primes \((full|trap)\): halted: finished normally \(hlt with interrupts off\)/);
      expect(r.stderr).not.toContain('internal error');
      expect(r.stdout).toMatch(/^primes +\| 2 3 5 7 11/m);
    }
  });

  it('a run with silent divergences says so under its status line, with the first one; --json carries them', async () => {
    const r = await cli(['run', 'guests/kernel/tinyos.s', '--mode', 'trap', '--no-overhead']);
    const doc = JSON.parse((await cli(['run', 'guests/kernel/tinyos.s', '--mode', 'trap', '--no-overhead', '--json'])).stdout) as RunReport;
    const g = doc.guests[0]!;
    expect(g.status).toBe('halted'); // it "worked": the lesson is that it did not
    expect(g.divergences!.count).toBe(g.notes!['sensitive-unprivileged']);
    expect(g.divergences!.first).toEqual({
      pc: expect.any(Number),
      where: expect.stringMatching(/^pc 0x[0-9a-f]{8} \(getf r\d+, guests\/kernel\/lib\.s:\d+\)$/),
      detail: expect.stringMatching(/^getf reads FLAGS .* but the virtual CPU is in supervisor mode/),
    });
    const lines = r.stderr.split('\n');
    expect(lines[0]).toMatch(/^tinyos \(trap\): halted: /);
    expect(lines[1]).toBe(`  WARNING      ${g.divergences!.count.toLocaleString('en-US')} sensitive instructions ran deprivileged without an exit: the guest silently diverged`);
    expect(lines[2]).toMatch(/may be wrong\. The first:$/);
    expect(lines[3]).toBe(`               ${g.divergences!.first.where}: ${g.divergences!.first.detail}`);
    // where nothing diverged, no warning and no key
    for (const args of [['--mode', 'trap', '--strict'], ['--mode', 'full'], ['--mode', 'bare']]) {
      const clean = await cli(['run', 'guests/kernel/tinyos.s', ...args, '--no-overhead', '--json']);
      expect((JSON.parse(clean.stdout) as RunReport).guests[0]!.divergences, args.join(' ')).toBeUndefined();
      expect((await cli(['run', 'guests/kernel/tinyos.s', ...args, '--no-overhead'])).stderr).not.toContain('WARNING');
    }
  });
});
