// How the CLI reaches the outside world: two output streams, colour, files. main() takes an
// Io so that tests run commands in-process and read what they printed.

import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';

/** An output stream that accepts text or bytes. */
export interface Writer {
  write(data: string | Uint8Array): void;
  /** Push out anything buffered. */
  flush(): void;
}

export interface Io {
  readonly out: Writer;
  readonly err: Writer;
  /** Colour for stdout and stderr (TTY and no NO_COLOR, or FORCE_COLOR). */
  readonly outColor: boolean;
  readonly errColor: boolean;
  readonly cwd: string;
  readFile(path: string): Uint8Array;
  /** A writer for a file given by -o; '-' means stdout. */
  openOutput(path: string): Writer;
}

/** Exit statuses of vmm (docs/cli.md). */
export const EXIT = { OK: 0, GUEST_FAILED: 1, USAGE: 2 } as const;

/** A problem with what the user gave us (flags, files, sources, images): exit status 2. */
export class UserError extends Error {}

/** Red text for error messages, without loading chalk. */
export function red(text: string, color: boolean): string {
  return color ? `\x1b[31m${text}\x1b[39m` : text;
}

/** Buffered writes to a file descriptor with writeSync, so output order is exact, memory
 *  stays flat however much is written, and nothing is lost when vmm exits. Small strings are
 *  joined first (appending strings is cheap) and encoded into a 64 KiB byte buffer in one go. */
export class FdWriter implements Writer {
  private readonly buffer = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private text = '';

  constructor(
    private readonly fd: number,
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
        writeAll(this.fd, data);
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
    this.flush();
    if (this.closeOnFlush) closeSync(this.fd);
  }

  /** Encode pending text into the buffer (UTF-8 takes at most 3 bytes per UTF-16 unit). */
  private encodeText(): void {
    if (this.text.length === 0) return;
    const text = this.text;
    this.text = '';
    if (text.length * 3 > this.buffer.length - this.used) this.flushBytes();
    if (text.length * 3 > this.buffer.length) writeAll(this.fd, Buffer.from(text, 'utf8'));
    else this.used += this.buffer.write(text, this.used);
  }

  private flushBytes(): void {
    if (this.used) writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
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

export function readUserFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError(`${path}: ${fileProblem(e)}`);
  }
}

/** All of standard input (a pipe, a file or a socket), for `--input -`. */
export function readStdin(): Uint8Array {
  const chunks: Buffer[] = [];
  const chunk = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, chunk, 0, chunk.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking pipe or socket with nothing yet
      if (code === 'EOF') break;
      throw new UserError(`standard input: ${fileProblem(e)}`);
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

export function fileProblem(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message;
}

/** The real process: stdout and stderr, colour from the TTY and NO_COLOR/FORCE_COLOR. */
export function processIo(): Io {
  const out = new FdWriter(1);
  const errFd = new FdWriter(2);
  // vmm's own messages go out at once, after any guest output already written.
  const err: Writer = {
    write(data) {
      out.flush();
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
  const w = new FdWriter(fd, true);
  return { write: (d) => w.write(d), flush: () => w.close() };
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
