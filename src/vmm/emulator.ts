// The "emulate" of trap-and-emulate: run ONE guest instruction on the guest's virtual CPU.
// It is the machine's own interpreter, compiled from the same ISA table, pointed at virtual
// state: the virtual FLAGS (so getf sees the virtual mode and IE), the virtual control
// registers, the guest's virtual devices, and memory through the guest's own page tables.
// So an emulated instruction means exactly what it means on bare hardware.

import { CAUSE } from '../isa/arch.js';
import type { CostModel } from '../machine/costs.js';
import type { CpuState } from '../machine/cpu.js';
import type { ExecutionHooks } from '../machine/execution.js';
import { compileStep, REGION_HEAT, type StepFunction } from '../machine/interpreter.js';
import type { PhysicalMemory } from '../machine/memory.js';
import { Tlb } from '../machine/tlb.js';

/** What an emulated instruction may touch: the guest's virtual platform (the same
 *  operations a CPU's hooks offer, plus guest-virtual address translation). */
export interface VirtualPlatform extends Pick<ExecutionHooks, 'portIn' | 'mmioRead' | 'mmioWrite' | 'writeCr' | 'tlbFlush' | 'tlbInvalidate' | 'halt'> {
  /** Host physical address of a guest-virtual access in the mode of `flags`, or -cause. */
  translate(va: number, write: boolean, flags: number): number;
  portOut(port: number, value: number): void;
}

export interface Trap {
  cause: number;
  addr: number;
  pc: number;
}

export class Emulator implements ExecutionHooks {
  fetchArray = new Int32Array(0);
  private readonly stepFunction: StepFunction;

  constructor(
    private readonly vcpu: CpuState,
    host: PhysicalMemory,
    costs: CostModel,
    private readonly platform: VirtualPlatform,
  ) {
    // A TLB that never hits sends every load and store to translate().
    const noTlb = new Tlb(1, false);
    this.stepFunction = compileStep(
      { paging: true, strict: false, probe: false },
      { cpu: vcpu, hooks: this, memory: host, tlb: noTlb, cycles: costs.opcodeCycles, regionHeat: REGION_HEAT, jit: null, fetched: 0 },
    );
  }

  /** Execute `word` as the instruction at the vCPU's pc. Returns the trap it raised, if any
   *  (state is then as before the instruction: nothing retired). */
  step(word: number): Trap | undefined {
    if (this.stepFunction(word) === 0) return undefined;
    return { cause: this.vcpu.trapCause, addr: this.vcpu.trapAddress, pc: this.vcpu.pc };
  }

  // A single step never fetches, loops or calls out: these hooks are never used.
  raise(): boolean {
    return true;
  }

  callout(): boolean {
    return true;
  }

  fetchPage(): number {
    return -CAUSE.ILLEGAL;
  }

  dataTranslate(va: number, write: boolean, flags: number): number {
    return this.platform.translate(va, write, flags);
  }

  /** One instruction at a time: the VMM looks at everything after each. */
  readonly leaveAfterIn = true;

  portIn(port: number): number {
    return this.platform.portIn(port);
  }

  portOut(port: number, value: number): boolean {
    this.platform.portOut(port, value);
    return true;
  }

  mmioRead(pa: number): number {
    return this.platform.mmioRead(pa);
  }

  mmioWrite(pa: number, value: number): void {
    this.platform.mmioWrite(pa, value);
  }

  writeCr(index: number, value: number): boolean {
    return this.platform.writeCr(index, value);
  }

  /** (The single step leaves after every instruction: never asked.) */
  flagsWritten(): boolean {
    return true;
  }

  tlbFlush(): void {
    this.platform.tlbFlush();
  }

  tlbInvalidate(va: number): void {
    this.platform.tlbInvalidate(va);
  }

  halt(): void {
    this.platform.halt();
  }

  noteSensitive(): void {}
}
