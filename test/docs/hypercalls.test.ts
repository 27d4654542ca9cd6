// The paravirtual ABI has one source of truth (src/isa/hypercalls.ts): docs/hypercalls.md,
// guests/include/hypercalls.inc and `vmm isa --hypercalls` are written from it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HYPERCALL_ERRORS, HYPERCALLS, hypercallErrorsMarkdown, hypercallsInclude, hypercallsMarkdown } from '../../src/isa/hypercalls.js';
import { abiMarkdown, PV_ABI } from '../../src/isa/paravirt-abi.js';
import { ROOT, assembleText } from '../support/guests.js';
import { memoryIo } from '../support/io.js';
import { main } from '../../src/cli/main.js';

const doc = readFileSync(join(ROOT, 'docs', 'hypercalls.md'), 'utf8');
const between = (marker: string) => new RegExp(`<!-- ${marker}:begin -->\\n([\\s\\S]*?)\\n<!-- ${marker}:end -->`).exec(doc)?.[1];

describe('the hypercall table', () => {
  it('numbers, names and error values are unique; every error a call names exists', () => {
    expect(new Set(HYPERCALLS.map((h) => h.number)).size).toBe(HYPERCALLS.length);
    expect(new Set(HYPERCALLS.map((h) => h.name)).size).toBe(HYPERCALLS.length);
    expect(new Set(HYPERCALL_ERRORS.map((e) => e.value)).size).toBe(HYPERCALL_ERRORS.length);
    for (const h of HYPERCALLS) for (const e of h.errors) expect(HYPERCALL_ERRORS.map((x) => x.name as string), h.name).toContain(e);
    for (const e of HYPERCALL_ERRORS) expect(e.value).toBeLessThan(0);
  });

  it('docs/hypercalls.md has the tables word for word, and how each call differs from Xen', () => {
    expect(between('hypercalls')).toBe(hypercallsMarkdown());
    expect(between('hypercall-errors')).toBe(hypercallErrorsMarkdown());
    expect(between('hypercalls-xen')!.split('\n')).toEqual(HYPERCALLS.map((h) => `- \`${h.name}\`: ${h.xen}`));
    expect(between('pv-abi')).toBe(abiMarkdown());
  });

  it('guests/include/hypercalls.inc is generated from it and assembles to the same values', () => {
    const inc = readFileSync(join(ROOT, 'guests', 'include', 'hypercalls.inc'), 'utf8');
    expect(inc).toBe(hypercallsInclude());
    const image = assembleText(`.include "../include/hypercalls.inc"\nstart: hlt`);
    const value = (name: string) => image.symbols.find((s) => s.name === name)?.value;
    for (const h of HYPERCALLS) expect(value(`HC_${h.name.toUpperCase()}`), h.name).toBe(h.number);
    for (const e of HYPERCALL_ERRORS) expect(value(e.name), e.name).toBe(e.value >>> 0); // a 32-bit word
    for (const c of PV_ABI.flatMap((g) => g.constants)) expect(value(c.name), c.name).toBe(c.value >>> 0);
  });

  it('vmm isa --hypercalls lists every call and error; --json and --markdown give the tables', async () => {
    const run = async (args: string[]) => {
      const io = memoryIo(ROOT);
      const status = await main(args, io);
      return { status, out: io.out.text() };
    };
    const text = await run(['isa', '--hypercalls']);
    expect(text.status).toBe(0);
    for (const h of HYPERCALLS) expect(text.out).toMatch(new RegExp(`^ +${h.number} +${h.name} +\\S`, 'm'));
    for (const e of HYPERCALL_ERRORS) expect(text.out).toMatch(new RegExp(`^ +${e.value} +${e.name} +\\S`, 'm'));
    const json = JSON.parse((await run(['isa', '--hypercalls', '--json'])).out) as { hypercalls: unknown[]; errors: unknown[] };
    expect(json).toEqual(JSON.parse(JSON.stringify({ hypercalls: HYPERCALLS, errors: HYPERCALL_ERRORS })));
    expect((await run(['isa', '--hypercalls', '--markdown'])).out).toBe(`${hypercallsMarkdown()}\n\n${hypercallErrorsMarkdown()}\n`);
  });
});
