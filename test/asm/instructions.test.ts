import { describe, expect, it } from 'vitest';
import { disassemble } from '../../src/isa/disasm.js';
import { decode, encode } from '../../src/isa/encoding.js';
import { FORMATS, type OperandKind } from '../../src/isa/formats.js';
import { BY_MNEMONIC, INSTRUCTIONS } from '../../src/isa/table.js';
import { error, errors, words } from './helpers.js';

/** Sample operand text for each kind (at pc 0x100). */
const SAMPLE: Record<OperandKind, string[]> = {
  reg: ['r3', 'sp', 'lr'],
  simm16: ['-1234'],
  uimm16: ['0xbeef'],
  mem: ['[r2 - 8]'],
  rel24: ['0x80'],
  cr: ['cause'],
  port: ['0x21'],
};

describe('instructions', () => {
  it('every mnemonic of the ISA assembles, and its disassembly reassembles to the same word', () => {
    for (const spec of INSTRUCTIONS) {
      const kinds = FORMATS[spec.format].operands as readonly OperandKind[];
      const ops = kinds.map((k, i) => SAMPLE[k][i % SAMPLE[k].length]!);
      const line = `${spec.mnemonic}${ops.length ? ' ' + ops.join(', ') : ''}`;
      const [word] = words(['.org 0x100', line]);
      expect(decode(word!)?.spec.mnemonic, line).toBe(spec.mnemonic);
      const text = disassemble(word!, 0x100);
      expect(words(['.org 0x100', text]), `${line} -> ${text}`).toEqual([word]);
    }
  });

  it('encodes like the ISA encoder', () => {
    const add = BY_MNEMONIC.get('add')!;
    expect(words('add r1, r2, r3')).toEqual([encode(add, [1, 2, 3], 0)]);
    const ldw = BY_MNEMONIC.get('ldw')!;
    expect(words('ldw r1, [sp + 8]')).toEqual([encode(ldw, [1, { base: 14, offset: 8 }], 0)]);
    expect(words('ldw r1, [sp]')).toEqual([encode(ldw, [1, { base: 14, offset: 0 }], 0)]);
    expect(words('stw r1, [r2 - 4]')).toEqual([encode(BY_MNEMONIC.get('stw')!, [1, { base: 2, offset: -4 }], 0)]);
  });

  it('accepts mnemonics, registers and control registers in any case', () => {
    expect(words('ADD R1, Sp, LR')).toEqual(words('add r1, sp, lr'));
    expect(words('MFCR r1, CAUSE')).toEqual(words('mfcr r1, cause'));
  });

  it('takes a control register by name or number', () => {
    expect(words('mfcr r1, 4')).toEqual(words('mfcr r1, cause'));
    expect(words('mtcr tvec, r2')).toEqual(words('mtcr 1, r2'));
  });

  it('computes branch offsets from absolute targets', () => {
    const w = words(['start: nop', 'beq start', 'bne end', 'nop', 'end: nop']);
    expect(disassemble(w[1]!, 4)).toBe('beq 0x0');
    expect(disassemble(w[2]!, 8)).toBe('bne 0x10');
  });

  it('accepts memory operands with the register anywhere in a sum', () => {
    const want = words('ldw r1, [r2 + 12]');
    expect(words('ldw r1, [12 + r2]')).toEqual(want);
    expect(words('ldw r1, [r2 + 16 - 4]')).toEqual(want);
    expect(words('ldw r1, [r2 + 3 * 4]')).toEqual(want);
    expect(words('ldw r1, [ r2 + (20 - 8) ]')).toEqual(want);
  });

  it('reports operands of the wrong form', () => {
    expect(error('addi r1, 5, r2')).toBe("1:10: operand 2 of 'addi': expected a register, got an expression");
    expect(errors('add r1, r2, [r3]')).toEqual(["1:13: operand 3 of 'add': expected a register, got a memory operand"]);
    expect(error('addi r1, r2, r3')).toBe("1:14: operand 3 of 'addi': expected an immediate, got a register");
    expect(error('ldw r1, r2')).toBe("1:9: operand 2 of 'ldw': expected a memory operand [reg + offset], got a register");
    expect(error('mfcr r1, r2')).toBe("1:10: operand 2 of 'mfcr': expected a control register, got a register");
    expect(error('in r1, r2')).toBe("1:8: operand 2 of 'in': expected a port, got a register");
    expect(error('jmp r1')).toBe("1:5: operand 1 of 'jmp': expected a branch target, got a register");
    expect(error('add r1, r2, "x"')).toBe("1:13: operand 3 of 'add': expected a register, got a string");
  });

  it('reports the operand count with the syntax from FORMATS', () => {
    expect(error('add r1, r2')).toBe("1:1: 'add' takes 3 operands (rd, rs1, rs2), got 2");
    expect(error('  jr r1, r2')).toBe("1:3: 'jr' takes 1 operand (ra), got 2");
    expect(error('sys 1')).toBe("1:1: 'sys' takes no operands, got 1");
  });

  it('passes the ISA range errors through, at the operand', () => {
    expect(error('addi r1, r2, 70000')).toBe('1:14: immediate 70000 out of range -32768..32767 (li rX, 70000 loads it into a free register rX; then add r1, r2, rX)');
    expect(error('ori r1, r2, -1')).toBe('1:13: immediate -1 out of range 0..65535 (li rX, -1 loads it into a free register rX; then or r1, r2, rX)');
    expect(error('ldw r1, [r2 + 40000]')).toBe('1:9: offset 40000 out of range -32768..32767');
    expect(error('mfcr r1, 99')).toBe('1:10: no control register 99');
    expect(error('out 0x10000, r1')).toBe('1:5: port 65536 out of range 0..65535');
    expect(error(['beq x', '.byte 0', 'x:'])).toBe('1:5: branch target 0x5 is not a multiple of 4 from pc');
  });

  it('reports memory operands without exactly one added register', () => {
    expect(error('ldw r1, [8]')).toBe('1:9: a memory operand needs a base register, as in [r1 + 8]');
    expect(error('ldw r1, [r2 + r3]')).toBe('1:15: a memory operand has one base register');
    expect(error('ldw r1, [8 - r3]')).toBe('1:14: a memory operand cannot subtract a register');
  });

  it('requires instructions at multiples of 4', () => {
    expect(error(['.org 0x1001', 'nop'])).toBe('2:1: instruction at 0x1001 is not a multiple of 4');
    expect(error(['.byte 1', 'li r1, 5'])).toBe('2:1: instruction at 0x1 is not a multiple of 4');
  });

  it('reports an unknown mnemonic at the mnemonic', () => {
    expect(error('  ad r1, r2, r3')).toBe("1:3: unknown mnemonic 'ad' (did you mean 'add'?)");
    expect(error('x: foo')).toBe("1:4: unknown mnemonic 'foo'");
  });
});
