import { describe, expect, it } from 'vitest';
import { assembleFile, assembleSource } from '../../src/asm/index.js';
import { files } from './helpers.js';

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

  it('reports a missing file at the path operand', () => {
    const r = assembleSource('nop\n  .include "x.s"\n', 'a.s', { readFile: files({}) });
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["2:12: cannot include 'x.s': no such file"]);
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
