import { describe, expect, it } from 'vitest';
import { PSEUDO_INSTRUCTIONS } from '../../src/asm/pseudo.js';
import { MNEMONICS } from '../../src/isa/encoding.js';
import { error, words } from './helpers.js';

describe('pseudo-instructions', () => {
  it('are never also ISA mnemonics, and their names are unique', () => {
    for (const p of PSEUDO_INSTRUCTIONS) expect(MNEMONICS, p.name).not.toContain(p.name);
    expect(new Set(PSEUDO_INSTRUCTIONS.map((p) => p.name)).size).toBe(PSEUDO_INSTRUCTIONS.length);
  });

  it('expand only to ISA instructions', () => {
    for (const p of PSEUDO_INSTRUCTIONS) {
      const values = p.operands.map((k) => (k === 'reg' ? 1 : k === 'rel24' ? 0 : 5));
      for (const [m] of p.expand(values, typeof p.words === 'number' ? p.words : 2)) expect(MNEMONICS).toContain(m);
    }
  });

  it('li uses movi for a known value within simm16', () => {
    expect(words('li r1, 5')).toEqual(words('movi r1, 5'));
    expect(words('li r1, -32768')).toEqual(words('movi r1, -32768'));
    expect(words(['K = 100', 'li r2, K * 2'])).toEqual(words('movi r2, 200'));
  });

  it('li uses lui + ori for other values and for forward references', () => {
    expect(words('li r1, 0x12345678')).toEqual(words(['lui r1, 0x1234', 'ori r1, r1, 0x5678']));
    expect(words('li r1, 32768')).toEqual(words(['lui r1, 0', 'ori r1, r1, 0x8000']));
    expect(words('li r1, -1')).toEqual(words('movi r1, -1'));
    expect(words('li r1, -32769')).toEqual(words(['lui r1, 0xffff', 'ori r1, r1, 0x7fff']));
    // A forward reference keeps the 2-word form even though the value fits in simm16.
    expect(words(['li r3, later', 'later:'])).toEqual(words(['lui r3, 0', 'ori r3, r3, 8']));
    expect(words(['li r3, K', 'K = 7'])).toEqual(words(['lui r3, 0', 'ori r3, r3, 7']));
  });

  it('la always uses lui + ori', () => {
    expect(words('la r4, 8')).toEqual(words(['lui r4, 0', 'ori r4, r4, 8']));
    expect(words(['.org 0x12340', 'x: la r4, x'])).toEqual(words(['lui r4, 1', 'ori r4, r4, 0x2340']));
  });

  it('expands mov, push, pop, ret, nop, subi and b', () => {
    expect(words('mov r1, r2')).toEqual(words('addi r1, r2, 0'));
    expect(words('push r5')).toEqual(words(['addi sp, sp, -4', 'stw r5, [sp]']));
    expect(words('pop r6')).toEqual(words(['ldw r6, [sp]', 'addi sp, sp, 4']));
    expect(words('ret')).toEqual(words('jr lr'));
    expect(words('nop')).toEqual(words('or r0, r0, r0'));
    expect(words('subi r1, r2, 10')).toEqual(words('addi r1, r2, -10'));
    expect(words(['x: nop', 'b x'])).toEqual(words(['x: nop', 'jmp x']));
  });

  it('are case-insensitive', () => {
    expect(words('LI R1, 5')).toEqual(words('li r1, 5'));
    expect(words('Push Lr')).toEqual(words('push lr'));
  });

  it('report operand problems like instructions', () => {
    expect(error('li r1')).toBe("1:1: 'li' takes 2 operands (rd, imm32), got 1");
    expect(error('ret 1')).toBe("1:1: 'ret' takes no operands, got 1");
    expect(error('push 5')).toBe("1:6: operand 1 of 'push': expected a register, got an expression");
    expect(error('subi r1, r2, 40000')).toBe('1:14: immediate 40000 out of range -32767..32768 (li rX, 40000 loads it into a free register rX; then sub r1, r2, rX)');
    // (subi's range is the values whose negation addi holds: the value as written is named)
    expect(error('subi r1, r2, -32768')).toBe('1:14: immediate -32768 out of range -32767..32768 (li rX, -32768 loads it into a free register rX; then sub r1, r2, rX)');
    expect(words('subi r1, r2, 32768')).toEqual(words('addi r1, r2, -32768'));
    expect(error('li r1, [r2]')).toBe("1:8: operand 2 of 'li': expected an immediate, got a memory operand");
  });
});
