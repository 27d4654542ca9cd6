// A long run shows its progress on stderr when that is a terminal, erased before the summary
// and before guest output; never on a pipe or a file, never with -q (docs/cli.md).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo } from '../support/io.js';
import { ROOT } from '../support/guests.js';
import { cleanTemp, tempDir } from './helpers.js';

afterAll(cleanTemp);

/** A clock that moves 300 ms each time it is read. */
function fakeClock(): () => number {
  let t = 0;
  return () => (t += 300);
}

async function run(args: string[], errTerminal: boolean) {
  if (process.cwd() !== ROOT) process.chdir(ROOT);
  const io = memoryIo(ROOT, false, false, errTerminal, fakeClock());
  const status = await main(args, io);
  return { status, stdout: io.out.text(), stderr: io.err.text() };
}

const SPIN = ['run', 'guests/attack/spin.s', '--max-instructions', '200k', '--no-overhead'];

describe('progress of a long run', () => {
  it('on a terminal: instructions and exit rate, rewritten in place, erased before the summary', async () => {
    for (const mode of ['bare', 'trap', 'full']) {
      const r = await run([...SPIN, '--mode', mode, '--max-instructions', mode === 'bare' ? '5M' : '200k'], true);
      expect(r.status).toBe(1);
      const lines = r.stderr.split('\r\x1b[K');
      const progress = lines.filter((l) => l.startsWith('vmm: '));
      expect(progress.length, mode).toBeGreaterThan(0);
      for (const p of progress) expect(p).toMatch(/^vmm: [\d,]+ instructions, [\d,]+ exits\/s, \d+\.\d s \(Ctrl-C stops it\)$/);
      expect(lines.at(-1)).toMatch(/^spin \(\w+\): limit: /); // erased, then the summary
    }
  });

  it('not on a pipe or a file, and not with -q', async () => {
    expect((await run([...SPIN, '--mode', 'trap'], false)).stderr).not.toContain('\r');
    expect((await run([...SPIN, '--mode', 'trap', '-q'], true)).stderr).toBe('');
  });

  it('guest output on stdout stays as it is', async () => {
    const r = await run(['run', 'guests/bare/primes.s', '--mode', 'trap', '--quantum', '100', '--no-overhead'], true);
    expect(r.stdout).toBe('2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97\n');
  });

  it('the bare run that measures the overhead shows its progress too, named', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'count.s'), 'start:  li r1, 300000\n.loop:  subi r1, r1, 1\n        cmpi r1, 0\n        bne .loop\n        hlt\n');
    const r = await run(['run', join(dir, 'count.s'), '--mode', 'trap'], true);
    expect(r.status).toBe(0);
    const progress = r.stderr.split('\r\x1b[K').filter((l) => l.startsWith('vmm: '));
    expect(progress.some((p) => p.startsWith('vmm: count alone on bare hardware, for its overhead: '))).toBe(true);
    expect(progress.some((p) => /^vmm: [\d,]+ instructions/.test(p))).toBe(true);
  });
});
