// `npm run fuzz -- [--count N] [--seed S] [--kind KIND] [--out DIR]`: the differential
// fuzzer (scripts/fuzz/): N generated programs from seed S on (each kind in turn, or one
// kind), each run in every way vmm can run it, which must all agree with the interpreted
// bare machine, and each compiled way with the same way interpreted on its whole report.
// A divergence is reduced to the fewest units that still show it and saved as
// DIR/<kind>-<seed>.s (default test/fuzz/found, where a test replays every file).
// Prints a line per kind: programs, clean, divergent; exit status 1 if any diverged.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { divergence, firstDifference, generate, reduce, reproduction, ways } from './fuzz/differential.js';
import { KINDS, type Kind } from './fuzz/generate.js';

const USAGE = 'usage: npm run fuzz -- [--count N] [--seed S] [--kind KIND] [--out DIR]';
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`${USAGE}\n(defaults: --count 1000 --seed 1, every kind in turn, --out test/fuzz/found)`);
  process.exit(0);
}
// (every argument an option and its value: a mistyped one is an error, not the defaults)
for (let i = 0; i < args.length; i += 2) {
  if (!['--count', '--seed', '--kind', '--out'].includes(args[i]!) || args[i + 1] === undefined) {
    console.error(`vmm fuzz: ${args[i + 1] === undefined && args[i]!.startsWith('--') ? `${args[i]} needs a value` : `unknown argument '${args[i]}'`}\n${USAGE}`);
    process.exit(2);
  }
}

function option(name: string, fallback: string): string {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : fallback;
}

const count = Number(option('--count', '1000'));
const first = Number(option('--seed', '1'));
const only = option('--kind', '');
const out = option('--out', join('test', 'fuzz', 'found'));
const problem =
  !Number.isInteger(count) || count < 1 || !Number.isInteger(first) ? '--count and --seed take whole numbers'
  : only && !(KINDS as readonly string[]).includes(only) ? `--kind must be one of ${KINDS.join(', ')}`
  : undefined;
if (problem) {
  console.error(`vmm fuzz: ${problem}\n${USAGE}`);
  process.exit(2);
}
const kinds: readonly Kind[] = only ? [only as Kind] : KINDS;

console.log(`vmm fuzz: ${count} programs from seed ${first}, kinds ${kinds.join(', ')}; ways: ${ways().map((w) => w.name).join(', ')}`);
const tally = new Map<Kind, { programs: number; clean: number; divergent: number }>(kinds.map((k) => [k, { programs: 0, clean: 0, divergent: 0 }]));
const t0 = performance.now();
for (let i = 0; i < count; i++) {
  const seed = first + i;
  const kind = kinds[i % kinds.length]!;
  if (i > 0 && i % 1000 === 0) console.log(`  ... ${i} programs, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  const program = generate(seed, kind);
  const t = tally.get(kind)!;
  t.programs++;
  const found = divergence(program.source(), program);
  if (!found) {
    t.clean++;
    continue;
  }
  t.divergent++;
  const units = reduce(program, found);
  mkdirSync(out, { recursive: true });
  const file = join(out, `${kind}-${seed}.s`);
  writeFileSync(file, reproduction(program, units, found));
  console.log(`DIVERGED seed ${seed} (${kind}): ${found.way} differs from ${found.against}; reduced from ${program.units.length} to ${units.length} units: ${file}`);
  console.log(`  first difference: ${firstDifference(found.want.report, found.got.report)}`);
}
for (const [kind, t] of tally) console.log(`${kind.padEnd(8)} ${String(t.programs).padStart(7)} programs  ${String(t.clean).padStart(7)} clean in every way  ${String(t.divergent).padStart(5)} divergent`);
console.log(`${count} programs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
process.exitCode = [...tally.values()].some((t) => t.divergent > 0) ? 1 : 0;
