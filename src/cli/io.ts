// How the CLI reaches the outside world: two output streams, colour, files. main() takes an
// Io so that tests run commands in-process and read what they printed.

import type { Writer } from '../trace/writer.js';
import { FdWriter, openFileWriter } from './fd-writer.js';
import { fdFileId, fileId, readUserFile } from './files.js';

export interface Io {
  readonly out: Writer;
  readonly err: Writer;
  /** Colour for stdout and stderr (TTY and no NO_COLOR, or FORCE_COLOR). */
  readonly outColor: boolean;
  readonly errColor: boolean;
  /** Stdout is a terminal: guest console bytes that would steer it are shown escaped. */
  readonly outTerminal: boolean;
  /** Stderr is a terminal: a long run shows its progress there. */
  readonly errTerminal: boolean;
  /** Wall-clock milliseconds, monotonic (the progress display and output pacing only; tests
   *  pass their own). */
  readonly now?: () => number;
  readonly cwd: string;
  /** A file's bytes; more than `limit` bytes (default FILE_LIMITS.image) is a UserError. */
  readFile(path: string, limit?: number): Uint8Array;
  /** A writer for a file given by -o; '-' means stdout, as does the file stdout goes to
   *  (`/dev/stdout`, or the file it is redirected to: one buffer keeps one order). */
  openOutput(path: string): Writer;
  /** Whether `path` names the file stdout goes to (absent: never; /dev/null is no one's). */
  isStandardOutput?(path: string): boolean;
  /** The same for stderr. */
  isStandardError?(path: string): boolean;
}

function colorWanted(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

/** Whether `path` names the file of file descriptor `fd` (not /dev/null, which many
 *  streams may share: writing to it twice mixes nothing). */
function isFileOf(fd: number, path: string): boolean {
  const id = fdFileId(fd);
  return id !== undefined && fileId(path) === id && id !== fileId('/dev/null');
}
const isStandardOutput = (path: string) => isFileOf(1, path);
const isStandardError = (path: string) => isFileOf(2, path);

/** The real process: stdout and stderr, colour from the TTY and NO_COLOR/FORCE_COLOR. */
export function processIo(): Io {
  const out = new FdWriter(1, 'standard output', false, 'output');
  const errFd = new FdWriter(2, 'standard error', false, 'error');
  // vmm's own messages go out at once, after any guest output already written.
  const err: Writer = {
    write(data) {
      try {
        out.flush();
      } catch {
        // kept in out.failure: main() reports it when it ends
      }
      errFd.write(data);
      errFd.flush();
    },
    flush: () => errFd.flush(),
    close: () => errFd.flush(),
  };
  return {
    out,
    err,
    outColor: colorWanted(process.stdout.isTTY === true, process.env),
    errColor: colorWanted(process.stderr.isTTY === true, process.env),
    outTerminal: process.stdout.isTTY === true,
    errTerminal: process.stderr.isTTY === true,
    cwd: process.cwd(),
    readFile: readUserFile,
    openOutput(path: string): Writer {
      return path === '-' || isStandardOutput(path) ? out : openFileWriter(path);
    },
    isStandardOutput,
    isStandardError,
  };
}
