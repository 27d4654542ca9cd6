// vmm as a whole (usage, --version, --help of every subcommand, unknown commands and flags)
// and the toolchain subcommands: asm, disasm, inspect, isa. Mostly in-process through main();
// a few through the built bundle, which is what a student runs.

import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandLine } from '../../src/cli/command.js';
import { COMMANDS } from '../../src/cli/main.js';
import { INSTRUCTIONS } from '../../src/isa/table.js';
import { BUNDLE, cleanTemp, expectClean, expectUsageError, ROOT, requireBundle, tempDir, vmm, vmmIn } from './helpers.js';

beforeAll(requireBundle);
afterAll(cleanTemp);

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('vmm', () => {
  it('with no arguments prints the usage on stderr and exits 2', () => {
    const r = vmm([]);
    expect(r.status).toBe(2);
    expectClean(r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: vmm [options] [command]');
    for (const c of COMMANDS) expect(r.stderr).toContain(`${c.name} [options]`);
    expect(r.stderr).toContain('Exit status: 0 success, 1 a guest failed, 2 usage or input error');
    // The same text as --help, which goes to stdout.
    expect(r.stderr).toBe(vmm(['--help']).stdout);
  });

  it('--version prints the version of package.json', async () => {
    const r = vmm(['--version']);
    expect(r).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
    expect((await vmmIn(['-V'])).stdout).toBe(`${pkg.version}\n`);
  });

  it('--help lists every command and exits 0', async () => {
    const r = await vmmIn(['--help']);
    expect(r.status).toBe(0);
    for (const c of COMMANDS) expect(r.stdout).toContain(c.name);
    expect(r.stderr).toBe('');
  });

  it('rejects an unknown command with exit 2, a clear message and no stack trace', () => {
    const r = vmm(['frobnicate']);
    expectUsageError(r, "error: unknown command 'frobnicate'");
    expect(r.stdout).toBe('');
  });

  it('suggests the command meant', async () => {
    const r = await vmmIn(['rnu', 'x.s']);
    expectUsageError(r, "unknown command 'rnu'");
    expect(r.stderr).toContain('(Did you mean run?)');
  });

  it('a command line, as the report heads it, is one bash takes back word for word (controls C0, DEL and C1 as escapes)', () => {
    const words = ['plain.s', "it's", 'two  spaces', 'tab\there', 'cr\r', 'esc\u001b[2J', 'del\u007f', 'csi\u009bm', 'café', "back\\slash'"];
    const line = commandLine(words);
    expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
    const r = spawnSync('bash', ['-c', `for w in ${line.slice('vmm '.length)}; do printf '%s\\0' "$w"; done`], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(words);
  });

  it('isa --hypercalls gives each hypercall its errors, or says it has none', async () => {
    const r = await vmmIn(['isa', '--hypercalls']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/xen_version[^\n]*\n\s+r0: the version: 1; no errors$/m);
    expect(r.stdout).not.toMatch(/; errors\s*$/m);
  });

  it('takes one of --json and --markdown, as vmm compare does', async () => {
    expectUsageError(await vmmIn(['isa', '--json', '--markdown']), /--json and --markdown: choose one/);
    expectUsageError(await vmmIn(['isa', '--hypercalls', '--markdown', '--json']), /--json and --markdown: choose one/);
  });

  it('rejects an unknown flag, top-level or on a command, with exit 2', async () => {
    expectUsageError(vmm(['--frob']), "error: unknown option '--frob'");
    const r = vmm(['run', 'guests/bare/hello.s', '--mdoe', 'bare']);
    expectUsageError(r, "error: unknown option '--mdoe'");
    expect(r.stderr).toContain('(Did you mean --mode?)');
    expect(r.stdout).toBe('');
    for (const c of COMMANDS) expectUsageError(await vmmIn([c.name, '--no-such-flag']), "unknown option '--no-such-flag'");
  });

  it('reports a missing argument with exit 2', async () => {
    // (isa, explain and compare take none: compare alone runs its microbenchmark suite)
    for (const c of COMMANDS.filter((c) => !['isa', 'explain', 'compare'].includes(c.name))) expectUsageError(await vmmIn([c.name]), /error: missing required argument '(source|image|images)'/);
  });

  it.runIf(existsSync('/dev/full'))('says so, with exit 2 and no stack trace, when its output cannot be written (a full disk)', () => {
    const full = openSync('/dev/full', 'w');
    try {
      for (const args of [['run', 'guests/bare/primes.s', '--mode', 'bare'], ['trace', 'guests/bare/primes.s', '--format', 'jsonl'], ['isa'], ['--help']]) {
        const r = spawnSync(process.execPath, [BUNDLE, ...args], { cwd: ROOT, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        expect({ args, status: r.status }).toEqual({ args, status: 2 });
        expectClean({ status: r.status!, stdout: '', stderr: r.stderr });
        expect(r.stderr.match(/^vmm: standard output: cannot write: no space left on device$/gm)).toHaveLength(1);
      }
    } finally {
      closeSync(full);
    }
    expectUsageError(vmm(['trace', 'guests/bare/primes.s', '-o', '/dev/full']), /^vmm: \/dev\/full: cannot write: no space left on device$/m);
  });

  it('rejects extra arguments to single-file commands', async () => {
    for (const name of ['asm', 'disasm', 'inspect']) expectUsageError(await vmmIn([name, 'a', 'b']), /too many arguments/);
  });
});

describe('vmm help', () => {
  it('vmm help COMMAND prints what vmm COMMAND --help prints; vmm help, the command list', async () => {
    for (const c of COMMANDS) {
      const viaHelp = await vmmIn(['help', c.name]);
      expect(viaHelp.status, c.name).toBe(0);
      expect(viaHelp.stdout, c.name).toBe((await vmmIn([c.name, '--help'])).stdout);
    }
    const list = await vmmIn(['help']);
    expect(list.status).toBe(0);
    for (const c of COMMANDS) expect(list.stdout).toMatch(new RegExp(`^ {2}${c.name} `, 'm'));
  });

  it('a command that does not exist is a usage error naming the nearest', async () => {
    const r = await vmmIn(['help', 'trase']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("there is no command 'trase' (did you mean 'trace'?)");
  });

  it('vmm help --help and -h are vmm --help; more than one command is a usage error', async () => {
    const top = await vmmIn(['--help']);
    for (const flag of ['--help', '-h']) expect(await vmmIn(['help', flag])).toEqual(top);
    expectUsageError(await vmmIn(['help', 'run', 'extra']), 'vmm help takes one command, got run extra');
  });

  it('vmm trace --json points to --format jsonl', async () => {
    expectUsageError(await vmmIn(['trace', '--json', 'guests/bare/hello.s']), /vmm trace has no --json: --format jsonl writes each exit as one JSON object per line/);
  });
});

describe('--help of every subcommand', () => {
  // Every option a command declares must be in its help, with examples.
  const options: Record<string, string[]> = {
    asm: ['-o, --output', '-l, --listing', '-D, --define'],
    disasm: ['-o, --output'],
    inspect: ['--json'],
    isa: ['--json', '--markdown'],
    explain: [],
    run: ['--mode', '--mem', '--tlb', '--tlb-tagged', '--strict', '--max-instructions', '--no-jit', '--cost-model', '-D, --define', '--quantum', '--input', '--disk', '--no-overhead', '--json', '-q, --quiet'],
    trace: ['--mode', '--mem', '--tlb', '--quantum', '--input', '--disk', '--exits', '--format', '--guest', '--reason', '-o, --output', '-q, --quiet'],
    compare: ['--modes', '--json', '--markdown', '--mem', '--tlb', '--tlb-tagged', '--max-instructions', '--no-jit', '--cost-model', '-D, --define', '-I, --include', '--quantum', '--input', '--disk'],
  };

  it('covers every command', () => {
    expect(Object.keys(options).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
  });

  for (const [name, flags] of Object.entries(options)) {
    it(`vmm ${name} --help`, async () => {
      const r = await vmmIn([name, '--help']);
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`Usage: vmm ${name} [options]`);
      for (const f of flags) expect(r.stdout, f).toContain(f);
      expect(r.stdout).toMatch(/\nExamples( \(.*\))?:\n/);
      expect(r.stdout).toMatch(new RegExp(`^  vmm (asm .* && )?${name} `, 'm'));
    });
  }

  it('shows no empty-list defaults for the repeatable options (-D, --input, --disk)', async () => {
    for (const c of COMMANDS) {
      const r = await vmmIn([c.name, '--help']);
      expect(r.stdout, c.name).not.toContain('(default: [])');
    }
  });

  it('vmm trace --help lists only the modes trace accepts', async () => {
    const r = await vmmIn(['trace', '--help']);
    expect(r.stdout).toMatch(/--mode <mode> +how guests run: trap, full, para, hw \(default:\s+"full"\)/);
    expect(r.stdout).not.toMatch(/how guests run: bare/);
    expect((await vmmIn(['run', '--help'])).stdout).toMatch(/--mode <mode> +how guests run: bare, trap, full, para, hw\s/);
  });

  it('-h through the bundle', () => {
    const r = vmm(['run', '-h']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: vmm run [options] <images...>');
    expect(r.stdout).toMatch(/--mode <mode> +how guests run: bare, trap, full, para, hw\s+\(default:\s+"full"\)/);
    expect(r.stderr).toBe('');
  });
});

/** A self-contained source (no .include), so it can be copied anywhere. */
const SMALL = `; small.s
.equ CONSOLE, 0x10
start:
        movi    r1, 'k'
        out     CONSOLE, r1
.ifdef LOUD
        movi    r1, '!'
        out     CONSOLE, r1
.endif
        movi    r1, 10
        out     CONSOLE, r1
        hlt
`;

describe('vmm asm', () => {
  it('writes the image beside the source by default, and prints nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'small.s'), SMALL);
    const r = vmm(['asm', join(dir, 'small.s')]);
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(readFileSync(join(dir, 'small.bin')).subarray(0, 8).toString('latin1')).toBe('TOY32IMG');
    const run = vmm(['run', join(dir, 'small.bin'), '--mode', 'bare', '-q']);
    expect(run).toEqual({ status: 0, stdout: 'k\n', stderr: '' });
  });

  it('replaces .asm too, and appends .bin to other names', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.asm'), SMALL);
    writeFileSync(join(dir, 'b.txt'), SMALL);
    expect((await vmmIn(['asm', join(dir, 'a.asm')])).status).toBe(0);
    expect((await vmmIn(['asm', join(dir, 'b.txt')])).status).toBe(0);
    expect(existsSync(join(dir, 'a.bin'))).toBe(true);
    expect(existsSync(join(dir, 'b.txt.bin'))).toBe(true);
  });

  it('-o names the image', async () => {
    const dir = tempDir();
    const out = join(dir, 'sub.img');
    const beside = join(ROOT, 'guests/bare/hello.bin');
    const before = existsSync(beside) ? statSync(beside).mtimeMs : undefined;
    const r = await vmmIn(['asm', 'guests/bare/hello.s', '-o', out]);
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(existsSync(out)).toBe(true);
    expect(existsSync(beside) ? statSync(beside).mtimeMs : undefined).toBe(before); // nothing written beside the source
  });

  it('-l writes a listing: address, bytes, line and source', async () => {
    const dir = tempDir();
    const r = await vmmIn(['asm', 'guests/bare/hello.s', '-o', join(dir, 'h.bin'), '-l', join(dir, 'h.lst')]);
    expect(r.status).toBe(0);
    const lst = readFileSync(join(dir, 'h.lst'), 'utf8');
    expect(lst).toMatch(/^; guests\/bare\/hello\.s\n00000000 {17}8  start:$/m);
    // an op of paravirt.inc: its invocation, then (under the file's name) the body's lines
    expect(lst).toMatch(/^00000020 {16}18 +halt /m);
    expect(lst).toMatch(/^; guests\/include\/paravirt\.inc\n00000020  00 00 00 53  \d+ +hlt$/m);
    expect(lst).toMatch(/^00000024  68 65 6c 6c +23 +\.asciz  "hello, world\\n"$/m);
    expect(lst).toContain('.equ CONSOLE_DATA, 0x10');
    expect(lst.endsWith('\n')).toBe(true);
  });

  it('-D defines symbols for conditional assembly (VALUE defaults to 1)', async () => {
    const dir = tempDir();
    const src = join(dir, 'small.s');
    writeFileSync(src, SMALL);
    const plain = await vmmIn(['run', src, '--mode', 'bare', '-q']);
    const loud = await vmmIn(['run', src, '--mode', 'bare', '-q', '-D', 'LOUD']);
    expect(plain.stdout).toBe('k\n');
    expect(loud.stdout).toBe('k!\n');
    expect((await vmmIn(['asm', 'guests/bench/exits.s', '-D', 'COUNT=0x10', '-D', 'OTHER', '-o', join(dir, 'e.bin')])).status).toBe(0);
    const doc = JSON.parse((await vmmIn(['inspect', join(dir, 'e.bin'), '--json'])).stdout) as { symbols: { name: string; value: number }[] };
    expect(doc.symbols.find((s) => s.name === 'COUNT')?.value).toBe(16);
    expect(doc.symbols.find((s) => s.name === 'OTHER')?.value).toBe(1);
  });

  it('-D reads values as the source reads numbers: hex and binary may be negated, at most 32 bits', async () => {
    const dir = tempDir();
    const out = join(dir, 'e.bin');
    // (0X and 0B too, as in a source)
    const defines = ['A=-0x10', 'B=-0b11', 'C=0xffffffff', 'D=-2147483649', 'E=0X1F', 'F=0B101'].flatMap((d) => ['-D', d]);
    expect((await vmmIn(['asm', 'guests/bench/exits.s', ...defines, '-o', out])).status).toBe(0);
    const doc = JSON.parse((await vmmIn(['inspect', out, '--json'])).stdout) as { symbols: { name: string; value: number }[] };
    const value = (name: string) => doc.symbols.find((s) => s.name === name)?.value;
    // inspect prints symbol values as unsigned 32-bit numbers, as the source would wrap them.
    expect([value('A'), value('B'), value('C'), value('D'), value('E'), value('F')]).toEqual([0xfffffff0, 0xfffffffd, 0xffffffff, 0x7fffffff, 31, 5]);
  });

  it('rejects a malformed -D with exit 2', async () => {
    const form = '-D expects NAME or NAME=NUMBER (decimal, 0x hex or 0b binary, optionally negative)';
    expectUsageError(await vmmIn(['asm', 'guests/bare/hello.s', '-D', '1X', '-o', '/dev/null']), `${form}, got '1X'`);
    expectUsageError(await vmmIn(['asm', 'guests/bare/hello.s', '-D', 'X=abc', '-o', '/dev/null']), `${form}, got 'X=abc'`);
    expectUsageError(await vmmIn(['asm', 'guests/bare/hello.s', '-D', 'X=4294967296', '-o', '/dev/null']), "-D X: '4294967296' does not fit in 32 bits");
    expectUsageError(await vmmIn(['asm', 'guests/bare/hello.s', '-D', 'X=-0x100000000', '-o', '/dev/null']), "-D X: '-0x100000000' does not fit in 32 bits");
    // a name defined twice, as in a source (a constant has one value)
    expectUsageError(await vmmIn(['asm', 'guests/bare/hello.s', '-D', 'X=1', '-D', 'XY=2', '-D', 'X=2', '-o', '/dev/null']), 'error: -D X=2: X is defined twice on the command line (first -D X=1)');
    expectUsageError(await vmmIn(['asm', 'guests/bare/hello.s', '-D', 'X', '-D', 'X', '-o', '/dev/null']), 'error: -D X: X is defined twice on the command line (first -D X)');
  });

  it('reports every assembly error as file:line:col with the line and a caret, exit 2, no image', () => {
    const dir = tempDir();
    const src = join(dir, 'bad.s');
    writeFileSync(src, 'start:\n        addi r1, r2, 70000\n        foo r1\n        hlt\n');
    const r = vmm(['asm', 'bad.s'], { cwd: dir });
    expect(r.status).toBe(2);
    expectClean(r);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        'bad.s:2:22: error: immediate 70000 out of range -32768..32767 (li rX, 70000 loads it into a free register rX; then add r1, r2, rX)',
        '          addi r1, r2, 70000',
        '                       ^',
        "bad.s:3:9: error: unknown mnemonic 'foo'",
        '          foo r1',
        '          ^',
        'vmm: bad.s: 2 errors; no image written',
        '',
      ].join('\n'),
    );
    expect(existsSync(join(dir, 'bad.bin'))).toBe(false);
  });

  it('after 20 errors prints a note (not an error) and says there were more', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'many.s'), Array.from({ length: 25 }, (_, i) => `bad${i}\n`).join(''));
    const r = vmm(['asm', 'many.s'], { cwd: dir });
    expect(r.status).toBe(2);
    expectClean(r);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.filter((l) => l.includes(': error: '))).toHaveLength(20);
    expect(lines.slice(-2)).toEqual(['many.s: note: too many errors; only the first 20 are reported', 'vmm: many.s: more than 20 errors; no image written']);
  });

  it('names the included file and the include chain in an error', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'part.s'), 'nop\n        bogus r1\n');
    writeFileSync(join(dir, 'main.s'), 'start:\n.include "lib/part.s"\n        hlt\n');
    const r = await vmmIn(['asm', join(dir, 'main.s')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${join(dir, 'lib', 'part.s')}:2:9: error: unknown mnemonic 'bogus'$`, 'm'));
    expect(r.stderr).toMatch(/included from .*main\.s:2:1/);
  });

  it('reports a missing source as a located error, exit 2', async () => {
    const r = await vmmIn(['asm', 'no/such/file.s']);
    expectUsageError(r, "no/such/file.s:1:1: error: cannot read 'no/such/file.s': no such file");
  });

  it('a directory as the source or in .include says "is a directory"', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'inc'));
    writeFileSync(join(dir, 'main.s'), '.include "inc"\nstart:\n        hlt\n');
    expectUsageError(await vmmIn(['asm', dir]), `${dir}:1:1: error: cannot read '${dir}': is a directory`);
    const r = await vmmIn(['asm', join(dir, 'main.s')]);
    expectUsageError(r, `${join(dir, 'main.s')}:1:10: error: cannot include 'inc': is a directory`);
    expect(r.stderr).not.toContain('no such file');
    expect(existsSync(join(dir, 'main.bin'))).toBe(false);
  });

  // root reads any file whatever its mode, so there is nothing to deny.
  it.skipIf(process.getuid?.() === 0)('an unreadable source or include says "permission denied"', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'secret.s'), 'start:\n        hlt\n');
    chmodSync(join(dir, 'secret.s'), 0o000);
    writeFileSync(join(dir, 'main.s'), '.include "secret.s"\n');
    expectUsageError(await vmmIn(['asm', join(dir, 'secret.s')]), `cannot read '${join(dir, 'secret.s')}': permission denied`);
    expectUsageError(await vmmIn(['asm', join(dir, 'main.s')]), "cannot include 'secret.s': permission denied");
  });

  it('refuses a program that emits nothing: exit 2, no image', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.s'), '; nothing but constants\n.equ X, 1\n');
    const r = await vmmIn(['asm', join(dir, 'empty.s')]);
    expect(r).toEqual({
      status: 2,
      stdout: '',
      stderr: `${join(dir, 'empty.s')}:1:1: error: the program emits no code or data (an image needs at least one byte)\nvmm: ${join(dir, 'empty.s')}: 1 error; no image written\n`,
    });
    expect(existsSync(join(dir, 'empty.bin'))).toBe(false);
    // vmm run x.s assembles the same way, so it refuses it too.
    expectUsageError(await vmmIn(['run', join(dir, 'empty.s'), '--mode', 'bare']), 'error: the program emits no code or data');
  });

  it('refuses an entry point outside the program or not a multiple of 4, at the .entry line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'far.s'), 'start:\n        hlt\n.entry 0x100\n');
    writeFileSync(join(dir, 'odd.s'), 'start:\n        nop\n        hlt\n.entry start + 2\n');
    const far = await vmmIn(['asm', join(dir, 'far.s')]);
    expect(far.status).toBe(2);
    expect(far.stderr).toBe(
      [`${join(dir, 'far.s')}:3:1: error: entry point 0x100 is outside the program's code and data`, '  .entry 0x100', '  ^', `vmm: ${join(dir, 'far.s')}: 1 error; no image written`, ''].join('\n'),
    );
    const odd = await vmmIn(['asm', join(dir, 'odd.s')]);
    expectUsageError(odd, `${join(dir, 'odd.s')}:4:1: error: entry point 0x2 is not a multiple of 4`);
    expectUsageError(await vmmIn(['run', join(dir, 'far.s')]), 'entry point 0x100 is outside');
    for (const f of ['far.bin', 'odd.bin']) expect(existsSync(join(dir, f)), f).toBe(false);
  });

  it('cannot write into a missing directory: exit 2', async () => {
    expectUsageError(await vmmIn(['asm', 'guests/bare/hello.s', '-o', '/no/such/dir/x.bin']), 'vmm: /no/such/dir/x.bin: cannot write: no such file');
  });
});

describe('vmm inspect', () => {
  let image = '';
  beforeAll(async () => {
    image = join(tempDir(), 'hello.bin');
    expect((await vmmIn(['asm', 'guests/bare/hello.s', '-o', image])).status).toBe(0);
  });

  it('prints the header, entry, segments with sha256 and symbols', async () => {
    const r = await vmmIn(['inspect', image]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^image     ${image} \\(\\d+ bytes, format version 1\\)$`));
    expect(lines[1]).toBe('build     native: runs on bare and under trap, full and hw');
    expect(lines[2]).toBe('entry     0x00000000 (start)');
    expect(lines[3]).toBe('segments  1');
    expect(lines[4]).toBe('  address     end         size    sha256');
    expect(lines[5]).toMatch(/^ {2}0x00000000 {2}0x00000032 {6}50 {2}[0-9a-f]{64}$/);
    expect(r.stdout).toMatch(/^symbols {3}\d+$/m);
    expect(r.stdout).toContain('  0x00000024  label     message');
    expect(r.stdout).toContain('  0x00000010  constant  CONSOLE_DATA');
    expect(r.stdout).toMatch(/^sources   guests\/bare\/hello\.s, guests\/include\/paravirt\.inc, guests\/include\/platform\.inc, guests\/include\/hypercalls\.inc, guests\/include\/paravirt\.s; 9 line-map rows$/m);
  });

  it('says whether an image is a PARAVIRT build (flag 1, format version 2)', async () => {
    const dir = tempDir();
    const pv = join(dir, 'hello-pv.bin');
    expect((await vmmIn(['asm', 'guests/bare/hello.s', '-D', 'PARAVIRT', '-o', pv])).status).toBe(0);
    const r = await vmmIn(['inspect', pv]);
    expect(r.stdout).toMatch(/^image {5}\S+ \(\d+ bytes, format version 2\)\nbuild {5}PARAVIRT \(flag 1\): runs under --mode para only\n/);
    const doc = JSON.parse((await vmmIn(['inspect', pv, '--json'])).stdout) as { version: number; build: string };
    expect([doc.version, doc.build]).toEqual([2, 'paravirt']);
  });

  it('--json gives one document with entry, segments[{address,size,sha256}] and symbols', async () => {
    const r = await vmmIn(['inspect', image, '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['file', 'size', 'version', 'build', 'entry', 'segments', 'symbols', 'files', 'lines']);
    expect([doc.version, doc.build]).toEqual([1, 'native']);
    expect(doc.file).toBe(image);
    expect(doc.size).toBe(readFileSync(image).length);
    expect(doc.version).toBe(1);
    expect(doc.entry).toBe(0);
    expect(doc.segments).toHaveLength(1);
    expect(Object.keys(doc.segments[0])).toEqual(['address', 'size', 'sha256']);
    expect(doc.segments[0]).toMatchObject({ address: 0, size: 50 });
    expect(doc.segments[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.symbols).toContainEqual({ name: 'start', value: 0, kind: 'label' });
    expect(doc.symbols).toContainEqual({ name: 'CONSOLE_DATA', value: 16, kind: 'constant' });
    expect(doc.files).toEqual(['guests/bare/hello.s', 'guests/include/paravirt.inc', 'guests/include/platform.inc', 'guests/include/hypercalls.inc', 'guests/include/paravirt.s']);
    expect(doc.lines).toBe(9);
  });

  it("gives the format version of the file's header: 2 for a version-2 image without flags", async () => {
    // (the loader reads both versions; a version-2 header is 4 bytes longer: its flags word)
    const bytes = readFileSync(image);
    const v2 = Buffer.concat([bytes.subarray(0, 8), Buffer.from([2, 0, 44, 0]), bytes.subarray(12, 40), Buffer.alloc(4), bytes.subarray(40)]);
    const file = join(tempDir(), 'v2.bin');
    writeFileSync(file, v2);
    const r = await vmmIn(['inspect', file, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { version: number }).version).toBe(2);
    expect((await vmmIn(['inspect', file])).stdout.split('\n')[0]).toContain('format version 2)');
  });

  it('lines up a segment of millions of bytes, and one that ends at the top of the address space', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'seg.s'), 'start:\n hlt\n.org 0x100000\n.space 0x1000000\n.org 0xfffffffc\n.word 1\n');
    expect((await vmmIn(['asm', join(dir, 'seg.s')])).status).toBe(0);
    const r = await vmmIn(['inspect', join(dir, 'seg.bin')]);
    const rows = r.stdout.split('\n').slice(4, 8);
    expect(rows).toEqual([
      '  address     end          size      sha256',
      expect.stringMatching(/^ {2}0x00000000 {2}0x00000004 {10}4 {2}[0-9a-f]{64}$/),
      expect.stringMatching(/^ {2}0x00100000 {2}0x01100000 {3}16777216 {2}[0-9a-f]{64}$/),
      expect.stringMatching(/^ {2}0xfffffffc {2}0x100000000 {9}4 {2}[0-9a-f]{64}$/),
    ]);
  });

  it("shows the control characters of a file's name as \\xNN in what it prints (inspect, disasm, trace -o)", async () => {
    const dir = tempDir();
    const steering = join(dir, 'h\u001b[35m.bin');
    copyFileSync(image, steering);
    const shown = steering.replace('\u001b', '\\x1b');
    const inspect = await vmmIn(['inspect', steering]);
    expect(inspect.stdout.split('\n')[0]).toContain(`image     ${shown} (`);
    const disasm = await vmmIn(['disasm', steering]);
    expect(disasm.stdout.split('\n')[0]).toBe(`; vmm disasm ${shown}`);
    const trace = await vmmIn(['trace', 'guests/bare/hello.s', '-o', join(dir, 't\u001b[33m.txt'), '-q', '--stats']);
    expect(trace.stderr).toContain(`trace records written to ${join(dir, 't\\x1b[33m.txt')}`);
    for (const r of [inspect, disasm, trace]) expect(r.stdout + r.stderr).not.toContain('\u001b');
  });

  it('a source given as an image is a bad magic at offset 0, exit 2', () => {
    const r = vmm(['inspect', 'guests/bare/hello.s']);
    expectUsageError(r, `vmm: guests/bare/hello.s: offset 0 (0x0): bad magic "; hello.": not a TOY32 image (expected "TOY32IMG")`);
    expect(r.stdout).toBe('');
  });

  it('a missing file: exit 2, no such file', async () => {
    expectUsageError(await vmmIn(['inspect', 'nope.bin']), 'vmm: nope.bin: no such file');
    expectUsageError(await vmmIn(['inspect', 'guests']), 'vmm: guests: is a directory');
    // (a name's control characters are shown, not sent to the terminal)
    const steered = await vmmIn(['inspect', 'no\u001b[2Jpe.bin']);
    expectUsageError(steered, 'vmm: no\\x1b[2Jpe.bin: no such file');
    expect(steered.stderr).not.toContain('\u001b');
  });

  it("commander's own usage errors show an argument's control characters as \\xNN", async () => {
    const option = await vmmIn(['run', '--b\u001b[31md', 'guests/bare/hello.s']);
    expectUsageError(option, "error: unknown option '--b\\x1b[31md'");
    expect(option.stderr).not.toContain('\u001b');
    const command = await vmmIn(['ru\u0007n']);
    expectUsageError(command, "error: unknown command 'ru\\x07n'");
    expect(command.stderr).not.toContain('\u0007');
  });

  it('a truncated image names the offset', async () => {
    const dir = tempDir();
    const cut = join(dir, 'cut.bin');
    writeFileSync(cut, readFileSync(image).subarray(0, 100));
    expectUsageError(await vmmIn(['inspect', cut]), new RegExp(`^vmm: ${cut}: offset \\d+ \\(0x[0-9a-f]+\\): truncated: `));
  });
});

describe('vmm disasm', () => {
  it('prints assembly that names the image, with labels, constants and .entry', async () => {
    const dir = tempDir();
    const image = join(dir, 'hello.bin');
    await vmmIn(['asm', 'guests/bare/hello.s', '-o', image]);
    const r = await vmmIn(['disasm', image]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(`; vmm disasm ${image}`);
    expect(r.stdout).toContain('.equ CONSOLE_DATA, 0x10');
    expect(r.stdout).toMatch(/^start:\n {4}lui r1, 0 +; 0x00000000: 0x19100000$/m);
    expect(r.stdout).toMatch(/^ {4}out 0x10, r2 +; 0x00000014: 0x57200010$/m);
    expect(r.stdout).toMatch(/^\.entry start$/m);
  });

  it('-o writes the assembly to a file, which reassembles', async () => {
    const dir = tempDir();
    copyFileSync(join(ROOT, 'guests/bare/primes.s'), join(dir, 'primes.s'));
    const image = join(dir, 'p.bin');
    await vmmIn(['asm', 'guests/bare/primes.s', '-o', image]);
    const r = await vmmIn(['disasm', image, '-o', join(dir, 'p.dis.s')]);
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    expect((await vmmIn(['asm', join(dir, 'p.dis.s')])).status).toBe(0);
    expect(readFileSync(join(dir, 'p.dis.bin')).length).toBeGreaterThan(40);
  });

  it('a missing or malformed image: exit 2', async () => {
    expectUsageError(await vmmIn(['disasm', 'nope.bin']), 'vmm: nope.bin: no such file');
    expectUsageError(await vmmIn(['disasm', 'package.json']), /^vmm: package\.json: offset 0 \(0x0\): bad magic/);
  });
});

describe('vmm isa', () => {
  it('prints the table grouped by class, and the verdict for both machines', async () => {
    const r = await vmmIn(['isa']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')[0]).toBe(`TOY32 instruction set: ${INSTRUCTIONS.length} instructions`);
    const groups = [...r.stdout.matchAll(/^(\w+) \((\d+)\) - /gm)].map((m) => [m[1], Number(m[2])] as const);
    expect(groups.map((g) => g[0])).toEqual(['innocuous', 'privileged', 'sensitive', 'hypercall']);
    expect(groups.reduce((n, g) => n + g[1], 0)).toBe(INSTRUCTIONS.length);
    for (const s of INSTRUCTIONS) expect(r.stdout).toMatch(new RegExp(`^  0x${s.opcode.toString(16).padStart(2, '0')}    ${s.mnemonic} `, 'm'));
    expect(r.stdout).toContain('Popek & Goldberg verdict');
    expect(r.stdout).toMatch(/^ {2}default machine: {2}sensitive ⊄ privileged: not classically virtualizable \(getf, setf, cpuid run in user mode without trapping\)$/m);
    expect(r.stdout).toMatch(/^ {2}strict machine: {3}sensitive ⊆ privileged: classically virtualizable/m);
  });

  it('--json has every instruction and both verdicts', async () => {
    const r = await vmmIn(['isa', '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.instructions).toHaveLength(INSTRUCTIONS.length);
    expect(Object.keys(doc.instructions[0])).toEqual(expect.arrayContaining(['mnemonic', 'opcode', 'format', 'class', 'cycles', 'summary', 'operands']));
    const sensitive = doc.instructions.filter((i: { class: string }) => i.class === 'sensitive').map((i: { mnemonic: string }) => i.mnemonic);
    expect(sensitive).toEqual(['getf', 'setf', 'cpuid']);
    expect(doc.verdicts).toEqual([
      expect.objectContaining({ machine: 'default', virtualizable: false, sensitiveUnprivileged: ['getf', 'setf', 'cpuid'] }),
      expect.objectContaining({ machine: 'strict', virtualizable: true, sensitiveUnprivileged: [] }),
    ]);
  });

  it('--markdown prints a table row per instruction', async () => {
    const r = await vmmIn(['isa', '--markdown']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter((l) => /^\| 0x/.test(l))).toHaveLength(INSTRUCTIONS.length);
  });

  it('through the bundle, with no colour when stdout is not a terminal', () => {
    const r = vmm(['isa'], { env: { FORCE_COLOR: undefined } });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });
});
