// Colour (src/cli/io.ts): on for a terminal; NO_COLOR (set and not empty) turns it off, even
// with FORCE_COLOR; otherwise FORCE_COLOR turns it on (off for FORCE_COLOR=0 or false) whether
// or not the output is a terminal. Machine-readable output (--json, jsonl, a trace file) never
// has colour. Decided for stdout and stderr separately.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTemp, ESCAPE, ROOT, requireBundle, tempDir, vmm, vmmIn } from './helpers.js';

beforeAll(requireBundle);
afterAll(cleanTemp);

const TWO = ['run', 'guests/bare/hello.s', 'guests/bare/primes.s', '--mode', 'trap'];
const CYAN = '\x1b[36m';
const RED = '\x1b[31m';
const BOLD = '\x1b[1m';

describe('colour through the bundle (stdout and stderr are pipes)', () => {
  it('FORCE_COLOR=1: guest-name prefixes, the summary and the isa table are coloured', () => {
    const run = vmm(TWO, { env: { FORCE_COLOR: '1' } });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${CYAN}hello  | \x1b[39mhello, world`);
    expect(run.stderr).toContain(`${BOLD}hello\x1b[22m (trap): \x1b[32mhalted\x1b[39m`);
    const isa = vmm(['isa'], { env: { FORCE_COLOR: '1' } });
    expect(isa.stdout.startsWith(`${BOLD}TOY32 instruction set`)).toBe(true);
    expect(isa.stdout).toContain('\x1b[33mgetf'); // the sensitive instructions stand out
  });

  it('FORCE_COLOR=1: error messages are red', () => {
    const bad = vmm(['run', 'guests/bare/hello.s', '--mode', 'nope'], { env: { FORCE_COLOR: '1' } });
    expect(bad.status).toBe(2);
    expect(bad.stderr.startsWith(`${RED}error: --mode must be one of`)).toBe(true);
    const missing = vmm(['inspect', 'nope.bin'], { env: { FORCE_COLOR: '1' } });
    expect(missing.stderr).toBe(`${RED}vmm: nope.bin: no such file\x1b[39m\n`);
  });

  it('NO_COLOR wins over FORCE_COLOR: no escape codes anywhere', () => {
    for (const args of [TWO, ['isa'], ['run', 'guests/bare/hello.s', '--mode', 'nope'], ['trace', 'guests/bare/hello.s'], ['inspect', 'nope.bin']]) {
      const r = vmm(args, { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
      expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(ESCAPE);
    }
  });

  it('an empty NO_COLOR is ignored (as no-color.org says)', () => {
    const r = vmm(['isa'], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(r.stdout).toMatch(ESCAPE);
  });

  it('FORCE_COLOR=0 or false, or no FORCE_COLOR on a pipe: no colour', () => {
    for (const force of ['0', 'false', undefined]) {
      const r = vmm(TWO, { env: { FORCE_COLOR: force } });
      expect(r.stdout + r.stderr, String(force)).not.toMatch(ESCAPE);
    }
  });

  it('machine-readable output is never coloured, even with FORCE_COLOR=1', () => {
    const env = { FORCE_COLOR: '1' };
    const json = vmm([...TWO, '--json'], { env });
    expect(json.stdout).not.toMatch(ESCAPE);
    expect(JSON.parse(json.stdout).guests[0].console).toBe('hello, world\n');
    expect(vmm(['isa', '--json'], { env }).stdout).not.toMatch(ESCAPE);
    expect(vmm(['trace', 'guests/bare/hello.s', '--format', 'jsonl', '-q'], { env }).stdout).not.toMatch(ESCAPE);
    const file = join(tempDir(), 'trace.txt');
    const traced = vmm(['trace', 'guests/bare/hello.s', 'guests/bare/primes.s', '-o', file], { env });
    expect(readFileSync(file, 'utf8')).not.toMatch(ESCAPE);
    expect(traced.stdout).toContain(`${CYAN}hello  | `); // the console on stdout is still coloured
  });
});

describe('colour on a terminal', () => {
  // `script` (util-linux) runs the command on a pseudo-terminal.
  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

  function onTty(env: string): string {
    const r = spawnSync('script', ['-qec', `env -u FORCE_COLOR -u NO_COLOR ${env} "${process.execPath}" dist/vmm.js isa`, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    return r.stdout;
  }

  it.skipIf(!hasScript)('a TTY gets colour; NO_COLOR or FORCE_COLOR=0 turns it off', () => {
    expect(onTty('')).toMatch(ESCAPE);
    expect(onTty('NO_COLOR=1')).not.toMatch(ESCAPE);
    expect(onTty('FORCE_COLOR=0')).not.toMatch(ESCAPE);
  });
});

describe('colour in-process (memoryIo with colour on)', () => {
  it('colours the text outputs only', async () => {
    expect((await vmmIn(['isa'], { color: true })).stdout).toMatch(ESCAPE);
    expect((await vmmIn(['isa'], { color: false })).stdout).not.toMatch(ESCAPE);
    const inspect = await vmmIn(['inspect', 'nope.bin'], { color: true });
    expect(inspect.stderr).toBe(`${RED}vmm: nope.bin: no such file\x1b[39m\n`);
    const asm = await vmmIn(['run', join(tempDir(), 'x.s')], { color: true });
    expect(asm.stderr).toMatch(/x\.s:1:1: \x1b\[31merror\x1b\[39m: cannot read/);
  });
});
