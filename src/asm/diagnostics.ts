// Diagnostics: where a problem is (file, line, column, and the macro/include chain that led
// there), the exception the assembler's parts throw for one bad statement, and the text form.

import { blanksUnder, masked, printable } from '../text/visible.js';

/** "undefined symbol 'NAME'", with a word on the registers for a name like one (r16). */
export function undefinedSymbol(name: string): string {
  return `undefined symbol '${name}'${/^r\d+$/i.test(name) ? ' (the registers are r0..r15)' : ''}`;
}

export interface Diagnostic {
  /** A note (the "too many errors" line) has no line of its own: line 0, no source line. */
  severity: 'error' | 'note';
  file: string;
  line: number; // 1-based
  column: number; // 1-based
  message: string;
  sourceLine: string;
  /** Innermost first: "in macro 'm' invoked at a.s:12:5", "included from a.s:3:1". */
  chain: string[];
}

/** A problem in the statement being assembled, at a 1-based column of its line. */
export class AsmError extends Error {
  constructor(
    readonly column: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * "value of 'x' is not known here": a forward reference where the value decides the layout.
 * If `symbol` turns out to be defined nowhere, it is reported as an undefined symbol.
 */
export class NotKnownHere extends AsmError {
  constructor(
    column: number,
    readonly symbol: string,
    what: string,
  ) {
    super(column, `value of '${symbol}' is not known here (forward reference in ${what})`);
  }
}

/**
 * Thrown when a statement fails because of an error already reported elsewhere (e.g. it
 * uses a constant whose definition is broken): the statement adds no diagnostic of its own.
 */
export class ReportedError extends Error {
  constructor() {
    super('already reported');
  }
}

/** Where a run of source lines comes from: a file (the main one or included) or a macro expansion. */
export interface Frame {
  readonly kind: 'file' | 'macro';
  /** The file the lines are in (for a macro: the file that defines it), as shown to the user. */
  readonly file: string;
  /** Index of `file` in the image's file table. */
  readonly fileIndex: number;
  /** Macro name (kind 'macro'). */
  readonly macro?: string;
  /** Where the file was included or the macro invoked; undefined for the main file. */
  readonly at?: Where;
  readonly atColumn?: number;
  /** Number of macro expansions enclosing these lines. */
  readonly macroDepth: number;
  /** Number of files enclosing these lines (the main file is 1). */
  readonly includeDepth: number;
}

/** One source line in its context. `order` sorts diagnostics into source order. */
export interface Where {
  readonly frame: Frame;
  readonly line: number;
  readonly text: string;
  readonly order: number;
}

/** The chain of a frame, innermost first. */
export function chainOf(frame: Frame): string[] {
  // A runaway recursion repeats one link: it is shown once, with a count.
  const links: string[] = [];
  const counts: number[] = [];
  for (let f: Frame | undefined = frame; f?.at; f = f.at.frame) {
    const site = `${f.at.frame.file}:${f.at.line}:${f.atColumn ?? 1}`;
    const link = f.kind === 'macro' ? `in macro '${f.macro}' invoked at ${site}` : `included from ${site}`;
    if (links[links.length - 1] === link) {
      counts[counts.length - 1]!++;
    } else {
      links.push(link);
      counts.push(1);
    }
  }
  return links.map((link, i) => (counts[i]! > 1 ? `${link} (${counts[i]} times)` : link));
}

export function makeDiagnostic(where: Where, column: number, message: string): Diagnostic {
  return {
    severity: 'error',
    file: where.frame.file,
    line: where.line,
    column: Math.max(1, column),
    message,
    sourceLine: where.text,
    chain: chainOf(where.frame),
  };
}

/** The most characters of a source line an error shows. */
const SHOWN = 160;

/** "file:line:col: error: message", the source line, a caret under the column, then the chain. */
export function formatDiagnostic(d: Diagnostic): string {
  if (d.severity === 'note') return printable(`${d.file}: note: ${d.message}`);
  // (file names and messages may quote the source: its control characters are escaped,
  // and the line's are shown as '?', which keeps the caret under its column)
  const lines = [printable(`${d.file}:${d.line}:${d.column}: error: ${d.message}`)];
  if (d.sourceLine !== '') {
    // A long line is shown around the column (SHOWN characters, `...` where it is cut).
    let shown = masked(d.sourceLine);
    let column = d.column;
    if (shown.length > SHOWN) {
      const from = Math.max(0, Math.min(column - 1 - SHOWN / 2, shown.length - SHOWN));
      shown = `${from > 0 ? '...' : ''}${shown.slice(from, from + SHOWN)}${from + SHOWN < d.sourceLine.length ? '...' : ''}`;
      column -= from - (from > 0 ? 3 : 0);
    }
    // (tabs stay tabs and wide characters take two blanks, so the caret sits under the
    // column however tabs are shown)
    const before = blanksUnder(shown.slice(0, Math.max(0, column - 1)));
    lines.push(`  ${shown}`, `  ${before}^`);
  }
  for (const link of d.chain) lines.push(`  ${printable(link)}`);
  return lines.join('\n');
}

/** Whether an exception is V8's stack overflow. (A plain string search: the handler may run
 *  close to the stack's end, where compiling a regular expression overflows again.) */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && error.message.includes('call stack');
}

/**
 * Collects diagnostics with the source order of their statement, so errors found in the
 * second pass still come out in source order. `full` tells the first pass to stop.
 */
export class DiagnosticList {
  private readonly items: { order: number; seq: number; d: Diagnostic; undefinedIf: string }[] = [];

  constructor(private readonly maxErrors: number) {}

  add(where: Where, column: number, message: string, undefinedIf = ''): void {
    this.items.push({ order: where.order, seq: this.items.length, d: makeDiagnostic(where, column, message), undefinedIf });
  }

  /** Adds the diagnostic for an exception thrown while assembling the statement at `where`. */
  addError(where: Where, error: unknown, column = 1): void {
    if (error instanceof ReportedError) return;
    if (error instanceof NotKnownHere) this.add(where, error.column, error.message, error.symbol);
    else if (error instanceof AsmError) this.add(where, error.column, error.message);
    else if (isStackOverflow(error)) this.add(where, column, 'statement nested too deeply');
    else this.add(where, column, `internal error: ${error instanceof Error ? error.message : String(error)}`);
  }

  get count(): number {
    return this.items.length;
  }

  /** More errors than will be shown: stop looking for more. */
  get full(): boolean {
    return this.items.length > this.maxErrors;
  }

  /**
   * The first maxErrors errors in source order, and a note if there were more. `defined`
   * tells which "not known here" symbols exist at all; the others are undefined symbols.
   */
  result(defined: (symbol: string) => boolean): Diagnostic[] {
    const sorted = this.items
      .sort((a, b) => a.order - b.order || a.seq - b.seq)
      .map((i) => (i.undefinedIf === '' || defined(i.undefinedIf) ? i.d : { ...i.d, message: undefinedSymbol(i.undefinedIf) }));
    if (sorted.length <= this.maxErrors) return sorted;
    const shown = sorted.slice(0, this.maxErrors);
    shown.push({ severity: 'note', file: shown[0]!.file, line: 0, column: 0, message: `too many errors; only the first ${this.maxErrors} are reported`, sourceLine: '', chain: [] });
    return shown;
  }
}
