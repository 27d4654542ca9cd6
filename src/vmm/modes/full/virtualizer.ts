// --mode full, per VM: the software modes' trap-and-emulate on shadow page tables, plus
// binary translation of guest-kernel code (translator.ts). While the vCPU is in virtual
// supervisor mode the CPU fetches from translations, where every sensitive or privileged
// instruction is a callout into the VMM (or, with --bt inline, for a control-register access
// only the virtual CPU sees, an inline callout the CPU carries out on it); guest user code
// runs as it is.

import { FLAG } from '../../../isa/arch.js';
import { Access } from '../../../machine/mmu.js';
import { REASON, type ExitAnswer, type VcpuExit } from '../../exits.js';
import type { Vm } from '../../vm.js';
import type { Virtualizer } from '../../virtualizer.js';
import type { VmmHost } from '../mode.js';
import type { AsidAllocator } from '../software/asids.js';
import { SoftwareVirtualizer, type SoftwareExtension } from '../software/virtualizer.js';
import { CALLOUT, Translator } from './translator.js';

export function fullVirtualizer(vm: Vm, host: VmmHost, shadowPool: Int32Array, asids: AsidAllocator): Virtualizer {
  return new SoftwareVirtualizer(vm, host, shadowPool, asids, (self) => new BinaryTranslation(self), true);
}

/** What full mode adds: guest-kernel code runs from translations, and their callouts. */
class BinaryTranslation implements SoftwareExtension {
  readonly probesSensitive = false;
  readonly translator: Translator;
  private readonly vm: Vm;
  private readonly host: VmmHost;
  /** The CPU fetches from a translation (guest-kernel code), not from guest memory. */
  private fetchingTranslation = false;

  constructor(base: SoftwareVirtualizer) {
    this.vm = base.vm;
    this.host = base.host;
    const shadow = base.memory;
    const processor = base.host.processor;
    this.translator = new Translator(this.vm.memory, (gfn) => shadow.protectCode(gfn), base.host.bounds.translatedPages, (page) => processor.forgetCode(page), base.host.inlineTranslation);
    this.vm.memory.onWrite = (gpa, length) => this.translator.invalidate(gpa, length);
  }

  /** Guest-kernel code is fetched from its translation; guest user code as it is. Decided by
   *  the mode the CPU fetches in (enter() runs the guest kernel, and only it, in supervisor
   *  mode): whatever runs in supervisor mode runs translated code, in which no privileged or
   *  sensitive instruction is left. */
  codeFor(hostFrame: number, flags: number): Int32Array | undefined {
    this.fetchingTranslation = (flags & FLAG.S) !== 0;
    return this.fetchingTranslation ? this.translator.page(this.vm.memory.guestFrameOf(hostFrame)) : undefined;
  }

  handle(exit: VcpuExit, a: ExitAnswer): boolean {
    // Opcode 0xff outside a translation is the guest's own word: the shared handling makes
    // it an illegal instruction, as on bare hardware.
    if (exit.kind !== 'callout' || !this.fetchingTranslation) return false;
    this.callout(exit.pc, exit.word, a);
    return true;
  }

  emulating(): void {}

  explainStuck(): undefined {
    return undefined;
  }

  /** Translated code called into the VMM: translate the block that starts here, or emulate
   *  the original instruction in place of its callout. */
  private callout(pc: number, word: number, a: ExitAnswer): void {
    const e = this.host.costs.events;
    const vm = this.vm;
    if (word === CALLOUT.TRANSLATE) {
      const gpa = vm.guestMmu.peek(pc, Access.Fetch, vm.vcpu.flags);
      const count = this.translator.translateBlock((gpa >= 0 ? gpa : pc) >>> 12, pc);
      a.set(REASON['bt-translate'], 'translated', e.callout + e.translate * count, pc);
      a.q.count = count;
    } else {
      a.set(REASON['bt-callout'], 'callout', e.callout + e.emulate, pc).emulate(this.host.instructionAt(vm, pc) ?? 0);
      a.qualifyWord = true;
    }
  }
}
