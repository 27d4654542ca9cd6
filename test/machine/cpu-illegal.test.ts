// Words that do not decode trap `illegal` at the word: unknown opcodes, known opcodes with a
// nonzero unused field, and 0xff (the binary translator's callout opcode).

import { describe, expect, it } from 'vitest';
import { CAUSE, CR } from '../../src/isa/arch.js';
import { decode } from '../../src/isa/encoding.js';
import { unusedBits } from '../../src/isa/formats.js';
import { BY_OPCODE, INSTRUCTIONS } from '../../src/isa/table.js';
import { Program, run } from './helpers.js';

/** Run one word after a marker instruction; expect `illegal` at it. */
function expectIllegal(word: number, strict = false) {
  const p = new Program().i('movi', 1, 1).word(word).i('movi', 2, 2).i('hlt');
  const r = run(p, { regs: { 3: 0x33 }, strict });
  expect(r.end.status).toBe('halted');
  expect(r.cr[CR.CAUSE]).toBe(CAUSE.ILLEGAL);
  expect(r.cr[CR.SPC]).toBe(0x1004);
  expect(r.cr[CR.FADDR]).toBe(0);
  expect(r.regs[2]).toBe(0);
  expect(r.machine.cpu.instructions).toBe(2); // movi + the handler's hlt
}

describe('illegal words', () => {
  const unknown = [...Array(0xff).keys()].filter((op) => !BY_OPCODE[op]);

  it('there are unknown opcodes to test, and 0xff is one of them', () => {
    expect(unknown.length).toBeGreaterThan(100);
    expect(BY_OPCODE[0xff]).toBeUndefined();
  });

  it.each(unknown)('unknown opcode %i traps illegal', (op) => {
    expectIllegal(((op << 24) | 0x123456) >>> 0);
    expectIllegal((op << 24) >>> 0);
  });

  it.each([0xff000000, 0xffffffff, 0xff123456])('opcode 0xff (word %i) traps illegal', (word) => {
    expectIllegal(word);
  });

  it('the all-zero word is illegal', () => {
    expectIllegal(0);
  });

  const withUnused = INSTRUCTIONS.filter((s) => unusedBits(s.format) !== 0);
  it.each(withUnused.map((s) => [s.mnemonic, s.format] as const))('%s (%s) with any unused bit set traps illegal', (mnemonic, format) => {
    const spec = INSTRUCTIONS.find((s) => s.mnemonic === mnemonic)!;
    const unused = unusedBits(format);
    const base = (spec.opcode << 24) >>> 0; // all operand fields zero: a valid word
    expect(decode(base)).toBeDefined();
    const lowest = unused & -unused;
    const highest = 1 << (31 - Math.clz32(unused));
    for (const bit of new Set([lowest, highest])) {
      expect(decode((base | bit) >>> 0)).toBeUndefined();
      expectIllegal((base | bit) >>> 0);
    }
    expectIllegal((base | unused) >>> 0);
  });
});
