// Conditional assembly: the stack of open .if / .ifdef / .ifndef blocks of one source unit
// (a file or a macro expansion; a block must end in the unit that opened it).

import { AsmError, type Where } from './diagnostics.js';

interface Block {
  /** Whether the lines around the block are assembled. */
  readonly outerActive: boolean;
  /** Whether the .else branch is taken (for a broken condition, neither branch is). */
  readonly elseTaken: boolean;
  elseSeen: boolean;
  readonly where: Where;
  readonly col: number;
}

export class Conditionals {
  private readonly stack: Block[] = [];
  /** Whether the current line is assembled (every open block is in its taken branch). */
  active = true;

  /**
   * Opens a block (.if and friends) at `where`, column `col`. A condition that could not be
   * evaluated is `undefined`: neither branch is assembled.
   */
  open(condition: boolean | undefined, where: Where, col: number): void {
    this.stack.push({ outerActive: this.active, elseTaken: condition === false, elseSeen: false, where, col });
    this.active = this.active && condition === true;
  }

  else(col: number): void {
    const block = this.stack[this.stack.length - 1];
    if (!block) throw new AsmError(col, '.else without .if');
    if (block.elseSeen) throw new AsmError(col, `second .else for .if at ${site(block)}`);
    block.elseSeen = true;
    this.active = block.outerActive && block.elseTaken;
  }

  end(col: number): void {
    const block = this.stack.pop();
    if (!block) throw new AsmError(col, '.endif without .if');
    this.active = block.outerActive;
  }

  /** The blocks still open at the end of the unit, outermost first, with their message. */
  unclosed(): { where: Where; col: number; message: string }[] {
    return this.stack.map((b) => ({ where: b.where, col: b.col, message: `missing .endif for .if at ${site(b)}` }));
  }
}

function site(b: Block): string {
  return `${b.where.frame.file}:${b.where.line}:${b.col}`;
}
