// What the first pass records for each line that emits or defines something; the layout,
// the second pass, the line table and the listing work from these records.

import type { Operand } from './ast.js';
import type { Where } from './diagnostics.js';
import type { PseudoSpec } from './pseudo.js';
import type { InstructionSpec } from '../isa/table.js';

/**
 * instr   an ISA instruction (spec, operands)      pseudo  a pseudo-instruction (pseudo, words)
 * word    .word (operands)                          byte    .byte (operands)
 * data    bytes known in pass 1 (.ascii, .asciz; .align and .space: zeros, or the fill operand)
 * label   a line with only a label                  equ     .equ / `=` (no address)
 * call    a macro invocation (its expansion follows)
 */
export type StmtKind = 'instr' | 'pseudo' | 'word' | 'byte' | 'data' | 'label' | 'equ' | 'call';

export class Stmt {
  /** The segment buffer and offset the bytes go to (set by the layout). */
  segment: Uint8Array | undefined = undefined;
  offset = 0;
  /** Not emitted (it overlaps earlier bytes). */
  skip = false;

  constructor(
    readonly kind: StmtKind,
    readonly where: Where,
    /** Column of the operation (or label) for diagnostics. */
    readonly col: number,
    /** The global label local names are qualified with. */
    readonly scope: string,
    /** Unsigned address of the first byte. */
    readonly address: number,
    readonly size: number,
    readonly operands: readonly Operand[],
    readonly spec: InstructionSpec | undefined,
    readonly pseudo: PseudoSpec | undefined,
    /** data: the bytes (undefined = zeros; for .space with a fill, operands[1] is the fill). */
    readonly data: Uint8Array | undefined,
    /** pseudo: instruction words chosen in pass 1. */
    readonly words: number,
  ) {}
}
