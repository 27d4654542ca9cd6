// The block compiler's memory is bounded whatever a guest does: at most Bounds.compiledBlocks
// blocks live per CPU variant (when full, the cache is emptied and code recompiles as it runs
// hot), and running code in a frame allocates nothing until a block there is compiled.
// Results never depend on either (the interpreter gives the same state).

import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.js';
import { MODES } from '../../src/vmm/modes/index.js';
import { assembleText, OPTIONS, run } from '../support/guests.js';

/** Distinct two-instruction blocks, each called 64 times (so each is compiled, again after
 *  the cache is emptied). */
function manyBlocks(count: number): string {
  const blocks = Array.from({ length: count }, (_, k) => `        addi r1, r1, ${k + 1}\n        jr lr`).join('\n');
  return `
    start:  movi r1, 0
            li r6, 64
    .round: la r5, blocks
            li r7, ${count}
    .next:  callr r5
            addi r5, r5, 8
            subi r7, r7, 1
            cmpi r7, 0
            bne .next
            subi r6, r6, 1
            cmpi r6, 0
            bne .round
            hlt
    blocks:
${blocks}`;
}

/** One jmp at the start of every 4 KiB frame of `bytes` of memory, each to the next. */
function everyFrame(bytes: number): string {
  const lines: string[] = [];
  const frames = bytes / 4096;
  for (let f = 0; f < frames - 1; f++) lines.push(`        .org 0x${(f * 4096).toString(16)}`, `${f === 0 ? 'start' : `f${f}`}: jmp f${f + 1}`);
  lines.push(`        .org 0x${(bytes - 4096).toString(16)}`, `f${frames - 1}: hlt`);
  return lines.join('\n');
}

function runMachine(source: string, options: Partial<typeof OPTIONS>) {
  const m = new Machine({ ...OPTIONS, ...options }, { console: { putByte() {} } });
  m.load(assembleText(source));
  const end = m.run(OPTIONS.maxInstructions);
  return { end, regs: [...m.cpu.regs], instructions: m.cpu.instructions, stats: m.processor.codeCacheStats() };
}

describe('the code cache is bounded', () => {
  it('300 hot blocks under a bound of 64: never more than 64 live, the cache emptied and refilled, the same results', () => {
    const source = manyBlocks(300);
    const bounded = runMachine(source, { bounds: { compiledBlocks: 64 } });
    const interpreted = runMachine(source, { jit: false });
    expect(bounded.end.status).toBe('halted');
    expect(bounded.regs[1]).toBe(64 * ((300 * 301) / 2));
    expect(bounded.stats.live).toBeLessThanOrEqual(64);
    expect(bounded.stats.flushes).toBeGreaterThanOrEqual(4);
    expect({ ...bounded, stats: 0 }).toEqual({ ...interpreted, stats: 0 });
  });

  it('a guest that runs one instruction in every frame of 64 MiB allocates no per-frame tables (bare and every mode that runs native code: para shares the engine, and its top pages are the shared ones)', () => {
    const source = everyFrame(64 << 20);
    const m = runMachine(source, { memoryBytes: 64 << 20 });
    expect(m.end.status).toBe('halted');
    expect(m.instructions).toBe(16384);
    expect(m.stats.tables).toBeLessThanOrEqual(1); // the shared counts once reach the threshold
    for (const mode of MODES.filter((m) => m.build === 'native')) {
      const heap = process.memoryUsage().heapUsed;
      const [r] = run([{ name: 'frames', image: assembleText(source) }], mode.name, { memoryBytes: 64 << 20 });
      expect(r!.status, mode.name).toBe('halted');
      // 16,384 frames with a 1,024-slot table each would take well over 100 MB of heap
      expect(process.memoryUsage().heapUsed - heap, mode.name).toBeLessThan(48 << 20);
    }
  });
});
