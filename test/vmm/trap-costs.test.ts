// What a guest's own trap costs under hardware assistance (docs/cost-model.md): delivered by
// the CPU itself in non-root operation, exactly what it costs on bare hardware; in the
// exception bitmap, a VM exit and the VMM's reflection instead. Measured per pass of
// guests/bench/divzero.s (a division by zero, handled), as vmm compare measures it.

import { describe, expect, it } from 'vitest';
import { makeCostModel } from '../../src/machine/costs.js';
import { DEFAULT_ASSIST } from '../../src/vmm/modes/mode.js';
import { assemble, assembleText, guestPath, run } from '../support/guests.js';

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

describe('a guest halted in non-root operation (hw, hlt exiting off)', () => {
  // A kernel that waits for 20 timer interrupts with hlt, then halts for good.
  const source = `
    .include "platform.inc"
    start:  la   r1, on_timer
            mtcr tvec, r1
            li   r1, ~(1 << IRQ_TIMER)
            out  PIC_MASK, r1
            li   r1, 500
            out  TIMER_PERIOD, r1
            movi r9, 0
            sti
    .wait:  hlt
            cmpi r9, 20
            blt  .wait
            cli
            hlt
    on_timer:
            addi r9, r9, 1
            movi r12, IRQ_TIMER
            out  PIC_ACK, r12
            rfe`;

  it('is woken by an external-interrupt exit each time (the VMM did not see it halt), which flushes the TLB without VPID', () => {
    const image = assembleText(source);
    const hltOff = { ...DEFAULT_ASSIST, noExitOn: ['hlt', 'io'] };
    const [quiet] = run([{ name: 'g', image }], 'hw', { ...QUIET, assist: hltOff });
    expect(quiet!.status).toBe('halted');
    expect(quiet!.exits).toEqual({ 'external-interrupt': 20 });
    const [noVpid] = run([{ name: 'g', image }], 'hw', { ...QUIET, assist: { ...hltOff, vpid: false } });
    expect(noVpid!.tlb.vmmFlushes).toBeGreaterThanOrEqual(20);
    // with hlt exiting on, the VMM takes each hlt: no exit to wake it
    const [exiting] = run([{ name: 'g', image }], 'hw', { ...QUIET, assist: { ...DEFAULT_ASSIST, noExitOn: ['io'] } });
    expect(exiting!.exits).toEqual({ hlt: 21 });
  });
});

describe('an access to the memory-mapped device (docs/cost-model.md)', () => {
  it('emulated: a round trip and an emulation, as the cost table gives it in every mode', async () => {
    const { vmmIn } = await import('../cli/helpers.js');
    const costsOf = async (...flags: string[]) => {
      const r = await vmmIn(['trace', 'guests/bare/mmio.s', '--format', 'jsonl', '-q', ...flags]);
      const records = r.stdout.trim().split('\n').map((line) => JSON.parse(line) as { reason: string; action: string; cost: number });
      return new Set(records.filter((x) => x.action === 'emulated' && (x.reason === 'mmio' || x.reason === 'ept-violation')).map((x) => `${x.reason} ${x.cost}`));
    };
    expect(await costsOf('--mode', 'hw')).toEqual(new Set([`ept-violation ${costs.vmExit + costs.emulate}`]));
    expect(await costsOf('--mode', 'hw', '--npt', 'off')).toEqual(new Set([`mmio ${costs.vmExit + costs.emulate}`]));
    expect(await costsOf('--mode', 'trap')).toEqual(new Set([`mmio ${costs.vmmTrap + costs.emulate}`]));
  });
});
