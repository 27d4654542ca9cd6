// docs/isa.md must agree with the ISA: the generated table, every name and number, the
// encoding formats and the encodings it shows.
import { describe, expect, it } from 'vitest';
import { CAUSES, CONTROL_REGISTERS, FLAG, INTERRUPT_BASE, MACHINE_ID, PTE, RESET_FLAGS } from '../../src/isa/arch.js';
import { FORMATS, unusedBits, type FormatName } from '../../src/isa/formats.js';
import { INSTRUCTIONS } from '../../src/isa/table.js';
import { markdownTable, verdicts } from '../../src/isa/verdict.js';
import { ASID_LIMIT } from '../../src/isa/arch.js';
import { assembleExample, readDoc, tableRows } from './helpers.js';

const doc = readDoc('isa.md');
const rows = tableRows(doc);
const hex = (n: number, digits = 0) => '0x' + (n >>> 0).toString(16).padStart(digits, '0');

describe('docs/isa.md', () => {
  it('holds the instruction table exactly as `vmm isa --markdown` prints it', () => {
    const m = /<!-- isa-table:begin -->\n([\s\S]*?)<!-- isa-table:end -->/.exec(doc);
    expect(m, 'docs/isa.md lacks the isa-table markers').not.toBeNull();
    expect(m![1]!.trimEnd(), 'the instruction table in docs/isa.md is out of date: regenerate it with `vmm isa --markdown`').toBe(markdownTable());
  });

  it('describes every mnemonic outside the generated table', () => {
    const text = doc.replace(/<!-- isa-table:begin -->[\s\S]*<!-- isa-table:end -->/, '');
    for (const s of INSTRUCTIONS) expect(text, s.mnemonic).toMatch(new RegExp(`\`${s.mnemonic}[\` ]`));
  });

  it('lists every control register with its index', () => {
    CONTROL_REGISTERS.forEach((c, i) => {
      expect(rows.some((r) => r[0] === String(i) && r[1] === `\`${c.name}\``), `row "| ${i} | \`${c.name}\` |"`).toBe(true);
    });
    expect(doc).toContain(hex(MACHINE_ID, 8));
    expect(doc).toContain(`value & ${ASID_LIMIT - 1}`);
  });

  it('lists every trap cause with its code and saved pc', () => {
    for (const c of CAUSES) {
      const row = rows.find((r) => r[0] === String(c.code) && r[1] === `\`${c.name}\``);
      expect(row, `row "| ${c.code} | \`${c.name}\` |"`).toBeDefined();
      expect(row![3], `saved pc of ${c.name}`).toBe(c.savedPc);
    }
    expect(rows.some((r) => r[0] === `${INTERRUPT_BASE}+n`)).toBe(true);
  });

  it('lists every FLAGS bit with its mask, and the reset value', () => {
    Object.entries(FLAG).forEach(([name, mask]) => {
      const bit = Math.log2(mask);
      expect(rows.some((r) => r[0] === String(bit) && r[1] === `\`${hex(mask, 2)}\`` && r[2] === `\`${name}\``), `FLAGS bit ${name}`).toBe(true);
    });
    expect(doc).toContain(`\`${hex(RESET_FLAGS, 2)}\``);
  });

  it('lists every page-table entry bit with its mask', () => {
    Object.entries(PTE).forEach(([name, mask]) => {
      expect(rows.some((r) => r[1] === `\`${name}\`` && r[2] === `\`${hex(mask, 2)}\``), `PTE bit ${name}`).toBe(true);
    });
  });

  it('gives every format its unused-bit mask and its instructions', () => {
    for (const f of Object.keys(FORMATS) as FormatName[]) {
      const row = rows.find((r) => r[0] === `\`${f}\``);
      expect(row, `format ${f}`).toBeDefined();
      expect(row![3], `unused bits of ${f}`).toBe(`\`${hex(unusedBits(f), 8)}\``);
      const listed = row![row!.length - 1]!.replace(/`/g, '').split(/\s+/).filter(Boolean).sort();
      expect(listed, `instructions of format ${f}`).toEqual(INSTRUCTIONS.filter((s) => s.format === f).map((s) => s.mnemonic).sort());
      const syntax = FORMATS[f].syntax;
      expect(row![1], `syntax of ${f}`).toBe(syntax ? `\`${syntax}\`` : '');
    }
  });

  it('shows encodings that the assembler produces', () => {
    const encodings = rows.filter((r) => r.length === 3 && /^`0x[0-9a-f]{8}`$/.test(r[1]!));
    expect(encodings.length).toBeGreaterThan(5);
    for (const [asm, word, bytes] of encodings) {
      const source = asm!.replace(/`/g, '');
      const image = assembleExample(`.org 0x1000\n${source}\n`);
      const b = image.segments[0]!.bytes;
      const w = (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
      expect(`\`${hex(w, 8)}\``, source).toBe(word);
      expect(`\`${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ')}\``, source).toBe(bytes);
    }
  });

  it('quotes the Popek–Goldberg verdicts of `vmm isa`', () => {
    for (const v of verdicts()) expect(doc).toContain(v.text);
  });

  it('puts every instruction in the class the table gives it', () => {
    const classRows = rows.filter((r) => ['`innocuous`', '`privileged`', '`sensitive`', '`hypercall`'].includes(r[0]!));
    for (const r of classRows.filter((r) => r[0] !== '`innocuous`')) {
      const cls = r[0]!.replace(/`/g, '');
      expect(r[1]!.replace(/`/g, '').split(/\s+/).sort(), cls).toEqual(INSTRUCTIONS.filter((s) => s.class === cls).map((s) => s.mnemonic).sort());
    }
  });
});
