// Sensitive but unprivileged instructions (getf, setf, cpuid): they do not trap in user mode,
// which is what makes TOY32 not classically virtualizable; `strict` makes them privileged.

import { describe, expect, it } from 'vitest';
import { CAUSE, CR, FLAG, MACHINE_ID } from '../../src/isa/arch.js';
import { INSTRUCTIONS } from '../../src/isa/table.js';
import { enterWith, Program, run } from './helpers.js';

const { Z, N, C, V, IE, S } = FLAG;

/** Run `body` in user mode with `flags`, ending with sys. */
function inUser(flags: number, body: (p: Program) => void, strict = false, regs: Record<number, number> = {}) {
  const p = new Program();
  enterWith(p, 'user', flags);
  p.label('user');
  body(p);
  p.i('sys');
  return { p, r: run(p, { strict, regs }) };
}

describe('getf', () => {
  it('returns FLAGS including S and IE in supervisor mode', () => {
    const r = run(new Program().i('sti').i('cmp', 1, 1).i('getf', 5).i('cli').i('hlt'));
    expect(r.regs[5]).toBe(S | IE | Z);
  });

  it('returns FLAGS in user mode without trapping (S clear, IE visible)', () => {
    const { r } = inUser(IE | N, (p) => p.i('getf', 5));
    expect(r.regs[5]).toBe(IE | N);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.SYSCALL);
    expect([...r.machine.traps.keys()]).toEqual([CAUSE.SYSCALL]);
  });
});

describe('setf', () => {
  it('in supervisor mode sets every FLAGS bit, including leaving supervisor mode', () => {
    const p = new Program().li(1, Z | N | C | V | IE).i('setf', 1).i('getf', 5).i('sys');
    const r = run(p);
    expect(r.regs[5]).toBe(Z | N | C | V | IE);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.SYSCALL);
    expect(r.cr[CR.SFLAGS]).toBe(Z | N | C | V | IE);
  });

  it('in supervisor mode keeps S when the value has it, and drops bits outside FLAGS', () => {
    const r = run(new Program().li(1, 0xffffffc0 | S | C).i('setf', 1).i('getf', 5).i('hlt'));
    expect(r.regs[5]).toBe(S | C);
    expect(r.end.status).toBe('halted');
  });

  it('in user mode changes only Z N C V and silently keeps IE set (the POPF problem)', () => {
    const { r } = inUser(IE, (p) => p.i('setf', 1).i('getf', 5), false, { 1: 0 });
    expect(r.regs[5]).toBe(IE);
    expect(r.cr[CR.SFLAGS]).toBe(IE);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.SYSCALL);
  });

  it('in user mode cannot set S or IE', () => {
    const { p, r } = inUser(0, (q) => q.i('setf', 1).i('getf', 5).i('hlt'), false, { 1: 0x3f });
    expect(r.regs[5]).toBe(Z | N | C | V);
    // still user mode: the hlt traps
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.PRIVILEGED);
    expect(r.cr[CR.SPC]).toBe(p.addr('user') + 8);
    expect(r.cr[CR.SFLAGS]).toBe(Z | N | C | V);
  });
});

describe('cpuid', () => {
  it('returns MACHINE_ID in supervisor mode', () => {
    const r = run(new Program().i('cpuid', 7).i('hlt'));
    expect(r.regs[7]).toBe(MACHINE_ID);
  });

  it('returns MACHINE_ID in user mode without trapping', () => {
    const { r } = inUser(0, (p) => p.i('cpuid', 7));
    expect(r.regs[7]).toBe(MACHINE_ID);
    expect([...r.machine.traps.keys()]).toEqual([CAUSE.SYSCALL]);
  });

  it('returns whatever mid holds', () => {
    const r = run(new Program().i('cpuid', 7).i('hlt'), { before: (m) => (m.cpu.cr[CR.MID] = 0x4d4d5600) });
    expect(r.regs[7]).toBe(0x4d4d5600);
  });
});

describe('strict mode', () => {
  const sensitive = INSTRUCTIONS.filter((s) => s.class === 'sensitive').map((s) => s.mnemonic);

  it('the sensitive instructions are getf, setf and cpuid', () => {
    expect([...sensitive].sort()).toEqual(['cpuid', 'getf', 'setf']);
  });

  it.each(sensitive)('%s traps privileged in user mode at the instruction, with no effect', (op) => {
    const { p, r } = inUser(IE | C, (q) => q.i(op, 1), true, { 1: 0x3f });
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.PRIVILEGED);
    expect(r.cr[CR.SPC]).toBe(p.addr('user'));
    expect(r.cr[CR.SFLAGS]).toBe(IE | C);
    expect(r.regs[1]).toBe(0x3f);
  });

  it('getf, setf and cpuid still work in supervisor mode', () => {
    const p = new Program().li(1, S | V).i('setf', 1).i('getf', 2).i('cpuid', 3).i('hlt');
    const r = run(p, { strict: true });
    expect(r.regs[2]).toBe(S | V);
    expect(r.regs[3]).toBe(MACHINE_ID);
    expect(r.machine.traps.size).toBe(0);
  });

  it('innocuous instructions still run in user mode', () => {
    const { r } = inUser(0, (p) => p.i('addi', 2, 2, 5).i('cmp', 2, 2), true);
    expect(r.regs[2]).toBe(5);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.SYSCALL);
    expect(r.cr[CR.SFLAGS]).toBe(Z);
  });
});
