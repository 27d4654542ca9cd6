// What a guest's own trap costs under hardware assistance (docs/cost-model.md): delivered by
// the CPU itself in non-root operation, exactly what it costs on bare hardware; in the
// exception bitmap, a VM exit and the VMM's reflection instead. Measured per pass of
// guests/bench/divzero.s (a division by zero, handled), as vmm compare measures it.

import { describe, expect, it } from 'vitest';
import { makeCostModel } from '../../src/machine/costs.js';
import { DEFAULT_ASSIST } from '../../src/vmm/modes/mode.js';
import { assemble, guestPath, run } from '../support/guests.js';

const costs = makeCostModel().events;
/** A quantum longer than the runs: no timer exit adds its cycles. */
const QUIET = { quantum: 1 << 30 };

function cyclesPerPass(mode: string, options: Parameters<typeof run>[2] = {}): number {
  const cycles = (passes: number) => {
    const [r] = run([{ name: 'divzero', image: assemble(guestPath('bench', 'divzero.s'), { ITER: passes }) }], mode, { ...QUIET, ...options });
    expect(r!.status).toBe('halted');
    return r!.cycles;
  };
  return (cycles(200) - cycles(100)) / 100;
}

describe('a guest trap under --mode hw', () => {
  it('delivered by the CPU (not in the exception bitmap): the cost of a trap on bare hardware, no exit', () => {
    expect(cyclesPerPass('hw')).toBe(cyclesPerPass('bare'));
  });

  it('in the exception bitmap: a VM exit and a reflection in place of the trap', () => {
    const exiting = cyclesPerPass('hw', { assist: { ...DEFAULT_ASSIST, exitOn: ['exception:divide'] } });
    expect(exiting).toBe(cyclesPerPass('bare') - costs.trap + costs.vmExit + costs.reflect);
  });
});
