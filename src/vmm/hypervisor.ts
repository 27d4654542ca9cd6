// The VMM core: several guests on the one simulated host, whatever the mode.
//
// The VMM sits above the CPU at the most privileged level: while a guest runs, every way
// the CPU can leave guest code (ExecutionHooks: a trap, a callout, a port, ...) comes here
// and becomes an exit value (exits.ts). One dispatch hands it to the guest's virtualizer
// (the mode, modes/mode.ts), which answers what the exit was and what to do; the core
// records the answer in one place and carries it out (emulate on the virtual CPU, or
// reflect a trap into the guest kernel). The core names no mode.
//
// The scheduler gives each guest the physical CPU in turn for a quantum of its own clock's
// ticks; a guest's virtual devices run on the guest's own clock (its instructions
// retired plus ticks spent halted, and under para the VMM's work for it: Vm.ticks), so
// every guest sees exactly the timing it would see alone on bare hardware, whatever the
// others do.

import { CAUSE, CR, FLAG, INTERRUPT_BASE, MACHINE_ID, causeName, trappingPc } from '../isa/arch.js';
import { describeAt } from '../image/disassembly.js';
import { hex } from '../isa/disasm.js';
import type { MachineConfig } from '../machine/config.js';
import type { CostModel } from '../machine/costs.js';
import { enterTrap, trapFailure } from '../machine/cpu.js';
import type { ExecutionHooks } from '../machine/execution.js';
import { boundsOf, type Bounds } from '../machine/bounds.js';
import { describeTransfer, type DiskTransfer } from '../machine/devices/disk.js';
import { limitReason } from '../machine/limit.js';
import { DISK_STATUS, SECTOR_SIZE } from '../machine/platform.js';
import { clockLimitReason, HLT_WORDS, idleStep, MAX_SLICE, nextWake } from '../machine/machine.js';
import { Access } from '../machine/mmu.js';
import { Processor } from '../machine/processor.js';
import type { ExitProbe } from './exits.js';
import { Next, REASON, type ExitAction, type ExitAnswer, type ReasonRow, type VcpuExit } from './exits.js';
import { ExitLog } from './exit-log.js';
import { DEFAULT_ASSIST, type HardwareAssist, type Mode, type VmmHost } from './modes/mode.js';
import type { Virtualizer } from './virtualizer.js';
import type { Vm } from './vm.js';

/** The VMM layer's configuration: the host machine, and how guests share it. */
export interface VmmConfig extends MachineConfig {
  /** Ticks of a guest's clock (instructions retired, ticks halted) per scheduling slice. */
  quantum: number;
  /** A guest is stopped (status `limit`) when it has retired this many instructions, the
   *  VMM's work for it counted with them (Vm.charged). */
  maxInstructions: number;
  /** Where exit records go; undefined: tracing is off and no record is built. */
  probe?: ExitProbe;
  /** The hardware-assisted CPU's settings (DEFAULT_ASSIST when not given). */
  assist?: HardwareAssist;
  /** --bt inline: binary translation translates what it can inline (VmmHost). */
  inlineTranslation?: boolean;
}

/** Wakes of a halted vCPU by an interrupt it can take, without an instruction retired, at
 *  which the watchdog stops it (a guest woken so takes it, and runs: one wake, then progress). */
const FRUITLESS_WAKES = 1_000_000;

/** The external-interrupt exits the core takes itself, and what each record says. */
const TIMER_EXITS = {
  quantum: 'host timer: quantum over',
  device: 'host timer: a virtual device is due',
  wake: 'a device event while the guest was halted in non-root operation (hlt exiting off)',
  host: "the host OS's timer: the host takes the CPU back from the VMM's process (hosted)",
  physical: 'a physical device passed through to a guest is due (its owner: guest 0 under dom0, or the --passthrough guest): the VMM routes its interrupt',
} as const;

export class Hypervisor implements ExecutionHooks, VmmHost {
  readonly processor: Processor;
  readonly vms: Vm[] = [];
  fetchArray: Int32Array;
  private readonly virtualize: (vm: Vm, frames: Int32Array) => Virtualizer;
  private current: Vm | undefined;
  private lastRun: Vm | undefined;
  /** Another world had the CPU since lastRun ran (hosted): its state must be loaded again. */
  private reloadAll = false;
  /** Host instruction count at which the running slice ends, and when it was last synced. */
  private sliceLimit = 0;
  /** The running guest's tick at which its next virtual device event is due. */
  private deviceDeadline = 0;
  private mark = 0;
  /** The page the CPU fetches from: virtual page number and word index of its host frame. */
  private fetchVpn = -1;
  private fetchBase = 0;
  /** Where exit records go; undefined when tracing is off (then none are built). */
  private readonly log: ExitLog | undefined;
  /** Cycles of the VMM's own work (exits), beyond the host CPU's instructions and walks. */
  eventCycles = 0;
  /** Exits and notes recorded on this host (for a progress display). */
  private exitCount = 0;
  /** The guest the scheduler looks at next. */
  private nextVm = 0;
  /** The CPU's instruction count at the last exit, and exits since without one retiring. */
  private progressMark = -1;
  private stalledExits = 0;
  /** Under a hosted topology (src/vmm/hosts/): the host CPU's instruction count at which the
   *  host OS's timer takes the CPU back from the VMM's process (Infinity: the VMM owns the
   *  machine), and a request of the VMM's process to go back to the host now (its device
   *  model needs the host OS). Either ends the running slice. */
  hostLimit = Infinity;
  leaveForHost = false;
  /** Whether the topology wants the CPU back now (dom0: guest 0 ended, or overstayed its last domain),
   *  asked after each slice. */
  hostWants: () => boolean = () => false;
  /** The virtual mode bit the running guest was last entered with (see resume). */
  private enteredMode = 0;
  /** The host's figures when the running slice began (what the guest's slice added to them
   *  is charged to it; one object, refilled, so that a slice allocates nothing). */
  private readonly sliceStart = { cycles: 0, lookups: 0, misses: 0, flushes: 0, invalidations: 0, walks: 0, walkWrites: 0 };
  /** What reaching hostLimit means (the external-interrupt exit's record). */
  hostLimitWhy: 'host' | 'physical' = 'host';
  readonly bounds: Bounds;

  constructor(
    readonly config: VmmConfig,
    readonly mode: Mode,
    hostMemoryBytes: number,
  ) {
    this.fetchArray = new Int32Array(0);
    this.processor = new Processor({ ...config, memoryBytes: hostMemoryBytes, tlbTagged: config.tlbTagged || mode.taggedHostTlb === true }, this);
    // The host is the same machine the guests would run on bare: cpuid run natively by a
    // guest (trap mode, or guest user code) reads this.
    this.processor.cpu.cr[CR.MID] = MACHINE_ID;
    this.bounds = boundsOf(config);
    this.virtualize = mode.start(this);
    if (config.probe) this.log = new ExitLog(config.probe, mode.name, () => this.hostCycles, (vm, pc) => this.instructionAt(vm, pc));
  }

  get tracing(): boolean {
    return this.log !== undefined;
  }

  get assist(): HardwareAssist {
    return this.config.assist ?? DEFAULT_ASSIST;
  }

  get inlineTranslation(): boolean {
    return this.config.inlineTranslation === true;
  }

  get costs(): CostModel {
    return this.config.costs;
  }

  /** Take a VM on; `frames` are the host frames its mode asked for. */
  addVm(vm: Vm, frames: Int32Array): void {
    vm.modeFrames = frames;
    vm.virtualizer = this.virtualize(vm, frames);
    vm.devices.disk.onCommand = (t) => this.noteDma(vm, t);
    this.vms.push(vm);
  }

  /** A disk command of the guest started (status busy) or finished (the data moved by DMA,
   *  or the command was refused): a note each, so that a trace shows each transfer from the
   *  out that starts it to the interrupt that ends it. */
  private noteDma(vm: Vm, t: DiskTransfer): void {
    const a = vm.noteAnswer.set(REASON.dma, t.status === DISK_STATUS.BUSY ? 'started' : 'transferred', 0, vm.vcpu.pc);
    if (this.log) {
      a.q.address = t.address;
      a.q.count = t.count;
      a.q.detail = describeTransfer(t, 'disk', `guest-physical ${hex(t.address, 8)} (${t.count * SECTOR_SIZE} bytes)`);
    }
    this.record(vm, a);
  }

  /** Host cycles so far: instructions, page walks and the VMM's own work (and, hosted, the
   *  host OS's events: otherCycles). */
  get hostCycles(): number {
    const cpu = this.processor.cpu;
    return cpu.instructions + cpu.extraCycles + (this.processor.tlb.walkReferences + this.processor.tlb.walkWrites) * this.costs.events.walkReference + this.eventCycles + this.otherCycles();
  }

  /** Cycles of another world on this CPU (hosted: the host OS's traps and interrupts). */
  otherCycles: () => number = () => 0;

  /** The host will not run again, nor be looked at: its memory (every guest's) goes back to
   *  the process for the next host (PhysicalMemory.release). */
  release(): void {
    this.processor.memory.release();
  }

  /** Run every guest until each has ended (halted, faulted, killed or out of instructions). */
  run(): void {
    while (this.runUntilHost() !== 'done');
  }

  /** Run the guests round robin, from where the last call stopped, until each has ended
   *  ('done'), the host wants the CPU back ('host': hostLimit reached, or leaveForHost), or
   *  every guest left waits for an event another domain owes it ('idle': dom0). */
  runUntilHost(): 'done' | 'host' | 'idle' {
    const cpu = this.processor.cpu;
    for (;;) {
      let ran = false;
      let moved = false;
      for (let k = 0; k < this.vms.length; k++) {
        const vm = this.vms[this.nextVm]!;
        this.nextVm = (this.nextVm + 1) % this.vms.length;
        if (!vm.running) continue;
        ran = true;
        if (this.awaitsAnother(vm)) continue; // (no slice, no guest switch: nothing to do)
        const ticks = vm.ticks;
        const exits = this.exitCount;
        this.runSlice(vm);
        if (vm.ticks !== ticks || this.exitCount !== exits || !vm.running) moved = true;
        if (this.leaveForHost || cpu.instructions >= this.hostLimit || this.hostWants()) return 'host';
      }
      if (!ran) return 'done';
      if (!moved) return 'idle';
    }
  }

  /** The scheduler looks at `vm` next (a domain an event just woke: Xen's boost). */
  runNext(vm: Vm): void {
    this.nextVm = this.vms.indexOf(vm);
  }

  /** Whether `vm` is halted waiting for an event only another domain (dom0) or a physical
   *  device passed through to it can send: no event of its own is pending or due. */
  private awaitsAnother(vm: Vm): boolean {
    if (!vm.vcpu.halted || !(vm.vcpu.flags & FLAG.IE)) return false;
    const waits = vm.links ? vm.links.awaitsAnother() : vm.passthrough?.busy?.() === true;
    return waits && nextWake(vm.devices, vm.ticks) === Infinity && vm.virtualizer.nextInterrupt() < 0;
  }

  /** The guest that had the CPU last (undefined before the first). */
  get lastGuest(): Vm | undefined {
    return this.lastRun;
  }

  /** Hosted: the host OS's world had the CPU (its registers, address space and TLB): the
   *  next guest's translation state must be loaded again before it runs (charged as the
   *  world switch; a guest switch only when another guest than the last one runs). */
  worldSwitched(): void {
    this.reloadAll = true;
    this.current = undefined;
    this.fetchVpn = -1;
    this.processor.nonroot = false;
    this.processor.nonrootGuest = undefined;
  }

  /** A note of the host topology's own (hosted: a request, a world switch, the host's I/O),
   *  recorded and charged like the core's. Its cost is the guest's when it comes outside the
   *  guest's slice. `detail` is built only when tracing. */
  hostNote(vm: Vm, reason: ReasonRow, action: ExitAction, cost: number, request: number, detail: () => string): void {
    const a = vm.noteAnswer.set(reason, action, cost, vm.vcpu.pc);
    if (this.log) {
      a.q.detail = detail();
      if (request > 0) {
        a.q.request = request;
        this.log.tagPending(request);
      }
    }
    if (this.current !== vm) vm.cycles += cost;
    this.record(vm, a);
  }

  // ---- scheduling ---------------------------------------------------------------------

  private runSlice(vm: Vm): void {
    const tlb = this.processor.tlb;
    const own = vm.tlb;
    const before = this.sliceStart;
    before.cycles = this.hostCycles;
    before.lookups = tlb.lookups;
    before.misses = tlb.misses;
    before.flushes = tlb.flushes - own.flushes;
    before.invalidations = tlb.invalidations - own.invalidations;
    before.walks = tlb.walkReferences;
    before.walkWrites = tlb.walkWrites;
    this.switchTo(vm);
    const quantumEnd = vm.ticks + this.config.quantum;
    // (whether the quantum ran out while the vCPU idled outside the guest, the VMM holding
    // the CPU since the guest's hlt exit: then no host timer interrupts the guest, and the
    // switch that ends the slice is no exit)
    let quantumIdled = false;
    const probe = vm.virtualizer.probesSensitive;
    while (vm.running) {
      if (this.leaveForHost) break;
      if (this.processor.cpu.instructions >= this.hostLimit) {
        this.timerExit(vm, this.hostLimitWhy);
        break;
      }
      this.deliverInterrupt(vm);
      // (an interrupt the guest cannot take, no handler, has ended it there; the mode may
      // have started a device command, whose data the host must fetch before the guest's
      // clock moves on: hosted)
      if (!vm.running || this.leaveForHost) break;
      if (vm.vcpu.halted) {
        // Its event is owed by another domain (dom0): the others run meanwhile.
        if (this.awaitsAnother(vm)) break;
        this.idle(vm);
        if (vm.ticks >= quantumEnd && !vm.virtualizer.haltedInGuest?.()) quantumIdled = true;
        continue;
      }
      if (vm.charged >= this.config.maxInstructions) {
        const why = vm.virtualizer.explainStuck();
        const pc = vm.vcpu.pc;
        vm.end('limit', `${limitReason(this.config.maxInstructions, pc, (at) => this.instructionAt(vm, at), vm.image, vm.traps, vm.vcpu.instructions)}${why ? `; ${why}` : ''}`);
        break;
      }
      // (the clock's bound holds for ticks run as for ticks halted: past 2^53 they are not
      // exact, and a device due at the clock's tick would stay due for ever)
      const untilBound = this.bounds.ticks - vm.ticks;
      if (untilBound <= 0) {
        vm.end('limit', clockLimitReason(this.bounds.ticks, 'the clock reached'));
        break;
      }
      const untilDevice = vm.devices.bus.nextEvent(vm.ticks);
      if (untilDevice <= 0) {
        vm.devices.bus.advance(vm.ticks);
        continue;
      }
      const untilQuantum = quantumEnd - vm.ticks;
      if (untilQuantum <= 0) {
        if (!quantumIdled) this.timerExit(vm, 'quantum');
        break;
      }
      if (vm.yielded) {
        vm.yielded = false; // sched_op yield: the rest of the slice goes to the next guest
        break;
      }
      const budget = Math.min(untilQuantum, untilDevice, untilBound, this.config.maxInstructions - vm.charged, MAX_SLICE, this.hostLimit - this.processor.cpu.instructions);
      vm.virtualizer.enter();
      this.enteredMode = vm.vcpu.flags & FLAG.S;
      const cpu = this.processor.cpu;
      this.sliceLimit = cpu.instructions + budget;
      this.deviceDeadline = vm.ticks + untilDevice;
      this.mark = cpu.instructions;
      this.processor.run(this.sliceLimit, probe);
      this.leave(vm, cpu.pc);
      this.config.progress?.slice(cpu.instructions, this.exitCount);
      // The slice ran to its end: the host timer fired. It is an exit for a device only if
      // one is due now (the guest may have reprogrammed the device since the slice began;
      // then the next slice runs to the new deadline).
      const deviceDue = vm.devices.bus.nextEvent(vm.ticks) <= 0;
      vm.devices.bus.advance(vm.ticks);
      if (vm.running && !vm.vcpu.halted && cpu.instructions >= this.sliceLimit && deviceDue) this.timerExit(vm, 'device');
    }
    // The guest's registers leave the physical CPU (they were its vCPU's file all slice), and
    // so do its virtual control registers (binary translation's inline callouts).
    vm.vcpu.unload();
    this.processor.cpu.virtualCpu = null;
    vm.cycles += this.hostCycles - before.cycles;
    // The host TLB's work in the slice is the guest's; of its flushes and invalidations, those
    // beyond the guest's own (counted as it did them) are the VMM's.
    own.lookups += tlb.lookups - before.lookups;
    own.misses += tlb.misses - before.misses;
    own.hits = own.lookups - own.misses;
    own.vmmFlushes += tlb.flushes - own.flushes - before.flushes;
    own.vmmInvalidations += tlb.invalidations - own.invalidations - before.invalidations;
    own.walkReferences += tlb.walkReferences - before.walks;
    own.walkWrites += tlb.walkWrites - before.walkWrites;
    this.current = undefined;
    // An ended guest gives back what it held of the host (its shadow roots' address-space ids).
    if (!vm.running) vm.virtualizer.memory.release();
  }

  /** Put a guest on the physical CPU: its address space, and after another guest, all of
   *  its translation state again: a guest switch, charged to the guest that gets the CPU. */
  private switchTo(vm: Vm): void {
    if (this.current !== vm) this.fetchVpn = -1; // the last fetched page was another guest's
    this.current = vm;
    vm.virtualizer.memory.activate();
    // back to the same guest: its tables are still loaded (unless the host's world ran)
    if (this.lastRun === vm && !this.reloadAll) return;
    this.reloadAll = false;
    const from = this.lastRun;
    this.lastRun = vm;
    vm.virtualizer.memory.reload();
    if (!from || from === vm) return; // the first guest to run, or the same one again
    const a = vm.answer.set(REASON['guest-switch'], 'switched', this.costs.events.guestSwitch, vm.vcpu.pc);
    a.q.detail = `from ${from.name}`;
    this.record(vm, a);
  }

  /** A halted vCPU: with virtual IE clear it has stopped for good (killed, when the mode
   *  knows the guest meant otherwise); else its clock skips to its next virtual device
   *  event (or it can never wake up). */
  private idle(vm: Vm): void {
    if (!(vm.vcpu.flags & FLAG.IE)) {
      const why = vm.virtualizer.explainStuck();
      if (why) {
        vm.end('killed', `cannot make progress: ${(vm.virtualizer.idleWords ?? HLT_WORDS).haltedMasked}, because ${why}`);
        return;
      }
    }
    const problem = idleStep(vm.vcpu, vm.devices, (ticks) => (vm.idleTicks += ticks), () => vm.ticks, this.bounds.ticks, vm.virtualizer.idleWords, vm.virtualizer.actsOnEveryEvent);
    if (problem) return vm.end(problem.status, problem.reason);
    // The watchdog: a vCPU woken again and again by an interrupt it can take (a line pending
    // and unmasked at its interrupt controller), which is never delivered, would idle to the
    // end of time, in wall time. (Wakes by a masked line's events do not count: a disk
    // transfer can take millions of ticks under a masked timer of period 1.)
    if (vm.vcpu.instructions !== vm.wokenAt) {
      vm.wokenAt = vm.vcpu.instructions;
      vm.wakesWithoutProgress = 0;
    }
    if (vm.devices.pic.next() >= 0 && ++vm.wakesWithoutProgress >= FRUITLESS_WAKES) {
      return vm.end('killed', `cannot make progress: halted, and woken ${FRUITLESS_WAKES.toLocaleString('en-US')} times by an interrupt it could take, which was never delivered`);
    }
    if (vm.virtualizer.haltedInGuest?.()) this.timerExit(vm, 'wake');
  }

  /** Inject the highest-priority pending virtual interrupt when the virtual IE allows. */
  private deliverInterrupt(vm: Vm): void {
    const irq = vm.virtualizer.nextInterrupt();
    if (irq < 0 || !(vm.vcpu.flags & FLAG.IE)) return;
    vm.vcpu.halted = false;
    const pc = vm.vcpu.pc;
    if (!this.deliverable(vm, INTERRUPT_BASE + irq, 0, pc)) return;
    const a = vm.answer.set(REASON['interrupt-injection'], 'injected', this.costs.events.reflect, pc);
    a.q.irq = irq;
    this.record(vm, a);
    this.enter(vm, INTERRUPT_BASE + irq, 0, pc);
  }

  /** Deliver a trap to the guest kernel on its virtual CPU, as its hardware would. */
  private reflect(vm: Vm, cause: number, addr: number, pc: number): void {
    if (this.deliverable(vm, cause, addr, pc)) this.enter(vm, cause, addr, pc);
  }

  /** Enter trap `cause` on the vCPU, and let the mode publish it. */
  private enter(vm: Vm, cause: number, addr: number, pc: number): void {
    enterTrap(vm.vcpu, cause, addr, pc);
    vm.virtualizer.delivered(cause);
    vm.passthrough?.delivered?.(cause);
  }

  /** Whether the guest kernel can take a trap now, as its hardware would decide (a handler
   *  installed; not a fault while entering it). If not, the guest is stopped, and that is
   *  the exit recorded: a triple fault (VT-x's exit reason 2 likewise replaces the
   *  exception that could not be delivered). */
  private deliverable(vm: Vm, cause: number, addr: number, pc: number): boolean {
    vm.traps.set(cause, (vm.traps.get(cause) ?? 0) + 1);
    const kind = vm.trapGuard.check(vm.vcpu, cause);
    if (!kind) return true;
    const hint = kind === 'unhandled' ? vm.virtualizer.explainUnhandled?.(cause) : undefined;
    const failure = trapFailure(kind, cause, addr, pc, (at) => this.where(vm, at)) + (hint ? `; ${hint}` : '');
    vm.vcpu.pc = pc;
    const a = vm.answer.set(REASON['triple-fault'], 'killed', vm.virtualizer.exitCost, trappingPc(cause, pc));
    a.q.cause = causeName(cause);
    a.q.detail = failure;
    this.record(vm, a);
    vm.end('faulted', failure);
    return false;
  }

  // ---- exits: produced here, answered by the mode, recorded and carried out here ---------

  /** Save the physical CPU into the vCPU (the mode's half) and count the instructions the
   *  guest retired since the last look. */
  private leave(vm: Vm, pc: number): void {
    vm.virtualizer.leave(pc);
    vm.vcpu.instructions += this.processor.cpu.instructions - this.mark;
    this.mark = this.processor.cpu.instructions;
  }

  /** The one dispatch: the mode answers the exit; the core records the answer, carries out
   *  what it says, and goes back into the guest. Returns whether the CPU must leave its loop. */
  private dispatch(vm: Vm, exit: VcpuExit): boolean {
    const retired = this.processor.cpu.instructions;
    if (retired !== this.progressMark) {
      this.progressMark = retired;
      this.stalledExits = 0;
    } else if (++this.stalledExits >= this.bounds.exitsWithoutProgress) {
      vm.end('killed', `no progress: ${this.stalledExits.toLocaleString('en-US')} VM exits in a row without an instruction retiring, the last at ${this.where(vm, vm.vcpu.pc)} (${exit.kind}): the tables it runs on keep changing behind its back`);
      return true;
    }
    const a = vm.answer;
    // Notes the handling raises (a hypercall that starts a disk command) follow the exit's
    // own record in the trace.
    this.log?.hold();
    vm.virtualizer.handle(exit, a);
    if (a.next === Next.Reflect) {
      const { trapCause, trapAddress, trapPc } = a;
      if (this.deliverable(vm, trapCause, trapAddress, trapPc)) {
        this.record(vm, a);
        this.enter(vm, trapCause, trapAddress, trapPc);
      }
    } else {
      this.record(vm, a);
      if (a.next === Next.Emulate) this.emulate(vm, a.word ?? 0);
    }
    this.log?.release();
    if (a.busy > 0) {
      // The VMM's work is the guest's time: its clock, its quantum and its instruction limit
      // move on (not its instructions retired); the CPU leaves its loop so the scheduler
      // sees them.
      vm.vmmWork += Math.min(a.busy, Math.max(0, this.config.maxInstructions - vm.charged));
      this.resume(vm);
      return true;
    }
    return this.resume(vm);
  }

  /** The one place exits and notes are counted, charged and logged. */
  private record(vm: Vm, a: ExitAnswer): void {
    if (!a.recorded) {
      this.eventCycles += a.cost; // work that is not an exit (ExitAnswer.none)
      return;
    }
    vm.exits[a.reason.index]!++;
    if (!a.reason.note) vm.exitsTaken++;
    this.exitCount++;
    this.eventCycles += a.cost;
    if (a.reason.diverges && !vm.firstDivergence) vm.firstDivergence = { pc: a.pc, where: this.where(vm, a.pc), detail: a.q.detail ?? '' };
    if (this.log) {
      this.log.record(vm, a);
      a.clearQualification();
    }
  }

  /** After an exit: back into the guest, unless the scheduler must look first. */
  private resume(vm: Vm): boolean {
    // As bare hardware does after any instruction that leaves its loop, devices catch up
    // before the next interrupt check: after a port access (a level-triggered line is raised
    // again), and when the emulated instruction retired at the tick a device is due (it
    // raises its line now, and a lower line than one already pending is taken first). Other
    // exits need not: mid-slice no device is due, and only a port access changes them.
    const devicesMoved = vm.devicesDue;
    if (devicesMoved || vm.ticks >= this.deviceDeadline) {
      vm.devicesDue = false;
      vm.devices.bus.advance(vm.ticks);
      this.deviceDeadline = vm.ticks + vm.devices.bus.nextEvent(vm.ticks);
    }
    if (vm.running && !vm.vcpu.halted) this.deliverInterrupt(vm);
    vm.virtualizer.enter();
    // where the guest's code is fetched from depends on its virtual mode (full: translated
    // kernel code): the CPU loop fetches its page again when that changed
    const mode = vm.vcpu.flags & FLAG.S;
    if (mode !== this.enteredMode) {
      this.enteredMode = mode;
      this.processor.cpu.fetchEpoch++;
    }
    if (!vm.running || vm.vcpu.halted || vm.yielded || this.leaveForHost) return true;
    // A physical device the guest just programmed (passed through: dom0) is due sooner.
    if (this.hostLimit < this.sliceLimit) return true;
    // A device the guest just programmed may now be due before the slice ends.
    return devicesMoved && this.processor.cpu.instructions + (this.deviceDeadline - vm.ticks) < this.sliceLimit;
  }

  /** Run one guest instruction on the virtual CPU (the emulate of trap-and-emulate). The
   *  physical CPU's count moves with it, so the slice keeps the guest's time exact. */
  private emulate(vm: Vm, word: number): void {
    const trap = vm.emulator.step(word);
    if (trap) {
      this.log?.emulated(trap.cause);
      this.reflect(vm, trap.cause, trap.addr, trap.pc);
      return;
    }
    this.processor.cpu.instructions++;
    this.mark++;
    this.log?.emulated();
  }

  private timerExit(vm: Vm, why: keyof typeof TIMER_EXITS): void {
    const a = vm.answer.set(REASON['external-interrupt'], why === 'quantum' || why === 'host' || why === 'physical' ? 'switched' : 'resumed', vm.virtualizer.exitCost, vm.vcpu.pc);
    a.q.detail = TIMER_EXITS[why];
    this.record(vm, a);
  }

  /** The guest instruction word at pc, read through the guest's own mapping (undefined
   *  when pc is not mapped). */
  instructionAt(vm: Vm, pc: number): number | undefined {
    // The page the CPU is fetching from is the usual answer (the instruction that exited).
    if (pc >>> 12 === this.fetchVpn && vm === this.current) return this.processor.memory.words[this.fetchBase + ((pc & 4095) >>> 2)];
    const gpa = vm.virtualizer.memory.peekFetch(pc);
    return gpa >= 0 ? vm.memory.read32(gpa) : undefined;
  }

  /** "pc 0x... (insn, file:line)" for messages. */
  where(vm: Vm, pc: number): string {
    return describeAt(pc, this.instructionAt(vm, pc), vm.image);
  }

  // ---- ExecutionHooks: the physical CPU left guest code (a VM exit) ---------------------

  raise(cause: number, addr: number, pc: number): boolean {
    const vm = this.current!;
    this.leave(vm, pc);
    if (cause === CAUSE.HYPERCALL) {
      const exit = vm.exitValues.hypercall;
      exit.pc = pc;
      return this.dispatch(vm, exit);
    }
    const exit = vm.exitValues.exception;
    exit.cause = cause;
    exit.addr = addr;
    exit.pc = pc;
    return this.dispatch(vm, exit);
  }

  callout(pc: number, word: number): boolean {
    const vm = this.current!;
    this.leave(vm, pc);
    const exit = vm.exitValues.callout;
    exit.pc = pc;
    exit.word = word;
    return this.dispatch(vm, exit);
  }

  fetchPage(pc: number, flags: number): number {
    const pa = this.processor.mmu.translate(pc, Access.Fetch, flags);
    if (pa < 0) {
      this.fetchVpn = -1;
      return pa;
    }
    this.fetchVpn = pc >>> 12;
    this.fetchBase = (pa & ~4095) >> 2;
    const code = this.current!.virtualizer.codeFor(pa >>> 12, flags);
    if (code) {
      this.fetchArray = code;
      return 0;
    }
    this.fetchArray = this.processor.memory.words;
    return this.fetchBase;
  }

  dataTranslate(va: number, write: boolean, flags: number): number {
    return this.processor.dataTranslate(va, write, flags);
  }

  /** The probe CPU variant: a sensitive instruction is about to run deprivileged. Not an
   *  exit: the mode may note it; the guest goes on at once. */
  noteSensitive(pc: number, word: number, flags: number): void {
    const vm = this.current!;
    const exit = vm.exitValues.sensitive;
    exit.pc = pc;
    exit.word = word;
    exit.flags = flags;
    const a = vm.answer.none();
    vm.virtualizer.handle(exit, a);
    this.record(vm, a);
  }

  // Guest code reached the platform itself: in non-root operation (hardware-assisted modes)
  // with the instruction's exit control off, so not an exit: the mode carries it out on the
  // guest's own state, the physical CPU's. (With a control on, the CPU exited before the
  // instruction: raise.) Under ring compression these never happen without a trap first.
  private direct(vm: Vm, exit: VcpuExit): void {
    // The guest's clock moves to this instruction (for the devices a port reaches).
    const cpu = this.processor.cpu;
    vm.vcpu.instructions += cpu.instructions - this.mark;
    this.mark = cpu.instructions;
    const a = vm.answer.none();
    vm.virtualizer.handle(exit, a);
    this.record(vm, a);
  }

  /** A port the guest reaches itself is the VMM's business: the CPU leaves its loop. */
  readonly leaveAfterIn = true;

  portIn(port: number): number {
    const vm = this.current!;
    const exit = vm.exitValues['port-in'];
    exit.port = port;
    this.direct(vm, exit);
    return exit.value;
  }

  portOut(port: number, value: number): boolean {
    const vm = this.current!;
    const exit = vm.exitValues['port-out'];
    exit.port = port;
    exit.value = value;
    this.direct(vm, exit);
    return true;
  }

  /** The VMM never maps the memory-mapped device's page for a guest (each access is an exit
   *  it emulates on the guest's virtual device), so the physical CPU cannot reach it. */
  mmioRead(): number {
    throw new Error('VMM bug: a guest reached the memory-mapped device without an exit');
  }

  mmioWrite(): void {
    throw new Error('VMM bug: a guest reached the memory-mapped device without an exit');
  }

  writeCr(index: number, value: number): boolean {
    const vm = this.current!;
    const exit = vm.exitValues['cr-write'];
    exit.index = index;
    exit.value = value;
    this.direct(vm, exit);
    return true;
  }

  /** A guest that wrote its FLAGS itself (non-root operation) may now take a virtual
   *  interrupt, which runSlice injects: the CPU leaves its loop. */
  flagsWritten(): boolean {
    return true;
  }

  tlbFlush(): void {
    const vm = this.current!;
    this.direct(vm, vm.exitValues['tlb-flush']);
  }

  tlbInvalidate(va: number): void {
    const vm = this.current!;
    const exit = vm.exitValues.invlpg;
    exit.va = va;
    this.direct(vm, exit);
  }

  halt(): void {
    const vm = this.current!;
    this.direct(vm, vm.exitValues.hlt);
  }
}
