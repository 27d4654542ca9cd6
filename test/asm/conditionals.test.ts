import { describe, expect, it } from 'vitest';
import { error, errors, words } from './helpers.js';

describe('conditional assembly', () => {
  it('.if assembles the taken branch', () => {
    expect(words(['.if 1', '.word 1', '.else', '.word 2', '.endif'])).toEqual([1]);
    expect(words(['.if 2 - 2', '.word 1', '.else', '.word 2', '.endif'])).toEqual([2]);
    expect(words(['N = 3', '.if N & 1', '.word 1', '.endif', '.word 9'])).toEqual([1, 9]);
  });

  it('.ifdef and .ifndef see -D defines, .equ constants and earlier labels', () => {
    const src = ['.ifdef DEBUG', '.word 1', '.else', '.word 2', '.endif'];
    expect(words(src, { defines: { DEBUG: 1 } })).toEqual([1]);
    expect(words(src)).toEqual([2]);
    expect(words(['DEBUG = 0', ...src])).toEqual([1]);
    expect(words(['.ifndef X', 'X = 5', '.endif', '.word X'])).toEqual([5]);
    expect(words(['.ifndef X', 'X = 5', '.endif', '.word X'], { defines: { X: 7 } })).toEqual([7]);
    expect(words(['here:', '.ifdef here', '.word 1', '.endif'])).toEqual([1]);
  });

  it('nests, and skips whole nested blocks', () => {
    const src = ['.if A', '.if B', '.word 1', '.else', '.word 2', '.endif', '.else', '.if B', '.word 3', '.else', '.word 4', '.endif', '.endif'];
    expect(words(['A = 1', 'B = 1', ...src])).toEqual([1]);
    expect(words(['A = 1', 'B = 0', ...src])).toEqual([2]);
    expect(words(['A = 0', 'B = 1', ...src])).toEqual([3]);
    expect(words(['A = 0', 'B = 0', ...src])).toEqual([4]);
  });

  it('does not look at the skipped lines, except for conditionals', () => {
    expect(words(['.if 0', 'this is not assembly ***', '.ifdef X', '.endif', '.endif', '.word 1'])).toEqual([1]);
  });

  it('reports unbalanced conditionals', () => {
    expect(error('.endif')).toBe('1:1: .endif without .if');
    expect(error('  .else')).toBe('1:3: .else without .if');
    expect(error(['nop', '.if 1', 'nop'])).toBe('2:1: missing .endif for .if at a.s:2:1');
    expect(error(['.if 0', '.else', '.else', '.endif'])).toBe('3:1: second .else for .if at a.s:1:1');
    expect(error(['.if 0', '.endif', '.endif'])).toBe('3:1: .endif without .if');
  });

  it('a block opener with the wrong operand count still opens its block: no follow-on errors', () => {
    expect(errors(['.ifdef', 'nop', '.endif'])).toEqual(["1:1: '.ifdef' takes 1 operand (name), got 0"]);
    expect(errors(['.if 1, 2', 'nop', '.else', 'nop', '.endif'])).toEqual(["1:1: '.if' takes 1 operand (value), got 2"]);
    expect(errors(['.macro', 'nop', '.endm'])).toEqual(["1:1: '.macro' takes at least 1 operand (name param, ...), got 0"]);
  });

  it('skips both branches of an .if whose condition fails', () => {
    expect(errors(['.if nowhere', '.word 1', '.else', '.word 2', '.endif'])).toEqual(["1:5: undefined symbol 'nowhere'"]);
    expect(errors(['.if 1 +', 'bad line', '.endif'])).toEqual(['1:8: syntax error: expected an expression']);
  });
});
