// Every guest with a .expected file prints exactly that when run alone on the bare machine
// (a guest that has only a PARAVIRT build: under --mode para), with what the guest table
// (test/vmm/helpers.ts) gives it (disk, console input, defines); X.nodisk.expected is X.s
// without its disk; X.dom0.expected is X.s (PARAVIRT) beside guest 0 under --host dom0, for
// a hostile guest whose outcome there differs (docs/topologies.md says why).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestPath, run } from '../support/guests.js';
import { buildsOf, guest, GUEST_TABLE, runHv, TOPOLOGY_RUNNERS } from '../vmm/helpers.js';

const PARAVIRT_MODE = 'para';

function expectedFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? expectedFiles(join(dir, e.name)) : e.name.endsWith('.expected') ? [join(dir, e.name)] : [],
  );
}

describe('guests print what their .expected files say', () => {
  for (const file of expectedFiles(guestPath())) {
    const base = file.replace(/\.expected$/, '');
    const noDisk = base.endsWith('.nodisk');
    const dom0 = base.endsWith('.dom0');
    const rel = `${base.replace(/\.(nodisk|dom0)$/, '').slice(guestPath().length + 1)}.s`;
    // (a guest 0's .expected is its console beside a guest: test/vmm/dom0.test.ts checks it)
    if (GUEST_TABLE[rel]?.guest0) continue;
    it(file.slice(guestPath().length + 1), () => {
      const paravirtOnly = !buildsOf(rel).includes('native');
      const { input, options } = guest(rel, undefined, paravirtOnly || dom0 ? 'paravirt' : 'native');
      const g = noDisk ? { ...input, disk: undefined } : input;
      const limits = { maxInstructions: 5_000_000, ...options };
      const report = dom0 ? TOPOLOGY_RUNNERS.dom0([g], PARAVIRT_MODE, limits).reports[0]! : paravirtOnly ? runHv([g], PARAVIRT_MODE, limits).reports[0]! : run([g], 'bare', limits)[0]!;
      expect(report.console).toBe(readFileSync(file, 'utf8'));
    });
  }
});
