// Full mode's translated guest-kernel code is compiled into blocks like any other code
// (src/machine/jit.ts): the blocks come from the translation page, and go when a word of it
// changes (the guest wrote its code) or the page is forgotten (the translation bound). The
// results must be exactly those of bare hardware, and of full mode without the compiler.

import { describe, expect, it } from 'vitest';
import { HOT_THRESHOLD } from '../../src/machine/interpreter.js';
import { assembleText, bareState, portLoop, selfPatchingLoop } from '../support/guests.js';
import { guest, runHv, vmState } from './helpers.js';

describe('full mode compiles translated kernel code', () => {
  it('a hot kernel loop runs from blocks made from its translation, with the results of bare hardware', () => {
    const image = assembleText(`
      start:  movi r1, 0
              movi r2, 0
      .loop:  add  r2, r2, r1
              addi r1, r1, 1
              cmpi r1, 5000
              blt  .loop
              hlt`);
    const { hv, vms } = runHv([{ name: 'g', image }], 'full');
    expect(hv.processor.blocksCompiled).toBeGreaterThan(0);
    const bare = bareState(image);
    expect(vms[0]!.vcpu.regs[2]).toBe(bare.regs[2]);
    expect(vms[0]!.vcpu.instructions).toBe(bare.instructions);
  });

  it('kernel code that rewrites a compiled word runs the new instruction (the blocks of the page are forgotten)', () => {
    const image = selfPatchingLoop();
    const compiled = runHv([{ name: 'g', image }], 'full');
    const interpreted = runHv([{ name: 'g', image }], 'full', { jit: false });
    expect(compiled.hv.processor.blocksCompiled).toBeGreaterThan(0);
    expect(compiled.vms[0]!.vcpu.regs[2]).toBe(100 + 2 * 200);
    expect(vmState(compiled.vms[0]!)).toEqual(vmState(interpreted.vms[0]!));
    expect(compiled.reports[0]!.exits).toEqual(interpreted.reports[0]!.exits);
    expect(compiled.reports[0]!.tlb).toEqual(interpreted.reports[0]!.tlb);
    // the same with translated kernel code joining regions at once
    const regions = runHv([{ name: 'g', image }], 'full', { regionHeat: HOT_THRESHOLD + 1 });
    expect(regions.hv.processor.regionsCompiled).toBeGreaterThan(0);
    expect(vmState(regions.vms[0]!)).toEqual(vmState(interpreted.vms[0]!));
    expect(regions.reports[0]!.exits).toEqual(interpreted.reports[0]!.exits);
    expect(regions.reports[0]!.tlb).toEqual(interpreted.reports[0]!.tlb);
  });

  it('with room for two translated pages, a page forgotten takes its blocks with it', () => {
    // kernel code over 6 pages, each calling the next, 200 rounds: pages are forgotten and
    // translated again all the time. Each page's code sits at slots of its own, so that each
    // is compiled once it is hot (pages without blocks share their slots' heat counts).
    const lines = ['start:  li r6, 200', '.round: call p1', '        subi sp, sp, 0', '        subi r6, r6, 1', '        cmpi r6, 0', '        bne .round', '        hlt'];
    for (let p = 1; p <= 6; p++) {
      lines.push(`        .org 0x${(p * 4096 + p * 64).toString(16)}`, `p${p}:    addi r1, r1, ${p}`);
      lines.push(p < 6 ? `        subi sp, sp, 4\n        stw lr, [sp]\n        call p${p + 1}\n        ldw lr, [sp]\n        addi sp, sp, 4\n        ret` : '        ret');
    }
    const image = assembleText(lines.join('\n'));
    const { hv, vms } = runHv([{ name: 'g', image }], 'full', { bounds: { translatedPages: 2 } });
    expect(vms[0]!.vcpu.regs[1]).toBe(200 * 21);
    const compiled = hv.processor.blocksCompiled;
    expect(compiled).toBeGreaterThanOrEqual(10);
    // live: only the blocks of the (at most two) pages kept, two blocks a page at most
    expect(hv.processor.codeCacheStats().live).toBeLessThanOrEqual(2 * 2);
  });
});

describe('full mode runs its translated kernel in supervisor mode, on one shadow view', () => {
  it('a switch between the guest kernel and its user tasks loads no shadow root: no VMM flush per interrupt (trap --strict, deprivileged on two views, flushes on each)', () => {
    // tinyos: tasks in user mode switched on its timer, system calls; an untagged TLB
    const { input, options } = guest('kernel/tinyos.s');
    const full = runHv([input], 'full', options).reports[0]!;
    const trap = runHv([input], 'trap', { ...options, strict: true }).reports[0]!;
    expect(full.status).toBe('halted');
    expect(trap.status).toBe('halted');
    const entries = (r: typeof full) => (r.traps?.syscall ?? 0) + Object.entries(r.traps ?? {}).filter(([k]) => k.startsWith('irq')).reduce((n, [, v]) => n + v, 0);
    expect(entries(full)).toBeGreaterThan(200);
    expect(full.tlb.vmmFlushes).toBeLessThanOrEqual(2);
    expect(trap.tlb.vmmFlushes).toBeGreaterThan(entries(trap));
    // the guest's own protection holds on the one view: kread's read of a kernel page faults
    const kread = guest('attack/kread.s');
    const [k] = runHv([kread.input], 'full', kread.options).reports;
    expect(k!.console).toContain('killed: page-read');
  });
});

describe('an exit the VMM handles at once is taken from inside compiled code', () => {
  // exits.s's loop: an `out` (a callout in full mode's translation, a privileged trap of
  // the deprivileged kernel in trap mode) and three instructions. Once hot, the loop's
  // compiled region hands each exit to the VMM itself and goes on after it, without
  // returning to the CPU loop (the generated functions are named region and run).
  const image = portLoop(3000);
  // (hw: the io exit control stops `out` in non-root operation; the exit is a trap too)
  for (const [mode, hook] of [['full', 'callout'], ['trap', 'raise'], ['hw', 'raise']] as const) {
    it(`--mode ${mode}: most of its ${hook} exits come from a compiled region, with the results of the interpreter`, () => {
      let fromRegion = 0;
      let exits = 0;
      const compiled = runHv([{ name: 'g', image }], mode, {}, undefined, (hv) => {
        const take = hv[hook].bind(hv) as (...args: number[]) => boolean;
        hv[hook] = (...args: number[]) => {
          exits++;
          if (/at region /.test(new Error().stack!.split('\n')[2]!)) fromRegion++;
          return take(...args);
        };
      });
      expect(exits).toBeGreaterThanOrEqual(3000);
      expect(fromRegion).toBeGreaterThan(exits * 0.9);
      const interpreted = runHv([{ name: 'g', image }], mode, { jit: false });
      expect(vmState(compiled.vms[0]!)).toEqual(vmState(interpreted.vms[0]!));
      expect(compiled.reports[0]!.exits).toEqual(interpreted.reports[0]!.exits);
      expect(compiled.reports[0]!.tlb).toEqual(interpreted.reports[0]!.tlb);
      expect(compiled.reports[0]!.cycles).toBe(interpreted.reports[0]!.cycles);
    });
  }

  it('--mode hw with the io exit control off: the same loop runs without exits, compiled as interpreted', () => {
    const assist = { nestedPaging: true, vpid: true, exitOn: [], noExitOn: ['io'] };
    const compiled = runHv([{ name: 'g', image }], 'hw', { assist });
    const interpreted = runHv([{ name: 'g', image }], 'hw', { assist, jit: false });
    expect(compiled.reports[0]!.exits).toEqual(interpreted.reports[0]!.exits);
    expect(compiled.reports[0]!.exits?.io ?? 0).toBe(0);
    expect(compiled.hv.processor.blocksCompiled).toBeGreaterThan(0);
    expect(vmState(compiled.vms[0]!)).toEqual(vmState(interpreted.vms[0]!));
    expect(compiled.reports[0]!.cycles).toBe(interpreted.reports[0]!.cycles);
  });
});

describe("an exit hands the VMM the guest's registers without a copy", () => {
  it('during a slice the vCPU works on the physical register file; between slices each guest has its own, intact', () => {
    // two guests whose loops exit on every round (out: a callout), each with its own
    // register values, sharing the CPU in slices of 500 instructions
    const program = (seed: number) =>
      assembleText(`
      start:  li r1, 2000
              li r5, ${seed}
      .loop:  out 0x80, r1
              addi r5, r5, ${seed}
              subi r1, r1, 1
              cmpi r1, 0
              bne .loop
              hlt`);
    let checked = 0;
    let resident = 0;
    const { hv, vms } = runHv([{ name: 'a', image: program(3) }, { name: 'b', image: program(7) }], 'full', { quantum: 500 }, undefined, (hv) => {
      const take = hv.callout.bind(hv);
      hv.callout = (pc: number, word: number) => {
        checked++;
        const running = hv.vms.filter((vm) => vm.vcpu.regs === hv.processor.cpu.regs);
        if (running.length === 1) resident++;
        return take(pc, word);
      };
    });
    expect(checked).toBeGreaterThanOrEqual(4000);
    expect(resident).toBe(checked);
    for (const vm of vms) expect(vm.vcpu.regs).not.toBe(hv.processor.cpu.regs);
    expect(vms[0]!.vcpu.regs[5]).toBe(3 + 3 * 2000);
    expect(vms[1]!.vcpu.regs[5]).toBe(7 + 7 * 2000);
    expect(vms.map((vm) => vm.status)).toEqual(['halted', 'halted']);
  });
});
