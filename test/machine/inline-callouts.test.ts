// Inline callouts (src/machine/execution.ts INLINE_CALLOUT): binary translation's control-
// register accesses that the CPU carries out itself, on the virtual CPU of the VMM's guest,
// in supervisor mode. Interpreted and compiled, they must mean exactly what mfcr and mtcr
// mean on the CPU's own registers, cost what they cost, and be an illegal word wherever
// there is no virtual CPU or the CPU is in user mode (a guest's own 0xff word).

import { describe, expect, it } from 'vitest';
import { CAUSE, CONTROL_REGISTERS, CR, FLAG } from '../../src/isa/arch.js';
import { CpuState } from '../../src/machine/cpu.js';
import { INLINE_CALLOUT, INLINE_WRITABLE, inlineCallout, isInlineCallout } from '../../src/machine/execution.js';
import { HOT_THRESHOLD } from '../../src/machine/interpreter.js';
import { HANDLER, Program, run, type Setup } from './helpers.js';

const { READ_CR, WRITE_CR } = INLINE_CALLOUT;
const ENGINES: [string, Setup][] = [
  ['interpreted', { jit: false }],
  ['compiled', {}],
  ['compiled into regions', { regionHeat: HOT_THRESHOLD + 1 }],
];
const ROUNDS = 300;

/** A loop of ROUNDS rounds: r2 = scratch, r3 += r2, r1 += 7, spc = r1, scratch = r3; each
 *  access by `read` and `write` (an instruction's or an inline callout's word). */
function crLoop(read: (reg: number, cr: number) => Program, write: (reg: number, cr: number) => Program): Program {
  const p = new Program().i('movi', 4, ROUNDS).i('movi', 1, 1).label('loop');
  const parts = [read(2, CR.SCRATCH), new Program().i('add', 3, 3, 2).i('addi', 1, 1, 7), write(1, CR.SPC), write(3, CR.SCRATCH)];
  for (const part of parts) for (const w of part.words()) p.word(w);
  return p.i('addi', 4, 4, -1).i('cmpi', 4, 0).i('bne', 'loop').i('hlt');
}
const native = crLoop((reg, cr) => new Program().i('mfcr', reg, cr), (reg, cr) => new Program().i('mtcr', cr, reg));
const inline = crLoop((reg, cr) => new Program().word(inlineCallout(READ_CR, reg, cr)), (reg, cr) => new Program().word(inlineCallout(WRITE_CR, reg, cr)));

describe('inline callouts', () => {
  it.each(ENGINES)('%s: in supervisor mode they access the virtual CPU as mfcr and mtcr access the CPU, at the same cost', (_, engine) => {
    const own = run(native, { ...engine, before: (m) => void (m.cpu.cr[CR.SCRATCH] = 5) });
    const virtual = new CpuState();
    virtual.cr[CR.SCRATCH] = 5;
    const translated = run(inline, { ...engine, before: (m) => void (m.cpu.virtualCpu = virtual) });
    expect(translated.end.status).toBe('halted');
    expect(translated.machine.cpu.cr[CR.CAUSE]).toBe(0); // no trap
    expect([...translated.regs]).toEqual([...own.regs]);
    expect(virtual.cr[CR.SPC]).toBe(own.cr[CR.SPC]); // (1 + 7 * ROUNDS, its low bits masked)
    expect(virtual.cr[CR.SPC]! & 3).toBe(0);
    expect(virtual.cr[CR.SCRATCH]).toBe(own.cr[CR.SCRATCH]);
    expect(virtual.crVersion).toBe(2 * ROUNDS);
    expect(translated.machine.cpu.cr[CR.SCRATCH]).toBe(0); // the CPU's own registers untouched
    expect(translated.machine.cpu.instructions).toBe(own.machine.cpu.instructions);
    expect(translated.machine.cpu.extraCycles).toBe(own.machine.cpu.extraCycles);
  });

  it.each(ENGINES)('%s: on both sides of a forward branch (a block with an arm and a side exit), as mfcr and mtcr', (_, engine) => {
    // rounds alternate between the two sides: r4 odd reads scratch, even writes it
    const branchy = (read: (reg: number, cr: number) => Program, write: (reg: number, cr: number) => Program) => {
      const p = new Program().i('movi', 4, ROUNDS).label('loop').i('andi', 5, 4, 1).i('cmpi', 5, 0).i('beq', 'even');
      for (const w of read(2, CR.SCRATCH).words()) p.word(w);
      p.i('add', 3, 3, 2).i('jmp', 'next').label('even').i('addi', 1, 1, 3);
      for (const w of write(1, CR.SCRATCH).words()) p.word(w);
      return p.label('next').i('addi', 4, 4, -1).i('cmpi', 4, 0).i('bne', 'loop').i('hlt');
    };
    const own = run(branchy((reg, cr) => new Program().i('mfcr', reg, cr), (reg, cr) => new Program().i('mtcr', cr, reg)), engine);
    const virtual = new CpuState();
    const translated = run(branchy((reg, cr) => new Program().word(inlineCallout(READ_CR, reg, cr)), (reg, cr) => new Program().word(inlineCallout(WRITE_CR, reg, cr))), { ...engine, before: (m) => void (m.cpu.virtualCpu = virtual) });
    expect(translated.machine.cpu.cr[CR.CAUSE]).toBe(0);
    expect([...translated.regs]).toEqual([...own.regs]);
    expect(own.regs[3]).not.toBe(0);
    expect(virtual.cr[CR.SCRATCH]).toBe(own.cr[CR.SCRATCH]);
    expect(translated.machine.cpu.extraCycles).toBe(own.machine.cpu.extraCycles);
  });

  it.each(ENGINES)('%s: with no virtual CPU (bare hardware) each is an illegal word', (_, engine) => {
    // the handler counts the trap in r5 and returns past the word
    const handler = new Program(HANDLER).i('addi', 5, 5, 1).i('mfcr', 6, CR.SPC).i('addi', 6, 6, 4).i('mtcr', CR.SPC, 6).i('rfe');
    const r = run(inline, { ...engine, handler: false, extra: [handler], before: (m) => void (m.cpu.cr[CR.TVEC] = HANDLER) });
    expect(r.end.status).toBe('halted');
    expect(r.regs[5]).toBe(3 * ROUNDS);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.ILLEGAL);
    expect(r.regs[2]).toBe(0);
  });

  it.each(ENGINES)('%s: in user mode each is an illegal word, and the virtual CPU is not touched', (_, engine) => {
    const virtual = new CpuState();
    virtual.cr[CR.SCRATCH] = 5;
    const r = run(inline, { ...engine, before: (m) => {
      m.cpu.virtualCpu = virtual;
      m.cpu.flags = FLAG.IE; // user mode
    } });
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.ILLEGAL);
    expect(r.cr[CR.SPC]).toBe(native.origin + 8); // the first inline word
    expect(r.regs[2]).toBe(0);
    expect(virtual.cr[CR.SCRATCH]).toBe(5);
    expect(virtual.crVersion).toBe(0);
  });

  it('only a read of a control register, or a write of one whose write does nothing more, is inline', () => {
    expect(INLINE_WRITABLE.map((w, i) => (w ? CONTROL_REGISTERS[i]!.name : '')).filter(Boolean)).toEqual(['tvec', 'spc', 'sflags', 'cause', 'faddr', 'scratch']);
    for (let cr = 0; cr < CONTROL_REGISTERS.length; cr++) {
      expect(isInlineCallout(inlineCallout(READ_CR, 1, cr))).toBe(true);
      expect(isInlineCallout(inlineCallout(WRITE_CR, 1, cr))).toBe(INLINE_WRITABLE[cr]);
    }
    for (const word of [inlineCallout(READ_CR, 1, CONTROL_REGISTERS.length), inlineCallout(4, 1, CR.SCRATCH), inlineCallout(0, 0, 1), inlineCallout(1, 0, 0), 0x5020006])
      expect(isInlineCallout(word), word.toString(16)).toBe(false);
  });

  it.each(ENGINES)('%s: a word that is not an inline callout is a callout even with a virtual CPU (illegal on bare hardware)', (_, engine) => {
    for (const word of [inlineCallout(WRITE_CR, 1, CR.PTBR), inlineCallout(WRITE_CR, 1, CR.ASID), inlineCallout(WRITE_CR, 1, CR.MID), inlineCallout(READ_CR, 1, CONTROL_REGISTERS.length), inlineCallout(5, 1, CR.SCRATCH)]) {
      const virtual = new CpuState();
      const r = run(new Program().i('movi', 1, 0x1000).word(word).i('hlt'), { ...engine, before: (m) => void (m.cpu.virtualCpu = virtual) });
      expect(r.cr[CR.CAUSE], word.toString(16)).toBe(CAUSE.ILLEGAL);
      expect([...virtual.cr]).toEqual(new Array(CONTROL_REGISTERS.length).fill(0));
    }
  });
});
