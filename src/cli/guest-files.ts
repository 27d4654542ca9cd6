// Turning command-line image arguments into guests: read a .bin (or assemble a .s on the
// fly), name each guest after its file, made unique.

import { basename } from 'node:path';
import type { GuestInput } from '../machine/config.js';
import { assembleFile, PARAVIRT_SYMBOL } from '../asm/index.js';
import { isParavirt, type Image } from '../image/model.js';
import type { Build } from '../vmm/modes/mode.js';
import { assembleForCli, sourceOptions, type SourceOptions } from './assemble.js';
import { FILE_LIMITS, readSourceFile } from './files.js';
import { LIMITS } from '../image/format.js';
import { UsageProblem } from './command.js';
import { readImageFile } from './image-file.js';
import type { Io } from './io.js';

/** An input that is assembly source (assembled on the fly), not an image. */
export function isSource(path: string): boolean {
  return /\.(s|asm)$/i.test(path);
}

/** `options` holds -D and -I (`define`, `include`), read only if a path is a source. For
 *  the PARAVIRT build a source is assembled with PARAVIRT defined, and also without it (the
 *  native build, which bare runs for the overhead figure). Every image must be of `build`. */
export async function loadGuests(paths: readonly string[], options: { define?: unknown; include?: unknown }, io: Io, build: Build, mode: string): Promise<GuestInput[]> {
  const names = uniqueNames(paths.map(guestName));
  const guests: GuestInput[] = [];
  const totals = new ImageTotals();
  let source: SourceOptions | undefined;
  for (const [i, path] of paths.entries()) {
    if (!isSource(path)) {
      const { image, size } = readImageFile(path, io);
      totals.add(path, image, size);
      checkBuild(path, image, build, mode);
      guests.push({ name: names[i]!, image, file: path });
      continue;
    }
    source ??= sourceOptions(options);
    // (without it, the native build for the overhead against bare would be PARAVIRT too)
    if (build === 'paravirt' && Object.hasOwn(source.defines, PARAVIRT_SYMBOL)) throw new UsageProblem(`-D ${PARAVIRT_SYMBOL}: --mode ${mode} defines it itself (it assembles a .s with ${PARAVIRT_SYMBOL} for the guest, and without it for the overhead against bare hardware)`);
    const native = build === 'paravirt' ? undefined : (await assembleForCli(path, source, io)).image;
    const paravirt = build === 'paravirt' ? (await assembleForCli(path, { ...source, defines: { ...source.defines, [PARAVIRT_SYMBOL]: 1 } }, io)).image : undefined;
    const image = (paravirt ?? native)!;
    totals.add(path, image, imageBytes(image));
    checkBuild(path, image, build, mode);
    // The native build of a PARAVIRT guest, for its overhead against bare (when it builds).
    const nativeToo = paravirt ? nativeBuild(path, source) : undefined;
    if (nativeToo) totals.add(path, nativeToo, imageBytes(nativeToo));
    guests.push({ name: names[i]!, image, file: path, ...(nativeToo ? { native: nativeToo } : {}) });
  }
  return guests;
}

/** What the images of one run hold together, bounded as one image is (docs/cli.md, Bounds):
 *  their bytes, symbols and line-map rows (memory grows with them, however many images). */
export class ImageTotals {
  private bytes = 0;
  private symbols = 0;
  private lines = 0;

  add(path: string, image: Image, bytes: number): void {
    this.bytes += bytes;
    this.symbols += image.symbols.length;
    this.lines += image.lines.length;
    const over =
      this.bytes > FILE_LIMITS.images ? `${FILE_LIMITS.images >>> 20} MiB, and with this one they hold ${this.bytes.toLocaleString('en-US')} bytes`
      : this.symbols > LIMITS.symbols ? `${LIMITS.symbols.toLocaleString('en-US')} symbols, and with this one they hold ${this.symbols.toLocaleString('en-US')}`
      : this.lines > LIMITS.lines ? `${LIMITS.lines.toLocaleString('en-US')} line-map rows, and with this one they hold ${this.lines.toLocaleString('en-US')}`
      : undefined;
    if (over) throw new UsageProblem(`${path}: the images of a run may hold ${over}`);
  }
}

/** The bytes of an image's segments. */
function imageBytes(image: Image): number {
  return image.segments.reduce((sum, s) => sum + s.bytes.length, 0);
}

/** Refuse an image that is not the build `mode` runs (exit 2), saying how to get the other. */
function checkBuild(path: string, image: Image, build: Build, mode: string): void {
  const paravirt = isParavirt(image);
  if (paravirt === (build === 'paravirt')) return;
  const from = isSource(path) ? `${path} (assembled with PARAVIRT defined)` : path;
  if (paravirt) {
    throw new UsageProblem(`${from} is a PARAVIRT build: it calls the VMM with hypercalls, so it runs under --mode para only; build it without -D PARAVIRT for --mode ${mode}`);
  }
  throw new UsageProblem(
    `${path} is a native image: --mode ${mode} runs PARAVIRT builds only (there is no shadow paging or trap-and-emulate to run an unmodified kernel); ` +
      `assemble it with -D PARAVIRT (vmm asm ${isSource(path) ? path : 'SOURCE.s'} -D PARAVIRT), or give vmm the .s source, which --mode ${mode} assembles with PARAVIRT defined`,
  );
}

/** The native build of a source, quietly (undefined when it does not assemble). */
function nativeBuild(path: string, source: SourceOptions): Image | undefined {
  const result = assembleFile(path, { defines: source.defines, includeDirs: source.includeDirs, runnable: true, readFile: readSourceFile });
  return result.image && !isParavirt(result.image) ? result.image : undefined;
}

/**
 * guests/bare/hello.s -> hello. Characters other than letters, digits, '_', '.' and '-' become
 * '_', so that every name can be given to --guest, --disk NAME=FILE and --input NAME=FILE.
 */
export function guestName(path: string): string {
  return basename(path).replace(/\.(bin|s|asm)$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'guest';
}

/** hello, hello, x -> hello, hello-2, x */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let unique = name;
    for (let k = 2; taken.has(unique); k++) unique = `${name}-${k}`;
    taken.add(unique);
    return unique;
  });
}
