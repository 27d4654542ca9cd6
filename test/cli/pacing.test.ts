// Output reaches stdout (and a trace's file) while a run goes on, not only when the 64 KiB
// buffer fills or vmm exits: a run stopped from outside (Ctrl-C, `timeout`) keeps what it
// printed up to a tenth of a second before (src/cli/output-pacer.ts).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FLUSH_MS, OutputPacer } from '../../src/cli/output-pacer.js';
import { BUNDLE, requireBundle, ROOT, vmm } from './helpers.js';

describe('OutputPacer', () => {
  it('flushes once FLUSH_MS has passed, reading the clock every 16 slices or 65,536 instructions', () => {
    let now = 0;
    let looks = 0;
    let flushes = 0;
    const pacer = new OutputPacer(
      () => flushes++,
      () => (looks++, now),
    );
    looks = 0;
    let retired = 0;
    const slices = (count: number, each = 100) => {
      for (let i = 0; i < count; i++) pacer.slice((retired += each));
    };
    slices(15);
    expect(looks).toBe(0);
    slices(1);
    expect([looks, flushes]).toEqual([1, 0]); // (16 slices, no time passed)
    now = FLUSH_MS - 1;
    slices(16);
    expect(flushes).toBe(0);
    now = FLUSH_MS;
    slices(16);
    expect(flushes).toBe(1);
    slices(16);
    expect(flushes).toBe(1); // (the next one is due FLUSH_MS after this one)
    now = 2 * FLUSH_MS;
    slices(16);
    expect(flushes).toBe(2);
    // long slices (bare, or a large --quantum): the clock is read after each that ends
    // 65,536 instructions or more after the last reading
    looks = 0;
    slices(3, 1 << 20);
    expect(looks).toBe(3);
    now = 3 * FLUSH_MS;
    slices(1, 1 << 20);
    expect(flushes).toBe(3);
    // a new stage counts from 0 again: read at once
    looks = 0;
    pacer.slice(10);
    expect(looks).toBe(1);
  });
});

/** A guest that prints a line and then computes for ever. */
const LOOPER = `.include "platform.inc"
start:  la r1, msg
.p:     ldb r2, [r1]
        cmpi r2, 0
        beq .loop
        out CONSOLE_DATA, r2
        addi r1, r1, 1
        jmp .p
.loop:  addi r3, r3, 1
        jmp .loop
msg:    .asciz "started\\n"
`;

/** A guest that prints a hundred lines slowly (some 0.3 s interpreted under trap, so that
 *  output is written out several times while it runs). */
const PRINTER = `.include "platform.inc"
start:  li r5, 100
.outer: movi r4, 20
.row:   movi r2, 'x'
        out CONSOLE_DATA, r2
        addi r4, r4, -1
        cmpi r4, 0
        bne .row
        movi r2, 10
        out CONSOLE_DATA, r2
        li r6, 200000
.spin:  addi r6, r6, -1
        cmpi r6, 0
        bne .spin
        addi r5, r5, -1
        cmpi r5, 0
        bne .outer
        hlt
`;

describe('output while the run goes on', () => {
  requireBundle();
  const dir = mkdtempSync(join(tmpdir(), 'vmm-pacing-'));
  const guest = join(dir, 'looper.s');
  writeFileSync(guest, LOOPER);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Start vmm with args; resolve once `ready()` holds (checked as stdout comes and every
   *  50 ms), then interrupt it (SIGINT, as Ctrl-C) and give its stdout and status. */
  function interruptWhen(args: string[], ready: (stdout: string) => boolean): Promise<{ stdout: string; seen: boolean; signal: string | null }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [BUNDLE, ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' } });
      let stdout = '';
      let seen = false;
      const check = () => {
        if (!seen && ready(stdout)) {
          seen = true;
          child.kill('SIGINT');
        }
      };
      const timer = setInterval(check, 50);
      const giveUp = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        check();
      });
      child.on('error', reject);
      child.on('close', (_code, signal) => {
        clearInterval(timer);
        clearTimeout(giveUp);
        resolve({ stdout, seen, signal });
      });
    });
  }

  it("a guest's line reaches stdout while it runs on, and stays when the run is interrupted", async () => {
    const r = await interruptWhen(['run', guest, '--mode', 'full', '--no-overhead', '--max-instructions', '9e15'], (out) => out.includes('started\n'));
    expect(r.seen).toBe(true);
    expect(r.signal).toBe('SIGINT');
    expect(r.stdout).toBe('started\n');
  }, 30_000);

  it('a reader that goes away (`| head`) ends the run there: status 141, as SIGPIPE would, and not a word on stderr', () => {
    // (the guest never halts: without the stop it would run to the limit of 9e15)
    const spew = join(dir, 'spew.s');
    writeFileSync(spew, 'start:  movi r1, 0x41\n.l:     out 0x10, r1\n        jmp .l\n');
    const piped = (args: string) => spawnSync('bash', ['-c', `"${process.execPath}" "${BUNDLE}" ${args} --max-instructions 9e15 | head -c 10; echo " \${PIPESTATUS[0]}"`], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    for (const mode of ['bare', 'full']) {
      const r = piped(`run ${spew} --mode ${mode} -q`);
      expect(r.stdout, mode).toBe('AAAAAAAAAA 141\n');
      expect(r.stderr, mode).toBe('');
    }
    const traced = piped(`trace ${spew} --mode trap -q --format jsonl`);
    expect(traced.stdout).toBe('{"seq":1," 141\n');
    expect(traced.stderr).toBe('');
  }, 120_000);

  it('a trace to -o /dev/stdout and the console share stdout in one order, the same every run', () => {
    const printer = join(dir, 'printer.s');
    writeFileSync(printer, PRINTER);
    const runs = [1, 2, 3].map(() => vmm(['trace', printer, '--mode', 'trap', '--no-jit', '--format', 'short', '-o', '/dev/stdout', '-q', '--no-overhead']));
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
    // (each console line comes right after the record of the out of its newline: the io exit)
    const lines = runs[0]!.stdout.split('\n');
    const first = lines.indexOf('x'.repeat(20));
    expect(first).toBeGreaterThan(0);
    expect(lines[first - 1]).toMatch(/ io +\w+ out 0x10, r2$/);
    expect(lines.filter((l) => l === 'x'.repeat(20))).toHaveLength(100);
  });

  it("a trace's records reach its file while the run goes on (a few: far from filling a buffer)", async () => {
    const file = join(dir, 'exits.jsonl');
    const r = await interruptWhen(['trace', guest, '--format', 'jsonl', '-o', file, '--reason', 'bt-translate', '--max-instructions', '9e15', '--no-overhead', '-q'], () => existsSync(file) && readFileSync(file, 'utf8').includes('\n'));
    expect(r.seen).toBe(true);
    const first = readFileSync(file, 'utf8').split('\n')[0]!;
    expect(JSON.parse(first)).toMatchObject({ kind: 'exit', guest: 'looper', reason: 'bt-translate' });
  }, 30_000);
});
