// The overhead's bare run comes after the VMM's run has given its memory back (src/report/
// run.ts, vmReports): a guest's memory is never held twice. Measured as this process's peak
// resident memory (a test file runs in a process of its own), with a guest that touches every
// page of 256 MiB.

import { describe, expect, it } from 'vitest';
import { assembleText, run } from '../support/guests.js';

const MEMORY = 256 << 20;

describe('the overhead against bare', () => {
  it('runs the bare machine after the VMM released the guest\'s memory: the peak grows by one guest, not two', () => {
    const touch = assembleText(`
      start:  li   r1, 0x10000
              li   r3, ${MEMORY - 4096}
      .loop:  stw  r1, [r1]
              addi r1, r1, 4096
              cmp  r1, r3
              blt  .loop
              cli
              hlt`);
    const before = process.resourceUsage().maxRSS * 1024;
    const [report] = run([{ name: 'touch', image: touch }], 'full', { memoryBytes: MEMORY, overhead: true });
    expect(report!.status).toBe('halted');
    expect(report!.overhead).toBeGreaterThan(1);
    const grew = process.resourceUsage().maxRSS * 1024 - before;
    // (at most one guest's memory and some: two would be 2 × MEMORY)
    expect(grew).toBeLessThan(MEMORY * 1.6);
  });
});
