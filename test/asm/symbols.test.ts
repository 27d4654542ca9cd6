import { describe, expect, it } from 'vitest';
import { error, errors, image, symbol, words } from './helpers.js';

describe('labels and symbols', () => {
  it('defines labels at the address of their line, alone or before a statement', () => {
    const img = image(['a:', 'b: nop', '  c:  nop', 'd:']);
    expect([symbol(img, 'a'), symbol(img, 'b'), symbol(img, 'c'), symbol(img, 'd')]).toEqual([0, 0, 4, 8]);
    expect(img.symbols.find((s) => s.name === 'a')?.kind).toBe('label');
  });

  it('scopes local labels to the last global label and stores qualified names', () => {
    const img = image(['main:', '.loop: nop', '  b .loop', 'other:', '.loop: nop', '  b .loop', '  b main.loop']);
    expect(symbol(img, 'main.loop')).toBe(0);
    expect(symbol(img, 'other.loop')).toBe(8);
    expect(img.symbols.map((s) => s.name)).toEqual(['main', 'main.loop', 'other', 'other.loop']);
  });

  it('reassembles qualified names as disassembly prints them', () => {
    expect(words(['main:', 'main.loop: nop', 'b main.loop'])).toEqual(words(['main:', '.loop: nop', 'b .loop']));
    // A qualified name does not open a new scope.
    const img = image(['main:', 'main.a: nop', '.b: nop']);
    expect(symbol(img, 'main.b')).toBe(4);
  });

  it('reject a local label before any global label (it has no scope)', () => {
    expect(error(['.x: nop'])).toBe("1:1: local label '.x' needs a global label before it (its scope)");
  });

  it('reject a local constant name', () => {
    expect(error(['main:', '.equ .k, 5'])).toBe("2:6: a constant cannot be local: '.k'");
  });

  it('are case-sensitive', () => {
    const img = image(['Foo: nop', 'foo: nop']);
    expect([symbol(img, 'Foo'), symbol(img, 'foo')]).toEqual([0, 4]);
  });

  it('resolve forward references in operands and data', () => {
    expect(words(['call f', '.word f', 'f: ret'])).toEqual(words(['call 8', '.word 8', 'ret']));
  });

  it('report undefined and duplicate symbols', () => {
    expect(error('  call nowhere')).toBe("1:8: undefined symbol 'nowhere'");
    expect(error(['main:', 'b .nope'])).toBe("2:3: undefined symbol 'main.nope'");
    expect(error(['x: nop', '  x: nop'])).toBe("2:3: duplicate symbol 'x' (first defined at a.s:1:1)");
    expect(error(['X = 1', 'X = 2'])).toBe("2:1: duplicate symbol 'X' (first defined at a.s:1:1)");
    expect(error(['.equ X, 1', 'X: nop'])).toBe("2:1: duplicate symbol 'X' (first defined at a.s:1:6)");
    expect(error(['main:', '.l:', '.l:'])).toBe("3:1: duplicate symbol 'main.l' (first defined at a.s:2:1)");
    expect(error('X = 1', { defines: { X: 2 } })).toBe("1:1: duplicate symbol 'X' (first defined at the command line (-D))");
  });

  it('keep register names out of the symbol table', () => {
    expect(error('sp: nop')).toBe("1:1: 'sp' is a register name and cannot be a symbol");
    expect(error('R3 = 4')).toBe("1:1: 'R3' is a register name and cannot be a symbol");
  });

  it('reports a constant error once, at its definition', () => {
    expect(errors(['X = 1 / 0', '.word X', '.word X + 1'])).toEqual(['1:7: division by zero in expression']);
    expect(errors(['X = Y', '.word X'])).toEqual(["1:5: undefined symbol 'Y'"]);
  });

  it('includes -D defines as constants', () => {
    const img = image('.word DEBUG, LEVEL', { defines: { DEBUG: 1, LEVEL: 3 } });
    expect(symbol(img, 'DEBUG')).toBe(1);
    expect(img.symbols.find((s) => s.name === 'LEVEL')?.kind).toBe('constant');
  });

  it('still defines the label of a line with a syntax error', () => {
    expect(errors(['x: add r1 r2', 'b x'])).toEqual(['1:11: syntax error: expected ",", an operator or end of line']);
  });
});
