// The VMM's own memory is bounded whatever a guest does (docs/cli.md, "Bounds"): here the
// binary translations of full mode. (Address-space ids: isolation.test.ts; guest time:
// fidelity.test.ts; compiled code: test/machine/code-cache.test.ts.)

import { describe, expect, it } from 'vitest';
import type { SoftwareVirtualizer } from '../../src/vmm/modes/software/virtualizer.js';
import { assembleText, run } from '../support/guests.js';
import { runHv } from './helpers.js';

/** Kernel code spread over `pages` pages, each calling the next, 30 rounds. */
function spread(pages: number): string {
  const lines = ['start:  li r6, 30', '.round: call p1', '        subi r6, r6, 1', '        cmpi r6, 0', '        bne .round', '        hlt'];
  for (let p = 1; p <= pages; p++) {
    lines.push(`        .org 0x${(p * 4096).toString(16)}`, `p${p}:    addi r1, r1, ${p}`);
    lines.push(p < pages ? `        subi sp, sp, 4\n        stw lr, [sp]\n        call p${p + 1}\n        ldw lr, [sp]\n        addi sp, sp, 4\n        ret` : '        ret');
  }
  return lines.join('\n');
}

describe('binary translations are bounded', () => {
  it('kernel code over 6 pages with room for 2 translated pages: the oldest are forgotten and retranslated, the results as on bare', () => {
    const image = assembleText(spread(6));
    const want = run([{ name: 'g', image }], 'bare')[0]!;
    const { vms, reports } = runHv([{ name: 'g', image }], 'full', { bounds: { translatedPages: 2 } });
    expect(reports[0]!.instructions).toBe(want.instructions);
    expect(vms[0]!.vcpu.regs[1]).toBe(30 * 21);
    const translator = ((vms[0]!.virtualizer as SoftwareVirtualizer).extension as unknown as { translator: { pageCount: number; evictions: number } }).translator;
    expect(translator.pageCount).toBeLessThanOrEqual(2);
    expect(translator.evictions).toBeGreaterThan(100);
  });
});
