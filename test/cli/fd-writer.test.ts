// FdWriter: whatever mix of strings and byte chunks is written, small or larger than its
// buffer, the file holds exactly their concatenation, in order.

import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FdWriter } from '../../src/cli/fd-writer.js';
import { Random } from '../../scripts/fuzz/generate.js';

const dir = mkdtempSync(join(tmpdir(), 'vmm-fd-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Sizes around the writer's thresholds: small pieces, chunks written without copying, and
 *  chunks larger than its buffer. */
const SIZES = [0, 1, 7, 100, 4095, 16 * 1024 - 1, 16 * 1024, 40_000, 64 * 1024, 64 * 1024 + 1, 200_000];

describe('FdWriter', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`writes exactly what it was given, in order (random mix ${seed})`, () => {
      const rng = new Random(seed);
      const next = (n: number) => rng.int(n);
      const path = join(dir, `out-${seed}.bin`);
      const writer = new FdWriter(openSync(path, 'w'), path, true);
      const expected: Buffer[] = [];
      for (let i = 0; i < 120; i++) {
        const size = SIZES[next(SIZES.length)]!;
        if (next(2)) {
          const text = Array.from({ length: size }, (_, k) => 'aé€\n'[(k + i) % 4]).join('');
          writer.write(text);
          expected.push(Buffer.from(text, 'utf8'));
        } else {
          const bytes = Uint8Array.from({ length: size }, (_, k) => (k * 31 + i) & 255);
          writer.write(bytes);
          expected.push(Buffer.from(bytes));
          bytes.fill(0); // the caller may reuse its buffer once write returns
        }
      }
      writer.close();
      expect(readFileSync(path).equals(Buffer.concat(expected))).toBe(true);
    });
  }
});
