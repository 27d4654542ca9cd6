// Every shell example in README.md and docs/*.md runs, and prints what the docs say it prints.
//
// An example is a fenced block tagged ```sh whose commands start with "$ " (a command ending in
// "\" continues on the next line); the lines below a command, up to the next "$ ", are its
// expected output: stdout and stderr together, as a terminal shows them (trailing spaces and
// trailing blank lines ignored). A line that is exactly "..." stands for any number of lines.
// Commands run with bash from a scratch copy of the project's guests/ (so examples may write
// files), with `vmm` meaning `node dist/vmm.js` and no colour. A block preceded by
// <!-- skip-example --> is not run; ```sh blocks with no "$ " line are not examples.
// The README's quick start is checked to be exactly `npm ci && npm start` and `npm test`
// (not run: too slow), and the command behind `npm start` is run once.

import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE, cleanTemp, expectedOf, ROOT, requireBundle, tempDir } from './helpers.js';

beforeAll(requireBundle);
afterAll(cleanTemp);

interface Command {
  command: string;
  expected: string[];
  line: number;
}
interface Block {
  file: string;
  line: number;
  marker: string | undefined;
  lines: string[];
  commands: Command[];
}

/** Programs an example may call besides vmm (harmless, and present on any Unix). */
const ALLOWED = new Set(['vmm', 'echo', 'printf', 'cat', 'head', 'tail', 'grep', 'wc', 'cmp', 'diff', 'ls', 'sort', 'uniq', 'cut', 'jq', 'sed', 'true']);

function blocksOf(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!fence) continue;
    const info = fence[3]!.trim();
    let end = i + 1;
    while (end < lines.length && !lines[end]!.trimStart().startsWith(fence[2]!)) end++;
    if (info === 'sh') {
      let prev = i - 1;
      while (prev >= 0 && lines[prev]!.trim() === '') prev--;
      const marker = /^<!--\s*([\w-]+)\s*-->$/.exec(lines[prev]?.trim() ?? '')?.[1];
      const body = lines.slice(i + 1, end);
      blocks.push({ file, line: i + 1, marker, lines: body, commands: commandsOf(body, i + 2) });
    }
    i = end;
  }
  return blocks;
}

function commandsOf(body: string[], firstLine: number): Command[] {
  const commands: Command[] = [];
  for (let k = 0; k < body.length; k++) {
    const l = body[k]!;
    if (l.startsWith('$ ')) {
      let command = l.slice(2);
      const line = firstLine + k;
      while (command.endsWith('\\') && k + 1 < body.length) command = command.slice(0, -1) + '\n' + body[++k]!;
      commands.push({ command, expected: [], line });
    } else if (commands.length) {
      commands.at(-1)!.expected.push(l);
    }
  }
  return commands;
}

/** The programs a command line calls: the first word of each pipeline stage. */
function programsOf(command: string): string[] {
  return command
    .replace(/'[^']*'|"[^"]*"/g, "''")
    .split(/\|\|?|&&|;|\n/)
    .map((part) => part.trim().split(/\s+/).find((w) => !/^\w+=/.test(w)) ?? '')
    .filter((w) => w !== '');
}

function normalize(lines: string[]): string[] {
  const out = lines.map((l) => l.trimEnd());
  while (out.length && out.at(-1) === '') out.pop();
  return out;
}

/** Does `actual` match `expected`, where a "..." line in expected matches any lines? */
function matches(expected: string[], actual: string[]): boolean {
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (memo.has(key)) return memo.get(key)!;
    let result: boolean;
    if (i === expected.length) result = j === actual.length;
    else if (expected[i] === '...') result = go(i + 1, j) || (j < actual.length && go(i, j + 1));
    else result = j < actual.length && expected[i] === actual[j] && go(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

const hasJq = spawnSync('sh', ['-c', 'command -v jq'], { encoding: 'utf8' }).status === 0;

/** A scratch copy of what examples use, with `vmm` on the PATH. */
function scratch(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir();
  cpSync(join(ROOT, 'guests'), join(dir, 'guests'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'vmm'), `#!/bin/sh\nexec "${process.execPath}" "${BUNDLE}" "$@"\n`);
  chmodSync(join(bin, 'vmm'), 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FORCE_COLOR: '0' };
  delete env.NO_COLOR;
  delete env.VMM_DEBUG;
  delete env.COLUMNS;
  return { dir, env };
}

const docs = ['README.md', ...readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => `docs/${f}`)];
const examples = docs.flatMap((f) => blocksOf(f)).filter((b) => b.commands.length > 0);

describe('shell examples in the docs', () => {
  it('there are examples in README.md, docs/cli.md and docs/trace-format.md', () => {
    for (const f of ['README.md', 'docs/cli.md', 'docs/trace-format.md']) expect(examples.filter((b) => b.file === f).length, f).toBeGreaterThan(0);
  });

  for (const block of examples) {
    const title = `${block.file}:${block.line}: ${block.commands[0]!.command.split('\n')[0]}${block.commands.length > 1 ? ` (+${block.commands.length - 1})` : ''}`;
    const skip = block.marker === 'skip-example' || (!hasJq && block.commands.some((c) => programsOf(c.command).includes('jq')));
    it.skipIf(skip)(title, () => {
      const { dir, env } = scratch();
      for (const c of block.commands) {
        const where = `${block.file}:${c.line}: $ ${c.command}`;
        for (const p of programsOf(c.command)) expect(ALLOWED.has(p), `${where}\n'${p}' is not a command examples may run (mark the block <!-- skip-example -->)`).toBe(true);
        const r = spawnSync('bash', ['-c', `{ ${c.command}\n} 2>&1`], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 });
        expect(r.status === 0 || r.status === 1 || r.status === 2, `${where}\nexit status ${r.status}\n${r.stdout}`).toBe(true);
        expect(r.stdout, where).not.toContain('internal error');
        const actual = normalize(r.stdout.split('\n'));
        const expected = normalize(c.expected);
        if (!matches(expected, actual)) expect(actual.join('\n'), where).toBe(expected.join('\n'));
      }
    });
  }
});

describe('the examples of every command\'s --help', () => {
  // An example is a line "  vmm ..." after "Examples"; it runs as written in a scratch copy of
  // the guests, with the status its comment states ("# status 1") or else 0.
  const helpOf = (name: string) => spawnSync(process.execPath, [BUNDLE, name, '--help'], { encoding: 'utf8' }).stdout;
  const commands = spawnSync(process.execPath, [BUNDLE, '--help'], { encoding: 'utf8' })
    .stdout.split('Commands:')[1]!
    .split('\n')
    .map((l) => /^ {2}([a-z]+)\b/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined && c !== 'help');

  it('every command has examples', () => {
    expect(commands).toEqual(expect.arrayContaining(['asm', 'disasm', 'inspect', 'isa', 'run', 'trace']));
    for (const name of commands) expect(helpOf(name), name).toMatch(/\nExamples\b.*:\n {2}vmm /);
  });

  for (const name of ['asm', 'disasm', 'inspect', 'isa', 'run', 'trace']) {
    it.skipIf(!hasJq)(`vmm ${name} --help: each example runs as written`, () => {
      const help = helpOf(name);
      const lines = help.slice(help.indexOf('\nExamples')).split('\n').filter((l) => l.startsWith('  vmm '));
      expect(lines.length).toBeGreaterThan(0);
      const { dir, env } = scratch();
      for (const line of lines) {
        const [command, comment = ''] = line.trim().split(/\s+#\s+/);
        const status = Number(/^status (\d)/.exec(comment)?.[1] ?? 0);
        for (const p of programsOf(command!)) expect(ALLOWED.has(p), `${line}: '${p}'`).toBe(true);
        const r = spawnSync('bash', ['-o', 'pipefail', '-c', `{ ${command}\n} 2>&1`], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 });
        expect(r.status, `vmm ${name} --help: ${line}\n${r.stdout}`).toBe(status);
        expect(r.stdout).not.toContain('internal error');
      }
    });
  }
});

describe('the README quick start', () => {
  const readme = blocksOf('README.md');

  it('is exactly two commands: npm ci && npm start, then npm test', () => {
    const quick = readme.filter((b) => b.marker === 'quick-start');
    expect(quick).toHaveLength(1);
    expect(quick[0]!.lines.filter((l) => l.trim() !== '')).toEqual(['npm ci && npm start', 'npm test']);
    // ... and it is the first code block of the README.
    expect(readme[0]).toBe(quick[0]);
  });

  it('npm start runs tinyos and primes side by side under --mode full', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const start = pkg.scripts.start!;
    expect(start).toMatch(/^node dist\/vmm\.js run .*--mode full/);
    expect(pkg.scripts.test).toBe('vitest run');
    expect(pkg.scripts.pretest).toContain('npm run build');
    const r = spawnSync('sh', ['-c', start], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const of = (name: string) => lines.filter((l) => l.startsWith(`${name} | `)).map((l) => l.slice(name.length + 3) + '\n').join('');
    expect(of('tinyos')).toBe(expectedOf('guests/kernel/tinyos.expected'));
    expect(of('primes')).toBe(expectedOf('guests/bare/primes.expected'));
    expect(r.stderr).toMatch(/^tinyos \(full\): halted/m);
    expect(r.stderr).toMatch(/^primes \(full\): halted/m);
    // ... then says what it showed, naming the mode, and what to try next
    const tour = readFileSync(join(ROOT, 'docs', 'start.txt'), 'utf8');
    expect(r.stdout.endsWith(tour)).toBe(true);
    expect(tour).toContain('under --mode full');
  });

  it('the commands npm start suggests run as written, with the status they say', () => {
    const lines = readFileSync(join(ROOT, 'docs', 'start.txt'), 'utf8').split('\n').filter((l) => l.startsWith('  vmm '));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const { dir, env } = scratch();
    for (const line of lines) {
      const [command, comment = ''] = line.trim().split(/\s+#\s+/);
      const status = Number(/status (\d)/.exec(comment)?.[1] ?? 0);
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', `{ ${command}\n} 2>&1`], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(r.status, `${line}\n${r.stdout}`).toBe(status);
    }
  });
});

describe('the example runner', () => {
  it('matches "..." against any lines', () => {
    expect(matches(['a', '...', 'z'], ['a', 'b', 'c', 'z'])).toBe(true);
    expect(matches(['a', '...', 'z'], ['a', 'z'])).toBe(true);
    expect(matches(['a', '...'], ['b'])).toBe(false);
    expect(matches([], [])).toBe(true);
    expect(matches([], ['x'])).toBe(false);
  });

  it('finds the programs of a pipeline', () => {
    expect(programsOf("vmm trace a.s --format jsonl | jq -r '.reason | ascii' && echo ok; FOO=1 vmm x")).toEqual(['vmm', 'jq', 'echo', 'vmm']);
  });
});
