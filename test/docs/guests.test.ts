// docs/guests.md indexes every guest program: each has its row, and the hostile suite covers
// every guarded resource of the lecture and every VMM mechanism the table names.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/guests.js';
import { programs } from '../vmm/helpers.js';

const doc = readFileSync(join(ROOT, 'docs', 'guests.md'), 'utf8');

describe('docs/guests.md', () => {
  it('has a row for every guest program', () => {
    for (const rel of programs()) {
      const name = rel.startsWith('attack/') ? rel.slice('attack/'.length) : rel;
      expect(doc, rel).toMatch(new RegExp(`^\\| \`${name.replace(/[.]/g, '\\.')}\` \\|`, 'm'));
    }
  });

  it('counts at least 30 hostile guests, and every one it names in the coverage table exists', () => {
    const attacks = programs().filter((p) => p.startsWith('attack/'));
    expect(attacks.length).toBeGreaterThanOrEqual(30);
    const coverage = doc.slice(doc.indexOf('### What covers what'));
    const named = [...coverage.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!);
    for (const n of named) expect(attacks, n).toContain(`attack/${n}.s`);
    for (const resource of ['timer', 'interrupt enable', 'page-table base', 'programmed I/O', 'interrupt-driven I/O', 'DMA', 'interrupts meant for another guest', 'memory mapping']) {
      expect(coverage).toMatch(new RegExp(`^\\| ${resource} \\| \``, 'm'));
    }
  });
});
