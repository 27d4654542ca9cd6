// Assembling for the CLI: `vmm asm`, and `vmm run x.s` which assembles on the fly. The
// assembler (and its grammar) is loaded only here, so other commands start fast.

import { statSync } from 'node:fs';
import type { Image } from '../image/model.js';
import type { ListingRow } from '../asm/index.js';
import { UsageProblem } from './command.js';
import { red, UserError } from './errors.js';
import { readSourceFile } from './files.js';
import { printable } from '../text/visible.js';
import type { Io } from './io.js';

/** The diagnostics were printed already; exit with status 2. */
export class AssemblyFailed extends UserError {
  /** Each diagnostic as printed (file:line:col: error: ...), for --json. */
  constructor(
    message: string,
    readonly diagnostics: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Parse repeated `-D NAME[=VALUE]` options. VALUE is read as the source would read it: a
 * number of at most 32 bits (decimal, 0x hex or 0b binary), optionally negated.
 */
export function parseDefines(values: readonly string[] = []): Record<string, number> {
  const defines: Record<string, number> = {};
  const given = new Map<string, string>();
  for (const text of values) {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)(?:=(-?)(0[xX][0-9a-fA-F]+|0[bB][01]+|\d+))?$/.exec(text);
    if (!m) throw new UsageProblem(`-D expects NAME or NAME=NUMBER (decimal, 0x hex or 0b binary, optionally negative), got '${text}'`);
    const magnitude = m[3] === undefined ? 1 : Number(m[3]);
    if (magnitude > 0xffffffff) throw new UsageProblem(`-D ${m[1]}: '${m[2]}${m[3]}' does not fit in 32 bits`);
    // (as a name defined twice in a source is: a constant has one value)
    const first = given.get(m[1]!);
    if (first !== undefined) throw new UsageProblem(`-D ${text}: ${m[1]} is defined twice on the command line (first -D ${first})`);
    given.set(m[1]!, text);
    defines[m[1]!] = (m[2] ? -magnitude : magnitude) | 0;
  }
  return defines;
}

/** Parse repeated `-I DIR` options: each must name a directory. */
export function parseIncludeDirs(values: readonly string[] = []): string[] {
  for (const dir of values) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch {
      throw new UsageProblem(`-I ${dir}: no such directory`);
    }
    if (!isDirectory) throw new UsageProblem(`-I ${dir}: not a directory`);
  }
  return [...values];
}

/** How sources are assembled: the -D defines and the -I include directories. */
export interface SourceOptions {
  readonly defines: Record<string, number>;
  readonly includeDirs: readonly string[];
}

/** -D and -I from a command's options (`define`, `include`), checked (a usage error if bad). */
export function sourceOptions(options: { define?: unknown; include?: unknown }): SourceOptions {
  return { defines: parseDefines(options.define as string[] | undefined), includeDirs: parseIncludeDirs(options.include as string[] | undefined) };
}

export async function assembleForCli(path: string, source: SourceOptions, io: Io): Promise<{ image: Image; listing: ListingRow[] }> {
  const { assembleFile, formatDiagnostic } = await import('../asm/index.js');
  const result = assembleFile(path, {
    defines: source.defines,
    includeDirs: source.includeDirs,
    runnable: true,
    readFile: readSourceFile,
  });
  if (result.image && result.diagnostics.length === 0) return { image: result.image, listing: result.listing };
  for (const d of result.diagnostics) {
    io.err.write(formatDiagnostic(d).replace(': error: ', `: ${red('error', io.errColor)}: `) + '\n');
  }
  const n = result.diagnostics.filter((d) => d.severity === 'error').length;
  const more = n < result.diagnostics.length ? 'more than ' : '';
  throw new AssemblyFailed(`${printable(path)}: ${more}${n} error${n === 1 && !more ? '' : 's'}; no image written`, result.diagnostics.map((d) => formatDiagnostic(d)));
}
