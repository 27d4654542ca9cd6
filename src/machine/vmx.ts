// Hardware-assisted virtualization on the simulated CPU (VT-x's VMX, Intel SDM vol. 3C
// ch. 24-28, reduced): non-root operation and the controls that decide which guest actions
// leave it.
//
// In non-root operation the guest kernel runs in the CPU's own supervisor mode, natively:
// getf and setf see its mode and IE, mfcr its control registers. An instruction whose
// control is set does not execute: the CPU leaves guest code with VM_EXIT_CAUSE before it
// (the VMM emulates it, as VT-x's exits report the instruction). The same loop variant
// serves every guest: the controls are bytes the generated code reads (codegen.ts), set
// by the VMM on VM entry.
//
// Three causes are the CPU's own, never a guest's trap: a VM exit for an instruction, a
// nested-paging fault (an EPT violation: the nested table does not map a guest-physical
// address, or not for the access; mmu.ts says which address), and the interrupt window.

/** The CPU left non-root operation before an instruction whose exit control is set (the
 *  trap's address is the instruction word, as VT-x reports the instruction). */
export const VM_EXIT_CAUSE = 0x100;
/** A nested-paging violation (VT-x exit reason 48). */
export const NESTED_FAULT_CAUSE = 0x101;
/** Interrupt-window exiting: an instruction that set IE retired while the control is on
 *  (the saved pc is the next instruction's). */
export const VM_WINDOW_CAUSE = 0x102;

/** Ports the I/O bitmap covers: every port an `in` or `out` can name (16 bits). */
export const PORT_COUNT = 65536;

/** The exit controls the CPU consults in non-root operation: 1 = exit. */
export class ExitControls {
  /** By opcode, for instructions with a control of their own (hlt, invlpg, tlbflush, cpuid). */
  readonly opcode = new Uint8Array(256);
  /** By control-register index: mfcr (store) and mtcr (load) exiting. */
  readonly crRead: Uint8Array;
  readonly crWrite: Uint8Array;
  /** The I/O bitmap: bit (port & 7) of byte (port >> 3) (VT-x's bitmaps A and B, 8 KiB in
   *  all; see setPortExit). */
  readonly port = new Uint8Array(PORT_COUNT >>> 3);
  /** [0] = 1: interrupt-window exiting (the VMM has an interrupt for the guest once IE is set). */
  readonly interruptWindow = new Uint8Array(1);

  constructor(controlRegisters: number) {
    this.crRead = new Uint8Array(controlRegisters);
    this.crWrite = new Uint8Array(controlRegisters);
  }
}

/** Set whether an `in` or `out` naming `port` exits, in an I/O bitmap (ExitControls.port). */
export function setPortExit(bitmap: Uint8Array, port: number, exits: boolean): void {
  if (exits) bitmap[port >>> 3]! |= 1 << (port & 7);
  else bitmap[port >>> 3]! &= ~(1 << (port & 7));
}
