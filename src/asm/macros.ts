// Macros: definitions collected line by line between .macro and .endm, and expansion by
// text substitution: `\name` becomes the argument's text, `\@` a number unique to each
// expansion (for labels inside the body). The expanded lines are then parsed as usual.

import { AsmError, type Frame, type Where } from './diagnostics.js';

/** Deepest allowed nesting of macro expansions (a macro invoking a macro ...). */
export const MAX_MACRO_DEPTH = 64;

export interface MacroDef {
  readonly name: string;
  readonly params: readonly string[];
  /** Body lines as written, with their line numbers in the defining file. */
  readonly body: readonly { readonly text: string; readonly line: number }[];
  /** The frame whose lines define the macro (gives the file of the body lines). */
  readonly frame: Frame;
  readonly where: Where;
  readonly col: number;
}

/** A definition being collected: the body so far and the nesting of inner .macro lines. */
export interface MacroBuilder {
  readonly name: string;
  readonly params: readonly string[];
  readonly body: { text: string; line: number }[];
  readonly where: Where;
  /** Column of the macro's name, and of the .macro directive. */
  readonly col: number;
  readonly opCol: number;
  depth: number;
}

export class MacroTable {
  private readonly map = new Map<string, MacroDef>();

  get(name: string): MacroDef | undefined {
    return this.map.get(name);
  }

  /** The names defined so far, in order of definition. */
  names(): Iterable<string> {
    return this.map.keys();
  }

  /** Adds a definition; throws an AsmError at its name for a second one. */
  define(def: MacroDef): void {
    const first = this.map.get(def.name);
    if (first) {
      throw new AsmError(def.col, `duplicate macro '${def.name}' (first defined at ${first.where.frame.file}:${first.where.line}:${first.col})`);
    }
    this.map.set(def.name, def);
  }
}

/** One body line with `\param` replaced by its argument text and `\@` by `unique`. */
export function substitute(text: string, params: readonly string[], args: readonly string[], unique: number): string {
  if (text.indexOf('\\') < 0) return text;
  return text.replace(/\\(@|[A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => {
    if (name === '@') return String(unique);
    const i = params.indexOf(name);
    return i >= 0 ? args[i]! : whole;
  });
}
