// Where `.include "path"` looks: the including file's directory, then the -I directories in
// order, then vmm's own include directory (guests/include: platform.inc), so that the platform
// constants can be included from a source anywhere on disk.

import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let builtin: string | null | undefined;

/**
 * vmm's own include directory: guests/include in the package that holds this module
 * (packageGuestsDir). Undefined if there is none.
 */
export function builtinIncludeDir(): string | undefined {
  if (builtin === undefined) {
    const guests = packageGuestsDir();
    builtin = guests !== undefined && isDirectory(join(guests, 'include')) ? join(guests, 'include') : null;
  }
  return builtin ?? undefined;
}

/**
 * The guests/ folder of the package that holds this module (its include files, and the
 * benchmarks vmm compare runs), found by going up from this module's file to the first
 * directory with a package.json. That works from the TypeScript sources (src/asm/) and from
 * the bundle, wherever the bundler put this module (dist/vmm.js or one of its chunks, see
 * scripts/build.mjs). Undefined if there is none.
 */
export function packageGuestsDir(): string | undefined {
  const url = import.meta.url;
  if (!url.startsWith('file:')) return undefined;
  for (let dir = dirname(fileURLToPath(url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const guests = join(dir, 'guests');
      return isDirectory(guests) ? guests : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The paths `.include "written"` tries, in order: an absolute path only itself; a relative
 * one in the including file's directory, then in each of `dirs` (-I, then the built-in
 * directory). A path is tried once even if two directories lead to it.
 */
export function includeCandidates(written: string, includer: string, dirs: readonly string[]): string[] {
  if (isAbsolute(written)) return [written];
  const paths = [dirname(includer), ...dirs].map((dir) => join(dir, written));
  return [...new Set(paths)];
}
