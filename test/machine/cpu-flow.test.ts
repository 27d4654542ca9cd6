// Compare, conditional branches, jumps and calls, and the trapping instructions sys, brk and
// hcall (saved pc = next, counted as retired).

import { describe, expect, it } from 'vitest';
import { CAUSE, CR, FLAG, LR } from '../../src/isa/arch.js';
import { HANDLER, Program, run } from './helpers.js';

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;
const { Z, N, C, V, S } = FLAG;

describe('cmp / cmpi set Z N C V', () => {
  // [x, y, flags]: flags from x - y; C = unsigned borrow (x < y unsigned), V = signed overflow
  const cases: [number, number, number][] = [
    [5, 5, Z],
    [0, 0, Z],
    [3, 5, N | C],
    [5, 3, 0],
    [-1, 1, N],
    [1, -1, C],
    [0, 1, N | C],
    [INT_MIN, 1, V],
    [INT_MAX, -1, N | C | V],
    [INT_MIN, INT_MAX, V],
    [INT_MAX, INT_MIN, N | C | V],
    [-1, -1, Z],
    [INT_MIN, INT_MIN, Z],
  ];

  it.each(cases)('cmp %i, %i', (x, y, flags) => {
    const r = run(new Program().i('cmp', 1, 2).i('getf', 3).i('hlt'), { regs: { 1: x, 2: y } });
    expect(r.regs[3]).toBe(S | flags);
    expect(r.regs[1]).toBe(x | 0); // operands untouched
    expect(r.regs[2]).toBe(y | 0);
  });

  it.each(cases.filter(([, y]) => y >= -0x8000 && y <= 0x7fff))('cmpi %i, %i (sign-extended immediate)', (x, y, flags) => {
    const r = run(new Program().i('cmpi', 1, y).i('getf', 3).i('hlt'), { regs: { 1: x } });
    expect(r.regs[3]).toBe(S | flags);
  });

  it('cmpi -1 equals 0xffffffff', () => {
    const r = run(new Program().i('cmpi', 1, -1).i('getf', 3).i('hlt'), { regs: { 1: -1 } });
    expect(r.regs[3]).toBe(S | Z);
  });

  it('cmp replaces the old condition bits and keeps IE and S', () => {
    const p = new Program().i('movi', 5, Z | N | C | V | FLAG.IE | S).i('setf', 5).i('cmp', 1, 2).i('getf', 3).i('cli').i('hlt');
    const r = run(p, { regs: { 1: 5, 2: 3 } });
    expect(r.regs[3]).toBe(S | FLAG.IE);
  });
});

describe('conditional branches', () => {
  const values = [0, 1, -1, 2, INT_MIN, INT_MAX, INT_MIN + 1, -2];
  const pairs: [number, number][] = [];
  for (const x of values) for (const y of values) pairs.push([x, y]);
  const u = (v: number) => v >>> 0;
  const conditions: Record<string, (x: number, y: number) => boolean> = {
    beq: (x, y) => x === y,
    bne: (x, y) => x !== y,
    blt: (x, y) => x < y,
    bge: (x, y) => x >= y,
    bgt: (x, y) => x > y,
    ble: (x, y) => x <= y,
    bltu: (x, y) => u(x) < u(y),
    bgeu: (x, y) => u(x) >= u(y),
    bgtu: (x, y) => u(x) > u(y),
    bleu: (x, y) => u(x) <= u(y),
  };

  /** One program that compares every pair and records taken (2) / not taken (1) in memory. */
  function branchProgram(op: string): Program {
    const p = new Program();
    p.li(10, 0x4000); // results
    pairs.forEach(([x, y], k) => {
      p.li(1, x).li(2, y).i('cmp', 1, 2).i(op, `t${k}`).i('movi', 3, 1).i('jmp', `d${k}`);
      p.label(`t${k}`).i('movi', 3, 2);
      p.label(`d${k}`).i('stw', 3, { base: 10, offset: 4 * k });
    });
    return p.i('hlt');
  }

  for (const [op, cond] of Object.entries(conditions)) {
    it(`${op} is taken exactly when its condition holds (signed and unsigned boundaries)`, () => {
      const r = run(branchProgram(op));
      expect(r.end.status).toBe('halted');
      expect(r.machine.traps.size).toBe(0);
      const got = pairs.map((_, k) => r.machine.processor.memory.read32(0x4000 + 4 * k) === 2);
      const want = pairs.map(([x, y]) => cond(x, y));
      expect(got).toEqual(want);
    });
  }

  it('a taken branch goes backward as well as forward; a not-taken one falls through', () => {
    // count r1 down from 5 with a backward bne
    const p = new Program().i('movi', 1, 5).i('movi', 2, 0).label('top').i('addi', 2, 2, 3).i('addi', 1, 1, -1).i('cmpi', 1, 0).i('bne', 'top').i('hlt');
    const r = run(p);
    expect(r.regs[2]).toBe(15);
    expect(r.machine.cpu.instructions).toBe(2 + 5 * 4 + 1);
  });

  it('branches and jumps reach targets on other pages (rel24 counts words)', () => {
    const far = new Program(0x9000).label('far').i('movi', 4, 9).i('jmp', 0x1008);
    const p = new Program().i('beq', 0x9000).i('hlt').i('hlt');
    const r = run(p, { extra: [far], before: (m) => (m.cpu.flags |= Z) });
    expect(r.regs[4]).toBe(9);
    expect(r.end.pc).toBe(0x1008);
  });
});

describe('jumps and calls', () => {
  it('jmp goes to the label', () => {
    const p = new Program().i('jmp', 'x').i('movi', 1, 1).label('x').i('movi', 2, 2).i('hlt');
    const r = run(p);
    expect(r.regs[1]).toBe(0);
    expect(r.regs[2]).toBe(2);
  });

  it('call sets lr = pc + 4 and jumps; jr lr returns', () => {
    const p = new Program().i('call', 'f').i('movi', 2, 7).i('hlt').label('f').i('movi', 1, 1).i('jr', LR);
    const r = run(p);
    expect(r.regs[1]).toBe(1);
    expect(r.regs[2]).toBe(7);
    expect(r.regs[LR]).toBe(0x1004);
  });

  it('callr sets lr = pc + 4 and jumps to ra (even when ra is lr)', () => {
    const p = new Program().i('callr', 5).i('hlt').label('f').i('movi', 1, 1).i('callr', LR).i('movi', 9, 9);
    // f: movi; callr lr -> back to 0x1004 (hlt) with lr = f + 8
    const r = run(p, { regs: { 5: 0x1008 } });
    expect(r.regs[1]).toBe(1);
    expect(r.regs[9]).toBe(0);
    expect(r.regs[LR]).toBe(0x1010);
    expect(r.end.pc).toBe(0x1004);
  });

  it('jr to any multiple of 4 works', () => {
    const p = new Program().i('jr', 3).i('hlt').i('movi', 1, 1).i('hlt');
    const r = run(p, { regs: { 3: 0x1008 } });
    expect(r.regs[1]).toBe(1);
  });

  for (const op of ['jr', 'callr']) {
    for (const t of [0x1009, 0x100a, 0x100b]) {
      it(`${op} to 0x${t.toString(16)} traps misaligned at the ${op}, faddr = target, lr untouched`, () => {
        const p = new Program().i('movi', 1, 1).i(op, 3).i('hlt').i('hlt');
        const r = run(p, { regs: { 3: t, [LR]: 0x777 } });
        expect(r.end.pc).toBe(HANDLER);
        expect(r.cr[CR.CAUSE]).toBe(CAUSE.MISALIGNED);
        expect(r.cr[CR.FADDR]).toBe(t);
        expect(r.cr[CR.SPC]).toBe(0x1004);
        expect(r.regs[LR]).toBe(0x777);
        expect(r.machine.cpu.instructions).toBe(2);
      });
    }
  }
});

describe('sys, brk and hcall', () => {
  const which: [string, number][] = [
    ['sys', CAUSE.SYSCALL],
    ['brk', CAUSE.BREAKPOINT],
    ['hcall', CAUSE.HYPERCALL],
  ];
  it.each(which)('%s traps with saved pc = next, faddr 0, and retires', (op, cause) => {
    const p = new Program().i('movi', 1, 1).i(op).i('movi', 2, 2).i('hlt');
    const r = run(p, { before: (m) => (m.cpu.cr[CR.FADDR] = 0x1234) });
    expect(r.end.status).toBe('halted');
    expect(r.end.pc).toBe(HANDLER);
    expect(r.cr[CR.CAUSE]).toBe(cause);
    expect(r.cr[CR.SPC]).toBe(0x1008);
    expect(r.cr[CR.FADDR]).toBe(0);
    expect(r.regs[2]).toBe(0);
    expect(r.machine.cpu.instructions).toBe(3); // movi, op, hlt
    expect(r.machine.traps.get(cause)).toBe(1);
  });

  it('a retired instruction is charged its cycles; a faulting one is not (only the trap is)', () => {
    const ok = run(new Program().i('div', 1, 2, 3).i('hlt'), { regs: { 3: 1 } });
    expect(ok.machine.cpu.instructions).toBe(2);
    expect(ok.machine.cpu.extraCycles).toBe(19);
    expect(ok.machine.cycles).toBe(2 + 19);
    const bad = run(new Program().i('div', 1, 2, 3).i('hlt'), { regs: { 3: 0 } });
    expect(bad.machine.cpu.instructions).toBe(1); // the handler's hlt
    expect(bad.machine.cpu.extraCycles).toBe(0);
    expect(bad.machine.cycles).toBe(1 + bad.machine.config.costs.events.trap);
  });

  it('a sys handler can return with rfe to the next instruction', () => {
    const handler = new Program(0x3000).i('addi', 5, 5, 1).i('rfe');
    const p = new Program().i('sys').i('sys').i('movi', 6, 6).i('hlt');
    const r = run(p, { handler: false, extra: [handler], before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
    expect(r.end.status).toBe('halted');
    expect(r.regs[5]).toBe(2);
    expect(r.regs[6]).toBe(6);
    expect(r.end.pc).toBe(0x100c);
  });
});
