// The bare machine: one TOY32 computer with no VMM (`vmm run --mode bare`). Traps vector to
// the kernel's tvec; ports reach the platform devices directly.
//
// The run loop (TinyEMU style): deliver a pending interrupt when IE allows, idle forward to
// the next device event while halted, else run the CPU for a slice that ends at the next
// device event, then let the devices catch up. Time is ticks: instructions retired plus
// ticks spent halted, never the wall clock.

import { mmioRead, mmioWrite } from './platform.js';
import { CAUSE, FLAG, INTERRUPT_BASE } from '../isa/arch.js';
import { hex } from '../isa/disasm.js';
import { describeAt } from '../image/disassembly.js';
import type { Image } from '../image/model.js';
import { boundsOf } from './bounds.js';
import type { MachineConfig } from './config.js';
import type { DmaMemory } from './device.js';
import type { ExecutionHooks } from './execution.js';
import type { ConsoleBackend } from './devices/console.js';
import type { DiskImage } from './devices/disk.js';
import { createDevices, type Devices } from './devices/index.js';
import { limitReason } from './limit.js';
import { loadImage } from './load.js';
import type { PhysicalMemory } from './memory.js';
import { Access } from './mmu.js';
import { Processor } from './processor.js';
import { trapFailure, TrapGuard } from './cpu.js';

/** What a machine's devices are connected to on the host: where console output goes, and
 *  the bytes of its console input and its disk (or its disk image). */
export interface DeviceBackends {
  console: ConsoleBackend;
  input?: Uint8Array;
  disk?: Uint8Array | DiskImage;
}

export type RunStatus = 'halted' | 'faulted' | 'limit';

export interface Termination {
  readonly status: RunStatus;
  readonly reason: string;
  readonly pc: number;
}

/** The longest slice the CPU runs before the machine looks around (bounded re-entry also
 *  lets V8 optimise the loop normally instead of only by on-stack replacement). */
export const MAX_SLICE = 1 << 20;

/** Ticks until the next event of a device whose line is unmasked (Infinity: none): what
 *  could wake a halted CPU. */
export function nextWake(devices: Devices, now: number): number {
  let wait = Infinity;
  for (const { device } of devices.bus.devices) {
    const next = device.nextEvent?.(now) ?? Infinity;
    if (next < wait && device.irq && device.irq.number >= 0 && !(devices.pic.mask & (1 << device.irq.number))) wait = next;
  }
  return wait;
}

/** How a deadlock of a halted CPU is put in words: what halted it with interrupts enabled,
 *  and why the lines of the devices that will interrupt cannot wake it (`lines`: those lines,
 *  a bit each; `mask`: the interrupt controller's). A mode whose guest halts some other way
 *  (para's sched_op block) gives its own (Virtualizer.idleWords). */
export interface IdleWords {
  readonly halt: string;
  /** A VMM's words for its vCPU halted with its virtual IE clear when the mode knows the
   *  guest meant otherwise (Virtualizer.explainStuck says why). */
  readonly haltedMasked: string;
  masked(lines: number, mask: number): string;
}

export const HLT_WORDS: IdleWords = {
  halt: 'hlt with interrupts enabled',
  haltedMasked: 'hlt with virtual interrupts disabled',
  masked: (_lines, mask) => `every device that will interrupt is masked at the interrupt controller (mask ${hex(mask, 8)})`,
};

/** One step of a halted CPU (shared by the machine and the VMM's vCPUs): end the run when
 *  IE is clear or no interrupt can ever come (no device will fire, or every line that will
 *  is masked: a halted CPU cannot unmask it), or when the clock would pass `maxTicks`
 *  (bounds.ts: beyond 2^53 it would not be exact); else move time to the next event of a
 *  device whose line is unmasked, the first that can wake the CPU (`everyEvent`: of any
 *  device). */
export function idleStep(cpu: { flags: number }, devices: Devices, addIdle: (ticks: number) => void, now: () => number, maxTicks: number, words: IdleWords = HLT_WORDS, everyEvent = false): { status: RunStatus; reason: string } | undefined {
  if (!(cpu.flags & FLAG.IE)) return { status: 'halted', reason: 'finished normally (hlt with interrupts off)' };
  let lines = 0;
  let soonest = Infinity;
  for (const { device } of devices.bus.devices) {
    const next = device.nextEvent?.(now()) ?? Infinity;
    if (next === Infinity) continue;
    soonest = Math.min(soonest, next);
    if (device.irq && device.irq.number >= 0) lines |= 1 << device.irq.number;
  }
  if (soonest === Infinity) return { status: 'faulted', reason: `${words.halt}, but no device will ever interrupt (deadlock)` };
  // Only an unmasked line wakes the CPU: the clock skips straight to its event (the devices
  // whose lines are masked catch up then; the timer's missed periods are one pending line).
  // With `everyEvent` it stops at every device's event (a VMM that itself acts on lines the
  // guest cannot take: para).
  const wake = nextWake(devices, now());
  if (wake === Infinity) return { status: 'faulted', reason: `${words.halt}, but ${words.masked(lines, devices.pic.mask)}: deadlock` };
  const wait = everyEvent ? soonest : wake;
  if (now() + wait > maxTicks) return { status: 'limit', reason: clockLimitReason(maxTicks, 'the next device event would take the clock past') };
  addIdle(Math.max(wait, 0));
  devices.bus.advance(now());
  return undefined;
}

/** Why a guest stops at the bound of its clock: `how` it came to it. */
export function clockLimitReason(maxTicks: number, how: string): string {
  return `guest time limit: ${how} ${maxTicks.toLocaleString('en-US')} ticks${maxTicks === 2 ** 53 ? ' (2^53, beyond which ticks are not exact)' : ''}`;
}

export function dmaView(memory: PhysicalMemory): DmaMemory {
  return {
    size: memory.size,
    write: (address, bytes) => memory.writeBytes(address, bytes),
    read: (address, length) => memory.bytes.slice(address, address + length),
  };
}

export class Machine implements ExecutionHooks {
  readonly processor: Processor;
  readonly devices: Devices;
  fetchArray: Int32Array;
  /** Traps taken, by cause code. */
  readonly traps = new Map<number, number>();
  idleTicks = 0;
  /** Cycles of events (traps, interrupts, page walks), beyond the instructions'. */
  eventCycles = 0;
  private readonly trapGuard = new TrapGuard();
  private image: Image | undefined;
  private termination: Termination | undefined;
  /** Which of the processor's worlds runs this machine's code (0 unless it shares one). */
  private readonly world: number;
  /** Told of each interrupt the CPU takes (a hosted VMM's trace of the host's own). */
  onInterrupt: ((irq: number) => void) | undefined;
  /** Work a device asked to do outside the CPU loop, at the next instruction boundary. */
  private boundaryWork: (() => void) | undefined;
  /** The instruction count the running slice ends at (run); Infinity outside run's slices,
   *  so that an `out` or an `in` there leaves whenever some device has an event. */
  private sliceEnd = Infinity;
  /** ExecutionHooks.leaveAfterIn: portIn's answer (sliceChanged). */
  leaveAfterIn = true;

  /** With `processor`, the machine runs on a CPU it shares as another world (a hosted VMM's
   *  host OS and its guests: src/vmm/hosts/hosted/); else on a CPU of its own. */
  constructor(
    readonly config: MachineConfig,
    backends: DeviceBackends,
    processor?: Processor,
  ) {
    this.fetchArray = new Int32Array(0);
    this.processor = processor ?? new Processor(config, this);
    this.world = processor ? processor.addWorld(this) : 0;
    this.devices = createDevices(backends.console, dmaView(this.processor.memory), backends.input, backends.disk);
  }

  /** Run `work` once the instruction running now has completed, outside the CPU loop (a
   *  device whose register write hands the CPU to other code: the hosted VMM's world switch). */
  atBoundary(work: () => void): void {
    this.boundaryWork = work;
  }

  get bus() {
    return this.devices.bus;
  }

  get pic() {
    return this.devices.pic;
  }

  get cpu() {
    return this.processor.cpu;
  }

  /** Ticks: the machine's clock. */
  get now(): number {
    return this.cpu.instructions + this.idleTicks;
  }

  get cycles(): number {
    return this.cpu.instructions + this.cpu.extraCycles + this.eventCycles + (this.processor.tlb.walkReferences + this.processor.tlb.walkWrites) * this.config.costs.events.walkReference;
  }

  /** Load an image (from `file`, named in errors) and reset the CPU (see loadImage). */
  load(image: Image, file?: string): void {
    loadImage(image, this.processor.memory, this.cpu, file);
    this.image = image;
  }

  /** Run until the program halts, faults for good, or `maxInstructions` have retired (or,
   *  with `budget`, until it has retired more than the budget allows as it grows: a hosted
   *  VMM's host OS is allowed more as its guests make progress). */
  run(maxInstructions: number, budget?: { limit(): number; reason(): string }): Termination {
    const cpu = this.cpu;
    const maxTicks = boundsOf(this.config).ticks;
    while (!this.termination) {
      const work = this.boundaryWork;
      if (work) {
        this.boundaryWork = undefined;
        work();
        continue;
      }
      if (cpu.flags & FLAG.IE) {
        const irq = this.pic.next();
        if (irq >= 0) {
          cpu.halted = false;
          this.eventCycles += this.config.costs.events.interrupt - this.config.costs.events.trap;
          this.raise(INTERRUPT_BASE + irq, 0, cpu.pc);
          this.onInterrupt?.(irq);
          continue;
        }
      }
      if (cpu.halted) {
        this.idle();
        continue;
      }
      const remaining = (budget ? budget.limit() : maxInstructions) - cpu.instructions;
      if (remaining <= 0) {
        this.stop('limit', budget ? budget.reason() : limitReason(maxInstructions, cpu.pc, (at) => this.wordAt(at), this.image, this.traps, cpu.instructions));
        break;
      }
      // (the clock's bound holds for ticks run as for ticks halted: past 2^53 they are not
      // exact, and a device due at `now` would stay due for ever)
      const untilBound = maxTicks - this.now;
      if (untilBound <= 0) {
        this.stop('limit', clockLimitReason(maxTicks, 'the clock reached'));
        break;
      }
      this.sliceEnd = cpu.instructions + Math.min(remaining, this.bus.nextEvent(this.now), MAX_SLICE, untilBound);
      this.processor.run(this.sliceEnd, false, this.world);
      this.sliceEnd = Infinity;
      this.bus.advance(this.now);
      this.config.progress?.slice(cpu.instructions, 0);
    }
    return this.termination!;
  }

  /** A halted CPU: stop for good with IE clear, else skip time to the next device event. */
  private idle(): void {
    const problem = idleStep(this.cpu, this.devices, (ticks) => (this.idleTicks += ticks), () => this.now, boundsOf(this.config).ticks);
    if (problem) this.stop(problem.status, problem.reason);
  }

  /** The machine will not run again, nor be looked at: its memory goes back to the process
   *  for the next machine (PhysicalMemory.release). */
  release(): void {
    this.processor.memory.release();
  }

  /** End the run. The pc reported is where the CPU stopped: the hlt it halted on, else the
   *  instruction it would run next (or that faulted). */
  stop(status: RunStatus, reason: string): void {
    this.termination ??= { status, reason, pc: (this.cpu.halted ? this.cpu.pc - 4 : this.cpu.pc) >>> 0 };
  }

  /** "pc 0x... (instruction, file:line)" for messages. */
  private describe(pc: number): string {
    return describeAt(pc, this.wordAt(pc), this.image);
  }

  /** The instruction word at pc through the current mapping (undefined: not mapped). */
  private wordAt(pc: number): number | undefined {
    const pa = this.processor.mmu.peek(pc, Access.Fetch, this.cpu.flags);
    return pa >= 0 ? this.processor.memory.read32(pa) : undefined;
  }

  // ---- ExecutionHooks -------------------------------------------------------------------

  raise(cause: number, addr: number, pc: number): boolean {
    this.traps.set(cause, (this.traps.get(cause) ?? 0) + 1);
    this.eventCycles += this.config.costs.events.trap;
    const failure = this.trapGuard.check(this.cpu, cause);
    if (failure) {
      this.stop('faulted', trapFailure(failure, cause, addr, pc, (at) => this.describe(at)));
      return true;
    }
    this.processor.vector(cause, addr, pc);
    return false;
  }

  callout(pc: number): boolean {
    return this.raise(CAUSE.ILLEGAL, 0, pc);
  }

  fetchPage(pc: number, flags: number): number {
    return this.processor.fetchPage(pc, flags);
  }

  dataTranslate(va: number, write: boolean, flags: number): number {
    return this.processor.dataTranslate(va, write, flags);
  }

  portIn(port: number): number {
    const code = this.processor.codeVersion;
    this.bus.advance(this.now);
    const value = this.bus.read(port);
    this.leaveAfterIn = this.sliceChanged(code);
    return value;
  }

  portOut(port: number, value: number): boolean {
    const code = this.processor.codeVersion;
    this.bus.advance(this.now);
    this.bus.write(port, value);
    return this.sliceChanged(code);
  }

  /** After a port access: whether it changed what run() does between slices, so that the
   *  CPU must leave its loop (else it goes on, in compiled code too): a device now due
   *  before the slice's end, an interrupt the CPU can take (a read of the console's data
   *  raises its line), work at the boundary, or compiled code dropped since the processor's
   *  code version was `code` (a device's DMA). */
  private sliceChanged(code: number): boolean {
    const cpu = this.cpu;
    const due = this.bus.nextEvent(this.now);
    return (
      cpu.instructions + Math.max(due, 0) < this.sliceEnd ||
      ((cpu.flags & FLAG.IE) !== 0 && this.pic.next() >= 0) ||
      this.boundaryWork !== undefined ||
      this.processor.codeVersion !== code
    );
  }

  mmioRead(pa: number): number {
    return mmioRead(this, pa);
  }

  mmioWrite(pa: number, value: number): void {
    mmioWrite(this, pa, value);
  }

  writeCr(index: number, value: number): boolean {
    return this.processor.writeCr(index, value);
  }

  /** The CPU goes on unless run() has something to do: an interrupt to deliver, or work at
   *  the boundary. With IE set, the devices catch up first, as they do whenever the CPU
   *  returns to run(): a level-triggered line still asserted after the kernel acknowledged
   *  it (the console's, while input is left) is raised again, and taken now. With IE clear
   *  no interrupt can be taken, and whatever reads the devices' state next (a port, the
   *  memory-mapped device, the CPU's return) lets them catch up first. */
  flagsWritten(flags: number): boolean {
    if (flags & FLAG.IE) {
      this.bus.advance(this.now);
      if (this.pic.next() >= 0) return true;
    }
    return this.boundaryWork !== undefined;
  }

  tlbFlush(): void {
    this.processor.tlb.flush();
  }

  tlbInvalidate(va: number): void {
    this.processor.tlb.invalidate(va);
  }

  halt(): void {
    this.cpu.halted = true;
  }

  noteSensitive(): void {}
}
