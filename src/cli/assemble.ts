// Assembling for the CLI: `vmm asm`, and `vmm run x.s` which assembles on the fly. The
// assembler (and its grammar) is loaded only here, so other commands start fast.

import type { Image } from '../image/model.js';
import type { ListingRow } from '../asm/index.js';
import { UsageProblem } from './command.js';
import { red, UserError, type Io } from './io.js';

/** The diagnostics were printed already; exit with status 2. */
export class AssemblyFailed extends UserError {}

/** Parse repeated `-D NAME[=VALUE]` options. */
export function parseDefines(values: readonly string[] = []): Record<string, number> {
  const defines: Record<string, number> = {};
  for (const text of values) {
    const m = /^([A-Za-z_][A-Za-z0-9_.]*)(?:=(-?(?:0x[0-9a-fA-F]+|0b[01]+|\d+)))?$/.exec(text);
    if (!m) throw new UsageProblem(`-D expects NAME or NAME=NUMBER, got '${text}'`);
    const value = m[2] === undefined ? 1 : Number(m[2].replace(/^-?0b/, (p) => (p.startsWith('-') ? '-0b' : '0b')));
    if (!Number.isSafeInteger(value)) throw new UsageProblem(`-D ${m[1]}: '${m[2]}' is not a number`);
    defines[m[1]!] = value | 0;
  }
  return defines;
}

export async function assembleForCli(path: string, defines: Record<string, number>, io: Io): Promise<{ image: Image; listing: ListingRow[] }> {
  const { assembleFile, formatDiagnostic } = await import('../asm/index.js');
  const result = assembleFile(path, {
    defines,
    runnable: true,
  });
  if (result.image && result.diagnostics.length === 0) return { image: result.image, listing: result.listing };
  for (const d of result.diagnostics) {
    io.err.write(formatDiagnostic(d).replace(': error: ', `: ${red('error', io.errColor)}: `) + '\n');
  }
  const n = result.diagnostics.length;
  throw new AssemblyFailed(`${path}: ${n} error${n === 1 ? '' : 's'}; no image written`);
}
