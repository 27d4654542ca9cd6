// Every guest with a .expected file prints exactly that when run alone on the bare machine.
// X.expected is the output of `vmm run X.s --mode bare` with no disk, except where DISKS
// names one; X.nodisk.expected is X.s without a disk.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, guestPath, readDisk, runOne } from '../support/guests.js';

function expectedFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? expectedFiles(join(dir, e.name)) : e.name.endsWith('.expected') ? [join(dir, e.name)] : [],
  );
}

/** Guests whose expected output was made with a disk. */
const DISKS: Record<string, string> = { 'kernel/tinyos.expected': 'kernel/disk.txt', 'attack/dma-beyond.expected': 'kernel/disk.txt' };

describe('guests print what their .expected files say', () => {
  for (const file of expectedFiles(guestPath())) {
    const base = file.replace(/\.expected$/, '');
    const noDisk = base.endsWith('.nodisk');
    const source = (noDisk ? base.replace(/\.nodisk$/, '') : base) + '.s';
    const name = file.slice(guestPath().length + 1);
    it(name, () => {
      const disk = DISKS[name] ? readDisk(DISKS[name]) : undefined;
      const report = runOne(assemble(source), 'bare', { disk, maxInstructions: 5_000_000 });
      expect(report.console).toBe(readFileSync(file, 'utf8'));
    });
  }
});
