// A file that is not UTF-8 text (a .bin image given as a source, above all) is one error, at
// its first offending byte, whether it is the main file or included.
import { describe, expect, it } from 'vitest';
import { assembleFile, formatDiagnostic } from '../../src/asm/index.js';
import { firstInvalidUtf8, sourceText } from '../../src/asm/source-text.js';
import { writeImage } from '../../src/image/format.js';
import { image } from './helpers.js';
import { random } from './mutate.js';

const utf8 = (text: string) => new TextEncoder().encode(text);
/** A readFile over files given as bytes. */
const byteFiles = (map: Record<string, Uint8Array>) => (path: string) => {
  const bytes = map[path];
  if (bytes === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return bytes;
};
const PROGRAM = ['start:  movi r1, 72', '        out 0x10, r1', '        hlt'];

describe('a binary given as a source', () => {
  const bin = writeImage(image(PROGRAM));

  it('is one error at its first NUL byte, not an error per line', () => {
    const r = assembleFile('hello.bin', { readFile: byteFiles({ 'hello.bin': bin }) });
    expect(r.image).toBeUndefined();
    expect(r.diagnostics).toHaveLength(1);
    const d = r.diagnostics[0]!;
    const nul = bin.indexOf(0);
    expect([d.file, d.line, d.column]).toEqual(['hello.bin', 1, nul + 1]);
    expect(d.message).toBe("'hello.bin' is not a text file: it looks like a binary, with a NUL byte here (a .bin image? use vmm disasm)");
  });

  it('shows its line without control characters, cut short, with the caret on the byte', () => {
    const d = assembleFile('hello.bin', { readFile: byteFiles({ 'hello.bin': bin }) }).diagnostics[0]!;
    const text = formatDiagnostic(d);
    expect(text).not.toMatch(/[\0-\x08\x0b-\x1f\x7f\ufffd]/);
    const [, line, caret] = text.split('\n');
    expect(line!.startsWith('  TOY32IMG')).toBe(true);
    expect(line!.length).toBeLessThanOrEqual(2 + d.column + 16 + 3);
    expect(caret).toBe(' '.repeat(2 + d.column - 1) + '^');
  });

  it('when included: one error at the .include, saying where the byte is', () => {
    const readFile = byteFiles({ 'a.s': utf8('start: nop\n  .include "lib/hello.bin"\n'), 'lib/hello.bin': bin });
    const r = assembleFile('a.s', { readFile });
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual([
      `a.s:2:12: cannot include 'lib/hello.bin': 'lib/hello.bin' is not a text file: it looks like a binary, with a NUL byte at line 1, column ${bin.indexOf(0) + 1} (a .bin image? use vmm disasm)`,
    ]);
  });

  it('any NUL makes a file not text, even in a string read by a custom readFile', () => {
    const r = assembleFile('a.s', { readFile: () => 'start: nop\n\tnop\0\n' });
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["2:5: 'a.s' is not a text file: it looks like a binary, with a NUL byte here (a .bin image? use vmm disasm)"]);
    expect(r.diagnostics[0]!.sourceLine).toBe('\tnop?');
  });
});

describe('bytes that are not UTF-8', () => {
  it('are one error at the first of them (a Latin-1 file, say)', () => {
    const latin1 = Uint8Array.from([...utf8('start: nop\n  hlt ; caf'), 0xe9, ...utf8(' \xe9\n')]);
    const r = assembleFile('a.s', { readFile: byteFiles({ 'a.s': latin1 }) });
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual([
      "2:12: 'a.s' is not a text file: byte 0xe9 here is not UTF-8 (sources are UTF-8 text; a .bin image? use vmm disasm)",
    ]);
    expect(r.diagnostics[0]!.sourceLine).toBe('  hlt ; caf? é');
  });

  it('UTF-8 text read as bytes assembles, byte-order mark dropped', () => {
    const r = assembleFile('a.s', { readFile: byteFiles({ 'a.s': utf8('\ufeffstart: .ascii "é→😀"\n') }) });
    expect(r.diagnostics).toEqual([]);
    expect(Array.from(r.image!.segments[0]!.bytes)).toEqual(Array.from(utf8('é→😀')));
    expect(sourceText(utf8('\ufeffx'))).toBe('x');
    expect(sourceText('\ufeffx')).toBe('x');
  });

  it('firstInvalidUtf8 agrees with a strict decoder (overlong forms, surrogates, truncation, past U+10FFFF)', () => {
    expect(firstInvalidUtf8(Uint8Array.from([0x41, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(Uint8Array.from([0x41, 0xe2, 0x86]))).toBe(1);
    expect(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0);
    expect(firstInvalidUtf8(utf8('a é → 😀'))).toBe(-1);
    const strict = new TextDecoder('utf-8', { fatal: true });
    const rnd = random(5);
    for (let n = 0; n < 2000; n++) {
      const bytes = Uint8Array.from({ length: Math.floor(rnd() * 8) }, () => [0x41, 0x80, 0xbf, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xa0, 0x90][Math.floor(rnd() * 13)]!);
      let valid = true;
      try {
        strict.decode(bytes);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(bytes) === -1, Array.from(bytes).join(' ')).toBe(valid);
    }
  });
});
