// Output reaches stdout (and a trace's file) while a run goes on, not only when the 64 KiB
// buffer fills or vmm exits: a run stopped from outside (Ctrl-C, `timeout`) keeps what it
// printed up to a tenth of a second before (src/cli/output-pacer.ts).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FLUSH_MS, OutputPacer } from '../../src/cli/output-pacer.js';
import { BUNDLE, requireBundle, ROOT } from './helpers.js';

describe('OutputPacer', () => {
  it('flushes once FLUSH_MS has passed, looking at the clock every 16 slices', () => {
    let now = 0;
    let looks = 0;
    let flushes = 0;
    const pacer = new OutputPacer(
      () => flushes++,
      () => (looks++, now),
    );
    looks = 0;
    for (let i = 0; i < 15; i++) pacer.slice();
    expect(looks).toBe(0);
    pacer.slice();
    expect([looks, flushes]).toEqual([1, 0]); // (16 slices, no time passed)
    now = FLUSH_MS - 1;
    for (let i = 0; i < 16; i++) pacer.slice();
    expect(flushes).toBe(0);
    now = FLUSH_MS;
    for (let i = 0; i < 16; i++) pacer.slice();
    expect(flushes).toBe(1);
    for (let i = 0; i < 16; i++) pacer.slice();
    expect(flushes).toBe(1); // (the next one is due FLUSH_MS after this one)
    now = 2 * FLUSH_MS;
    for (let i = 0; i < 16; i++) pacer.slice();
    expect(flushes).toBe(2);
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

  it("a trace's records reach its file while the run goes on (a few: far from filling a buffer)", async () => {
    const file = join(dir, 'exits.jsonl');
    const r = await interruptWhen(['trace', guest, '--format', 'jsonl', '-o', file, '--reason', 'bt-translate', '--max-instructions', '9e15', '--no-overhead', '-q'], () => existsSync(file) && readFileSync(file, 'utf8').includes('\n'));
    expect(r.seen).toBe(true);
    const first = readFileSync(file, 'utf8').split('\n')[0]!;
    expect(JSON.parse(first)).toMatchObject({ kind: 'exit', guest: 'looper', reason: 'bt-translate' });
  }, 30_000);
});
