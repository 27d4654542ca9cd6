// A guest's console on a terminal cannot steer the screen: every control character but
// newline and tab is shown escaped, so a guest can neither return the cursor over its name
// prefix nor print lines that pass for another guest's or for vmm's. To a pipe, a file or
// --json the bytes go as they are (docs/cli.md).

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GuestConsole } from '../../src/cli/guest-console.js';
import { visible } from '../../src/text/visible.js';
import { KEPT_CONSOLE_LIMIT } from '../../src/report/guest-report.js';
import { MemoryWriter } from '../support/io.js';
import { cleanTemp, requireBundle, ROOT, tempDir, vmm, vmmIn } from './helpers.js';

afterAll(cleanTemp);

const enc = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

describe('visible(): a line as a terminal may show it', () => {
  it('keeps printable text, newline and tab, and UTF-8', () => {
    expect(visible(enc('hello\tworld\n'))).toBe('hello\tworld\n');
    expect(visible(new Uint8Array(Buffer.from('héllo ✓ 😀\n', 'utf8')))).toBe('héllo ✓ 😀\n');
  });
  it('escapes C0 controls, DEL, C1 controls and bytes that are not UTF-8', () => {
    expect(visible(enc('\r\x1b[2Kfake | line\x07\x7f\n'))).toBe('\\x0d\\x1b[2Kfake | line\\x07\\x7f\n');
    expect(visible(enc('\xc2\x9b31m'))).toBe('\\u009b31m'); // C1 CSI, as UTF-8
    expect(visible(enc('\x9b31m\xff\xc3'))).toBe('\\x9b31m\\xff\\xc3'); // raw bytes, not UTF-8
  });
});

describe('the console on a terminal, and elsewhere', () => {
  it('GuestConsole escapes only when its output is a terminal, and keeps the raw bytes for --json', () => {
    for (const terminal of [true, false]) {
      const out = new MemoryWriter();
      const c = new GuestConsole(out, 'g | ', terminal);
      for (const b of enc('a\rb\x1bc\n')) c.putByte(b);
      c.finish();
      expect(out.text()).toBe(terminal ? 'g | a\\x0db\\x1bc\n' : 'g | a\rb\x1bc\n');
      expect(c.text()).toBe('a\rb\x1bc\n');
    }
  });

  it('a line longer than 64 KiB is written in pieces, each its own line with the prefix when prefixed, so no other guest\'s line joins it', () => {
    const long = 'x'.repeat((1 << 16) + 5);
    const exact = 'x'.repeat(1 << 16); // (its newline ends it: no empty piece)
    for (const [prefix, line, expected] of [
      ['g | ', long, `g | ${'x'.repeat(1 << 16)}\ng | xxxxx\n`],
      ['g | ', exact, `g | ${exact}\n`],
      ['', long, `${long}\n`], // (to a pipe or a file, unprefixed: the bytes as they are)
    ] as const) {
      const out = new MemoryWriter();
      const c = new GuestConsole(out, prefix, false);
      for (const b of enc(`${line}\n`)) c.putByte(b);
      c.finish();
      expect(out.text()).toBe(expected);
      expect(c.text()).toBe(`${line}\n`); // (--json: the bytes)
    }
  });

  it('keeps at most KEPT_CONSOLE_LIMIT bytes for --json (a bound: the rest still streams)', () => {
    const out = new MemoryWriter();
    const c = new GuestConsole(out);
    const line = enc(`${'x'.repeat(1023)}\n`);
    const lines = KEPT_CONSOLE_LIMIT / 1024 + 10;
    for (let i = 0; i < lines; i++) for (const b of line) c.putByte(b);
    c.finish();
    expect(out.text().length).toBe(lines * 1024);
    const kept = c.text();
    expect(kept.length).toBeLessThanOrEqual(KEPT_CONSOLE_LIMIT + 100);
    expect(kept.endsWith(`[vmm: console output beyond ${KEPT_CONSOLE_LIMIT} bytes not kept]`)).toBe(true);
  });

  it('cuts the kept text between UTF-8 characters, never inside one', () => {
    for (const shift of [0, 1, 2, 3]) {
      const c = new GuestConsole(undefined);
      for (let i = 0; i < shift; i++) c.putByte(0x78);
      const euro = new Uint8Array(Buffer.from('\u20ac', 'utf8'));
      for (let i = 0; i < (KEPT_CONSOLE_LIMIT >> 1); i++) for (const b of euro) c.putByte(b);
      c.finish();
      const kept = c.kept().bytes.length;
      expect(kept, `shift ${shift}`).toBeLessThanOrEqual(KEPT_CONSOLE_LIMIT);
      expect(kept, `shift ${shift}`).toBeGreaterThan(KEPT_CONSOLE_LIMIT - 3);
      expect((kept - shift) % 3, `shift ${shift}`).toBe(0);
      expect(c.text()).not.toContain('\ufffd');
    }
  });

  it('keeps exactly the first KEPT_CONSOLE_LIMIT bytes, the line cut there included, then the note on a line of its own', () => {
    for (const length of [100, 4096]) {
      const c = new GuestConsole(undefined);
      const line = enc(`${'x'.repeat(length - 1)}\n`);
      const printed = KEPT_CONSOLE_LIMIT + 96;
      for (let i = 0; i < printed; i++) c.putByte(line[i % length]!);
      c.finish();
      const all = Array.from({ length: printed }, (_, i) => String.fromCharCode(line[i % length]!)).join('');
      const first = all.slice(0, KEPT_CONSOLE_LIMIT);
      expect(c.kept().bytes.length, `lines of ${length}`).toBe(KEPT_CONSOLE_LIMIT);
      expect(c.text(), `lines of ${length}`).toBe(`${first}${first.endsWith('\n') ? '' : '\n'}[vmm: console output beyond ${KEPT_CONSOLE_LIMIT} bytes not kept]`);
    }
  });

  const SPOOF = [
    '.include "../../guests/include/platform.inc"',
    'start:  la r1, text',
    '.next:  ldb r2, [r1]',
    '        cmpi r2, 0',
    '        beq .done',
    '        out CONSOLE_DATA, r2',
    '        addi r1, r1, 1',
    '        jmp .next',
    '.done:  hlt',
    'text:   .byte 13, 27, 0x5b, 0x32, 0x4b',
    '        .asciz "other | I am another guest\\n"',
  ].join('\n');

  it('a last line without a newline gets one on a terminal (the summary starts on its own line), not in a pipe', async () => {
    const src = join(tempDir(), 'nonl.s');
    writeFileSync(src, '.include "platform.inc"\nstart: movi r1, 0x41\n        out CONSOLE_DATA, r1\n        hlt\n'.replace('platform.inc', join(ROOT, 'guests', 'include', 'platform.inc')));
    const onTerminal = await vmmIn(['run', src, '--mode', 'bare'], { io: { outTerminal: true } });
    expect(onTerminal.stdout).toBe('A\n');
    expect((await vmmIn(['run', src, '--mode', 'bare'])).stdout).toBe('A');
    expect(JSON.parse((await vmmIn(['run', src, '--json'], { io: { outTerminal: true } })).stdout).guests[0].console).toBe('A');
  });

  it('vmm run: escaped on a terminal, raw to a pipe and in --json', async () => {
    const src = join(tempDir(), 'spoof.s');
    writeFileSync(src, SPOOF.replace('../../guests/include', join(ROOT, 'guests', 'include')));
    const onTerminal = await vmmIn(['run', src, '--mode', 'bare', '-q'], { io: { outTerminal: true } });
    expect(onTerminal.stdout).toBe('\\x0d\\x1b[2Kother | I am another guest\n');
    const piped = await vmmIn(['run', src, '--mode', 'full', '-q']);
    expect(piped.stdout).toBe('\r\x1b[2Kother | I am another guest\n');
    const json = await vmmIn(['run', src, '--json'], { io: { outTerminal: true } });
    expect(JSON.parse(json.stdout).guests[0].console).toBe('\r\x1b[2Kother | I am another guest\n');
  });

  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;
  it.skipIf(!hasScript)('through the bundle on a real pseudo-terminal', () => {
    requireBundle();
    const src = join(tempDir(), 'spoof-tty.s');
    writeFileSync(src, SPOOF.replace('../../guests/include', join(ROOT, 'guests', 'include')));
    const r = spawnSync('script', ['-qec', `env NO_COLOR=1 "${process.execPath}" dist/vmm.js run ${src} -q`, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout).toContain('\\x0d\\x1b[2Kother | I am another guest');
    expect(vmm(['run', src, '-q']).stdout).toBe('\r\x1b[2Kother | I am another guest\n');
  });
});
