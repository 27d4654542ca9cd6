// ALU instructions, register and immediate forms: results by the table's summaries, with
// wrap-around, shift counts taken mod 32, signed/unsigned division and the divide trap.

import { describe, expect, it } from 'vitest';
import { CAUSE, CR, FLAG } from '../../src/isa/arch.js';
import { Program, run, HANDLER } from './helpers.js';

const INT_MIN = -0x80000000;
const INT_MAX = 0x7fffffff;
const i32 = (x: number) => x | 0;

/** Run `op r3, r1, r2` (or `op r3, r1, imm`) and return r3. */
function rrr(op: string, x: number, y: number): number {
  const r = run(new Program().i(op, 3, 1, 2).i('hlt'), { regs: { 1: x, 2: y, 3: 0x5a5a5a5a } });
  expect(r.end.status).toBe('halted');
  expect(r.machine.traps.size).toBe(0);
  return r.regs[3]!;
}

function rri(op: string, x: number, imm: number): number {
  const r = run(new Program().i(op, 3, 1, imm).i('hlt'), { regs: { 1: x, 3: 0x5a5a5a5a } });
  expect(r.end.status).toBe('halted');
  expect(r.machine.traps.size).toBe(0);
  return r.regs[3]!;
}

type Case = readonly [x: number, y: number, expected: number];

const REGISTER_CASES: Record<string, readonly Case[]> = {
  add: [
    [1, 2, 3],
    [INT_MAX, 1, INT_MIN],
    [-1, 1, 0],
    [0xffffffff, 0xffffffff, -2],
    [INT_MIN, INT_MIN, 0],
  ],
  sub: [
    [5, 7, -2],
    [INT_MIN, 1, INT_MAX],
    [INT_MAX, -1, INT_MIN],
    [0, INT_MIN, INT_MIN],
  ],
  mul: [
    [6, 7, 42],
    [-3, 5, -15],
    [0x10000, 0x10000, 0],
    [INT_MAX, 2, -2],
    [0x12345678, 0x9abcdef, i32(Number((0x12345678n * 0x9abcdefn) & 0xffffffffn))],
    [INT_MIN, -1, INT_MIN],
  ],
  div: [
    [7, 2, 3],
    [-7, 2, -3],
    [7, -2, -3],
    [-7, -2, 3],
    [INT_MIN, -1, INT_MIN],
    [INT_MIN, 1, INT_MIN],
    [1, INT_MIN, 0],
  ],
  divu: [
    [7, 2, 3],
    [0xffffffff, 2, INT_MAX],
    [0xffffffff, 1, -1],
    [0x80000000, 0xffffffff, 0],
    [0xfffffffe, 0x7fffffff, 2],
    [-7, -1, 0],
  ],
  rem: [
    [7, 2, 1],
    [-7, 2, -1],
    [7, -2, 1],
    [-7, -2, -1],
    [INT_MIN, -1, 0],
    [INT_MIN, 3, -2],
  ],
  remu: [
    [0xffffffff, 10, 5],
    [0xfffffff9, 2, 1],
    [5, 0xffffffff, 5],
    [INT_MIN, 3, 2],
  ],
  and: [
    [0xff00ff00, 0x0ff00ff0, 0x0f000f00],
    [-1, INT_MIN, INT_MIN],
  ],
  or: [
    [0xff00ff00, 0x0ff00ff0, i32(0xfff0fff0)],
    [0, 0, 0],
  ],
  xor: [
    [0xff00ff00, 0x0ff00ff0, i32(0xf0f0f0f0)],
    [-1, -1, 0],
  ],
  shl: [
    [1, 31, INT_MIN],
    [1, 32, 1],
    [1, 33, 2],
    [0xff, 36, 0xff0],
    [3, -1, INT_MIN],
    [-1, 4, -16],
  ],
  shr: [
    [INT_MIN, 31, 1],
    [-1, 28, 15],
    [-1, 32, -1],
    [-1, 33, INT_MAX],
    [0x100, -24, 1], // -24 & 31 = 8
  ],
  sar: [
    [INT_MIN, 31, -1],
    [-16, 2, -4],
    [-1, 32, -1],
    [0x40000000, 33, 0x20000000],
    [INT_MIN, 33, i32(0xc0000000)],
  ],
};

const IMMEDIATE_CASES: Record<string, readonly Case[]> = {
  addi: [
    [1, -1, 0],
    [INT_MAX, 1, INT_MIN],
    [0, -32768, -32768],
    [5, 32767, 32772],
    [INT_MIN, -1, INT_MAX],
  ],
  muli: [
    [3, -2, -6],
    [0x40000000, 4, 0],
    [-1, -32768, 32768],
    [0x10001, 0x7fff, 0x7fff7fff],
  ],
  andi: [
    [-1, 0xffff, 0xffff],
    [-1, 0x8000, 0x8000],
    [0x12345678, 0x0ff0, 0x670],
  ],
  ori: [
    [0, 0x8000, 0x8000],
    [0x12340000, 0xffff, 0x1234ffff],
    [INT_MIN, 1, INT_MIN + 1],
  ],
  xori: [
    [-1, 0xffff, i32(0xffff0000)],
    [0, 0x8001, 0x8001],
    [0x1234, 0x1234, 0],
  ],
  shli: [
    [1, 31, INT_MIN],
    [1, 32, 1],
    [3, 0xffff, INT_MIN],
    [5, 0x21, 10],
  ],
  shri: [
    [-1, 31, 1],
    [-1, 0x20, -1],
    [INT_MIN, 0x21, 0x40000000],
    [0xf0, 4, 0xf],
  ],
  sari: [
    [INT_MIN, 31, -1],
    [INT_MIN, 0x21, i32(0xc0000000)],
    [-100, 1, -50],
    [0x7ff0, 0xffe4, 0x7ff], // 0xffe4 & 31 = 4
  ],
};

describe('ALU register form', () => {
  for (const [op, cases] of Object.entries(REGISTER_CASES)) {
    it.each(cases.map(([x, y, e]) => [op, x, y, e] as const))('%s %i, %i = %i', (o, x, y, e) => {
      expect(rrr(o, x, y)).toBe(i32(e));
    });
  }

  it('rd may be a source register, and r0 is an ordinary register', () => {
    const r = run(new Program().i('add', 0, 0, 0).i('sub', 1, 1, 0).i('hlt'), { regs: { 0: 21, 1: 50 } });
    expect(r.regs[0]).toBe(42);
    expect(r.regs[1]).toBe(8);
  });

  it('ALU instructions leave FLAGS alone', () => {
    const r = run(new Program().i('cmp', 1, 1).i('add', 2, 1, 1).i('sub', 2, 1, 1).i('getf', 5).i('hlt'), { regs: { 1: 3 } });
    expect(r.regs[5]).toBe(FLAG.S | FLAG.Z);
  });
});

describe('ALU immediate form', () => {
  for (const [op, cases] of Object.entries(IMMEDIATE_CASES)) {
    it.each(cases.map(([x, y, e]) => [op, x, y, e] as const))('%s %i, %i = %i', (o, x, y, e) => {
      expect(rri(o, x, y)).toBe(i32(e));
    });
  }

  it.each([
    [0x7fff, 0x7fff],
    [-1, -1],
    [-32768, i32(0xffff8000)],
    [0, 0],
  ])('movi %i sign-extends to %i', (imm, expected) => {
    const r = run(new Program().i('movi', 4, imm).i('hlt'), { regs: { 4: 0x12345678 } });
    expect(r.regs[4]).toBe(expected);
  });

  it.each([
    [0xffff, i32(0xffff0000)],
    [0x1234, 0x12340000],
    [0x8000, INT_MIN],
    [0, 0],
  ])('lui %i = %i (low half cleared)', (imm, expected) => {
    const r = run(new Program().i('lui', 4, imm).i('hlt'), { regs: { 4: 0xffff } });
    expect(r.regs[4]).toBe(expected);
  });
});

describe('divide by zero', () => {
  for (const op of ['div', 'divu', 'rem', 'remu']) {
    it(`${op} by zero traps divide at the faulting instruction, without retiring it`, () => {
      const p = new Program().i('movi', 6, 1).i(op, 3, 1, 2).i('movi', 6, 2).i('hlt');
      const r = run(p, { regs: { 1: 100, 2: 0, 3: 77 } });
      expect(r.end.status).toBe('halted');
      expect(r.end.pc).toBe(HANDLER);
      expect(r.cr[CR.CAUSE]).toBe(CAUSE.DIVIDE);
      expect(r.cr[CR.SPC]).toBe(0x1004); // the div
      expect(r.cr[CR.FADDR]).toBe(0);
      expect(r.regs[3]).toBe(77); // rd untouched
      expect(r.regs[6]).toBe(1);
      expect(r.machine.cpu.instructions).toBe(2); // movi + the handler's hlt
      expect(r.machine.traps.get(CAUSE.DIVIDE)).toBe(1);
    });
  }
});
