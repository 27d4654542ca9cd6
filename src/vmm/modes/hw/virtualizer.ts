// --mode hw, per VM: hardware-assisted virtualization, VT-x's way. The vCPU's state is
// loaded into the physical CPU in non-root operation (VM entry) and saved from it on every
// exit: the unmodified guest kernel runs in its own supervisor mode, natively, and only what
// the exit controls select leaves it (controls.ts):
//
//   an instruction whose control is on (hlt, in/out, mtcr/mfcr, invlpg, cpuid, ...)
//                                              -> exit with VT-x's reason; emulated
//   a guest trap in the exception bitmap       -> exit 0; injected into the guest kernel
//   any other guest trap                       -> no exit: the CPU delivers it to the guest
//   a nested fault (an address past the guest) -> exit 48 (EPT violation); the guest gets
//                                                 the bus error its hardware would give
//   without nested paging (--npt off): ptbr and asid access, invlpg, tlbflush and page
//   faults exit, and the VMM keeps shadow page tables (the software modes' shadow code):
//   a hidden fault is filled, a write to a guest page table emulated
//   enabling interrupts with one to inject     -> exit 7 (interrupt window); injected
//   hcall                                      -> exit 18 (VMCALL always exits); a native
//                                                 guest gets its hypercall trap, as on bare
//
// With a control off the instruction runs in the guest on its own state: a port reaches its
// virtual device directly (as an assigned device would), a control register is the CPU's.
// Virtual interrupts are injected on VM entry (VM-entry interruption information). A VM exit
// and the next entry cost the cost model's vmExit, plus the VMM's work.

import { isMmio } from '../../../machine/platform.js';
import { CAUSE, CR, FLAG, PAGE_SIZE } from '../../../isa/arch.js';
import { hex } from '../../../isa/disasm.js';
import { BY_MNEMONIC } from '../../../isa/table.js';
import { controlRegisterValue, type CpuState } from '../../../machine/cpu.js';
import { NESTED_FAULT_CAUSE, VM_EXIT_CAUSE, VM_WINDOW_CAUSE } from '../../../machine/vmx.js';
import { REASON, type ExitAnswer, type ReasonRow, type VcpuExit } from '../../exits.js';
import type { Virtualizer } from '../../virtualizer.js';
import { ACCESS_NAMES, Access } from '../../../machine/mmu.js';
import type { Vm } from '../../vm.js';
import type { Processor } from '../../../machine/processor.js';
import type { VmmHost } from '../mode.js';
import type { AsidAllocator } from '../software/asids.js';
import { applyControls, exceptionBitmap, type ControlSettings } from './controls.js';
import { NestedPaging } from './nested-paging.js';
import { ShadowPaging } from '../software/shadow-paging.js';
import type { MemoryVirtualizer } from '../../virtualizer.js';
import { answerShadowFault } from '../software/shadow-fault.js';

/** The exit reason of each opcode an exit control can stop (by opcode: exits are hot). */
const INSTRUCTION_REASON: readonly ReasonRow[] = (() => {
  const by: Record<string, ReasonRow> = { in: REASON.io, out: REASON.io, mfcr: REASON['cr-access'], mtcr: REASON['cr-access'], hlt: REASON.hlt, invlpg: REASON.invlpg, tlbflush: REASON['tlb-flush'], cpuid: REASON.cpuid };
  const reasons = new Array<ReasonRow>(256).fill(REASON.privileged);
  for (const [mnemonic, reason] of Object.entries(by)) reasons[BY_MNEMONIC.get(mnemonic)!.opcode] = reason;
  return reasons;
})();

export class HardwareVirtualizer implements Virtualizer {
  readonly probesSensitive = false;
  readonly memory: MemoryVirtualizer;
  /** Nested paging, or null: shadow page tables (the physical ptbr and asid are the VMM's). */
  private readonly nested: NestedPaging | null;
  private readonly cpu: CpuState;
  private readonly vcpu: CpuState;
  /** Bit per trap cause whose traps exit (the exception bitmap). */
  private readonly exceptionExits: number;
  private readonly windowExiting: boolean;
  /** Exits recorded for this guest when it last entered: a VM exit happened since when the
   *  count moved (the simulator also leaves and re-enters its loop where no exit happens:
   *  after a native mtcr, rfe, sti, port access, or a trap the CPU delivers itself). */
  private exitsAtEntry = -1;
  /** The guest's exits at the last entry that flushed the TLB (--vpid off; -1: none yet). */
  private flushedAtExits = -1;
  private readonly vpid: boolean;
  /** The interrupt line nextInterrupt last found pending (-1: none). */
  private pendingIrq = -1;
  /** The vCPU halted in non-root operation (hlt exiting off) and has not run since. */
  private halted = false;
  /** The vCPU's crVersion when its control registers were last loaded. */
  private crVersion = -1;
  /** 1 for each control register VM entry loads from the vCPU. */
  private readonly loadedCrs: Uint8Array;
  private readonly processor: Processor;
  /** The CPU's interrupt-window exiting control (vmx.ts). */
  private readonly interruptWindow: Uint8Array;

  constructor(
    readonly vm: Vm,
    readonly host: VmmHost,
    frames: Int32Array,
    private readonly settings: ControlSettings,
    /** Host TLB tags: VPIDs (nested paging, VPID on) or the shadow roots' ids. */
    asids: AsidAllocator,
  ) {
    this.processor = host.processor;
    this.cpu = host.processor.cpu;
    this.interruptWindow = this.cpu.exitControls.interruptWindow;
    this.vcpu = vm.vcpu;
    const { nestedPaging, vpid } = host.assist;
    this.nested = nestedPaging ? new NestedPaging(host.processor, vm, frames, vpid ? asids : null, vm.tlbTagged) : null;
    this.memory = this.nested ?? new ShadowPaging(host.processor, vm.memory, vm.vcpu, vm.guestMmu, frames, asids, { flushTagOnPtbr: !vm.tlbTagged });
    this.exceptionExits = exceptionBitmap(settings);
    this.windowExiting = settings.on.has('interrupt-window');
    this.vpid = vpid;
    this.loadedCrs = new Uint8Array(vm.vcpu.cr.length).fill(1);
    if (!this.nested) this.loadedCrs[CR.PTBR] = this.loadedCrs[CR.ASID] = 0;
  }

  get exitCost(): number {
    return this.host.costs.events.vmExit;
  }

  /** VM entry: the guest state area goes into the physical CPU, in non-root operation. The
   *  control registers go one way only: the vCPU's are always the guest's (the VMM changes
   *  them when it emulates or delivers a trap, and a native mtcr writes both), except, under
   *  shadow paging, ptbr and asid, whose physical values are the shadow root's. */
  enter(): void {
    const cpu = this.cpu;
    const vcpu = this.vcpu;
    cpu.pc = vcpu.pc;
    cpu.flags = vcpu.flags;
    vcpu.loadInto(cpu.regs);
    const processor = this.processor;
    // VT-x before VPID: every VM entry flushes the TLB, the first one and each after an exit
    // (another guest ran: it exited). A vCPU that stays halted is not entered: its flush
    // comes with the entry that runs it again.
    if (!this.vpid && !vcpu.halted && (this.vm.exitsTaken !== this.flushedAtExits || processor.nonrootGuest !== this)) {
      processor.tlb.flush();
      this.flushedAtExits = this.vm.exitsTaken;
    }
    if (vcpu.crVersion !== this.crVersion || processor.nonrootGuest !== this) {
      // changed by the VMM since the last entry, or another guest had the CPU
      const cr = cpu.cr;
      const vcr = vcpu.cr;
      const loaded = this.loadedCrs;
      for (let i = 0; i < cr.length; i++) if (loaded[i]) cr[i] = vcr[i]!;
      this.crVersion = vcpu.crVersion;
      processor.nonrootGuest = this;
      // nested paging's address space follows the registers (a native mtcr updates it)
      this.memory.activate();
    } else if (!this.nested) this.memory.activate(); // shadows may have been dropped (DMA)
    if (!processor.nonroot) {
      processor.nonroot = true;
      applyControls(this.settings, cpu.exitControls);
    }
    // Interrupt-window exiting: on while an interrupt waits for the guest's IE (the core
    // asked nextInterrupt just before this entry).
    this.interruptWindow[0] = this.windowExiting && !(vcpu.flags & FLAG.IE) && this.pendingIrq >= 0 ? 1 : 0;
    this.exitsAtEntry = this.vm.exitsTaken;
    this.halted = false;
  }

  haltedInGuest(): boolean {
    return this.halted && this.vcpu.halted;
  }

  /** VM exit: the guest state area is saved from the physical CPU (pc and FLAGS; the
   *  registers stay in the physical file until the slice ends: Virtualizer.enter). */
  leave(pc: number): void {
    const cpu = this.cpu;
    const vcpu = this.vcpu;
    vcpu.pc = pc;
    vcpu.flags = cpu.flags;
  }

  codeFor(): undefined {
    return undefined;
  }

  /** The virtual interrupt controller's next line. With interrupt-window exiting off, the
   *  VMM injects only when it has the CPU: after an exit, or while the vCPU is halted (it
   *  does not see the guest enable interrupts in between). */
  nextInterrupt(): number {
    if (!this.windowExiting && !this.vcpu.halted && this.vm.exitsTaken === this.exitsAtEntry) return -1;
    return (this.pendingIrq = this.vm.devices.pic.next());
  }

  /** The guest kernel reads the trap from its own control registers (the vCPU's). */
  delivered(): void {}

  explainStuck(): undefined {
    return undefined;
  }

  handle(exit: VcpuExit, a: ExitAnswer): void {
    switch (exit.kind) {
      case 'exception':
        return this.exception(exit.cause, exit.addr, exit.pc, a);
      case 'hypercall': {
        // VMCALL always exits; a native guest has no hypercalls: its kernel gets the trap.
        const e = this.host.costs.events;
        a.set(REASON.hypercall, 'reflected', e.vmExit + e.reflect, (exit.pc - 4) | 0).reflect(CAUSE.HYPERCALL, 0, exit.pc);
        a.q.detail = 'a native guest: no hypercall interface, so its kernel takes the hypercall trap as on bare hardware';
        return;
      }
      case 'callout':
        // Opcode 0xff in the guest's code: illegal, as any other illegal word (delivered by
        // the CPU as on bare hardware, or an exit when the exception bitmap has it).
        return this.exception(CAUSE.ILLEGAL, 0, exit.pc, a);
      case 'sensitive':
        return void a.none();
      // Non-root operation with the instruction's control off: no exit, the guest's own state.
      case 'port-in':
        exit.value = this.vm.portIn(exit.port);
        return void a.none();
      case 'port-out':
        this.vm.portOut(exit.port, exit.value);
        return void a.none();
      case 'cr-write':
        return this.writeCr(exit.index, exit.value, a);
      case 'tlb-flush':
        this.vm.tlb.flushes++;
        this.memory.flushTlb();
        return void a.none();
      case 'invlpg':
        this.vm.tlb.invalidations++;
        this.memory.invalidatePage(exit.va);
        return void a.none();
      case 'hlt':
        // hlt exiting off: the CPU halts in the guest; the VMM hears of it at the next event
        this.vcpu.halted = true;
        this.halted = true;
        return void a.none();
      default: {
        const never: never = exit;
        throw new Error(`VMM bug: unknown exit ${(never as VcpuExit).kind}`);
      }
    }
  }

  /** mtcr in non-root operation, its control off: the physical CPU's register is the guest's. */
  private writeCr(index: number, value: number, a: ExitAnswer): void {
    const cpu = this.cpu;
    cpu.cr[index] = controlRegisterValue(cpu, index, value);
    this.vcpu.cr[index] = cpu.cr[index]!;
    if (index === CR.PTBR) {
      if (!this.vm.tlbTagged) this.vm.tlb.flushes++;
      this.memory.ptbrWritten();
    } else if (index === CR.ASID) this.nested?.asidWritten();
    a.none();
  }

  private exception(cause: number, addr: number, pc: number, a: ExitAnswer): void {
    const e = this.host.costs.events;
    if (cause === VM_EXIT_CAUSE) return this.instructionExit(addr, pc, a);
    if (cause === VM_WINDOW_CAUSE) {
      a.set(REASON['interrupt-window'], 'resumed', e.vmExit, (pc - 4) | 0);
      return;
    }
    if (cause === NESTED_FAULT_CAUSE) return this.nestedFault(addr, pc, a);
    if (!this.nested && cause >= CAUSE.PAGE_READ && cause <= CAUSE.PAGE_FETCH) return this.shadowFault((cause - CAUSE.PAGE_READ) as Access, addr, pc, a);
    if (cause < 32 && this.exceptionExits & (1 << cause)) {
      a.reflectedTrap(cause, addr, pc, e.vmExit + e.reflect);
      return;
    }
    // Not in the bitmap: the CPU vectors it through the guest's own tvec; no exit.
    this.deliveredByCpu(cause, addr, pc, a);
  }

  /** A guest trap the CPU delivers to the guest kernel itself, in non-root operation: no
   *  exit, and the cost of a trap on bare hardware. */
  private deliveredByCpu(cause: number, addr: number, pc: number, a: ExitAnswer): void {
    a.none().reflect(cause, addr, pc);
    a.cost = this.host.costs.events.trap;
  }

  /** Shadow paging: a page fault exits; hidden (fill the shadow), a write to a guest page
   *  table (emulate), or the guest's own (inject it). */
  private shadowFault(access: Access, addr: number, pc: number, a: ExitAnswer): void {
    answerShadowFault(this.memory.fault(addr, access), access, addr, pc, a, this.host.costs.events.vmExit, this.host.costs, () => this.host.instructionAt(this.vm, pc));
  }

  /** An instruction whose exit control is on: exit with its reason; the VMM emulates it. */
  private instructionExit(word: number, pc: number, a: ExitAnswer): void {
    const reason = INSTRUCTION_REASON[word >>> 24]!;
    const e = this.host.costs.events;
    a.set(reason, reason === REASON.hlt ? 'halted' : 'emulated', e.vmExit + e.emulate, pc).emulate(word);
    a.qualifyWord = true;
  }

  /** A nested fault: the guest named a guest-physical address its memory does not have. Its
   *  hardware would give a bus error: the VMM delivers that. (A load or store of the
   *  memory-mapped device's page is the device's; a fetch from it, or a page-table reference
   *  of the guest's walk to it, is a bus error, as on bare hardware.) */
  private nestedFault(va: number, pc: number, a: ExitAnswer): void {
    const mmu = this.host.processor.mmu;
    const gpa = mmu.nestedFaultAddress >>> 0;
    const e = this.host.costs.events;
    if (isMmio(gpa) && mmu.nestedFaultAccess !== Access.Fetch && !mmu.nestedFaultInWalk) {
      // the memory-mapped device: as KVM does, the VMM emulates the access
      a.set(REASON['ept-violation'], 'emulated', e.vmExit + e.emulate, pc).emulate(this.host.instructionAt(this.vm, pc));
      a.q.address = gpa;
      a.q.access = ACCESS_NAMES[mmu.nestedFaultAccess];
      return;
    }
    a.set(REASON['ept-violation'], 'reflected', e.vmExit + e.reflect, pc).reflect(CAUSE.BUS, va, pc);
    a.q.address = gpa;
    a.q.access = ACCESS_NAMES[mmu.nestedFaultAccess];
    if (this.host.tracing) a.q.detail = `guest-physical ${hex(gpa, 8)} (${mmu.nestedFaultInWalk ? 'a page-table entry of its walk for ' : ''}guest-linear ${hex(va, 8)}) is past the guest's ${this.vm.memory.size / PAGE_SIZE} frames: its bus error`;
  }
}
