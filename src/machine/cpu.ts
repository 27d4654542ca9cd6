// The CPU's architectural state and the two pieces of its semantics that are not single
// instructions: trap entry and control-register writes. The bare machine applies them to
// the physical CPU; the VMM applies the very same functions to a guest's virtual CPU.

import { ASID_LIMIT, CAUSE, causeName, CONTROL_REGISTERS, CR, FLAG, INTERRUPT_BASE, trappingPc } from '../isa/arch.js';
import { hex } from '../isa/disasm.js';
import { ExitControls } from './vmx.js';

export class CpuState {
  pc = 0;
  flags: number = FLAG.S;
  readonly cr = new Int32Array(CONTROL_REGISTERS.length);
  /** Instructions retired (a trapping instruction does not retire; sys, brk and hcall do). */
  instructions = 0;
  /** Cycles of retired instructions beyond one each, by the cost model (so instruction
   *  cycles = instructions + extraCycles; events are counted elsewhere). */
  extraCycles = 0;
  halted = false;
  /** Cause and address of a trap raised by a single step (the VMM's emulator: see
   *  interpreter.ts compileStep); compiled code hands its traps to the hooks itself. */
  trapCause = 0;
  trapAddress = 0;
  /** Bumped by every write to cr other than the CPU's own mtcr (trap entry, a VMM's
   *  emulated mtcr): a VMM that loads a virtual CPU's registers into the physical one can
   *  tell whether they changed since it last did. */
  crVersion = 0;
  /** Bumped by whatever changes where code is fetched from other than the TLB and the mode
   *  bit (a VMM loading another address space or mode of its guest, compiled code dropped):
   *  the CPU loop keeps its fetch page across a call out of guest code only while this and
   *  Tlb.epoch stay. */
  fetchEpoch = 0;
  /** The virtual CPU whose control registers binary-translated code reads and writes in
   *  place (execution.ts INLINE_CALLOUT) while its guest runs on this CPU; null when none
   *  (bare hardware, and every mode but full). */
  virtualCpu: CpuState | null = null;
  /** In non-root operation, which guest actions exit (vmx.ts; unused elsewhere). */
  readonly exitControls = new ExitControls(CONTROL_REGISTERS.length);

  /** The register file: the state's own, or, while a VMM's guest holds the physical CPU,
   *  the physical CPU's (see loadInto): so an exit hands the VMM the guest's registers
   *  without a copy, and what the VMM writes there is what the guest runs on. */
  regs: Int32Array;
  private readonly ownRegs: Int32Array;

  constructor() {
    this.ownRegs = new Int32Array(16);
    this.regs = this.ownRegs;
  }

  /** A virtual CPU goes onto the physical one: its registers move into `physical`, which is
   *  its register file from now on (nothing to do when it is already). */
  loadInto(physical: Int32Array): void {
    if (this.regs === physical) return;
    copyRegisters(physical, this.regs);
    this.regs = physical;
  }

  /** ... and comes off it: its registers move back into its own file (another guest, or
   *  another world, may use the physical CPU now). */
  unload(): void {
    if (this.regs === this.ownRegs) return;
    copyRegisters(this.ownRegs, this.regs);
    this.regs = this.ownRegs;
  }
}

/** Copy a register file (16 words) into another. A loop, not Int32Array.set, whose call
 *  costs more than 16 words' copy. */
export function copyRegisters(to: Int32Array, from: Int32Array): void {
  for (let i = 0; i < 16; i++) to[i] = from[i]!;
}

/** Trap entry, as the hardware does it: save pc and FLAGS, record cause and address, enter
 *  supervisor mode with interrupts off, continue at tvec. */
export function enterTrap(cpu: CpuState, cause: number, addr: number, pc: number): void {
  cpu.cr[CR.SPC] = pc;
  cpu.cr[CR.SFLAGS] = cpu.flags;
  cpu.cr[CR.CAUSE] = cause;
  cpu.cr[CR.FADDR] = addr;
  cpu.crVersion++;
  cpu.flags = FLAG.S;
  cpu.pc = cpu.cr[CR.TVEC]! & ~3;
}

/** The value a control register holds after mtcr writes `value` (mid is read-only: its
 *  value is kept). Side effects on the TLB are the caller's. */
export function controlRegisterValue(cpu: CpuState, index: number, value: number): number {
  return index === CR.MID ? cpu.cr[CR.MID]! : value & controlRegisterMask(index);
}

/** The bits of a value written to a writable control register that it keeps: a code
 *  address's low two bits are ignored, an asid has 11 bits. */
export function controlRegisterMask(index: number): number {
  switch (index) {
    case CR.TVEC:
    case CR.SPC:
      return ~3;
    case CR.ASID:
      return ASID_LIMIT - 1;
    default:
      return -1;
  }
}

/** A fault is a trap caused by the instruction failing (not sys, brk, hcall or an interrupt). */
export function isFault(cause: number): boolean {
  return cause !== CAUSE.SYSCALL && cause !== CAUSE.BREAKPOINT && cause !== CAUSE.HYPERCALL && cause < INTERRUPT_BASE;
}

/** Decides whether a trap can be delivered, like a real CPU that gives up (x86's double and
 *  triple fault): a fault before any instruction retired since the previous trap means the
 *  handler itself cannot run; tvec = 0 means no handler was ever installed. */
export class TrapGuard {
  private retiredAtLastTrap = -1;

  /** undefined when the trap can be taken (and is recorded), else why the CPU must stop
   *  (its message: trapFailure). Allocates nothing. */
  check(cpu: CpuState, cause: number): TrapFailure | undefined {
    if (isFault(cause) && cpu.instructions === this.retiredAtLastTrap) return 'double fault';
    if ((cpu.cr[CR.TVEC]! & ~3) === 0) return 'unhandled';
    this.retiredAtLastTrap = cpu.instructions;
    return undefined;
  }
}

export type TrapFailure = 'double fault' | 'unhandled';

/** Why the CPU stopped, for its report. `where` describes an instruction's pc: the one that
 *  trapped (for sys, brk and hcall, whose saved pc is the next one, the instruction before
 *  `pc`). */
export function trapFailure(failure: TrapFailure, cause: number, addr: number, pc: number, where: (pc: number) => string): string {
  const what = `${causeName(cause)} trap at ${where(trappingPc(cause, pc))}${isFault(cause) && addr ? `, address ${hex(addr, 8)}` : ''}`;
  return failure === 'double fault' ? `double fault: ${what} while entering the trap handler` : `unhandled ${what}: no trap handler (tvec = 0)`;
}
