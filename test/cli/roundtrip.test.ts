// vmm disasm prints assembly that reassembles to the same image: for every guest source under
// guests/, asm -> disasm -> asm gives byte-identical segments (by sha256, as `vmm inspect
// --json` reports them) and the same entry point.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADER_SIZE, writeImage } from '../../src/image/format.js';
import { IMAGE_FLAGS, type ImageSymbol } from '../../src/image/model.js';
import { cleanTemp, expectUsageError, ROOT, requireBundle, tempDir, vmm, vmmIn } from './helpers.js';

beforeAll(requireBundle);
afterAll(cleanTemp);

const sources = (readdirSync(join(ROOT, 'guests'), { recursive: true }) as string[])
  .filter((p) => p.endsWith('.s'))
  .map((p) => join('guests', p))
  .sort();

/** Files that other guests .include, or that say they are include-only in their header:
 *  fragments, assembled as part of a program. */
const fragments = new Set<string>();
for (const path of sources) {
  const text = readFileSync(join(ROOT, path), 'utf8');
  for (const m of text.matchAll(/^\s*\.include\s+"([^"]+)"/gm)) fragments.add(normalize(join(dirname(path), m[1]!)));
  if (/include-only|included by/i.test(text.split('\n').slice(0, 3).join('\n'))) fragments.add(path);
}
/** A fragment that is also a complete program (kread includes the whole of tinyos) still counts. */
const programs = sources.filter((p) => !fragments.has(p) || /^start:/m.test(readFileSync(join(ROOT, p), 'utf8')));

interface Inspected {
  entry: number;
  segments: { address: number; size: number; sha256: string }[];
  symbols: { name: string; value: number; kind: string }[];
}

async function inspect(image: string): Promise<Inspected> {
  const r = await vmmIn(['inspect', image, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('disasm then asm gives the same image', () => {
  it('finds the guests', () => {
    expect(programs).toEqual(expect.arrayContaining(['guests/bare/hello.s', 'guests/bare/primes.s', 'guests/kernel/tinyos.s', 'guests/attack/kread.s']));
    for (const f of sources.filter((p) => !programs.includes(p))) expect(readFileSync(join(ROOT, f), 'utf8'), f).not.toMatch(/^\s*\.entry\b/m);
  });

  for (const source of programs) {
    it(source, async () => {
      const dir = tempDir();
      const a = join(dir, 'a.bin');
      const dis = join(dir, 'a.dis.s');
      const b = join(dir, 'b.bin');
      expect((await vmmIn(['asm', source, '-o', a])).status).toBe(0);
      const d = await vmmIn(['disasm', a, '-o', dis]);
      expect(d.status, d.stderr).toBe(0);
      const re = await vmmIn(['asm', dis, '-o', b]);
      expect(re.status, re.stderr).toBe(0);
      const [ia, ib] = [await inspect(a), await inspect(b)];
      expect(ib.entry).toBe(ia.entry);
      expect(ib.segments).toEqual(ia.segments);
      expect(ia.segments.length).toBeGreaterThan(0);
      // Labels and constants come back too (under their qualified names).
      const key = (s: { name: string; value: number; kind: string }) => `${s.kind} ${s.name}=${s.value}`;
      expect(ib.symbols.map(key).sort()).toEqual(ia.symbols.map(key).sort());
    });
  }

  it('a long run of one byte (a .space, filled or not) comes back as one .space, labels inside it kept', async () => {
    // (40 MB of it, a word a line, took gigabytes to disassemble)
    const dir = tempDir();
    const src = join(dir, 'space.s');
    writeFileSync(src, 'start:  hlt\n        .space 0x800000, 7\nmid:    .space 0x1000\n        .byte 1, 2\n        .space 0x402, 0xff\nend:    .word 5\n');
    const [a, dis, b] = [join(dir, 'a.bin'), join(dir, 'a.dis.s'), join(dir, 'b.bin')];
    expect((await vmmIn(['asm', src, '-o', a])).status).toBe(0);
    expect((await vmmIn(['disasm', a, '-o', dis])).status).toBe(0);
    const text = readFileSync(dis, 'utf8');
    expect(text.split('\n').length).toBeLessThan(40);
    expect(text).toContain('.space 0x800000, 0x07');
    expect((await vmmIn(['asm', dis, '-o', b])).status).toBe(0);
    const [ia, ib] = [await inspect(a), await inspect(b)];
    expect(ib.segments).toEqual(ia.segments);
    expect(ib.symbols.map((x) => `${x.name}=${x.value}`).sort()).toEqual(ia.symbols.map((x) => `${x.name}=${x.value}`).sort());
  });

  it('labels named like registers past r15 (the entry among them) come back as they were', async () => {
    const dir = tempDir();
    const src = join(dir, 'names.s');
    writeFileSync(src, 'r16:    movi r1, 1\n        jmp R99\nR99:    hlt\n        .word r16\n');
    const [a, dis, b] = [join(dir, 'a.bin'), join(dir, 'a.dis.s'), join(dir, 'b.bin')];
    expect((await vmmIn(['asm', src, '-o', a])).status).toBe(0);
    expect((await vmmIn(['disasm', a, '-o', dis])).status).toBe(0);
    const again = await vmmIn(['asm', dis, '-o', b]);
    expect(again.status, again.stderr).toBe(0);
    const [ia, ib] = [await inspect(a), await inspect(b)];
    expect(ib.entry).toBe(ia.entry);
    expect(ib.segments).toEqual(ia.segments);
  });

  it('through the bundle: disasm to stdout, reassemble, same sha256', () => {
    const dir = tempDir();
    const a = join(dir, 'tinyos.bin');
    expect(vmm(['asm', 'guests/kernel/tinyos.s', '-o', a]).status).toBe(0);
    const dis = vmm(['disasm', a]);
    expect(dis.status).toBe(0);
    const disPath = join(dir, 'tinyos.dis.s');
    writeFileSync(disPath, dis.stdout);
    expect(vmm(['asm', disPath]).status).toBe(0);
    const ia = JSON.parse(vmm(['inspect', a, '--json']).stdout) as Inspected;
    const ib = JSON.parse(vmm(['inspect', join(dir, 'tinyos.dis.bin'), '--json']).stdout) as Inspected;
    expect(ib.entry).toBe(ia.entry);
    expect(ib.segments).toEqual(ia.segments);
  });
});

describe('images not made by vmm asm', () => {
  /** An image of one hlt at 0 with the label start, a constant named `name`, and one source file. */
  function imageWith(name: string, file = 's.s'): Uint8Array {
    const symbols: ImageSymbol[] = [
      { name: 'start', value: 0, kind: 'label' },
      { name, value: 0x10, kind: 'constant' },
    ];
    return writeImage({ entry: 0, segments: [{ address: 0, bytes: Uint8Array.of(0, 0, 0, 0x53) }], symbols, files: [file], lines: [{ address: 0, file: 0, line: 2 }] });
  }
  const SYMBOL_ROWS = HEADER_SIZE + 12; // after the header and the one segment row
  const FILE_ROWS = SYMBOL_ROWS + 2 * 12;

  function save(bytes: Uint8Array): string {
    const path = join(tempDir(), 'odd.bin');
    writeFileSync(path, bytes);
    return path;
  }

  it('a symbol name that is not an assembler identifier is rejected by inspect, disasm and run: exit 2 with its offset', async () => {
    // Printed as it is, such a name would break the disassembly (a space or ';' does not
    // reassemble, a newline injects lines, escape codes reach the terminal).
    for (const name of ['C NSOLE', '\nhlt\n', 'a;b', 'x:y', '1abc', 'r1-2', '\x1b[31mred', 'caf\u00e9']) {
      const path = save(imageWith(name));
      const at = SYMBOL_ROWS + 12 + 4; // symbol 1's name field
      const message = `vmm: ${path}: offset ${at} (0x${at.toString(16)}): symbol 1: name ${JSON.stringify(name)} is not an assembler identifier\n`;
      for (const args of [['inspect', path], ['disasm', path], ['run', path, '--mode', 'bare']]) {
        const r = await vmmIn(args);
        expect(r, `${JSON.stringify(name)}: vmm ${args[0]}`).toEqual({ status: 2, stdout: '', stderr: message });
      }
    }
  });

  it('through the bundle: a name with a newline injects nothing, exit 2', () => {
    const path = save(imageWith('\nhlt\n'));
    const r = vmm(['disasm', path]);
    expect(r).toEqual({ status: 2, stdout: '', stderr: `vmm: ${path}: offset 68 (0x44): symbol 1: name "\\nhlt\\n" is not an assembler identifier\n` });
  });

  it('a source file name with a control character is rejected: exit 2 with the offset of its row', async () => {
    for (const file of ['a\tb.s', 'x\ny.s', '\x1b[2Jclear.s', 'del\x7f.s']) {
      const path = save(imageWith('CONSOLE', file));
      // (quoted as JSON, which leaves DEL as it is: vmm's messages show it as \x7f)
      const name = JSON.stringify(file).replace('\x7f', '\\x7f');
      expectUsageError(await vmmIn(['inspect', path]), `vmm: ${path}: offset ${FILE_ROWS} (0x${FILE_ROWS.toString(16)}): file 0: name ${name} contains control characters`);
      expectUsageError(await vmmIn(['run', path, '--mode', 'trap']), `file 0: name ${name} contains control characters`);
    }
  });

  /** Disassemble the image at `path` and assemble that again: its inspection. */
  async function again(path: string): Promise<Inspected & { build: string }> {
    const dis = await vmmIn(['disasm', path, '-o', `${path}.s`]);
    expect(dis.status, dis.stderr).toBe(0);
    const re = await vmmIn(['asm', `${path}.s`, '-o', `${path}.2.bin`]);
    expect(re.status, re.stderr).toBe(0);
    return JSON.parse((await vmmIn(['inspect', `${path}.2.bin`, '--json'])).stdout);
  }

  it('segments that touch, a label where they meet: it reassembles, into one segment of the same bytes', async () => {
    const hlt = Uint8Array.of(0, 0, 0, 0x53);
    const nop = Uint8Array.of(0, 0, 0, 0);
    const symbols: ImageSymbol[] = [{ name: 'start', value: 0, kind: 'label' }, { name: 'mid', value: 4, kind: 'label' }];
    const path = save(writeImage({ entry: 0, segments: [{ address: 0, bytes: nop }, { address: 4, bytes: hlt }], symbols, files: [], lines: [] }));
    const doc = await again(path);
    expect(doc.symbols).toEqual([{ name: 'start', value: 0, kind: 'label' }, { name: 'mid', value: 4, kind: 'label' }]);
    expect(doc.segments.map((x) => [x.address, x.size])).toEqual([[0, 8]]);
    expect(readFileSync(`${path}.s`, 'utf8').match(/^mid:$/gm)).toHaveLength(1);
  });

  it('an image flagged a PARAVIRT build that does not define PARAVIRT reassembles flagged', async () => {
    const path = save(writeImage({ entry: 0, flags: IMAGE_FLAGS.PARAVIRT, segments: [{ address: 0, bytes: Uint8Array.of(0, 0, 0, 0x53) }], symbols: [], files: [], lines: [] }));
    expect((await vmmIn(['inspect', path, '--json'])).stdout).toContain('"build": "paravirt"');
    await again(path);
    expect((await vmmIn(['inspect', `${path}.2.bin`, '--json'])).stdout).toContain('"build": "paravirt"');
    expect(readFileSync(`${path}.s`, 'utf8')).toContain('.equ PARAVIRT, 0x1');
  });

  it('identifiers with dots, underscores and digits load, and the disassembly reassembles', async () => {
    for (const name of ['CONSOLE', '_x9', 'start.loop', 'A.b_c.d9']) {
      const path = save(imageWith(name, 'dir with spaces/\u00fcnicode.s'));
      const inspected = await vmmIn(['inspect', path]);
      expect(inspected.status, inspected.stderr).toBe(0);
      expect(inspected.stdout).toContain(`  0x00000010  constant  ${name}`);
      const dis = await vmmIn(['disasm', path, '-o', `${path}.s`]);
      expect(dis.status, dis.stderr).toBe(0);
      const re = await vmmIn(['asm', `${path}.s`, '-o', `${path}.2.bin`]);
      expect(re.stderr, name).toBe('');
      const doc = JSON.parse((await vmmIn(['inspect', `${path}.2.bin`, '--json'])).stdout) as Inspected;
      expect(doc.symbols).toContainEqual({ name, value: 0x10, kind: 'constant' });
      expect(doc.segments[0]!.size).toBe(4);
    }
  });
});

describe('a listing past the assembler\'s bounds', () => {
  it('a label at each of a million addresses: written whole, with a warning that it will not assemble back (status 0)', async () => {
    const count = 1_000_001;
    const symbols: ImageSymbol[] = Array.from({ length: count }, (_, i) => ({ name: `l${i}`, value: i, kind: 'label' }));
    const dir = tempDir();
    const image = join(dir, 'labels.bin');
    writeFileSync(image, writeImage({ entry: 0, segments: [{ address: 0, bytes: new Uint8Array(count + 3) }], symbols, files: [], lines: [] }));
    const r = await vmmIn(['disasm', image, '-o', join(dir, 'labels.dis.s')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^vmm: warning: the listing has [\d,]+ lines \([\d.]+ MiB\), more than the assembler reads \(1,000,000 lines, 256 MiB\): it will not assemble back\n$/);
    // (within the bounds, no warning)
    const small = join(dir, 'small.bin');
    writeFileSync(small, writeImage({ entry: 0, segments: [{ address: 0, bytes: new Uint8Array(8) }], symbols: symbols.slice(0, 4), files: [], lines: [] }));
    expect((await vmmIn(['disasm', small, '-o', join(dir, 'small.dis.s')])).stderr).toBe('');
  });
});
