// docs/topologies.md says what the code does: every topology of the registry, and the I/O
// cost tables exactly as `vmm compare --host ... --markdown` prints them.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPOLOGIES } from '../../src/vmm/hosts/index.js';
import { vmmIn } from '../cli/helpers.js';
import { ROOT } from '../support/guests.js';

const doc = readFileSync(join(ROOT, 'docs', 'topologies.md'), 'utf8');

describe('docs/topologies.md', () => {
  it('names every topology --host offers', () => {
    for (const t of TOPOLOGIES) expect(doc).toContain(`\`${t.name}\``);
    for (const t of TOPOLOGIES) expect(doc).toContain(`## \`--host ${t.name}\``);
  });

  it('has the I/O cost table exactly as vmm compare --host prints it', async () => {
    const r = await vmmIn(['compare', '--host', 'bare-metal,hosted', '--markdown']);
    expect(r.status).toBe(0);
    const table = /<!-- topologies:begin -->\n([\s\S]*?)\n<!-- topologies:end -->/.exec(doc)?.[1];
    expect(table).toBeDefined();
    expect(`${table}\n`).toBe(r.stdout);
  });

  it('has the three topologies\' table under para exactly as vmm compare prints it', async () => {
    const r = await vmmIn(['compare', '--host', 'bare-metal,hosted,dom0', '--modes', 'para', '--markdown']);
    expect(r.status).toBe(0);
    const table = /<!-- topologies-para:begin -->\n([\s\S]*?)\n<!-- topologies-para:end -->/.exec(doc)?.[1];
    expect(table).toBeDefined();
    expect(`${table}\n`).toBe(r.stdout);
  });
});
