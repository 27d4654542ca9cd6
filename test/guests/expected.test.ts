// Every guest with a .expected file prints exactly that when run alone on the bare machine
// (a guest that has only a PARAVIRT build: under --mode para), with what the guest table
// (test/vmm/helpers.ts) gives it (disk, console input, defines); X.nodisk.expected is X.s
// without its disk.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guestPath, run } from '../support/guests.js';
import { buildsOf, guest, runHv } from '../vmm/helpers.js';

function expectedFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? expectedFiles(join(dir, e.name)) : e.name.endsWith('.expected') ? [join(dir, e.name)] : [],
  );
}

describe('guests print what their .expected files say', () => {
  for (const file of expectedFiles(guestPath())) {
    const base = file.replace(/\.expected$/, '');
    const noDisk = base.endsWith('.nodisk');
    const rel = `${(noDisk ? base.replace(/\.nodisk$/, '') : base).slice(guestPath().length + 1)}.s`;
    it(file.slice(guestPath().length + 1), () => {
      const paravirtOnly = !buildsOf(rel).includes('native');
      const { input, options } = guest(rel, undefined, paravirtOnly ? 'paravirt' : 'native');
      const g = noDisk ? { ...input, disk: undefined } : input;
      const limits = { maxInstructions: 5_000_000, ...options };
      const report = paravirtOnly ? runHv([g], 'para', limits).reports[0]! : run([g], 'bare', limits)[0]!;
      expect(report.console).toBe(readFileSync(file, 'utf8'));
    });
  }
});
