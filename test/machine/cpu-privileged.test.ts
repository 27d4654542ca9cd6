// Privileged instructions: in user mode they trap `privileged` at the instruction and do
// nothing; in supervisor mode they work (control registers, rfe, cli/sti, hlt, in/out, TLB).

import { describe, expect, it } from 'vitest';
import { CAUSE, CONTROL_REGISTERS, CR, FLAG, MACHINE_ID } from '../../src/isa/arch.js';
import { INSTRUCTIONS } from '../../src/isa/table.js';
import { CONSOLE_REG, PORT_BASE, TIMER_REG } from '../../src/machine/platform.js';
import { enc, enterWith, HANDLER, Program, run, type Operand } from './helpers.js';

const { Z, N, C, IE, S } = FLAG;

/** A valid instance of each privileged instruction, and the user FLAGS to run it with. */
const INSTANCES: Record<string, { operands: Operand[]; flags: number }> = {
  mfcr: { operands: [1, CR.SCRATCH], flags: IE | Z },
  mtcr: { operands: [CR.SCRATCH, 1], flags: IE | Z },
  rfe: { operands: [], flags: IE | Z },
  hlt: { operands: [], flags: IE | Z },
  cli: { operands: [], flags: IE | Z },
  sti: { operands: [], flags: Z },
  in: { operands: [1, PORT_BASE.timer + TIMER_REG.NOW], flags: IE | Z },
  out: { operands: [PORT_BASE.console + CONSOLE_REG.DATA, 1], flags: IE | Z },
  tlbflush: { operands: [], flags: IE | Z },
  invlpg: { operands: [1], flags: IE | Z },
};

describe('privileged instructions in user mode', () => {
  const privileged = INSTRUCTIONS.filter((s) => s.class === 'privileged').map((s) => s.mnemonic);

  it('every privileged instruction has a case here', () => {
    expect(Object.keys(INSTANCES).sort()).toEqual([...privileged].sort());
  });

  it.each(privileged)('%s traps privileged at the instruction and has no effect', (op) => {
    const { operands, flags } = INSTANCES[op]!;
    const p = new Program();
    enterWith(p, 'user', flags);
    p.label('user').i(op, ...operands).i('movi', 2, 2);
    const r = run(p, {
      regs: { 1: 0x41, 2: 0 },
      before: (m) => {
        m.cpu.cr[CR.SCRATCH] = 0x2222;
        m.cpu.cr[CR.SPC] = 0x1000; // rfe would go back to the start
      },
    });
    expect(r.end.status).toBe('halted');
    expect(r.end.pc).toBe(HANDLER);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.PRIVILEGED);
    expect(r.cr[CR.SPC]).toBe(p.addr('user'));
    expect(r.cr[CR.FADDR]).toBe(0);
    expect(r.cr[CR.SFLAGS]).toBe(flags); // mode and IE as they were: cli/sti did nothing
    expect(r.cr[CR.SCRATCH]).toBe(0x2222);
    expect(r.regs[1]).toBe(0x41);
    expect(r.regs[2]).toBe(0);
    expect(r.output).toEqual([]);
    expect(r.machine.processor.tlb.flushes).toBe(0);
    expect(r.machine.processor.tlb.invalidations).toBe(0);
    expect(r.machine.traps.get(CAUSE.PRIVILEGED)).toBe(1);
    // the supervisor prologue, then only the handler's hlt
    expect(r.machine.cpu.instructions).toBe((p.addr('user') - 0x1000) / 4 + 1);
  });
});

describe('mfcr / mtcr in supervisor mode', () => {
  // [cr, value written, value read back]
  const cases: [string, number, number][] = [
    ['ptbr', 0x5000, 0x5000],
    ['tvec', 0x1237, 0x1234],
    ['spc', 0x2003, 0x2000],
    ['sflags', 0x3f, 0x3f],
    ['cause', 7, 7],
    ['faddr', 0xdeadbeef | 0, 0xdeadbeef | 0],
    ['scratch', 0xcafebabe | 0, 0xcafebabe | 0],
    ['mid', 0x12345678, MACHINE_ID],
    ['asid', 0x7ff, 0x7ff],
    ['asid', 0x1805, 5],
  ];

  it('covers every control register', () => {
    expect(new Set(cases.map(([n]) => n))).toEqual(new Set(CONTROL_REGISTERS.map((c) => c.name)));
  });

  it.each(cases)('mtcr %s, %i then mfcr', (name, value, expected) => {
    const index = CONTROL_REGISTERS.findIndex((c) => c.name === name);
    const p = new Program().li(1, value).i('mtcr', index, 1).i('mfcr', 2, index).i('hlt');
    const r = run(p, { handler: false });
    expect(r.end.status).toBe('halted');
    expect(r.regs[2]).toBe(expected);
    expect(r.cr[index]).toBe(expected);
  });

  it('mfcr of mid reads the machine id after reset', () => {
    const r = run(new Program().i('mfcr', 3, CR.MID).i('hlt'));
    expect(r.regs[3]).toBe(MACHINE_ID);
  });

  const badIndex = [CONTROL_REGISTERS.length, 15, 0xffff];
  it.each(badIndex)('mfcr of control register %i traps illegal', (index) => {
    const word = (0x50 << 24) | (3 << 20) | index;
    expect(enc('mfcr', [3, 0]) >>> 24).toBe(0x50);
    const r = run(new Program().i('movi', 3, 9).word(word).i('hlt'));
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.ILLEGAL);
    expect(r.cr[CR.SPC]).toBe(0x1004);
    expect(r.regs[3]).toBe(9);
  });

  it.each(badIndex)('mtcr of control register %i traps illegal', (index) => {
    const word = (0x51 << 24) | (3 << 20) | index;
    expect(enc('mtcr', [0, 3]) >>> 24).toBe(0x51);
    const r = run(new Program().i('movi', 3, 9).word(word).i('hlt'));
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.ILLEGAL);
    expect(r.cr[CR.SPC]).toBe(0x1004);
  });
});

describe('rfe, cli, sti, hlt in supervisor mode', () => {
  it('rfe sets FLAGS = sflags and pc = spc', () => {
    const p = new Program().li(1, 'back').i('mtcr', CR.SPC, 1).li(1, S | Z | C).i('mtcr', CR.SFLAGS, 1).i('rfe').i('movi', 4, 4).label('back').i('getf', 5).i('hlt');
    const r = run(p);
    expect(r.regs[4]).toBe(0);
    expect(r.regs[5]).toBe(S | Z | C);
    expect(r.end.status).toBe('halted');
  });

  it('rfe keeps only the FLAGS bits of sflags', () => {
    const p = new Program().li(1, 'back').i('mtcr', CR.SPC, 1).li(1, 0xffffff00 | S | N).i('mtcr', CR.SFLAGS, 1).i('rfe').label('back').i('getf', 5).i('hlt');
    const r = run(p);
    expect(r.regs[5]).toBe(S | N);
  });

  it('rfe into user mode: the next privileged instruction traps', () => {
    const p = new Program();
    enterWith(p, 'user', Z);
    p.label('user').i('getf', 5).i('hlt');
    const r = run(p);
    expect(r.regs[5]).toBe(Z);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.PRIVILEGED);
    expect(r.cr[CR.SPC]).toBe(p.addr('user') + 4);
  });

  it('sti sets IE, cli clears it', () => {
    const r = run(new Program().i('sti').i('getf', 1).i('cli').i('getf', 2).i('hlt'));
    expect(r.regs[1]).toBe(S | IE);
    expect(r.regs[2]).toBe(S);
  });

  it('hlt with IE clear ends the run halted, stopped at the hlt', () => {
    const r = run(new Program().i('movi', 1, 1).i('hlt').i('movi', 1, 2));
    expect(r.end.status).toBe('halted');
    expect(r.end.reason).toMatch(/hlt/);
    expect(r.end.pc).toBe(0x1004);
    expect(r.machine.cpu.pc).toBe(0x1008);
    expect(r.regs[1]).toBe(1);
    expect(r.machine.cpu.instructions).toBe(2);
    expect(r.machine.cpu.halted).toBe(true);
  });
});

describe('in / out in supervisor mode', () => {
  it('out writes to a device, in reads from one', () => {
    const p = new Program()
      .i('movi', 1, 0x41)
      .i('out', PORT_BASE.console + CONSOLE_REG.DATA, 1)
      .i('movi', 1, 0x342)
      .i('out', PORT_BASE.console + CONSOLE_REG.DATA, 1)
      .i('in', 2, PORT_BASE.timer + TIMER_REG.NOW)
      .i('hlt');
    const r = run(p);
    expect(r.output).toEqual([0x41, 0x42]);
    expect(r.regs[2]).toBe(5); // ticks when the in ran: five instructions retired, counting itself
  });

  it('in from a port with no device reads all ones; out to one is ignored', () => {
    const p = new Program().i('movi', 1, 7).i('out', 0x99, 1).i('out', 0xffff, 1).i('in', 2, 0x99).i('in', 3, 0xffff).i('in', 4, 0).i('hlt');
    const r = run(p);
    expect(r.end.status).toBe('halted');
    expect([r.regs[2], r.regs[3], r.regs[4]]).toEqual([-1, -1, -1]);
    expect(r.output).toEqual([]);
  });
});

describe('tlbflush / invlpg in supervisor mode', () => {
  it('count as a flush and an invalidation', () => {
    const r = run(new Program().i('tlbflush').i('invlpg', 1).i('invlpg', 1).i('hlt'), { regs: { 1: 0x3000 } });
    expect(r.machine.processor.tlb.flushes).toBe(1);
    expect(r.machine.processor.tlb.invalidations).toBe(2);
    expect(r.end.status).toBe('halted');
  });
});
