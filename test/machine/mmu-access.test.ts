// The MMU "access test" (after kvm-unit-tests' x86/access.c): an independent reference page
// walker written from the rules in the header of src/machine/mmu.ts, and every combination
// of PDE bits x PTE bits x access kind x mode run on the real machine and checked against it:
// success or the exact fault (cause, faddr, spc), the data moved, and the A/D bits left in
// the tables.

import { describe, expect, it } from 'vitest';
import { CAUSE, CR, PTE, PTBR_PAGING } from '../../src/isa/arch.js';
import type { Machine } from '../../src/machine/machine.js';
import { enterWith, HANDLER, Program, readWord, run, setPde, setPte, writeWord } from './helpers.js';

const { V, W, U, A, D } = PTE;
type Kind = 'read' | 'write' | 'fetch';

// ---- the reference walker -------------------------------------------------------------------

type Outcome = { ok: true; pa: number } | { ok: false; cause: number };

/** Walk the two-level tables in `words` (physical memory as words, `size` bytes) for an access
 *  to va, setting A/D in `words` on success, as the documented rules say. */
function referenceWalk(words: Int32Array, size: number, ptbr: number, va: number, kind: Kind, user: boolean): Outcome {
  const fault = { ok: false as const, cause: kind === 'read' ? CAUSE.PAGE_READ : kind === 'write' ? CAUSE.PAGE_WRITE : CAUSE.PAGE_FETCH };
  const bus = { ok: false as const, cause: CAUSE.BUS };
  const inside = (pa: number, len: number) => pa >= 0 && pa + len <= size;
  const dirEntry = Math.floor(ptbr / 4096) * 4096 + Math.floor(va / 0x400000) * 4;
  if (!inside(dirEntry, 4)) return bus;
  const pde = words[dirEntry / 4]! >>> 0;
  if (!(pde & V)) return fault;
  const tableEntry = Math.floor(pde / 4096) * 4096 + (Math.floor(va / 4096) % 1024) * 4;
  if (!inside(tableEntry, 4)) return bus;
  const pte = words[tableEntry / 4]! >>> 0;
  if (!(pte & V)) return fault;
  if (user && !(pde & U && pte & U)) return fault; // user needs U at both levels
  if (kind === 'write' && !(pde & W && pte & W)) return fault; // writes need W at both, in any mode
  const frame = Math.floor(pte / 4096) * 4096;
  if (!inside(frame, 4096)) return bus;
  words[dirEntry / 4] = pde | A;
  words[tableEntry / 4] = pte | A | (kind === 'write' ? D : 0);
  return { ok: true, pa: frame + (va % 4096) };
}

// ---- the machine side -------------------------------------------------------------------------

const MEM = 0x8000;
const DIR = 0x2000;
const KERNEL_TABLE = 0x3000;
const TABLE = 0x4000;
const FRAME = 0x5000;
const VA = 0x00c03000; // directory entry 3, table entry 3
const DATA_OFFSET = 0x100;
const OLD = 0x12345678;
const NEW = 0x600dcafe;

/** Identity-map pages 0 (the handler) and 1 (the code) for both modes, A and D preset. */
function kernelMap(m: Machine): void {
  setPde(m, DIR, 0, KERNEL_TABLE, V | W | U | A);
  setPte(m, KERNEL_TABLE, 0x0000, 0x0000, V | W | U | A | D);
  setPte(m, KERNEL_TABLE, 0x1000, 0x1000, V | W | U | A | D);
}

function accessProgram(kind: Kind, user: boolean): Program {
  const p = new Program()
    .li(1, DIR | PTBR_PAGING)
    .i('mtcr', CR.PTBR, 1)
    .li(7, VA + DATA_OFFSET)
    .li(8, VA)
    .li(6, kind === 'write' ? NEW : 0x77);
  if (user) enterWith(p, 'access', 0);
  p.label('access');
  if (kind === 'read') p.i('ldw', 6, { base: 7, offset: 0 });
  else if (kind === 'write') p.i('stw', 6, { base: 7, offset: 0 });
  else p.i('jr', 8);
  return p.i('sys');
}

/** Code in the test frame, for fetches: movi r5, 1; sys. */
const frameCode = new Program(VA).i('movi', 5, 1).i('sys').words();

interface Observed {
  cause: number;
  faddr: number;
  spc: number;
  pde: number;
  pte: number;
  value: number;
}

function observe(pdeBits: number, pteBits: number, kind: Kind, user: boolean, frame = FRAME, table = TABLE): Observed {
  const p = accessProgram(kind, user);
  let pdeAt = 0;
  let pteAt = 0;
  const r = run(p, {
    memoryBytes: MEM,
    regs: { 5: 0 },
    before: (m) => {
      kernelMap(m);
      pdeAt = setPde(m, DIR, VA, table, pdeBits);
      if (table + 4096 <= MEM) pteAt = setPte(m, table, VA, frame, pteBits);
      if (frame + 4096 <= MEM) {
        frameCode.forEach((w, i) => writeWord(m, frame + 4 * i, w));
        writeWord(m, frame + DATA_OFFSET, OLD);
      }
    },
  });
  expect(r.end.status, r.end.reason).toBe('halted');
  expect(r.end.pc).toBe(HANDLER);
  const m = r.machine;
  const value = kind === 'read' ? r.regs[6]! : kind === 'write' ? (frame + 4096 <= MEM ? readWord(m, frame + DATA_OFFSET) : 0) : r.regs[5]!;
  return {
    cause: r.cr[CR.CAUSE]!,
    faddr: r.cr[CR.FADDR]!,
    spc: r.cr[CR.SPC]!,
    pde: readWord(m, pdeAt) >>> 0,
    pte: pteAt ? readWord(m, pteAt) >>> 0 : 0,
    value: value >>> 0,
  };
}

/** What the reference walker says `observe` must see. */
function expected(pdeBits: number, pteBits: number, kind: Kind, user: boolean, frame = FRAME, table = TABLE): Observed {
  const words = new Int32Array(MEM / 4);
  const pdeAt = DIR + (VA >>> 22) * 4;
  const pteAt = table + ((VA >>> 12) & 1023) * 4;
  words[pdeAt / 4] = (table & ~4095) | pdeBits;
  if (table + 4096 <= MEM) words[pteAt / 4] = (frame & ~4095) | pteBits;
  const va = kind === 'fetch' ? VA : VA + DATA_OFFSET;
  const out = referenceWalk(words, MEM, DIR, va, kind, user);
  const access = 0x1000 + 4 * accessProgram(kind, user).words().length - 8; // the access instruction
  const pde = words[pdeAt / 4]! >>> 0;
  const pte = table + 4096 <= MEM ? words[pteAt / 4]! >>> 0 : 0;
  if (!out.ok) {
    const value = kind === 'read' ? 0x77 : kind === 'write' ? (frame + 4096 <= MEM ? OLD : 0) : 0;
    return { cause: out.cause, faddr: va, spc: kind === 'fetch' ? VA : access, pde, pte, value };
  }
  expect(out.pa).toBe(frame + (va & 4095));
  const value = kind === 'read' ? OLD : kind === 'write' ? NEW : 1;
  return { cause: CAUSE.SYSCALL, faddr: 0, spc: kind === 'fetch' ? VA + 8 : access + 8, pde, pte, value };
}

const bitNames = (bits: number, names: [string, number][]) => names.filter(([, b]) => bits & b).map(([n]) => n).join('') || '-';
const PDE_NAMES: [string, number][] = [['V', V], ['W', W], ['U', U], ['A', A]];
const PTE_NAMES: [string, number][] = [...PDE_NAMES, ['D', D]];
const fmt = (o: Observed) =>
  `cause ${o.cause} faddr ${o.faddr.toString(16)} spc ${o.spc.toString(16)} value ${o.value.toString(16)} pde ${bitNames(o.pde, PTE_NAMES)} pte ${bitNames(o.pte, PTE_NAMES)}`;

describe('reference walker sanity', () => {
  it('grants a fully permitted page and sets A/D; refuses an invalid one', () => {
    const words = new Int32Array(MEM / 4);
    words[(DIR + 12) / 4] = TABLE | V | W | U;
    words[(TABLE + 12) / 4] = FRAME | V | W | U;
    expect(referenceWalk(words, MEM, DIR, VA + 8, 'write', true)).toEqual({ ok: true, pa: FRAME + 8 });
    expect(words[(DIR + 12) / 4]! & A).toBe(A);
    expect(words[(TABLE + 12) / 4]! & (A | D)).toBe(A | D);
    expect(referenceWalk(words, MEM, DIR, VA + 0x400000, 'read', false)).toEqual({ ok: false, cause: CAUSE.PAGE_READ });
  });
});

describe('every PDE x PTE x access x mode combination matches the reference walker', () => {
  const kinds: Kind[] = ['read', 'write', 'fetch'];
  const modes: [string, boolean][] = [
    ['supervisor', false],
    ['user', true],
  ];
  for (const kind of kinds) {
    for (const [mode, user] of modes) {
      it(`${kind} in ${mode} mode (16 PDE x 32 PTE bit patterns)`, () => {
        const got: string[] = [];
        const want: string[] = [];
        let successes = 0;
        for (let pdeBits = 0; pdeBits < 16; pdeBits++) {
          for (let pteBits = 0; pteBits < 32; pteBits++) {
            const label = `PDE ${bitNames(pdeBits, PDE_NAMES)} PTE ${bitNames(pteBits, PTE_NAMES)}: `;
            const e = expected(pdeBits, pteBits, kind, user);
            if (e.cause === CAUSE.SYSCALL) successes++;
            want.push(label + fmt(e));
            got.push(label + fmt(observe(pdeBits, pteBits, kind, user)));
          }
        }
        expect(got).toEqual(want);
        // sanity: the enumeration contains both outcomes
        expect(successes).toBeGreaterThan(0);
        expect(successes).toBeLessThan(512);
      });
    }
  }
});

describe('tables and frames outside physical memory are bus errors', () => {
  const cases: [string, number, number][] = [
    ['page table beyond memory', MEM, FRAME],
    ['page table far beyond memory', 0x7ffff000, FRAME],
    ['frame beyond memory', TABLE, MEM],
    ['frame with bit 31 set', TABLE, 0x80005000],
  ];
  for (const kind of ['read', 'write', 'fetch'] as Kind[]) {
    it.each(cases)(`%s (${kind})`, (_, table, frame) => {
      const all = V | W | U | A | D;
      const e = expected(all & 15, all, kind, true, frame, table);
      expect(e.cause).toBe(CAUSE.BUS);
      expect(fmt(observe(all & 15, all, kind, true, frame, table))).toBe(fmt(e));
    });
  }

  it('an invalid PDE faults before its table address is looked at', () => {
    const e = expected(W | U, 0, 'read', false, FRAME, MEM);
    expect(e.cause).toBe(CAUSE.PAGE_READ);
    expect(fmt(observe(W | U, 0, 'read', false, FRAME, MEM))).toBe(fmt(e));
  });

  it('ptbr outside memory: the first fetch with paging on is a bus error (and so is the handler fetch)', () => {
    const p = new Program().li(1, MEM | PTBR_PAGING).i('mtcr', CR.PTBR, 1).label('next').i('movi', 2, 2);
    const r = run(p, { memoryBytes: MEM });
    expect(r.end.status).toBe('faulted');
    expect(r.end.reason.startsWith('double fault')).toBe(true);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.BUS);
    expect(r.cr[CR.FADDR]).toBe(p.addr('next'));
    expect(r.cr[CR.SPC]).toBe(p.addr('next'));
    expect(r.regs[2]).toBe(0);
  });
});

describe('instruction fetch across pages', () => {
  const CODE_VA = 0x00c03ff8; // the last two words of the test page
  function crossing(nextPageBits: number) {
    const p = new Program().li(1, DIR | PTBR_PAGING).i('mtcr', CR.PTBR, 1).li(8, CODE_VA).i('jr', 8);
    const code = new Program(CODE_VA).i('movi', 5, 1).i('movi', 5, 2).i('movi', 5, 3).i('sys').words();
    return run(p, {
      memoryBytes: MEM,
      before: (m) => {
        kernelMap(m);
        setPde(m, DIR, VA, TABLE, V | W | U);
        setPte(m, TABLE, VA, FRAME, V | W | U);
        setPte(m, TABLE, VA + 0x1000, FRAME + 0x1000, nextPageBits);
        code.forEach((w, i) => writeWord(m, FRAME + 0xff8 + 4 * i, w));
      },
    });
  }

  it('runs on into the next page when it is mapped', () => {
    const r = crossing(V);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.SYSCALL);
    expect(r.regs[5]).toBe(3);
  });

  it('faults page-fetch at the first address of the next page when it is not', () => {
    const r = crossing(W | U);
    expect(r.cr[CR.CAUSE]).toBe(CAUSE.PAGE_FETCH);
    expect(r.cr[CR.FADDR]).toBe(VA + 0x1000);
    expect(r.cr[CR.SPC]).toBe(VA + 0x1000);
    expect(r.regs[5]).toBe(2);
  });
});
