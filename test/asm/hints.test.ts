// Messages that say what to do: the nearest name for an unknown mnemonic or directive, `li`
// for an immediate too wide for its field, and where bytes emitted twice were emitted first.
import { describe, expect, it } from 'vitest';
import { assembleFile } from '../../src/asm/index.js';
import { REGISTER_FORM } from '../../src/asm/hints.js';
import { PSEUDO_BY_NAME } from '../../src/asm/pseudo.js';
import { FORMATS } from '../../src/isa/formats.js';
import { BY_MNEMONIC } from '../../src/isa/table.js';
import { error, errors, files, words } from './helpers.js';

describe('did you mean', () => {
  it('names the nearest instruction for an unknown mnemonic (from the ISA table)', () => {
    expect(error('  mvoi r1, 1')).toBe("1:3: unknown mnemonic 'mvoi' (did you mean 'movi'?)");
    expect(error('MVOI r1, 1')).toBe("1:1: unknown mnemonic 'MVOI' (did you mean 'movi'?)");
    expect(error('ldbb r1, [r2]')).toBe("1:1: unknown mnemonic 'ldbb' (did you mean 'ldb'?)");
  });

  it('also pseudo-instructions, macros defined so far and directives written without the dot', () => {
    expect(error('psuh r1')).toBe("1:1: unknown mnemonic 'psuh' (did you mean 'push'?)");
    expect(error(['.macro delay n', '.endm', 'delya 3'])).toBe("3:1: unknown mnemonic 'delya' (did you mean 'delay'?)");
    expect(error(['.macro Twice', '.endm', 'twice'])).toBe("3:1: unknown mnemonic 'twice' (did you mean 'Twice'?)");
    expect(error('word 5')).toBe("1:1: unknown mnemonic 'word' (did you mean '.word'?)");
  });

  it('names the nearest directive for an unknown directive (from the directive list)', () => {
    expect(error('.wrod 5')).toBe("1:1: unknown directive '.wrod' (did you mean '.word'?)");
    expect(error('  .ALGIN 4')).toBe("1:3: unknown directive '.ALGIN' (did you mean '.align'?)");
    expect(error('.endiff')).toBe("1:1: unknown directive '.endiff' (did you mean '.endif'?)");
  });

  it('says nothing when no name is near', () => {
    expect(error('frobnicate r1')).toBe("1:1: unknown mnemonic 'frobnicate'");
    expect(error('.foo 1')).toBe("1:1: unknown directive '.foo'");
  });
});

describe('an immediate too wide for its field suggests li', () => {
  it('movi: li itself, with the operands as written', () => {
    expect(error('movi r1, 100000')).toBe('1:10: immediate 100000 out of range -32768..32767 (li r1, 100000 loads any 32-bit value)');
    expect(error(['BIG = 0x12345', 'movi sp, BIG'])).toBe('2:10: immediate 74565 out of range -32768..32767 (li sp, BIG loads any 32-bit value)');
  });

  it('an ALU or compare immediate: li into a free register, then the register form', () => {
    expect(error('addi r1, r1, 70000')).toBe('1:14: immediate 70000 out of range -32768..32767 (li rX, 70000 loads it into a free register rX; then add r1, r1, rX)');
    expect(error('cmpi r1, 99999')).toBe('1:10: immediate 99999 out of range -32768..32767 (li rX, 99999 loads it into a free register rX; then cmp r1, rX)');
    expect(error('andi r2, r3, -16')).toBe('1:14: immediate -16 out of range 0..65535 (li rX, -16 loads it into a free register rX; then and r2, r3, rX)');
    expect(error('subi r1, r2, 40000')).toBe('1:14: immediate 40000 out of range -32767..32768 (li rX, 40000 loads it into a free register rX; then sub r1, r2, rX)');
  });

  it('shows the line as expanded inside a macro', () => {
    expect(error(['.macro set r, v', 'movi \\r, \\v', '.endm', 'set r4, 1 << 20'])).toBe('2:10: immediate 1048576 out of range -32768..32767 (li r4, 1 << 20 loads any 32-bit value)');
  });

  it('gives no li hint where li is not the fix', () => {
    expect(error('lui r1, 0x10000')).toBe('1:9: immediate 65536 out of range 0..65535');
    expect(error('shli r1, r1, 70000')).toBe('1:14: immediate 70000 out of range 0..65535');
    expect(error('ldw r1, [r2 + 40000]')).toBe('1:9: offset 40000 out of range -32768..32767');
    expect(error('out 0x10000, r1')).toBe('1:5: port 65536 out of range 0..65535');
  });

  it('every suggestion is real: the instruction has an immediate, its register form exists, and the fix assembles to the same value', () => {
    for (const [imm, reg] of Object.entries(REGISTER_FORM)) {
      const operands = BY_MNEMONIC.get(imm) ? FORMATS[BY_MNEMONIC.get(imm)!.format].operands : PSEUDO_BY_NAME.get(imm)!.operands;
      expect(['simm16', 'uimm16', 'imm32'], imm).toContain(operands[operands.length - 1]);
      const form = BY_MNEMONIC.get(reg)!;
      expect(['rrr', 'rr'], reg).toContain(form.format);
      expect(FORMATS[form.format].operands.length, reg).toBe(operands.length);
    }
    const hint = /\(li rX, (.*) loads it into a free register rX; then (.*)\)$/.exec(error('addi r1, r2, 70000'))!;
    expect(words([`li r9, ${hint[1]}`, hint[2]!.replace('rX', 'r9')])).toEqual(words(['lui r9, 1', 'ori r9, r9, 4464', 'add r1, r2, r9']));
  });
});

describe('bytes emitted twice', () => {
  it('names what emitted them first, when .org goes back', () => {
    expect(error(['start: hlt', '.org 0', '.word 5'])).toBe('3:1: bytes at 0x0 already emitted (by a.s:1:8)');
  });

  it('names the first when the later line is at the lower address', () => {
    expect(error(['.org 0x104', '  .word 1', '.org 0x100', '.word 1, 2'])).toBe('4:1: bytes at 0x104 already emitted (by a.s:2:3)');
  });

  it('reports every overlap, also with the bytes of a statement already found overlapping', () => {
    // (line 2's bytes run to 0x108; line 6's overlap them first, but line 4's byte at 0x104 too)
    expect(errors(['start: .org 0x100', '.word 1, 2', '.org 0x104', '.byte 9', '.org 0xfc', '.word 3, 4'])).toEqual([
      '4:1: bytes at 0x104 already emitted (by a.s:2:1)',
      '6:1: bytes at 0x100 already emitted (by a.s:2:1)',
    ]);
  });

  it('names another file, and the invocation of a macro', () => {
    const r = assembleFile('a.s', { readFile: files({ 'a.s': 'start: nop\n.include "b.s"', 'b.s': '.org 0\n.word 7' }) });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual(['b.s:2:1: bytes at 0x0 already emitted (by a.s:1:8)']);
    expect(error(['.macro m', '  .word 1', '.endm', '  m', '.org 0', '.word 2'])).toBe("6:1: bytes at 0x0 already emitted (by a.s:2:3 in macro 'm' invoked at a.s:4:3)");
  });
});
