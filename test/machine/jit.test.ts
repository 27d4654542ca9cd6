// The block compiler must not change anything a program can see or a student can measure:
// every guest, run with and without it, ends in the same state with the same counts and
// TLB figures. Random programs stress the corners (traps inside blocks, self-loops,
// self-modifying code, slices that end mid-loop).

import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { COMPARE_FLAGS, INSTRUCTIONS } from '../../src/isa/table.js';
import { HOT_THRESHOLD } from '../../src/machine/interpreter.js';
import { BlockCache } from '../../src/machine/jit.js';
import { Machine } from '../../src/machine/machine.js';
import { assemble, assembleText, bareState, guestPath, OPTIONS, portLoop, readDisk, selfPatchingLoop } from '../support/guests.js';

/** A guest interpreted, compiled, and compiled with its blocks joining regions as soon as
 *  they can (regionHeat just past HOT_THRESHOLD: every region build the code allows). */
function withAndWithout(image: ReturnType<typeof assemble>, options: Parameters<typeof bareState>[1] = {}) {
  const jit = bareState(image, { ...options, jit: true });
  const regions = bareState(image, { ...options, jit: true, regionHeat: HOT_THRESHOLD + 1 });
  const interpreted = bareState(image, { ...options, jit: false });
  return { jit, regions, interpreted };
}

/** A guest that runs `body` in supervisor mode with paging on: the first 512 KiB mapped to
 *  themselves (the bench's paging.inc), its tables at 0x7e000 and 0x7f000. */
function pagedGuest(body: string) {
  return assembleText(`
      .include "../include/paravirt.inc"
      .include "../bench/paging.inc"
      start:  identity_paging 0x7e000, 0x7f000, 128
${body}`);
}

/** What a program can see and a student can measure (not what was compiled). */
function state({ blocks: _b, regions: _r, ...seen }: ReturnType<typeof bareState>) {
  return seen;
}

/** All three runs agree. */
function expectSame(r: ReturnType<typeof withAndWithout>) {
  expect(state(r.jit)).toEqual(state(r.interpreted));
  expect(state(r.regions)).toEqual(state(r.interpreted));
}

/** A guest that calls a straight run of `length` instructions (no branch) `calls` times,
 *  after `prelude`. */
function straightRunCalled(length: number, calls: number, prelude = '') {
  const body = Array.from({ length }, (_, i) => ['addi r1, r1, 3', 'xor r2, r2, r1', 'shli r3, r2, 1', 'add r1, r1, r3'][i % 4]).join('\n');
  return assembleText(`
      .include "../include/paravirt.inc"
      start:  ${prelude}
              li r10, ${calls}
      .outer: call body
              subi r10, r10, 1
              cmpi r10, 0
              bne .outer
              hlt
      body:
${body}
              ret`);
}

/** Supervisor code that sets IE, staying in supervisor mode, each way it can, going on at
 *  the label `after` (the rfe's spc). */
const RETURNS_WITH_IE = {
  rfe: ['la r2, after', 'mtcr spc, r2', 'movi r2, FLAG_S | FLAG_IE', 'mtcr sflags, r2', 'rfe'],
  sti: ['sti'],
  setf: ['movi r2, FLAG_S | FLAG_IE', 'setf r2'],
};

describe('block compiler: same results as the interpreter', () => {
  const guests: [string, ReturnType<typeof assemble>, Parameters<typeof bareState>[1]][] = [
    ['primes', assemble(guestPath('bare', 'primes.s')), {}],
    ['sieve (paging on, user mode)', assemble(guestPath('bench', 'sieve.s'), { ROUNDS: 2 }), {}],
    ['tinyos with a disk', assemble(guestPath('kernel', 'tinyos.s')), { disk: readDisk('kernel/disk.txt') }],
    ['kread attack', assemble(guestPath('attack', 'kread.s')), {}],
    ['sieve with a tiny tagged TLB', assemble(guestPath('bench', 'sieve.s'), { ROUNDS: 1 }), { tlbSize: 2, tlbTagged: true }],
    // blocks that follow calls and fall through branches (side exits), jump tables, a timer
    ['fib (calls and returns)', assemble(guestPath('bench', 'fib.s'), { N: 14 }), {}],
    ['dispatch (a jump table; supervisor mode)', assemble(guestPath('bench', 'dispatch.s'), { ITER: 3000, SUPERVISOR: 1 }), {}],
    ['tasks (two tasks on a timer, data on the code page)', assemble(guestPath('bench', 'tasks.s'), { PRIMES: 700, COLLATZ: 300, QUANTUM: 97, SHARED: 1 }), {}],
  ];
  for (const [name, image, options] of guests) {
    it(name, () => {
      const r = withAndWithout(image, options);
      expect(r.jit.blocks).toBeGreaterThan(0);
      expect(r.regions.regions).toBeGreaterThan(0);
      expect(r.interpreted.blocks).toBe(0);
      expectSame(r);
    });
  }

  it('slices that end inside a hot loop stop at the exact instruction', () => {
    const image = assembleText(`
      start:  li r1, 100000
      .loop:  subi r1, r1, 1
              cmpi r1, 0
              bne .loop
              hlt`);
    for (const limit of [1, 17, 1000, 12345, 99999]) {
      const r = withAndWithout(image, { maxInstructions: limit });
      expect(r.jit.end.status).toBe('limit');
      expectSame(r);
    }
  });

  it('traps taken inside hot blocks count the same (paging off and on)', () => {
    // A handler that returns straight to a loop of sys: every pass traps inside a block.
    const body = `
              la r1, handler
              mtcr tvec, r1
              li r2, 300
      .loop:  sys
              subi r2, r2, 1
              cmpi r2, 0
              bne .loop
              hlt
      handler: mfcr r3, spc
              mtcr spc, r3
              rfe`;
    const image = assembleText(`start:${body}`);
    const r = withAndWithout(image);
    expect(r.jit.tlb).toEqual({ lookups: 0, misses: 0, flushes: 0, walks: 0 });
    expectSame(r);
    expectSame(withAndWithout(assemble(guestPath('bench', 'sieve.s'), { ROUNDS: 1 })));
  });

  it('code that rewrites itself runs the new instructions', () => {
    const image = selfPatchingLoop();
    const r = withAndWithout(image);
    expect(r.jit.regs[2]).toBe(100 + 2 * 200);
    expectSame(r);
  });

  it('data written beside code drops no block; a write into a block drops that block only, and it is compiled again', () => {
    // a loop that stores to a word on its own code page every pass, then patches one word of
    // a second loop on the same page once: the first loop's block stays (one compile), the
    // second loop's block is compiled again after the patch
    const image = assembleText(`
      start:  li r1, 5000
              la r4, counter
      .loop:  stw r1, [r4]
              subi r1, r1, 1
              cmpi r1, 0
              bne .loop
              li r2, 0
              li r3, 400
      .two:   addi r2, r2, 1
              subi r3, r3, 1
              cmpi r3, 200
              bne .skip
              la r5, .two
              la r6, patch
              ldw r6, [r6]
              stw r6, [r5]
      .skip:  cmpi r3, 0
              bne .two
              hlt
      patch:  addi r2, r2, 2
      counter: .word 0`);
    const r = withAndWithout(image);
    expect(r.jit.regs[2]).toBe(200 + 2 * 200);
    expectSame(r);
    expect(r.jit.blocks).toBeLessThanOrEqual(8);
    expect(r.regions.regions).toBeGreaterThan(0);
  });

  // A loop with a diamond: a forward branch over one side to a word the other side jumps to.
  const diamond = (count: number, arm: string) =>
    assembleText(`
      start:  li r1, ${count}
              movi r2, 0
              movi r3, 0
      .loop:  andi r4, r1, 1
              cmpi r4, 0
              beq .even
              addi r2, r2, 3
              jmp .join
      .even:
      ${arm}
      .join:  subi r1, r1, 1
              cmpi r1, 0
              bne .loop
              hlt`);

  it('a forward branch whose taken side rejoins the path is compiled with it (one block, no side exit)', () => {
    const image = diamond(5000, 'addi r3, r3, 1');
    const r = withAndWithout(image);
    expect(r.jit.regs[2]).toBe(3 * 2500);
    expect(r.jit.regs[3]).toBe(2500);
    expectSame(r);
    // the loop is one block: its taken side (.even) never becomes a block of its own
    expect(r.jit.blocks).toBe(1);
  });

  it('a large loop whose slices end inside its blocks does not make a block at each word where one ends', () => {
    // A body of 1,000 instructions, called 300 times, under a masked timer of period 997:
    // every slice ends inside a block, where the words it covers are interpreted one after
    // another up to the limit. They count no run (only entries do): 18 blocks (counting every
    // run, a block began at nearly every such word: 911).
    const image = straightRunCalled(1000, 300, 'li r1, 997\n out TIMER_PERIOD, r1');
    const r = withAndWithout(image);
    expectSame(r);
    expect(r.jit.blocks).toBeLessThanOrEqual(40);
  });

  it('code that rewrites an instruction of its loop every pass is compiled again ever more rarely', () => {
    // Each pass stores a new immediate into the loop's addi, dropping the loop's block; a slot
    // dropped again waits twice as many entries as the last time before it is compiled again
    // (up to 2,048). 20,000 passes: 19 blocks (once one every other pass: 32,455).
    const image = assembleText(`
      start:  li r10, 20000
              movi r1, 0
              la r9, .patch
              ldw r8, [r9]
      .loop:  andi r5, r10, 0xff
              or r6, r8, r5
              stw r6, [r9]
              xor r2, r2, r1
      .patch: addi r1, r1, 0
              subi r10, r10, 1
              cmpi r10, 0
              bne .loop
              hlt`);
    const r = withAndWithout(image);
    expectSame(r);
    expect(r.jit.blocks).toBeLessThan(200);
  });

  it('a taken side that ends in a return is compiled with the block that branches to it', () => {
    const image = assembleText(`
      start:  li r5, 3000
              movi r6, 0
      .loop:  mov r1, r5
              call f
              add r6, r6, r1
              subi r5, r5, 1
              cmpi r5, 0
              bne .loop
              hlt
      f:      cmpi r1, 1000
              blt .small
              addi r1, r1, 7
              ret
      .small: subi r1, r1, 7
              ret`);
    const r = withAndWithout(image);
    expect(r.jit.regs[6]).toBe(((3000 * 3001) / 2 + 7 * 2001 - 7 * 999) | 0);
    expectSame(r);
    // two blocks: the call with f and both its returns; and the loop's tail after the return
    expect(r.jit.blocks).toBe(2);
  });

  it('a slice ends at the exact instruction inside a diamond whose arm is longer than the path it skips', () => {
    // (3,000 passes of 8 or 14 instructions: 33,004 in all)
    const image = diamond(3000, Array.from({ length: 8 }, () => 'addi r3, r3, 1').join('\n'));
    for (const limit of [1, 18, 19, 20, 1001, 2345, 23456]) {
      const r = withAndWithout(image, { maxInstructions: limit });
      expect(r.jit.end.status).toBe('limit');
      expectSame(r);
    }
    expectSame(withAndWithout(image));
  });

  it('a store into the arm of a compiled diamond drops its block, and the new instruction runs', () => {
    // halfway (after the pass with r1 = 2000), the loop rewrites its arm's instruction: addi
    // r3, r3, 1 (run for the even r1 from 4000 to 2000) becomes addi r3, r3, 100 (1998 to 2)
    const image = assembleText(`
      start:  li r1, 4000
              movi r2, 0
              movi r3, 0
              la r6, .arm
              la r7, patch
              ldw r7, [r7]
      .loop:  andi r4, r1, 1
              cmpi r4, 0
              beq .arm
              addi r2, r2, 3
              jmp .join
      .arm:   addi r3, r3, 1
      .join:  cmpi r1, 2000
              bne .next
              stw r7, [r6]
      .next:  subi r1, r1, 1
              cmpi r1, 0
              bne .loop
              hlt
      patch:  addi r3, r3, 100`);
    const r = withAndWithout(image);
    expect(r.jit.regs[3]).toBe(1001 + 100 * 999);
    expectSame(r);
  });

  it('stores to data beside compiled code (interpreted or compiled) never reach the code caches', () => {
    // the loop's counter lives between its instructions: 5,000 stores, none to a word any
    // block was made from (PhysicalMemory.codeWords), so onCodeWrite is never asked
    const image = assembleText(`
      start:  li r1, 5000
              la r4, counter
              jmp loop
      counter: .word 0
      loop:   stw r1, [r4]
              subi r1, r1, 1
              cmpi r1, 0
              bne loop
              ldw r2, [r4]
              hlt`);
    for (const regionHeat of [undefined, HOT_THRESHOLD + 1]) {
      const m = new Machine({ ...OPTIONS, regionHeat }, { console: { putByte() {} } });
      m.load(image);
      const memory = m.processor.memory;
      let asked = 0;
      const onCodeWrite = memory.onCodeWrite;
      memory.onCodeWrite = (frame, first, last) => (asked++, onCodeWrite(frame, first, last));
      m.run(1e6);
      expect(m.cpu.regs[2]).toBe(1);
      expect(m.processor.blocksCompiled).toBeGreaterThan(0);
      expect(memory.codeFrames[0]).toBe(1);
      expect(asked).toBe(0);
    }
  });

  it('a straight run of hot code becomes one block, not one per word', () => {
    // the block made where the run starts is entered at once; interpreting on, each next
    // word (as hot) would start a block of its own, one word shorter
    const image = assembleText(`
      start:  li r1, 100
      warm:   subi r1, r1, 1                ; (a first block: the page has its table)
              cmpi r1, 0
              bne warm
              li r1, 100
              movi r2, 0
      loop:
${Array.from({ length: 20 }, () => '              addi r2, r2, 1').join('\n')}
              subi r1, r1, 1
              cmpi r1, 0
              bne loop
              hlt`);
    const m = new Machine(OPTIONS, { console: { putByte() {} } });
    m.load(image);
    m.run(1e6);
    expect(m.cpu.regs[2]).toBe(2000);
    expect(m.processor.blocksCompiled).toBe(2);
  });

  it('a straight run longer than a block is compiled whole once its first block is: each full block brings the next', () => {
    // 200 words, called 20 times: the first block is made at the 16th call; falling through
    // into the next counts no arrival, so without CHAIN, one more block every 16 calls
    const image = straightRunCalled(200, 20);
    const m = new Machine(OPTIONS, { console: { putByte() {} } });
    m.load(image);
    m.run(1e6);
    expect(state(bareState(image, { jit: true }))).toEqual(state(bareState(image, { jit: false })));
    const blocks = (m.processor as unknown as { blockCaches: BlockCache[] }).blockCaches[0]!;
    // (blocks of 64, 64, 64 and 8 words and the ret; the outer loop's)
    expect(blocks.blocksIn(0)).toBeGreaterThanOrEqual(4);
    expect(m.cpu.regs[10]).toBe(0);
  });

  it('the word after a sensitive instruction that the probe variant interprets is compiled with the block before it', () => {
    // (trap mode runs a guest kernel's getf deprivileged: the probe variant leaves it to the
    // interpreter, and the code after it was reached only by falling through: never hot)
    const image = assembleText(`
      start:  li r10, 2000
              movi r2, 0
      loop:   getf r1
              addi r2, r2, 1
              xor r3, r2, r1
              add r4, r4, r3
              subi r10, r10, 1
              cmpi r10, 0
              bne loop
              hlt`);
    const m = new Machine(OPTIONS, { console: { putByte() {} } });
    m.load(image);
    while (!m.cpu.halted) m.processor.run(m.cpu.instructions + 1000, true);
    expect(m.cpu.regs[2]).toBe(2000);
    expect(m.cpu.instructions).toBe(bareState(image, { jit: false }).instructions);
    expect(m.processor.blocksCompiled).toBe(1);
  });

  it('mtcr of a register that does not change translation stays in compiled code; a ptbr write leaves the loop', () => {
    // (the machine's loop is entered once per slice and again after each exit of the CPU's)
    const loop = (cr: string) =>
      assembleText(`
      start:  li r1, 2000
      loop:   shli r3, r1, 1              ; (even: a ptbr without paging)
              mtcr ${cr}, r3
              subi r1, r1, 1
              cmpi r1, 0
              bne loop
              mfcr r2, ${cr}
              hlt`);
    const entries = (cr: string): number => {
      const m = new Machine(OPTIONS, { console: { putByte() {} } });
      m.load(loop(cr));
      const run = m.processor.run.bind(m.processor);
      let count = 0;
      m.processor.run = (limit, probe, world) => (count++, run(limit, probe, world));
      const end = m.run(1e6);
      expect(`${end.status}: ${end.reason}`).toMatch(/^halted/);
      return count;
    };
    expect(entries('scratch')).toBeLessThan(10);
    expect(entries('sflags')).toBeLessThan(10);
    expect(entries('ptbr')).toBeGreaterThanOrEqual(2000);
  });

  // rfe, sti and setf write FLAGS whole: the CPU leaves its loop only when that lets an
  // interrupt in (Machine.flagsWritten); else it goes on, in the new mode's permissions.
  it('rfe, sti and setf that let no interrupt in stay in the loop, in interpreted and compiled code', () => {
    // 2000 system calls from user mode; the handler turns IE on and off, writes FLAGS with
    // setf (staying in supervisor mode) and returns with rfe; then 2000 rfe's from
    // supervisor mode back into supervisor mode.
    const image = assembleText(`
      .include "../include/platform.inc"
      start:  la r1, handler
              mtcr tvec, r1
              li r1, 2000
              la r2, user
              mtcr spc, r2
              movi r2, FLAG_IE
              mtcr sflags, r2
              rfe
      user:   sys
              subi r1, r1, 1
              cmpi r1, 0
              bne user
              sys
      handler: cmpi r1, 0
              beq kernel
              addi r9, r9, 1
              sti
              cli
              getf r3
              setf r3
              rfe
      kernel: li r1, 2000
      again:  la r2, back
              mtcr spc, r2
              movi r2, FLAG_S
              mtcr sflags, r2
              rfe
      back:   addi r10, r10, 1
              subi r1, r1, 1
              cmpi r1, 0
              bne again
              hlt`);
    for (const options of [{ jit: false }, { jit: true }, { jit: true, regionHeat: HOT_THRESHOLD + 1 }]) {
      const m = new Machine({ ...OPTIONS, ...options }, { console: { putByte() {} } });
      m.load(image);
      const run = m.processor.run.bind(m.processor);
      let entries = 0;
      m.processor.run = (limit, probe, world) => (entries++, run(limit, probe, world));
      const end = m.run(1e6);
      expect(`${end.status}: ${end.reason}`).toMatch(/^halted/);
      expect([m.cpu.regs[9], m.cpu.regs[10]]).toEqual([2000, 2000]);
      expect(entries).toBeLessThan(10);
    }
    const r = withAndWithout(image);
    expectSame(r);
  });

  it('after rfe or setf into user mode, the next access has user permissions (the loop, a block and a region alike)', () => {
    // Page 0x50 is the kernel's alone. 300 times, the kernel loads from it (its TLB entry is
    // filled), drops to user mode (by setf on odd passes, by rfe on even ones) and loads from
    // it again: each second load faults, and the handler counts the faults whose cause and
    // pc are that load's.
    const image = pagedGuest(`
              li r1, 0x7f000 + 0x50 * 4
              li r2, 0x50000 | PTE_V | PTE_W
              stw r2, [r1]
              la r1, handler
              mtcr tvec, r1
              li r11, 0x50000
              li r10, 300
      again:  ldw r4, [r11]             ; (the kernel's own load: the page's entry is in the TLB)
              andi r1, r10, 1
              cmpi r1, 0
              beq byrfe
              movi r3, 0
              setf r3
      load1:  ldw r4, [r11]
              hlt
      byrfe:  la r2, load2
              mtcr spc, r2
              movi r2, 0
              mtcr sflags, r2
              rfe
      load2:  ldw r4, [r11]
              hlt
      handler: mfcr r5, cause
              mfcr r6, spc
              la r2, load1
              cmp r6, r2
              beq at
              la r2, load2
              cmp r6, r2
              bne stop
      at:     cmpi r5, CAUSE_PAGE_READ
              bne stop
              addi r7, r7, 1
              subi r10, r10, 1
              cmpi r10, 0
              bne again
      stop:   hlt`);
    const r = withAndWithout(image);
    expect(`${r.interpreted.end.status}: ${r.interpreted.end.reason}`).toMatch(/^halted/);
    expect(r.interpreted.regs[7]).toBe(300);
    expect(r.regions.regions).toBeGreaterThan(0);
    expectSame(r);
  });

  it('an interrupt pending while IE was clear is taken right after the rfe, sti or setf that sets IE', () => {
    // The timer's line is pending (IE clear) when the kernel returns with IE set: the
    // interrupt comes before the next instruction runs, its spc that instruction's pc.
    for (const how of Object.values(RETURNS_WITH_IE)) {
      const image = assembleText(`
      .include "../include/platform.inc"
      start:  la r1, handler
              mtcr tvec, r1
              li r1, ~(1 << IRQ_TIMER)
              out PIC_MASK, r1
              li r1, 10
              out TIMER_PERIOD, r1
              li r1, 100
      wait:   subi r1, r1, 1
              cmpi r1, 0
              bne wait
              ${how.join('\n              ')}
      after:  movi r3, 3
              hlt
      handler: mfcr r4, cause
              mfcr r5, spc
              hlt`);
      const r = withAndWithout(image);
      expect(r.interpreted.regs[3]).toBe(0);
      expect(r.interpreted.regs[4]).toBe(0x10); // CAUSE_IRQ_BASE + IRQ_TIMER
      expect(r.interpreted.regs[5]).toBe(image.symbols.find((sym) => sym.name === 'after')!.value);
      expectSame(r);
    }
  });

  it("a console line acknowledged while input is left is raised again, and taken right after the rfe, sti or setf that sets IE", () => {
    // The console's line is level-triggered: the devices catch up when FLAGS is written with
    // IE set, as when the CPU returned to the machine, so the interrupt is not left waiting
    // for the slice's end. Then a handler that reads a byte, acknowledges and returns takes
    // every byte of the input at once (five bytes: well under a thousand instructions).
    const input = new TextEncoder().encode('abcde');
    for (const how of Object.values(RETURNS_WITH_IE)) {
      const image = assembleText(`
      .include "../include/platform.inc"
      start:  la r1, first
              mtcr tvec, r1
              li r1, ~(1 << IRQ_CONSOLE)
              out PIC_MASK, r1
              movi r1, 1
              out CONSOLE_CTRL, r1
              movi r1, IRQ_CONSOLE
              out PIC_ACK, r1
              ${how.join('\n              ')}
      after:  hlt
      first:  mfcr r5, spc
              la r1, handler
              mtcr tvec, r1
              sti
      loop:   cmpi r6, 5
              bne loop
              hlt
      handler: in r7, CONSOLE_DATA
              addi r6, r6, 1
              movi r1, IRQ_CONSOLE
              out PIC_ACK, r1
              rfe`);
      const r = withAndWithout(image, { input });
      expect(r.interpreted.regs[5]).toBe(image.symbols.find((sym) => sym.name === 'after')!.value);
      expect(r.interpreted.regs[6]).toBe(5);
      expect(r.interpreted.instructions).toBeLessThan(1000);
      expectSame(r);
    }
  });

  // An `out` or an `in` that changes nothing run() looks at between slices stays in the loop
  // (and in compiled code); one that makes a device due sooner, or lets an interrupt in,
  // leaves at once, so the interrupt comes at the exact instruction. (The `in`s read the
  // timer's clock and the disk's status: polling.)
  it('an out, or an in, that changes nothing the machine schedules does not end the slice', () => {
    for (const [image, jit] of [portLoop(20000), portLoop(20000, 'in r2, 0x22'), portLoop(20000, 'in r2, 0x34')].flatMap((i) => [[i, true], [i, false]] as const)) {
      const m = new Machine({ ...OPTIONS, jit }, { console: { putByte() {} } });
      m.load(image);
      const run = m.processor.run.bind(m.processor);
      let slices = 0;
      m.processor.run = (limit, probe, world) => (slices++, run(limit, probe, world));
      expect(m.run(1e6).status).toBe('halted');
      expect(slices).toBeLessThan(10);
    }
  });

  it('an out that makes the timer due sooner, or unmasks a pending interrupt, has the interrupt taken at the exact instruction', () => {
    // The loop counts in r2; at 3000 it either starts the timer (due 40 ticks after the out:
    // 6 more passes of 6 instructions and one addi, so r2 = 3007 when it fires) or unmasks
    // the timer's line, pending since long before (taken right after the out: r2 = 3000).
    const guest = (unmask: boolean) =>
      assembleText(`
      .include "../include/platform.inc"
      start:  la r1, handler
              mtcr tvec, r1
              li r1, ${unmask ? -1 : '~(1 << IRQ_TIMER)'}
              out PIC_MASK, r1
              li r1, ${unmask ? 10 : 0}
              out TIMER_PERIOD, r1
              sti
              movi r2, 0
              li r5, 5000
      .loop:  addi r2, r2, 1
              cmpi r2, 3000
              bne .skip
              li r6, ${unmask ? '~(1 << IRQ_TIMER)' : 40}
              out ${unmask ? 'PIC_MASK' : 'TIMER_PERIOD'}, r6
      .skip:  subi r5, r5, 1
              cmpi r5, 0
              bne .loop
              cli
              hlt
      handler: la r7, seen
              stw r2, [r7]
              movi r8, 0
              out TIMER_PERIOD, r8
              movi r8, IRQ_TIMER
              out PIC_ACK, r8
              rfe
      seen:   .word 0`);
    for (const unmask of [false, true]) {
      const r = withAndWithout(guest(unmask));
      expectSame(r);
      const m = new Machine(OPTIONS, { console: { putByte() {} } });
      const image = guest(unmask);
      m.load(image);
      expect(m.run(1e6).status).toBe('halted');
      const seen = image.symbols.find((s) => s.name === 'seen')!.value;
      expect(m.processor.memory.read32(seen)).toBe(unmask ? 3000 : 3007);
    }
  });

  it('a region goes on after a load that missed the TLB when its code page kept its entry, and forgets the page the walk evicted', () => {
    // Pages p and p + 64 share a slot of the 64-entry direct-mapped TLB, apart from the code
    // page's (page 0): the load from p + 64 misses and evicts p, which the region's page
    // cache held after the second load; the next load from p must miss again.
    const image = pagedGuest(`
              li r5, 40
              li r8, 0x40000
      pass:   li r1, 0x20000
              li r2, 0x40000
      next:   ldw r3, [r1]
              ldw r3, [r1]
              add r7, r1, r8
              ldw r6, [r7]
              ldw r3, [r1]
              add r4, r4, r3
              addi r1, r1, 4096
              cmp r1, r2
              bne next
              subi r5, r5, 1
              cmpi r5, 0
              bne pass
              hlt`);
    expectSame(withAndWithout(image));
    const m = new Machine(OPTIONS, { console: { putByte() {} } });
    m.load(image);
    const fetchPage = m.processor.fetchPage.bind(m.processor);
    let fetches = 0;
    m.processor.fetchPage = (pc, flags) => (fetches++, fetchPage(pc, flags));
    const end = m.run(1e6);
    expect(`${end.status}: ${end.reason}`).toMatch(/^halted/);
    const misses = m.processor.tlb.misses;
    expect(misses).toBeGreaterThanOrEqual(40 * 32 * 2);
    // (a region that returned after every miss would make the loop fetch once a miss)
    expect(fetches).toBeLessThan(misses / 10);
  });

  it('a region makes the next fetch itself when a data walk took its code page\'s TLB entry, with the figures the loop\'s fetch gives', () => {
    // Page 0x40 shares slot 0 of the 64-entry direct-mapped TLB with the code page (page 0):
    // each load or store to it evicts the code page's entry, so the next fetch misses and
    // walks. Slices that end just after such an access leave that fetch to the loop.
    const image = pagedGuest(`
              li r5, 3000
              li r1, 0x40000
      again:  ldw r3, [r1]
              add r4, r4, r3
              stw r4, [r1 + 8]
              subi r5, r5, 1
              cmpi r5, 0
              bne again
              hlt`);
    for (const limit of [1e6, 5000, 5001, 12345, 12346, 12347]) expectSame(withAndWithout(image, { maxInstructions: limit }));
    const m = new Machine(OPTIONS, { console: { putByte() {} } });
    m.load(image);
    const table = vi.spyOn(BlockCache.prototype, 'table');
    try {
      const end = m.run(1e6);
      expect(`${end.status}: ${end.reason}`).toMatch(/^halted/);
      const misses = m.processor.tlb.misses;
      // (each pass: the load and the store miss, and so does the fetch after each)
      expect(misses).toBeGreaterThanOrEqual(3000 * 4 - 100);
      // (a region that returned to the loop for each of those fetches would have the loop
      // look its page's blocks up again each time)
      expect(table.mock.calls.length).toBeLessThan(misses / 10);
    } finally {
      table.mockRestore();
    }
  });

  it('with paging on, a store after a load from the same code page still drops the block it writes (the write page cache holds no code frame)', () => {
    // A hot loop reads a word of its own page (the load's TLB hit may fill the region's
    // write cache too), then rewrites an instruction of a second loop on that page, which
    // has run hot before: the second loop must run the new instruction. Beside it, stores to
    // a data page (the fast write cache) and to data beside the code.
    const image = pagedGuest(`
              li r9, 0x30000
              movi r2, 0
              movi r10, 0
      .pass:  li r3, 300
      .two:   addi r2, r2, 1
              stw r2, [r9]
              subi r3, r3, 1
              cmpi r3, 0
              bne .two
              cmpi r10, 0
              bne .done
              movi r10, 1
              li r1, 600
              la r4, counter
              la r5, .two
      .one:   ldw r6, [r4]
              addi r6, r6, 1
              stw r6, [r4]
              cmpi r1, 300
              bne .keep
              la r7, patch
              ldw r7, [r7]
              stw r7, [r5]
      .keep:  subi r1, r1, 1
              cmpi r1, 0
              bne .one
              jmp .pass
      .done:  hlt
      patch:  addi r2, r2, 5
      counter: .word 0`);
    const r = withAndWithout(image);
    expect(r.jit.regs[2]).toBe(300 + 5 * 300);
    expect(r.jit.regs[6]).toBe(600);
    expectSame(r);
  });
  /** A store to a page (r9) while its frame has no code makes its TLB entry; code on the
   *  frame (the routine, at 0x2000) then runs hot and is compiled, the entry kept. A hot loop
   *  then stores beside that code through r9 (filling the region's write cache) and rewrites
   *  the code, with the other of two instructions each pass: each store into it must still
   *  drop its block. `page`: the instructions that set r9. */
  function rewrittenThroughEarlyEntry(page: string) {
    const image = pagedGuest(`
${page}
              movi r1, 0x55
              stw r1, [r9 + 0x800]
              movi r2, 0
              li r3, 200
      .warm:  call routine
              subi r3, r3, 1
              cmpi r3, 0
              bne .warm
              la r5, patch
              ldw r5, [r5]
              ldw r6, [r9]
              li r3, 200
      .again: stw r1, [r9 + 0x800]
              mov r7, r5
              mov r5, r6
              mov r6, r7
              stw r5, [r9]
              call routine
              subi r3, r3, 1
              cmpi r3, 0
              bne .again
              hlt
              .org 0x2000
      routine: addi r2, r2, 1
              ret
      patch:  addi r2, r2, 100`);
    const r = withAndWithout(image);
    expect(r.jit.regs[2]).toBe(200 + 100 * 100 + 100 * 1);
    expectSame(r);
  }

  it('a TLB entry made while its frame held only data: a compiled store into code compiled there later still drops it', () => {
    rewrittenThroughEarlyEntry('              la r9, routine');
  });

  it('the same through another virtual page of the code\'s frame, its entry made while the frame held no code', () => {
    // (page 0x60000 maps the routine's frame too)
    rewrittenThroughEarlyEntry(`
              li r1, 0x7f000 + 0x60 * 4
              li r2, 0x2000 | PTE_V | PTE_W | PTE_U
              stw r2, [r1]
              li r9, 0x60000`);
  });

  it("a page's kernel and user code join a region each, by the mode they ran in", () => {
    // tasks.s: the kernel's trap path and both tasks on page 0, all hot (a timer every 97
    // instructions); the tasks start at task_a.
    const image = assemble(guestPath('bench', 'tasks.s'), { PRIMES: 3000, COLLATZ: 600, QUANTUM: 97 });
    const split = image.symbols.find((s) => s.name === 'task_a')!.value >>> 2;
    const m = new Machine({ ...OPTIONS, regionHeat: HOT_THRESHOLD + 1 }, { console: { putByte() {} } });
    m.load(image);
    expect(m.run(OPTIONS.maxInstructions).status).toBe('halted');
    const regions = m.processor.regionsIn(0);
    const kernel = regions.filter((r) => r.mode === 1).flatMap((r) => r.slots);
    const user = regions.filter((r) => r.mode === 0).flatMap((r) => r.slots);
    expect(kernel.length).toBeGreaterThan(1);
    expect(user.length).toBeGreaterThan(1);
    expect(kernel.every((slot) => slot < split)).toBe(true);
    expect(user.every((slot) => slot >= split)).toBe(true);
  });

  it('a region stays short enough for the JavaScript engine to optimize: a page of long hot blocks is not all joined', () => {
    // A jump table to 8 blocks of 13 stores each (121 words, within a region's 128): all of
    // them in one function would be some 70,000 characters of source with paging on.
    const cases = Array.from({ length: 8 }, (_, c) => `case${c}: ${Array.from({ length: 13 }, (_, k) => `stw r10, [r7 + ${4 * (13 * c + k)}]`).join('\n')}\n jmp top`);
    const image = pagedGuest(`
              li r10, 20000
              la r9, cases
              li r7, 0x20000
      top:    andi r5, r10, 7
              shli r5, r5, 2
              add r5, r5, r9
              ldw r5, [r5]
              subi r10, r10, 1
              cmpi r10, 0
              beq done
              jr r5
      ${cases.join('\n')}
      done:   hlt
              .align 4
      cases:  .word ${cases.map((_, c) => `case${c}`).join(', ')}`);
    expectSame(withAndWithout(image));
    const m = new Machine({ ...OPTIONS, regionHeat: HOT_THRESHOLD + 1 }, { console: { putByte() {} } });
    m.load(image);
    expect(m.run(OPTIONS.maxInstructions).status).toBe('halted');
    const top = image.symbols.find((s) => s.name === 'top')!.value;
    const members = m.processor.regionsIn(top >>> 12).flatMap((r) => r.slots);
    expect(members.length).toBeGreaterThan(1);
    expect(members.length).toBeLessThan(9);
  });

  it('a machine running code an earlier machine ran builds its regions at once, from that one\'s plan, to the same end', () => {
    // the default regionHeat (1,024): without a plan, a region forms only after its blocks
    // have been entered that often from the loop
    const image = assemble(guestPath('bench', 'fib.s'), { N: 16 });
    const first = bareState(image, { jit: true });
    const m = new Machine({ ...OPTIONS, jit: true }, { console: { putByte() {} } });
    m.load(image);
    m.run(OPTIONS.maxInstructions);
    expect(m.processor.regionsReplayed).toBeGreaterThan(0);
    expect(m.processor.regionsIn(image.symbols.find((s) => s.name === 'fib')!.value >>> 12).flatMap((r) => r.slots).length).toBeGreaterThan(1);
    expect(state(bareState(image, { jit: true }))).toEqual(state(first));
    expect(state(first)).toEqual(state(bareState(image, { jit: false })));
    // other words in a hot block (here the recursion's decrement): no plan matches
    const source = readFileSync(guestPath('bench', 'fib.s'), 'utf8');
    expect(source).toContain('subi    r1, r1, 1');
    const other = assembleText(`.equ N, 16\n${source.replace('subi    r1, r1, 1', 'subi    r1, r1, 1\n        addi    r1, r1, 0')}`, '../bench/fib-other.s');
    const o = new Machine({ ...OPTIONS, jit: true }, { console: { putByte() {} } });
    o.load(other);
    o.run(OPTIONS.maxInstructions);
    expect(o.processor.regionsReplayed).toBe(0);
  });

  it('a word 255 blocks were made from is still covered: rewriting it drops them all', () => {
    // each call site's block runs on through f (blocks follow calls): with f's own block,
    // 256 blocks are made from f's first word (an 8-bit count of them wrapped to 0, and the
    // patch dropped nothing)
    const calls = Array.from({ length: 255 }, () => '        call f').join('\n');
    const image = assembleText(`
      start:  li r9, 40
              movi r2, 0
              la r5, f
              la r6, newf
              ldw r6, [r6]
      outer:
${calls}
              subi r9, r9, 1
              cmpi r9, 20
              bne .same
              stw r6, [r5]
      .same:  cmpi r9, 0
              bne outer
              hlt
      f:      addi r2, r2, 1
              jr r15
      newf:   addi r2, r2, 100`);
    const r = withAndWithout(image);
    expect(r.interpreted.regs[2]).toBe(20 * 255 + 20 * 255 * 100);
    expectSame(r);
  });

  it('random programs (ALU, memory, branches, traps) end in the same state', () => {
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const ops = ['add', 'sub', 'mul', 'div', 'and', 'or', 'xor', 'shl', 'shr', 'sar'];
    for (let p = 0; p < 40; p++) {
      const lines = ['start: la r13, data', '       li r12, 50', 'top:'];
      for (let i = 0; i < 30; i++) {
        const r = () => `r${1 + rand(10)}`;
        switch (rand(6)) {
          case 0: lines.push(`  ${ops[rand(ops.length)]} ${r()}, ${r()}, ${r()}`); break;
          case 1: lines.push(`  addi ${r()}, ${r()}, ${rand(200) - 100}`); break;
          case 2: lines.push(`  ldw ${r()}, [r13 + ${4 * rand(16)}]`); break;
          case 3: lines.push(`  stw ${r()}, [r13 + ${4 * rand(16)}]`); break;
          case 4: lines.push(`  cmp ${r()}, ${r()}`, `  blt .f${i}`, `  addi r11, r11, 1`, `.f${i}:`); break;
          case 5: lines.push(`  ldb ${r()}, [r13 + ${rand(64)}]`); break;
        }
      }
      lines.push('  subi r12, r12, 1', '  cmpi r12, 0', '  bne top', '  hlt', 'trap: hlt', 'data: .space 64');
      const image = assembleText(lines.join('\n').replace('start:', 'start: la r1, trap\n mtcr tvec, r1\n'));
      expectSame(withAndWithout(image, { maxInstructions: 20_000 }));
    }
  });
});

describe('branch conditions on compare operands (the block compiler tests them directly)', () => {
  // Each branch states its condition twice in the ISA table: on FLAGS, and on the operands of
  // the compare that set them. They must agree for every compare.
  const branches = INSTRUCTIONS.filter((s) => s.exec.includes('CONDITION('));
  const values = [0, 1, -1, 2, -2, 0x7fffffff, -0x80000000, 0x7ffffffe, -0x7fffffff, 12345, -98765, 0x40000000, -0x40000000];
  it('covers every conditional branch', () => {
    expect(branches.map((b) => b.mnemonic).sort()).toEqual(['beq', 'bge', 'bgeu', 'bgt', 'bgtu', 'ble', 'bleu', 'blt', 'bltu', 'bne']);
  });
  for (const spec of branches) {
    it(`${spec.mnemonic}: the two conditions agree`, () => {
      const [, onFlags, onOperands] = /CONDITION\((.*); (.*)\) \?/.exec(spec.exec)!;
      const flagsOf = new Function('x', 'y', `const F_Z = 1, F_N = 2, F_C = 4, F_V = 8; const d = (x - y) | 0; return ${COMPARE_FLAGS};`) as (x: number, y: number) => number;
      const byFlags = new Function('fl', `const F_Z = 1, F_N = 2, F_C = 4, F_V = 8; return !!(${onFlags});`) as (fl: number) => boolean;
      const byOperands = new Function('x', 'y', `return !!(${onOperands});`) as (x: number, y: number) => boolean;
      for (const x of values) for (const y of values) expect(byOperands(x, y), `${x} vs ${y}`).toBe(byFlags(flagsOf(x, y)));
    });
  }
});

describe('register results stay int32 inside a block (a later compare, div or rem sees them as the interpreter does)', () => {
  // Inside a block registers live in JavaScript locals: a body whose result is outside int32
  // (an unsigned `>>>`, say) would reach a lazy compare or a div in the same block unwrapped.
  // Each instruction that writes a register runs in a hot loop; its result is compared with
  // a canonical copy (`add r6, r1, r0`) and divided, and the block must agree with the
  // interpreter for edge values and shifts by 0 and 31.
  const writers = INSTRUCTIONS.filter((s) => ['rrr', 'rri', 'rru', 'ri', 'ru'].includes(s.format) && s.class === 'innocuous');
  const values = [0, 1, -1, 2, -2, 31, 32, 0x7fffffff, -0x80000000, -123456];
  /** The operand lists to try: registers, or each edge immediate of the format. */
  const operandLists = (spec: (typeof writers)[number]) => {
    if (spec.format === 'rrr') return ['r1, r2, r3'];
    const imms = spec.format === 'rri' || spec.format === 'ri' ? [0, -1, 31, 0x7fff, -0x8000] : [0, 1, 31, 32, 0xffff];
    return imms.map((imm) => (spec.format === 'ri' || spec.format === 'ru' ? `r1, ${imm}` : `r1, r2, ${imm}`));
  };
  it('covers the shifts and divisions', () => {
    expect(writers.map((s) => s.mnemonic)).toEqual(expect.arrayContaining(['shr', 'shri', 'sar', 'div', 'remu', 'lui']));
  });
  for (const spec of writers) {
    it(spec.mnemonic, () => {
      for (const x of values) {
        for (const y of spec.format === 'rrr' ? values : [0]) {
          for (const ops of operandLists(spec)) {
            const image = assembleText(`
              start:  la r1, trap
                      mtcr tvec, r1
                      li r2, ${x}
                      li r3, ${y === 0 && spec.group === 'div' ? 7 : y}
                      li r8, 3
                      movi r11, 0
                      li r12, 40
              .loop:  ${spec.mnemonic} ${ops}
                      add r6, r1, r0
                      cmp r1, r6
                      bne .bad
                      div r7, r1, r8
                      rem r9, r1, r8
                      cmp r1, r2
                      beq .next
              .next:  cmp r1, r2
                      blt .next2
              .next2: subi r12, r12, 1
                      cmpi r12, 0
                      bne .loop
                      hlt
              .bad:   addi r11, r11, 1
                      jmp .next
              trap:   hlt`);
            const r = withAndWithout(image, { maxInstructions: 5_000 });
            const what = `${spec.mnemonic} ${ops} with ${x}, ${y}`;
            expect(r.jit.blocks, what).toBeGreaterThan(0);
            expect(r.jit.regs[11], `${what}: result not int32 in the block`).toBe(0);
            expect(state(r.jit), what).toEqual(state(r.interpreted));
            expect(state(r.regions), what).toEqual(state(r.interpreted));
          }
        }
      }
    });
  }
});
