// Sources from anywhere: `.include "platform.inc"` from any directory (vmm's own include
// directory, found from the installed bundle), -I for `vmm asm`, `vmm run` and `vmm trace`,
// and a binary given as a source (one error, status 2).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTemp, expectClean, expectUsageError, requireBundle, ROOT, tempDir, vmm, vmmIn } from './helpers.js';

const HELLO = ['.include "platform.inc"', 'start:  movi r1, 72', '        out CONSOLE_DATA, r1', '        movi r1, 10', '        out CONSOLE_DATA, r1', '        hlt', ''].join('\n');

afterAll(cleanTemp);

describe('.include "platform.inc" from a source outside the repository', () => {
  beforeAll(requireBundle);

  it('works through the built bundle, whatever the current directory', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.s'), HELLO);
    const asm = vmm(['asm', join(dir, 'a.s')], { cwd: dir });
    expect(asm, asm.stderr).toMatchObject({ status: 0, stderr: '' });
    expect(existsSync(join(dir, 'a.bin'))).toBe(true);
    const run = vmm(['run', 'a.s', '--mode', 'bare', '-q'], { cwd: dir });
    expect(run).toMatchObject({ status: 0, stdout: 'H\n' });
  });

  it('uses the include directory of the package the bundle is in (an installed copy uses its own)', () => {
    const pkg = tempDir();
    cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    mkdirSync(join(pkg, 'guests', 'include'), { recursive: true });
    const platform = readFileSync(join(ROOT, 'guests', 'include', 'platform.inc'), 'utf8');
    writeFileSync(join(pkg, 'guests', 'include', 'platform.inc'), platform + 'INSTALLED_COPY = 1\n');
    const dir = tempDir();
    writeFileSync(join(dir, 'a.s'), HELLO + '.word INSTALLED_COPY\n');
    const r = spawnSync(process.execPath, [join(pkg, 'dist', 'vmm.js'), 'asm', join(dir, 'a.s'), '-o', join(dir, 'a.bin')], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const missing = vmm(['asm', join(dir, 'a.s')], { cwd: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("undefined symbol 'INSTALLED_COPY'");
  });

  it('a missing include names every place searched, the built-in directory last', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'a.s'), '.include "nope.inc"\nstart: hlt\n');
    const r = await vmmIn(['asm', join(dir, 'a.s'), '-I', join(dir, 'lib')]);
    expectUsageError(r, `${join(dir, 'a.s')}:1:10: error: cannot include 'nope.inc': no such file (searched ${join(dir, 'nope.inc')}, ${join(dir, 'lib', 'nope.inc')}, ${join(ROOT, 'guests', 'include', 'nope.inc')})`);
  });
});

describe('-I, --include <dir>', () => {
  /** main.s includes k.inc, which lib1 and lib2 both have (K = 1 and K = 2); the guest prints K. */
  function project(): string {
    const dir = tempDir();
    for (const [lib, k] of [['lib1', 1], ['lib2', 2]] as const) {
      mkdirSync(join(dir, lib));
      writeFileSync(join(dir, lib, 'k.inc'), `K = '0' + ${k}\n`);
    }
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'main.s'), '.include "platform.inc"\n.include "k.inc"\nstart:  movi r1, K\n        out CONSOLE_DATA, r1\n        hlt\n');
    return dir;
  }

  it('vmm asm searches the -I directories in order, after the including file\'s directory', async () => {
    const dir = project();
    const main = join(dir, 'src', 'main.s');
    const listing = async (...dirs: string[]) => {
      const r = await vmmIn(['asm', main, '-o', join(dir, 'out.bin'), '-l', join(dir, 'out.lst'), ...dirs.flatMap((d) => ['-I', join(dir, d)])]);
      expect(r.status, r.stderr).toBe(0);
      return readFileSync(join(dir, 'out.lst'), 'utf8');
    };
    expect(await listing('lib1', 'lib2')).toContain(`; ${join(dir, 'lib1', 'k.inc')}`);
    expect(await listing('lib2', 'lib1')).toContain(`; ${join(dir, 'lib2', 'k.inc')}`);
    expect(await listing('lib1', 'lib2')).toContain(`; ${join(ROOT, 'guests', 'include', 'platform.inc')}`);
    writeFileSync(join(dir, 'src', 'k.inc'), 'K = 0\n');
    expect(await listing('lib1', 'lib2')).toContain(`; ${join(dir, 'src', 'k.inc')}`);
  });

  it('vmm run and vmm trace take -I for the sources they assemble', async () => {
    const dir = project();
    const main = join(dir, 'src', 'main.s');
    expect(await vmmIn(['run', main, '--mode', 'bare', '-q', '-I', join(dir, 'lib2'), '--include', join(dir, 'lib1')])).toMatchObject({ status: 0, stdout: '2' });
    const trace = await vmmIn(['trace', main, '--mode', 'trap', '-q', '--include', join(dir, 'lib1'), '-o', join(dir, 'trace.txt')]);
    expect(trace).toMatchObject({ status: 0, stdout: '1' });
    const without = await vmmIn(['run', main, '--mode', 'bare', '-q']);
    expectUsageError(without, "cannot include 'k.inc': no such file");
  });

  it("vmm run searches -I for the host OS's source (--host-image) and guest 0's (--dom0-image) too", async () => {
    const dir = tempDir();
    // (each includes vmm's own, found through -I: guests/)
    writeFileSync(join(dir, 'host.s'), '.include "host/hostos.s"\n');
    writeFileSync(join(dir, 'dom0.s'), '.include "dom0/dom0.s"\n');
    const hello = join(ROOT, 'guests/bare/hello.s');
    const guests = ['-I', join(ROOT, 'guests'), '--json', '--no-overhead'];
    const hosted = await vmmIn(['run', hello, '--mode', 'full', '--host', 'hosted', '--host-image', join(dir, 'host.s'), ...guests]);
    expect(hosted.status, hosted.stderr).toBe(0);
    expect(JSON.parse(hosted.stdout).guests[0].console).toBe('hello, world\n');
    const dom0 = await vmmIn(['run', hello, '--mode', 'para', '--host', 'dom0', '--dom0-image', join(dir, 'dom0.s'), ...guests]);
    expect(dom0.status, dom0.stderr).toBe(0);
    expect(JSON.parse(dom0.stdout).guests[0].console).toBe('hello, world\n');
    // with only images as guests, -I is not idle when it serves the host's source
    const image = join(dir, 'hello.bin');
    expect((await vmmIn(['asm', hello, '-o', image])).status).toBe(0);
    const r = await vmmIn(['run', image, '--mode', 'full', '--host', 'hosted', '--host-image', join(dir, 'host.s'), ...guests]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('-I does nothing');
    // (-D is the guests' only: not read for the host's build, however it is written)
    const d = await vmmIn(['run', image, '--mode', 'full', '--host', 'hosted', '-D', '9x', '-q']);
    expect(d.status, d.stderr).toBe(0);
    expect(d.stderr).toContain('-D does nothing');
    const without = await vmmIn(['run', hello, '--mode', 'full', '--host', 'hosted', '--host-image', join(dir, 'host.s'), '--json']);
    expectUsageError(without, "cannot include 'host/hostos.s': no such file");
  });

  it('a directory that does not exist, or a file, is a usage error', async () => {
    const dir = project();
    const main = join(dir, 'src', 'main.s');
    expectUsageError(await vmmIn(['asm', main, '-I', join(dir, 'nope')]), `error: -I ${join(dir, 'nope')}: no such directory`);
    expectUsageError(await vmmIn(['run', main, '-I', main]), `error: -I ${main}: not a directory`);
  });

  it('with only images, -I does nothing, and vmm run says so', async () => {
    const dir = project();
    expect((await vmmIn(['asm', join(dir, 'src', 'main.s'), '-o', join(dir, 'main.bin'), '-I', join(dir, 'lib1')])).status).toBe(0);
    const r = await vmmIn(['run', join(dir, 'main.bin'), '--mode', 'bare', '-q', '-I', join(dir, 'lib1')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('vmm: warning: -I does nothing: no input is assembly source');
  });
});

describe('a binary given as a source', () => {
  beforeAll(requireBundle);

  /** A .bin image made by vmm asm, in a scratch directory. */
  function binary(): string {
    const dir = tempDir();
    writeFileSync(join(dir, 'hello.s'), HELLO);
    expect(vmm(['asm', 'hello.s'], { cwd: dir }).status).toBe(0);
    return dir;
  }

  it('vmm asm: one clear error at the first NUL byte, no raw bytes, status 2', () => {
    const dir = binary();
    const r = vmm(['asm', 'hello.bin', '-o', 'again.bin'], { cwd: dir });
    expect(r.status).toBe(2);
    expectClean(r);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^hello\.bin:1:\d+: error: 'hello\.bin' is not a text file: it looks like a binary, with a NUL byte here \(a \.bin image\? use vmm disasm\)$/);
    expect(lines[1]!.startsWith('  TOY32IMG')).toBe(true);
    expect(lines[2]).toMatch(/^ +\^$/);
    expect(lines[3]).toBe('vmm: hello.bin: 1 error; no image written');
    expect(r.stderr).not.toMatch(/[\0-\x08\x0b-\x1f\x7f\ufffd]/);
    expect(existsSync(join(dir, 'again.bin'))).toBe(false);
  });

  it('vmm run of a binary named .s, and a binary included: the same one error', async () => {
    const dir = binary();
    cpSync(join(dir, 'hello.bin'), join(dir, 'oops.s'));
    const run = await vmmIn(['run', join(dir, 'oops.s')]);
    expectUsageError(run, `'${join(dir, 'oops.s')}' is not a text file: it looks like a binary`);
    expect(run.stderr.match(/: error: /g)).toHaveLength(1);
    writeFileSync(join(dir, 'main.s'), 'start:  hlt\n.include "hello.bin"\n');
    const inc = await vmmIn(['asm', join(dir, 'main.s')]);
    expectUsageError(inc, new RegExp(`main\\.s:2:10: error: cannot include 'hello\\.bin': '.*hello\\.bin' is not a text file: it looks like a binary, with a NUL byte at line 1, column \\d+ \\(a \\.bin image\\? use vmm disasm\\)`));
    expect(inc.stderr.match(/: error: /g)).toHaveLength(1);
  });
});
