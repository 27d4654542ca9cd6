// vmm run: guests bare, under trap-and-emulate and under full virtualization; exact console
// output, the summary and --json report, how a failing guest ends (status 1 with its reason),
// and every bad option (status 2 naming the flag).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/report/guest-report.js';
import { cleanTemp, expectClean, expectedOf, expectUsageError, FIXTURES, requireBundle, ROOT, tempDir, vmm, vmmIn, type Result } from './helpers.js';
import { buildFor, MODES, RUN_MODES, modeNamed } from '../../src/vmm/modes/index.js';
import { writeImage } from '../../src/image/format.js';
import { readAs } from '../../src/cli/files.js';

/** The ways to run native images (the tests' own small programs are native: para runs the
 *  PARAVIRT build of a guest, and has tests of its own below). */
const NATIVE_RUN_MODES = RUN_MODES.filter((m) => buildFor(m) === 'native');
/** The VMM's modes that run native images, by name (from the registry). */
const VMM_MODES = MODES.filter((m) => m.build === 'native').map((m) => m.name);
/** The ways to run that follow every guest exactly (not a mode that says it cannot, nor one
 *  that runs another build). */
const EXACT_MODES = NATIVE_RUN_MODES.filter((m) => !modeNamed(m)?.equivalence.exactUnless);
/** How a guest that halts says so: hlt with interrupts off, or (para) the shutdown hypercall. */
const HALTED = (mode: string) => (buildFor(mode) === 'paravirt' ? 'finished normally (shut down: poweroff)' : 'finished normally (hlt with interrupts off)');

beforeAll(requireBundle);
afterAll(cleanTemp);

const HELLO = 'guests/bare/hello.s';
const PRIMES = 'guests/bare/primes.s';
const TINYOS = 'guests/kernel/tinyos.s';
const DISK = 'guests/kernel/disk.txt';
const hello = expectedOf('guests/bare/hello.expected');
const primes = expectedOf('guests/bare/primes.expected');
const tinyos = expectedOf('guests/kernel/tinyos.expected');

/** `vmm run ... --json`: the document is the run's report. */
async function json(args: string[]): Promise<{ r: Result; doc: RunReport }> {
  const r = await vmmIn(['run', ...args, '--json']);
  return { r, doc: JSON.parse(r.stdout) };
}

describe('vmm run: the guests in every mode', () => {
  for (const mode of RUN_MODES) {
    it(`hello and primes --mode ${mode}: exact console output, exit 0`, async () => {
      for (const [path, expected] of [
        [HELLO, hello],
        [PRIMES, primes],
      ] as const) {
        const r = await vmmIn(['run', path, '--mode', mode]);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toBe(expected);
        const name = path.includes('hello') ? 'hello' : 'primes';
        expect(r.stderr).toMatch(new RegExp(`^${name} \\(${mode}\\): halted: ${HALTED(mode).replace(/[()]/g, '\\$&')} at pc 0x[0-9a-f]{8}$`, 'm'));
      }
      if (buildFor(mode) === 'paravirt') return; // (its image is another: other pcs)
      // The pc is that of the hlt the guest halted on (hello.s:18), not the one after it.
      expect((await vmmIn(['run', HELLO, '--mode', mode])).stderr.split('\n')[0]).toBe(`hello (${mode}): halted: finished normally (hlt with interrupts off) at pc 0x00000020`);
      const { doc } = await json([HELLO, '--mode', mode]);
      expect(doc.guests[0]).toMatchObject({ status: 'halted', reason: 'finished normally (hlt with interrupts off)', pc: 0x20 });
    });
  }

  it('cpuid gives the machine id ("TOY1") in every mode, with and without --strict', async () => {
    // Under trap-and-emulate the deprivileged kernel runs cpuid natively: it must still see the id.
    const src = join(tempDir(), 'cpuid.s');
    // (written with paravirt.inc's ops, so the same source is a PARAVIRT guest for para)
    writeFileSync(src, '.include "paravirt.inc"\nstart:\n        cpuid   r1\n        movi    r3, 4\n.next:\n        putc    r1\n        shri    r1, r1, 8\n        addi    r3, r3, -1\n        cmpi    r3, 0\n        bne     .next\n        movi    r1, 10\n        putc    r1\n        halt\n.include "paravirt.s"\n');
    for (const mode of RUN_MODES) {
      for (const strict of [[], ['--strict']]) {
        expect(await vmmIn(['run', src, '--mode', mode, '-q', ...strict]), `${mode} ${strict.join('')}`).toEqual({ status: 0, stdout: 'TOY1\n', stderr: '' });
      }
    }
  });

  it('tinyos --mode bare and --mode full with --disk FILE: exact output, exit 0', async () => {
    for (const mode of EXACT_MODES) {
      const r = await vmmIn(['run', TINYOS, '--mode', mode, '--disk', DISK]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(tinyos);
      expect(r.stderr).toContain(`tinyos (${mode}): halted`);
    }
  });

  it('tinyos with --disk NAME=FILE, and with no disk', async () => {
    const named = await vmmIn(['run', TINYOS, '--mode', 'full', '--disk', `tinyos=${DISK}`, '-q']);
    expect(named).toEqual({ status: 0, stdout: tinyos, stderr: '' });
    const none = await vmmIn(['run', TINYOS, '--mode', 'bare', '-q']);
    expect(none.stdout).toBe(expectedOf('guests/kernel/tinyos.nodisk.expected'));
  });

  it('tinyos --mode trap: exit 1, killed, and the reason names the setf that went wrong', async () => {
    const r = await vmmIn(['run', TINYOS, '--mode', 'trap', '--disk', DISK]);
    expect(r.status).toBe(1);
    expectClean(r);
    expect(r.stdout).toBe('tinyos: booting\ntinyos: paging on\n');
    expect(r.stderr).toMatch(/^tinyos \(trap\): killed: cannot make progress: hlt with virtual interrupts disabled, because setf at pc 0x[0-9a-f]{8} \(setf r\d+, guests\/kernel\/tinyos\.s:\d+\) ran deprivileged without an exit: it asked for IE=1 and the virtual IE stayed 0$/m);
    // The reason names a pc already: no second "at pc ..." after it.
    expect(r.stderr.split('\n')[0]!.match(/ pc 0x/g)).toHaveLength(1);
    expect(r.stderr).toMatch(/^ {2}notes {8}sensitive-unprivileged \d+  dma 1$/m); // the disk read started, never finished
  });

  it('tinyos --mode trap --strict runs correctly (the classically virtualizable machine)', async () => {
    const r = await vmmIn(['run', TINYOS, '--mode', 'trap', '--strict', '--disk', DISK]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(tinyos);
    expect(r.stderr).not.toContain('sensitive-unprivileged');
  });

  it('the kread attack: the kernel kills the task, the guest halts, exit 0', async () => {
    const r = await vmmIn(['run', 'guests/attack/kread.s', '--mode', 'full', '-q']);
    expect(r).toEqual({ status: 0, stdout: expectedOf('guests/attack/kread.expected'), stderr: '' });
  });

  it('two guests: every console line prefixed with its guest name, both summaries on stderr', () => {
    const r = vmm(['run', TINYOS, PRIMES, '--mode', 'full', '--disk', `tinyos=${DISK}`]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.every((l) => /^(tinyos|primes) \| /.test(l))).toBe(true);
    expect(lines.filter((l) => l.startsWith('primes | ')).map((l) => l.slice(9) + '\n').join('')).toBe(primes);
    expect(lines.filter((l) => l.startsWith('tinyos | ')).map((l) => l.slice(9) + '\n').join('')).toBe(tinyos);
    expect(r.stderr).toMatch(/^tinyos \(full\): halted/m);
    expect(r.stderr).toMatch(/^primes \(full\): halted/m);
  });

  it('the same image twice: the guests are named hello and hello-2', async () => {
    const r = await vmmIn(['run', HELLO, HELLO, '-q']);
    expect(r.stdout).toBe('hello   | hello, world\nhello-2 | hello, world\n');
  });

  it('a .bin image runs like its source', async () => {
    const image = join(tempDir(), 'primes.bin');
    expect((await vmmIn(['asm', PRIMES, '-o', image])).status).toBe(0);
    const r = await vmmIn(['run', image, '--mode', 'bare']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(primes);
    expect(r.stderr).toMatch(/^primes \(bare\): halted/m);
  });

  it('is deterministic: the same inputs give the same report', async () => {
    const a = await json([TINYOS, PRIMES, '--disk', `tinyos=${DISK}`, '--quantum', '777']);
    const b = await json([TINYOS, PRIMES, '--disk', `tinyos=${DISK}`, '--quantum', '777']);
    expect(a.r.stdout).toBe(b.r.stdout);
  });

  it('--no-jit, --tlb-tagged, --tlb 1, --mem 64K and --quantum 1 change figures, never console output', async () => {
    for (const extra of [['--no-jit'], ['--tlb-tagged'], ['--tlb', '1'], ['--mem', '64K'], ['--quantum', '1'], ['--tlb', '4096', '--mem', '16M']]) {
      const r = await vmmIn(['run', HELLO, PRIMES, '-q', ...extra]);
      expect(r.status, extra.join(' ')).toBe(0);
      expect(r.stdout).toBe(`hello  | ${hello}primes | ${primes}`);
    }
  });
});

describe('vmm run: stdout and stderr', () => {
  it('guest output on stdout, the summary on stderr', () => {
    const r = vmm(['run', HELLO, '--mode', 'trap']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(hello);
    const summary = r.stderr.split('\n');
    expect(summary[0]).toBe('hello (trap): halted: finished normally (hlt with interrupts off) at pc 0x00000020');
    expect(summary[1]).toMatch(/^ {2}instructions {13}84 {4}cycles +[\d,]+ {4}overhead \d+\.\d\dx bare$/);
    expect(summary[2]).toMatch(/^ {2}tlb {10}hits \d+ {2}misses \d+ {2}flushes \d+ {2}invalidations \d+ {2}walk references \d+ {2}walk writes \d+$/);
    expect(summary[3]).toMatch(/^ {2}vmm tlb {6}flushes \d+ {2}invalidations \d+$/);
    expect(summary[4]).toBe('  traps        none');
    expect(summary[5]).toMatch(/^ {2}exits {8}io 13 {2}hidden-page-fault 1 {2}hlt 1$/);
  });

  it('-q leaves stderr empty; --no-overhead drops the comparison against bare, and says so', async () => {
    expect(await vmmIn(['run', HELLO, '-q'])).toEqual({ status: 0, stdout: hello, stderr: '' });
    const r = await vmmIn(['run', HELLO, '--no-overhead']);
    expect(r.stderr).toContain('    overhead n/a: not measured (--no-overhead)\n');
    expect((await vmmIn(['run', HELLO])).stderr).toMatch(/overhead \d+\.\d\dx bare/);
  });

  it('where the overhead is missing, the summary and --json say why', async () => {
    const limited = await vmmIn(['run', HELLO, '--max-instructions', '10']);
    expect(limited.stderr).toContain('    overhead n/a: the guest did not halt normally (limit)\n');
    const json = JSON.parse((await vmmIn(['run', HELLO, '--max-instructions', '10', '--json'])).stdout) as RunReport;
    expect(json.guests[0]!.overhead).toBeUndefined();
    expect(json.guests[0]!.overheadMissing).toBe('the guest did not halt normally (limit)');
    const measured = JSON.parse((await vmmIn(['run', HELLO, '--json'])).stdout) as RunReport;
    expect(measured.guests[0]!.overhead).toBe(Number(measured.guests[0]!.overhead!.toFixed(2))); // as the summary shows it
    expect(measured.guests[0]!.overheadMissing).toBeUndefined();
  });

  it('a cost model that makes the bare run free: no cycles to divide by, in the words cli.md quotes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'h.s'), 'hlt\n');
    writeFileSync(join(dir, 'free.json'), JSON.stringify({ instructions: { hlt: 0 } }));
    const r = JSON.parse((await vmmIn(['run', join(dir, 'h.s'), '--mode', 'trap', '--cost-model', join(dir, 'free.json'), '--json'])).stdout) as RunReport;
    expect(r.guests[0]!.overheadMissing).toBe('no cycles on bare hardware');
    const cliDoc = readFileSync('docs/cli.md', 'utf8').replace(/\s+/g, ' ');
    for (const reason of ['no cycles on bare hardware', 'on bare hardware the guest did not halt normally (faulted)', 'the guest did not halt normally (limit)']) expect(cliDoc).toContain(`\`${reason}\``);
  });

  it('the bare summary has no exits line', async () => {
    const r = await vmmIn(['run', HELLO, '--mode', 'bare']);
    expect(r.stderr.split('\n')).toEqual([
      'hello (bare): halted: finished normally (hlt with interrupts off) at pc 0x00000020',
      '  instructions             84    cycles              215    overhead n/a: bare hardware is the reference',
      '  tlb          hits 0  misses 0  flushes 0  invalidations 0  walk references 0  walk writes 0',
      '  traps        none',
      '',
    ]);
  });
});

describe('vmm run --stats', () => {
  it('prints the summary even with --json (stdout keeps the document) or -q', async () => {
    const json = await vmmIn(['run', HELLO, '--mode', 'bare', '--json', '--stats']);
    expect(JSON.parse(json.stdout).guests[0].status).toBe('halted');
    expect(json.stderr).toMatch(/^hello \(bare\): halted/);
    const quiet = await vmmIn(['run', HELLO, '--mode', 'bare', '-q', '--stats']);
    expect(quiet.stderr).toMatch(/instructions +84/);
    expect((await vmmIn(['run', HELLO, '--mode', 'bare', '--json'])).stderr).toBe('');
  });
});

describe('vmm run --json', () => {
  it('one document {mode, translation (full), guests:[{name,status,reason,console,instructions,cycles,ticks,tlb,traps,exits}]}', async () => {
    const { r, doc } = await json([HELLO, PRIMES, '--mode', 'full']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(Object.keys(doc)).toEqual(['mode', 'translation', 'guests']);
    expect(doc.mode).toBe('full');
    expect(doc.guests.map((g) => g.name)).toEqual(['hello', 'primes']);
    for (const g of doc.guests) {
      expect(Object.keys(g)).toEqual(expect.arrayContaining(['name', 'status', 'reason', 'pc', 'console', 'instructions', 'cycles', 'ticks', 'tlb', 'traps', 'exits']));
      expect(g.status).toBe('halted');
      expect(g.reason).toBe('finished normally (hlt with interrupts off)');
      expect(Object.keys(g.tlb)).toEqual(['lookups', 'hits', 'misses', 'flushes', 'invalidations', 'walkReferences', 'walkWrites', 'vmmFlushes', 'vmmInvalidations']);
      expect(g.instructions).toBeGreaterThan(0);
      expect(g.cycles).toBeGreaterThan(g.instructions);
      expect(g.overhead).toBeGreaterThan(1);
    }
    expect(doc.guests[0]!.console).toBe(hello);
    expect(doc.guests[1]!.console).toBe(primes);
    expect(doc.guests[0]!.exits).toMatchObject({ 'bt-callout': 14 });
  });

  // A guest that stops in the upper half of the address space: "pc" is 0xfffffff8, not -8.
  it('pc is unsigned in the --json document, like the summary and the trace', async () => {
    const src = join(tempDir(), 'high.s');
    writeFileSync(src, 'start:\n        jmp 0xfffffff8\n');
    for (const mode of NATIVE_RUN_MODES) {
      const { r, doc } = await json([src, '--mode', mode, '--no-overhead']);
      expect(r.status).toBe(1);
      expect(doc.guests[0]!.reason).toContain('at pc 0xfffffff8');
      expect(doc.guests[0]!.pc, mode).toBe(0xfffffff8);
    }
  });

  it('bare mode has no exits; the console is not also printed', async () => {
    const { r, doc } = await json([HELLO, '--mode', 'bare']);
    expect(r.stdout.startsWith('{')).toBe(true);
    expect(doc.mode).toBe('bare');
    const g = doc.guests[0]!;
    expect(g).toMatchObject({ name: 'hello', status: 'halted', console: hello, instructions: 84, cycles: 215, ticks: 84, traps: {} });
    expect(g.exits).toBeUndefined();
  });

  it('a failed guest: status and reason in the document, exit 1', async () => {
    const { r, doc } = await json([TINYOS, '--mode', 'trap', '--disk', DISK]);
    expect(r.status).toBe(1);
    expect(doc.guests[0]).toMatchObject({ name: 'tinyos', status: 'killed' });
    expect(doc.guests[0]!.reason).toContain('setf');
    expect(doc.guests[0]!.notes).toMatchObject({ 'sensitive-unprivileged': expect.any(Number) });
  });
});

describe('vmm run: how a guest fails (exit 1, with the reason)', () => {
  it('a program that runs off the end of its code is told so, in every mode', async () => {
    const src = join(tempDir(), 'off.s');
    writeFileSync(src, 'start:  movi r1, 1\n        addi r1, r1, 1\n');
    for (const mode of NATIVE_RUN_MODES) {
      const r = await vmmIn(['run', src, '--mode', mode, '--no-overhead']);
      expect(r.status).toBe(1);
      expect(r.stderr, mode).toContain(`off (${mode}): faulted: unhandled illegal trap at pc 0x00000008 (.word 0x00000000, just past the end of its code: the program ran off its end; end it with hlt)`);
    }
    // a zero word inside the image, or reached by a jump, is not "past the end"
    writeFileSync(src, 'start:  jmp data\ndata:   .word 0\n');
    expect((await vmmIn(['run', src, '--mode', 'bare'])).stderr).not.toContain('past the end');
    writeFileSync(src, 'start:  jmp 0x800\n        hlt\n');
    expect((await vmmIn(['run', src, '--mode', 'bare'])).stderr).not.toContain('past the end');
  });

  it('at the instruction limit the reason says where the guest was, and names an interrupt storm, alike in every mode', async () => {
    const reasons = new Set<string>();
    for (const mode of NATIVE_RUN_MODES) {
      const { doc } = await json(['guests/attack/storm.s', '--mode', mode, '--max-instructions', '50k', '--no-overhead']);
      reasons.add(doc.guests[0]!.reason);
    }
    expect([...reasons]).toEqual([expect.stringMatching(/^instruction limit of 50000 reached at pc 0x[0-9a-f]{8} \(.*, guests\/attack\/storm\.s:\d+\); an interrupt storm: irq0 taken [\d,]+ times, once every \d+ instructions$/)]);
  });

  it('--max-instructions reached: limit', async () => {
    for (const mode of NATIVE_RUN_MODES) {
      const r = await vmmIn(['run', `${FIXTURES}/spin.s`, '--mode', mode, '--max-instructions', '5000']);
      expect(r.status).toBe(1);
      expectClean(r);
      expect(r.stderr).toMatch(new RegExp(`^spin \\(${mode}\\): limit: instruction limit of 5000 reached at pc 0x[0-9a-f]{8} \\(\\w.*, test/cli/fixtures/spin\\.s:\\d+\\); looping: the jmp at pc 0x00000004 \\(test/cli/fixtures/spin\\.s:5\\) jumps back to pc 0x00000000 \\(test/cli/fixtures/spin\\.s:4\\)$`, 'm'));
      const { doc } = await json([`${FIXTURES}/spin.s`, '--mode', mode, '--max-instructions', '5_000']);
      expect(doc.guests[0]).toMatchObject({ status: 'limit', reason: expect.stringMatching(/^instruction limit of 5000 reached at pc /), instructions: 5000 });
      expect(doc.guests[0]!.reason).not.toContain('storm');
    }
  });

  it('a limit stops a guest that is printing, mid-line', () => {
    const r = vmm(['run', HELLO, '--mode', 'bare', '--max-instructions', '20']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('hel');
    expect(r.stderr).toMatch(/^hello \(bare\): limit: instruction limit of 20 reached/);
  });

  it('a trap with no handler: faulted, naming the instruction and its source line in every mode', async () => {
    for (const mode of NATIVE_RUN_MODES) {
      const r = await vmmIn(['run', `${FIXTURES}/divzero.s`, '--mode', mode]);
      expect(r.status).toBe(1);
      expectClean(r);
      // The reason names the pc, so the summary adds no "at pc ..." after it.
      expect(r.stderr.split('\n')[0]).toBe(`divzero (${mode}): faulted: unhandled divide trap at pc 0x00000004 (div r2, r1, r1, ${FIXTURES}/divzero.s:6): no trap handler (tvec = 0)`);
      const { doc } = await json([`${FIXTURES}/divzero.s`, '--mode', mode]);
      expect(doc.guests[0]).toMatchObject({ status: 'faulted', pc: 4 });
    }
  });

  it('sys, brk and hcall with no handler name the instruction that trapped, not the one after it', async () => {
    const dir = tempDir();
    for (const insn of ['sys', 'brk', 'hcall']) {
      const src = join(dir, `${insn}.s`);
      writeFileSync(src, `start:\n        movi    r1, 1\n        ${insn}\n        hlt\n`);
      const cause = { sys: 'syscall', brk: 'breakpoint', hcall: 'hypercall' }[insn];
      for (const mode of NATIVE_RUN_MODES) {
        const r = await vmmIn(['run', src, '--mode', mode, '--no-overhead']);
        expect(r.status, `${insn} ${mode}: ${r.stderr}`).toBe(1);
        expect(r.stderr.split('\n').filter((l) => !l.startsWith('vmm: warning:'))[0]).toBe(`${insn} (${mode}): faulted: unhandled ${cause} trap at pc 0x00000004 (${insn}, ${src}:3): no trap handler (tvec = 0)`);
      }
    }
  });

  it('one guest failing fails the run, the others still run to the end', async () => {
    const r = await vmmIn(['run', `${FIXTURES}/divzero.s`, HELLO]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('hello   | hello, world\n');
    expect(r.stderr).toMatch(/^divzero \(full\): faulted/m);
    expect(r.stderr).toMatch(/^hello \(full\): halted/m);
  });
});

describe('vmm run: console input and disks', () => {
  it('--input FILE feeds the guest console', async () => {
    const input = join(tempDir(), 'in.txt');
    writeFileSync(input, 'one\ntwo\n');
    for (const mode of NATIVE_RUN_MODES) {
      const r = await vmmIn(['run', `${FIXTURES}/echo.s`, '--mode', mode, '--input', input, '-q']);
      expect(r).toEqual({ status: 0, stdout: '> one\n> two\n', stderr: '' });
    }
  });

  it('--input - reads stdin (a shell pipe)', () => {
    const r = spawnSync('sh', ['-c', `printf 'from stdin\\n' | "${process.execPath}" dist/vmm.js run ${FIXTURES}/echo.s --mode bare --input - -q`], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '> from stdin\n', stderr: '' });
  });

  // Node's child_process gives a child a socket as stdin (so does any Node-based test runner
  // or lab harness): it cannot be opened as /dev/stdin, but reading fd 0 works.
  it('--input - reads stdin when stdin is a socket', () => {
    const r = vmm(['run', `${FIXTURES}/echo.s`, '--mode', 'bare', '--input', '-', '-q'], { input: 'from stdin\n' });
    expect(r).toEqual({ status: 0, stdout: '> from stdin\n', stderr: '' });
  });

  it('--input - feeds one guest: a second guest asking for stdin is a usage error', () => {
    const r = vmm(['run', `${FIXTURES}/echo.s`, HELLO, '--input', 'echo=-', '--input', 'hello=-', '-q'], { input: 'from stdin\n' });
    expectUsageError(r, 'error: --input hello=-: standard input feeds one guest only, and echo reads it already');
  });

  it('--input - reads stdin when stdin is a file', () => {
    const input = join(tempDir(), 'in.txt');
    writeFileSync(input, 'from a file\n');
    const r = spawnSync('sh', ['-c', `"${process.execPath}" dist/vmm.js run ${FIXTURES}/echo.s --mode trap --input - -q < "${input}"`], { cwd: ROOT, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: '> from a file\n', stderr: '' });
  });

  it('--input NAME=FILE with several guests', async () => {
    const input = join(tempDir(), 'in.txt');
    writeFileSync(input, 'x\n');
    const r = await vmmIn(['run', `${FIXTURES}/echo.s`, HELLO, '--input', `echo=${input}`, '-q']);
    expect(r.stdout).toBe('echo  | > x\nhello | hello, world\n');
  });

  it('--disk with several guests needs NAME=FILE: exit 2 listing the guests', async () => {
    const r = await vmmIn(['run', TINYOS, PRIMES, '--disk', DISK]);
    expectUsageError(r, `error: --disk ${DISK}: with several guests, name one as --disk NAME=FILE (guests: tinyos, primes)`);
    expect(r.stdout).toBe('');
    expectUsageError(await vmmIn(['run', TINYOS, PRIMES, '--input', DISK]), '--input NAME=FILE');
  });

  it('--disk or --input NAME=FILE naming no guest: exit 2 listing the guests', async () => {
    const r = await vmmIn(['run', TINYOS, PRIMES, '--disk', `tinyoz=${DISK}`]);
    expectUsageError(r, `error: --disk tinyoz=${DISK}: no guest named 'tinyoz' (guests: tinyos, primes)`);
    expect(r.stdout).toBe('');
    expectUsageError(await vmmIn(['run', TINYOS, PRIMES, '--input', 'hello=in.txt']), "error: --input hello=in.txt: no guest named 'hello' (guests: tinyos, primes)");
  });

  it('one --disk and one --input a guest: a second one is an error, as is a NAME= with no file', async () => {
    expectUsageError(await vmmIn(['run', TINYOS, '--disk', DISK, '--disk', `tinyos=${DISK}`]), `error: --disk tinyos=${DISK}: guest 'tinyos' has --disk ${DISK} already (one file a guest)`);
    expectUsageError(await vmmIn(['run', HELLO, PRIMES, '--input', `hello=${DISK}`, '--input', `hello=${DISK}`]), `guest 'hello' has --input hello=${DISK} already`);
    expectUsageError(await vmmIn(['run', TINYOS, PRIMES, '--disk', 'tinyos=']), 'error: --disk tinyos=: no file named');
  });

  it.runIf(existsSync('/dev/zero'))('an endless --disk or --input (/dev/zero, or standard input) is an error, not a hang', () => {
    expectUsageError(vmm(['run', HELLO, '--disk', '/dev/zero']), 'vmm: /dev/zero: not a regular file (a character device)');
    expectUsageError(vmm(['run', HELLO, '--input', '/dev/zero']), 'vmm: /dev/zero: not a regular file (a character device)');
    const r = spawnSync('sh', ['-c', `head -c 70000000 /dev/zero | "${process.execPath}" dist/vmm.js run ${HELLO} --input -`], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vmm: standard input: larger than 64 MiB, the most vmm reads from one file\n');
  });

  it('a FIFO with no writer, given where a file is needed, is refused at once (it would block open for ever)', () => {
    const fifo = join(tempDir(), 'fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    const src = join(tempDir(), 'inc.s');
    writeFileSync(src, `.include "${fifo}"\nstart: hlt\n`);
    for (const args of [['run', fifo], ['run', HELLO, '--disk', fifo], ['run', HELLO, '--input', fifo], ['run', HELLO, '--cost-model', fifo], ['inspect', fifo], ['disasm', fifo], ['asm', fifo], ['asm', src]]) {
      const r = spawnSync(process.execPath, ['dist/vmm.js', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 5000 });
      expect(r.error, `${args.join(' ')}: no hang`).toBeUndefined();
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toContain(fifo);
      expect(r.stderr, args.join(' ')).toContain('not a regular file (a pipe or FIFO)');
    }
  });

  it('a guest name keeps only letters, digits, _ . and -, so every guest can be named', async () => {
    const dir = tempDir();
    const odd = join(dir, 'a=b,c d.bin');
    expect((await vmmIn(['asm', `${FIXTURES}/echo.s`, '-o', odd])).status).toBe(0);
    const input = join(dir, 'in.txt');
    writeFileSync(input, 'x\n');
    const r = await vmmIn(['run', odd, HELLO, '--input', `a_b_c_d=${input}`, '-q']);
    expect(r.stdout).toBe('a_b_c_d | > x\nhello   | hello, world\n');
  });

  it('a missing --disk or --input file: exit 2', async () => {
    expectUsageError(await vmmIn(['run', TINYOS, '--disk', 'nope.img']), 'vmm: nope.img: no such file');
    expectUsageError(await vmmIn(['run', HELLO, '--input', 'nope.txt']), 'vmm: nope.txt: no such file');
  });
});

describe('vmm run: bad input (exit 2, a message naming the flag or file)', () => {
  const bad: [string[], string][] = [
    [['--mode', 'xyz'], "error: --mode must be one of bare, trap, full, para, hw, got 'xyz'"],
    [['--mem', '3K'], "error: --mem expects a size that is a multiple of 4K up to 1G (e.g. 64K, 1M), got '3K'"],
    [['--mem', 'lots'], "--mem expects a size: a whole number with an optional K, M or G (e.g. 64K, 1M, 1536K), got 'lots'"],
    [['--mem', '1.5M'], "--mem expects a size: a whole number with an optional K, M or G (e.g. 64K, 1M, 1536K), got '1.5M'"],
    [['--mem', '2G'], "--mem expects a size that is a multiple of 4K up to 1G (e.g. 64K, 1M), got '2G'"],
    [['--tlb', '3'], "error: --tlb expects a power of two from 1 to 4096, got '3'"],
    [['--tlb', '8192'], "error: --tlb expects a whole number from 1 to 4096, got '8192'"],
    [['--tlb', 'x'], "--tlb expects a whole number from 1 to 4096, got 'x'"],
    [['--quantum', '0'], "error: --quantum expects a whole number from 1 to 1073741824, got '0'"],
    [['--quantum', '-5'], "--quantum expects a whole number from 1 to 1073741824, got '-5'"],
    [['--max-instructions', '0'], "error: --max-instructions expects a whole number from 1 to 9007199254740991, got '0'"],
    [['--max-instructions', '1.5'], "--max-instructions expects a whole number"],
    [['--max-instructions', '_100'], "--max-instructions expects a whole number from 1 to 9007199254740991, got '_100'"],
    [['--max-instructions', '100_'], "got '100_'"],
    [['--quantum', '1__000'], "got '1__000'"],
    [['--quantum', '0x_10'], "got '0x_10'"],
    [['--max-instructions', '1.2345k'], "got '1.2345k'"],
    [['--max-instructions', '10kb'], "got '10kb'"],
    [['--max-instructions', 'k'], "got 'k'"],
    [['--cost-model', ''], 'error: --cost-model expects a file name'],
    [['--cost-model', 'nope.json'], 'vmm: nope.json: no such file'],
    [['--cost-model', 'package.json'], 'vmm: package.json: unknown key "name" (expected "instructions" or "events")'],
    [['--cost-model', 'guests/kernel/disk.txt'], 'vmm: guests/kernel/disk.txt: not valid JSON: '],
    [['--mode'], "error: option '--mode <mode>' argument missing"],
  ];
  for (const [args, message] of bad) {
    it(args.join(' '), async () => {
      const r = await vmmIn(['run', HELLO, ...args]);
      expectUsageError(r, message);
      expect(r.stdout).toBe('');
    });
  }

  it('a cost model with a bad key names the key', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ instructions: { frob: 3 } }));
    expectUsageError(await vmmIn(['run', HELLO, '--cost-model', join(dir, 'c.json')]), /c\.json: instructions: "frob" is neither an instruction group/);
    // Names every JavaScript object has are no events either.
    for (const key of ['toString', 'constructor', '__proto__']) {
      writeFileSync(join(dir, 'e.json'), `{"events": {"${key}": 7}}`);
      expectUsageError(await vmmIn(['run', HELLO, '--cost-model', join(dir, 'e.json')]), `e.json: events: unknown event "${key}"`);
    }
  });

  it('a valid cost model changes the cycles, not the output', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ instructions: { out: 100 } }));
    const base = await json([HELLO, '--mode', 'bare']);
    const costly = await json([HELLO, '--mode', 'bare', '--cost-model', join(dir, 'c.json')]);
    expect(costly.doc.guests[0]!.console).toBe(hello);
    expect(costly.doc.guests[0]!.cycles - base.doc.guests[0]!.cycles).toBe(13 * (100 - 10));
  });

  it('an option of one value given twice takes the last (cli.md)', async () => {
    const r = JSON.parse((await vmmIn(['run', HELLO, '--mode', 'trap', '--mode', 'full', '--json', '--no-overhead'])).stdout) as RunReport;
    expect(r.mode).toBe('full');
  });

  it('a bad --mode through the bundle: exit 2, one line, no stack trace', () => {
    const r = vmm(['run', HELLO, '--mode', 'xen']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: "error: --mode must be one of bare, trap, full, para, hw, got 'xen'\n" });
  });

  it('--mode bare with two images', async () => {
    expectUsageError(await vmmIn(['run', HELLO, PRIMES, '--mode', 'bare']), 'error: --mode bare runs one image directly on the machine (there is no VMM to share it); got 2 images');
  });

  it('a missing file: exit 2, no such file', () => {
    const r = vmm(['run', 'nope.bin']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'vmm: nope.bin: no such file\n' });
  });

  it('a .s with an error: exit 2 with the diagnostics, nothing run', async () => {
    const dir = tempDir();
    const src = join(dir, 'oops.s');
    writeFileSync(src, 'start:\n        movi r1, \n        hlt\n');
    const r = await vmmIn(['run', src, HELLO]);
    expect(r.status).toBe(2);
    expectClean(r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${src}:2:\\d+: error: `, 'm'));
    expect(r.stderr).toMatch(/^ +\^$/m);
    expect(r.stderr).toContain(`vmm: ${src}: 1 error; no image written`);
  });

  it('a malformed image: exit 2 naming the file and the offset', async () => {
    const dir = tempDir();
    const bin = join(dir, 'junk.bin');
    writeFileSync(bin, 'TOY32IMG' + '\u0009'.repeat(40));
    const r = await vmmIn(['run', bin]);
    expectUsageError(r, new RegExp(`^vmm: ${bin}: offset 8 \\(0x8\\): unsupported image version`));
  });

  it('an image that does not fit in --mem: exit 2 naming the file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'high.s'), '.org 0x2000\nstart:\n        hlt\n');
    for (const mode of EXACT_MODES) {
      const r = await vmmIn(['run', join(dir, 'high.s'), '--mem', '4K', '--mode', mode]);
      expectUsageError(r, `vmm: ${join(dir, 'high.s')}: segment 0x2000..0x2004 does not fit in 4096 bytes of memory (raise --mem)`);
    }
  });

  it('--mem NAME=SIZE gives one guest its own memory; the plain --mem is every other guest\'s', async () => {
    const src = join(tempDir(), 'size.s');
    // Prints b (big) when its memory (sp at reset) is at least 128K, else s (small).
    writeFileSync(
      src,
      [`.include "${join(ROOT, 'guests/include/platform.inc')}"`, 'start:', '  li r1, 0x20000', '  cmp sp, r1', '  bgeu .big', "  movi r2, 's'", '  jmp .out', ".big: movi r2, 'b'", '.out: out CONSOLE_DATA, r2', "  movi r2, '\\n'", '  out CONSOLE_DATA, r2', '  hlt', ''].join('\n'),
    );
    for (const mode of VMM_MODES) {
      expect((await vmmIn(['run', src, src, '--mem', 'size-2=256K', '--mem', '64K', '--mode', mode, '-q'])).stdout).toBe('size   | s\nsize-2 | b\n');
      expect((await vmmIn(['run', src, src, '--mem', 'size=256K', '--mode', mode, '-q'])).stdout).toBe('size   | b\nsize-2 | b\n');
    }
    expect((await vmmIn(['run', src, '--mode', 'bare', '--mem', 'size=64K', '-q'])).stdout).toBe('s\n');
    expectUsageError(await vmmIn(['run', src, src, '--mem', 'nope=64K']), "error: --mem nope=64K: no guest named 'nope' (guests: size, size-2)");
    expectUsageError(await vmmIn(['run', src, '--mem', '64K', '--mem', '128K']), 'error: --mem 128K: --mem 64K was given already');
    expectUsageError(await vmmIn(['run', src, src, '--mem', 'size=64K', '--mem', 'size=128K']), "error: --mem size=128K: guest 'size' has --mem size=64K already");
    expectUsageError(await vmmIn(['run', src, src, '--mem', 'size=3K']), "--mem expects a size that is a multiple of 4K up to 1G (e.g. 64K, 1M), got '3K'");
    expectUsageError(await vmmIn(['run', src, src, '--mem', 'size=1G', '-q']), 'error: --mem size=1G for 2 guest(s) needs 1025.8 MiB of host memory');
  });

  it('--mem too large for the host under the VMM: exit 2 naming --mem', async () => {
    const r = await vmmIn(['run', HELLO, HELLO, '--mem', '1G', '--mode', 'full', '-q']);
    expectUsageError(r, 'error: --mem 1G for 2 guest(s) needs 2048.8 MiB of host memory (guests plus the VMM\'s tables); the simulated host has at most 1024 MiB\n');
    expect(r.stdout).toBe('');
  });

  it("the disks of a run together past 512 MiB: exit 2 naming the --disk that passed it", () => {
    const dir = tempDir();
    const disk = join(dir, 'big.img');
    truncateSync((writeFileSync(disk, ''), disk), 180 << 20); // (sparse)
    const disks = ['a', 'b', 'c'].flatMap((g) => ['--disk', `${g}=${disk}`]);
    const srcs = ['a', 'b', 'c'].map((g) => {
      const src = join(dir, `${g}.s`);
      writeFileSync(src, 'start: hlt\n');
      return src;
    });
    expectUsageError(vmm(['run', ...srcs, ...disks, '--mode', 'full']), `error: --disk c=${disk}: the disks of a run may hold 512 MiB in all, and with this one they hold 566,231,040 bytes (540.0 MiB)`);
    expect(vmm(['run', ...srcs.slice(0, 2), ...disks.slice(0, 4), '--mode', 'full', '--no-overhead', '-q']).status).toBe(0);
  });

  it('a disk that would pass the total is refused before it is read', async () => {
    const dir = tempDir();
    const images = ['a', 'b', 'c'].map((g) => {
      const disk = join(dir, `${g}.img`);
      truncateSync((writeFileSync(disk, ''), disk), 180 << 20); // (sparse)
      return disk;
    });
    const srcs = ['a', 'b', 'c'].map((g) => {
      const src = join(dir, `${g}.s`);
      writeFileSync(src, 'start: hlt\n');
      return src;
    });
    const r = await vmmIn(['run', ...srcs, ...['a', 'b', 'c'].flatMap((g, i) => ['--disk', `${g}=${images[i]}`]), '--mode', 'full']);
    expectUsageError(r, `--disk c=${images[2]}: the disks of a run may hold 512 MiB in all, and with this one they hold 566,231,040 bytes`);
    expect(readAs(images[1]!)).toBe(images[1]);
    expect(readAs(images[2]!)).toBeUndefined();
  });

  it('the console inputs of a run together past 256 MiB: exit 2 naming the --input that passed it', () => {
    const dir = tempDir();
    const input = join(dir, 'in.txt');
    truncateSync((writeFileSync(input, ''), input), 60 << 20); // (sparse)
    const srcs = ['a', 'b', 'c', 'd', 'e'].map((g) => {
      const src = join(dir, `${g}.s`);
      writeFileSync(src, 'start: hlt\n');
      return src;
    });
    const inputs = ['a', 'b', 'c', 'd', 'e'].flatMap((g) => ['--input', `${g}=${input}`]);
    expectUsageError(vmm(['run', ...srcs, ...inputs, '--mode', 'full']), `error: --input e=${input}: the console inputs of a run may hold 256 MiB in all, and with this one they hold 314,572,800 bytes (300.0 MiB)`);
    expect(vmm(['run', ...srcs.slice(0, 4), ...inputs.slice(0, 8), '--mode', 'full', '--no-overhead', '-q']).status).toBe(0);
  });

  it('the images of a run together past 1,048,576 symbols: exit 2 naming the image that passed it', () => {
    const dir = tempDir();
    const image = join(dir, 'many.bin');
    const symbols = Array.from({ length: 300_000 }, (_, i) => ({ name: `s${i}`, value: i, kind: 'constant' as const }));
    writeFileSync(image, writeImage({ entry: 0, segments: [{ address: 0, bytes: new Uint8Array([0, 0, 0, 0x53]) }], symbols, files: [], lines: [], flags: 0 }));
    const r = vmm(['run', image, image, image, image, '--mode', 'full', '--no-overhead', '-q']);
    expectUsageError(r, `${image}: the images of a run may hold 1,048,576 symbols, and with this one they hold 1,200,000`);
    expect(vmm(['run', image, image, image, '--mode', 'full', '--no-overhead', '-q']).status).toBe(0);
    // (vmm compare's images too)
    expectUsageError(vmm(['compare', image, image, image, image]), `${image}: the images of a run may hold 1,048,576 symbols, and with this one they hold 1,200,000`);
  });
});

describe('vmm run: a larger --cost-model sample file round trip', () => {
  it('reads numbers for events too', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ events: { vmmTrap: 1 } }));
    const base = await json([HELLO, '--mode', 'trap', '--no-overhead']);
    const cheap = await json([HELLO, '--mode', 'trap', '--no-overhead', '--cost-model', join(dir, 'c.json')]);
    expect(cheap.doc.guests[0]!.cycles).toBeLessThan(base.doc.guests[0]!.cycles);
    expect(readFileSync(join(dir, 'c.json'), 'utf8')).toContain('vmmTrap');
  });
});

describe('counts take decimal suffixes (sizes stay binary)', () => {
  it('10k, 2M, 1.5k and 10K are 10,000, 2,000,000, 1,500 and 10,000 instructions; 4.1M and 16.1k are exact', async () => {
    const counts = [['10k', 10_000], ['10K', 10_000], ['1.5k', 1_500], ['2M', 2_000_000], ['1_000k', 1_000_000],
      ['4.1M', 4_100_000], ['16.1k', 16_100], ['0.001M', 1_000], ['1.0000k', 1_000], ['8.2M', 8_200_000]] as const;
    for (const [text, count] of counts) {
      const r = await vmmIn(['run', 'guests/attack/spin.s', '--mode', 'bare', '--max-instructions', text]);
      expect(r.stderr, text).toContain(`instruction limit of ${count} reached`);
    }
    const q = JSON.parse((await vmmIn(['run', HELLO, HELLO.replace('hello', 'primes'), '--quantum', '1k', '--json', '--no-overhead'])).stdout) as RunReport;
    expect(q.guests.map((g) => g.status)).toEqual(['halted', 'halted']);
    const decimal = JSON.parse((await vmmIn(['run', HELLO, '--quantum', '16.1k', '--host', 'hosted', '--host-fault', '8.2M', '--json', '--no-overhead'])).stdout) as RunReport;
    expect(decimal.guests[0]!.status).toBe('halted');
  });

  it('a count that is not whole after its suffix is refused', async () => {
    expectUsageError(await vmmIn(['run', HELLO, '--max-instructions', '1.0001k']), "got '1.0001k'");
  });
});

describe('with --json, a usage or input error is a JSON document on stdout too', () => {
  it('bad option, bad value, missing file, assembly error, bad image: {error: {status, message}} on stdout, the message on stderr', async () => {
    const cases: [string[], RegExp][] = [
      [['run', HELLO, '--json', '--bogus'], /^unknown option '--bogus'/],
      [['run', HELLO, '--json', '--mode', 'xyz'], /^--mode must be one of bare, trap, full, para, hw, got 'xyz'$/],
      [['run', 'nope.bin', '--json'], /^nope\.bin: /],
      [['run', 'test/cli/fixtures/divzero.s', 'package.json', '--json'], /package\.json/],
      [['inspect', 'package.json', '--json'], /bad magic/],
    ];
    for (const [args, message] of cases) {
      const r = await vmmIn(args);
      expect(r.status, args.join(' ')).toBe(2);
      const doc = JSON.parse(r.stdout) as { error: { status: number; message: string } };
      expect(doc.error.status).toBe(2);
      expect(doc.error.message, args.join(' ')).toMatch(message);
      expect(r.stderr, args.join(' ')).toContain(doc.error.message);
    }
  });

  it('an assembly error carries its diagnostics, each with file:line:col', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bad.s'), 'start: movi r1\n        hlt\n');
    const r = await vmmIn(['run', join(dir, 'bad.s'), '--json']);
    const doc = JSON.parse(r.stdout) as { error: { diagnostics: string[] } };
    expect(doc.error.diagnostics).toEqual([expect.stringMatching(/bad\.s:1:8: error: 'movi' takes 2 operands/)]);
  });

  it('without --json, stdout stays empty', async () => {
    expect((await vmmIn(['run', HELLO, '--bogus'])).stdout).toBe('');
  });
});

describe('options that do nothing in this run are warned about (the run goes on)', () => {
  it('--quantum with --mode bare, -D with only images, --stats without -q or --json', async () => {
    const dir = tempDir();
    expect((await vmmIn(['asm', HELLO, '-o', join(dir, 'hello.bin')])).status).toBe(0);
    const cases: [string[], string][] = [
      [['run', HELLO, '--mode', 'bare', '--quantum', '5', '-q'], 'vmm: warning: --quantum does nothing with --mode bare'],
      [['run', join(dir, 'hello.bin'), '-D', 'X=1', '-q'], 'vmm: warning: -D does nothing: no input is assembly source'],
      [['run', HELLO, '--stats'], 'vmm: warning: --stats does nothing unless the summary is hidden (-q, or vmm run --json)'],
      [['run', HELLO, '--mode', 'trap', '--bt', 'inline', '-q'], 'vmm: warning: --bt does nothing with --mode trap: it sets up the binary translator (--mode full)'],
      [['run', HELLO, '--mode', 'para', '--input', 'package.json', '--no-overhead', '-q'], "vmm: warning: --input does nothing with --mode para: a paravirtual guest's console is the PV console, which has no input"],
      [['run', HELLO, '--mode', 'para', '--host', 'dom0', '--input', 'package.json', '--no-overhead', '-q'], "vmm: warning: --input does nothing with --mode para"],
    ];
    for (const [args, warning] of cases) {
      const r = await vmmIn(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toBe('hello, world\n');
      expect(r.stderr, args.join(' ')).toContain(`${warning}`);
    }
  });

  it('no warning where the option matters or was not given', async () => {
    for (const args of [['run', HELLO, '-q'], ['run', HELLO, '--mode', 'bare', '--no-overhead', '-q'], ['run', HELLO, '--mode', 'trap', '--quantum', '5', '--no-overhead', '-q'], ['run', HELLO, '-D', 'X=1', '-q'], ['run', HELLO, '-q', '--stats'], ['run', HELLO, '--mode', 'trap', '--input', 'package.json', '-q'], ['run', HELLO, '--mode', 'para', '--input', 'package.json', '-q']]) {
      expect((await vmmIn(args)).stderr, args.join(' ')).not.toContain('warning');
    }
  });
});


describe('vmm run --mode full --bt', () => {
  it('inline: the kernel\'s control-register accesses make no callout; the same output; callout is the default', async () => {
    const exits = async (extra: string[]) => {
      const r = await vmmIn(['run', 'guests/bench/tasks.s', '--mode', 'full', '--no-overhead', '--json', ...extra]);
      expect(r.status, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as RunReport;
      return { callouts: report.guests[0]!.exits?.['bt-callout'], console: report.guests[0]!.console, translation: report.translation };
    };
    const [byDefault, callout, inline] = [await exits([]), await exits(['--bt', 'callout']), await exits(['--bt', 'inline'])];
    expect(byDefault).toEqual(callout);
    expect([callout.translation, inline.translation]).toEqual(['callout', 'inline']);
    expect(inline.console).toBe(callout.console);
    // (per timer tick: 9 callouts, of which 7 read or write a control register)
    expect(callout.callouts).toBe(41_883);
    expect(inline.callouts).toBe(9_318);
  });

  it('the summary names inline translation; other modes\' reports have no translation', async () => {
    const inline = await vmmIn(['run', HELLO, '--mode', 'full', '--bt', 'inline', '--no-overhead']);
    expect(inline.stderr).toMatch(/^hello \(full, --bt inline\): halted/m);
    expect((await vmmIn(['run', HELLO, '--mode', 'full', '--no-overhead'])).stderr).toMatch(/^hello \(full\): halted/m);
    const trap = JSON.parse((await vmmIn(['run', HELLO, '--mode', 'trap', '--json'])).stdout) as RunReport;
    expect(trap.translation).toBeUndefined();
  });

  it('the summary names the hardware assistance turned off', async () => {
    const heading = async (args: string[]) => (await vmmIn(['run', HELLO, '--mode', 'hw', '--no-overhead', ...args])).stderr.split('\n').find((l) => l.startsWith('hello ('));
    expect(await heading([])).toMatch(/^hello \(hw\): halted/);
    expect(await heading(['--npt', 'off'])).toMatch(/^hello \(hw, --npt off\): halted/);
    expect(await heading(['--vpid', 'off'])).toMatch(/^hello \(hw, --vpid off\): halted/);
    expect(await heading(['--npt', 'off', '--vpid', 'off'])).toMatch(/^hello \(hw, --npt off, --vpid off\): halted/);
  });

  it('anything but callout or inline is a usage error', async () => {
    expectUsageError(await vmmIn(['run', HELLO, '--bt', 'maybe']), "--bt expects callout or inline, got 'maybe'");
  });
});

describe('vmm run --mode para: the PARAVIRT build', () => {
  it('assembles a .s with PARAVIRT defined: tinyos prints the native lines, the summary counts hypercalls by name, the overhead is against the native build on bare', async () => {
    const r = await vmmIn(['run', TINYOS, '--mode', 'para', '--disk', DISK]);
    expect(r.status, r.stderr).toBe(0);
    expect([...r.stdout.split('\n')].sort()).toEqual([...tinyos.split('\n')].sort());
    expect(r.stderr).toMatch(/^tinyos \(para\): halted: finished normally \(shut down: poweroff\) at pc 0x[0-9a-f]{8}$/m);
    expect(r.stderr).toMatch(/^ {2}hypercalls {3}iret [\d,]+ {2}mmuext_op [\d,]+ {2}console_io [\d,]+ .*set_trap_table 1\b/m);
    expect(r.stderr).toMatch(/overhead \d+\.\d\dx bare/);
    const { doc } = await json([TINYOS, '--mode', 'para', '--disk', DISK]);
    const g = doc.guests[0]!;
    expect(g.exits).toMatchObject({ hypercall: expect.any(Number) });
    expect(Object.values(g.hypercalls!).reduce((a, b) => a + b, 0)).toBe(g.exits!['hypercall']);
    expect(g.overhead).toBeGreaterThan(1);
  });

  it('holds a guest that prints bytes past ASCII (UTF-8 and not) to its native build byte for byte: the overhead is there', async () => {
    const dir = tempDir();
    const source = join(dir, 'bytes.s');
    writeFileSync(source, ['.include "paravirt.inc"', 'start:  la r1, msg', '.l:     ldb r2, [r1]', '        cmpi r2, 0', '        beq .d', '        putc r2', '        addi r1, r1, 1', '        jmp .l', '.d:     halt', 'msg:    .asciz "h\u00e9llo \u20ac\\n"', '        .byte 0xff, 0x85, 10, 0', '        .align 4', '.include "paravirt.s"', ''].join('\n'));
    for (const host of [[], ['--host', 'dom0']]) {
      const { doc } = await json([source, '--mode', 'para', ...host]);
      expect(doc.guests[0]!.overheadMissing, host.join(' ')).toBeUndefined();
      expect(doc.guests[0]!.overhead, host.join(' ')).toBeGreaterThan(1);
    }
    // byte for byte: two bytes that are no UTF-8 (and would read the same as text) differ
    const differ = join(dir, 'differ.s');
    writeFileSync(differ, ['.include "paravirt.inc"', 'start:', '.ifdef PARAVIRT', '        movi r1, 0xfe', '.else', '        movi r1, 0xff', '.endif', '        putc r1', '        halt', '.include "paravirt.s"', ''].join('\n'));
    expect((await json([differ, '--mode', 'para'])).doc.guests[0]!.overheadMissing).toBe('not the same console output as the native build on bare hardware');
  });

  it('refuses a native image (exit 2, saying why and how to build it), and a PARAVIRT image in any other mode', async () => {
    const dir = tempDir();
    const native = join(dir, 'hello.bin');
    const pv = join(dir, 'hello-pv.bin');
    expect((await vmmIn(['asm', HELLO, '-o', native])).status).toBe(0);
    expect((await vmmIn(['asm', HELLO, '-D', 'PARAVIRT', '-o', pv])).status).toBe(0);
    expectUsageError(await vmmIn(['run', native, '--mode', 'para']), `error: ${native} is a native image: --mode para runs PARAVIRT builds only (there is no shadow paging or trap-and-emulate to run an unmodified kernel); assemble it with -D PARAVIRT (vmm asm SOURCE.s -D PARAVIRT), or give vmm the .s source, which --mode para assembles with PARAVIRT defined`);
    for (const mode of NATIVE_RUN_MODES) {
      expectUsageError(await vmmIn(['run', pv, '--mode', mode]), `error: ${pv} is a PARAVIRT build: it calls the VMM with hypercalls, so it runs under --mode para only; build it without -D PARAVIRT for --mode ${mode}`);
    }
    expectUsageError(await vmmIn(['run', HELLO, '-D', 'PARAVIRT', '--mode', 'full']), `error: ${HELLO} (assembled with PARAVIRT defined) is a PARAVIRT build: it calls the VMM with hypercalls, so it runs under --mode para only; build it without -D PARAVIRT for --mode full`);
    // --mode para defines PARAVIRT itself: given as well, no native build could be made for the overhead
    expectUsageError(await vmmIn(['run', HELLO, '-D', 'PARAVIRT', '--mode', 'para']), 'error: -D PARAVIRT: --mode para defines it itself (it assembles a .s with PARAVIRT for the guest, and without it for the overhead against bare hardware)');
    const ok = await vmmIn(['run', pv, '--mode', 'para', '-q']);
    expect(ok).toEqual({ status: 0, stdout: hello, stderr: '' });
    // an image has no native build beside it: no overhead figure, and why
    expect((await json([pv, '--mode', 'para'])).doc.guests[0]!.overheadMissing).toBe('no native build to run on bare hardware (give vmm the .s source: it assembles both builds)');
  });

  it('a guest too small for the shared pages is refused with the size it needs', async () => {
    expectUsageError(await vmmIn(['run', HELLO, '--mode', 'para', '--mem', '28K']), /^vmm: .*hello.*28672 bytes of memory cannot hold a paravirtual guest: its shared pages, boot page tables and frame list take 8 pages \(raise --mem\)$/m);
  });
});
