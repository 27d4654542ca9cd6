// A virtual machine: one guest image with its own guest-physical memory (host frames the
// VMM chose), its own virtual CPU, its own virtual devices, shadow page tables, and the
// counters of its run. Nothing here is shared with another guest.

import { CAUSE, CR, FLAG, LR, MACHINE_ID, PTBR_PAGING, SP } from '../isa/arch.js';
import type { Image } from '../image/model.js';
import type { CostModel } from '../machine/costs.js';
import { controlRegisterValue, CpuState, TrapGuard } from '../machine/cpu.js';
import { NO_DEVICE } from '../machine/bus.js';
import { createDevices, type Devices } from '../machine/devices/index.js';
import { Access, Mmu } from '../machine/mmu.js';
import type { Processor } from '../machine/processor.js';
import type { ConsoleSink } from '../machine/run-bare.js';
import { Tlb } from '../machine/tlb.js';
import type { GuestStatus, TlbFigures } from '../trace/report.js';
import { Emulator, type VirtualPlatform } from './emulator.js';
import { EXIT_REASONS } from './exits.js';
import type { AsidAllocator } from './asids.js';
import type { GuestMemory } from './guest-memory.js';
import { ShadowPaging } from './shadow.js';

export interface VmHost {
  readonly processor: Processor;
  readonly costs: CostModel;
  readonly asids: AsidAllocator;
}

export interface Divergence {
  pc: number;
  insn: string;
  detail: string;
}

export class Vm implements VirtualPlatform {
  /** The virtual CPU: registers, pc, virtual FLAGS (mode and IE), virtual control registers. */
  readonly vcpu = new CpuState();
  readonly devices: Devices;
  /** Walks the guest's own page tables (virtual ptbr) over guest-physical memory. */
  readonly guestMmu: Mmu;
  readonly shadow: ShadowPaging;
  readonly emulator: Emulator;
  readonly trapGuard = new TrapGuard();
  /** Called when the guest writes [gpa, gpa + length) through emulation or DMA (for the
   *  binary translator's code invalidation). */
  onGuestWrite: (gpa: number, length: number) => void = () => {};
  idleTicks = 0;
  /** Host cycles spent on this guest: its instructions plus the VMM's work for it. */
  cycles = 0;
  readonly exits = new Float64Array(EXIT_REASONS.length);
  readonly traps = new Map<number, number>();
  readonly tlb: TlbFigures = { lookups: 0, hits: 0, misses: 0, flushes: 0, invalidations: 0, walkReferences: 0 };
  injected = 0;
  /** An emulated instruction reached a device: devices catch up before the guest goes on. */
  devicesDue = false;
  notes = 0;
  /** The last silent divergence that left the virtual IE wrong (trap mode). */
  divergence: Divergence | undefined;
  status: GuestStatus | 'running' = 'running';
  /** Disassembly and source line of pcs named in trace records (see Hypervisor.describe). */
  readonly describedPcs = new Map<number, { word: number | undefined; insn: string; source: string | undefined }>();
  reason = '';
  endPc = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly image: Image,
    readonly memory: GuestMemory,
    readonly console: ConsoleSink,
    private readonly host: VmHost,
    shadowPool: Int32Array,
    input?: Uint8Array,
    disk?: Uint8Array,
  ) {
    this.devices = createDevices(console, memory.dma(), input, disk);
    this.guestMmu = new Mmu(memory, new Tlb(1, false), this.vcpu.cr);
    this.shadow = new ShadowPaging(host.processor, memory, this.guestMmu, shadowPool, host.asids);
    this.emulator = new Emulator(this.vcpu, host.processor.memory, host.costs, this);
    memory.onDmaWrite = (gpa, length) => {
      for (let gfn = gpa >>> 12; gfn <= (gpa + length - 1) >>> 12; gfn++) if (this.shadow.isTable(gfn)) this.shadow.reset();
      this.onGuestWrite(gpa, length);
    };
    for (const seg of image.segments) memory.writeBytes(seg.address, seg.bytes);
    // The architectural reset state, as on bare hardware.
    this.vcpu.pc = image.entry;
    this.vcpu.flags = FLAG.S;
    this.vcpu.regs[SP] = memory.size;
    this.vcpu.regs[LR] = 0;
    this.vcpu.cr[CR.MID] = MACHINE_ID;
  }

  /** Guest time: instructions retired plus ticks spent halted. */
  get ticks(): number {
    return this.vcpu.instructions + this.idleTicks;
  }

  get running(): boolean {
    return this.status === 'running';
  }

  // ---- VirtualPlatform: what an emulated instruction touches --------------------------

  portIn(port: number): number {
    const bus = this.devices.bus;
    if (!bus.owns(port)) return NO_DEVICE;
    bus.advance(this.ticks);
    this.devicesDue = true;
    return bus.read(port);
  }

  portOut(port: number, value: number): void {
    const bus = this.devices.bus;
    if (!bus.owns(port)) return;
    bus.advance(this.ticks);
    this.devicesDue = true;
    bus.write(port, value);
  }

  writeCr(index: number, value: number): void {
    this.vcpu.cr[index] = controlRegisterValue(this.vcpu, index, value);
  }

  /** The guest's TLB flush: the shadows stay coherent by write protection, so only the
   *  physical TLB needs flushing. */
  tlbFlush(): void {
    this.host.processor.tlb.flush();
  }

  tlbInvalidate(va: number): void {
    this.shadow.invalidatePage(va);
  }

  halt(): void {
    this.vcpu.halted = true;
  }

  translate(va: number, write: boolean, flags: number): number {
    let gpa: number;
    if (this.vcpu.cr[CR.PTBR]! & PTBR_PAGING) {
      gpa = this.guestMmu.walk(va, write ? Access.Write : Access.Read, (flags & FLAG.S) === 0, true, false);
      if (gpa < 0) return gpa;
    } else {
      if (va < 0 || va >= this.memory.size) return -CAUSE.BUS;
      gpa = va;
    }
    if (write) {
      if (this.shadow.isTable(gpa >>> 12)) this.shadow.tableWritten(gpa);
      this.onGuestWrite(gpa, 4);
    }
    return this.memory.hostAddress(gpa);
  }

  end(status: GuestStatus, reason: string): void {
    if (!this.running) return;
    this.status = status;
    this.reason = reason;
    // Where it stopped: the hlt it halted on, else the instruction it would run next.
    this.endPc = (this.vcpu.halted ? this.vcpu.pc - 4 : this.vcpu.pc) >>> 0;
  }
}
