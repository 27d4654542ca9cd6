// The bench's workloads (scripts/bench/workloads.ts) print what their plain-JavaScript twins
// compute, so the bench's speed ratios compare the same work: each guest, small (the guest
// table's defines), in bare mode and under the VMM's modes, and its variants (tasks.s with
// its data on its code page, dispatch.s in supervisor mode).

import { describe, expect, it } from 'vitest';
import { WORKLOADS } from '../../scripts/bench/workloads.js';
import { assemble, guestPath, run } from '../support/guests.js';
import { GUEST_TABLE } from '../vmm/helpers.js';

describe('the bench workloads', () => {
  for (const w of WORKLOADS) {
    const rel = w.file.replace('guests/', '');
    const defines = GUEST_TABLE[rel]!.defines!;
    const variants: Record<string, number>[] = [defines, ...(rel === 'bench/tasks.s' ? [{ ...defines, SHARED: 1 }] : []), ...(rel === 'bench/dispatch.s' ? [{ ...defines, SUPERVISOR: 1 }] : [])];
    for (const d of variants) {
      it(`${rel} ${JSON.stringify(d)} prints what its twin computes, in every mode`, () => {
        const image = assemble(guestPath(...rel.split('/')), d);
        for (const mode of ['bare', 'trap', 'full', 'hw']) {
          const [r] = run([{ name: 'w', image }], mode, { maxInstructions: 20_000_000 });
          expect(r!.status, mode).toBe('halted');
          expect(r!.console, mode).toBe(w.twin(d));
        }
      });
    }
  }

  it('the twins compute the published results at the bench sizes', () => {
    expect(WORKLOADS.find((w) => w.file.endsWith('fib.s'))!.twin({ N: 27 })).toBe('196418\n');
    expect(WORKLOADS.find((w) => w.file.endsWith('tasks.s'))!.twin({ PRIMES: 100, COLLATZ: 10 })).toBe(`25\n${[0, 1, 7, 2, 5, 8, 16, 3, 19, 6].reduce((a, b) => a + b)}\n`);
  });
});
