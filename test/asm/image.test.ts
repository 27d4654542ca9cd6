import { describe, expect, it } from 'vitest';
import { error, image } from './helpers.js';

const layout = (src: string[]): [number, number][] => image(src).segments.map((s) => [s.address, s.bytes.length]);

describe('the image', () => {
  it('starts at address 0 by default', () => {
    expect(layout(['nop'])).toEqual([[0, 4]]);
  });

  it('makes one segment per contiguous run, including .space and .align bytes', () => {
    expect(layout(['.word 1', '.space 8', '.byte 1', '.align 4', 'nop'])).toEqual([[0, 20]]);
    expect(layout(['.org 0x10', '.word 1', '.org 0x20', '.word 2'])).toEqual([[0x10, 4], [0x20, 4]]);
  });

  it('merges runs that touch, even when written out of order', () => {
    expect(layout(['.org 0x104', '.word 2', '.org 0x100', '.word 1'])).toEqual([[0x100, 8]]);
    const img = image(['.org 0x104', '.word 2', '.org 0x100', '.word 1']);
    expect(Array.from(img.segments[0]!.bytes)).toEqual([1, 0, 0, 0, 2, 0, 0, 0]);
    expect(layout(['.org 8', '.word 2', '.org 0', '.word 1', '.org 4', '.word 3'])).toEqual([[0, 12]]);
  });

  it('reports bytes emitted twice, naming the address', () => {
    expect(error(['.org 0x100', '.word 1, 2', '.org 0x104', '.byte 9'])).toBe('4:1: bytes at 0x104 already emitted (by a.s:2:1)');
    expect(error(['.org 0x104', '.word 1', '.org 0x100', '.word 1, 2'])).toBe('4:1: bytes at 0x104 already emitted (by a.s:2:1)');
  });

  it('lists every label and constant with its kind', () => {
    const img = image(['K = 7', 'start: nop', '.l: nop']);
    expect(img.symbols).toEqual([
      { name: 'K', value: 7, kind: 'constant' },
      { name: 'start', value: 0, kind: 'label' },
      { name: 'start.l', value: 4, kind: 'label' },
    ]);
  });

  it('stores symbol values as unsigned 32-bit numbers', () => {
    expect(image('M = -1').symbols[0]!.value).toBe(0xffffffff);
  });

  it('maps each emitted statement to its line, sorted by address', () => {
    const img = image(['.org 0x10', 'nop', '', '; c', '.word 1', '.org 0', 'x: nop']);
    expect(img.lines).toEqual([
      { address: 0, file: 0, line: 7 },
      { address: 0x10, file: 0, line: 2 },
      { address: 0x14, file: 0, line: 5 },
    ]);
    expect(img.files).toEqual(['a.s']);
  });

  it('maps code from a macro to the line that invoked it, the outermost invocation', () => {
    const img = image(['.macro m', '  nop', '  nop', '.endm', '.macro outer', '  m', '  nop', '.endm', 'm', 'outer']);
    expect(img.lines.map((l) => [l.address, l.line])).toEqual([[0, 9], [4, 9], [8, 10], [12, 10], [16, 10]]);
  });

  it('keeps addresses inside 32 bits', () => {
    expect(image(['.org 0xfffffffc', '.word 5']).segments[0]!.address).toBe(0xfffffffc);
    expect(error(['.org 0xfffffffc', '.word 5, 6'])).toBe('2:1: bytes beyond the end of the address space (0xfffffffc + 8)');
  });
});
