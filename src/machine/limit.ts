// Why a guest ran out of instructions, in words a student can act on: where it was when the
// limit came, and whether interrupts were storming (the same text on the bare machine and
// under the VMM; docs/memory-map.md, "How a run ends").

import type { Image } from '../image/model.js';
import { describeAt } from '../image/disassembly.js';
import { causeName, INTERRUPT_BASE } from '../isa/arch.js';

/** An interrupt line taken at least once every this many instructions is a storm. */
const STORM_EVERY = 100;

/** "instruction limit of N reached at pc 0x... (insn, file:line)", and "; an interrupt
 *  storm: irq0 taken T times, once every K instructions" when the busiest interrupt line
 *  was one. `word`: the instruction at pc (undefined when not mapped). */
export function limitReason(limit: number, pc: number, word: number | undefined, image: Image | undefined, traps: ReadonlyMap<number, number>, instructions: number): string {
  let reason = `instruction limit of ${limit} reached at ${describeAt(pc, word, image)}`;
  let busiest = -1;
  let most = 0;
  for (const [cause, count] of traps) {
    if (cause >= INTERRUPT_BASE && count > most) [busiest, most] = [cause, count];
  }
  if (busiest >= 0 && most * STORM_EVERY >= instructions) {
    const every = Math.max(1, Math.round(instructions / most));
    reason += `; an interrupt storm: ${causeName(busiest)} taken ${most.toLocaleString('en-US')} times, once every ${every} instruction${every === 1 ? '' : 's'}`;
  }
  return reason;
}
