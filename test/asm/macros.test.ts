import { describe, expect, it } from 'vitest';
import { asm, error, errors, image, symbol, words } from './helpers.js';

describe('macros', () => {
  it('substitute parameters', () => {
    const src = ['.macro push2 a, b', '  push \\a', '  push \\b', '.endm', 'push2 r1, r2'];
    expect(words(src)).toEqual(words(['push r1', 'push r2']));
  });

  it('accept parameters separated by blanks, and no parameters', () => {
    expect(words(['.macro m a b', 'addi \\a, \\a, \\b', '.endm', 'm r3, 7'])).toEqual(words('addi r3, r3, 7'));
    expect(words(['.MACRO two', 'nop', 'nop', '.ENDM', 'two'])).toEqual(words(['nop', 'nop']));
  });

  it('pass whole operands as text: expressions, memory operands, strings', () => {
    const src = ['.macro ld r, m, s', 'ldw \\r, \\m', '.ascii \\s', '.endm', 'ld r1, [sp + 4 * 2], "ab"'];
    expect(bytes(src)).toEqual(bytes(['ldw r1, [sp + 8]', '.ascii "ab"']));
  });

  it('give \\@ a unique number per expansion, for labels', () => {
    const src = ['.macro wait r', 'w\\@: subi \\r, \\r, 1', '  bne w\\@', '.endm', 'wait r1', 'wait r2'];
    const img = image(src);
    expect(symbol(img, 'w0')).toBe(0);
    expect(symbol(img, 'w1')).toBe(8);
  });

  it('can invoke other macros', () => {
    const src = ['.macro one x', 'addi \\x, \\x, 1', '.endm', '.macro two x', 'one \\x', 'one \\x', '.endm', 'two r5'];
    expect(words(src)).toEqual(words(['addi r5, r5, 1', 'addi r5, r5, 1']));
  });

  it('can be invoked after a label, and do not change the local-label scope', () => {
    const src = ['.macro m', 'inner: nop', '.endm', 'main:', 'here: m', '.l: nop'];
    const img = image(src);
    expect(symbol(img, 'here')).toBe(0);
    expect(symbol(img, 'inner')).toBe(0);
    expect(symbol(img, 'here.l')).toBe(4);
  });

  it('may define macros inside macros', () => {
    const src = ['.macro outer', '.macro inner', 'nop', '.endm', '.endm', 'outer', 'inner'];
    expect(words(src)).toEqual(words('nop'));
  });

  it('report a wrong argument count', () => {
    expect(error(['.macro m a, b', '.endm', '  m 1'])).toBe("3:3: macro 'm' takes 2 arguments, got 1");
    expect(error(['.macro m a', '.endm', 'm'])).toBe("3:1: macro 'm' takes 1 argument, got 0");
  });

  it('report expansion deeper than 64', () => {
    const list = errors(['.macro r', 'r', '.endm', 'r']);
    expect(list).toEqual(['2:1: macro expansion deeper than 64']);
    const d = asm(['.macro r', 'r', '.endm', 'r']).diagnostics[0]!;
    // The recursion's one repeated link is shown once, with a count.
    expect(d.chain).toEqual(["in macro 'r' invoked at a.s:2:1 (63 times)", "in macro 'r' invoked at a.s:4:1"]);
  });

  it('report errors inside an expansion with the macro chain', () => {
    const r = asm(['.macro m x', '  addi \\x, r1, 1', '.endm', 'nop', '    m 5']);
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    expect([d.file, d.line, d.column, d.message]).toEqual(['a.s', 2, 8, "operand 1 of 'addi': expected a register, got an expression"]);
    expect(d.sourceLine).toBe('  addi 5, r1, 1');
    expect(d.chain).toEqual(["in macro 'm' invoked at a.s:5:5"]);
  });

  it('report .endm without .macro, missing .endm, and bad names', () => {
    expect(error(['nop', '.endm'])).toBe('2:1: .endm without .macro');
    expect(error(['.macro m', 'nop'])).toBe('1:1: missing .endm for .macro at a.s:1:1');
    expect(error(['.macro add', '.endm'])).toBe("1:8: 'add' is an instruction and cannot be a macro name");
    expect(error(['.macro m', '.endm', '.macro m', '.endm'])).toBe("3:8: duplicate macro 'm' (first defined at a.s:1:8)");
    expect(error(['.macro 5', 'nop', '.endm'])).toBe('1:8: syntax error: expected a name or end of line');
    // (a parameter named twice would be substituted as the first only)
    expect(error(['.macro m a, b, a', '.endm', 'm 1, 2, 3'])).toBe("1:16: macro 'm' names parameter 'a' twice"); // (and its use is no error)
  });
});

function bytes(src: string[]): number[] {
  return image(src).segments.flatMap((s) => Array.from(s.bytes));
}
