// Turning command-line image arguments into guests: read a .bin (or assemble a .s on the
// fly), name each guest after its file, made unique.

import { basename } from 'node:path';
import type { GuestInput } from '../machine/config.js';
import { assembleForCli, sourceOptions, type SourceOptions } from './assemble.js';
import { readImageFile } from './image-file.js';
import type { Io } from './io.js';

/** An input that is assembly source (assembled on the fly), not an image. */
export function isSource(path: string): boolean {
  return /\.(s|asm)$/i.test(path);
}

/** `options` holds -D and -I (`define`, `include`), read only if a path is a source. */
export async function loadGuests(paths: readonly string[], options: { define?: unknown; include?: unknown }, io: Io): Promise<GuestInput[]> {
  const names = uniqueNames(paths.map(guestName));
  const guests: GuestInput[] = [];
  let source: SourceOptions | undefined;
  for (const [i, path] of paths.entries()) {
    const image = isSource(path) ? (await assembleForCli(path, (source ??= sourceOptions(options)), io)).image : readImageFile(path, io).image;
    guests.push({ name: names[i]!, image, file: path });
  }
  return guests;
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
