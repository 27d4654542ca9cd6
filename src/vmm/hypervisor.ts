// The software VMM (trap and full modes): several guests on the one simulated host.
//
// The VMM sits above the CPU at the most privileged level: guests always run in the host's
// user mode on shadow page tables, so every trap the CPU takes while a guest runs comes
// here (ExecutionHooks.raise) as a VM exit. One shared handler deals with what is common
// (counting, tracing, emulating, reflecting, injecting) and the mode decides the rest
// (binary translation in full mode, silent-divergence notes in trap mode).
//
// The scheduler gives each guest the physical CPU in turn for a quantum of its own
// instructions; a guest's virtual devices run on the guest's own clock (its instructions
// retired plus ticks spent halted), so every guest sees exactly the timing it would see
// alone on bare hardware, whatever the others do.

import { CAUSE, CONDITION_MASK, CR, FLAG, INTERRUPT_BASE, MACHINE_ID, causeName, trappingPc } from '../isa/arch.js';
import { disassemble, hex } from '../isa/disasm.js';
import { BY_MNEMONIC, BY_OPCODE } from '../isa/table.js';
import { sourceOf } from '../image/model.js';
import type { CostModel } from '../machine/costs.js';
import { enterTrap } from '../machine/cpu.js';
import type { ExecutionHooks } from '../machine/interpreter.js';
import { idleStep, MAX_SLICE } from '../machine/machine.js';
import { Access } from '../machine/mmu.js';
import { Processor } from '../machine/processor.js';
import { AsidAllocator } from './asids.js';
import type { ExitProbe, ExitReason } from './exits.js';
import { REASON_INDEX } from './exits.js';
import { ExitLog, qualify } from './exit-log.js';
import { CALLOUT, Translator } from './modes/full/translator.js';
import type { ModeSpec } from './modes/mode.js';
import { Fill } from './shadow.js';
import type { Vm } from './vm.js';

export interface HypervisorConfig {
  mode: ModeSpec;
  tlbSize: number;
  tlbTagged: boolean;
  strict: boolean;
  costs: CostModel;
  maxInstructions: number;
  /** Guest instructions per scheduling slice. */
  quantum: number;
  probe?: ExitProbe;
  jit?: boolean;
}

const ACCESS_NAMES = ['read', 'write', 'fetch'] as const;

function unreachable(what: string): never {
  throw new Error(`VMM bug: a guest ${what} without an exit`);
}
/** Opcodes of the instructions that set the interrupt flag explicitly. */
const SETS_IE = new Set(['cli', 'sti', 'setf', 'rfe'].map((m) => BY_MNEMONIC.get(m)!.opcode));

export class Hypervisor implements ExecutionHooks {
  readonly processor: Processor;
  readonly vms: Vm[] = [];
  fetchArray: Int32Array;
  /** Guest frame of each host frame (for finding a translation from a fetch). */
  private readonly guestFrameOf: Int32Array;
  private readonly translators = new Map<Vm, Translator>();
  private current: Vm | undefined;
  private lastRun: Vm | undefined;
  /** Host instruction count at which the running slice ends, and when it was last synced. */
  private sliceLimit = 0;
  private mark = 0;
  /** The page the CPU fetches from: virtual page number and word index of its host frame. */
  private fetchVpn = -1;
  private fetchBase = 0;
  /** The CPU fetches from a translation (guest-kernel code in full mode), not guest memory. */
  private fetchingTranslation = false;
  /** Address-space ids of all guests' shadow roots: one host TLB, so one allocator. */
  readonly asids = new AsidAllocator();
  /** Where exit records go; undefined when tracing is off (then none are built). */
  private readonly log: ExitLog | undefined;
  /** Cycles of the VMM's own work (exits), beyond the host CPU's instructions and walks. */
  eventCycles = 0;

  constructor(
    readonly config: HypervisorConfig,
    hostMemoryBytes: number,
  ) {
    this.fetchArray = new Int32Array(0);
    this.processor = new Processor({ memoryBytes: hostMemoryBytes, tlbSize: config.tlbSize, tlbTagged: config.tlbTagged, strict: config.strict, costs: config.costs, jit: config.jit }, this);
    // The host is the same machine the guests would run on bare: cpuid run natively by a
    // guest (trap mode, or guest user code) reads this.
    this.processor.cpu.cr[CR.MID] = MACHINE_ID;
    this.guestFrameOf = new Int32Array(hostMemoryBytes / 4096).fill(-1);
    if (config.probe) this.log = new ExitLog(config.probe, config.mode.name, () => this.hostCycles, (vm, pc) => this.instructionAt(vm, pc));
  }

  get costs(): CostModel {
    return this.config.costs;
  }

  addVm(vm: Vm): void {
    vm.memory.frames.forEach((hostFrame, gfn) => (this.guestFrameOf[hostFrame] = gfn));
    if (this.config.mode.binaryTranslation) this.translators.set(vm, new Translator(vm));
    this.vms.push(vm);
  }

  translator(vm: Vm): Translator | undefined {
    return this.translators.get(vm);
  }

  /** Host cycles so far: instructions, page walks and the VMM's own work. */
  get hostCycles(): number {
    const cpu = this.processor.cpu;
    return cpu.instructions + cpu.extraCycles + this.processor.tlb.walkReferences * this.costs.events.walkReference + this.eventCycles;
  }

  /** Run every guest until each has ended (halted, faulted, killed or out of instructions). */
  run(): void {
    for (;;) {
      let ran = false;
      for (const vm of this.vms) {
        if (!vm.running) continue;
        this.runSlice(vm);
        ran = true;
      }
      if (!ran) return;
    }
  }

  // ---- scheduling ---------------------------------------------------------------------

  private runSlice(vm: Vm): void {
    const tlb = this.processor.tlb;
    const before = { cycles: this.hostCycles, lookups: tlb.lookups, misses: tlb.misses, flushes: tlb.flushes, invalidations: tlb.invalidations, walks: tlb.walkReferences };
    this.switchTo(vm);
    const quantumEnd = vm.ticks + this.config.quantum;
    while (vm.running) {
      this.deliverInterrupt(vm);
      if (vm.vcpu.halted) {
        this.idle(vm);
        continue;
      }
      if (vm.vcpu.instructions >= this.config.maxInstructions) {
        vm.end('limit', `instruction limit of ${this.config.maxInstructions} reached${vm.divergence ? `; ${this.divergenceText(vm)}` : ''}`);
        break;
      }
      const untilDevice = vm.devices.bus.nextEvent(vm.ticks);
      if (untilDevice <= 0) {
        vm.devices.bus.advance(vm.ticks);
        continue;
      }
      const untilQuantum = quantumEnd - vm.ticks;
      if (untilQuantum <= 0) {
        this.timerExit(vm, 'quantum');
        break;
      }
      const budget = Math.min(untilQuantum, untilDevice, this.config.maxInstructions - vm.vcpu.instructions, MAX_SLICE);
      this.toHost(vm);
      const cpu = this.processor.cpu;
      this.sliceLimit = cpu.instructions + budget;
      this.mark = cpu.instructions;
      this.processor.run(this.sliceLimit, this.config.mode.reportSilentDivergence);
      this.fromHost(vm, cpu.pc);
      vm.devices.bus.advance(vm.ticks);
      if (vm.running && !vm.vcpu.halted && cpu.instructions >= this.sliceLimit && budget === untilDevice) this.timerExit(vm, 'device');
    }
    vm.cycles += this.hostCycles - before.cycles;
    vm.tlb.lookups += tlb.lookups - before.lookups;
    vm.tlb.misses += tlb.misses - before.misses;
    vm.tlb.hits = vm.tlb.lookups - vm.tlb.misses;
    vm.tlb.flushes += tlb.flushes - before.flushes;
    vm.tlb.invalidations += tlb.invalidations - before.invalidations;
    vm.tlb.walkReferences += tlb.walkReferences - before.walks;
    this.current = undefined;
  }

  /** Put a guest on the physical CPU: its shadow tables and registers. */
  private switchTo(vm: Vm): void {
    this.current = vm;
    vm.shadow.activate(vm.vcpu.cr, vm.vcpu.flags);
    if (this.lastRun === vm) return; // back to the same guest: its tables are still loaded
    if (this.lastRun) this.eventCycles += this.costs.events.worldSwitch;
    this.lastRun = vm;
    vm.shadow.reload();
  }

  /** A halted vCPU: with virtual IE clear it has stopped for good; else its clock skips to
   *  its next virtual device event (or it can never wake up). */
  private idle(vm: Vm): void {
    if (!(vm.vcpu.flags & FLAG.IE) && vm.divergence) {
      vm.end('killed', `cannot make progress: hlt with virtual interrupts disabled, because ${this.divergenceText(vm)}`);
      return;
    }
    const problem = idleStep(vm.vcpu, vm.devices, (ticks) => (vm.idleTicks += ticks), () => vm.ticks);
    if (problem) vm.end(problem.status, problem.reason);
  }

  private divergenceText(vm: Vm): string {
    const d = vm.divergence!;
    return `${d.insn} at ${this.where(vm, d.pc)} ran deprivileged without an exit: ${d.detail}`;
  }

  /** Inject the highest-priority pending virtual interrupt when the virtual IE allows. */
  private deliverInterrupt(vm: Vm): void {
    if (!(vm.vcpu.flags & FLAG.IE)) return;
    const irq = vm.devices.pic.next();
    if (irq < 0) return;
    vm.vcpu.halted = false;
    vm.injected++;
    const cost = this.costs.events.reflect;
    this.eventCycles += cost;
    if (this.log) this.log.note(vm, 'interrupt-injection', vm.vcpu.pc, 'injected', cost, { irq });
    this.reflect(vm, INTERRUPT_BASE + irq, 0, vm.vcpu.pc);
  }

  /** Deliver a trap to the guest kernel on its virtual CPU, as its hardware would. */
  private reflect(vm: Vm, cause: number, addr: number, pc: number): void {
    vm.traps.set(cause, (vm.traps.get(cause) ?? 0) + 1);
    const failure = vm.trapGuard.check(vm.vcpu, cause, addr, pc, (at) => this.where(vm, at, true));
    if (failure) {
      vm.vcpu.pc = pc;
      this.count(vm, 'triple-fault', this.costs.events.vmmTrap);
      if (this.log) this.log.exit(vm, 'triple-fault', trappingPc(cause, pc), 'killed', this.costs.events.vmmTrap, { cause: causeName(cause), detail: failure });
      vm.end('faulted', failure);
      return;
    }
    enterTrap(vm.vcpu, cause, addr, pc);
  }

  // ---- the guest on the physical CPU ------------------------------------------------------

  /** Copy the physical CPU's state of the running guest into its vCPU. */
  private fromHost(vm: Vm, pc: number): void {
    const cpu = this.processor.cpu;
    vm.vcpu.pc = pc;
    vm.vcpu.flags = (cpu.flags & CONDITION_MASK) | (vm.vcpu.flags & (FLAG.IE | FLAG.S));
    vm.vcpu.regs.set(cpu.regs);
    vm.vcpu.instructions += cpu.instructions - this.mark;
    this.mark = cpu.instructions;
  }

  /** Load the vCPU onto the physical CPU, always in user mode. The guest kernel runs with
   *  the host's interrupts on (the VMM's timer must get through; a deprivileged kernel's
   *  getf sees that, as pushf did on x86); guest user code sees its own virtual IE. */
  private toHost(vm: Vm): void {
    const cpu = this.processor.cpu;
    const v = vm.vcpu.flags;
    cpu.pc = vm.vcpu.pc;
    cpu.flags = (v & CONDITION_MASK) | (v & FLAG.S ? FLAG.IE : v & FLAG.IE);
    cpu.regs.set(vm.vcpu.regs);
    vm.shadow.activate(vm.vcpu.cr, vm.vcpu.flags);
  }

  /** After an exit: back into the guest, unless the scheduler must look first. */
  private resume(vm: Vm): boolean {
    if (vm.vcpu.flags & FLAG.IE) vm.divergence = undefined;
    // After a port access, as bare hardware does after any instruction that leaves its loop:
    // devices catch up (a level-triggered line is raised again) before the next interrupt
    // check. (Other such instructions need not: mid-slice, no device is due yet, and only a
    // port access can change what a device would raise.)
    const devicesMoved = vm.devicesDue;
    if (devicesMoved) {
      vm.devicesDue = false;
      vm.devices.bus.advance(vm.ticks);
    }
    if (vm.running && !vm.vcpu.halted) this.deliverInterrupt(vm);
    this.toHost(vm);
    if (!vm.running || vm.vcpu.halted) return true;
    // A device the guest just programmed may now be due before the slice ends.
    return devicesMoved && this.processor.cpu.instructions + vm.devices.bus.nextEvent(vm.ticks) < this.sliceLimit;
  }

  /** Run one guest instruction on the virtual CPU (the emulate of trap-and-emulate). The
   *  physical CPU's count moves with it, so the slice keeps the guest's time exact. */
  private emulate(vm: Vm, word: number): void {
    const trap = vm.emulator.step(word);
    if (trap) {
      this.reflect(vm, trap.cause, trap.addr, trap.pc);
      return;
    }
    this.processor.cpu.instructions++;
    this.mark++;
    // The guest has now said for itself what IE should be: an earlier silent failure no
    // longer explains the state of the virtual IE.
    if (SETS_IE.has(word >>> 24)) vm.divergence = undefined;
  }

  /** The guest instruction word at pc, read through the guest's own mapping (undefined
   *  when pc is not mapped). */
  private instructionAt(vm: Vm, pc: number): number | undefined {
    // The page the CPU is fetching from is the usual answer (the instruction that exited).
    if (pc >>> 12 === this.fetchVpn && vm === this.current) return this.processor.memory.words[this.fetchBase + ((pc & 4095) >>> 2)];
    const gpa = vm.guestMmu.peek(pc, Access.Fetch, vm.vcpu.flags);
    return gpa >= 0 ? vm.memory.read32(gpa) : undefined;
  }

  // ---- ExecutionHooks: the physical CPU trapped while a guest ran (a VM exit) -----------

  raise(cause: number, addr: number, pc: number): boolean {
    const vm = this.current!;
    this.fromHost(vm, pc);
    if (cause === CAUSE.PAGE_READ || cause === CAUSE.PAGE_WRITE || cause === CAUSE.PAGE_FETCH) this.pageFault(vm, cause, addr, pc);
    else if (cause === CAUSE.PRIVILEGED && vm.vcpu.flags & FLAG.S) this.trapAndEmulate(vm, pc);
    else this.reflectExit(vm, cause, addr, pc);
    return this.resume(vm);
  }

  private reflectExit(vm: Vm, cause: number, addr: number, pc: number): void {
    const cost = this.costs.events.vmmTrap + this.costs.events.reflect;
    this.count(vm, 'exception', cost);
    if (this.log) this.log.exit(vm, 'exception', trappingPc(cause, pc), 'reflected', cost, { cause: causeName(cause), ...(addr ? { address: addr } : {}) });
    this.reflect(vm, cause, addr, pc);
  }

  private pageFault(vm: Vm, cause: number, addr: number, pc: number): void {
    const access = (cause - CAUSE.PAGE_READ) as Access;
    const result = vm.shadow.fill(addr, access, vm.vcpu.flags);
    const e = this.costs.events;
    if (result === Fill.Filled) {
      this.count(vm, 'hidden-page-fault', e.vmmTrap + e.shadowFill);
      if (this.log) this.log.exit(vm, 'hidden-page-fault', pc, 'filled', e.vmmTrap + e.shadowFill, { address: addr, access: ACCESS_NAMES[access] });
    } else if (result === Fill.PageTableWrite) {
      this.count(vm, 'page-table-write', e.vmmTrap + e.pageTableWrite);
      if (this.log) this.log.exit(vm, 'page-table-write', pc, 'emulated', e.vmmTrap + e.pageTableWrite, { address: addr });
      this.emulate(vm, this.instructionAt(vm, pc) ?? 0);
    } else if (result === Fill.CodeWrite) {
      const cost = e.vmmTrap + e.emulate;
      this.count(vm, 'code-write', cost);
      if (this.log) this.log.exit(vm, 'code-write', pc, 'emulated', cost, { address: addr });
      this.emulate(vm, this.instructionAt(vm, pc) ?? 0);
    } else {
      this.reflectExit(vm, -result, addr, pc);
    }
  }

  /** A privileged instruction of the guest kernel trapped: emulate it. */
  private trapAndEmulate(vm: Vm, pc: number): void {
    const word = this.instructionAt(vm, pc) ?? 0;
    const mnemonic = BY_OPCODE[word >>> 24]?.mnemonic;
    const reason: ExitReason = mnemonic === 'in' || mnemonic === 'out' ? 'io' : mnemonic === 'mfcr' || mnemonic === 'mtcr' ? 'cr-access' : mnemonic === 'hlt' ? 'hlt' : 'privileged';
    const cost = this.costs.events.vmmTrap + this.costs.events.emulate;
    this.count(vm, reason, cost);
    if (this.log) this.log.exit(vm, reason, pc, reason === 'hlt' ? 'halted' : 'emulated', cost, qualify(vm, word), word);
    this.emulate(vm, word);
  }

  callout(pc: number, word: number): boolean {
    const vm = this.current!;
    this.fromHost(vm, pc);
    const translator = this.translators.get(vm);
    const e = this.costs.events;
    if (!translator || !this.fetchingTranslation) {
      // Opcode 0xff in the guest's own code (not a translation): as on bare hardware.
      this.reflectExit(vm, CAUSE.ILLEGAL, 0, pc);
    } else if (word === CALLOUT.TRANSLATE) {
      const gpa = vm.guestMmu.peek(pc, Access.Fetch, vm.vcpu.flags);
      const gfn = (gpa >= 0 ? gpa : pc) >>> 12;
      const count = translator.translateBlock(gfn, pc);
      const cost = e.callout + e.translate * count;
      this.count(vm, 'bt-translate', cost);
      if (this.log) this.log.exit(vm, 'bt-translate', pc, 'translated', cost, { count });
    } else {
      const original = this.instructionAt(vm, pc) ?? 0;
      const cost = e.callout + e.emulate;
      this.count(vm, 'bt-callout', cost);
      if (this.log) this.log.exit(vm, 'bt-callout', pc, 'callout', cost, qualify(vm, original), original);
      this.emulate(vm, original);
    }
    return this.resume(vm);
  }

  fetchPage(pc: number, flags: number): number {
    const pa = this.processor.mmu.translate(pc, Access.Fetch, flags);
    if (pa < 0) {
      this.fetchVpn = -1;
      return pa;
    }
    this.fetchVpn = pc >>> 12;
    this.fetchBase = (pa & ~4095) >> 2;
    const vm = this.current!;
    if (vm.vcpu.flags & FLAG.S) {
      const translator = this.translators.get(vm);
      if (translator) {
        this.fetchArray = translator.page(this.guestFrameOf[pa >>> 12]!);
        this.fetchingTranslation = true;
        return 0;
      }
    }
    this.fetchArray = this.processor.memory.words;
    this.fetchingTranslation = false;
    return this.fetchBase;
  }

  dataTranslate(va: number, write: boolean, flags: number): number {
    return this.processor.dataTranslate(va, write, flags);
  }

  /** Trap mode: a sensitive instruction is about to run deprivileged, unseen by the VMM. */
  noteSensitive(pc: number, word: number, hostFlags: number): void {
    const vm = this.current!;
    if (!(vm.vcpu.flags & FLAG.S)) return; // guest user code: user mode is what it expects
    vm.notes++;
    const mnemonic = BY_OPCODE[word >>> 24]!.mnemonic;
    const vIE = (vm.vcpu.flags & FLAG.IE) !== 0;
    let detail: string;
    if (mnemonic === 'getf') {
      detail = `getf reads FLAGS ${hex(hostFlags, 2)} (S=0 IE=${hostFlags & FLAG.IE ? 1 : 0}), but the virtual CPU is in supervisor mode with IE=${+vIE}`;
    } else if (mnemonic === 'setf') {
      const value = this.processor.cpu.regs[(word >>> 20) & 15]!;
      const wantIE = (value & FLAG.IE) !== 0;
      detail = `setf asks for IE=${+wantIE} S=${value & FLAG.S ? 1 : 0}; in user mode it silently keeps IE and S, so the virtual IE stays ${+vIE}`;
      if (wantIE && !vIE) vm.divergence = { pc, insn: 'setf', detail: `it asked for IE=1 and the virtual IE stayed 0` };
    } else {
      detail = `${mnemonic} reads the machine id without the VMM seeing it`;
    }
    if (this.log) this.log.note(vm, 'sensitive-unprivileged', pc, 'none', 0, { detail });
  }

  // A guest always runs deprivileged, so these never happen without an exit first.
  portIn(): number {
    return unreachable('reached a port');
  }
  portOut(): void {
    unreachable('reached a port');
  }
  writeCr(): void {
    unreachable('wrote a control register');
  }
  tlbFlush(): void {
    unreachable('flushed the TLB');
  }
  tlbInvalidate(): void {
    unreachable('invalidated a TLB entry');
  }
  halt(): void {
    unreachable('halted the CPU');
  }

  // ---- accounting and tracing -----------------------------------------------------------

  private count(vm: Vm, reason: ExitReason, cost: number): void {
    vm.exits[REASON_INDEX[reason]]!++;
    this.eventCycles += cost;
  }

  private timerExit(vm: Vm, why: 'quantum' | 'device'): void {
    const cost = this.costs.events.vmmTrap;
    this.count(vm, 'external-interrupt', cost);
    if (this.log) this.log.exit(vm, 'external-interrupt', vm.vcpu.pc, why === 'quantum' ? 'switched' : 'resumed', cost, { detail: why === 'quantum' ? 'host timer: quantum over' : 'host timer: a virtual device is due' });
  }

  /** "pc 0x... (insn, file:line)" for messages. */
  where(vm: Vm, pc: number, withInsn = true): string {
    const source = sourceOf(vm.image, pc);
    const word = withInsn ? this.instructionAt(vm, pc) : undefined;
    const insn = word === undefined ? undefined : disassemble(word, pc);
    const parts = [insn, source ? `${source.file}:${source.line}` : undefined].filter(Boolean);
    return `pc ${hex(pc, 8)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
  }
}
