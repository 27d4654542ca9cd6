import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_INCLUDE_DEPTH, MAX_INCLUDED_CHARS, MAX_INCLUDES } from '../../src/asm/directives.js';
import { builtinIncludeDir } from '../../src/asm/include-path.js';
import { assembleFile, assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import { files, symbol } from './helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILTIN = join(ROOT, 'guests', 'include');

describe('.include', () => {
  it('assembles another file in place, relative to the including file', () => {
    const readFile = files({
      'src/main.s': '.word 1\n.include "lib/util.s"\n.word 3\n',
      'src/lib/util.s': 'util: .word 2\n.include "more.s"\n',
      'src/lib/more.s': '.word UTIL_K\nUTIL_K = 4\n',
    });
    const r = assembleFile('src/main.s', { readFile });
    expect(r.diagnostics).toEqual([]);
    expect(Array.from(r.image!.segments[0]!.bytes.filter((_, i) => i % 4 === 0))).toEqual([1, 2, 4, 3]);
    expect(r.image!.files).toEqual(['src/main.s', 'src/lib/util.s', 'src/lib/more.s']);
    expect(r.image!.lines.map((l) => [l.address, r.image!.files[l.file], l.line])).toEqual([
      [0, 'src/main.s', 1],
      [4, 'src/lib/util.s', 1],
      [8, 'src/lib/more.s', 1],
      [12, 'src/main.s', 3],
    ]);
  });

  it('ignores a UTF-8 byte-order mark at the start of the main file and of included files', () => {
    const readFile = files({ 'a.s': '\ufeffstart: .word 1\n.include "b.s"\n', 'b.s': '\ufeff.word 2\n' });
    const r = assembleFile('a.s', { readFile });
    expect(r.diagnostics).toEqual([]);
    expect(Array.from(r.image!.segments[0]!.bytes.filter((_, i) => i % 4 === 0))).toEqual([1, 2]);
  });

  it('lists a file included twice once', () => {
    const readFile = files({ 'a.s': '.include "b.s"\n.include "b.s"', 'b.s': '.byte 1' });
    expect(assembleFile('a.s', { readFile }).image!.files).toEqual(['a.s', 'b.s']);
  });

  it('reports a missing file at the path operand, naming every place searched', () => {
    const r = assembleSource('nop\n  .include "x.s"\n', 'src/a.s', { readFile: files({}), includeDirs: ['inc', 'lib'] });
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual([
      `2:12: cannot include 'x.s': no such file (searched src/x.s, inc/x.s, lib/x.s, ${BUILTIN}/x.s)`,
    ]);
    // An absolute path is only itself.
    const abs = assembleSource('.include "/no/x.s"', 'a.s', { readFile: files({}), includeDirs: ['inc'] });
    expect(abs.diagnostics.map((d) => d.message)).toEqual(["cannot include '/no/x.s': no such file"]);
  });

  it('reports include cycles', () => {
    const self = assembleFile('a.s', { readFile: files({ 'a.s': '.include "a.s"' }) });
    expect(self.diagnostics.map((d) => d.message)).toEqual(["include cycle: 'a.s' includes itself"]);
    const loop = assembleFile('a.s', { readFile: files({ 'a.s': '.include "b.s"', 'b.s': '\n.include "a.s"' }) });
    const d = loop.diagnostics[0]!;
    expect([d.file, d.line, d.column, d.message]).toEqual(['b.s', 2, 10, "include cycle: 'a.s' includes itself"]);
    expect(d.chain).toEqual(['included from a.s:1:1']);
  });

  it('reports errors in included files with the include chain', () => {
    const readFile = files({ 'a.s': 'nop\n.include "b.s"', 'b.s': '.macro m\n  bad\n.endm\n\n  m' });
    const d = assembleFile('a.s', { readFile }).diagnostics[0]!;
    expect([d.file, d.line, d.column, d.message]).toEqual(['b.s', 2, 3, "unknown mnemonic 'bad'"]);
    expect(d.chain).toEqual(["in macro 'm' invoked at b.s:5:3", 'included from a.s:2:1']);
  });

  it('reports a main file that cannot be read', () => {
    const r = assembleFile('nope.s', { readFile: files({}) });
    expect(r.image).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual(["nope.s:1:1: cannot read 'nope.s': no such file"]);
  });

  it('reads real files by default', () => {
    const r = assembleFile('/nonexistent/dir/x.s');
    expect(r.diagnostics[0]!.message).toBe("cannot read '/nonexistent/dir/x.s': no such file");
  });
});

describe('.include search: the including file\'s directory, then -I in order, then the built-in directory', () => {
  const value = (readFile: (p: string) => string, includeDirs: string[] = ['inc1', 'inc2']) => {
    const r = assembleFile('src/main.s', { readFile, includeDirs });
    expect(r.diagnostics).toEqual([]);
    return { k: symbol(r.image!, 'K'), files: r.image!.files };
  };

  it('takes the first place that has the file', () => {
    const all = { 'src/main.s': '.include "k.inc"\nstart: nop', 'src/k.inc': 'K = 1', 'inc1/k.inc': 'K = 2', 'inc2/k.inc': 'K = 3' };
    expect(value(files(all))).toEqual({ k: 1, files: ['src/main.s', 'src/k.inc'] });
    const { 'src/k.inc': _, ...noLocal } = all;
    expect(value(files(noLocal))).toEqual({ k: 2, files: ['src/main.s', 'inc1/k.inc'] });
    expect(value(files(noLocal), ['inc2', 'inc1'])).toEqual({ k: 3, files: ['src/main.s', 'inc2/k.inc'] });
    const { 'inc1/k.inc': __, ...onlyLast } = noLocal;
    expect(value(files(onlyLast))).toEqual({ k: 3, files: ['src/main.s', 'inc2/k.inc'] });
  });

  it('searches from the directory of a file found through -I for what it includes', () => {
    const map = { 'src/main.s': '.include "k.inc"\nstart: nop', 'inc2/k.inc': '.include "more.inc"', 'inc2/more.inc': 'K = 5' };
    expect(value(files(map))).toEqual({ k: 5, files: ['src/main.s', 'inc2/k.inc', 'inc2/more.inc'] });
  });

  it('reports a place that has the file but cannot read it, with its path when found through -I', () => {
    const readFile = (p: string) => {
      if (p === 'inc1/d.s') throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      return files({})(p);
    };
    expect(assembleFile('src/main.s', { readFile: (p) => (p === 'src/main.s' ? '.include "d.s"' : readFile(p)), includeDirs: ['inc1'] }).diagnostics.map((d) => d.message)).toEqual([
      "cannot include 'd.s' (inc1/d.s): is a directory",
    ]);
  });

  it('keeps the cycle check: a file found through -I that includes its includer', () => {
    const r = assembleFile('a.s', { readFile: files({ 'a.s': '.include "b.s"', 'inc/b.s': '.include "a.s"' }), includeDirs: ['inc', '.'] });
    const d = r.diagnostics[0]!;
    expect([d.file, d.line, d.column, d.message]).toEqual(['inc/b.s', 1, 10, "include cycle: 'a.s' includes itself"]);
    expect(d.chain).toEqual(['included from a.s:1:1']);
  });

  it('keeps the depth limit for chains of files found through -I', () => {
    const map: Record<string, string> = { 'a.s': '.include "f0.s"' };
    for (let i = 0; i < MAX_INCLUDE_DEPTH + 5; i++) map[`inc/f${i}.s`] = `.include "f${i + 1}.s"`;
    const r = assembleFile('a.s', { readFile: files(map), includeDirs: ['inc'] });
    expect(r.diagnostics.map((d) => d.message)).toEqual([`includes nested deeper than ${MAX_INCLUDE_DEPTH}`]);
    // (a.s includes f0.s, ..., f62.s includes f63.s: 64 deep; f63.s's include is the 65th)
    expect(r.diagnostics[0]!.file).toBe(`inc/f${MAX_INCLUDE_DEPTH - 1}.s`);
  });

  it('takes includes exactly 64 deep', () => {
    const map: Record<string, string> = { 'a.s': 'start: nop\n.include "f0.s"' };
    for (let i = 0; i < MAX_INCLUDE_DEPTH; i++) map[`f${i}.s`] = i < MAX_INCLUDE_DEPTH - 1 ? `.include "f${i + 1}.s"` : 'nop';
    expect(assembleFile('a.s', { readFile: files(map) }).diagnostics).toEqual([]);
  });

  it('stops a tree of includes after MAX_INCLUDES, at once', () => {
    // (each file includes the next twice: 2^30 includes, which took minutes to reach the
    // line limit, one file read each)
    const map: Record<string, string> = { 'a.s': 'start: nop\n.include "t0.s"' };
    for (let i = 0; i < 30; i++) map[`t${i}.s`] = `.include "t${i + 1}.s"\n.include "t${i + 1}.s"`;
    map['t30.s'] = 'nop';
    const t0 = performance.now();
    const r = assembleFile('a.s', { readFile: files(map) });
    expect(r.diagnostics.map((d) => d.message)).toEqual([`too many includes: more than ${MAX_INCLUDES.toLocaleString('en-US')} (each reads and assembles its file again)`]);
    expect(performance.now() - t0).toBeLessThan(20_000); // (a bound on a hang, not a speed test)
  });

  it('stops at MAX_INCLUDED_CHARS of included text in all, however few includes read it', () => {
    // (a comment of just over 32 MiB: its 8th include passes 256 MiB; 10,000 such ran for minutes)
    const big = `;${'x'.repeat(32 << 20)}\n`;
    const r = assembleFile('a.s', { readFile: files({ 'a.s': `start: nop\n${'.include "big.s"\n'.repeat(20)}`, 'big.s': big }) });
    expect(r.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual([`9: too much included text: more than ${MAX_INCLUDED_CHARS.toLocaleString('en-US')} characters in all (each .include reads and assembles its file again)`]);
  });

  it('refuses a file name with a NUL byte in its own words, and escapes control characters in what it shows', () => {
    const r = assembleFile('a.s', { readFile: files({ 'a.s': 'start: nop\n.include "a\\0b"\n.include "\\x1b[2J\\x07"' }) });
    expect(r.diagnostics.map((d) => d.message.replace(/ \(searched .*/, ''))).toEqual(["cannot include 'a\0b': a file name cannot hold a NUL byte", "cannot include '\x1b[2J\x07': no such file"]);
    const shown = r.diagnostics.map((d) => formatDiagnostic(d));
    expect(shown[0]!.split('\n')[0]).toBe("a.s:2:10: error: cannot include 'a\\x00b': a file name cannot hold a NUL byte");
    expect(shown[1]!.split('\n')[0]).toMatch(/^a\.s:3:10: error: cannot include '\\x1b\[2J\\x07': no such file \(searched \\x1b\[2J\\x07, /);
    // eslint-disable-next-line no-control-regex
    for (const text of shown) expect(text).not.toMatch(/[\0-\x08\x0b-\x1f\x7f-\x9f]/);
  });

  it("refuses a source whose file name holds control characters, which an image's file table cannot name (the main file or an included one)", () => {
    const main = assembleFile('a\tb.s', { readFile: files({ 'a\tb.s': 'start: hlt\n' }) });
    expect(main.image).toBeUndefined();
    expect(main.diagnostics.map((d) => d.message)).toEqual(['this source file\'s name "a\\tb.s" contains control characters, and an image\'s file table cannot hold it: rename it']);
    const included = assembleFile('a.s', { readFile: files({ 'a.s': 'start: nop\n.include "e\x1b[31m.s"\n', 'e\x1b[31m.s': 'nop\n' }) });
    expect(included.image).toBeUndefined();
    expect(included.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual(['2:10 cannot include this file: its name "e\\u001b[31m.s" contains control characters, and an image\'s file table cannot hold it (rename it)']);
  });

  it('the built-in directory is guests/include of this package, holding platform.inc', () => {
    expect(builtinIncludeDir()).toBe(BUILTIN);
  });

  describe('with a source outside the repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmm-asm-include-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('.include "platform.inc" finds the platform constants with no copying', () => {
      writeFileSync(join(dir, 'a.s'), '.include "platform.inc"\nstart:  out CONSOLE_DATA, r1\n        hlt\n');
      const r = assembleFile(join(dir, 'a.s'));
      expect(r.diagnostics).toEqual([]);
      expect(symbol(r.image!, 'CONSOLE_DATA')).toBe(0x10);
      expect(r.image!.files).toEqual([join(dir, 'a.s'), join(BUILTIN, 'platform.inc')]);
    });

    it('a platform.inc of its own (next to it, or through -I) comes first', () => {
      mkdirSync(join(dir, 'lib'));
      writeFileSync(join(dir, 'lib', 'platform.inc'), 'CONSOLE_DATA = 0x99\n');
      writeFileSync(join(dir, 'b.s'), '.include "platform.inc"\nstart:  hlt\n');
      const viaI = assembleFile(join(dir, 'b.s'), { includeDirs: [join(dir, 'lib')] });
      expect(symbol(viaI.image!, 'CONSOLE_DATA')).toBe(0x99);
      writeFileSync(join(dir, 'platform.inc'), 'CONSOLE_DATA = 0x77\n');
      const local = assembleFile(join(dir, 'b.s'), { includeDirs: [join(dir, 'lib')] });
      expect(symbol(local.image!, 'CONSOLE_DATA')).toBe(0x77);
    });
  });
});
