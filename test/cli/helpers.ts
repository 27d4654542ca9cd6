// Helpers for the CLI end-to-end tests: run the built bundle (dist/vmm.js) as a child process,
// or main() in-process with an in-memory Io (much faster), and check what came out.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { memoryIo, MemoryWriter } from '../support/io.js';
import type { Io } from '../../src/cli/io.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLE = join(ROOT, 'dist', 'vmm.js');
export const FIXTURES = 'test/cli/fixtures';

/** Paths in the tests are relative to the project root, as a student would type them. */
export function atRoot(): void {
  if (process.cwd() !== ROOT) process.chdir(ROOT);
}

/** The tests of the bundle need `npm run build` (npm test runs it first, via pretest). */
export function requireBundle(): void {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (\`npm test\` does it for you)`);
  const built = statSync(BUNDLE).mtimeMs;
  const newest = newestMtime(join(ROOT, 'src'));
  if (newest > built + 1000) console.warn(`warning: dist/vmm.js is older than src/: run \`npm run build\` (the bundle tests run the old build)`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export interface Result {
  status: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd?: string;
  /** Extra environment; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  input?: string | Uint8Array;
}

/** Run `node dist/vmm.js ARGS` with FORCE_COLOR=0 (unless env says otherwise). */
export function vmm(args: readonly string[], options: SpawnOptions = {}): Result {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: '0', NO_COLOR: undefined, VMM_DEBUG: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const r = spawnSync(process.execPath, [BUNDLE, ...args], {
    cwd: options.cwd ?? ROOT,
    env: env as NodeJS.ProcessEnv,
    input: options.input ?? '',
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface InProcessOptions {
  color?: boolean;
  /** Replace parts of the Io (e.g. readFile to serve files from memory). */
  io?: Partial<Io>;
}

/** Run main(ARGS) in-process with stdout and stderr kept in memory. */
export async function vmmIn(args: readonly string[], options: InProcessOptions = {}): Promise<Result> {
  atRoot();
  const base = memoryIo(ROOT, options.color ?? false);
  const io = { ...base, ...options.io } as Io & { out: MemoryWriter; err: MemoryWriter };
  const status = await main(args, io);
  return { status, stdout: base.out.text(), stderr: base.err.text() };
}

/** A stack-trace line of V8 ("    at foo (file.js:1:2)"). */
export const STACK_LINE = /^\s+at .*\(.*:\d+:\d+\)/m;

/** No JavaScript stack trace, no internal error, no uncaught-exception banner. */
export function expectClean(r: Result): void {
  const all = r.stdout + '\n' + r.stderr;
  expect(all, 'stack trace').not.toMatch(STACK_LINE);
  expect(all, 'JS error').not.toMatch(/^(\w*Error|Uncaught|node:internal)\b/m);
  expect(all, 'internal error').not.toContain('internal error');
  expect(r.status, `exit status 70 means a bug in vmm\n${r.stderr}`).not.toBe(70);
}

/** A usage or input error: status 2, a message on stderr, nothing on stdout, no trace. */
export function expectUsageError(r: Result, message: string | RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  expectClean(r);
  if (typeof message === 'string') expect(r.stderr).toContain(message);
  else expect(r.stderr).toMatch(message);
  expect(r.stderr.trim().split('\n').length, r.stderr).toBeLessThanOrEqual(8);
}

/** Temporary directories, removed by cleanTemp() (call it in afterAll). */
const temps: string[] = [];
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmm-cli-'));
  temps.push(dir);
  return dir;
}
export function cleanTemp(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function expectedOf(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** ANSI escape sequences (SGR colour codes and any other CSI). */
export const ESCAPE = /\x1b\[[0-9;]*[A-Za-z]/;
