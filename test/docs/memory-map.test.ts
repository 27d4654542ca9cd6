// docs/memory-map.md must agree with the machine's reset state, its halting rules and the
// VMM's layout of host memory.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MACHINE_ID, RESET_FLAGS } from '../../src/isa/arch.js';
import { SHADOW_POOL_FRAMES } from '../../src/vmm/modes/software/shadow-paging.js';
import { DEFAULTS } from '../../src/cli/machine-options.js';
import { DEFAULT_QUANTUM } from '../../src/cli/run-options.js';
import { parseSize } from '../../src/machine/memory.js';
import { readDoc, splitTemplate, templateRegex } from './helpers.js';

const doc = readDoc('memory-map.md');
const machineSource = readFileSync(new URL('../../src/machine/machine.ts', import.meta.url), 'utf8');
const fitsSource = readFileSync(new URL('../../src/machine/load.ts', import.meta.url), 'utf8');
const limitSource = readFileSync(new URL('../../src/machine/limit.ts', import.meta.url), 'utf8');

describe('docs/memory-map.md', () => {
  it('gives the reset state', () => {
    expect(doc).toContain(`\`0x${RESET_FLAGS.toString(16)}\`: supervisor mode`);
    expect(doc).toContain(`\`0x${MACHINE_ID.toString(16)}\``);
    expect(doc).toMatch(new RegExp(`the default\\s+is \`${DEFAULTS.mem}\``));
    expect(doc).toContain(`\`0x${parseSize(DEFAULTS.mem)!.toString(16).padStart(8, '0')}\` by default`);
  });

  it('quotes the halting and loading messages of the machine', () => {
    const templates = [...machineSource.matchAll(/reason: (`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*')/g)].map((m) => m[1]!.slice(1, -1));
    const fits = /new LoadError\(\s*(`(?:[^`\\]|\\.)*`)/.exec(fitsSource)![1]!.slice(1, -1);
    const limit = /let reason = (`(?:[^`\\]|\\.)*`)/.exec(limitSource)![1]!.slice(1, -1);
    const additions = [...limitSource.matchAll(/reason \+= (`(?:[^`\\]|\\.)*`)/g)].map((m) => m[1]!.slice(1, -1));
    expect(additions).toHaveLength(2); // looping, interrupt storm
    expect(templates.length).toBeGreaterThanOrEqual(3);
    for (const t of [...templates, fits, limit, ...additions]) {
      expect(splitTemplate(t).length, t).toBeGreaterThan(0);
      expect(doc, `the message "${t}"`).toMatch(templateRegex(t));
    }
    expect(doc).toContain(`default ${Number(DEFAULTS.maxInstructions)}`);
  });

  it('gives the VMM layout of host memory', () => {
    expect(doc).toContain(`\`SHADOW_POOL_FRAMES\` = ${SHADOW_POOL_FRAMES}`);
    expect(doc).toContain(`host frames = Σᵢ (*G*ᵢ + ${SHADOW_POOL_FRAMES})`);
    expect(doc).toContain(`frame *i* × (*G* + ${SHADOW_POOL_FRAMES})`);
    // The diagram: two guests of 64K.
    const g = 16;
    const stride = g + SHADOW_POOL_FRAMES;
    const at = (frame: number) => `0x${(frame * 4096).toString(16).padStart(8, '0')}`;
    for (const frame of [g, stride, stride + g, 2 * stride]) expect(doc, `diagram address ${at(frame)}`).toContain(at(frame));
    expect(doc).toContain(`host memory size = ${2 * stride} frames = ${(2 * stride * 4096) / 1024} KiB`);
    expect(doc).toContain(`each guest takes ${256 + SHADOW_POOL_FRAMES} frames (${((256 + SHADOW_POOL_FRAMES) * 4096) / 1024} KiB)`);
    expect(doc).toContain(`(default ${DEFAULT_QUANTUM})`);
  });
});
