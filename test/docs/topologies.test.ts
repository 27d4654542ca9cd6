// docs/topologies.md says what the code does: every topology of the registry, and the I/O
// cost table exactly as `vmm compare --host bare-metal,hosted --markdown` prints it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { TOPOLOGIES } from '../../src/vmm/hosts/index.js';
import { memoryIo } from '../support/io.js';
import { ROOT } from '../support/guests.js';

const doc = readFileSync(join(ROOT, 'docs', 'topologies.md'), 'utf8');

describe('docs/topologies.md', () => {
  it('names every topology --host offers', () => {
    for (const t of TOPOLOGIES) expect(doc).toContain(`\`${t.name}\``);
    for (const t of TOPOLOGIES) expect(doc).toContain(`## \`--host ${t.name}\``);
  });

  it('has the I/O cost table exactly as vmm compare --host prints it', async () => {
    if (process.cwd() !== ROOT) process.chdir(ROOT);
    const io = memoryIo(ROOT, false);
    expect(await main(['compare', '--host', 'bare-metal,hosted', '--markdown'], io)).toBe(0);
    const table = /<!-- topologies:begin -->\n([\s\S]*?)\n<!-- topologies:end -->/.exec(doc)?.[1];
    expect(table).toBeDefined();
    expect(`${table}\n`).toBe(io.out.text());
  });
});
