// What the reason of a guest stopped at its instruction limit says (src/machine/limit.ts):
// where it was, the loop it was most likely in, and an interrupt storm.

import { describe, expect, it } from 'vitest';
import { limitReason } from '../../src/machine/limit.js';
import { assembleText } from '../support/guests.js';

/** limitReason for pc `label` of `source`, reading words from the assembled image. */
function reasonAt(source: string, label: string, traps = new Map<number, number>(), instructions = 1000): string {
  const image = assembleText(source);
  const bytes = image.segments[0]!.bytes;
  const wordAt = (pc: number) => (pc + 4 <= bytes.length ? new DataView(bytes.buffer, bytes.byteOffset).getUint32(pc, true) : undefined);
  const pc = image.symbols.find((s) => s.name === label)!.value;
  return limitReason(1000, pc, wordAt, image, traps, instructions);
}

describe('the reason at the instruction limit', () => {
  it('names the branch that closes the loop around the pc', () => {
    const loop = 'start: li r1, 10\nback:  subi r1, r1, 0\nhere:  cmpi r1, 0\n        call sub\n        bne back\n        hlt\nsub:   ret';
    expect(reasonAt(loop, 'here')).toMatch(/^instruction limit of 1000 reached at pc 0x00000008 \(cmpi r1, 0, .*test\.s:3\); looping: the bne at pc 0x00000010 \(.*test\.s:5\) jumps back to pc 0x00000004 \(.*test\.s:2\)$/);
  });

  it('claims no loop where the straight path leaves it: a jr, a jmp forward, a hlt, a branch back to after the pc', () => {
    expect(reasonAt('here: jr lr\n      jmp here', 'here')).not.toContain('looping');
    expect(reasonAt('here: jmp away\n      jmp here\naway: hlt', 'here')).not.toContain('looping');
    expect(reasonAt('here: hlt\n      jmp here', 'here')).not.toContain('looping');
    expect(reasonAt('start: nop\nhere: nop\nlater: nop\n      bne later', 'here')).not.toContain('looping');
  });

  it('names an interrupt storm only when one line interrupted at least once every 100 instructions', () => {
    expect(reasonAt('here: hlt', 'here', new Map([[16, 10], [3, 500]]), 1000)).toContain('; an interrupt storm: irq0 taken 10 times, once every 100 instructions');
    expect(reasonAt('here: hlt', 'here', new Map([[16, 9], [18, 2]]), 1000)).not.toContain('storm');
  });
});
