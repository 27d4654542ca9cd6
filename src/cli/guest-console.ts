// The host side of a guest's console: bytes the guest writes go to stdout line by line
// (prefixed with the guest's name when several guests share the screen) and are kept for
// the JSON report.

import type { ConsoleBackend } from '../machine/devices/console.js';
import type { Writer } from '../trace/writer.js';

/** At most this much console output is kept for --json (the rest still streams). */
export const KEPT_CONSOLE_LIMIT = 4 << 20;

export class GuestConsole implements ConsoleBackend {
  private line: Uint8Array = new Uint8Array(256);
  private lineLength = 0;
  private kept: Uint8Array = new Uint8Array(1024);
  private keptLength = 0;
  private truncated = false;

  /** out: where lines go (undefined to only keep them); prefix: printed before each line. */
  constructor(
    private readonly out: Writer | undefined,
    private readonly prefix: string | Uint8Array = '',
  ) {}

  putByte(byte: number): void {
    if (this.lineLength === this.line.length) this.line = grow(this.line, this.lineLength * 2);
    this.line[this.lineLength++] = byte;
    if (byte === 10 || this.lineLength >= 1 << 16) this.endLine();
  }

  private endLine(): void {
    const bytes = this.line.subarray(0, this.lineLength);
    if (this.out) {
      if (this.prefix.length) this.out.write(this.prefix);
      this.out.write(bytes);
    }
    this.keep(bytes);
    this.lineLength = 0;
  }

  private keep(bytes: Uint8Array): void {
    if (this.truncated) return;
    if (this.keptLength + bytes.length > KEPT_CONSOLE_LIMIT) {
      this.truncated = true;
      return;
    }
    if (this.keptLength + bytes.length > this.kept.length) this.kept = grow(this.kept, Math.max(this.kept.length * 2, this.keptLength + bytes.length));
    this.kept.set(bytes, this.keptLength);
    this.keptLength += bytes.length;
  }

  /** Write out a last line that has no newline (a newline is added when prefixed, so the
   *  next guest's line starts clean). */
  finish(): void {
    if (this.lineLength === 0) return;
    const partial = this.prefix.length > 0;
    this.endLine();
    if (partial && this.out) this.out.write('\n');
  }

  text(): string {
    const text = Buffer.from(this.kept.subarray(0, this.keptLength)).toString('utf8');
    return this.truncated ? text + `\n[vmm: console output beyond ${KEPT_CONSOLE_LIMIT} bytes not kept]` : text;
  }
}

function grow(buffer: Uint8Array, size: number): Uint8Array {
  const next = new Uint8Array(size);
  next.set(buffer);
  return next;
}
