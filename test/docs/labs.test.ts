// The labs (docs/labs/): every lab's script, run as a TA runs it (bash, from the folder that
// holds guests/, with vmm on the PATH: here the built bundle), prints exactly its committed
// transcript; every number of a worksheet's answer key is one vmm printed; lab 1 runs in
// under a minute; a worksheet fits on two printed pages.

import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, cleanTemp, requireBundle, ROOT, tempDir } from '../cli/helpers.js';

const LABS = join(ROOT, 'docs', 'labs');
const labs = readdirSync(LABS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

let work = '';
let path = '';

beforeAll(() => {
  requireBundle();
  // a scratch copy of what a lab reads, so that nothing it writes lands in the checkout
  work = tempDir();
  cpSync(join(ROOT, 'guests'), join(work, 'guests'), { recursive: true });
  cpSync(LABS, join(work, 'docs', 'labs'), { recursive: true });
  const bin = join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'vmm'), `#!/bin/sh\nexec "${process.execPath}" "${BUNDLE}" "$@"\n`);
  chmodSync(join(bin, 'vmm'), 0o755);
  path = `${bin}:${process.env.PATH}`;
});

afterAll(cleanTemp);

describe('docs/labs', () => {
  it('has the labs the index lists as ready, each a worksheet, a script, a transcript and a starting file', () => {
    const index = readFileSync(join(LABS, 'README.md'), 'utf8');
    const ready = [...index.matchAll(/^\| \[([\w-]+)\]\(\1\/README\.md\) \| .* \| ready \|$/gm)].map((m) => m[1]);
    expect(ready).toEqual(labs);
    for (const lab of labs) for (const f of ['README.md', 'run.sh', 'transcript.txt', 'yourturn.s']) expect(existsSync(join(LABS, lab, f)), `${lab}/${f}`).toBe(true);
  });

  for (const lab of labs) {
    it(`${lab}: run.sh prints its transcript`, () => {
      const t0 = performance.now();
      const r = spawnSync('bash', [join('docs', 'labs', lab, 'run.sh')], { cwd: work, env: { ...process.env, PATH: path, FORCE_COLOR: '0', NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
      const seconds = (performance.now() - t0) / 1000;
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(readFileSync(join(LABS, lab, 'transcript.txt'), 'utf8'));
      if (lab.startsWith('01-')) expect(seconds).toBeLessThan(60);
    });

    it(`${lab}: every number of the answer key is one vmm printed, and the worksheet fits on two pages`, () => {
      const sheet = readFileSync(join(LABS, lab, 'README.md'), 'utf8');
      const key = sheet.slice(sheet.indexOf('## Answer key'));
      expect(key.length).toBeGreaterThan(100);
      const transcript = readFileSync(join(LABS, lab, 'transcript.txt'), 'utf8');
      // (figures with a separator or decimals, and plain numbers of four digits or more: cycles)
      // (each as a whole number of the transcript, which may write it with zero decimals:
      // 4358 is not in 14358 nor in 4358.5, 9,584 is in 9,584.00)
      // (a number of four digits or more may be followed by a comma of the text; hex values
      // such as 0x0000133c are not numbers of this kind)
      for (const n of key.match(/\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|(?<![\w,.])\d{4,}(?!\d|,\d|\w)/g) ?? []) {
        const whole = new RegExp(`(?<![\\d.]|\\d,)${n.replace(/\./g, '\\.')}(?:\\.0+)?(?!\\d|,\\d|\\.\\d)`);
        expect(whole.test(transcript), `${lab}: ${n}`).toBe(true);
      }
      for (const section of ['**Goal.**', '**Background.**', '## Steps', '## Questions', '## Your turn', '## Answer key']) expect(sheet).toContain(section);
      // two printed pages: about 110 lines of 95 characters
      const printed = sheet.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 95)), 0);
      expect(printed).toBeLessThanOrEqual(110);
    });
  }
});
