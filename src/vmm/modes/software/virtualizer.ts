// What the software modes (trap and full) share: ring compression, trap-and-emulate, and
// shadow paging. The guest always runs in the host's user mode on shadow page tables, so
// every trap the CPU takes while it runs is an exit:
//
//   privileged instruction in the guest kernel  -> emulated on the virtual CPU
//   page fault the guest's tables allow         -> hidden: the shadow entry is filled
//   write to a protected page-table/code page   -> emulated (shadows/translations kept)
//   anything else (syscall, fault, ...)         -> reflected into the guest kernel
//
// trap/ and full/ extend this class with what they add (full: binary translation; trap:
// the diagnosis of sensitive instructions that run unseen).

import { CAUSE, CONDITION_MASK, FLAG, causeName, trappingPc } from '../../../isa/arch.js';
import { BY_OPCODE } from '../../../isa/table.js';
import type { Access } from '../../../machine/mmu.js';
import type { ExitAnswer, ExitReason, VcpuExit } from '../../exits.js';
import type { Vm } from '../../vm.js';
import { Fault, type Virtualizer } from '../../virtualizer.js';
import type { VmmHost } from '../mode.js';
import type { AsidAllocator } from './asids.js';
import { ShadowPaging } from './shadow-paging.js';

const ACCESS_NAMES = ['read', 'write', 'fetch'] as const;

export class SoftwareVirtualizer implements Virtualizer {
  readonly probesSensitive: boolean = false;
  readonly memory: ShadowPaging;

  constructor(
    protected readonly vm: Vm,
    protected readonly host: VmmHost,
    /** Host frames for this guest's shadow page tables. */
    shadowPool: Int32Array,
    asids: AsidAllocator,
  ) {
    this.memory = new ShadowPaging(host.processor, vm.memory, vm.vcpu, vm.guestMmu, shadowPool, asids);
  }

  /** Load the vCPU onto the physical CPU, always in user mode (ring compression). The guest
   *  kernel runs with the host's interrupts on (the VMM's timer must get through; a
   *  deprivileged kernel's getf sees that, as pushf did on x86); guest user code sees its
   *  own virtual IE. */
  enter(): void {
    const cpu = this.host.processor.cpu;
    const vcpu = this.vm.vcpu;
    const v = vcpu.flags;
    cpu.pc = vcpu.pc;
    cpu.flags = (v & CONDITION_MASK) | (v & FLAG.S ? FLAG.IE : v & FLAG.IE);
    cpu.regs.set(vcpu.regs);
    this.memory.activate();
  }

  /** Copy the physical CPU's state of the guest into its vCPU (the virtual mode and IE stay
   *  the VMM's: the physical ones are the compressed ring's). */
  leave(pc: number): void {
    const cpu = this.host.processor.cpu;
    const vcpu = this.vm.vcpu;
    vcpu.pc = pc;
    vcpu.flags = (cpu.flags & CONDITION_MASK) | (vcpu.flags & (FLAG.IE | FLAG.S));
    vcpu.regs.set(cpu.regs);
  }

  codeFor(_hostFrame: number): Int32Array | undefined {
    return undefined;
  }

  explainStuck(): string | undefined {
    return undefined;
  }

  handle(exit: VcpuExit, a: ExitAnswer): void {
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
        // Ring compression: the guest never runs in supervisor mode, so these trapped first.
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
  protected reflectExit(cause: number, addr: number, pc: number, a: ExitAnswer): void {
    const e = this.host.costs.events;
    a.set('exit', 'exception', 'reflected', e.vmmTrap + e.reflect, trappingPc(cause, pc)).reflect(cause, addr, pc);
    a.q.cause = causeName(cause);
    if (addr) a.q.address = addr;
  }

  /** A host page fault: hidden (fill the shadow), a protected write (emulate), or the guest's. */
  private pageFault(access: Access, addr: number, pc: number, a: ExitAnswer): void {
    const result = this.memory.fault(addr, access);
    const e = this.host.costs.events;
    if (result === Fault.Filled) {
      a.set('exit', 'hidden-page-fault', 'filled', e.vmmTrap + e.shadowFill, pc);
      a.q.address = addr;
      a.q.access = ACCESS_NAMES[access];
    } else if (result === Fault.PageTableWrite || result === Fault.CodeWrite) {
      const table = result === Fault.PageTableWrite;
      a.set('exit', table ? 'page-table-write' : 'code-write', 'emulated', e.vmmTrap + (table ? e.pageTableWrite : e.emulate), pc);
      a.emulate(this.host.instructionAt(this.vm, pc));
      a.q.address = addr;
    } else {
      this.reflectExit(-result, addr, pc, a);
    }
  }

  /** A privileged instruction of the guest kernel trapped: emulate it. */
  private trapAndEmulate(pc: number, a: ExitAnswer): void {
    const word = this.host.instructionAt(this.vm, pc) ?? 0;
    const mnemonic = BY_OPCODE[word >>> 24]?.mnemonic;
    const reason: ExitReason = mnemonic === 'in' || mnemonic === 'out' ? 'io' : mnemonic === 'mfcr' || mnemonic === 'mtcr' ? 'cr-access' : mnemonic === 'hlt' ? 'hlt' : 'privileged';
    const e = this.host.costs.events;
    a.set('exit', reason, reason === 'hlt' ? 'halted' : 'emulated', e.vmmTrap + e.emulate, pc).emulate(word);
    a.qualifyWord = true;
  }
}
