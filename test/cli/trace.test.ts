// vmm trace: every VM exit as aligned text or JSON lines, to stdout or a file (-o), filtered by
// guest and reason; the summary on stderr.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEXT_HEADER } from '../../src/trace/text.js';
import { EXIT_REASONS } from '../../src/vmm/exits.js';
import { cleanTemp, expectClean, expectedOf, expectUsageError, requireBundle, tempDir, vmm, vmmIn } from './helpers.js';
import { MODES } from '../../src/vmm/modes/index.js';

/** The VMM's modes, by name (from the registry). */
/** The VMM's modes that run native images (the small programs below are native). */
const VMM_MODES = MODES.filter((m) => m.build === 'native').map((m) => m.name);

beforeAll(requireBundle);
afterAll(cleanTemp);

const HELLO = 'guests/bare/hello.s';
const PRIMES = 'guests/bare/primes.s';
const TINYOS = 'guests/kernel/tinyos.s';
const DISK = 'guests/kernel/disk.txt';

/** The order the JSON-lines sink writes the fields in (optional ones only when present). */
const FIELD_ORDER = ['seq', 'cycle', 'kind', 'guest', 'vcpu', 'mode', 'reason', 'code', 'pc', 'insn', 'source', 'port', 'value', 'address', 'access', 'cause', 'cr', 'irq', 'count', 'action', 'cost', 'detail'];
const REQUIRED = ['seq', 'cycle', 'kind', 'guest', 'vcpu', 'mode', 'reason', 'code', 'pc', 'insn', 'action', 'cost'];
const ACTIONS = ['emulated', 'reflected', 'injected', 'filled', 'callout', 'translated', 'invalidated', 'killed', 'halted', 'resumed', 'switched', 'none'];

type Rec = Record<string, unknown> & { seq: number; reason: string; code: number; guest: string; kind: string };

function parseLines(text: string): Rec[] {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);
}

describe('vmm trace: text', () => {
  it('an aligned header and one line per exit on stdout; the summary and record count on stderr', () => {
    const r = vmm(['trace', '--exits', HELLO, '--mode', 'trap']);
    expect(r.status).toBe(0);
    expectClean(r);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(TEXT_HEADER);
    expect(lines).toHaveLength(16);
    const pcColumn = TEXT_HEADER.indexOf('pc  ');
    for (const line of lines.slice(1)) expect(line.slice(pcColumn, pcColumn + 10)).toMatch(/^0x[0-9a-f]{8}$/);
    expect(lines[2]).toMatch(/^ {7}2 +\d+ {2}hello {6}trap {2}io +30 {2}0x00000014 {2}out 0x10, r2 +emulated +\d+ {2}port=0x10 value=0x68 guests\/bare\/hello\.s:14$/);
    expect(lines[15]).toMatch(/ hlt +12 {2}0x00000020 {2}hlt +halted +\d+ {2}guests\/bare\/hello\.s:18$/);
    expect(r.stderr).toMatch(/^hello \(trap\): halted/m);
    expect(r.stderr.endsWith('15 trace records\n')).toBe(true);
  });

  it('a guest name longer than the guest column widens it for every line, header included', async () => {
    const long = join(tempDir(), 'a-guest-of-many-letters.s');
    writeFileSync(long, readFileSync(HELLO));
    const r = await vmmIn(['trace', long, PRIMES, '--mode', 'trap', '--reason', 'io,hlt', '-q']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const mode = lines[0]!.indexOf('mode');
    expect(mode).toBe(TEXT_HEADER.indexOf('mode') + 'a-guest-of-many-letters'.length - 10);
    expect(new Set(lines.slice(1).map((line) => line.slice(mode, mode + 4)))).toEqual(new Set(['trap']));
    expect(lines.some((line) => line.includes(' primes '))).toBe(true);
  });

  it('the guests\' console output is not shown without -o', async () => {
    const r = await vmmIn(['trace', HELLO]);
    expect(r.stdout).not.toContain('hello, world');
  });

  it('--exits is optional (the only kind of record)', async () => {
    const a = await vmmIn(['trace', HELLO, '-q']);
    const b = await vmmIn(['trace', '--exits', HELLO, '-q']);
    expect(a).toEqual(b);
    expect(a.stderr).toBe('');
  });

  it('tinyos --mode trap: the sensitive instructions are notes, the guest is killed, exit 1', async () => {
    const r = await vmmIn(['trace', TINYOS, '--mode', 'trap', '--disk', DISK, '--reason', 'sensitive-unprivileged']);
    expect(r.status).toBe(1);
    const lines = r.stdout.trimEnd().split('\n').slice(1);
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(/ note:sensitive-unprivileged +70 {2}0x[0-9a-f]{8} {2}(getf|setf) r\d+ +none +0 /);
    expect(lines.at(-1)).toContain('setf asks for IE=1');
    expect(r.stderr).toMatch(/^tinyos \(trap\): killed: .*setf/m);
  });
});

describe('vmm trace --format jsonl', () => {
  it('one JSON object per line, fields in the documented order, seq increasing', async () => {
    const r = await vmmIn(['trace', HELLO, PRIMES, '--format', 'jsonl']);
    expect(r.status).toBe(0);
    const records = parseLines(r.stdout);
    expect(records.length).toBeGreaterThan(50);
    let last = 0;
    for (const rec of records) {
      const keys = Object.keys(rec);
      for (const k of REQUIRED) expect(keys).toContain(k);
      const order = keys.map((k) => FIELD_ORDER.indexOf(k));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      expect(rec.seq).toBeGreaterThan(last);
      last = rec.seq;
      expect(['exit', 'note']).toContain(rec.kind);
      expect(['hello', 'primes']).toContain(rec.guest);
      expect(rec.mode).toBe('full');
      expect(EXIT_REASONS.find((x) => x.name === rec.reason)?.code).toBe(rec.code);
      expect(ACTIONS).toContain(rec.action);
    }
    expect(r.stderr).toMatch(new RegExp(`^${records.length} trace records$`, 'm'));
  });

  it('streams a long trace: every exit of a 20000-iteration loop', () => {
    const r = vmm(['trace', 'guests/bench/exits.s', '-D', 'COUNT=20000', '--mode', 'trap', '--format', 'jsonl', '--reason', 'io', '-q']);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20000);
    expect(JSON.parse(lines[19999]!)).toMatchObject({ reason: 'io', code: 30, port: 0x80, value: 1, action: 'emulated' });
  });

  it('a triple fault: the guest is killed, with its cause', async () => {
    const r = await vmmIn(['trace', 'test/cli/fixtures/divzero.s', '--mode', 'trap', '--format', 'jsonl', '-q']);
    expect(r.status).toBe(1);
    const last = parseLines(r.stdout).at(-1)!;
    expect(last).toMatchObject({ kind: 'exit', reason: 'triple-fault', code: 2, cause: 'divide', action: 'killed', insn: 'div r2, r1, r1', source: 'test/cli/fixtures/divzero.s:6' });
    expect(String(last.detail)).toContain('no trap handler');
  });
});

describe('vmm trace -o FILE', () => {
  it('writes the trace to the file; the guests\' console output then goes to stdout', () => {
    const dir = tempDir();
    const file = join(dir, 'exits.jsonl');
    const r = vmm(['trace', HELLO, PRIMES, '--format', 'jsonl', '-o', file]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`hello  | ${expectedOf('guests/bare/hello.expected')}primes | ${expectedOf('guests/bare/primes.expected')}`);
    const records = parseLines(readFileSync(file, 'utf8'));
    expect(r.stderr).toContain(`${records.length} trace records written to ${file}\n`);
  });

  it('text to a file', async () => {
    const file = join(tempDir(), 'exits.txt');
    const r = await vmmIn(['trace', HELLO, '--mode', 'trap', '-o', file, '-q']);
    expect(r).toEqual({ status: 0, stdout: 'hello, world\n', stderr: '' });
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(TEXT_HEADER);
    expect(text.trimEnd().split('\n')).toHaveLength(16);
  });

  it('-o FILE of a run that cannot start (an image too big for --mem) leaves FILE as it was; one that cannot be written is refused before the run', async () => {
    const dir = tempDir();
    const file = join(dir, 'keep.txt');
    writeFileSync(file, 'an earlier trace\n');
    expectUsageError(await vmmIn(['trace', 'guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mem', '8K', '-o', file]), 'does not fit in 8192 bytes of memory');
    expect(readFileSync(file, 'utf8')).toBe('an earlier trace\n');
    expectUsageError(await vmmIn(['trace', HELLO, '-o', dir]), `${dir}: cannot write: is a directory`);
    expectUsageError(await vmmIn(['trace', HELLO, '-o', join(dir, 'none', 'x.txt')]), 'cannot write: no such file');
  });

  it('-o - is stdout', async () => {
    const r = await vmmIn(['trace', HELLO, '-o', '-', '-q']);
    expect(r.stdout.split('\n')[0]).toBe(TEXT_HEADER);
  });

  it('an unwritable -o: exit 2', async () => {
    expectUsageError(await vmmIn(['trace', HELLO, '-o', '/no/such/dir/t.txt']), 'vmm: /no/such/dir/t.txt: cannot write: no such file');
  });
});

describe('vmm trace filters', () => {
  it('--guest keeps one guest\'s records', async () => {
    const all = parseLines((await vmmIn(['trace', HELLO, PRIMES, '--format', 'jsonl', '-q'])).stdout);
    const only = parseLines((await vmmIn(['trace', HELLO, PRIMES, '--format', 'jsonl', '--guest', 'primes', '-q'])).stdout);
    expect(only).toEqual(all.filter((r) => r.guest === 'primes'));
    const both = parseLines((await vmmIn(['trace', HELLO, PRIMES, '--format', 'jsonl', '--guest', 'primes,hello', '-q'])).stdout);
    expect(both).toEqual(all);
  });

  it('--reason takes names or codes', async () => {
    const all = parseLines((await vmmIn(['trace', TINYOS, '--disk', DISK, '--format', 'jsonl', '-q'])).stdout);
    const byName = parseLines((await vmmIn(['trace', TINYOS, '--disk', DISK, '--format', 'jsonl', '--reason', 'exception,hidden-page-fault', '-q'])).stdout);
    const byCode = (await vmmIn(['trace', TINYOS, '--disk', DISK, '--format', 'jsonl', '--reason', '0,65', '-q'])).stdout;
    expect(byName).toEqual(all.filter((r) => r.reason === 'exception' || r.reason === 'hidden-page-fault'));
    expect(byName.length).toBeGreaterThan(0);
    expect(parseLines(byCode)).toEqual(byName);
  });

  it('--guest and --reason together', async () => {
    const r = await vmmIn(['trace', HELLO, PRIMES, '--format', 'jsonl', '--guest', 'primes', '--reason', 'code-write', '-q']);
    const records = parseLines(r.stdout);
    expect(records.length).toBe(46);
    expect(records.every((x) => x.guest === 'primes' && x.reason === 'code-write')).toBe(true);
  });

  it('--guest and --reason may be repeated: the lists add up', async () => {
    const jsonl = async (...filter: string[]) => (await vmmIn(['trace', HELLO, PRIMES, '--mode', 'trap', '--format', 'jsonl', '-q', ...filter])).stdout;
    expect(await jsonl('--guest', 'primes', '--guest', 'hello')).toBe(await jsonl('--guest', 'primes,hello'));
    const two = await jsonl('--reason', 'io', '--reason', 'hlt');
    expect(two).toBe(await jsonl('--reason', 'io,hlt'));
    expect(new Set(parseLines(two).map((r) => r.reason))).toEqual(new Set(['io', 'hlt']));
  });

  it('a filter that keeps nothing: just the header, exit 0', async () => {
    const r = await vmmIn(['trace', HELLO, '--reason', 'page-table-write']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(TEXT_HEADER + '\n');
    expect(r.stderr.endsWith('0 trace records\n')).toBe(true);
  });
});

describe('vmm trace: bad input (exit 2)', () => {
  it('--mode bare has no VM exits', () => {
    const r = vmm(['trace', HELLO, '--mode', 'bare']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'error: --mode bare has no VMM, so there are no VM exits to trace; use --mode trap, full, para or hw\n' });
  });

  it('an image that does not fit its memory: only the error, no trace header', async () => {
    const r = await vmmIn(['trace', 'guests/kernel/tinyos.s', '--mem', '8K']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: 'vmm: guests/kernel/tinyos.s: segment 0x1000..0x3000 does not fit in 8192 bytes of memory (raise --mem)\n' });
  });

  it('an unknown --format, --reason or --guest', async () => {
    expectUsageError(await vmmIn(['trace', HELLO, '--format', 'xml']), "error: --format must be text, short or jsonl, got 'xml'");
    const r = await vmmIn(['trace', HELLO, '--reason', 'io,frob']);
    expectUsageError(r, "error: --reason: unknown exit reason 'frob' (known: exception (0), external-interrupt (1)");
    expectUsageError(await vmmIn(['trace', HELLO, '--reason', '99']), "unknown exit reason '99'");
    expectUsageError(await vmmIn(['trace', HELLO, PRIMES, '--guest', 'hello,nobody']), 'error: --guest nobody: no such guest (guests: hello, primes)');
  });

  it('an empty --guest or --reason entry', async () => {
    expectUsageError(await vmmIn(['trace', HELLO, '--reason', 'io,']), "error: --reason expects comma-separated names, got 'io,'");
    expectUsageError(await vmmIn(['trace', HELLO, '--reason=']), "error: --reason expects comma-separated names, got ''");
    expectUsageError(await vmmIn(['trace', HELLO, '--guest', ',']), "error: --guest expects comma-separated names, got ','");
  });

  it('-o naming one of the images: exit 2, the image is left alone', async () => {
    const image = join(tempDir(), 'hello.bin');
    expect((await vmmIn(['asm', HELLO, '-o', image])).status).toBe(0);
    const before = readFileSync(image);
    expectUsageError(await vmmIn(['trace', image, '-o', image]), `error: -o ${image}: that is an input (${image}); vmm does not write over its inputs`);
    expect(readFileSync(image)).toEqual(before);
  });

  it('the run options are checked as for vmm run', async () => {
    expectUsageError(await vmmIn(['trace', HELLO, '--tlb', '5']), '--tlb expects a power of two');
    expectUsageError(await vmmIn(['trace', 'nope.s']), "nope.s:1:1: error: cannot read 'nope.s': no such file");
  });
});

/** Options that make a mode exit on every trap and privileged instruction these tests use
 *  (hardware-assisted, most run in the guest without an exit by default). */
function exitingAll(mode: string): string[] {
  return mode === 'hw' ? ['--exit-on', 'exceptions,invlpg,cr-write:tvec'] : [];
}

describe('vmm trace: numbers in JSON lines', () => {
  // value and address are unsigned 32-bit numbers, like pc (and like the hex of the text
  // format), so a jq filter such as `.address >= 2147483648` sees them.
  const SOURCE = 'start:\n        lui r2, 0x8000\n        invlpg r2\n        movi r3, -1\n        out 0x80, r3\n        mtcr tvec, r3\n        hlt\n';

  it('addresses and values are unsigned, like pc and like the text format', async () => {
    const src = join(tempDir(), 'neg.s');
    writeFileSync(src, SOURCE);
    for (const mode of VMM_MODES) {
      const r = await vmmIn(['trace', src, '--mode', mode, ...exitingAll(mode), '--format', 'jsonl', '--reason', 'privileged,io,cr-access,bt-callout,invlpg', '-q']);
      expect(r.status).toBe(0);
      const records = parseLines(r.stdout).filter((x) => x.insn !== 'hlt');
      expect(records.map((x) => [x.insn, x.address ?? x.value]), mode).toEqual([
        ['invlpg r2', 0x80000000],
        ['out 0x80, r3', 0xffffffff],
        ['mtcr tvec, r3', 0xffffffff],
      ]);
    }
    const text = await vmmIn(['trace', src, '--mode', 'trap', '--reason', 'privileged,io', '-q']);
    expect(text.stdout).toContain('address=0x80000000');
    expect(text.stdout).toContain('port=0x80 value=0xffffffff');
  });
});

describe('vmm trace: traps', () => {
  it('the exception record of a sys, brk or hcall names that instruction, not the one after it', async () => {
    const dir = tempDir();
    for (const [insn, cause] of [
      ['sys', 'syscall'],
      ['brk', 'breakpoint'],
      ['hcall', 'hypercall'],
    ] as const) {
      // With a handler the trap is reflected; without one, the exit is the triple fault alone.
      const handled = join(dir, `${insn}.s`);
      writeFileSync(handled, `start:\n        la      r1, handler\n        mtcr    tvec, r1\n        ${insn}\n        hlt\nhandler:\n        hlt\n`);
      const unhandled = join(dir, `${insn}-unhandled.s`);
      writeFileSync(unhandled, `start:\n        movi    r1, 1\n        ${insn}\n        hlt\n`);
      for (const mode of VMM_MODES) {
        const r = await vmmIn(['trace', handled, '--mode', mode, ...exitingAll(mode), '--format', 'jsonl', '--reason', 'exception,triple-fault,hypercall', '-q']);
        expect(r.status).toBe(0);
        // (Hardware-assisted, hcall is VMCALL: an exit of its own, reflected to a native guest.)
        const reason = mode === 'hw' && insn === 'hcall' ? 'hypercall' : 'exception';
        expect(parseLines(r.stdout), `${insn} ${mode}`).toMatchObject([{ reason, pc: 12, insn, source: `${handled}:4`, ...(reason === 'exception' ? { cause } : {}), action: 'reflected' }]);
        const u = await vmmIn(['trace', unhandled, '--mode', mode, '--format', 'jsonl', '--reason', 'exception,triple-fault', '-q']);
        expect(u.status).toBe(1);
        expect(parseLines(u.stdout)).toMatchObject([
          { reason: 'triple-fault', pc: 4, insn, cause, action: 'killed', detail: `unhandled ${cause} trap at pc 0x00000004 (${insn}, ${unhandled}:3): no trap handler (tvec = 0)` },
        ]);
      }
    }
  });

  // The saved pc of a sys is the next instruction; the record names the sys itself (pc 4).
  it('the triple-fault record of an unhandled sys names the sys, like its detail', async () => {
    const src = join(tempDir(), 'sys.s');
    writeFileSync(src, 'start:\n        movi    r1, 1\n        sys\n        hlt\n');
    const r = await vmmIn(['trace', src, '--mode', 'trap', '--format', 'jsonl', '--reason', 'triple-fault', '-q']);
    expect(parseLines(r.stdout)[0]).toMatchObject({ reason: 'triple-fault', cause: 'syscall', pc: 4, insn: 'sys', source: `${src}:3` });
  });
});

describe('vmm trace --format short', () => {
  it('every line fits 80 columns, one line per record of the text format, in the same order', async () => {
    const dir = tempDir();
    const longName = join(dir, 'a-guest-with-a-very-long-name.s');
    writeFileSync(longName, readFileSync('guests/bare/hello.s', 'utf8').replace('../include/', `${process.cwd()}/guests/include/`));
    const args = ['trace', 'guests/kernel/tinyos.s', longName, '--disk', 'tinyos=guests/kernel/disk.txt', '--mode', 'trap', '--strict', '-q'];
    const short = await vmmIn([...args, '--format', 'short']);
    const text = await vmmIn([...args, '--format', 'text']);
    expect(short.status).toBe(0);
    const lines = short.stdout.trimEnd().split('\n');
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(80);
    const textLines = text.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(textLines.length);
    expect(lines[0]).toMatch(/^ +seq +cycle guest +reason +pc +instruction$/);
    const seqs = (ls: string[]) => ls.slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(seqs(lines)).toEqual(seqs(textLines));
    const trap = await vmmIn(['trace', 'guests/kernel/tinyos.s', '--mode', 'trap', '--format', 'short', '-q']);
    expect(trap.stdout).toMatch(/^ +\d+ +\d+ tinyos +\*sensitive-unprivileged +[0-9a-f]{8} getf r4$/m);
    expect(short.stdout).toMatch(/ a-guest~ /); // a long name is cut, marked with ~
  });

  it('an unknown format names the three', async () => {
    expectUsageError(await vmmIn(['trace', 'guests/bare/hello.s', '--format', 'wide']), "--format must be text, short or jsonl, got 'wide'");
  });
});
