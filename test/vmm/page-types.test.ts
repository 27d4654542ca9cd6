// The validator of direct paging (src/vmm/modes/para/page-types.ts) against a reference, in
// the spirit of kvm-unit-tests' access test: every entry kind (a page-table entry, a
// directory entry) x every owner of the frame it names (the guest's own, the frame just
// below and just above its memory, one far beyond the host's) x every permission (not
// present, read-only, writable) x every role of that frame (an ordinary page, the table
// itself, another table, a directory, a read-only page of the VMM), then long random
// sequences of pins, unpins and updates. The reference recomputes from scratch which frames
// are tables and which are mapped writable, and accepts an operation exactly when the
// configuration after it keeps the rules (docs/hypercalls.md, "Cooperative page tables"),
// with, for an update, the entry's old value still counted: as in Xen, the new entry takes
// its references before the old one drops its own.

import { describe, expect, it } from 'vitest';
import { PTE } from '../../src/isa/arch.js';
import { ERR, PageType, PageTypes } from '../../src/vmm/modes/para/page-types.js';

const HOST_FRAMES = 64;
const FIRST = 16; // the guest's machine frames: FIRST .. FIRST + FRAMES - 1
const FRAMES = 16;
const FIXED = 15; // pseudo-physical frame the VMM keeps read-only (as start-info)

interface World {
  words: Int32Array;
  types: PageTypes;
  pinned: Set<number>; // pfns
}

const mfn = (pfn: number) => FIRST + pfn;
const memoryOf = (words: Int32Array) => ({ words, write32: (address: number, value: number) => void (words[address >>> 2] = value) });
const pfnOf = (m: number) => (m >= FIRST && m < FIRST + FRAMES ? m - FIRST : -1);
const entryAddress = (pfn: number, i: number) => (mfn(pfn) << 12) + i * 4;

function world(): World {
  const words = new Int32Array((HOST_FRAMES * 4096) / 4);
  const types = new PageTypes(memoryOf(words), pfnOf, mfn, FRAMES);
  types.fix(FIXED);
  return { words, types, pinned: new Set() };
}

const word = (w: World, pfn: number, i: number) => w.words[(mfn(pfn) << 10) + i]!;
const setWord = (w: World, pfn: number, i: number, v: number) => (w.words[(mfn(pfn) << 10) + i] = v);

/** The rules, recomputed from memory and the pinned set (and one more entry of table
 *  `extra.pfn`, when given): every frame's type and count, or why the configuration breaks
 *  them. */
function reference(w: World, extra?: { pfn: number; value: number }): { type: number[]; count: number[] } | string {
  const entries = (pfn: number) => {
    const out: number[] = [];
    for (let i = 0; i < 1024; i++) out.push(word(w, pfn, i));
    if (extra && extra.pfn === pfn) out.push(extra.value);
    return out;
  };
  const type = new Array<number>(FRAMES).fill(PageType.None);
  const count = new Array<number>(FRAMES).fill(0);
  type[FIXED] = PageType.Fixed;
  const l1s = new Set<number>();
  for (const d of w.pinned) {
    if (type[d] !== PageType.None) return `directory ${d} is also ${type[d]}`;
    type[d] = PageType.L2;
    count[d] = 1;
  }
  for (const d of w.pinned) {
    for (const [i, e] of entries(d).entries()) {
      if (!(e & PTE.V)) continue;
      const t = pfnOf(e >>> 12);
      if (t < 0) return `directory ${d} entry ${i} names a foreign frame`;
      if (type[t] === PageType.L2 || type[t] === PageType.Fixed) return `directory ${d} entry ${i} names a directory or fixed page as a table`;
      type[t] = PageType.L1;
      count[t]!++;
      l1s.add(t);
    }
  }
  for (const t of l1s) {
    for (const [i, e] of entries(t).entries()) {
      if (!(e & PTE.V)) continue;
      const f = pfnOf(e >>> 12);
      if (f < 0) return `table ${t} entry ${i} names a foreign frame`;
      if (!(e & PTE.W)) continue;
      if (type[f] !== PageType.None && type[f] !== PageType.Writable) return `table ${t} entry ${i} maps a table or fixed page writable`;
      type[f] = PageType.Writable;
      count[f]!++;
    }
  }
  return { type, count };
}

/** The validator's state, as the reference states it. */
function actual(w: World): { type: number[]; count: number[] } {
  const type: number[] = [];
  const count: number[] = [];
  for (let p = 0; p < FRAMES; p++) {
    const t = w.types.typeOf(p);
    type.push(p === FIXED ? PageType.Fixed : t);
    count.push(p === FIXED ? 0 : t === PageType.None ? 0 : w.types.count[p]!);
  }
  return { type, count };
}

/** Memory, types, counts and pins, as a string to compare (memory by a hash: it is large). */
function snapshot(w: World): string {
  let h = 0;
  const words = w.words;
  for (let i = 0; i < words.length; i++) h = (Math.imul(h, 31) + words[i]!) | 0;
  return `${h} ${w.types.type.join()} ${w.types.count.join()} ${w.types.pinned.join()}`;
}

/** Do `op` if the reference accepts the state after it; the validator must agree, and leave
 *  everything as it was when it refuses. */
function check(w: World, label: string, op: () => number, after: () => void, undo: () => void, old?: { pfn: number; value: number }): number {
  const before = snapshot(w);
  after();
  const during = old ? reference(w, old) : undefined;
  const want = typeof during === 'string' ? during : reference(w);
  undo();
  const result = op();
  if (typeof want === 'string') {
    expect(result, `${label}: the reference refuses (${want}); the validator returned ${result} (${w.types.why})`).toBeLessThan(0);
    expect(snapshot(w), `${label}: a refused operation leaves nothing behind`).toEqual(before);
  } else {
    expect(result, `${label}: the reference accepts; the validator refused: ${w.types.why}`).toBe(0);
    expect(actual(w), `${label}: types and counts`).toEqual(want);
  }
  return result;
}

function update(w: World, label: string, pfn: number, i: number, value: number): number {
  const old = word(w, pfn, i);
  return check(w, label, () => w.types.update(entryAddress(pfn, i), value), () => setWord(w, pfn, i, value), () => setWord(w, pfn, i, old), { pfn, value: old });
}

function pin(w: World, label: string, pfn: number): number {
  const r = check(w, label, () => w.types.pin(mfn(pfn)), () => w.pinned.add(pfn), () => w.pinned.delete(pfn));
  if (r === 0) w.pinned.add(pfn);
  return r;
}

function unpin(w: World, pfn: number): number {
  const r = w.types.unpin(mfn(pfn));
  if (r === 0) w.pinned.delete(pfn);
  const want = reference(w);
  expect(typeof want === 'string' ? want : actual(w)).toEqual(want);
  return r;
}

describe('the direct-paging validator against its reference', () => {
  const OWNERS: [string, number][] = [
    ['its own frame', mfn(5)],
    ['the frame below its memory', FIRST - 1],
    ['the frame past its end', FIRST + FRAMES],
    ['a frame far beyond the host', 0xfffff],
  ];
  const PERMS: [string, number][] = [
    ['not present', 0],
    ['read-only', PTE.V | PTE.U],
    ['writable', PTE.V | PTE.W | PTE.U],
  ];
  // Roles of the frame an entry names: set up in a fresh world with directory 0 pinned and
  // table 1 named by its entry 0.
  const DIR = 0;
  const TABLE = 1;
  const ROLES: [string, number][] = [
    ['an ordinary page', 5],
    ['the table being written', TABLE],
    ['another page table', 2],
    ['the pinned directory', DIR],
    ['the VMM\'s read-only page', FIXED],
  ];

  function base(): World {
    const w = world();
    setWord(w, DIR, 0, (mfn(TABLE) << 12) | PTE.V | PTE.W | PTE.U);
    setWord(w, DIR, 1, (mfn(2) << 12) | PTE.V | PTE.W | PTE.U);
    expect(pin(w, 'the directory', DIR)).toBe(0);
    return w;
  }

  for (const [kind, table, index] of [['a page-table entry', TABLE, 7], ['a directory entry', DIR, 9]] as const) {
    for (const [owner, target] of OWNERS) {
      for (const [perm, bits] of PERMS) {
        it(`${kind} naming ${owner}, ${perm}`, () => {
          const w = base();
          update(w, `${kind} -> ${owner}, ${perm}`, table, index, (target << 12) | bits);
        });
      }
    }
    for (const [role, target] of ROLES) {
      for (const [perm, bits] of PERMS) {
        it(`${kind} naming ${role}, ${perm}`, () => {
          const w = base();
          update(w, `${kind} -> ${role}, ${perm}`, table, index, (mfn(target) << 12) | bits);
        });
      }
    }
  }

  it('an entry address outside the guest, misaligned, or in a page that is no table in use is refused', () => {
    const w = base();
    expect(w.types.update((FIRST - 1) << 12, 0)).toBe(ERR.EPERM);
    expect(w.types.update(entryAddress(TABLE, 0) + 2, 0)).toBe(ERR.EINVAL);
    expect(w.types.update(entryAddress(5, 0), 0)).toBe(ERR.EINVAL);
    expect(w.types.update(entryAddress(FIXED, 0), 0)).toBe(ERR.EINVAL);
  });

  it('pinning: a directory mapped writable, one naming foreign frames, twice; unpinning what is not pinned', () => {
    const w = base();
    // table 1 maps frame 3 writable: 3 cannot be pinned
    update(w, 'map 3 writable', TABLE, 3, (mfn(3) << 12) | PTE.V | PTE.W);
    pin(w, 'pin a writable page', 3);
    // frame 4 names a foreign table: refused, and frame 6 (its other entry) is left untyped
    setWord(w, 4, 0, (mfn(6) << 12) | PTE.V);
    setWord(w, 4, 1, ((FIRST - 1) << 12) | PTE.V);
    pin(w, 'pin a directory naming a foreign table', 4);
    expect(w.types.typeOf(6)).toBe(PageType.None);
    expect(w.types.pin(mfn(DIR))).toBe(ERR.EINVAL);
    expect(w.types.unpin(mfn(7))).toBe(ERR.EINVAL);
    expect(w.types.unpin(FIRST + FRAMES)).toBe(ERR.EPERM);
    // a table that maps itself writable, or a directory naming itself: refused
    setWord(w, 8, 0, (mfn(8) << 12) | PTE.V);
    pin(w, 'a directory naming itself as its table', 8);
    setWord(w, 9, 0, (mfn(10) << 12) | PTE.V);
    setWord(w, 10, 0, (mfn(10) << 12) | PTE.V | PTE.W);
    pin(w, 'a table mapping itself writable', 9);
    expect(unpin(w, DIR)).toBe(0);
    expect(actual(w).count.every((c) => c === 0)).toBe(true); // every reference dropped
  });

  it('a page the VMM writes (shared-info, the ring) is writable for good: never a table, whatever maps it', () => {
    const w = base();
    w.types.keepWritable(6);
    expect(w.types.update(entryAddress(TABLE, 4), (mfn(6) << 12) | PTE.V | PTE.U)).toBe(0); // mapped: fine
    expect(w.types.update(entryAddress(TABLE, 5), (mfn(6) << 12) | PTE.V | PTE.W | PTE.U)).toBe(0);
    expect(w.types.update(entryAddress(DIR, 5), (mfn(6) << 12) | PTE.V)).toBe(ERR.EPERM);
    expect(w.types.pin(mfn(6))).toBe(ERR.EPERM);
    expect(w.types.typeOf(6)).toBe(PageType.Writable);
  });

  it('a disk read in flight keeps its frames from becoming tables (EBUSY)', () => {
    const words = new Int32Array((HOST_FRAMES * 4096) / 4);
    const types = new PageTypes(memoryOf(words), pfnOf, mfn, FRAMES, (pfn) => pfn === 3);
    expect(types.pin(mfn(3))).toBe(ERR.EBUSY);
    expect(types.pin(mfn(4))).toBe(0);
  });

  it('20,000 random pins, unpins and updates: every answer as the reference\'s, counts always recomputable', () => {
    let seed = 12345;
    const next = (n: number) => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) % n;
    };
    const w = world();
    let accepted = 0;
    for (let step = 0; step < 20_000; step++) {
      const kind = next(10);
      const p = next(FRAMES);
      if (kind === 0) {
        if (w.pinned.has(p)) unpin(w, p);
        else if (pin(w, `step ${step}: pin ${p}`, p) === 0) accepted++;
        continue;
      }
      // an entry of a table in use (or of any page: then EINVAL), naming a random frame
      const owner = next(8) === 0 ? [FIRST - 1, FIRST + FRAMES, 0xfffff][next(3)]! : mfn(next(FRAMES));
      const bits = [0, PTE.V, PTE.V | PTE.W, PTE.V | PTE.W | PTE.U][next(4)]!;
      const i = next(4);
      const inUse = w.types.typeOf(p) === PageType.L1 || w.types.typeOf(p) === PageType.L2;
      if (!inUse) {
        const before = snapshot(w);
        expect(w.types.update(entryAddress(p, i), (owner << 12) | bits)).toBe(ERR.EINVAL);
        expect(snapshot(w)).toEqual(before);
        continue;
      }
      if (update(w, `step ${step}: frame ${p} entry ${i} = ${owner.toString(16)}|${bits}`, p, i, (owner << 12) | bits) === 0) accepted++;
    }
    expect(accepted).toBeGreaterThan(2000); // the walk does reach states worth checking
  });
});
