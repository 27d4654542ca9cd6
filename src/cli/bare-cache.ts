// The overhead's bare runs, kept on disk between runs of vmm (docs/cli.md, "The overhead
// figure"): `vmm run` sets a guest's cycles against the same guest alone on bare hardware,
// and a lab runs one image under mode after mode. The simulation is deterministic, so a bare
// run is a function of the image, the disk's and the console input's bytes, the machine
// (memory, TLB, cost model, the instruction bound) and vmm's own code: the key hashes them
// all, the last as the build's id (scripts/build.mjs hashes the sources into the bundle; run
// from the sources, there is none, and nothing is kept). A file that cannot be read or
// written is a run made again, never an error.

import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { writeImage } from '../image/format.js';
import type { BareCache, BareFacts, BareKey } from '../report/run.js';

declare const __VMM_BUILD__: string | undefined;

/** The cache's folder for these runs (docs/cli.md). */
const FOLDER = 'bare-runs';

/** The build's id: a hash of its sources (undefined when running from the sources). */
export const BUILD_ID: string | undefined = typeof __VMM_BUILD__ === 'string' ? __VMM_BUILD__ : undefined;

/** The folder kept runs go in: $VMM_CACHE_DIR, else $XDG_CACHE_HOME/vmm, else ~/.cache/vmm;
 *  undefined (keep nothing) when VMM_CACHE_DIR is `off` or there is no build id. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!BUILD_ID || env.VMM_CACHE_DIR === 'off') return undefined;
  if (env.VMM_CACHE_DIR) return env.VMM_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vmm');
}

function keyHash(key: BareKey): string {
  const h = createHash('sha256');
  const part = (bytes: Uint8Array | string | undefined) => {
    const b = typeof bytes === 'string' ? Buffer.from(bytes) : bytes ?? new Uint8Array(0);
    h.update(`${bytes === undefined ? -1 : b.length}:`);
    h.update(b);
  };
  part(BUILD_ID);
  part(key.machine);
  part(writeImage(key.image));
  part(key.disk);
  part(key.input);
  return h.digest('hex');
}

/** Facts as a bare run can end: a known status, counts that are whole and not negative. */
function isFacts(x: unknown): x is BareFacts {
  const f = x as BareFacts;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  return typeof f === 'object' && f !== null && STATUSES.includes(f.status) && count(f.instructions) && count(f.cycles) && typeof f.console === 'string';
}
const STATUSES: readonly string[] = ['halted', 'faulted', 'limit'];

/** A kept file's text, if it is a regular file of a size a kept run can have (a FIFO, a
 *  device or a huge file put in its place is no kept run: opened without waiting, refused). */
function readKept(path: string): string | undefined {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    return stat.isFile() && stat.size <= KEPT_BYTES ? readFileSync(fd, 'utf8') : undefined;
  } finally {
    closeSync(fd);
  }
}
/** The most a kept run's file holds: its console (4 MiB at most) as JSON escapes it. */
const KEPT_BYTES = 32 << 20;

/** mkdir -p, a level at a time (Node's recursive mkdirSync never returns on some file
 *  systems, e.g. under /proc). */
function makeFolder(path: string): void {
  try {
    mkdirSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(path) === path) throw e;
    makeFolder(dirname(path));
    mkdirSync(path);
  }
}

/** The disk-backed cache, or undefined when nothing is to be kept. */
export function diskBareCache(env: NodeJS.ProcessEnv = process.env): BareCache | undefined {
  const dir = cacheDir(env);
  if (!dir) return undefined;
  const file = (key: BareKey) => join(dir, FOLDER, `${keyHash(key)}.json`);
  return {
    get(key) {
      try {
        const text = readKept(file(key));
        const facts: unknown = text === undefined ? undefined : JSON.parse(text);
        return isFacts(facts) ? facts : undefined;
      } catch {
        return undefined;
      }
    },
    put(key, facts) {
      try {
        const path = file(key);
        makeFolder(join(dir, FOLDER));
        const temporary = `${path}.${process.pid}.tmp`;
        try {
          writeFileSync(temporary, JSON.stringify(facts));
          renameSync(temporary, path); // (whole, for a run of vmm beside this one)
        } catch (e) {
          try {
            unlinkSync(temporary);
          } catch {
            // (never made)
          }
          throw e;
        }
      } catch {
        // not kept: the next run runs it again
      }
    },
  };
}
