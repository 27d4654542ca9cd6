// The TLB: the Tlb class itself, and on the machine: hits after a first access, the re-walk
// that sets D, invlpg / tlbflush, ptbr writes with an untagged and a tagged TLB, staleness,
// and exact lookup / hit / miss / walk-reference figures.

import { describe, expect, it } from 'vitest';
import { CAUSE, CR, PTE, PTBR_PAGING } from '../../src/isa/arch.js';
import type { Machine } from '../../src/machine/machine.js';
import { ASID_TAGS, PERM, Tlb } from '../../src/machine/tlb.js';
import { enterWith, haltHandler, HANDLER, imageOf, makeMachine, Program, readWord, setPde, setPte, writeWord } from './helpers.js';

const { V, W, U, A, D } = PTE;

describe('Tlb', () => {
  it.each([0, 3, 6, 8192, 1.5, -4, NaN])('rejects size %s', (size) => {
    expect(() => new Tlb(size, false)).toThrow(RangeError);
  });

  it('an emptied slot holds no translation, even for the one tag that equals its empty mark (address space 4,095, page 0xfffff)', () => {
    const t = new Tlb(64, true);
    t.setAsid(1);
    t.fill(0x3f, 0x5000, PERM.SUPER_READ | PERM.SUPER_WRITE | PERM.USER_READ | PERM.USER_WRITE);
    t.flush();
    // (4,095 << 20 | 0xfffff is -1 as a 32-bit word, the tag an empty slot holds; slot 63)
    t.setAsid(ASID_TAGS - 1);
    expect(t.probe(0xfffff)).toBeUndefined();
    t.fill(0x7f, 0x6000, PERM.SUPER_READ);
    t.invalidate(0x7f << 12);
    expect(t.probe(0xfffff)).toBeUndefined();
  });

  it('flushTags drops the entries of the address spaces marked, however many, and no other; one flush', () => {
    const t = new Tlb(4096, true);
    // an entry in each of 4,096 slots, of address spaces 0 to 2,047 in turn
    for (let vpn = 0; vpn < 4096; vpn++) {
      t.setAsid(vpn % 2048);
      t.fill(vpn, vpn << 12, PERM.SUPER_READ);
    }
    const odd = new Uint8Array(ASID_TAGS);
    for (let asid = 1; asid < 2048; asid += 2) odd[asid] = 1;
    t.flushTags(odd);
    for (let vpn = 0; vpn < 4096; vpn++) {
      t.setAsid(vpn % 2048);
      expect(t.probe(vpn) === undefined, String(vpn)).toBe(vpn % 2 === 1);
    }
    expect(t.flushes).toBe(1);
    const zero = new Uint8Array(ASID_TAGS);
    zero[0] = 1;
    t.flushTags(zero);
    t.setAsid(0);
    expect(t.probe(0)).toBeUndefined();
    t.setAsid(2);
    expect(t.probe(2)).toBeDefined();
  });

  it.each([1, 2, 64, 4096])('accepts size %i', (size) => {
    const t = new Tlb(size, false);
    expect(t.size).toBe(size);
    expect(t.mask).toBe(size - 1);
    expect(t.probe(0)).toBeUndefined();
  });

  it('fill, probe, invalidate and flush', () => {
    const t = new Tlb(16, false);
    t.fill(0x123, 0x5000, PERM.SUPER_READ);
    t.fill(0x124, 0x6000, PERM.SUPER_READ | PERM.USER_READ);
    expect(t.probe(0x123)).toEqual({ frame: 0x5000, perms: PERM.SUPER_READ });
    expect(t.probe(0x133)).toBeUndefined(); // same slot, other page
    t.invalidate(0x123abc);
    expect(t.probe(0x123)).toBeUndefined();
    expect(t.probe(0x124)).toBeDefined();
    t.invalidate(0x133000); // another page in the same slot as nothing: no harm
    expect(t.invalidations).toBe(2);
    t.flush();
    expect(t.probe(0x124)).toBeUndefined();
    expect(t.flushes).toBe(1);
  });

  it('direct mapped: a page evicts the one in its slot', () => {
    const t = new Tlb(4, false);
    t.fill(1, 0x1000, 1);
    t.fill(5, 0x2000, 1);
    expect(t.probe(1)).toBeUndefined();
    expect(t.probe(5)?.frame).toBe(0x2000);
  });

  it('a tagged TLB keeps entries per asid; invalidate drops a page whatever its asid', () => {
    const t = new Tlb(16, true);
    t.setAsid(1);
    t.fill(0x10, 0x5000, 1);
    t.setAsid(2);
    expect(t.probe(0x10)).toBeUndefined();
    t.fill(0x11, 0x6000, 1);
    t.setAsid(1);
    expect(t.probe(0x10)?.frame).toBe(0x5000);
    expect(t.probe(0x11)).toBeUndefined();
    t.invalidate(0x11000);
    t.setAsid(2);
    expect(t.probe(0x11)).toBeUndefined();
  });

  it('an untagged TLB ignores the asid', () => {
    const t = new Tlb(16, false);
    t.setAsid(1);
    t.fill(0x10, 0x5000, 1);
    t.setAsid(2);
    expect(t.probe(0x10)?.frame).toBe(0x5000);
    expect(t.asidTag).toBe(0);
  });

  it('counts hits as lookups minus misses', () => {
    const t = new Tlb(4, false);
    t.lookups = 10;
    t.misses = 3;
    expect(t.hits).toBe(7);
  });
});

// ---- on the machine -------------------------------------------------------------------------

const DIR = 0x2000;
const KERNEL_TABLE = 0x3000;
const TABLE = 0x4000;
const FRAME_A = 0x5000;
const FRAME_B = 0x6000;
const DIR_2 = 0x8000;
const TABLE_2 = 0x9000;
const VA = 0x00c03000; // slot 3 of a 64-entry TLB
const VB = 0x00c04000; // slot 4
const VPN = VA >>> 12;
const CODE_VPN = 1;

/** Tables: identity-mapped pages 0 and 1 (A preset, so walks for code write nothing),
 *  VA -> FRAME_A and VB -> FRAME_B, clean (A and D clear). */
function mapAll(m: Machine, vaBits = V | W | U, vbBits = V | W | U): void {
  setPde(m, DIR, 0, KERNEL_TABLE, V | W | U | A);
  setPte(m, KERNEL_TABLE, 0x0000, 0x0000, V | W | U | A);
  setPte(m, KERNEL_TABLE, 0x1000, 0x1000, V | W | U | A);
  setPde(m, DIR, VA, TABLE, V | W | U);
  setPte(m, TABLE, VA, FRAME_A, vaBits);
  setPte(m, TABLE, VB, FRAME_B, vbBits);
  writeWord(m, FRAME_A, 0xaaaa);
  writeWord(m, FRAME_B, 0xbbbb);
}

/** Boot `p` with the standard handler, tables mapped; the program itself turns paging on. */
function boot(p: Program, options: { tagged?: boolean; tables?: (m: Machine) => void } = {}): Machine {
  const { machine } = makeMachine({ tlbTagged: options.tagged ?? false });
  machine.load(imageOf([p, haltHandler()], p.origin));
  machine.cpu.cr[CR.TVEC] = HANDLER;
  (options.tables ?? mapAll)(machine);
  return machine;
}

/** Run instruction by instruction until pc = address (paging variant stays exact). */
function runTo(m: Machine, address: number): void {
  for (let i = 0; m.cpu.pc !== address; i++) {
    if (i > 10_000 || m.cpu.halted) throw new Error(`never reached 0x${address.toString(16)}`);
    m.processor.run(m.cpu.instructions + 1);
  }
}

/** Misses, walk reads and A/D write-backs, and lookups that running from here to `address` costs. */
function costTo(m: Machine, address: number) {
  const t = m.processor.tlb;
  const before = { misses: t.misses, walks: t.walkReferences, writes: t.walkWrites, lookups: t.lookups };
  runTo(m, address);
  return { misses: t.misses - before.misses, walks: t.walkReferences - before.walks, writes: t.walkWrites - before.writes, lookups: t.lookups - before.lookups };
}

function pagingOn(p: Program): Program {
  return p.li(7, VA).li(8, VB).li(1, DIR | PTBR_PAGING).i('mtcr', CR.PTBR, 1);
}

describe('TLB on the machine', () => {
  it('a second access to a page hits the TLB; the first one walks', () => {
    const p = pagingOn(new Program()).label('on').i('ldw', 2, { base: 7, offset: 0 }).label('one').i('ldw', 3, { base: 7, offset: 4 }).label('two').i('hlt');
    const m = boot(p);
    runTo(m, p.addr('on'));
    const first = costTo(m, p.addr('one'));
    // code page walk (2 reads) + data walk (2 reads; writes: A in PDE + A in PTE)
    expect(first).toEqual({ misses: 2, walks: 4, writes: 2, lookups: 2 });
    const second = costTo(m, p.addr('two'));
    expect(second).toEqual({ misses: 0, walks: 0, writes: 0, lookups: 2 });
    expect(m.cpu.regs[2]).toBe(0xaaaa);
    expect(readWord(m, DIR + (VA >>> 22) * 4) & A).toBe(A);
    expect(readWord(m, TABLE + 3 * 4) & (A | D)).toBe(A);
  });

  it('the first write after a read of a clean page walks again to set D; the next write hits', () => {
    const p = pagingOn(new Program())
      .i('ldw', 2, { base: 7, offset: 0 })
      .label('read')
      .i('stw', 2, { base: 7, offset: 4 })
      .label('write1')
      .i('stw', 2, { base: 7, offset: 8 })
      .label('write2')
      .i('hlt');
    const m = boot(p);
    runTo(m, p.addr('read'));
    expect(m.processor.tlb.probe(VPN)!.perms & PERM.SUPER_WRITE).toBe(0);
    expect(costTo(m, p.addr('write1'))).toEqual({ misses: 1, walks: 2, writes: 1, lookups: 2 }); // PDE, PTE; the PTE's D written back
    expect(readWord(m, TABLE + 3 * 4) & (A | D)).toBe(A | D);
    expect(m.processor.tlb.probe(VPN)!.perms & PERM.SUPER_WRITE).toBe(PERM.SUPER_WRITE);
    expect(costTo(m, p.addr('write2'))).toEqual({ misses: 0, walks: 0, writes: 0, lookups: 2 });
    expect(readWord(m, FRAME_A + 8)).toBe(0xaaaa);
  });

  it('a read of a page already dirty fills a writable entry: the write hits', () => {
    const p = pagingOn(new Program()).i('ldw', 2, { base: 7, offset: 0 }).label('read').i('stw', 2, { base: 7, offset: 4 }).label('write').i('hlt');
    const m = boot(p, { tables: (mm) => mapAll(mm, V | W | U | D) });
    runTo(m, p.addr('read'));
    expect(costTo(m, p.addr('write'))).toEqual({ misses: 0, walks: 0, writes: 0, lookups: 2 });
  });

  it('an entry filled by supervisor access to a supervisor page does not let user mode in', () => {
    const p = pagingOn(new Program()).i('ldw', 2, { base: 7, offset: 0 }).label('filled');
    enterWith(p, 'user', 0);
    p.label('user').i('ldw', 3, { base: 7, offset: 0 }).i('sys');
    const m = boot(p, { tables: (mm) => mapAll(mm, V | W) });
    runTo(m, p.addr('filled'));
    expect(m.processor.tlb.probe(VPN)).toBeDefined();
    const end = m.run(1000);
    expect(end.status).toBe('halted');
    expect(m.cpu.cr[CR.CAUSE]).toBe(CAUSE.PAGE_READ);
    expect(m.cpu.cr[CR.FADDR]).toBe(VA);
    expect(m.cpu.cr[CR.SPC]).toBe(p.addr('user'));
  });

  it('the TLB is not coherent with the tables: a changed PTE is seen only after invlpg', () => {
    const p = pagingOn(new Program())
      .i('ldw', 2, { base: 7, offset: 0 })
      .label('changed')
      .i('ldw', 3, { base: 7, offset: 0 })
      .i('invlpg', 7)
      .i('ldw', 4, { base: 7, offset: 0 })
      .i('hlt');
    const m = boot(p);
    runTo(m, p.addr('changed'));
    setPte(m, TABLE, VA, FRAME_B, V | W | U | A);
    expect(m.run(1000).status).toBe('halted');
    expect([m.cpu.regs[2], m.cpu.regs[3], m.cpu.regs[4]]).toEqual([0xaaaa, 0xaaaa, 0xbbbb]);
  });

  it('invlpg drops only the entry of its page; tlbflush drops them all', () => {
    const p = pagingOn(new Program())
      .i('ldw', 2, { base: 7, offset: 0 })
      .i('ldw', 3, { base: 8, offset: 0 })
      .label('both')
      .i('invlpg', 7)
      .label('inv')
      .i('tlbflush')
      .label('flushed')
      .i('hlt');
    const m = boot(p);
    const tlb = m.processor.tlb;
    runTo(m, p.addr('both'));
    expect(tlb.probe(VPN)).toBeDefined();
    expect(tlb.probe(VB >>> 12)).toBeDefined();
    runTo(m, p.addr('inv'));
    expect(tlb.probe(VPN)).toBeUndefined();
    expect(tlb.probe(VB >>> 12)).toBeDefined();
    expect(tlb.probe(CODE_VPN)).toBeDefined();
    expect(tlb.invalidations).toBe(1);
    const flushesBefore = tlb.flushes;
    runTo(m, p.addr('flushed'));
    expect(tlb.probe(VB >>> 12)).toBeUndefined();
    expect(tlb.flushes).toBe(flushesBefore + 1);
  });

  it('after invlpg the next access walks again', () => {
    const p = pagingOn(new Program()).i('ldw', 2, { base: 7, offset: 0 }).i('invlpg', 7).label('inv').i('ldw', 3, { base: 7, offset: 0 }).label('again').i('hlt');
    const m = boot(p);
    runTo(m, p.addr('inv'));
    expect(costTo(m, p.addr('again'))).toEqual({ misses: 1, walks: 2, writes: 0, lookups: 2 }); // A already set
  });

  it('writing ptbr flushes an untagged TLB', () => {
    const p = pagingOn(new Program()).i('ldw', 2, { base: 7, offset: 0 }).label('filled').i('mtcr', CR.PTBR, 1).label('rewritten').i('hlt');
    const m = boot(p);
    runTo(m, p.addr('filled'));
    const flushes = m.processor.tlb.flushes;
    runTo(m, p.addr('rewritten'));
    expect(m.processor.tlb.flushes).toBe(flushes + 1);
    expect(m.processor.tlb.probe(VPN)).toBeUndefined();
  });

  it('writing ptbr does not flush a tagged TLB', () => {
    const p = pagingOn(new Program()).i('ldw', 2, { base: 7, offset: 0 }).label('filled').i('mtcr', CR.PTBR, 1).label('rewritten').i('hlt');
    const m = boot(p, { tagged: true });
    runTo(m, p.addr('rewritten'));
    expect(m.processor.tlb.flushes).toBe(0);
    expect(m.processor.tlb.probe(VPN)?.frame).toBe(FRAME_A);
  });

  it('writing ptbr without the enable bit turns paging off', () => {
    const p = pagingOn(new Program()).i('ldw', 2, { base: 7, offset: 0 }).i('movi', 1, DIR).i('mtcr', CR.PTBR, 1).i('movi', 7, 0x5000).i('ldw', 3, { base: 7, offset: 0 }).i('hlt');
    const m = boot(p);
    expect(m.run(100).status).toBe('halted');
    expect(m.cpu.regs[2]).toBe(0xaaaa); // through the tables
    expect(m.cpu.regs[3]).toBe(0xaaaa); // physical
    expect(m.processor.mmu.pagingEnabled).toBe(false);
  });

  /** Two address spaces: A (DIR, asid 1): VA -> FRAME_A; B (DIR_2, asid 2): VA -> FRAME_B and
   *  VB -> FRAME_B. The code page is mapped in both. */
  function twoSpaces(m: Machine): void {
    mapAll(m);
    setPde(m, DIR_2, 0, KERNEL_TABLE, V | W | U | A);
    setPde(m, DIR_2, VA, TABLE_2, V | W | U | A);
    setPte(m, TABLE_2, VA, FRAME_B, V | W | U | A);
    setPte(m, TABLE_2, VB, FRAME_B, V | W | U | A);
  }

  function switchProgram(): Program {
    const p = new Program()
      .li(7, VA)
      .li(8, VB)
      .li(1, DIR | PTBR_PAGING)
      .li(2, DIR_2 | PTBR_PAGING)
      .li(3, 1)
      .li(4, 2)
      .i('mtcr', CR.ASID, 3)
      .i('mtcr', CR.PTBR, 1)
      .i('ldw', 10, { base: 7, offset: 0 }) // A: VA
      .i('mtcr', CR.ASID, 4)
      .i('mtcr', CR.PTBR, 2)
      .i('ldw', 11, { base: 8, offset: 0 }) // B: VB (another slot)
      .i('mtcr', CR.ASID, 3)
      .i('mtcr', CR.PTBR, 1)
      .label('back')
      .i('ldw', 12, { base: 7, offset: 0 }) // A: VA again
      .label('again')
      .i('mtcr', CR.ASID, 4)
      .i('mtcr', CR.PTBR, 2)
      .i('ldw', 13, { base: 7, offset: 0 }) // B: the same VA, another frame
      .i('mtcr', CR.ASID, 3)
      .i('mtcr', CR.PTBR, 1)
      .i('ldw', 14, { base: 7, offset: 0 }) // A: VA once more
      .i('hlt');
    return p;
  }

  for (const tagged of [false, true]) {
    it(`two address spaces with the same VA: each sees its own frame (${tagged ? 'tagged' : 'untagged'})`, () => {
      const p = switchProgram();
      const m = boot(p, { tagged, tables: twoSpaces });
      runTo(m, p.addr('back'));
      // back in A: with tags, A's entry for VA survived B's run (B used another slot for data)
      // and the code page was refilled for asid 1 when `mtcr ptbr` itself was fetched: no miss.
      // Without tags the ptbr write flushed everything: the code page and VA walk again.
      expect(m.processor.tlb.probe(VPN) !== undefined).toBe(tagged);
      expect(costTo(m, p.addr('again')).misses).toBe(tagged ? 0 : 2);
      expect(m.run(1000).status).toBe('halted');
      const r = m.cpu.regs;
      expect([r[10], r[11], r[12], r[13], r[14]]).toEqual([0xaaaa, 0xbbbb, 0xaaaa, 0xbbbb, 0xaaaa]);
      expect(m.processor.tlb.flushes).toBe(tagged ? 0 : 5);
    });
  }

  it('a tagged TLB tags entries with the asid written to the asid register', () => {
    const p = switchProgram();
    const m = boot(p, { tagged: true, tables: twoSpaces });
    runTo(m, p.addr('back'));
    const t = m.processor.tlb;
    expect(t.probe(VPN)?.frame).toBe(FRAME_A); // asid 1 is current
    t.setAsid(2);
    expect(t.probe(VB >>> 12)?.frame).toBe(FRAME_B);
    expect(t.probe(VPN)).toBeUndefined();
  });
});

describe('exact TLB figures for a known program', () => {
  it('lookups, hits, misses, walk references, flushes, invalidations and cycles', () => {
    const p = new Program()
      .li(7, VA + 0x10)
      .li(1, DIR | PTBR_PAGING)
      .i('mtcr', CR.PTBR, 1) // untagged: a flush; paging on from the next instruction
      .i('ldw', 2, { base: 7, offset: 0 }) // code miss (2 refs) + data miss (2 refs + A + A)
      .i('ldw', 3, { base: 7, offset: 4 }) // hit
      .i('stw', 2, { base: 7, offset: 8 }) // miss for D (2 refs + D)
      .i('stw', 3, { base: 7, offset: 12 }) // hit
      .i('invlpg', 7)
      .i('ldw', 4, { base: 7, offset: 0 }) // miss (2 refs, nothing to write back)
      .i('hlt');
    const m = boot(p);
    const end = m.run(1000);
    expect(end.status).toBe('halted');
    const t = m.processor.tlb;
    // 7 instructions fetched with paging on + 5 data accesses
    expect({ lookups: t.lookups, hits: t.hits, misses: t.misses, walkReferences: t.walkReferences, walkWrites: t.walkWrites, flushes: t.flushes, invalidations: t.invalidations }).toEqual({
      lookups: 12,
      hits: 8,
      misses: 4,
      walkReferences: 8,
      walkWrites: 3,
      flushes: 1,
      invalidations: 1,
    });
    expect(m.cpu.instructions).toBe(11);
    // extra cycles: 3 ldw + 2 stw + mtcr + invlpg, one each beyond the first
    expect(m.cycles).toBe(11 + 7 + 11 * m.config.costs.events.walkReference);
  });

  // After paging is on: the trapping instruction (fetched from the code page: a miss), maybe
  // its data access, then the handler's hlt (fetched from page 0: a miss).
  const trapping: [string, (p: Program) => Program, { lookups: number; misses: number; walkReferences: number }][] = [
    ['a page fault (data lookup missed, PDE invalid)', (p) => p.i('ldw', 2, { base: 7, offset: 0 }), { lookups: 3, misses: 3, walkReferences: 5 }],
    ['a divide fault', (p) => p.i('div', 2, 2, 0), { lookups: 2, misses: 2, walkReferences: 4 }],
    ['an illegal word', (p) => p.word(0xee000000), { lookups: 2, misses: 2, walkReferences: 4 }],
    ['a misaligned load (no TLB lookup for data)', (p) => p.i('ldw', 2, { base: 7, offset: 2 }), { lookups: 2, misses: 2, walkReferences: 4 }],
    ['sys (retires)', (p) => p.i('sys'), { lookups: 2, misses: 2, walkReferences: 4 }],
  ];
  it.each(trapping)('an instruction that traps was still fetched through the TLB: %s', (_, body, figures) => {
    const p = body(new Program().li(7, 0x00800000).li(1, DIR | PTBR_PAGING).i('mtcr', CR.PTBR, 1));
    const m = boot(p);
    expect(m.run(1000).status).toBe('halted');
    const t = m.processor.tlb;
    expect({ lookups: t.lookups, misses: t.misses, walkReferences: t.walkReferences }).toEqual(figures);
    expect(t.hits).toBe(0);
  });

  it('no TLB activity at all with paging off', () => {
    const p = new Program().i('ldw', 2, { base: 7, offset: 0 }).i('stw', 2, { base: 7, offset: 4 }).i('hlt');
    const m = boot(p);
    m.cpu.regs[7] = 0x4000;
    m.run(100);
    const t = m.processor.tlb;
    expect([t.lookups, t.misses, t.walkReferences]).toEqual([0, 0, 0]);
  });
});
