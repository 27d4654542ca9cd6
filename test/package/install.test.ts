// The package a class installs (README.md, "For instructors"): `npm pack` makes a tarball
// that installs globally into an empty prefix, offline and with an empty npm cache (the
// bundle carries its dependencies, so the package has none), without running a build, and
// gives a working `vmm` with its docs, guests and built-in include directory.
//
// The tarball is packed from the current build (dist/, `npm run build`; `npm test` makes it)
// with --ignore-scripts: a real `npm pack` first runs `prepare` (the build), which would
// rewrite dist/ under the other test files that run it at the same time.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTemp, ROOT, requireBundle, tempDir } from '../cli/helpers.js';

const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
};

/** Files of the checkout a student needs, which the installed package must hold. */
const NEEDED = /^(README\.md|docs\/[^/]+\.(md|txt)|docs\/labs\/.+|guests\/.+\.(s|inc|expected|input|txt)|editors\/.+)$/;
/** What else the installed package holds: its package.json and the bundle. */
const BUILT = /^(package\.json|dist\/vmm\.js|dist\/chunks\/[^/]+\.js|dist\/THIRD_PARTY_LICENSES\.txt|dist\/assets\/(viewer\.js|viewer\.css|chart\.umd\.min\.js))$/;

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** npm (or vmm) without the npm_* variables of an `npm test` around us. */
function spawn(command: string, args: readonly string[], cwd: string): Run {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const r = spawnSync(command, args, { cwd, env: { ...env, FORCE_COLOR: '0' }, encoding: 'utf8', timeout: 40_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

let work = '';
let prefix = '';
let installed = '';
let vmm = '';

beforeAll(() => {
  requireBundle();
  work = tempDir();
  const pack = spawn('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
  expect(pack.status, pack.stderr).toBe(0);
  const [{ filename }] = JSON.parse(pack.stdout) as [{ filename: string }];
  prefix = join(work, 'prefix');
  // An empty cache and --offline: nothing may be fetched. Every script may run (npm 11 would
  // otherwise skip the package's and only name them; older npm runs them and ignores the
  // flag), so a build run on install would fail here: the package has no sources to build.
  const install = spawn(
    'npm',
    ['install', '--global', '--prefix', prefix, '--cache', join(work, 'cache'), '--offline', '--no-audit', '--no-fund', '--foreground-scripts', '--dangerously-allow-all-scripts', join(work, filename)],
    work,
  );
  expect(install.status, install.stdout + install.stderr).toBe(0);
  installed = join(prefix, 'lib', 'node_modules', PACKAGE.name);
  vmm = join(prefix, 'bin', 'vmm');
}, 50_000);

afterAll(cleanTemp);

describe('the package installed with npm install -g from the tarball of npm pack', () => {
  it('builds on npm pack (prepare) and needs nothing to install: no dependencies, no build', () => {
    expect(PACKAGE.scripts.prepare).toBe('npm run build');
    expect(PACKAGE.dependencies ?? {}).toEqual({});
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
    expect(sha(join(installed, 'dist', 'vmm.js'))).toBe(sha(join(ROOT, 'dist', 'vmm.js')));
  });

  it('ships the licenses of the packages its bundle carries', () => {
    const notices = readFileSync(join(installed, 'dist', 'THIRD_PARTY_LICENSES.txt'), 'utf8');
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    for (const name of ['chalk', 'commander', 'ohm-js', 'chart.js']) {
      expect(notices).toContain(`${name} ${lock.packages[`node_modules/${name}`]!.version} (MIT)`);
    }
    expect(notices).toMatch(/Permission is hereby granted/);
  });

  it('gives a vmm command that knows its version', () => {
    const r = spawn(vmm, ['--version'], work);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(PACKAGE.version);
  });

  it('runs the installed hello.s from anywhere', () => {
    const r = spawn(vmm, ['run', join(installed, 'guests', 'bare', 'hello.s'), '--mode', 'bare'], work);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(ROOT, 'guests', 'bare', 'hello.expected'), 'utf8'));
  });

  it('writes the HTML report from anywhere, with the viewer and Chart.js of its own dist/assets', () => {
    const page = join(work, 'hello.html');
    const r = spawn(vmm, ['run', join(installed, 'guests', 'bare', 'hello.s'), '--mode', 'trap', '-q', '--report', page], work);
    expect(r.status, r.stderr).toBe(0);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('Chart.js v4');
    expect(html).toContain(readFileSync(join(ROOT, 'src', 'report', 'html', 'viewer.js'), 'utf8').split('\n')[0]);
    expect(html).not.toContain('sourceMappingURL');
  });

  it('finds .include "platform.inc" in its own guests/include for a source anywhere', () => {
    const lab = join(work, 'lab.s');
    writeFileSync(lab, '.include "platform.inc"\nstart:  movi r1, 0x41\n        out  CONSOLE_DATA, r1\n        hlt\n');
    const r = spawn(vmm, ['run', lab, '--mode', 'bare', '-q'], work);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('A');
  });

  it('holds the README, docs, guests and editor files of the checkout, and no sources or tests', () => {
    const have = new Set(filesUnder(installed));
    const needed = ['README.md', ...['docs', 'guests', 'editors'].flatMap((d) => filesUnder(join(ROOT, d), ROOT))].filter((f) => NEEDED.test(f));
    for (const f of ['guests/include/platform.inc', 'guests/bare/hello.s', 'guests/kernel/disk.txt', 'docs/assembler.md']) expect(needed).toContain(f);
    for (const f of needed) expect(have.has(f), f).toBe(true);
    for (const f of have) expect(NEEDED.test(f) || BUILT.test(f), f).toBe(true);
  });
});
