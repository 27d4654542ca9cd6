// vmm compare: every technique side by side (docs/compare.md). The whole suite through the
// built bundle (every guest halts under every technique, the same output twice); per-pass
// figures exact against the cost model; the mechanism each row of docs/compare.md explains
// (which exits happen, which do not); user sources with and without ITER, images of either
// build; and every bad option.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BY_MNEMONIC } from '../../src/isa/table.js';
import { makeCostModel } from '../../src/machine/costs.js';
import type { CompareRow } from '../../src/report/compare.js';
import { SUITE } from '../../src/report/compare-suite.js';
import { TECHNIQUES } from '../../src/report/compare.js';
import { cleanTemp, expectClean, expectUsageError, requireBundle, ROOT, tempDir, vmm, vmmIn } from './helpers.js';

beforeAll(requireBundle);
afterAll(cleanTemp);

async function rows(args: string[]): Promise<CompareRow[]> {
  const r = await vmmIn(['compare', ...args, '--json']);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { rows: CompareRow[] }).rows;
}

/** The row of a technique, with its figures. */
function of(all: readonly CompareRow[], technique: string, subject?: string) {
  const row = all.find((r) => r.technique === technique && (subject === undefined || r.subject === subject));
  expect(row?.perPass, `${subject ?? ''} ${technique}: ${row?.problem}`).toBeDefined();
  return { ...row!, p: row!.perPass! };
}

const costs = makeCostModel();
const cyclesOf = (...mnemonics: string[]) => mnemonics.reduce((n, m) => n + costs.opcodeCycles[BY_MNEMONIC.get(m)!.opcode]!, 0);

describe('vmm compare: the suite', () => {
  it('runs every microbenchmark under every technique, each halting, and prints the same table twice', () => {
    const first = vmm(['compare']);
    expectClean(first);
    expect(first.status).toBe(0);
    for (const entry of SUITE) expect(first.stdout).toContain(`\n${entry.name}: ${entry.operation} (per pass: `);
    for (const t of TECHNIQUES) expect(first.stdout.split('\n').filter((l) => new RegExp(`^  ${t.label} +[\\d,]+\\.\\d\\d `).test(l)).length, t.label).toBe(SUITE.length);
    expect(vmm(['compare']).stdout).toBe(first.stdout);
  });

  it('--json carries the text\'s note and each guest\'s operation', async () => {
    const r = await vmmIn(['compare', '--json']);
    const doc = JSON.parse(r.stdout) as { note: string; subjects: { name: string; operation?: string }[] };
    expect(doc.note).toBe(vmm(['compare']).stdout.split('\n')[0]);
    expect(doc.subjects).toEqual(SUITE.map((e) => ({ name: e.name, operation: e.operation })));
  });

  it('docs/compare.md holds the table vmm compare --markdown prints', async () => {
    const doc = readFileSync(join(ROOT, 'docs', 'compare.md'), 'utf8');
    const table = /<!-- compare:begin -->\n([\s\S]*?)\n<!-- compare:end -->/.exec(doc)?.[1];
    const r = await vmmIn(['compare', '--markdown']);
    expect(r.status).toBe(0);
    expect(table, 'docs/compare.md: run `vmm compare --markdown` and paste its table between the markers').toBe(r.stdout.split('\n\n')[0]);
  });

  it('per-pass figures are exact: a call and its return on bare hardware cost the cost model\'s instructions', async () => {
    const all = await rows(['guests/bench/callret.s', '--modes', 'bare']);
    const bare = of(all, 'bare');
    expect(bare.passes).toEqual([2000, 4000]);
    // call, ret (jr lr), and the pass loop's subi (addi), cmpi, bne
    expect(bare.p.instructions).toBe(5);
    expect(bare.p.cycles).toBe(cyclesOf('call', 'jr', 'addi', 'cmpi', 'bne'));
    expect(bare.overhead).toBe(1);
  });
});

describe('vmm compare: what each row of docs/compare.md says happens', () => {
  it('in: an io exit under trap --strict and hw, a callout under full, a load from the start-info page under para', async () => {
    const all = await rows(['guests/bench/in.s']);
    expect(of(all, 'trap-strict').p.exitsByReason.io).toBe(1);
    expect(of(all, 'hw').p.exitsByReason.io).toBe(1);
    // without VPID, the exit flushes the TLB: the code page is walked again
    expect(of(all, 'hw').p.tlbMisses).toBe(0);
    expect(of(all, 'hw-vpid-off').p.tlbMisses).toBe(1);
    expect(of(all, 'full').p.exitsByReason['bt-callout']).toBe(1);
    expect(of(all, 'para').p.exitsByReason.io).toBeUndefined();
    expect(of(all, 'para').p.cycles).toBeLessThan(of(all, 'bare').p.cycles);
  });

  it('syscall and divzero: no exit under hw (the CPU delivers the trap, at bare hardware\'s cost), a reflected exception under full and para', async () => {
    const all = await rows(['guests/bench/syscall.s', 'guests/bench/divzero.s', '--quantum', '1G']);
    for (const subject of ['syscall', 'divzero']) {
      expect(of(all, 'hw', subject).p.exits).toBe(0);
      // no exit, so nothing flushes the TLB even without VPID
      expect(of(all, 'hw-vpid-off', subject).p.tlbMisses).toBe(0);
      expect(of(all, 'hw', subject).p.cycles).toBe(of(all, 'bare', subject).p.cycles);
      expect(of(all, 'full', subject).p.exitsByReason.exception).toBe(1);
      expect(of(all, 'para', subject).p.exitsByReason.exception).toBe(1);
    }
  });

  it('ptemod: a traced page-table write under shadow paging, a hypercall under para, a plain store under nested paging', async () => {
    const all = await rows(['guests/bench/ptemod.s', '--quantum', '1G']);
    for (const t of ['trap-strict', 'full', 'hw-npt-off']) expect(of(all, t).p.exitsByReason['page-table-write']).toBe(1);
    expect(of(all, 'para').p.exitsByReason.hypercall).toBe(1);
    expect(of(all, 'hw').p.exits).toBe(0);
  });

  it('tlbthrash: every read misses, and a miss walks 2 references natively and under shadow paging, 8 under nested paging', async () => {
    const all = await rows(['guests/bench/tlbthrash.s', '--modes', 'bare,full,hw,hw-npt-off']);
    for (const t of ['bare', 'full', 'hw', 'hw-npt-off']) expect(of(all, t).p.tlbMisses).toBeGreaterThanOrEqual(128);
    const perMiss = (t: string) => of(all, t).p.walkReferences / of(all, t).p.tlbMisses;
    expect(perMiss('bare')).toBe(2);
    expect(perMiss('full')).toBe(2);
    expect(perMiss('hw-npt-off')).toBe(2);
    expect(perMiss('hw')).toBe(8);
  });

  it('full-inline: the syscall handler\'s mfcr cause is translated in place: one callout a pass (the rfe) where full makes two', async () => {
    const all = await rows(['guests/bench/syscall.s', '--modes', 'full,full-inline']);
    expect(of(all, 'full').p.exitsByReason['bt-callout']).toBe(2);
    expect(of(all, 'full-inline').p.exitsByReason['bt-callout']).toBe(1);
    expect(of(all, 'full-inline').p.cycles).toBeLessThan(of(all, 'full').p.cycles);
  });

  it('switch: one guest switch a pass; with VPID the two guests\' TLB entries survive it, without they are refilled', async () => {
    const all = await rows(['--modes', 'hw,hw-vpid-off,full']);
    for (const t of ['hw', 'hw-vpid-off', 'full']) expect(of(all, t, 'switch').p.notes['guest-switch']).toBe(1);
    expect(of(all, 'hw', 'switch').p.tlbMisses).toBeLessThan(4);
    expect(of(all, 'hw-vpid-off', 'switch').p.tlbMisses).toBeGreaterThan(32);
    expect(of(all, 'full', 'switch').p.tlbMisses).toBeGreaterThan(32);
  });
});

describe('vmm compare: a student\'s own guests', () => {
  it('a source without ITER is measured over its whole run; with -D ITER one of its own, per pass', async () => {
    const whole = await rows(['guests/bare/hello.s', '--modes', 'bare,full']);
    expect(of(whole, 'full').passes).toBeNull();
    expect((await vmmIn(['compare', 'guests/bare/hello.s', '--modes', 'bare'])).stdout).toMatch(/^Each guest over its whole run \(none has ITER\)/);
    expect(of(whole, 'full').p.exits).toBeGreaterThan(0);
    const r = await vmmIn(['compare', 'guests/bench/divzero.s', '-D', 'ITER=300', '--modes', 'bare']);
    expect(r.stdout).toContain('divzero (per pass: 300 and 600 passes)');
  });

  it('images run where their build does: a native image has no para row, a PARAVIRT image only that (status 1, the rows say why)', async () => {
    const dir = tempDir();
    const native = join(dir, 'in.bin');
    const paravirt = join(dir, 'in-pv.bin');
    expect((await vmmIn(['asm', 'guests/bench/in.s', '-o', native])).status).toBe(0);
    expect((await vmmIn(['asm', 'guests/bench/in.s', '-D', 'PARAVIRT', '-o', paravirt])).status).toBe(0);
    const r = await vmmIn(['compare', native, paravirt, '--modes', 'bare,para,hw']);
    expect(r.status).toBe(1);
    const [inRows, pvRows] = [r.stdout.split('\n\n')[1]!, r.stdout.split('\n\n')[2]!];
    expect(inRows).toMatch(/para\s+-.*para runs PARAVIRT builds/);
    expect(inRows).toMatch(/hw\s+[\d,]+\.\d\d/);
    expect(pvRows).toMatch(/bare\s+-.*under para only/);
    expect(pvRows).toMatch(/para\s+[\d,]+\.\d\d/);
  });

  it('a guest that does not halt under a technique has its row say so, and the status is 1', async () => {
    const r = await vmmIn(['compare', 'guests/attack/spin.s', '--modes', 'bare,hw', '--max-instructions', '5000']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\n  bare +- +- +- +- +- +spin: limit: instruction limit of 5000 reached at pc /);
    expect(r.stdout).toMatch(/\n  hw +- +- +- +- +- +spin: limit: instruction limit of 5000 reached at pc /);
  });

  it('--markdown is one table, a row per guest and technique', async () => {
    const r = await vmmIn(['compare', 'guests/bench/callret.s', 'guests/bench/in.s', '--markdown', '--modes', 'bare,hw']);
    expect(r.status).toBe(0);
    const table = r.stdout.split('\n').filter((l) => l.startsWith('|'));
    expect(table[0]).toBe('| guest | technique | cycles | vs bare | exits | TLB misses | walk refs | exits and notes by reason |');
    expect(table.length).toBe(2 + 4);
    expect(table[2]).toMatch(/^\| callret \| bare \| 6\.00 \| 1\.00 \| 0 \|/);
  });
});

describe('vmm compare: guests it cannot measure per pass', () => {
  it('a source that does not loop on ITER (ptmap counts ROUNDS) is measured over its whole run', async () => {
    const all = await rows(['guests/bench/ptmap.s', '--modes', 'bare', '-D', 'ROUNDS=2']);
    expect(of(all, 'bare').passes).toBeNull();
  });

  it('a source whose other work shrinks as ITER grows (a pass would cost less than nothing) has a row that says so (status 1)', async () => {
    // ITER passes of plain work, then 100 - ITER port reads: twice the passes, fewer exits
    const shrinks = join(tempDir(), 'shrinks.s');
    writeFileSync(shrinks, '.include "paravirt.inc"\n.ifndef ITER\n.equ ITER, 10\n.endif\nstart: li r10, ITER\n.a: addi r3, r3, 1\n addi r3, r3, 1\n addi r3, r3, 1\n addi r3, r3, 1\n addi r3, r3, 1\n addi r3, r3, 1\n subi r10, r10, 1\n cmpi r10, 0\n bne .a\n li r10, 100 - ITER\n.b: disk_sectors r1\n subi r10, r10, 1\n cmpi r10, 0\n bne .b\n halt\n');
    const r = await vmmIn(['compare', shrinks, '--modes', 'trap-strict', '--json']);
    expect(r.status).toBe(1);
    const rows = (JSON.parse(r.stdout) as { rows: CompareRow[] }).rows;
    for (const row of rows) expect(row.perPass, row.technique).toBeUndefined();
    expect(rows.find((x) => x.technique === 'trap-strict')!.problem).toMatch(/^the run with ITER=20 had fewer (cycles|exits|io exits) than the one with ITER=10, so the difference of the runs is not its passes' alone/);
  });

  it('a source that prints differently with ITER and 2 ITER, or whose ITER changes nothing it runs, has a row that says so (status 1)', async () => {
    const dir = tempDir();
    const prints = join(dir, 'prints.s');
    writeFileSync(prints, '.include "paravirt.inc"\n.ifndef ITER\n.equ ITER, 5\n.endif\nstart: movi r2, ITER\n putc r2\n halt\n');
    const same = join(dir, 'same.s');
    writeFileSync(same, '.include "paravirt.inc"\n.ifndef ITER\n.equ ITER, 5\n.endif\nstart: movi r2, 0x41\n putc r2\n halt\n');
    const r = await vmmIn(['compare', prints, same, '--modes', 'bare']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('it prints differently with ITER=5 and ITER=10');
    expect(r.stdout).toContain('ITER does not change how much it runs');
    // a guest that stops early says why: the first line it printed is in its row
    const disk = await vmmIn(['compare', 'guests/bench/diskread.s', '--modes', 'bare']);
    expect(disk.status).toBe(1);
    expect(disk.stdout).toContain('retired the same instructions; it printed "diskread: read failed with status 3 (no disk, or under 8 sectors: --disk guests/bench/diskread.txt)"');
    // (shown as a terminal shows a guest's bytes: UTF-8 decoded, control bytes escaped, no CR)
    const odd = join(dir, 'odd.s');
    writeFileSync(odd, '.include "paravirt.inc"\n.ifndef ITER\n.equ ITER, 5\n.endif\nstart: la r3, text\n.p: ldb r2, [r3]\n cmpi r2, 0\n beq .e\n putc r2\n addi r3, r3, 1\n jmp .p\n.e: halt\ntext: .asciz "caf\\xc3\\xa9 \\x1b[31mred\\r\\n"\n');
    const quoted = await vmmIn(['compare', odd, '--modes', 'bare']);
    expect(quoted.stdout).toContain('; it printed "caf\u00e9 \\x1b[31mred"\n');
    // (a long line is cut on a whole character, and not inside an escape)
    for (const [text, shown] of [['a'.repeat(98) + '\\xf0\\x9f\\x98\\x80zz', 'a'.repeat(98) + '\u{1f600}…'], ['a'.repeat(97) + '\\x1bzzzz', 'a'.repeat(97) + '…']]) {
      writeFileSync(odd, `.include "paravirt.inc"\n.ifndef ITER\n.equ ITER, 5\n.endif\nstart: la r3, text\n.p: ldb r2, [r3]\n cmpi r2, 0\n beq .e\n putc r2\n addi r3, r3, 1\n jmp .p\n.e: halt\ntext: .asciz "${text}"\n`);
      expect((await vmmIn(['compare', odd, '--modes', 'bare'])).stdout).toContain(`; it printed "${shown}"\n`);
    }
  });

  it('a source that sets ITER unconditionally is measured over its whole run', async () => {
    const fixed = join(tempDir(), 'fixed.s');
    writeFileSync(fixed, '.include "paravirt.inc"\n.equ ITER, 5\nstart: movi r2, 0x41\n putc r2\n halt\n');
    const all = await rows([fixed, '--modes', 'bare']);
    expect(of(all, 'bare').passes).toBeNull();
  });

  it('a guest that prints for ever keeps vmm within bounded memory: its row says where it stopped', async () => {
    const flood = join(tempDir(), 'flood.s');
    writeFileSync(flood, '.include "paravirt.inc"\nstart: movi r2, 0x78\nloop: putc r2\n jmp loop\n');
    const before = process.memoryUsage().rss;
    const r = await vmmIn(['compare', flood, '--modes', 'bare,full', '--max-instructions', '6M']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('flood: limit: instruction limit of 6000000 reached');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 << 20);
  });
});

describe('vmm compare: bad input', () => {
  it('what vmm run refuses, vmm compare refuses the same way (status 2), before it runs anything', async () => {
    expectUsageError(await vmmIn(['compare', 'guests/bench/syscall.s', '-D', 'PARAVIRT']), /-D PARAVIRT: vmm compare defines it itself/);
    expectUsageError(await vmmIn(['compare', '--mem', '512M']), /--mem 512M: 2 guest\(s\) under trap --strict need .* MiB of host memory/);
    expectUsageError(await vmmIn(['compare', 'guests/bench/syscall.s', '--modes', 'trap']), /no technique 'trap' \(--mode trap runs as trap-strict\)/);
    // the suite builds its guests as it is: -D and -I are for guests named
    expectUsageError(await vmmIn(['compare', '-D', 'ITER=5']), 'error: -D applies to the guests named on the command line; the suite builds its own as it is');
    expectUsageError(await vmmIn(['compare', '-I', 'guests/include']), 'error: -I applies to the guests named on the command line');
    for (const [args, message] of [
      [['guests/bench/syscall.s', '--mem', '4K'], 'does not fit in 4096 bytes of memory'],
      [['guests/bare/hello.s', '--mem', '32K'], 'cannot hold a paravirtual guest'],
      [['guests/bench/syscall.s', '-D', 'ITER=0'], 'ITER is 0; vmm compare runs ITER and 2 ITER passes, so ITER must be a whole number from 1 to 1,073,741,824'],
      // (a negative ITER is named as given, beside the 32-bit word it is)
      [['guests/bench/syscall.s', '-D', 'ITER=-1'], 'ITER is -1 (4294967295); vmm compare runs'],
    ] as const) {
      const r = await vmmIn(['compare', ...args]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
  });

  it('--disk and --input give a named guest its disk and console input, in every run of it', async () => {
    // tinyos reads its disk by DMA: a disk it has makes transfers, an empty one none
    const withDisk = await rows(['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--modes', 'bare,full,para']);
    const without = await rows(['guests/kernel/tinyos.s', '--modes', 'bare,full,para']);
    for (const t of ['full', 'para']) {
      expect(of(withDisk, t).p.notes.dma, t).toBeGreaterThan(0);
      expect(of(without, t).p.notes.dma, t).toBeUndefined();
    }
    // a guest that echoes its console input, with input and without (named, beside another)
    const dir = tempDir();
    const echo = join(dir, 'echo.s');
    writeFileSync(echo, `.include "platform.inc"
      start:  in r2, CONSOLE_STATUS
              andi r3, r2, CONSOLE_INPUT_READY
              cmpi r3, 0
              bne got
              andi r3, r2, CONSOLE_INPUT_END
              cmpi r3, 0
              beq start
              hlt
      got:    in r1, CONSOLE_DATA
              out CONSOLE_DATA, r1
              jmp start\n`);
    writeFileSync(join(dir, 'in.txt'), 'hello, compare\n');
    const fed = await rows([echo, 'guests/bare/hello.s', '--input', `echo=${join(dir, 'in.txt')}`, '--modes', 'bare,full']);
    const unfed = await rows([echo, '--modes', 'bare,full']);
    for (const t of ['bare', 'full']) expect(of(fed, t, 'echo').p.instructions, t).toBeGreaterThan(of(unfed, t, 'echo').p.instructions + 15 * 4);
    expect(of(fed, 'full', 'echo').p.exits).toBeGreaterThan(of(unfed, 'full', 'echo').p.exits + 15);
    // the suite runs its own guests as they are; --host its own microbenchmarks
    expectUsageError(await vmmIn(['compare', '--disk', 'guests/kernel/disk.txt']), 'error: --disk applies to the guests named on the command line; the suite runs its own as it is');
    expectUsageError(await vmmIn(['compare', '--input', join(dir, 'in.txt')]), 'error: --input applies to the guests named on the command line');
    expectUsageError(await vmmIn(['compare', '--host', 'hosted', '--disk', 'guests/kernel/disk.txt']), 'give no --disk');
    expectUsageError(await vmmIn(['compare', '--host', 'hosted', '-D', 'ITER=3']), 'give no -D');
    expectUsageError(await vmmIn(['compare', '--host', 'hosted', '-I', 'guests/include']), 'give no -I');
    // a --mem the host cannot hold, or the microbenchmarks cannot fit in: usage errors, not bugs
    expectUsageError(await vmmIn(['compare', '--host', 'hosted', '--mem', '1G']), '--mem 1G: the guest under hosted needs');
    expectUsageError(await vmmIn(['compare', '--host', 'bare-metal,dom0', '--modes', 'para', '--mem', '1G']), '--mem 1G: the guest and guest 0 under dom0 need');
    expectUsageError(await vmmIn(['compare', '--host', 'hosted', '--mem', '8K']), 'does not fit in 8192 bytes of memory');
    expectUsageError(await vmmIn(['compare', echo, 'guests/bare/hello.s', '--disk', 'guests/kernel/disk.txt']), 'with several guests, name one as --disk NAME=FILE (guests: echo, hello)');
    expectUsageError(await vmmIn(['compare', echo, 'guests/bare/hello.s', '--disk', 'nobody=guests/kernel/disk.txt']), "no guest named 'nobody'");
  });

  it('names the flag or the file, with status 2', async () => {
    expectUsageError(await vmmIn(['compare', '--modes', 'fulll']), /--modes: no technique 'fulll'.*did you mean 'full'/);
    expectUsageError(await vmmIn(['compare', '--modes', ',']), /--modes expects techniques/);
    expectUsageError(await vmmIn(['compare', '--json', '--markdown']), /--json and --markdown: choose one/);
    expectUsageError(await vmmIn(['compare', '--mem', 'a=1M']), /--mem NAME=SIZE/);
    expectUsageError(await vmmIn(['compare', '--tlb', '3']), /--tlb expects a power of two/);
    expectUsageError(await vmmIn(['compare', '--strict']), /unknown option '--strict'/);
    const dir = tempDir();
    const bad = join(dir, 'bad.s');
    writeFileSync(bad, 'start: frob r1\n');
    const r = await vmmIn(['compare', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:1:8: error: unknown mnemonic 'frob'`);
    expect((await vmmIn(['compare', join(dir, 'none.bin')])).status).toBe(2);
  });
});
