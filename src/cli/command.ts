// A subcommand as data: its name, one-line summary, how it declares its arguments and
// options, and what it does. main.ts turns the table of these into the commander program.

import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { fileId, readAs } from './files.js';
import type { Io } from './io.js';

export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  /** Declare arguments, options and help text on the commander command. */
  define(cmd: Command): void;
  /** Declare what needs more code to declare (options and help text drawn from the mode
   *  registry): awaited only when this command is the one run, before its options are
   *  parsed, so that start-up loads no more than the command table. */
  prepare?(cmd: Command): Promise<void>;
  /** Do the work; resolve to the exit status. Throw UserError for bad input (status 2).
   *  `given`: the options given on the command line (not defaults), by key; `line`: the
   *  whole command line after `vmm` (a report names the command that made it). */
  run(args: string[], options: Record<string, unknown>, io: Io, given: ReadonlySet<string>, line: readonly string[]): Promise<number> | number;
}

/** C0 controls, DEL and C1 controls (U+0080 to U+009F: a terminal obeys them too). */
const CONTROLS = /[\x00-\x1f\x7f-\x9f]/;
const CONTROLS_ALL = /[\x00-\x1f\x7f-\x9f]/g;

/** A command line as a shell takes it back: `vmm` and each word, quoted where it must be
 *  (`'...'`; `$'...'` for a word with control characters, written as escapes, so that none
 *  is lost or changed on the way: a page turns a carriage return into a newline). */
export function commandLine(line: readonly string[]): string {
  // (a C1 control as \u: bash's $'\x9b' is the byte, not the character)
  const escape = (c: string) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? (c.charCodeAt(0) < 0x80 ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const word = (w: string) => {
    if (/^[\w@%+:,./-][\w@%+=:,./-]*$/.test(w)) return w;
    if (CONTROLS.test(w)) return `$'${w.replace(/[\\']/g, (c) => `\\${c}`).replace(CONTROLS_ALL, escape)}'`;
    return `'${w.replace(/'/g, "'\\''")}'`;
  };
  return ['vmm', ...line].map(word).join(' ');
}

/** Decimal exponents of counts' suffixes: 10k is 10,000 (sizes, unlike counts, are binary:
 *  1K is 1,024; see parseSize). */
const COUNT_SUFFIX: Record<string, number> = { k: 3, m: 6, g: 9 };

/** "4.1" scaled by 10^exponent, exactly (4.1 × 1e6 in floating point is 4099999.9999999995):
 *  the decimal point moves along the digits. NaN when the result is not whole. */
function scaleDecimal(digits: string, exponent: number): number {
  const [whole, fraction = ''] = digits.split('.') as [string, string?];
  if (/[1-9]/.test(fraction.slice(exponent))) return NaN;
  return Number(whole + fraction.slice(0, exponent).padEnd(exponent, '0'));
}

/**
 * Parse a whole number option ("1000", "1_000_000", "0x100", "1e6", "10k", "2M", "1.5M"), or
 * throw a UsageProblem. An underscore may only stand between two digits.
 */
export function parseCount(name: string, text: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const suffixed = /^(\d+(?:_\d+)*(?:\.\d+)?)([kmg])$/i.exec(text);
  const value = suffixed
    ? scaleDecimal(suffixed[1]!.replace(/_/g, ''), COUNT_SUFFIX[suffixed[2]!.toLowerCase()]!)
    : /^(0x[0-9a-f]+(_[0-9a-f]+)*|\d+(_\d+)*(e\d+)?)$/i.test(text)
      ? Number(text.replace(/_/g, ''))
      : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageProblem(`${name} expects a whole number from ${min} to ${max}, got '${text}'`);
  }
  return value;
}

/** Raised while parsing options: reported like commander's own usage errors (status 2). */
export class UsageProblem extends Error {}

/** Option parser for repeatable options: collects every value, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * Check an output file option (-o FILE): a name is given, and it is none of the `inputs`, nor
 * any file the command has read so far (vmm never writes over its own input: a command
 * checks again once it has read its inputs, an .include'd source, --disk, --input or
 * --cost-model among them). '-' (stdout) is always fine. With `io`, nor is it the file
 * standard error goes to, where vmm's messages (and a trace's summary) go.
 */
export function checkOutputPath(flag: string, path: string, inputs: readonly string[], io?: Io): void {
  if (path === '') throw new UsageProblem(`${flag} expects a file name`);
  if (path === '-') return;
  if (io?.isStandardError?.(path)) throw new UsageProblem(`${flag} ${path}: that is where standard error goes (vmm's messages); write it to a file of its own`);
  const same = inputs.find((input) => samePath(input, path)) ?? readAs(path);
  if (same !== undefined) throw new UsageProblem(`${flag} ${path}: that is an input (${same}); vmm does not write over its inputs`);
}

/** Whether two paths name the same file: by device and inode where both exist (a hard or
 *  symbolic link is the file), else by their real paths. */
export function samePath(a: string, b: string): boolean {
  const [ia, ib] = [fileId(a), fileId(b)];
  if (ia !== undefined && ib !== undefined) return ia === ib;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  return real(a) === real(b);
}
