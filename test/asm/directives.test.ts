import { describe, expect, it } from 'vitest';
import { DIRECTIVE_LIST } from '../../src/asm/directives.js';
import { bytes, error, errors, image, symbol, words } from './helpers.js';

describe('directives', () => {
  it('.equ and NAME = expr define constants', () => {
    const img = image(['.equ SIZE, 16', 'MASK = SIZE - 1', '.EQU Big, 0x10000']);
    expect(symbol(img, 'SIZE')).toBe(16);
    expect(symbol(img, 'MASK')).toBe(15);
    expect(symbol(img, 'Big')).toBe(0x10000);
    expect(img.symbols.find((s) => s.name === 'MASK')?.kind).toBe('constant');
  });

  it('.equ may refer forward, and reports cycles', () => {
    expect(symbol(image(['A = B * 2', 'B = 21']), 'A')).toBe(42);
    expect(symbol(image(['.equ A, end', '.word 1, 2', 'end:']), 'A')).toBe(8);
    expect(error('A = A + 1')).toBe("1:5: circular definition of 'A'");
    expect(errors(['A = B', 'B = C', 'C = A'])).toEqual(["3:5: circular definition of 'A'"]);
    // errors come in the order an evaluation from left to right meets them: a definition's
    // own before those of a constant it names further right
    expect(errors(['B = 1/0', 'A = r1 + B', '.word A'])).toEqual(['1:6: division by zero in expression', "2:5: register 'r1' cannot be used in an expression"]);
    expect(errors(['A = X + B', 'B = 1/0', '.word A'])).toEqual(["1:5: undefined symbol 'X'", '2:6: division by zero in expression']);
    expect(errors(['A = 1/0 + B', 'B = A', '.word A'])).toEqual(['1:6: division by zero in expression']);
  });

  it('.org moves to an address and starts a new segment', () => {
    const img = image(['.word 1', '.org 0x100', '.word 2']);
    expect(img.segments.map((s) => [s.address, s.bytes.length])).toEqual([[0, 4], [0x100, 4]]);
  });

  it('.align pads with zeros to a power of two', () => {
    expect(bytes(['.byte 1', '.align 4', '.byte 2'])).toEqual([1, 0, 0, 0, 2]);
    expect(bytes(['.byte 1, 2, 3, 4', '.align 4', '.byte 5'])).toEqual([1, 2, 3, 4, 5]);
    expect(bytes(['.byte 1', '.align 1', '.byte 2'])).toEqual([1, 2]);
    expect(error('.align 3')).toBe('1:8: .align 3: not a power of two');
    expect(error('.align 0')).toBe('1:8: .align 0: not a power of two');
    expect(error('.align -4')).toBe('1:8: .align -4: not a power of two');
    // (a 32-bit value, unsigned: 2^31 is a power of two, too far to pad to)
    expect(error(['.byte 1', '.align 0x80000000'])).toMatch(/^2:1: program too large/);
  });

  it('.word emits little-endian words', () => {
    expect(bytes('.word 0x11223344, -1')).toEqual([0x44, 0x33, 0x22, 0x11, 0xff, 0xff, 0xff, 0xff]);
    expect(words(['x: .word x, y', 'y:'])).toEqual([0, 8]);
  });

  it('a label named like a control register, or like a register past r15, is a symbol in directives too, as in an immediate', () => {
    // (the names are a control register's only where mtcr and mfcr take one)
    expect(words(['start: .word mid, asid + 1', 'mid: .word 7', 'asid: .space 4'])).toEqual([8, 13, 7, 0]);
    expect(symbol(image(['.equ cause, 8', '.org cause', 'start: .word cause']), 'start')).toBe(8);
    // (r16 is a name: a label may have it, and the disassembly of its image names it so)
    expect(words(['start: .word r16, R99', 'r16: .word 1', '.equ R99, r16 + 1', '.entry r16'])).toEqual([8, 9, 1]);
    expect(error(['start: .word r16'])).toBe("1:14: undefined symbol 'r16' (the registers are r0..r15)");
    expect(error(['start: .word sp'])).toBe("1:14: operand 1 of '.word': expected an expression, got a register");
  });

  it('.byte emits bytes from -128 to 255', () => {
    expect(bytes(".byte 1, -1, 255, -128, 'A'")).toEqual([1, 255, 255, 128, 65]);
    expect(error('.byte 300')).toBe('1:7: byte value 300 out of range -128..255');
    expect(error('.byte 1, -129')).toBe('1:10: byte value -129 out of range -128..255');
  });

  it('.ascii and .asciz emit the UTF-8 bytes of strings', () => {
    expect(bytes('.ascii "Hi"')).toEqual([72, 105]);
    expect(bytes('.asciz "Hi"')).toEqual([72, 105, 0]);
    expect(bytes('.asciz "a", "b"')).toEqual([97, 0, 98, 0]);
    expect(bytes('.ascii "é→"')).toEqual([0xc3, 0xa9, 0xe2, 0x86, 0x92]);
    expect(bytes('.ascii "\\n\\t\\r\\0\\\\\\\'\\"\\x7f\\xff"')).toEqual([10, 9, 13, 0, 92, 39, 34, 0x7f, 0xff]);
    expect(bytes('.ascii "a;b // c" ; comment')).toEqual([...Buffer.from('a;b // c')]);
    expect(error('.ascii 5')).toBe("1:8: operand 1 of '.ascii': expected a string, got an expression");
  });

  it('.space reserves bytes, zero or a fill byte', () => {
    expect(bytes(['.space 3', '.byte 9'])).toEqual([0, 0, 0, 9]);
    expect(bytes('.space 2, 0xaa')).toEqual([0xaa, 0xaa]);
    expect(bytes(['.space 0', '.byte 1'])).toEqual([1]);
    expect(error('.space 2, 256')).toBe('1:11: byte value 256 out of range -128..255');
    expect(error('.space -1')).toBe('1:8: .space count -1 is negative');
  });

  it('.entry sets the entry point; else the label start; else the lowest address', () => {
    expect(image(['.org 0x40', 'nop', 'go: nop', '.entry go']).entry).toBe(0x44);
    expect(image(['.org 0x40', 'nop', 'start: nop']).entry).toBe(0x44);
    expect(image(['.org 0x80', 'nop', '.org 0x40', 'nop']).entry).toBe(0x40);
    expect(image('').entry).toBe(0);
    expect(error(['.entry 0', '.entry 4'])).toBe('2:1: duplicate .entry (first at a.s:1:1)');
    expect(error('.entry nowhere')).toBe("1:8: undefined symbol 'nowhere'");
  });

  it('accept directive names in any case', () => {
    expect(bytes('.BYTE 1')).toEqual([1]);
  });

  it('report unknown directives and wrong operand counts', () => {
    expect(error('  .foo 1')).toBe("1:3: unknown directive '.foo'");
    expect(error('.org')).toBe("1:1: '.org' takes 1 operand (address), got 0");
    expect(error('.equ X')).toBe("1:1: '.equ' takes 2 operands (name, value), got 1");
    expect(error('.space 1, 2, 3')).toBe("1:1: '.space' takes 1 or 2 operands (count[, fill]), got 3");
    expect(error('.word')).toBe("1:1: '.word' takes at least 1 operand (value, ...), got 0");
    expect(error('.endif 1')).toBe("1:1: '.endif' takes no operands, got 1");
    expect(error('.equ 5, 5')).toBe("1:6: operand 1 of '.equ': expected a name, got an expression");
    expect(error('.word r1')).toBe("1:7: operand 1 of '.word': expected an expression, got a register");
  });

  it('need layout values known where they are used', () => {
    expect(error(['.org later', 'later:'])).toBe("1:6: value of 'later' is not known here (forward reference in .org)");
    // (a constant evaluated there for the first time, and known, keeps the name of the
    // label the expression waits for)
    expect(error(['B = 5', '.org L2 + B', 'L2: nop'])).toBe("2:9: value of 'L2' is not known here (forward reference in .org)");
    expect(error(['B = 5', '.org X + B'])).toBe("2:8: undefined symbol 'X'");
    // (through constants: the label they wait for)
    expect(error(['K = L + 4', 'K2 = K + 1', '.org K2', 'L:'])).toBe("3:6: value of 'L' is not known here (forward reference in .org)");
    expect(error(['.align N', 'N = 4'])).toBe("1:8: value of 'N' is not known here (forward reference in .align)");
    expect(error(['.space N', 'N = 4'])).toBe("1:8: value of 'N' is not known here (forward reference in .space)");
    expect(errors(['.if N', '.endif', 'N = 1'])).toEqual(["1:5: value of 'N' is not known here (forward reference in .if)"]);
    // A name defined nowhere is not a forward reference.
    expect(error(['.org nowhere'])).toBe("1:6: undefined symbol 'nowhere'");
    expect(error(['main:', '.space .n'])).toBe("2:8: undefined symbol 'main.n'");
  });

  it('every directive row has a summary and syntax', () => {
    for (const d of DIRECTIVE_LIST) {
      expect(d.name.startsWith('.')).toBe(true);
      expect(d.summary.length).toBeGreaterThan(5);
    }
  });
});
