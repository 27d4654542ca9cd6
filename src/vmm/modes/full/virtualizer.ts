// --mode full, per VM: the software modes' trap-and-emulate on shadow page tables, plus
// binary translation of guest-kernel code (translator.ts). While the vCPU is in virtual
// supervisor mode the CPU fetches from translations, where every sensitive or privileged
// instruction is a callout into the VMM; guest user code runs as it is.

import { FLAG } from '../../../isa/arch.js';
import { Access } from '../../../machine/mmu.js';
import type { ExitAnswer, VcpuExit } from '../../exits.js';
import type { Vm } from '../../vm.js';
import type { VmmHost } from '../mode.js';
import type { AsidAllocator } from '../software/asids.js';
import { SoftwareVirtualizer } from '../software/virtualizer.js';
import { CALLOUT, Translator } from './translator.js';

export class FullVirtualizer extends SoftwareVirtualizer {
  readonly translator: Translator;
  /** The CPU fetches from a translation (guest-kernel code), not from guest memory. */
  private fetchingTranslation = false;

  constructor(vm: Vm, host: VmmHost, shadowPool: Int32Array, asids: AsidAllocator) {
    super(vm, host, shadowPool, asids);
    this.translator = new Translator(vm.memory, (gfn) => this.memory.protectCode(gfn));
    this.memory.onGuestWrite = (gpa, length) => this.translator.invalidate(gpa, length);
  }

  /** Guest-kernel code is fetched from its translation; guest user code as it is. */
  override codeFor(hostFrame: number): Int32Array | undefined {
    this.fetchingTranslation = (this.vm.vcpu.flags & FLAG.S) !== 0;
    return this.fetchingTranslation ? this.translator.page(this.vm.memory.guestFrameOf(hostFrame)) : undefined;
  }

  override handle(exit: VcpuExit, a: ExitAnswer): void {
    if (exit.kind === 'callout' && this.fetchingTranslation) return this.callout(exit.pc, exit.word, a);
    super.handle(exit, a);
  }

  /** Translated code called into the VMM: translate the block that starts here, or emulate
   *  the original instruction in place of its callout. */
  private callout(pc: number, word: number, a: ExitAnswer): void {
    const e = this.host.costs.events;
    const vm = this.vm;
    if (word === CALLOUT.TRANSLATE) {
      const gpa = vm.guestMmu.peek(pc, Access.Fetch, vm.vcpu.flags);
      const count = this.translator.translateBlock((gpa >= 0 ? gpa : pc) >>> 12, pc);
      a.set('exit', 'bt-translate', 'translated', e.callout + e.translate * count, pc);
      a.q.count = count;
    } else {
      a.set('exit', 'bt-callout', 'callout', e.callout + e.emulate, pc).emulate(this.host.instructionAt(vm, pc) ?? 0);
      a.qualifyWord = true;
    }
  }
}

