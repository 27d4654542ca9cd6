// Reading the files a user names (images, sources, disks, console input, cost models):
// regular files only (a FIFO with no writer would block vmm for ever in open; standard input
// is read only where `-` is documented), bounded so that a huge one stops, with a plain
// message for every failure.

import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { UserError } from './errors.js';

/** A file vmm cannot read: `problem` says why, without the path. */
export class FileProblem extends UserError {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
  }
}

/** The most vmm reads from one file, so that an endless one (/dev/zero, a pipe) stops; and
 *  (`disks`) from all of a run's --disk files together: a run keeps a copy of each disk per
 *  machine that runs its guest (the VMM's, the bare run's for the overhead, a hosted host's
 *  cache), so many large disks would take several times their size in memory. */
export const FILE_LIMITS = { image: 1 << 30, images: 1 << 30, disk: 256 << 20, disks: 512 << 20, input: 64 << 20, inputs: 256 << 20, source: 256 << 20 } as const;

/** The files the command being run has read, by device and inode (so that a link, or
 *  another spelling of the path, is the same file), each with the path it was read by: no
 *  output goes over one (openFileWriter), whichever option named it (an .include'd source,
 *  --disk, --input, --cost-model, an image). main() starts every command with none. */
const filesRead = new Map<string, string>();

export function forgetFilesRead(): void {
  filesRead.clear();
}

/** The path by which this command read the file at `path`, if it read that file. */
export function readAs(path: string): string | undefined {
  const id = fileId(path);
  return id === undefined ? undefined : filesRead.get(id); // (no such file yet: not an input)
}

/** The path by which this command read the file open as `fd` (standard output redirected
 *  onto an input, `>> x.s`), if it read that file. */
export function readAsFd(fd: number): string | undefined {
  const id = fdFileId(fd);
  return id === undefined ? undefined : filesRead.get(id);
}

/** A file's device and inode, which every name of it shares; undefined if there is none. */
export function fileId(path: string): string | undefined {
  try {
    return idOf(statSync(path));
  } catch {
    return undefined;
  }
}

/** The device and inode of an open file descriptor's file; undefined if there is none. */
export function fdFileId(fd: number): string | undefined {
  try {
    return idOf(fstatSync(fd));
  } catch {
    return undefined;
  }
}

function idOf(stat: Stats): string {
  return `${stat.dev}:${stat.ino}`;
}

export function readUserFile(path: string, limit: number = FILE_LIMITS.image): Uint8Array {
  let fd: number;
  try {
    // Non-blocking: opening a FIFO that has no writer returns at once instead of waiting.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new FileProblem(path, fileProblem(e));
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileProblem(path, 'is a directory');
    if (!stat.isFile()) throw new FileProblem(path, `not a regular file (${kindOf(stat)})`);
    filesRead.set(idOf(stat), path);
    return readAll(fd, path, limit);
  } finally {
    closeSync(fd);
  }
}

/** A source file's bytes for the assembler (which decodes them, and refuses a binary), read
 *  as readUserFile reads (its problem thrown as a plain error, which the assembler reports at
 *  the line that named the file). */
export function readSourceFile(path: string): Uint8Array {
  try {
    return readUserFile(path, FILE_LIMITS.source);
  } catch (e) {
    if (e instanceof FileProblem) throw new Error(e.problem);
    throw e;
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a pipe or FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a file';
}

/** All of standard input (a pipe, a file or a socket), for `--input -`. */
export function readStdin(limit: number = FILE_LIMITS.input): Uint8Array {
  // (standard input redirected from a file is an input like any other: readAs)
  const stat = fstatSync(0);
  if (stat.isFile()) filesRead.set(idOf(stat), 'standard input');
  return readAll(0, 'standard input', limit);
}

/** Everything `fd` holds until its end, refusing more than `limit` bytes. A regular file is
 *  read straight into one buffer of its size (one byte more, to see that it ended), so its
 *  bytes are held once, not twice, while it is read (a disk of 256 MiB); a file that grew
 *  meanwhile, a pipe or a socket goes on in chunks. */
function readAll(fd: number, name: string, limit: number): Uint8Array {
  const tooLarge = () => new UserError(`${name}: larger than ${limit >> 20} MiB, the most vmm reads from one file`);
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    // (a file whose size reads 0, as many in /proc do, may take reads of whole records only)
    let chunk = Buffer.allocUnsafe(stat.isFile() && stat.size > 0 ? stat.size + 1 : 1 << 16);
    let filled = 0;
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, filled, chunk.length - filled, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(PAUSE, 0, 0, 5); // a non-blocking pipe or socket with nothing yet
          continue;
        }
        if (code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > limit) throw tooLarge();
      filled += n;
      if (filled === chunk.length) {
        chunks.push(chunk);
        chunk = Buffer.allocUnsafe(1 << 16);
        filled = 0;
      }
    }
    if (filled > 0) chunks.push(chunk.subarray(0, filled));
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${name}: ${fileProblem(e)}`);
  }
}

/** Something to wait on (for a few milliseconds) without spinning. */
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  const message = (e as Error).message;
  // "ENOSPC: no space left on device, write" -> "no space left on device"
  return /^E[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}
