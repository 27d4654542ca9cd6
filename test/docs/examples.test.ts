// Every assembly example of the docs assembles, and every link between docs leads to a file
// (and heading) that exists.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import { anchors, asmBlocks, DOCS_DIR, EXAMPLE_FILE, OWN_DOCS, prose, readDoc } from './helpers.js';

describe('assembly examples in the docs', () => {
  for (const name of OWN_DOCS) {
    it(`${name}: every \`\`\`asm block assembles`, () => {
      const blocks = asmBlocks(readDoc(name));
      for (const b of blocks) {
        const r = assembleSource(b.text, EXAMPLE_FILE);
        expect(r.diagnostics.map(formatDiagnostic), `docs/${name}:${b.line}`).toEqual([]);
      }
    });
  }

  it('are where they should be', () => {
    for (const name of ['isa.md', 'image-format.md', 'devices.md', 'cost-model.md']) {
      expect(asmBlocks(readDoc(name)).length, name).toBeGreaterThan(0);
    }
  });
});

describe('links between the docs', () => {
  for (const name of [...OWN_DOCS, 'assembler.md']) {
    it(`${name}: relative links lead to files and headings that exist`, () => {
      const doc = readDoc(name);
      const links = [...prose(doc).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
      for (const link of links) {
        if (/^[a-z]+:/i.test(link)) continue; // http:, https:, mailto:
        const [file, anchor] = link.split('#') as [string, string | undefined];
        const target = file === '' ? name : file;
        expect(existsSync(DOCS_DIR + target), `docs/${name}: link to ${link}: no file docs/${target}`).toBe(true);
        if (anchor && target.endsWith('.md')) {
          expect([...anchors(readDoc(target))], `docs/${name}: link to ${link}: no such heading`).toContain(anchor);
        }
      }
    });
  }

  it('link each of the docs from at least one other', () => {
    const all = [...OWN_DOCS, 'assembler.md'].map((n) => prose(readDoc(n)));
    for (const name of OWN_DOCS) expect(all.filter((d) => d.includes(`](${name}`)).length, name).toBeGreaterThan(0);
  });
});
