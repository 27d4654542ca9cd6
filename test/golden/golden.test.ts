// Golden outputs: what `vmm run --json --stats` and `vmm trace --format jsonl` print for every
// guest program in every way of running it (bare, each VMM mode, trap --strict), plus runs of
// several guests at once. Refactoring commits keep these byte-identical; a commit that changes
// behaviour on purpose regenerates them (`npm run golden`) and says which changed and why.
//
// Each case is one file under test/golden/<way>/: the command, its exit status, stdout (the
// --json document), stderr (the summary) and the trace's JSON lines (kept whole when short,
// else as a sha256 and a line count).

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_MODES as MODES, buildFor } from '../../src/vmm/modes/index.js';
import { buildsOf, GUEST_TABLE, programs } from '../vmm/helpers.js';
import { ROOT } from '../support/guests.js';
import { vmmIn as cli } from '../cli/helpers.js';

const UPDATE = process.env.UPDATE_GOLDEN === '1';
const DIR = join(ROOT, 'test', 'golden');
/** Traces up to this many bytes are kept whole. */
const WHOLE_TRACE = 16 * 1024;

interface Case {
  way: string;
  name: string;
  args: string[];
}

/** The command-line arguments that give a guest its disk, defines and limit. */
function guestArgs(rel: string, name?: string): string[] {
  const spec = GUEST_TABLE[rel] ?? {};
  const args = [`guests/${rel}`];
  const who = name ? `${name}=` : '';
  if (spec.disk) args.push('--disk', `${who}guests/${spec.disk}`);
  if (spec.input) args.push('--input', `${who}guests/${spec.input}`);
  for (const [k, v] of Object.entries(spec.defines ?? {})) args.push('-D', `${k}=${v}`);
  return args;
}

function limitOf(rels: string[]): string[] {
  const limits = rels.map((r) => GUEST_TABLE[r]?.maxInstructions).filter((x): x is number => x !== undefined);
  return limits.length ? ['--max-instructions', String(Math.max(...limits))] : [];
}

function cases(): Case[] {
  const out: Case[] = [];
  const ways: [string, string[]][] = [...MODES.map((m) => [m, ['--mode', m]] as [string, string[]]), ['trap-strict', ['--mode', 'trap', '--strict']]];
  // Each guest in each way that runs one of its builds (para assembles the PARAVIRT one).
  const runs = (way: string, rels: string[]) => rels.every((r) => buildsOf(r).includes(buildFor(way.replace('-strict', ''))));
  for (const [way, flags] of ways) {
    for (const rel of programs()) if (runs(way, [rel])) out.push({ way, name: rel.replace(/\//g, '-').replace(/\.s$/, ''), args: [...guestArgs(rel), ...limitOf([rel]), ...flags] });
  }
  // Several guests on one host: switches between them, quanta, a tagged TLB.
  const several: [string, string[], string[]][] = [
    ['tinyos+primes', ['kernel/tinyos.s', 'bare/primes.s'], []],
    ['hello+secret+kread', ['bare/hello.s', 'bare/secret.s', 'attack/kread.s'], ['--quantum', '777']],
    ['tinyos+sieve-tagged', ['kernel/tinyos.s', 'bench/sieve.s'], ['--tlb-tagged', '--tlb', '16', '--quantum', '3000']],
    ['storm+spin+hello', ['attack/storm.s', 'attack/spin.s', 'bare/hello.s'], ['--quantum', '5000']],
  ];
  for (const [way, flags] of ways) {
    if (way === 'bare') continue;
    for (const [name, rels, extra] of several) {
      if (!runs(way, rels)) continue;
      const args = rels.flatMap((r) => guestArgs(r, r.replace(/^.*\//, '').replace(/\.s$/, '')));
      // -D applies to every .s input; keep one of each.
      const defines = [...new Set(args.flatMap((a, i) => (args[i - 1] === '-D' ? [a] : [])))];
      const plain = args.filter((a, i) => a !== '-D' && args[i - 1] !== '-D');
      out.push({ way, name, args: [...plain, ...defines.flatMap((d) => ['-D', d]), ...limitOf(rels), ...extra, ...flags] });
    }
  }
  // The hosted topology (docs/topologies.md): the VMM as a process of the host OS.
  const hosted: [string, string[], string[]][] = [
    ['hosted-tinyos+primes', ['kernel/tinyos.s', 'bare/primes.s'], ['--host', 'hosted']],
    ['hosted-busy-tinyos', ['kernel/tinyos.s'], ['--host', 'hosted', '--host-app', 'busy']],
  ];
  for (const [way, flags] of ways) {
    if (way === 'bare') continue;
    for (const [name, rels, extra] of hosted) {
      if (!runs(way, rels)) continue;
      const args = rels.length > 1 ? rels.flatMap((r) => guestArgs(r, r.replace(/^.*\//, '').replace(/\.s$/, ''))) : guestArgs(rels[0]!);
      out.push({ way, name, args: [...args, ...extra, ...flags] });
    }
  }
  return out;
}


async function render(c: Case): Promise<string> {
  const run = await cli(['run', ...c.args, '--json', '--stats']);
  const parts = [`$ vmm run ${c.args.join(' ')} --json --stats`, `status ${run.status}`, '--- stdout', run.stdout, '--- stderr', run.stderr];
  if (c.way !== 'bare') {
    const trace = await cli(['trace', ...c.args, '--format', 'jsonl', '-q']);
    const lines = trace.stdout.split('\n').length - 1;
    parts.push(`--- trace (status ${trace.status}, ${lines} records)`);
    parts.push(trace.stdout.length <= WHOLE_TRACE ? trace.stdout : `sha256 ${createHash('sha256').update(trace.stdout).digest('hex')}\n`);
    if (trace.stderr) parts.push('--- trace stderr', trace.stderr);
  }
  return parts.join('\n');
}

describe('golden outputs (byte-identical unless a commit changes them on purpose)', () => {
  const all = cases();
  it('cover every way of running every guest program', () => {
    expect(all.length).toBeGreaterThan(programs().length * (MODES.length - 1));
  });
  for (const c of all) {
    it(`${c.way}/${c.name}`, async () => {
      const path = join(DIR, c.way, `${c.name}.txt`);
      const got = await render(c);
      if (UPDATE) {
        mkdirSync(join(DIR, c.way), { recursive: true });
        writeFileSync(path, got);
        return;
      }
      expect(existsSync(path), `${path} is missing: run npm run golden`).toBe(true);
      expect(got).toBe(readFileSync(path, 'utf8'));
    });
  }
});
