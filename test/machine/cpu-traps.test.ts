// Trap entry: what the hardware saves and where it goes; no handler (tvec = 0); a fault while
// entering the handler (double fault).

import { describe, expect, it } from 'vitest';
import { CAUSE, CR, FLAG, PTE, PTBR_PAGING } from '../../src/isa/arch.js';
import { enterWith, Program, run, setPde, setPte } from './helpers.js';

const { Z, N, C, IE, S } = FLAG;

describe('trap entry', () => {
  it('saves spc, sflags, cause and faddr; FLAGS = S only; pc = tvec', () => {
    const handler = new Program(0x3000).i('getf', 5).i('mfcr', 6, CR.SFLAGS).i('hlt');
    const p = new Program().li(1, 0x3000).i('mtcr', CR.TVEC, 1);
    enterWith(p, 'user', IE | Z | N);
    p.label('user').i('ldw', 1, { base: 2, offset: 0 });
    const r = run(p, { handler: false, extra: [handler], regs: { 2: 0x2002 } });
    expect(r.end.status).toBe('halted');
    expect(r.end.pc).toBe(0x3000 + 8);
    expect(r.regs[5]).toBe(S);
    expect(r.regs[6]).toBe(IE | Z | N);
    expect(r.cr[CR.SPC]).toBe(p.addr('user'));
    expect(r.cr[CR.SFLAGS]).toBe(IE | Z | N);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.MISALIGNED);
    expect(r.cr[CR.FADDR]).toBe(0x2002);
  });

  it('a supervisor trap saves S and IE in sflags', () => {
    const r = run(new Program().i('sti').i('cmp', 1, 2).i('brk'), { regs: { 1: 1, 2: 2 } });
    expect(r.cr[CR.SFLAGS]).toBe(S | IE | N | C);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.BREAKPOINT);
    expect(r.machine.cpu.flags).toBe(S);
  });

  it('the low two bits of tvec are ignored', () => {
    const handler = new Program(0x3000).i('movi', 9, 9).i('hlt');
    const p = new Program().li(1, 0x3003).i('mtcr', CR.TVEC, 1).i('sys');
    const r = run(p, { handler: false, extra: [handler] });
    expect(r.regs[9]).toBe(9);
    expect(r.end.pc).toBe(0x3004);
  });

  it('counts traps by cause', () => {
    const handler = new Program(0x3000).i('addi', 8, 8, 1).i('cmpi', 8, 3).i('beq', 'out').i('rfe').label('out').i('hlt');
    const p = new Program().i('sys').i('brk').i('sys').i('hlt');
    const r = run(p, { handler: false, extra: [handler], before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
    expect(r.machine.traps.get(CAUSE.SYSCALL)).toBe(2);
    expect(r.machine.traps.get(CAUSE.BREAKPOINT)).toBe(1);
    expect(r.machine.traps.size).toBe(2);
  });
});

describe('no trap handler', () => {
  it('tvec = 0: a fault ends the run faulted, naming the cause and the pc', () => {
    const p = new Program().i('movi', 1, 1).i('div', 1, 1, 2).i('movi', 1, 2);
    const r = run(p, { handler: false });
    expect(r.end.status).toBe('faulted');
    expect(r.end.pc).toBe(0x1004);
    expect(r.end.reason).toMatch(/divide/);
    expect(r.end.reason).toMatch(/0x00001004/);
    expect(r.end.reason).toMatch(/tvec = 0/);
    expect(r.regs[1]).toBe(1);
    expect(r.machine.cpu.instructions).toBe(1);
  });

  it('tvec = 0: a misaligned access names the address too', () => {
    const p = new Program().i('ldw', 1, { base: 2, offset: 0 });
    const r = run(p, { handler: false, regs: { 2: 0x20001 } });
    expect(r.end.status).toBe('faulted');
    expect(r.end.reason).toMatch(/misaligned/);
    expect(r.end.reason).toMatch(/0x00020001/);
  });

  it('tvec = 0: sys ends the run faulted as well', () => {
    const r = run(new Program().i('sys'), { handler: false });
    expect(r.end.status).toBe('faulted');
    expect(r.end.reason).toMatch(/syscall/);
    expect(r.end.reason).toMatch(/tvec = 0/);
  });

  it('tvec set only in its low two bits counts as 0', () => {
    const r = run(new Program().i('brk'), { handler: false, before: (m) => (m.cpu.cr[CR.TVEC] = 3) });
    expect(r.end.status).toBe('faulted');
    expect(r.end.reason).toMatch(/tvec = 0/);
  });
});

describe('double fault', () => {
  it('tvec outside physical memory: the handler fetch faults -> faulted, double fault', () => {
    const p = new Program().li(1, 0x100000).i('mtcr', CR.TVEC, 1).i('div', 1, 1, 2);
    const r = run(p, { handler: false });
    expect(r.end.status).toBe('faulted');
    expect(r.end.reason.startsWith('double fault')).toBe(true);
    expect(r.end.reason).toMatch(/bus/);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.DIVIDE); // the first trap's registers are kept
  });

  it('tvec on an unmapped page with paging on -> faulted, double fault', () => {
    const p = new Program().li(1, 0x5000).i('mtcr', CR.TVEC, 1).li(1, 0x2000 | PTBR_PAGING).i('mtcr', CR.PTBR, 1).i('sys');
    const r = run(p, {
      handler: false,
      before: (m) => {
        setPde(m, 0x2000, 0x1000, 0x3000, PTE.V | PTE.W);
        setPte(m, 0x3000, 0x1000, 0x1000, PTE.V);
      },
    });
    expect(r.end.status).toBe('faulted');
    expect(r.end.reason.startsWith('double fault')).toBe(true);
    expect(r.end.reason).toMatch(/page-fetch/);
    expect(r.end.pc).toBe(0x5000);
  });

  it('a fault in the handler after it has retired an instruction is an ordinary trap', () => {
    const handler = new Program(0x3000).i('addi', 8, 8, 1).i('cmpi', 8, 2).i('beq', 'done').i('ldw', 1, { base: 2, offset: 1 }).label('done').i('hlt');
    const p = new Program().i('ldw', 1, { base: 2, offset: 2 });
    const r = run(p, { handler: false, extra: [handler], regs: { 2: 0x2000 }, before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
    expect(r.end.status).toBe('halted');
    expect(r.regs[8]).toBe(2);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.MISALIGNED);
    expect(r.cr[CR.FADDR]).toBe(0x2001);
    expect(r.cr[CR.SPC]).toBe(0x300c);
  });
});
