// The parser matches a line's skeleton (src/asm/skeleton.ts) and reads the tokens from the
// line itself. Whatever the line, that must give exactly what matching the line as written gives.
import { describe, expect, it } from 'vitest';
import { lineHead, parseLine } from '../../src/asm/parse.js';
import { skeletonOf } from '../../src/asm/skeleton.js';
import { benchSource } from '../../scripts/bench/asm.js';
import { mutate, random } from './mutate.js';

function outcome(line: string, viaSkeleton: boolean): unknown {
  try {
    return parseLine(line, viaSkeleton);
  } catch (e) {
    const err = e as { column: number; message: string };
    return `error ${err.column}: ${err.message}`;
  }
}

const SAMPLES = [
  'start:  li r1, 0x12345678   ; c',
  '.loop: ldw r3, [sp + 4 * 2]',
  "  movi r2, '\\n' + 'a' - '\\x41'",
  '  .asciz "hé\\t\\"x\\" ; not a comment" // comment',
  'X = (1 << 3) | ~$ & 0b101 ^ 7 % 3 / 2',
  '.macro m a, b',
  'w\\@: subi \\a, \\a, 1',
  'main.loop: b main.loop',
  '  .word 1, -2, +3, - - 4, x.y.z',
  "\t.byte 'a', '\\'', '\\\\', 255",
  'label:',
  '  stw r1, [r2 - 8]',
  'mfcr r1, cause',
  '.include "lib/x.s"',
  '12abc: 0x1g ..x .5 1.5 a.',
];

describe('skeletons', () => {
  it('replace names, numbers, literals and blank runs', () => {
    const map = { starts: new Int32Array(100), ends: new Int32Array(100) };
    expect(skeletonOf('start:  li r1, 0x12', map)).toBe('a: a a, 0');
    expect(skeletonOf(".l: .asciz \"x\\n\", 'q'", map)).toBe(".a: .a \"\", 'a'");
    expect(skeletonOf('.ascii "\\q"', map)).toBeUndefined();
    expect(skeletonOf("'ab'", map)).toBeUndefined();
    expect(skeletonOf('"open', map)).toBeUndefined();
    const code = 'ab  [c]';
    expect(skeletonOf(code, map)).toBe('a [a]');
    expect(Array.from(map.starts.slice(0, 5))).toEqual([0, 2, 4, 5, 6]);
    expect(Array.from(map.ends.slice(0, 5))).toEqual([2, 4, 5, 6, 7]);
  });

  it('parse the benchmark lines as matching them as written does', () => {
    const lines = benchSource(3000).split('\n');
    for (const line of lines) expect(outcome(line, true), line).toEqual(outcome(line, false));
  });

  it('parse mutated lines as matching them as written does', () => {
    const rnd = random(42);
    for (let n = 0; n < 6000; n++) {
      let line = SAMPLES[n % SAMPLES.length]!;
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) line = mutate(line, rnd).replace(/[\r\n]/g, ' ');
      expect(outcome(line, true), JSON.stringify(line)).toEqual(outcome(line, false));
      expect(lineHead(line, true), JSON.stringify(line)).toEqual(lineHead(line, false));
    }
  });
});
