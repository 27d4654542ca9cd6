// The host side of a guest's console: bytes the guest writes go to stdout line by line
// (prefixed with the guest's name when several guests share the screen) and are kept for
// the JSON report. On a terminal, a guest must not steer the screen (return the cursor,
// erase its name prefix, print lines that pass for another guest's or for vmm's): every
// control character but newline and tab is shown escaped there (`\x1b`, `\u009b`); to a
// pipe or a file, and in --json, the bytes go as they are.

import type { ConsoleBackend } from '../machine/devices/console.js';
import { KEPT_CONSOLE_LIMIT } from '../report/guest-report.js';
import type { Writer } from '../trace/writer.js';
import { visible } from '../text/visible.js';
import { wholeCharacters } from '../text/utf8.js';
import { withCutNote } from '../text/cut-note.js';

/** A line longer than this is written out in pieces of this many bytes. */
const LONGEST_LINE = 1 << 16;

export class GuestConsole implements ConsoleBackend {
  private line: Uint8Array = new Uint8Array(256);
  private lineLength = 0;
  private keptBytes: Uint8Array = new Uint8Array(1024);
  private keptLength = 0;
  private truncated = false;

  /** out: where lines go (undefined to only keep them); prefix: printed before each line;
   *  terminal: out is a terminal (control characters are shown escaped). */
  constructor(
    private readonly out: Writer | undefined,
    private readonly prefix: string | Uint8Array = '',
    private readonly terminal = false,
  ) {}

  putByte(byte: number): void {
    // (a line of LONGEST_LINE bytes is written out when a byte more comes that does not end it)
    if (byte !== 10 && this.lineLength >= LONGEST_LINE) this.breakLine();
    if (this.lineLength === this.line.length) this.line = grow(this.line, this.lineLength * 2);
    this.line[this.lineLength++] = byte;
    if (byte === 10) this.endLine();
  }

  private endLine(): void {
    const bytes = this.line.subarray(0, this.lineLength);
    if (this.out) {
      if (this.prefix.length) this.out.write(this.prefix);
      this.out.write(this.terminal ? visible(bytes) : bytes);
    }
    this.keep(bytes);
    this.lineLength = 0;
  }

  private keep(bytes: Uint8Array): void {
    if (this.truncated) return;
    if (this.keptLength + bytes.length > KEPT_CONSOLE_LIMIT) {
      // (the first KEPT_CONSOLE_LIMIT bytes are kept: the line that passes the limit in part,
      // less a UTF-8 character cut there)
      this.truncated = true;
      bytes = bytes.subarray(0, KEPT_CONSOLE_LIMIT - this.keptLength);
    }
    if (this.keptLength + bytes.length > this.keptBytes.length) this.keptBytes = grow(this.keptBytes, Math.max(this.keptBytes.length * 2, this.keptLength + bytes.length));
    this.keptBytes.set(bytes, this.keptLength);
    this.keptLength += bytes.length;
    // (a line longer than LONGEST_LINE comes in pieces: the character cut may be in one kept
    // before)
    if (this.truncated) this.keptLength = wholeCharacters(this.keptBytes, this.keptLength);
  }

  /** Write out a last line that has no newline (see breakLine). */
  finish(): void {
    if (this.lineLength === 0) return;
    this.breakLine();
  }

  /** Write out a line that has no newline (the last, or LONGEST_LINE bytes of a longer one).
   *  A newline is added after it when prefixed (so the next guest's line, or the rest of
   *  this one, starts clean, with its own prefix) and on a terminal (so the summary, or the
   *  shell's prompt, starts on a line of its own); not to a pipe or a file, which get the
   *  bytes. The kept text (--json) gets the bytes. */
  private breakLine(): void {
    const separate = this.prefix.length > 0 || this.terminal;
    this.endLine();
    if (separate && this.out) this.out.write('\n');
  }

  kept(): { bytes: Uint8Array; cut: boolean } {
    return { bytes: this.keptBytes.subarray(0, this.keptLength), cut: this.truncated };
  }

  text(): string {
    const text = Buffer.from(this.keptBytes.subarray(0, this.keptLength)).toString('utf8');
    return this.truncated ? withCutNote(text, KEPT_CONSOLE_LIMIT) : text;
  }
}

function grow(buffer: Uint8Array, size: number): Uint8Array {
  const next = new Uint8Array(size);
  next.set(buffer);
  return next;
}
