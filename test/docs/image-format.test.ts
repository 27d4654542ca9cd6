// docs/image-format.md must document every loader error and show a hexdump that is what
// the assembler writes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleSource } from '../../src/asm/index.js';
import { HEADER_SIZE, ImageError, LIMITS, loadImage, MAGIC, VERSION, writeImage } from '../../src/image/format.js';
import { asmBlocks, codeBlocks, readDoc, splitTemplate, tableRows, templateRegex } from './helpers.js';

const doc = readDoc('image-format.md');
const source = readFileSync(new URL('../../src/image/format.ts', import.meta.url), 'utf8');

/** The message templates of every ImageError the loader throws. */
const templates = [...source.matchAll(/new ImageError\([^,]+,\s*(`(?:[^`\\]|\\.)*`)\)/g)].map((m) => m[1]!.slice(1, -1));

/** The bytes of an `od -A x -t x1z` dump. */
function fromHexdump(text: string): number[] {
  const bytes: number[] = [];
  for (const line of text.split('\n')) {
    const m = /^[0-9a-f]{6}((?: [0-9a-f]{2})+)/.exec(line);
    if (m) bytes.push(...m[1]!.trim().split(' ').map((h) => parseInt(h, 16)));
  }
  return bytes;
}

describe('docs/image-format.md', () => {
  it('documents every ImageError message', () => {
    expect(templates.length).toBeGreaterThanOrEqual(20);
    for (const t of templates) {
      const fragment = splitTemplate(t).reduce((a, b) => (b.trim().length > a.length ? b.trim() : a), '');
      expect(doc, `a distinctive fragment of "${t}"`).toContain(fragment);
      expect(doc, `the message "${t}"`).toMatch(templateRegex(t));
    }
  });

  it('gives the header constants and limits', () => {
    const fields = ['magic', 'version', 'header size', 'entry', 'segments', 'symbols', 'files', 'lines', 'string size', 'data size'];
    const header = tableRows(doc).filter((r) => r.length === 4 && fields.includes(r[2]!));
    expect(header.map((r) => Number(r[0]))).toEqual([0, 8, 10, 12, 16, 20, 24, 28, 32, 36]);
    expect(doc).toContain(`the ASCII bytes \`${MAGIC}\``);
    expect(header.find((r) => r[2] === 'version')![3]).toBe(String(VERSION));
    expect(header.find((r) => r[2] === 'header size')![3]).toBe(String(HEADER_SIZE));
    expect(doc).toContain(`segments ${LIMITS.segments}, symbols ${LIMITS.symbols}, files ${LIMITS.files}, lines ${LIMITS.lines}`);
  });

  it('shows the hexdump of the worked example as the assembler writes it', () => {
    const example = asmBlocks(doc)[0]!.text;
    const r = assembleSource(example, 'tiny.s');
    expect(r.diagnostics).toEqual([]);
    const image = writeImage(r.image!);
    const dump = codeBlocks(doc).find((b) => b.text.includes('$ od -A x -t x1z tiny.bin'))!;
    expect(fromHexdump(dump.text)).toEqual(Array.from(image));
    expect(dump.text).toContain(`\n${image.length.toString(16).padStart(6, '0')}\n`);
    expect(doc).toContain(`tiny.bin (${image.length} bytes, format version ${VERSION})`);
    // The listing shown is the assembler's.
    for (const seg of r.image!.segments) {
      for (let i = 0; i < seg.bytes.length; i += 4) {
        const bytes = Array.from(seg.bytes.subarray(i, i + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
        expect(dump.text).toContain(`${(seg.address + i).toString(16).padStart(8, '0')}  ${bytes}`);
      }
    }
  });

  it('shows the error of the cut file that the loader gives', () => {
    const r = assembleSource(asmBlocks(doc)[0]!.text, 'tiny.s');
    const cut = writeImage(r.image!).subarray(0, 60);
    let error: ImageError | undefined;
    try {
      loadImage(cut);
    } catch (e) {
      error = e as ImageError;
    }
    expect(error).toBeInstanceOf(ImageError);
    expect(doc).toContain(`vmm: cut.bin: offset ${error!.offset} (0x${error!.offset.toString(16)}): ${error!.message}`);
  });
});
