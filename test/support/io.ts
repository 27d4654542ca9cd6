// An Io that keeps stdout and stderr in memory, for running the CLI in-process in tests.

import { readUserFile } from '../../src/cli/files.js';
import { openFileWriter } from '../../src/cli/fd-writer.js';
import type { Io } from '../../src/cli/io.js';
import type { Writer } from '../../src/trace/writer.js';

/** A writer that keeps everything, for tests. */
export class MemoryWriter implements Writer {
  private readonly chunks: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();
  write(data: string | Uint8Array): void {
    this.chunks.push(typeof data === 'string' ? this.encoder.encode(data) : data.slice());
  }
  flush(): void {}
  close(): void {}
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** An Io that keeps stdout and stderr in memory (files still go to disk), for tests. */
export function memoryIo(cwd = process.cwd(), color = false, terminal = false, errTerminal = false, now?: () => number): Io & { out: MemoryWriter; err: MemoryWriter } {
  const out = new MemoryWriter();
  return {
    out,
    err: new MemoryWriter(),
    outColor: color,
    errColor: color,
    outTerminal: terminal,
    errTerminal,
    now,
    cwd,
    readFile: readUserFile,
    openOutput: (path) => (path === '-' ? out : openFileWriter(path)),
  };
}
