// Why a guest ran out of instructions, in words a student can act on: where it was when the
// limit came, and whether interrupts were storming (the same text on the bare machine and
// under the VMM; docs/memory-map.md, "How a run ends").

import type { Image } from '../image/model.js';
import { describeAt } from '../image/disassembly.js';
import { causeName, INTERRUPT_BASE } from '../isa/arch.js';
import { decode } from '../isa/encoding.js';

/** An interrupt line taken at least once every this many instructions is a storm. */
const STORM_EVERY = 100;

/** Instructions looked at, from the pc forward, for the branch that closes a loop. */
const LOOP_SCAN = 64;

/** "instruction limit of N reached at pc 0x... (insn, file:line)"; "; looping: the bne at pc
 *  ... jumps back to pc ..." when a branch a little ahead jumps back over the pc; and "; an
 *  interrupt storm: irq0 taken T times, once every K instructions" when the busiest
 *  interrupt line was one. `wordAt`: the instruction word at an address (undefined when not
 *  mapped). */
export function limitReason(limit: number, pc: number, wordAt: (pc: number) => number | undefined, image: Image | undefined, traps: ReadonlyMap<number, number>, instructions: number): string {
  let reason = `instruction limit of ${limit} reached at ${describeAt(pc, wordAt(pc), image)}`;
  const loop = loopAround(pc, wordAt);
  if (loop) reason += `; looping: the ${loop.mnemonic} at ${describeAt(loop.branch, undefined, image)} jumps back to ${describeAt(loop.target, undefined, image)}`;
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

/** The branch (or jmp) at most LOOP_SCAN instructions from pc, on the straight path from pc,
 *  that jumps back to an address at or before pc: the loop the guest was most likely in. A
 *  jr, a hlt, an rfe or a word that does not decode ends the search. */
function loopAround(pc: number, wordAt: (pc: number) => number | undefined): { mnemonic: string; branch: number; target: number } | undefined {
  for (let k = 0, at = pc; k < LOOP_SCAN; k++, at = (at + 4) >>> 0) {
    const word = wordAt(at);
    const d = word === undefined ? undefined : decode(word);
    if (!d) return undefined;
    if (d.spec.format === 'rel' && d.spec.mnemonic !== 'call') {
      const target = (at + d.off * 4) >>> 0;
      if (target <= pc) return { mnemonic: d.spec.mnemonic, branch: at, target };
      if (d.spec.mnemonic === 'jmp') return undefined; // the straight path goes elsewhere
    } else if (d.spec.flow && d.spec.mnemonic !== 'call') {
      return undefined; // jr, ret, rfe, ...: where it goes is not in the code
    } else if (d.spec.mnemonic === 'hlt') {
      return undefined;
    }
  }
  return undefined;
}

