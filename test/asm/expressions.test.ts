import { describe, expect, it } from 'vitest';
import { error, image, symbol } from './helpers.js';

/** The value of `expr` as the assembler computes it (signed 32-bit). */
function value(expr: string): number {
  return symbol(image(`X = ${expr}`), 'X')! | 0;
}

describe('literals', () => {
  it('reads decimal, hex, binary and character literals', () => {
    expect(value('1234')).toBe(1234);
    expect(value('0x7f')).toBe(127);
    expect(value('0XFF')).toBe(255);
    expect(value('0b1011')).toBe(11);
    expect(value("'a'")).toBe(97);
    expect(value("' '")).toBe(32);
  });

  it('reads every character escape', () => {
    expect([value("'\\n'"), value("'\\t'"), value("'\\r'"), value("'\\0'")]).toEqual([10, 9, 13, 0]);
    expect([value("'\\\\'"), value("'\\''"), value("'\\\"'"), value("'\\x41'"), value("'\\xfF'")]).toEqual([92, 39, 34, 65, 255]);
  });

  it('wraps values up to 0xffffffff to 32-bit signed and rejects larger ones', () => {
    expect(value('0xffffffff')).toBe(-1);
    expect(value('4294967295')).toBe(-1);
    expect(value('0x80000000')).toBe(-0x80000000);
    expect(error('X = 0x100000000')).toBe("1:5: number '0x100000000' does not fit in 32 bits");
  });

  it('rejects malformed numbers', () => {
    expect(error('X = 12ab')).toBe("1:5: invalid number '12ab'");
    expect(error('X = 0x')).toBe("1:5: invalid number '0x'");
    expect(error('X = 0b102')).toBe("1:5: invalid number '0b102'");
  });

  it('gives $ the address of the current statement', () => {
    const img = image(['.org 0x40', 'here: .word $', 'X = $ + 4']);
    expect(Array.from(img.segments[0]!.bytes)).toEqual([0x40, 0, 0, 0]);
    expect(symbol(img, 'X')).toBe(0x48);
  });
});

describe('operators', () => {
  it('computes each operator', () => {
    expect(value('-5')).toBe(-5);
    expect(value('~0')).toBe(-1);
    expect(value('+7')).toBe(7);
    expect(value('6 * 7')).toBe(42);
    expect(value('-7 / 2')).toBe(-3);
    expect(value('-7 % 2')).toBe(-1);
    expect(value('3 + 4')).toBe(7);
    expect(value('3 - 4')).toBe(-1);
    expect(value('1 << 4')).toBe(16);
    expect(value('-16 >> 2')).toBe(-4);
    expect(value('0xc & 0xa')).toBe(8);
    expect(value('0xc ^ 0xa')).toBe(6);
    expect(value('0xc | 0xa')).toBe(14);
  });

  it('wraps around at 32 bits', () => {
    expect(value('0x7fffffff + 1')).toBe(-0x80000000);
    expect(value('0x10000 * 0x10000')).toBe(0);
    expect(value('1 << 31')).toBe(-0x80000000);
    expect(value('-0x80000000 / -1')).toBe(-0x80000000);
    expect(value('-(-0x80000000)')).toBe(-0x80000000);
  });

  it('uses C precedence, levels from tightest to loosest', () => {
    expect(value('-2 * 3')).toBe(-6); // unary over *
    expect(value('~1 + 1')).toBe(-1); // unary over +
    expect(value('2 + 3 * 4')).toBe(14); // * over +
    expect(value('20 - 6 / 2')).toBe(17); // / over -
    expect(value('10 - 7 % 4')).toBe(7); // % over -
    expect(value('1 << 2 + 1')).toBe(8); // + over <<
    expect(value('64 >> 1 + 1')).toBe(16);
    expect(value('1 | 1 << 2')).toBe(5); // << over |
    expect(value('6 & 3 << 1')).toBe(6); // << over &
    expect(value('1 ^ 3 & 1')).toBe(0); // & over ^
    expect(value('1 | 2 ^ 3')).toBe(1); // ^ over |
    expect(value('4 | 1 & 0')).toBe(4); // & over |
  });

  it('associates left and honours parentheses', () => {
    expect(value('10 - 3 - 2')).toBe(5);
    expect(value('64 / 4 / 2')).toBe(8);
    expect(value('10 - (3 - 2)')).toBe(9);
    expect(value('(2 + 3) * 4')).toBe(20);
    expect(value('((((1))))')).toBe(1);
    expect(value('- - 3')).toBe(3);
    expect(value('-~0')).toBe(1);
  });

  it('reports division and remainder by zero at the operator', () => {
    expect(error('X = 1 / 0')).toBe('1:7: division by zero in expression');
    expect(error('X = 5 % (2 - 2)')).toBe('1:7: division by zero in expression');
  });

  it('takes shift counts modulo 32, like the CPU', () => {
    expect(value('1 << 33')).toBe(2);
    expect(value('-1 >> 40')).toBe(-1);
  });

  it('does not allow registers in expressions', () => {
    expect(error('addi r1, r2, r3 + 1')).toBe("1:14: register 'r3' cannot be used in an expression");
  });
});
