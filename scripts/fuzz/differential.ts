// The differential fuzzer: every generated program (generate.ts) runs in every way vmm can
// run it (the bare machine interpreted, the bare machine with its block compiler, with and
// without its regions formed at once, and every registered mode, with --strict where a
// mode's equivalence asks for it, under every host topology of the registry), and every way
// must give the same console output, status, reason and instruction count as the
// interpreted bare machine. A mode that runs another build (para: the PARAVIRT one) runs the
// kinds that build both ways (plain) and must give the same console output and status (its
// instructions are others). Each way that compiles runs interpreted too, and the two must
// give the same whole report (the engine changes no figure: exits, traps, TLB figures,
// cycles, ticks, pc). A divergence is reduced to the fewest units that still show it.

import { join } from 'node:path';
import { assembleFile, assembleSource, formatDiagnostic, PARAVIRT_SYMBOL } from '../../src/asm/index.js';
import type { Image } from '../../src/image/model.js';
import { makeCostModel } from '../../src/machine/costs.js';
import { HOT_THRESHOLD } from '../../src/machine/interpreter.js';
import type { GuestInput } from '../../src/machine/config.js';
import type { ConsoleSink, GuestReport } from '../../src/report/guest-report.js';
import { runGuests, runGuestsDom0, runGuestsHosted, type RunConfig } from '../../src/report/run.js';
import { combines, DEFAULT_DOM0_IMAGE, DEFAULT_HOST_IMAGE, DEFAULT_TOPOLOGY, TOPOLOGIES, type Topology } from '../../src/vmm/hosts/index.js';
import { DOM0_MEMORY_BYTES } from '../../src/vmm/hosts/dom0/dom0-abi.js';
import { MODES, REFERENCE } from '../../src/vmm/modes/index.js';
import { controlSettings } from '../../src/vmm/modes/hw/controls.js';
import type { Build } from '../../src/vmm/modes/mode.js';
import { devicesFor, diskFor, generate, inputFor, KINDS, Random, type Kind, type Program } from './generate.js';

/** One way to run a program. */
export interface Way {
  readonly name: string;
  readonly mode: string;
  readonly jit: boolean;
  /** With the compiler: blocks join their page's region after this many entries (absent:
   *  the default, which short programs seldom reach). */
  readonly regionHeat?: number;
  readonly strict: boolean;
  /** The build it runs; a PARAVIRT way runs only the kinds in `kinds`, and is held to the
   *  console output and status alone. */
  readonly build: Build;
  readonly kinds?: readonly Kind[];
  /** The host topology (docs/topologies.md); absent: the default one. */
  readonly host?: Topology;
  /** --bt inline (a mode that translates). */
  readonly inlineTranslation?: boolean;
  /** The way (run before it) whose whole report this one's must equal: the same way
   *  interpreted, for a way that compiles. */
  readonly twin?: string;
  /** Run beside a neighbour (another seed's program: neighbourOf), which must change nothing
   *  the program shows: console, status, reason and instructions as alone on bare. */
  readonly neighbour?: boolean;
}

/** The kinds whose programs build both ways (their privileged operations are paravirt.inc's
 *  ops; the others program the MMU and the devices themselves). */
export const PARAVIRT_KINDS: readonly Kind[] = ['plain'];

/** The kinds that run beside a neighbour, and that neighbours are drawn from: all but
 *  ptecode, whose 272 MiB guests two at a time would not fit the host. */
export const NEIGHBOUR_KINDS: readonly Kind[] = KINDS.filter((k) => k !== 'ptecode');

/** Regions as soon as the compiler allows: every way but the default-compiled bare one runs
 *  its code in regions (jit.ts), translated kernel code under full included. */
const EARLY_REGIONS = { jit: true, regionHeat: HOT_THRESHOLD + 1 } as const;

/** The reference first, then every other way, from the mode registry; each way of a mode
 *  that compiles comes after its interpreted twin. */
export function ways(): Way[] {
  const reference = `${REFERENCE.name} (interpreted)`;
  const out: Way[] = [
    { name: reference, mode: REFERENCE.name, jit: false, strict: false, build: 'native' },
    { name: `${REFERENCE.name} (compiled)`, mode: REFERENCE.name, jit: true, strict: false, build: 'native', twin: reference },
    { name: `${REFERENCE.name} (compiled, regions)`, mode: REFERENCE.name, ...EARLY_REGIONS, strict: false, build: 'native', twin: reference },
  ];
  const withTwin = (way: Omit<Way, 'jit' | 'twin'>) => {
    const twin = `${way.name} (interpreted)`;
    out.push({ ...way, name: twin, jit: false }, { ...way, ...EARLY_REGIONS, twin });
  };
  for (const m of MODES) {
    const kinds = m.build === 'paravirt' ? { kinds: PARAVIRT_KINDS } : {};
    withTwin({ name: m.name, mode: m.name, strict: false, build: m.build, ...kinds });
    if (m.equivalence.exactUnless) withTwin({ name: `${m.name} --strict`, mode: m.name, strict: true, build: m.build, ...kinds });
    if (m.translates) withTwin({ name: `${m.name} --bt inline`, mode: m.name, strict: false, build: m.build, inlineTranslation: true, ...kinds });
  }
  // each native mode with a neighbour (--strict where the mode's equivalence asks for it):
  // isolation, and each guest's own clock, for random programs on both sides
  for (const m of MODES) {
    if (m.build !== 'native') continue;
    const strict = m.equivalence.exactUnless !== undefined;
    out.push({ name: `${m.name}${strict ? ' --strict' : ''} beside a neighbour`, mode: m.name, ...EARLY_REGIONS, strict, build: 'native', neighbour: true, kinds: NEIGHBOUR_KINDS });
  }
  // every other topology of the registry, each mode under it (--strict where the mode's
  // equivalence asks for it: the run must match exactly)
  for (const t of TOPOLOGIES) {
    if (t.name === DEFAULT_TOPOLOGY) continue;
    for (const m of MODES) {
      if (!combines(t.name, m.build)) continue;
      const kinds = m.build === 'paravirt' ? { kinds: PARAVIRT_KINDS } : {};
      const strict = m.equivalence.exactUnless !== undefined;
      withTwin({ name: `${m.name}${strict ? ' --strict' : ''} --host ${t.name}`, mode: m.name, strict, build: m.build, host: t.name, ...kinds });
    }
  }
  return out;
}

/** How each topology runs one guest (the host OS of hosted assembled once, with a busy
 *  application: the harder case). */
let hostImage: Image | undefined;
const RUN_ON: Record<Topology, (guest: GuestInput, mode: string, config: RunConfig, console: ConsoleSink) => GuestReport> = {
  'bare-metal': (guest, mode, config, console) => runGuests([guest], mode, config, [console])[0]!,
  hosted: (guest, mode, config, console) => {
    hostImage ??= assembleHost();
    return runGuestsHosted([guest], mode, config, [console], { image: hostImage, file: `guests/${DEFAULT_HOST_IMAGE}`, app: 'busy', faultTick: 0 }).guests[0]!;
  },
  dom0: (guest, mode, config, console) => {
    dom0Image ??= assembleGuest(DEFAULT_DOM0_IMAGE, { [PARAVIRT_SYMBOL]: 1 });
    return runGuestsDom0([guest], mode, config, [console], { image: dom0Image, file: `guests/${DEFAULT_DOM0_IMAGE}`, crashAt: 0, memoryBytes: DOM0_MEMORY_BYTES }).guests[0]!;
  },
};
let dom0Image: Image | undefined;

function assembleHost(): Image {
  return assembleGuest(DEFAULT_HOST_IMAGE, {});
}

function assembleGuest(rel: string, defines: Record<string, number>): Image {
  const { image, diagnostics } = assembleFile(join(process.cwd(), 'guests', rel), { runnable: true, defines });
  if (!image) throw new Error(`guests/${rel} does not assemble:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return image;
}

export interface Outcome {
  console: string;
  status: string;
  reason: string;
  instructions: number;
  /** The guest's clock at its end (instructions and ticks halted): a neighbour way's must be
   *  bare's, as every guest's own clock is. */
  ticks: number;
  /** The whole report (as JSON), for a way's twin. */
  report: string;
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
    // the hardware-assisted CPU's settings (only --mode hw reads them)
    assist: {
      nestedPaging: r.chance(0.7),
      vpid: r.chance(0.7),
      exitOn: r.chance(0.3) ? ['cr,exceptions,invlpg,tlbflush'] : [],
      noExitOn: r.chance(0.3) ? ['hlt,io'] : [],
    },
  };
}

/** Assemble a program's source as if it were guests/fuzz/NAME.s (its include is relative). */
export function assemble(source: string, root = process.cwd(), build: Build = 'native'): Image {
  return assembleAt(source, join(root, 'guests', 'fuzz', 'program.s'), build);
}

/** Assemble a program's source as the file at `path` (its includes relative to it), natively
 *  or with PARAVIRT defined. */
function assembleAt(source: string, path: string, build: Build): Image {
  const { image, diagnostics } = assembleSource(source, path, build === 'paravirt' ? { defines: { [PARAVIRT_SYMBOL]: 1 } } : {});
  if (!image) throw new Error(`${path} does not assemble${build === 'paravirt' ? ' with PARAVIRT defined' : ''}:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  return image;
}

/** A program's disk and console input (the dma and input kinds'), if it has them. */
export type Devices = Pick<Program, 'disk' | 'input'>;

/** The guest a program of seed `seed` runs beside in a neighbour way: another seed's
 *  program, of a kind drawn from the seed (NEIGHBOUR_KINDS), with its devices; first or
 *  second in the line-up, as the seed says. */
export interface Neighbour {
  readonly guest: GuestInput;
  readonly first: boolean;
}

export function neighbourOf(seed: number): Neighbour {
  const r = new Random(seed ^ 0x5bd1e995);
  const kind = r.pick(NEIGHBOUR_KINDS);
  const other = generate(r.next(), kind);
  return { guest: { name: 'neighbour', image: assemble(other.source()), disk: other.disk, input: other.input }, first: r.chance(0.5) };
}

export function run(image: Image, way: Way, machine: Omit<RunConfig, 'jit' | 'strict'>, devices: Devices = {}, neighbour?: Neighbour): Outcome {
  const bytes: number[] = [];
  const sink: ConsoleSink = { putByte: (b) => void bytes.push(b), finish() {}, text: () => Buffer.from(bytes).toString('latin1') };
  const guest: GuestInput = { name: 'fuzz', image, disk: devices.disk, input: devices.input };
  const config: RunConfig = { ...machine, jit: way.jit, regionHeat: way.regionHeat, strict: way.strict, inlineTranslation: way.inlineTranslation };
  let r: GuestReport;
  if (way.neighbour) {
    if (!neighbour) throw new Error(`${way.name}: no neighbour given`);
    const silent: ConsoleSink = { putByte() {}, finish() {}, text: () => '' };
    const reports = runGuests(neighbour.first ? [neighbour.guest, guest] : [guest, neighbour.guest], way.mode, config, neighbour.first ? [silent, sink] : [sink, silent]);
    r = reports[neighbour.first ? 1 : 0]!;
  } else r = RUN_ON[way.host ?? DEFAULT_TOPOLOGY](guest, way.mode, config, sink);
  return { console: r.console, status: r.status, reason: r.reason, instructions: r.instructions, ticks: r.ticks, report: JSON.stringify(r) };
}

export interface Divergence {
  way: string;
  /** What it was held to: the reference's outcome, or its twin's whole report. */
  against: string;
  want: Outcome;
  got: Outcome;
}

/** Run a source in every way; the first way that differs from what it is held to, if any. */
export function divergence(source: string, program: Program, every = ways()): Divergence | undefined {
  return compareWays((build) => assemble(source, undefined, build), program.kind, program.seed, machineFor(program), program, every);
}

/** Run a program, built by `build`, in every way on `machine`: the first way that differs
 *  from what it is held to, if any. */
function compareWays(build: (build: Build) => Image, kind: Kind, seed: number, machine: Omit<RunConfig, 'jit' | 'strict'>, devices: Devices, every: readonly Way[]): Divergence | undefined {
  const image = build('native');
  let paravirt: Image | undefined;
  let neighbour: Neighbour | undefined;
  const reference = every[0]!;
  const want = run(image, reference, machine, devices);
  const outcomes = new Map<string, Outcome>([[reference.name, want]]);
  for (const way of every.slice(1)) {
    if (way.kinds && !way.kinds.includes(kind)) continue;
    let got: Outcome;
    if (way.build === 'paravirt') {
      // Its ops run more instructions: a reference cut short by the instruction limit is no
      // end to compare with, and the PARAVIRT build gets four times the limit.
      if (want.status === 'limit') continue;
      got = run((paravirt ??= build('paravirt')), way, { ...machine, maxInstructions: machine.maxInstructions * 4 }, devices);
      if (got.console !== want.console || got.status !== want.status) return { way: way.name, against: reference.name, want, got };
    } else {
      got = run(image, way, machine, devices, way.neighbour ? (neighbour ??= neighbourOf(seed)) : undefined);
      if (got.console !== want.console || got.status !== want.status || got.reason !== want.reason || got.instructions !== want.instructions || (way.neighbour && got.ticks !== want.ticks)) {
        return { way: way.name, against: reference.name, want, got };
      }
    }
    const twin = way.twin === undefined ? undefined : outcomes.get(way.twin);
    if (twin && got.report !== twin.report) return { way: way.name, against: way.twin!, want: twin, got };
    outcomes.set(way.name, got);
  }
  return undefined;
}

/** A saved reproduction (`text`, the file at `path`) run again as the fuzzer ran it: in every
 *  way, PARAVIRT ones included, on the machine of its `; fuzz:` line, with the disk and input
 *  of its seed. The first way that differs, if any; a string says what is wrong with the file. */
export function replay(text: string, path: string): Divergence | string | undefined {
  const line = parseMachineLine(text);
  if (typeof line === 'string') return line;
  return compareWays((build) => assembleAt(text, path, build), line.kind, line.seed, line.machine, line.devices, replayWays(text));
}

/** The ways a saved reproduction runs in: every way, but the PARAVIRT ones for a program
 *  saved before the generator wrote its privileged operations as paravirt.inc's ops (it
 *  builds natively only). */
export function replayWays(text: string): Way[] {
  const paravirt = /^\.include "[^"]*\/paravirt\.inc"/m.test(text);
  return ways().filter((w) => paravirt || w.build === 'native');
}

/** The first field (a JSON path) where two reports differ, with both values. */
export function firstDifference(want: string, got: string): string {
  const walk = (a: unknown, b: unknown, path: string): string | undefined => {
    if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const d = walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
        if (d) return d;
      }
      return undefined;
    }
    return JSON.stringify(a) === JSON.stringify(b) ? undefined : `${path}: ${JSON.stringify(a)} against ${JSON.stringify(b)}`;
  };
  return walk(JSON.parse(want), JSON.parse(got), 'report') ?? 'none';
}

/** The fewest units that still diverge in the same way (delta debugging over the units). */
export function reduce(program: Program, found: Divergence): string[] {
  const way = ways().filter((w, i) => i === 0 || w.name === found.way || w.name === found.against);
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
  const header = [`; Found by the differential fuzzer: seed ${program.seed}, kind ${program.kind}; ${found.way} differed from ${found.against}.`, machineLine(program)];
  return `${header.join('\n')}\n${program.source(units).replace(/\.include "\.\.\/include\//g, '.include "../../../guests/include/')}`;
}

/** A reproduction's `; fuzz:` line: the whole machine the program ran on (machineFor: every
 *  setting its seed drew, the hardware-assisted CPU's included), and the seed of its disk and
 *  input when it has them (diskFor, inputFor). */
export function machineLine(program: Program): string {
  const m = machineFor(program);
  const a = m.assist!;
  const onOff = (on: boolean) => (on ? 'on' : 'off');
  return (
    `; fuzz: memory=${m.memoryBytes} tlb=${m.tlbSize} tagged=${m.tlbTagged} quantum=${m.quantum} max=${m.maxInstructions}` +
    ` npt=${onOff(a.nestedPaging)} vpid=${onOff(a.vpid)}${a.exitOn.length ? ` exit-on=${a.exitOn.join(',')}` : ''}${a.noExitOn.length ? ` no-exit-on=${a.noExitOn.join(',')}` : ''}` +
    (program.disk || program.input ? ` devices=${program.seed}` : '')
  );
}

/** The program a reproduction came from, as its first lines name it: `; Found by the
 *  differential fuzzer: seed N, kind K`. */
const FOUND = /^; Found by the differential fuzzer: seed (\d+), kind (\w+)/m;

/** The machine, devices, kind and seed of a reproduction (its `; fuzz:` line, machineLine,
 *  and the seed and kind its header names; the seed draws its neighbour too), or a message
 *  saying what is wrong with it. Settings the line of an older reproduction lacks are those
 *  its seed drew (machineFor); the line must hold memory=, tlb=, tagged= and quantum=. */
export function parseMachineLine(text: string): { machine: Omit<RunConfig, 'jit' | 'strict'>; devices: Devices; kind: Kind; seed: number } | string {
  const found = FOUND.exec(text);
  if (!found) return 'no "; Found by the differential fuzzer: seed N, kind K" line';
  const kind = found[2] as Kind;
  if (!KINDS.includes(kind)) return `kind ${kind}: no such kind (${KINDS.join(', ')})`;
  const drawn = machineFor(generate(Number(found[1]), kind));
  const line = /^; fuzz:(.*)$/m.exec(text)?.[1];
  if (line === undefined || line.trim() === '') return 'no "; fuzz:" line';
  const fields = new Map<string, string>();
  for (const field of line.trim().split(/\s+/)) {
    const at = field.indexOf('=');
    const key = at < 0 ? field : field.slice(0, at);
    if (at < 0 || !Object.hasOwn(FIELDS, key)) return `unknown field "${field}" in the fuzz: line`;
    if (fields.has(key)) return `${key}= twice in the fuzz: line`;
    fields.set(key, field.slice(at + 1));
  }
  for (const key of ['memory', 'tlb', 'tagged', 'quantum']) if (!fields.has(key)) return `the fuzz: line has no ${key}=`;
  for (const [key, value] of fields) {
    const problem = FIELDS[key as keyof typeof FIELDS](value);
    if (problem) return `${key}=${value}: ${problem}`;
  }
  const get = (key: string) => fields.get(key);
  const list = (key: string, drawnList: readonly string[]) => (get(key) === undefined ? [...drawnList] : [get(key)!]);
  const assist = drawn.assist!;
  const machine = {
    ...drawn,
    memoryBytes: Number(get('memory')),
    tlbSize: Number(get('tlb')),
    tlbTagged: get('tagged') === 'true',
    quantum: Number(get('quantum')),
    maxInstructions: get('max') === undefined ? drawn.maxInstructions : Number(get('max')),
    assist: {
      nestedPaging: get('npt') === undefined ? assist.nestedPaging : get('npt') === 'on',
      vpid: get('vpid') === undefined ? assist.vpid : get('vpid') === 'on',
      exitOn: list('exit-on', assist.exitOn),
      noExitOn: list('no-exit-on', assist.noExitOn),
    },
  };
  try {
    controlSettings(machine.assist.nestedPaging, machine.assist.exitOn, machine.assist.noExitOn);
  } catch (e) {
    return `the fuzz: line's exit controls: ${(e as Error).message}`;
  }
  const seed = get('devices');
  return { machine, devices: seed === undefined ? {} : devicesFor(Number(seed), kind), kind, seed: Number(found[1]) };
}

/** Each field of a fuzz: line, and what is wrong with a value of it (undefined: nothing). */
const whole = (min: number) => (v: string) => (/^\d+$/.test(v) && Number.isSafeInteger(Number(v)) && Number(v) >= min ? undefined : `not a whole number from ${min}`);
const FIELDS = {
  memory: (v: string) => whole(4096)(v) ?? (Number(v) % 4096 === 0 ? undefined : 'not a multiple of 4096'),
  tlb: (v: string) => whole(1)(v) ?? (Number(v) <= 4096 && (Number(v) & (Number(v) - 1)) === 0 ? undefined : 'not a power of two from 1 to 4096'),
  tagged: (v: string) => (v === 'true' || v === 'false' ? undefined : 'neither true nor false'),
  quantum: whole(1),
  max: whole(1),
  npt: (v: string) => (v === 'on' || v === 'off' ? undefined : 'neither on nor off'),
  vpid: (v: string) => (v === 'on' || v === 'off' ? undefined : 'neither on nor off'),
  'exit-on': (v: string) => (v === '' ? 'an empty list' : undefined),
  'no-exit-on': (v: string) => (v === '' ? 'an empty list' : undefined),
  devices: whole(0),
};

export { diskFor, generate, inputFor, type Kind, type Program };
