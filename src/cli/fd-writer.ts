// Output to a file descriptor (stdout, or a file given by -o): buffered, exact in order,
// flat in memory however much is written.

import { accessSync, closeSync, constants, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writer } from '../trace/writer.js';
import { OutputError, ReaderGone, UserError } from './errors.js';
import { fileProblem, readAs, readAsFd } from './files.js';

/** Buffered writes to a file descriptor with writeSync, so output order is exact, memory
 *  stays flat however much is written, and nothing is lost when vmm exits. Small strings are
 *  joined first (appending strings is cheap) and encoded into a 64 KiB byte buffer in one go;
 *  byte chunks of BIG_WRITE or more go out as they are. While guests run, what the buffer
 *  holds also goes out about every tenth of a second (output-pacer.ts).
 *  The first failed write throws an OutputError naming `name` (ReaderGone when the reader of a
 *  pipe went away); after it, output is dropped. */
export class FdWriter implements Writer {
  private readonly buffer = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  private text = '';
  failure: OutputError | undefined;

  /** `stream`: the descriptor is standard output or error, which the shell may have
   *  redirected onto a file the command read (`>> x.s`): that is checked before its first
   *  byte, and such a stream is written nothing (standard output: a usage error). Standard
   *  error's reader going away is no failure either (vmm's messages may outlive it,
   *  `2>&1 | head -2`): the rest is dropped. */
  constructor(
    private readonly fd: number,
    private readonly name: string,
    private readonly closeOnFlush = false,
    private readonly stream?: 'output' | 'error',
  ) {}
  /** Whether the stream was checked against the inputs; whether it goes to one. */
  private checked = false;
  private overInput = false;

  write(data: string | Uint8Array): void {
    if (typeof data === 'string') {
      this.text += data;
      if (this.text.length >= TEXT_CHUNK) this.encodeText();
      return;
    }
    this.encodeText();
    if (this.used + data.length > this.buffer.length || data.length >= BIG_WRITE) {
      this.flushBytes();
      if (data.length >= BIG_WRITE) {
        this.writeOut(data); // (a sink's full buffer: written as it is, not copied first)
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
    if (this.failure || this.overInput) return;
    if (this.stream && !this.checked) {
      this.checked = true;
      const input = readAsFd(this.fd);
      if (input !== undefined) {
        this.overInput = true;
        if (this.stream === 'error') return; // (nowhere left to say it)
        this.failure = new OutputError(`${this.name} goes to ${input}, an input: vmm does not write over its inputs`);
        throw this.failure;
      }
    }
    try {
      writeAll(this.fd, bytes);
    } catch (e) {
      const gone = (e as NodeJS.ErrnoException).code === 'EPIPE';
      if (gone && this.stream === 'error') return;
      this.failure = gone ? new ReaderGone(`${this.name}: its reader went away`) : new OutputError(`${this.name}: cannot write: ${fileProblem(e)}`);
      throw this.failure;
    }
  }
}

/** Byte chunks at least this long are written at once, without copying. */
const BIG_WRITE = 16 * 1024;

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
      throw e; // (EPIPE: the reader went away, e.g. `| head`: ReaderGone ends the run)
    }
  }
}

/** A writer for the file at `path`, made empty (created if need be); a UserError if it
 *  cannot be, or if the command read it (vmm never writes over its inputs: readAs). */
export function openFileWriter(path: string): Writer {
  const input = readAs(path);
  if (input !== undefined) throw new UserError(`${path}: that is an input (${input}); vmm does not write over its inputs`);
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch (e) {
    throw new UserError(`${path}: cannot write: ${fileProblem(e)}`);
  }
  const w = new FdWriter(fd, path, true);
  return {
    write: (d) => w.write(d),
    flush: () => w.flush(),
    close: () => w.close(),
    get failure() {
      return w.failure;
    },
  };
}

/** Throw a UserError now if the file at `path` could not be opened for writing (no such
 *  directory, no permission, a directory), for a writer opened later (writerWhenUsed). */
export function checkWritable(path: string): void {
  try {
    let exists = true;
    try {
      if (statSync(path).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      exists = false;
    }
    accessSync(exists ? path : dirname(path), constants.W_OK);
  } catch (e) {
    throw new UserError(`${path}: cannot write: ${fileProblem(e)}`);
  }
}

/** A writer that `open`s its output only when first written, flushed or closed: a command
 *  that fails before its output begins (a run that cannot start) leaves the file as it was. */
export function writerWhenUsed(open: () => Writer): Writer {
  let w: Writer | undefined;
  const opened = (): Writer => (w ??= open());
  return {
    write: (d) => opened().write(d),
    flush: () => opened().flush(),
    close: () => opened().close(),
    get failure() {
      return w?.failure;
    },
  };
}
