// The answer to a host page fault under shadow page tables, for every mode that keeps them
// (trap and full, and hw without nested paging): what the fault was (shadow-paging.ts's
// outcome) becomes the exit record and what the core does next.

import type { CostModel } from '../../../machine/costs.js';
import { ACCESS_NAMES, type Access } from '../../../machine/mmu.js';
import { REASON, type ExitAnswer } from '../../exits.js';
import { Fault, type FaultOutcome } from '../../virtualizer.js';

/** Answer fault `result` at `addr` (instruction at `pc`): a hidden fault is filled; a write
 *  to a write-protected page-table or code page, and an access to the memory-mapped device,
 *  are emulated (`word` reads the instruction);
 *  a fault the guest's own tables cause is reflected. Each costs `roundTrip` (the mode's
 *  trap into the VMM and back) plus the VMM's work. */
export function answerShadowFault(result: FaultOutcome, access: Access, addr: number, pc: number, a: ExitAnswer, roundTrip: number, costs: CostModel, word: () => number | undefined): void {
  const e = costs.events;
  if (result === Fault.Filled) {
    a.set(REASON['hidden-page-fault'], 'filled', roundTrip + e.shadowFill, pc);
    a.q.access = ACCESS_NAMES[access];
  } else if (result === Fault.Device) {
    a.set(REASON.mmio, 'emulated', roundTrip + e.emulate, pc).emulate(word());
  } else if (result === Fault.PageTableWrite || result === Fault.CodeWrite) {
    const table = result === Fault.PageTableWrite;
    a.set(table ? REASON['page-table-write'] : REASON['code-write'], 'emulated', roundTrip + (table ? e.pageTableWrite : e.emulate), pc).emulate(word());
  } else {
    a.reflectedTrap(-result, addr, pc, roundTrip + e.reflect);
    return;
  }
  a.q.address = addr;
}
