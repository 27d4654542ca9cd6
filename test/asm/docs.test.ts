// docs/assembler.md must cover the tables of the code and its examples must assemble.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DIRECTIVE_LIST } from '../../src/asm/directives.js';
import { PSEUDO_INSTRUCTIONS } from '../../src/asm/pseudo.js';
import { asm } from './helpers.js';

const doc = readFileSync(new URL('../../docs/assembler.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/```asm\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/assembler.md', () => {
  it('describes every directive and pseudo-instruction', () => {
    for (const d of DIRECTIVE_LIST) expect(doc, d.name).toContain(`| \`${d.name}`);
    for (const p of PSEUDO_INSTRUCTIONS) expect(doc, p.name).toContain(`| \`${p.name}`);
  });

  it('has examples that assemble', () => {
    expect(examples.length).toBeGreaterThan(3);
    for (const text of examples) {
      const r = asm(text, { defines: { DEBUG: 1, BUFSIZE: 64 } });
      const undefinedOnly = r.diagnostics.every((d) => d.message.startsWith('undefined symbol') || d.message.startsWith('unknown mnemonic'));
      expect(undefinedOnly, `${text}\n${r.diagnostics.map((d) => d.message).join('\n')}`).toBe(true);
    }
  });

  it('shows the listing of the first example', () => {
    const r = asm(examples[0]!);
    expect(r.diagnostics).toEqual([]);
    const row = r.listing.find((l) => l.line === 11)!;
    expect(Array.from(row.bytes.slice(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe('48 65 6c 6c');
  });
});
