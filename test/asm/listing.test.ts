import { describe, expect, it } from 'vitest';
import { formatListing } from '../../src/asm/index.js';
import { asm } from './helpers.js';

describe('listing', () => {
  it('has one row per line that emits or defines something', () => {
    const r = asm(['; comment', 'K = 5', 'start:', '  li r1, 0x12345', '', '  .byte 1, 2, 3, 4', '.macro m', 'nop', '.endm', '  m']);
    expect(r.listing.map((row) => [row.address, Array.from(row.bytes), row.line, row.text])).toEqual([
      [undefined, [], 2, 'K = 5'],
      [0, [], 3, 'start:'],
      [0, [0x01, 0x00, 0x10, 0x19, 0x45, 0x23, 0x11, 0x13], 4, '  li r1, 0x12345'],
      [8, [1, 2, 3, 4], 6, '  .byte 1, 2, 3, 4'],
      [12, [], 10, '  m'],
      [12, [0, 0, 0, 9], 8, 'nop'],
    ]);
  });

  it('formats aligned columns with continuation rows', () => {
    const r = asm(['K = 5', 'start:  li r1, 0x12345   ; load', '        .ascii "abcdefghij"', '        .align 4', ...Array(6).fill(''), '        nop']);
    expect(r.diagnostics).toEqual([]);
    expect(formatListing(r.listing)).toBe(
      [
        `; ${r.listing[0]!.file}`,
        '                        1  K = 5',
        '00000000  01 00 10 19   2  start:  li r1, 0x12345   ; load',
        '00000004  45 23 11 13',
        '00000008  61 62 63 64   3          .ascii "abcdefghij"',
        '0000000c  65 66 67 68',
        '00000010  69 6a',
        '00000012  00 00         4          .align 4',
        '00000014  00 00 00 09  11          nop',
      ].join('\n'),
    );
  });

  it('shows rows that repeat the one before as one *, keeping the last (a .space of 96 MiB was 25 million rows)', () => {
    const r = asm(['start:  .space 0x6000000', '        .word 1, 1, 1, 2', '        .space 6, 9']);
    expect(r.diagnostics).toEqual([]);
    expect(formatListing(r.listing).split('\n').slice(1)).toEqual([
      '00000000  00 00 00 00  1  start:  .space 0x6000000',
      '00000004  00 00 00 00',
      '*',
      '05fffffc  00 00 00 00',
      '06000000  01 00 00 00  2          .word 1, 1, 1, 2',
      '06000004  01 00 00 00',
      '*',
      '0600000c  02 00 00 00',
      '06000010  09 09 09 09  3          .space 6, 9',
      '06000014  09 09',
    ]);
  });

  it('names the file of the rows, and each file the rows move to (into an .include and back)', () => {
    const rows = [
      { address: 0, bytes: new Uint8Array(0), file: 'main.s', line: 1, text: '.include "defs.s"' },
      { address: undefined, bytes: new Uint8Array(0), file: 'defs.s', line: 1, text: 'K = 1' },
      { address: 0, bytes: new Uint8Array([1, 0, 0, 0]), file: 'main.s', line: 2, text: '.word K' },
    ];
    expect(formatListing(rows).split('\n').filter((l) => l.startsWith(';'))).toEqual(['; main.s', '; defs.s', '; main.s']);
  });

  it('formats nothing for no rows', () => {
    expect(formatListing([])).toBe('');
  });
});
