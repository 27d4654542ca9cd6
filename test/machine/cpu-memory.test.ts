// Loads and stores with paging off: word and byte accesses, little-endian byte order, zero
// extension of ldb, misaligned word accesses and accesses beyond physical memory.

import { describe, expect, it } from 'vitest';
import { CAUSE, CR } from '../../src/isa/arch.js';
import { HANDLER, Program, readWord, run, writeWord } from './helpers.js';

const DATA = 0x2000;
const MEM = 0x10000;

describe('ldw / ldb / stw / stb', () => {
  it('ldw reads the word at base + positive and negative offsets', () => {
    const p = new Program().i('ldw', 1, { base: 2, offset: 4 }).i('ldw', 3, { base: 4, offset: -8 }).i('hlt');
    const r = run(p, {
      regs: { 2: DATA, 4: DATA + 8 },
      before: (m) => {
        writeWord(m, DATA, 0x01020304);
        writeWord(m, DATA + 4, 0x89abcdef);
      },
    });
    expect(r.regs[1]).toBe(0x89abcdef | 0);
    expect(r.regs[3]).toBe(0x01020304);
  });

  it('the offset is sign-extended from 16 bits', () => {
    const p = new Program().i('ldw', 1, { base: 2, offset: -0x8000 }).i('ldw', 3, { base: 0, offset: 0x7ffc }).i('hlt');
    const r = run(p, {
      regs: { 2: DATA + 0x8000, 0: 0 },
      before: (m) => {
        writeWord(m, DATA, 0x11111111);
        writeWord(m, 0x7ffc, 0x22222222);
      },
    });
    expect(r.regs[1]).toBe(0x11111111);
    expect(r.regs[3]).toBe(0x22222222);
  });

  it('words are little-endian and ldb zero-extends', () => {
    const p = new Program();
    for (let i = 0; i < 4; i++) p.i('ldb', 1 + i, { base: 10, offset: i });
    p.i('ldb', 5, { base: 10, offset: 4 }).i('hlt');
    const r = run(p, {
      regs: { 10: DATA, 1: -1, 2: -1, 3: -1, 4: -1, 5: -1 },
      before: (m) => {
        writeWord(m, DATA, 0x11223344);
        writeWord(m, DATA + 4, 0xfffffff0 | 0);
      },
    });
    expect([...r.regs.slice(1, 6)]).toEqual([0x44, 0x33, 0x22, 0x11, 0xf0]);
  });

  it('stw writes the whole word; stb writes only the low byte of rs, at any address', () => {
    const p = new Program().i('stw', 1, { base: 10, offset: 0 }).i('stb', 2, { base: 10, offset: 5 }).i('stb', 3, { base: 10, offset: 7 }).i('hlt');
    const r = run(p, {
      regs: { 10: DATA, 1: 0xcafebabe | 0, 2: 0x12345678, 3: -1 },
      before: (m) => writeWord(m, DATA + 4, 0x55555555),
    });
    expect(readWord(r.machine, DATA) >>> 0).toBe(0xcafebabe);
    expect(readWord(r.machine, DATA + 4) >>> 0).toBe(0xff557855);
  });

  it('a store followed by loads of the same place round-trips', () => {
    const p = new Program()
      .i('stw', 1, { base: 10, offset: 16 })
      .i('ldw', 2, { base: 10, offset: 16 })
      .i('ldb', 3, { base: 10, offset: 19 })
      .i('hlt');
    const r = run(p, { regs: { 10: DATA, 1: 0x80000001 | 0 } });
    expect(r.regs[2]).toBe(0x80000001 | 0);
    expect(r.regs[3]).toBe(0x80);
  });
});

describe('misaligned word accesses', () => {
  for (const off of [1, 2, 3]) {
    it(`ldw at DATA+${off} traps misaligned with faddr = the address, rd untouched`, () => {
      const p = new Program().i('ldw', 1, { base: 2, offset: off }).i('hlt');
      const r = run(p, { regs: { 1: 99, 2: DATA } });
      expect(r.end.status).toBe('halted');
      expect(r.end.pc).toBe(HANDLER);
      expect(r.cr[CR.CAUSE]).toBe(CAUSE.MISALIGNED);
      expect(r.cr[CR.FADDR]).toBe(DATA + off);
      expect(r.cr[CR.SPC]).toBe(0x1000);
      expect(r.regs[1]).toBe(99);
      expect(r.machine.cpu.instructions).toBe(1);
    });

    it(`stw at DATA+${off} traps misaligned and writes nothing`, () => {
      const p = new Program().i('stw', 1, { base: 2, offset: 0 }).i('hlt');
      const r = run(p, { regs: { 1: -1, 2: DATA + off } });
      expect(r.cr[CR.CAUSE]).toBe(CAUSE.MISALIGNED);
      expect(r.cr[CR.FADDR]).toBe(DATA + off);
      expect(r.cr[CR.SPC]).toBe(0x1000);
      expect(readWord(r.machine, DATA)).toBe(0);
      expect(readWord(r.machine, DATA + 4)).toBe(0);
    });
  }
});

describe('accesses beyond physical memory (paging off)', () => {
  const cases: [string, number][] = [
    ['ldw', MEM],
    ['ldw', MEM + 0x1000],
    ['ldw', 0x80000000 | 0],
    ['ldw', -4],
    ['ldb', MEM],
    ['ldb', -1],
    ['stw', MEM],
    ['stb', MEM],
    ['stb', 0x7fffffff],
  ];
  it.each(cases)('%s at %i traps bus with faddr = the address', (op, address) => {
    const p = new Program().i('movi', 7, 1).i(op, 1, { base: 2, offset: 0 }).i('hlt');
    const r = run(p, { regs: { 1: 5, 2: address } });
    expect(r.end.status).toBe('halted');
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.BUS);
    expect(r.cr[CR.FADDR]).toBe(address | 0);
    expect(r.cr[CR.SPC]).toBe(0x1004);
    expect(r.regs[1]).toBe(5);
    expect(r.machine.cpu.instructions).toBe(2);
  });

  it('the last word and byte of memory are accessible', () => {
    const p = new Program()
      .i('stw', 1, { base: 2, offset: -4 })
      .i('ldb', 3, { base: 2, offset: -1 })
      .i('stb', 1, { base: 2, offset: -2 })
      .i('ldw', 4, { base: 2, offset: -4 })
      .i('hlt');
    const r = run(p, { regs: { 1: 0xa1b2c3d4 | 0, 2: MEM } });
    expect(r.machine.traps.size).toBe(0);
    expect(r.regs[3]).toBe(0xa1);
    expect(r.regs[4]! >>> 0).toBe(0xa1d4c3d4);
  });

  it('fetching beyond memory traps bus with faddr = spc = the target', () => {
    const p = new Program().i('jr', 1);
    const r = run(p, { regs: { 1: MEM } });
    expect(r.end.status).toBe('halted');
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.BUS);
    expect(r.cr[CR.FADDR]).toBe(MEM);
    expect(r.cr[CR.SPC]).toBe(MEM);
    expect(r.machine.cpu.instructions).toBe(2); // jr + hlt
  });

  it('running off the end of memory traps bus at the first address past it', () => {
    const p = new Program(MEM - 8).i('movi', 1, 1).i('movi', 2, 2);
    const r = run(p);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.BUS);
    expect(r.cr[CR.SPC]).toBe(MEM);
    expect(r.regs[2]).toBe(2);
  });
});
