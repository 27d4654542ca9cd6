// With --bt inline, full mode translates a guest-kernel control-register access that only the
// register sees (mfcr of any, mtcr of tvec, spc, sflags, cause, faddr, scratch) into an
// access to the virtual CPU's register, carried out in place (src/vmm/modes/full/
// translator.ts inlineTranslation): no callout, no exit. By default each is a callout.
// Results must be those of bare hardware; a word that looks like such a translation in the
// guest's own code is illegal, as on bare hardware; each guest reaches only its own virtual
// registers.

import { describe, expect, it } from 'vitest';
import { CAUSE, CR } from '../../src/isa/arch.js';
import { INLINE_CALLOUT, inlineCallout } from '../../src/machine/execution.js';
import { assembleText, bareState } from '../support/guests.js';
import { runHv, TOPOLOGY_RUNNERS } from './helpers.js';

const ROUNDS = 1000;
const KERNEL_LOOP = `
start:  li r1, 0x5000
        mtcr scratch, r1
        li r4, ${ROUNDS}
.loop:  mfcr r2, scratch
        addi r2, r2, 1
        mtcr scratch, r2
        mtcr spc, r2
        mfcr r3, spc
        mfcr r5, mid
        subi r4, r4, 1
        cmpi r4, 0
        bne .loop
        li r1, 0
        mtcr ptbr, r1
        hlt`;

const INLINE = { inlineTranslation: true };

describe('full mode translates control-register accesses inline (--bt inline)', () => {
  it('a kernel loop of mfcr and mtcr makes no callout for them, with the results of bare hardware', () => {
    const image = assembleText(KERNEL_LOOP);
    const bare = bareState(image);
    const full = runHv([{ name: 'g', image }], 'full', INLINE);
    const vcpu = full.vms[0]!.vcpu;
    expect(vcpu.regs.slice(1, 5)).toEqual(Int32Array.from(bare.regs.slice(1, 5)));
    expect(vcpu.regs[5]).toBe(vcpu.cr[CR.MID]); // the guest's own machine id
    expect([vcpu.cr[CR.SCRATCH], vcpu.cr[CR.SPC]]).toEqual([bare.cr[CR.SCRATCH], bare.cr[CR.SPC]]);
    expect(vcpu.cr[CR.SPC]! & 3).toBe(0); // (written odd: its low bits are ignored)
    expect(vcpu.instructions).toBe(bare.instructions);
    // the two callouts left: the write of ptbr (the VMM must see it) and hlt
    expect(full.reports[0]!.exits?.['bt-callout']).toBe(2);
    // a block goes on past an instruction translated inline: start to bne, then to the
    // write of ptbr, then hlt
    expect(full.reports[0]!.exits?.['bt-translate']).toBe(3);
    // trap mode traps each access; full mode by default calls out for each
    const trap = runHv([{ name: 'g', image }], 'trap');
    expect(trap.reports[0]!.exits?.['cr-access']).toBe(1 + 5 * ROUNDS + 1);
    expect(trap.vms[0]!.vcpu.regs.slice(1, 5)).toEqual(vcpu.regs.slice(1, 5));
    const callouts = runHv([{ name: 'g', image }], 'full');
    expect(callouts.reports[0]!.exits?.['bt-callout']).toBe(1 + 5 * ROUNDS + 1 + 1);
    expect([...callouts.vms[0]!.vcpu.regs]).toEqual([...vcpu.regs]);
    expect(callouts.reports[0]!.cycles).toBeGreaterThan(full.reports[0]!.cycles);
  });

  it('the same without the block compiler', () => {
    const image = assembleText(KERNEL_LOOP);
    const compiled = runHv([{ name: 'g', image }], 'full', INLINE);
    const interpreted = runHv([{ name: 'g', image }], 'full', { ...INLINE, jit: false });
    expect([...interpreted.vms[0]!.vcpu.regs]).toEqual([...compiled.vms[0]!.vcpu.regs]);
    expect([...interpreted.vms[0]!.vcpu.cr]).toEqual([...compiled.vms[0]!.vcpu.cr]);
    expect(interpreted.reports[0]!.exits).toEqual(compiled.reports[0]!.exits);
    expect(interpreted.reports[0]!.cycles).toBe(compiled.reports[0]!.cycles);
  });

  // The kernel keeps a secret in scratch; `word` reads scratch into r2 as an inline
  // translation would, in the guest's own code: in user mode (after rfe) or in the kernel.
  const SECRET = 0x5ec7e7;
  const withWord = (word: number, user: boolean) => `
    start:  la r1, handler
            mtcr tvec, r1
            li r1, ${SECRET}
            mtcr scratch, r1
            ${user ? 'la r1, code\n            mtcr spc, r1\n            movi r1, 0\n            mtcr sflags, r1\n            rfe' : 'jmp code'}
    code:   .word ${word}
            hlt
    handler: mfcr r5, cause
            mfcr r6, spc
            hlt`;
  for (const user of [true, false]) {
    it(`such a word in the guest's own ${user ? 'user' : 'kernel'} code is illegal, as on bare hardware`, () => {
      const image = assembleText(withWord(inlineCallout(INLINE_CALLOUT.READ_CR, 2, CR.SCRATCH), user));
      const bare = bareState(image);
      expect([bare.regs[2], bare.regs[5]]).toEqual([0, CAUSE.ILLEGAL]);
      for (const mode of ['full', 'trap'] as const) {
        const { vms, reports } = runHv([{ name: 'g', image }], mode, INLINE);
        expect(reports[0]!.traps, mode).toEqual({ illegal: 1 });
        expect([vms[0]!.vcpu.regs[2], vms[0]!.vcpu.regs[5], vms[0]!.vcpu.regs[6]], mode).toEqual([0, CAUSE.ILLEGAL, bare.regs[6]]);
      }
    });
  }

  it('hosted: the same results, with the host OS running between the guests\' slices', () => {
    // (two guests of the loop, beside the host OS and its busy application)
    const image = assembleText(KERNEL_LOOP);
    const bare = bareState(image);
    const hosted = TOPOLOGY_RUNNERS.hosted([{ name: 'a', image }, { name: 'b', image }], 'full', INLINE);
    for (const vm of hosted.vms) {
      expect(vm.vcpu.regs.slice(1, 5)).toEqual(Int32Array.from(bare.regs.slice(1, 5)));
      expect([vm.vcpu.cr[CR.SCRATCH], vm.vcpu.cr[CR.SPC]]).toEqual([bare.cr[CR.SCRATCH], bare.cr[CR.SPC]]);
    }
    expect(hosted.reports.map((r) => r.exits?.['bt-callout'])).toEqual([2, 2]);
  });

  it('each guest reads and writes only its own virtual registers, across guest switches', () => {
    // each writes its id into scratch, then reads it back 20,000 times, counting mismatches
    const guest = (id: number) => assembleText(`
      start:  li r1, ${id}
              mtcr scratch, r1
              li r4, 20000
      .loop:  mfcr r2, scratch
              cmp r2, r1
              beq .same
              addi r7, r7, 1
      .same:  mtcr scratch, r1
              subi r4, r4, 1
              cmpi r4, 0
              bne .loop
              hlt`);
    // (140,000 instructions each, in slices of 997: the guests take turns about 280 times)
    const { vms } = runHv([{ name: 'a', image: guest(111) }, { name: 'b', image: guest(222) }], 'full', { ...INLINE, quantum: 997 });
    expect(vms.map((vm) => [vm.vcpu.regs[7], vm.vcpu.cr[CR.SCRATCH]])).toEqual([[0, 111], [0, 222]]);
  });
});
