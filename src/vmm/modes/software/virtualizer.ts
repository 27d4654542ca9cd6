// What the software modes (trap and full) share: trap-and-emulate and shadow paging. Guest
// user code runs in the host's user mode; the guest kernel runs deprivileged in user mode
// too (ring compression, trap mode), or, where no privileged instruction of it ever runs
// natively (full mode: its code runs from translations, where each is a callout, or with
// --bt inline an inline callout on the virtual CPU), in the host's supervisor mode, on one
// shadow view whose entries carry the guest's U bit (so a switch between the guest's kernel
// and user code loads no root and flushes no TLB). Every trap the CPU takes while the guest
// runs is an exit:
//
//   privileged instruction in the guest kernel  -> emulated on the virtual CPU
//   page fault the guest's tables allow         -> hidden: the shadow entry is filled
//   write to a protected page-table/code page   -> emulated (shadows/translations kept)
//   anything else (syscall, fault, ...)         -> reflected into the guest kernel
//
// trap/ and full/ give this class what they add (full: binary translation; trap: the
// diagnosis of sensitive instructions that run unseen) as a SoftwareExtension. One class
// for both keeps the exit path monomorphic when several modes run in one process.

import { CAUSE, CONDITION_MASK, FLAG } from '../../../isa/arch.js';
import { INSTRUCTIONS } from '../../../isa/table.js';
import type { Access } from '../../../machine/mmu.js';
import type { CpuState } from '../../../machine/cpu.js';
import { Next, REASON, type ExitAnswer, type ReasonRow, type VcpuExit } from '../../exits.js';
import { answerShadowFault } from './shadow-fault.js';
import type { Vm } from '../../vm.js';
import type { Virtualizer } from '../../virtualizer.js';
import type { VmmHost } from '../mode.js';
import type { AsidAllocator } from './asids.js';
import { ShadowPaging } from './shadow-paging.js';

/** The exit reason of each opcode when it traps as privileged in the guest kernel. */
const EMULATED_REASON: readonly ReasonRow[] = (() => {
  const reasons = new Array<ReasonRow>(256).fill(REASON.privileged);
  const by: Record<string, ReasonRow> = { in: REASON.io, out: REASON.io, mfcr: REASON['cr-access'], mtcr: REASON['cr-access'], hlt: REASON.hlt };
  for (const spec of INSTRUCTIONS) reasons[spec.opcode] = by[spec.mnemonic] ?? REASON.privileged;
  return reasons;
})();

/** What a software mode adds to the shared machinery. */
export interface SoftwareExtension {
  /** Run guest code in the CPU variant that reports sensitive instructions (Virtualizer). */
  readonly probesSensitive: boolean;
  /** Answer an exit before the shared handling; false leaves it to that handling. */
  handle(exit: VcpuExit, a: ExitAnswer): boolean;
  /** The shared handling is about to have `word` emulated. */
  emulating(word: number): void;
  codeFor(hostFrame: number, flags: number): Int32Array | undefined;
  explainStuck(): string | undefined;
}

export class SoftwareVirtualizer implements Virtualizer {
  readonly probesSensitive: boolean;
  readonly memory: ShadowPaging;
  readonly extension: SoftwareExtension;
  /** The physical CPU and the guest's virtual one, between which enter and leave copy. */
  private readonly cpu: CpuState;
  private readonly vcpu: CpuState;

  constructor(
    readonly vm: Vm,
    readonly host: VmmHost,
    /** Host frames for this guest's shadow page tables. */
    shadowPool: Int32Array,
    asids: AsidAllocator,
    /** The mode's part, made once the shared machinery (its shadow paging) exists. */
    extend: (self: SoftwareVirtualizer) => SoftwareExtension,
    /** The guest kernel runs in the host's supervisor mode (full: it runs translated code
     *  only), not deprivileged. */
    private readonly supervisorKernel = false,
  ) {
    this.cpu = host.processor.cpu;
    this.vcpu = vm.vcpu;
    this.memory = new ShadowPaging(host.processor, vm.memory, vm.vcpu, vm.guestMmu, shadowPool, asids, supervisorKernel ? { flushTagOnPtbr: false } : undefined);
    this.extension = extend(this);
    this.probesSensitive = this.extension.probesSensitive;
  }

  /** Load the vCPU onto the physical CPU: guest user code in user mode, the guest kernel in
   *  user mode too (ring compression) or in supervisor mode (supervisorKernel). The guest
   *  kernel runs with the host's interrupts on (the VMM's timer must get through; a
   *  deprivileged kernel's getf sees that, as pushf did on x86); guest user code sees its
   *  own virtual IE. */
  enter(): void {
    const cpu = this.cpu;
    const vcpu = this.vcpu;
    const v = vcpu.flags;
    cpu.pc = vcpu.pc;
    cpu.flags = (v & CONDITION_MASK) | (v & FLAG.S ? this.kernelFlags : v & FLAG.IE);
    vcpu.loadInto(cpu.regs);
    // (translated kernel code accesses the virtual control registers in place: full mode)
    cpu.virtualCpu = this.supervisorKernel ? vcpu : null;
    this.memory.activate();
  }

  /** Save the physical CPU's pc and FLAGS into the vCPU (the virtual mode and IE stay the
   *  VMM's: the physical ones are the compressed ring's). */
  leave(pc: number): void {
    const cpu = this.cpu;
    const vcpu = this.vcpu;
    vcpu.pc = pc;
    vcpu.flags = (cpu.flags & CONDITION_MASK) | (vcpu.flags & (FLAG.IE | FLAG.S));
  }

  /** The host's mode bits while the guest kernel runs. */
  private get kernelFlags(): number {
    return this.supervisorKernel ? FLAG.S | FLAG.IE : FLAG.IE;
  }

  get exitCost(): number {
    return this.host.costs.events.vmmTrap;
  }

  codeFor(hostFrame: number, flags: number): Int32Array | undefined {
    return this.extension.codeFor(hostFrame, flags);
  }

  nextInterrupt(): number {
    return this.vm.devices.pic.next();
  }

  /** The virtual control registers are where the guest kernel reads the trap (its mfcr traps,
   *  or under full reads them in place). */
  delivered(): void {}

  explainStuck(): string | undefined {
    return this.extension.explainStuck();
  }

  handle(exit: VcpuExit, a: ExitAnswer): void {
    if (exit.kind !== 'exception' && this.extension.handle(exit, a)) return;
    switch (exit.kind) {
      case 'exception':
        return this.exception(exit.cause, exit.addr, exit.pc, a);
      case 'hypercall':
        // No paravirtual interface here: hcall traps to the guest kernel as on bare hardware.
        return this.reflectExit(CAUSE.HYPERCALL, 0, exit.pc, a);
      case 'callout':
        // Opcode 0xff in the guest's own code: illegal, as on bare hardware.
        return this.reflectExit(CAUSE.ILLEGAL, 0, exit.pc, a);
      case 'sensitive':
        return void a.none();
      case 'port-in':
      case 'port-out':
      case 'cr-write':
      case 'tlb-flush':
      case 'invlpg':
      case 'hlt':
        // Trap mode's guest never runs in supervisor mode, and full mode's kernel only runs
        // translations (each privileged instruction a callout), so these trapped first.
        throw new Error(`VMM bug: a deprivileged guest reached the platform (${exit.kind}) without an exit`);
      default: {
        const never: never = exit;
        throw new Error(`VMM bug: unknown exit ${(never as VcpuExit).kind}`);
      }
    }
  }

  private exception(cause: number, addr: number, pc: number, a: ExitAnswer): void {
    if (cause === CAUSE.PAGE_READ || cause === CAUSE.PAGE_WRITE || cause === CAUSE.PAGE_FETCH) this.pageFault((cause - CAUSE.PAGE_READ) as Access, addr, pc, a);
    else if (cause === CAUSE.PRIVILEGED && this.vm.vcpu.flags & FLAG.S) this.trapAndEmulate(pc, a);
    else this.reflectExit(cause, addr, pc, a);
  }

  /** A trap the guest kernel must see: reflect it, with the cause and address bare hardware
   *  would give. */
  reflectExit(cause: number, addr: number, pc: number, a: ExitAnswer): void {
    const e = this.host.costs.events;
    a.reflectedTrap(cause, addr, pc, e.vmmTrap + e.reflect);
  }

  /** A host page fault: hidden (fill the shadow), a protected write (emulate), or the guest's. */
  private pageFault(access: Access, addr: number, pc: number, a: ExitAnswer): void {
    answerShadowFault(this.memory.fault(addr, access), access, addr, pc, a, this.host.costs.events.vmmTrap, this.host.costs, () => this.host.instructionAt(this.vm, pc));
    if (a.next === Next.Emulate) this.extension.emulating(a.word ?? 0);
  }

  /** A privileged instruction of the guest kernel trapped: emulate it. */
  private trapAndEmulate(pc: number, a: ExitAnswer): void {
    const word = this.host.instructionAt(this.vm, pc) ?? 0;
    const reason = EMULATED_REASON[word >>> 24]!;
    const e = this.host.costs.events;
    a.set(reason, reason === REASON.hlt ? 'halted' : 'emulated', e.vmmTrap + e.emulate, pc).emulate(word);
    a.qualifyWord = true;
    this.extension.emulating(word);
  }
}
