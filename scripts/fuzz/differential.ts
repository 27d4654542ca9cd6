// The differential fuzzer: every generated program (generate.ts) runs in every way vmm can
// run it (the bare machine interpreted, the bare machine with its block compiler, and every
// registered mode, with --strict where a mode's equivalence asks for it), and every way must
// give the same console output, status, reason and instruction count as the interpreted bare
// machine. A divergence is reduced to the fewest units that still show it.

import { join } from 'node:path';
import { assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import type { Image } from '../../src/image/model.js';
import { makeCostModel } from '../../src/machine/costs.js';
import type { ConsoleSink } from '../../src/report/guest-report.js';
import { runGuests, type RunConfig } from '../../src/report/run.js';
import { MODES, REFERENCE } from '../../src/vmm/modes/index.js';
import { generate, Random, type Kind, type Program } from './generate.js';

/** One way to run a program. */
export interface Way {
  readonly name: string;
  readonly mode: string;
  readonly jit: boolean;
  readonly strict: boolean;
}

/** The reference first, then every other way, from the mode registry. */
export function ways(): Way[] {
  const out: Way[] = [
    { name: `${REFERENCE.name} (interpreted)`, mode: REFERENCE.name, jit: false, strict: false },
    { name: `${REFERENCE.name} (compiled)`, mode: REFERENCE.name, jit: true, strict: false },
  ];
  for (const m of MODES) {
    out.push({ name: m.name, mode: m.name, jit: true, strict: false });
    if (m.equivalence.exactUnless) out.push({ name: `${m.name} --strict`, mode: m.name, jit: true, strict: true });
  }
  return out;
}

export interface Outcome {
  console: string;
  status: string;
  reason: string;
  instructions: number;
}

/** The machine a program runs on, drawn from its seed (so it is the same for every way). */
export function machineFor(program: Program): Omit<RunConfig, 'jit' | 'strict'> {
  const r = new Random(program.seed ^ 0x2545f491);
  return {
    memoryBytes: program.memoryBytes,
    tlbSize: r.pick([1, 4, 64, 64]),
    tlbTagged: r.chance(0.3),
    costs: makeCostModel(),
    // enough for every kind but raw, whose random branches may loop for ever
    maxInstructions: program.kind === 'raw' ? 100_000 : 1_000_000,
    quantum: r.pick([1, 7, 1000, 10_000]),
    overhead: false,
  };
}

/** Assemble a program's source as if it were guests/fuzz/NAME.s (its include is relative). */
export function assemble(source: string, root = process.cwd()): Image {
  const { image, diagnostics } = assembleSource(source, join(root, 'guests', 'fuzz', 'program.s'));
  if (!image) throw new Error(`a generated program does not assemble:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return image;
}

export function run(image: Image, way: Way, machine: Omit<RunConfig, 'jit' | 'strict'>): Outcome {
  const bytes: number[] = [];
  const sink: ConsoleSink = { putByte: (b) => void bytes.push(b), finish() {}, text: () => Buffer.from(bytes).toString('latin1') };
  const [r] = runGuests([{ name: 'fuzz', image }], way.mode, { ...machine, jit: way.jit, strict: way.strict }, [sink]);
  return { console: r!.console, status: r!.status, reason: r!.reason, instructions: r!.instructions };
}

export interface Divergence {
  way: string;
  want: Outcome;
  got: Outcome;
}

/** Run a source in every way; the first way that differs from the reference, if any. */
export function divergence(source: string, program: Program, every = ways()): Divergence | undefined {
  const image = assemble(source);
  const machine = machineFor(program);
  const want = run(image, every[0]!, machine);
  for (const way of every.slice(1)) {
    const got = run(image, way, machine);
    if (got.console !== want.console || got.status !== want.status || got.reason !== want.reason || got.instructions !== want.instructions) return { way: way.name, want, got };
  }
  return undefined;
}

/** The fewest units that still diverge in the same way (delta debugging over the units). */
export function reduce(program: Program, found: Divergence): string[] {
  const way = ways().filter((w, i) => i === 0 || w.name === found.way);
  const diverges = (units: readonly string[]) => divergence(program.source(units), program, way) !== undefined;
  let units = [...program.units];
  for (let chunk = Math.ceil(units.length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let at = 0; at < units.length; ) {
      const fewer = [...units.slice(0, at), ...units.slice(at + chunk)];
      if (fewer.length > 0 && diverges(fewer)) units = fewer;
      else at += chunk;
    }
  }
  return units;
}

/** A reduced reproduction as a file of its own: header, then the source (its include made
 *  relative to test/fuzz/found/). */
export function reproduction(program: Program, units: readonly string[], found: Divergence): string {
  const machine = machineFor(program);
  const header = [
    `; Found by the differential fuzzer: seed ${program.seed}, kind ${program.kind}; ${found.way} differed from the reference.`,
    `; fuzz: memory=${machine.memoryBytes} tlb=${machine.tlbSize} tagged=${machine.tlbTagged} quantum=${machine.quantum}`,
  ];
  return `${header.join('\n')}\n${program.source(units).replace('.include "../include/platform.inc"', '.include "../../../guests/include/platform.inc"')}`;
}

export { generate, type Kind, type Program };
