// A virtual machine: one guest image with its own guest-physical memory (host frames the
// VMM chose), its own virtual CPU, its own virtual devices, the mode's virtualizer, and the
// counters of its run. Nothing here is shared with another guest.

import { CR, TRANSLATION_CRS } from '../isa/arch.js';
import type { Image } from '../image/model.js';
import type { GuestInput } from '../machine/config.js';
import type { CostModel } from '../machine/costs.js';
import { controlRegisterValue, CpuState, TrapGuard } from '../machine/cpu.js';
import { NO_DEVICE } from '../machine/bus.js';
import { mmioRead, mmioWrite } from '../machine/platform.js';
import type { ConsoleBackend } from '../machine/devices/console.js';
import { createDevices, type Devices } from '../machine/devices/index.js';
import { loadImage } from '../machine/load.js';
import type { RunStatus } from '../machine/machine.js';
import type { PhysicalMemory } from '../machine/memory.js';
import { Mmu } from '../machine/mmu.js';
import { Tlb, type TlbFigures } from '../machine/tlb.js';
import { Emulator, type VirtualPlatform } from './emulator.js';
import { EXIT_REASONS, ExitAnswer, exitValues } from './exits.js';
import type { GuestMemory } from './guest-memory.js';
import type { Virtualizer } from './virtualizer.js';
import type { DomainLinks, PassThrough } from './links.js';

/** A silent divergence from bare hardware: where ("pc 0x... (insn, file:line)"), and what
 *  the guest saw there that bare hardware would not have shown it. */
export interface Divergence {
  pc: number;
  where: string;
  detail: string;
}

/** How a guest ended: as on bare hardware, or stopped by the VMM (`killed`). */
export type VmStatus = RunStatus | 'killed';

export class Vm implements VirtualPlatform {
  /** The virtual CPU: registers, pc, virtual FLAGS (mode and IE), virtual control registers. */
  readonly vcpu = new CpuState();
  readonly devices: Devices;
  /** Walks the guest's own page tables (virtual ptbr) over guest-physical memory. */
  readonly guestMmu: Mmu;
  readonly emulator: Emulator;
  readonly trapGuard = new TrapGuard();
  /** The mode's half of this VM, and the host frames it was given (set once, when the VMM
   *  takes the VM on). */
  virtualizer!: Virtualizer;
  modeFrames: Int32Array = new Int32Array(0);
  /** The vCPU's exit values and the answer to the current one (refilled, never allocated). */
  readonly exitValues = exitValues();
  readonly answer = new ExitAnswer();
  /** The answer for notes its virtual devices raise (apart: they may come while an exit's
   *  answer is being carried out). */
  readonly noteAnswer = new ExitAnswer();
  idleTicks = 0;
  /** Units of the VMM's work on this guest's behalf (para's hypercall effort: the operations
   *  a hypercall carries, the entries it examines, the bytes it writes; docs/hypercalls.md).
   *  Not instructions, but the guest's time: its clock, its quantum and its instruction limit
   *  count them. */
  vmmWork = 0;
  /** Times the halted vCPU was woken by an interrupt it could take since it last retired an
   *  instruction (`wokenAt`: its instruction count then): the hypervisor's watchdog (idle). */
  wakesWithoutProgress = 0;
  wokenAt = 0;
  /** Host cycles spent on this guest: its instructions plus the VMM's work for it. */
  cycles = 0;
  /** Exits and notes by reason (index into EXIT_REASONS). */
  readonly exits = new Float64Array(EXIT_REASONS.length);
  readonly traps = new Map<number, number>();
  /** The host TLB's work for this guest (lookups, misses, walks), the guest's own flushes
   *  and invalidations as its architecture counts them (as on bare hardware), and those the
   *  VMM made besides. */
  readonly tlb: Required<TlbFigures> = { lookups: 0, hits: 0, misses: 0, flushes: 0, invalidations: 0, walkReferences: 0, walkWrites: 0, vmmFlushes: 0, vmmInvalidations: 0 };
  /** Hypercalls made, by name (para). */
  readonly hypercalls = new Map<string, number>();
  /** The guest gave up the rest of its slice (sched_op yield). */
  yielded = false;
  /** An emulated instruction reached a device: devices catch up before the guest goes on. */
  devicesDue = false;
  status: VmStatus | 'running' = 'running';
  /** Disassembly and source line of pcs named in trace records (see exit-log.ts). */
  readonly describedPcs = new Map<number, { word: number | undefined; insn: string; source: string | undefined }>();
  reason = '';
  endPc = 0;
  /** The first silent divergence recorded (a note whose reason `diverges`), for the report. */
  firstDivergence: Divergence | undefined;
  /** Under a topology with a driver domain (--host dom0): this domain's links to the others
   *  (set before the VMM takes the VM on); undefined: the VMM's own back ends serve it. */
  links: DomainLinks | undefined;
  /** Physical devices passed through to this guest (guest 0's): its port accesses to them
   *  reach the device itself, once the mode has let them through. */
  passthrough: PassThrough | undefined;
  /** The I/O request this domain is serving now (guest 0), for its trace records; 0: none. */
  servingRequest = 0;

  readonly name: string;
  /** The option that sets its memory, for messages (GuestInput.memoryOption). */
  readonly memoryOption: string;
  readonly image: Image;
  /** The guest's TLB is tagged: writing its page-table base does not flush it. */
  readonly tlbTagged: boolean;
  /** Exits recorded for this guest (not notes). */
  exitsTaken = 0;

  constructor(
    readonly id: number,
    guest: GuestInput,
    readonly memory: GuestMemory,
    console: ConsoleBackend,
    host: {
      /** The host's physical memory (the emulator's loads and stores land there). */
      readonly memory: PhysicalMemory;
      readonly costs: CostModel;
      readonly tlbTagged: boolean;
    },
  ) {
    this.name = guest.name;
    this.memoryOption = guest.memoryOption ?? '--mem';
    this.image = guest.image;
    this.tlbTagged = host.tlbTagged;
    this.devices = createDevices(console, memory.dma(), guest.input, guest.disk);
    this.guestMmu = new Mmu(memory, new Tlb(1, false), this.vcpu.cr);
    this.emulator = new Emulator(this.vcpu, host.memory, host.costs, this);
    memory.onDmaWrite = (gpa, length) => this.virtualizer.memory.written(gpa, length);
    loadImage(guest.image, memory, this.vcpu, guest.file, guest.memoryOption);
  }

  /** Guest time: instructions retired, ticks spent halted and the VMM's work for it. */
  get ticks(): number {
    return this.charged + this.idleTicks;
  }

  /** What --max-instructions counts: instructions retired and the VMM's work for it. */
  get charged(): number {
    return this.vcpu.instructions + this.vmmWork;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  // ---- VirtualPlatform: what an emulated instruction touches --------------------------

  portIn(port: number): number {
    if (this.passthrough?.owns(port)) return this.passthrough.portIn(port);
    const bus = this.devices.bus;
    if (!bus.owns(port)) return NO_DEVICE;
    bus.advance(this.ticks);
    this.devicesDue = true;
    return bus.read(port);
  }

  portOut(port: number, value: number): void {
    if (this.passthrough?.owns(port)) return this.passthrough.portOut(port, value);
    const bus = this.devices.bus;
    if (!bus.owns(port)) return;
    bus.advance(this.ticks);
    this.devicesDue = true;
    bus.write(port, value);
  }

  /** The memory-mapped device's registers are the guest's own virtual console's. */
  mmioRead(pa: number): number {
    return mmioRead(this, pa);
  }

  mmioWrite(pa: number, value: number): void {
    mmioWrite(this, pa, value);
  }

  // The guest's own TLB operations are counted here as its architecture defines them (the
  // same rules as Processor.writeCr on bare hardware); the memory virtualizer carries each
  // out on the host TLB with one flush or invalidation of its own.

  /** The virtual control register; a new page-table base takes effect at once. */
  writeCr(index: number, value: number): boolean {
    this.vcpu.cr[index] = controlRegisterValue(this.vcpu, index, value);
    this.vcpu.crVersion++;
    if (index !== CR.PTBR) return TRANSLATION_CRS[index]!;
    if (!this.tlbTagged) this.tlb.flushes++;
    this.virtualizer.memory.ptbrWritten();
    return true;
  }

  tlbFlush(): void {
    this.tlb.flushes++;
    this.virtualizer.memory.flushTlb();
  }

  tlbInvalidate(va: number): void {
    this.tlb.invalidations++;
    this.virtualizer.memory.invalidatePage(va);
  }

  halt(): void {
    this.vcpu.halted = true;
  }

  translate(va: number, write: boolean, flags: number): number {
    return this.virtualizer.memory.translate(va, write, flags);
  }

  end(status: VmStatus, reason: string): void {
    if (!this.running) return;
    this.status = status;
    this.reason = reason;
    // Where it stopped: the hlt it halted on, else the instruction it would run next.
    this.endPc = (this.vcpu.halted ? this.vcpu.pc - 4 : this.vcpu.pc) >>> 0;
  }
}
