import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearest, quoted } from '../../src/text/nearest.js';

describe('nearest: the likely typo', () => {
  it('counts inserts, deletes, substitutions and adjacent swaps as one step each', () => {
    expect(editDistance('movi', 'movi')).toBe(0);
    expect(editDistance('mvoi', 'movi')).toBe(1);
    expect(editDistance('mov', 'movi')).toBe(1);
    expect(editDistance('movx', 'movi')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests a candidate only when it is near enough, ignoring case', () => {
    expect(nearest('hiden-page-fault', ['hlt', 'hidden-page-fault', 'page-table-write'])).toBe('hidden-page-fault');
    expect(nearest('WROD', ['.word', 'word'])).toBe('word');
    expect(nearest('xyz', ['movi', 'addi'])).toBeUndefined();
    expect(didYouMean('ad', ['add', 'sub'])).toBe(" (did you mean 'add'?)");
    expect(didYouMean('zzzz', ['add', 'sub'])).toBe('');
  });

  it('a very long word is compared only with candidates of a length near its own (a megabyte of it is no slower than a word)', () => {
    expect(nearest('x'.repeat(1_000_000), ['movi', 'addi', 'x'.repeat(10)])).toBeUndefined();
    expect(quoted('y'.repeat(100))).toBe(`${'y'.repeat(37)}...`);
    expect(quoted('movi')).toBe('movi');
  });
});
