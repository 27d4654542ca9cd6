// Reading the files vmm is given (src/cli/files.ts): every byte of a regular file, whatever
// its size (read straight into one buffer of it), and of a file whose size says nothing (a
// /proc file reads as 0 bytes long); a file past the limit is refused.

import { existsSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readUserFile } from '../../src/cli/files.js';
import { cleanTemp, tempDir, vmmIn } from './helpers.js';

afterAll(cleanTemp);

describe('readUserFile', () => {
  it('reads every byte of a regular file of any size', () => {
    const dir = tempDir();
    for (const size of [0, 1, 4095, 65535, 65536, 65537, 3 * 65536 + 17, 1 << 20]) {
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 37 + (i >> 8)) & 0xff);
      const path = join(dir, `f${size}`);
      writeFileSync(path, bytes);
      const read = readUserFile(path);
      expect(read.length, `${size} bytes`).toBe(size);
      expect(Buffer.from(read).equals(Buffer.from(bytes)), `${size} bytes`).toBe(true);
    }
  });

  it.runIf(existsSync('/proc/self/status'))('reads a file whose size reads 0 to its end', () => {
    const text = Buffer.from(readUserFile('/proc/self/status')).toString('utf8');
    expect(text).toMatch(/^Name:/);
    expect(text).toMatch(/\nPid:\s+\d+\n/);
  });

  it.runIf(existsSync('/proc/self/pagemap'))('reads a size-0 file that takes reads of whole records (8 bytes) in large pieces, to the limit', () => {
    expect(() => readUserFile('/proc/self/pagemap', 1 << 20)).toThrow('/proc/self/pagemap: larger than 1 MiB, the most vmm reads from one file');
  });

  it('refuses a file past the limit, naming it', () => {
    const path = join(tempDir(), 'big');
    writeFileSync(path, new Uint8Array((1 << 20) + 1));
    expect(() => readUserFile(path, 1 << 20)).toThrow(`${path}: larger than 1 MiB, the most vmm reads from one file`);
    expect(readUserFile(path, 2 << 20).length).toBe((1 << 20) + 1);
  });
});

describe('a source too large to read', () => {
  it('vmm asm names the file once in its error', async () => {
    const path = join(tempDir(), 'huge.s');
    truncateSync((writeFileSync(path, ''), path), (256 << 20) + 1); // (sparse)
    const r = await vmmIn(['asm', path]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${path}:1:1: error: cannot read '${path}': larger than 256 MiB, the most vmm reads from one file\n`);
  });
});
