// vmm disasm's listing reassembles to the same segments and entry, even an image too large to
// list a word a line within the assembler's line bound (docs/cli.md, vmm disasm).

import { describe, expect, it } from 'vitest';
import { assembleSource } from '../../src/asm/index.js';
import { disassembleImage } from '../../src/image/disassembly.js';

describe('a listing past the assembler\'s line bound', () => {
  it('is listed compact, 16 words to a .word line between labels, and reassembles to the same segments and entry', () => {
    const source = `start: hlt\nmid: ${Array.from({ length: 200 }, (_, i) => `.word ${i * 7919}`).join('\n')}\nend: .byte 1, 2, 3\n.entry mid\n`;
    const original = assembleSource(source, 'big.s').image!;
    const listing = disassembleImage(original, 'big', undefined, 100);
    expect(listing).toContain('; listed 16 words to a line');
    expect(listing.split('\n').length).toBeLessThan(100);
    const again = assembleSource(listing, 'again.s');
    expect(again.diagnostics).toEqual([]);
    expect(again.image!.segments).toEqual(original.segments);
    expect(again.image!.entry).toBe(original.entry);
    expect(again.image!.symbols.filter((s) => s.kind === 'label')).toEqual(original.symbols.filter((s) => s.kind === 'label'));
    // (within the bound it is a word a line, as before)
    expect(disassembleImage(original, 'big', undefined, 1000)).not.toContain('listed 16 words');
  });

  it('keeps a long run of one byte one .space line, and labels inside a packed run at their addresses', () => {
    const source = `start: hlt\n${Array.from({ length: 40 }, (_, i) => `.word ${i}`).join('\n')}\n.space 0x400, 7\ninner: .word 1, 2, 3\nodd: .byte 9\nlast: .byte 0x12, 0x34\n.byte 5\n.entry inner\n`;
    const original = assembleSource(source, 'runs.s').image!;
    const listing = disassembleImage(original, 'runs', undefined, 10);
    expect(listing).toContain('; listed 16 words to a line');
    expect(listing).toContain('.space 0x400, 0x07');
    const again = assembleSource(listing, 'again.s');
    expect(again.diagnostics).toEqual([]);
    expect(again.image!.segments).toEqual(original.segments);
    expect(again.image!.entry).toBe(original.entry);
    expect(again.image!.symbols.filter((s) => s.kind === 'label')).toEqual(original.symbols.filter((s) => s.kind === 'label'));
  });
});

describe('a compact listing of labels inside words', () => {
  it('packs the bytes between labels, so that an image of many labels still fits the bound', () => {
    const source = `start: hlt\n${Array.from({ length: 60 }, (_, i) => `l${i}: .byte ${i}, 1, 2, 3, 4`).join('\n')}\n`;
    const original = assembleSource(source, 'labels.s').image!;
    const plain = disassembleImage(original, 'labels');
    const listing = disassembleImage(original, 'labels', undefined, 200);
    expect(listing.split('\n').length).toBeLessThan(plain.split('\n').length * 0.75);
    const again = assembleSource(listing, 'again.s');
    expect(again.diagnostics).toEqual([]);
    expect(again.image!.segments).toEqual(original.segments);
    expect(again.image!.symbols.filter((s) => s.kind === 'label')).toEqual(original.symbols.filter((s) => s.kind === 'label'));
  });
});
