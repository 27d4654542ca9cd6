// How the CLI reaches the outside world: two output streams, colour, files. main() takes an
// Io so that tests run commands in-process and read what they printed.

import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/** An output stream that accepts text or bytes. */
export interface Writer {
  write(data: string | Uint8Array): void;
  /** Push out anything buffered. */
  flush(): void;
  /** The write that failed, if one did (thrown once; later output is dropped). */
  readonly failure?: OutputError;
}

export interface Io {
  readonly out: Writer;
  readonly err: Writer;
  /** Colour for stdout and stderr (TTY and no NO_COLOR, or FORCE_COLOR). */
  readonly outColor: boolean;
  readonly errColor: boolean;
  readonly cwd: string;
  /** A file's bytes; more than `limit` bytes (default FILE_LIMITS.image) is a UserError. */
  readFile(path: string, limit?: number): Uint8Array;
  /** A writer for a file given by -o; '-' means stdout. */
  openOutput(path: string): Writer;
}

/** The most vmm reads from one file, so that an endless one (/dev/zero, a pipe) stops. */
export const FILE_LIMITS = { image: 1 << 30, disk: 256 << 20, input: 64 << 20 } as const;

/** Exit statuses of vmm (docs/cli.md). */
export const EXIT = { OK: 0, GUEST_FAILED: 1, USAGE: 2 } as const;

/** A problem with what the user gave us (flags, files, sources, images): exit status 2. */
export class UserError extends Error {}

/** Red text for error messages, without loading chalk. */
export function red(text: string, color: boolean): string {
  return color ? `\x1b[31m${text}\x1b[39m` : text;
}

/** An output that cannot be written (disk full, stdout closed, ...): exit status 2. */
export class OutputError extends UserError {}

/** Buffered writes to a file descriptor with writeSync, so output order is exact, memory
 *  stays flat however much is written, and nothing is lost when vmm exits. Small strings are
 *  joined first (appending strings is cheap) and encoded into a 64 KiB byte buffer in one go.
 *  The first failed write throws an OutputError naming `name`; after it, output is dropped. */
export class FdWriter implements Writer {
  private readonly buffer = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private text = '';
  failure: OutputError | undefined;

  constructor(
    private readonly fd: number,
    private readonly name: string,
    private readonly closeOnFlush = false,
  ) {}

  write(data: string | Uint8Array): void {
    if (typeof data === 'string') {
      this.text += data;
      if (this.text.length >= TEXT_CHUNK) this.encodeText();
      return;
    }
    this.encodeText();
    if (this.used + data.length > this.buffer.length) {
      this.flushBytes();
      if (data.length > this.buffer.length) {
        this.writeOut(data);
        return;
      }
    }
    this.buffer.set(data, this.used);
    this.used += data.length;
  }

  flush(): void {
    this.encodeText();
    this.flushBytes();
  }

  close(): void {
    try {
      this.flush();
    } finally {
      if (this.closeOnFlush) closeSync(this.fd);
    }
  }

  /** Encode pending text into the buffer (UTF-8 takes at most 3 bytes per UTF-16 unit). */
  private encodeText(): void {
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = '';
    if (text.length * 3 > this.buffer.length - this.used) this.flushBytes();
    if (text.length * 3 > this.buffer.length) this.writeOut(Buffer.from(text, 'utf8'));
    else this.used += this.buffer.write(text, this.used);
  }

  private flushBytes(): void {
    const used = this.used;
    this.used = 0;
    if (used) this.writeOut(this.buffer.subarray(0, used));
  }

  private writeOut(bytes: Uint8Array): void {
    if (this.failure) return;
    try {
      writeAll(this.fd, bytes);
    } catch (e) {
      this.failure = new OutputError(`${this.name}: cannot write: ${fileProblem(e)}`);
      throw this.failure;
    }
  }
}

/** Text is encoded in chunks of about this many UTF-16 units. */
const TEXT_CHUNK = 16 * 1024;

function writeAll(fd: number, bytes: Uint8Array): void {
  let at = 0;
  while (at < bytes.length) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking pipe is full: wait for the reader
      if (code === 'EPIPE') return; // the reader went away (e.g. `| head`): drop the rest
      throw e;
    }
  }
}

/** A writer that keeps everything, for tests. */
export class MemoryWriter implements Writer {
  private readonly chunks: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();
  write(data: string | Uint8Array): void {
    this.chunks.push(typeof data === 'string' ? this.encoder.encode(data) : data.slice());
  }
  flush(): void {}
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

function colorWanted(isTTY: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY;
}

export function readUserFile(path: string, limit: number = FILE_LIMITS.image): Uint8Array {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UserError(`${path}: ${fileProblem(e)}`);
  }
  try {
    return readAll(fd, path, limit);
  } finally {
    closeSync(fd);
  }
}

/** All of standard input (a pipe, a file or a socket), for `--input -`. */
export function readStdin(limit: number = FILE_LIMITS.input): Uint8Array {
  return readAll(0, 'standard input', limit);
}

/** Everything `fd` holds until its end, refusing more than `limit` bytes. */
function readAll(fd: number, name: string, limit: number): Uint8Array {
  const tooLarge = () => new UserError(`${name}: larger than ${limit >> 20} MiB, the most vmm reads from one file`);
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > limit) throw tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    const chunk = Buffer.allocUnsafe(1 << 16);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
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
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
    return Buffer.concat(chunks, total);
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

/** The real process: stdout and stderr, colour from the TTY and NO_COLOR/FORCE_COLOR. */
export function processIo(): Io {
  const out = new FdWriter(1, 'standard output');
  const errFd = new FdWriter(2, 'standard error');
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
  };
  return {
    out,
    err,
    outColor: colorWanted(process.stdout.isTTY === true, process.env),
    errColor: colorWanted(process.stderr.isTTY === true, process.env),
    cwd: process.cwd(),
    readFile: readUserFile,
    openOutput(path: string): Writer {
      if (path === '-') return out;
      return openFileWriter(path);
    },
  };
}

function openFileWriter(path: string): Writer {
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new UserError(`${path}: cannot write: ${fileProblem(e)}`);
  }
  const w = new FdWriter(fd, path, true);
  return {
    write: (d) => w.write(d),
    flush: () => w.close(),
    get failure() {
      return w.failure;
    },
  };
}

/** An Io that keeps stdout and stderr in memory (files still go to disk), for tests. */
export function memoryIo(cwd = process.cwd(), color = false): Io & { out: MemoryWriter; err: MemoryWriter } {
  const out = new MemoryWriter();
  return {
    out,
    err: new MemoryWriter(),
    outColor: color,
    errColor: color,
    cwd,
    readFile: readUserFile,
    openOutput: (path) => (path === '-' ? out : openFileWriter(path)),
  };
}
