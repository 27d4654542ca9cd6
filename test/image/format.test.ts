// The .bin format: what the writer produces the loader reads back, and every malformed image
// is rejected with the byte offset of the problem (docs/image-format.md).

import { describe, expect, it } from 'vitest';
import { HEADER_SIZE, ImageError, loadImage, MAGIC, writeImage } from '../../src/image/format.js';
import type { Image } from '../../src/image/model.js';
import { sourceOf } from '../../src/image/model.js';

const SAMPLE: Image = {
  entry: 0x1000,
  segments: [
    { address: 0x1000, bytes: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
    { address: 0x2000, bytes: new Uint8Array([9, 10]) },
  ],
  symbols: [
    { name: 'start', value: 0x1000, kind: 'label' },
    { name: 'main.loop', value: 0x1004, kind: 'label' },
    { name: 'LIMIT', value: 100, kind: 'constant' },
    { name: '_data.end', value: 0x2000, kind: 'label' },
  ],
  files: ['prog.s', 'inc/defs.s'],
  lines: [
    { address: 0x1000, file: 0, line: 3 },
    { address: 0x1004, file: 1, line: 7 },
    { address: 0x2000, file: 0, line: 9 },
  ],
};

function rejects(bytes: Uint8Array): ImageError {
  try {
    loadImage(bytes);
  } catch (e) {
    if (e instanceof ImageError) return e;
    throw e;
  }
  throw new Error('image was accepted');
}

function patched(offset: number, value: number, size: 1 | 2 | 4 = 4): Uint8Array {
  const bytes = writeImage(SAMPLE);
  const view = new DataView(bytes.buffer);
  if (size === 4) view.setUint32(offset, value >>> 0, true);
  else if (size === 2) view.setUint16(offset, value, true);
  else view.setUint8(offset, value);
  return bytes;
}

const SEG = HEADER_SIZE; // segment table
const SYM = SEG + 2 * 12;

describe('image format', () => {
  it('round-trips everything the writer stores', () => {
    const back = loadImage(writeImage(SAMPLE));
    expect(back.entry).toBe(SAMPLE.entry);
    expect(back.segments.map((s) => [s.address, [...s.bytes]])).toEqual(SAMPLE.segments.map((s) => [s.address, [...s.bytes]]));
    expect(back.symbols).toEqual(SAMPLE.symbols.map((s) => ({ ...s, value: s.value | 0 })));
    expect(back.files).toEqual(SAMPLE.files);
    expect(back.lines).toEqual(SAMPLE.lines);
  });

  it('starts with the magic and version', () => {
    const bytes = writeImage(SAMPLE);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe(MAGIC);
    expect(new DataView(bytes.buffer).getUint16(8, true)).toBe(1);
  });

  it('maps addresses to source lines', () => {
    expect(sourceOf(SAMPLE, 0x1000)).toEqual({ file: 'prog.s', line: 3 });
    expect(sourceOf(SAMPLE, 0x1006)).toEqual({ file: 'inc/defs.s', line: 7 });
    expect(sourceOf(SAMPLE, 0x2001)).toEqual({ file: 'prog.s', line: 9 });
    expect(sourceOf(SAMPLE, 0xfff)).toBeUndefined();
    expect(sourceOf(SAMPLE, 0x1800)).toBeUndefined(); // between segments
  });

  const cases: [string, () => Uint8Array, number, RegExp][] = [
    ['an empty file', () => new Uint8Array(0), 0, /truncated: the header needs 40 bytes/],
    ['a short header', () => writeImage(SAMPLE).slice(0, 20), 20, /truncated: the header/],
    ['a wrong magic', () => patched(0, 0x41414141), 0, /bad magic "AAAA2IMG": not a TOY32 image/],
    ['a short file of something else', () => new TextEncoder().encode('hi\n'), 0, /bad magic "hi\\n": not a TOY32 image/],
    ['the magic, cut short', () => writeImage(SAMPLE).slice(0, 5), 5, /truncated: the header needs 40 bytes/],
    ['a future version', () => patched(8, 7, 2), 8, /unsupported image version 7/],
    ['a wrong header size', () => patched(10, 44, 2), 10, /bad header size 44/],
    ['an absurd segment count', () => patched(16, 0xffffffff), 16, /segments count 4294967295 exceeds the limit/],
    ['a truncated segment table', () => writeImage(SAMPLE).slice(0, SEG + 5), SEG + 5, /truncated: the segment table needs 24 bytes at offset 40/],
    ['a truncated data area', () => writeImage(SAMPLE).slice(0, -1), writeImage(SAMPLE).length - 1, /truncated: the segment data/],
    ['trailing bytes', () => new Uint8Array([...writeImage(SAMPLE), 0, 0]), writeImage(SAMPLE).length, /2 unexpected bytes after the end/],
    ['an empty segment', () => patched(SEG + 4, 0), SEG + 4, /segment 0: size 0/],
    ['a segment past 4 GiB', () => patched(SEG, 0xfffffffc), SEG, /runs past the 4 GiB address space/],
    ['segments out of table order', () => patched(SEG + 8, 4), SEG + 8, /data offset 4, expected 0/],
    ['overlapping segments', () => patched(SEG + 12, 0x1004), SEG + 12, /overlaps the segment at 0x1000/],
    ['an entry outside every segment', () => patched(12, 0x3000), 12, /entry point 0x3000 is outside every segment/],
    ['a misaligned entry', () => patched(12, 0x1002), 12, /entry point 0x1002 is not a multiple of 4/],
    ['a bad symbol kind', () => patched(SYM + 8, 9), SYM + 8, /symbol 0: bad kind 9/],
    ['a symbol name outside the string table', () => patched(SYM + 4, 100000), SYM + 4, /symbol 0 name: string offset 100000 outside/],
    ['a symbol name starting inside another name', () => patched(SYM + 4, 1), SYM + 4, /symbol 0 name: string offset 1 is inside another string/],
  ];
  for (const [what, make, offset, message] of cases) {
    it(`rejects ${what} at offset ${offset}`, () => {
      const e = rejects(make());
      expect(e.offset).toBe(offset);
      expect(e.message).toMatch(message);
    });
  }

  it('rejects symbol names the assembler could not read back, and file names with control characters', () => {
    expect(rejects(writeImage({ ...SAMPLE, symbols: [{ name: 'C NSOLE', value: 1, kind: 'constant' }] })).message).toMatch(/symbol 0: name "C NSOLE" is not an assembler identifier/);
    expect(rejects(writeImage({ ...SAMPLE, symbols: [{ name: 'a\nb', value: 1, kind: 'label' }] })).message).toMatch(/is not an assembler identifier/);
    expect(rejects(writeImage({ ...SAMPLE, symbols: [{ name: 'SP', value: 1, kind: 'label' }] })).message).toMatch(/symbol 0: name "SP" is not an assembler identifier/);
    const twice = [{ name: 'a', value: 1, kind: 'label' as const }, { name: 'b', value: 2, kind: 'label' as const }, { name: 'a', value: 3, kind: 'constant' as const }];
    expect(rejects(writeImage({ ...SAMPLE, symbols: twice })).message).toMatch(/symbol 2: name "a" repeats symbol 0/);
    expect(rejects(writeImage({ ...SAMPLE, files: ['a.s', 'b\u001b[31m.s'] })).message).toMatch(/file 1: name .* contains control characters/);
  });

  it('rejects line-map rows that are unsorted, name no file or line 0', () => {
    const unsorted = { ...SAMPLE, lines: [SAMPLE.lines[1]!, SAMPLE.lines[0]!] };
    expect(rejects(writeImage(unsorted)).message).toMatch(/line map row 1: address 0x1000 is below the previous row's/);
    expect(rejects(writeImage({ ...SAMPLE, lines: [{ address: 0x1000, file: 5, line: 1 }] })).message).toMatch(/file index 5 out of range \(2 files\)/);
    expect(rejects(writeImage({ ...SAMPLE, lines: [{ address: 0x1000, file: 0, line: 0 }] })).message).toMatch(/line number 0/);
  });

  it('never throws anything but ImageError on random or truncated input', () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) & 0xff;
    const valid = writeImage(SAMPLE);
    for (let i = 0; i < 2000; i++) {
      const bytes = i < valid.length ? valid.slice(0, i) : valid.slice();
      if (i >= valid.length) for (let k = 0; k < 3; k++) bytes[rand() % bytes.length] = rand();
      try {
        loadImage(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(ImageError);
        expect((e as ImageError).offset).toBeGreaterThanOrEqual(0);
        expect((e as ImageError).offset).toBeLessThanOrEqual(bytes.length);
      }
    }
  });
});

describe('names in the string table cost at most its size to decode', () => {
  /** An image of one 4-byte segment, symbols and files named at the given offsets of a
   *  string table of `run` 'a's and a NUL. */
  function image(run: number, symbols: number[], files: number[] = []): Uint8Array {
    const strings = run + 1;
    const tables = 40 + 12 + 12 * symbols.length + 4 * files.length;
    const bytes = new Uint8Array(tables + strings + 4);
    const v = new DataView(bytes.buffer);
    bytes.set(new TextEncoder().encode('TOY32IMG'));
    [1, 40].forEach((x, i) => v.setUint16(8 + 2 * i, x, true));
    [0, 1, symbols.length, files.length, 0, strings, 4].forEach((x, i) => v.setUint32(12 + 4 * i, x, true));
    [0, 4, 0].forEach((x, i) => v.setUint32(40 + 4 * i, x, true));
    symbols.forEach((offset, i) => v.setUint32(52 + 12 * i + 4, offset, true));
    files.forEach((offset, i) => v.setUint32(52 + 12 * symbols.length + 4 * i, offset, true));
    bytes.fill(97, tables, tables + run);
    v.setUint32(bytes.length - 4, 0x53000000, true);
    return bytes;
  }

  it('unknown flags are named as unsigned hex, bit 31 too', () => {
    const bytes = writeImage({ ...SAMPLE, flags: 1 });
    expect(bytes[8]).toBe(2); // (a version-2 header, whose flags are at offset 40)
    for (const [flags, named] of [[0x80000000, '0x80000000'], [0xffffffff, '0xfffffffe'], [6, '0x6']] as const) {
      const edited = bytes.slice();
      new DataView(edited.buffer).setUint32(40, flags, true);
      let error: unknown;
      try {
        loadImage(edited);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ImageError);
      expect((error as ImageError).offset).toBe(40);
      expect((error as ImageError).message).toBe(`unknown flags ${named} (known: 1 PARAVIRT)`);
    }
  });

  it('a name starting inside another is refused (names one byte apart in one long run would cost its square)', () => {
    const n = 30_000;
    expect(() => loadImage(image(n + 10, Array.from({ length: n }, (_, i) => i)))).toThrow(/symbol 1 name: string offset 1 is inside another string/);
    expect(() => loadImage(image(n + 10, [], Array.from({ length: 4096 }, (_, i) => i)))).toThrow(/file 1 name: string offset 1 is inside another string/);
  });

  it('files naming the same offset share one decoded name', () => {
    const loaded = loadImage(image(1 << 20, [], new Array<number>(4096).fill(0)));
    expect(loaded.files).toHaveLength(4096);
    expect(loaded.files[4095]).toHaveLength(1 << 20);
  });

  it('a long name is cut between characters, and counted in characters', async () => {
    const { quotedName } = await import('../../src/image/model.js');
    expect(quotedName(`${'a'.repeat(59)}\u{1F600}\u0001b`)).toBe(`"${'a'.repeat(59)}\u{1F600}"... (62 characters)`);
    expect(quotedName(`${'a'.repeat(58)}\u{1F600}`)).toBe(`"${'a'.repeat(58)}\u{1F600}"`);
    expect(quotedName(`${'a'.repeat(59)}\u{1F600}${'b'.repeat(10)}`)).toBe(`"${'a'.repeat(59)}\u{1F600}"... (70 characters)`);
  });

  it('a message quotes a long name cut short', () => {
    expect(() => loadImage(image(100_000, [0, 0]))).toThrow(`symbol 1: name "${'a'.repeat(60)}"... (100000 characters) repeats symbol 0`);
  });
});
