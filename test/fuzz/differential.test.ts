// The differential fuzzer (scripts/fuzz/): a fast, seeded slice of it runs here (every kind,
// every way vmm runs a program, all agreeing with the interpreted bare machine), and every
// reproduction it ever saved in test/fuzz/found/ is replayed the same way. `npm run fuzz --
// --count N` runs any number.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import { Machine } from '../../src/machine/machine.js';
import { encode } from '../../src/isa/encoding.js';
import { BY_MNEMONIC } from '../../src/isa/table.js';
import { CONSOLE_REG, CONSOLE_STATUS } from '../../src/machine/platform.js';
import { assemble, diskFor, divergence, firstDifference, generate, inputFor, machineFor, machineLine, neighbourOf, parseMachineLine, replay, replayWays, reproduction, run, ways } from '../../scripts/fuzz/differential.js';
import { devicesFor, KINDS } from '../../scripts/fuzz/generate.js';
import { MODES } from '../../src/vmm/modes/index.js';
import { combines, DEFAULT_TOPOLOGY, TOPOLOGIES } from '../../src/vmm/hosts/index.js';
import { ROOT } from '../support/guests.js';

const FOUND = join(ROOT, 'test', 'fuzz', 'found');
/** Programs a kind in the fast slice. */
const SLICE = 48;

describe('the ways a program is run', () => {
  it('are the bare machine interpreted and compiled, and every registered mode under every registered topology', () => {
    const names = ways().map((w) => w.mode);
    for (const m of MODES) expect(names).toContain(m.name);
    for (const t of TOPOLOGIES) {
      if (t.name === DEFAULT_TOPOLOGY) continue;
      for (const m of MODES) if (combines(t.name, m.build)) expect(ways().some((w) => w.mode === m.name && w.host === t.name), `${m.name} --host ${t.name}`).toBe(true);
    }
    expect(ways()[0]!.jit).toBe(false);
  });
  it('run every native mode beside a neighbour too, a program of another seed drawn from the seed alone', () => {
    for (const m of MODES.filter((x) => x.build === 'native')) expect(ways().some((w) => w.mode === m.name && w.neighbour), m.name).toBe(true);
    const a = neighbourOf(7);
    expect(neighbourOf(7)).toEqual(a);
    const kinds = new Set(Array.from({ length: 40 }, (_, i) => neighbourOf(i + 1).guest.image.symbols.length));
    expect(kinds.size).toBeGreaterThan(5);
    expect(new Set(Array.from({ length: 40 }, (_, i) => neighbourOf(i + 1).first))).toEqual(new Set([true, false]));
  });
  it("hold a program beside a neighbour to bare's console, end, instructions and clock", () => {
    // (seed 1's machine has a quantum of 1: the two interleave at every instruction, and each
    // switch back must load the program's own translation state again)
    const p = generate(1, 'paging');
    expect(machineFor(p).quantum).toBe(1);
    const beside = ways().filter((w, i) => i === 0 || w.neighbour);
    expect(beside.length).toBeGreaterThan(2);
    expect(divergence(p.source(), p, beside)).toBeUndefined();
    const want = run(assemble(p.source()), ways()[0]!, machineFor(p));
    for (const way of beside.slice(1)) {
      const got = run(assemble(p.source()), way, machineFor(p), {}, neighbourOf(1));
      expect({ ...got, report: '' }, way.name).toEqual({ ...want, report: '' });
    }
  });
  it('pair each way that compiles with an earlier twin that interprets the same way (but those beside a neighbour, held to bare)', () => {
    const all = ways();
    for (const [i, way] of all.entries()) {
      if (!way.jit || way.neighbour) continue;
      const twin = all.findIndex((w) => w.name === way.twin);
      expect(twin, way.name).toBeGreaterThanOrEqual(0);
      expect(twin).toBeLessThan(i);
      const { name, jit, regionHeat, twin: _, ...rest } = all[twin]!;
      expect(jit).toBe(false);
      expect({ ...way, name, jit, regionHeat, twin: undefined }).toEqual({ ...rest, name, jit, regionHeat, twin: undefined });
    }
  });
  it('hold a way to its twin on the whole report, not only what it shares with bare', () => {
    // (trap and full agree with bare on console, status and instructions, not on exits)
    const p = generate(2, 'paging');
    const [reference] = ways();
    const pair = [reference!, { ...reference!, name: 'trap', mode: 'trap' }, { ...reference!, name: 'full', mode: 'full', jit: true, twin: 'trap' }];
    const found = divergence(p.source(), p, pair);
    expect(found?.way).toBe('full');
    expect(found?.against).toBe('trap');
    expect(firstDifference(found!.want.report, found!.got.report)).toMatch(/^report\./);
  });
});

/** The word at `address` of a program's memory before and after its run on the bare
 *  machine, compiled (the run must halt). */
function wordBeforeAndAfter(p: ReturnType<typeof generate>, image: ReturnType<typeof assemble>, address: number): [number, number] {
  const machine = new Machine({ ...machineFor(p), strict: false }, { console: { putByte() {} } });
  machine.load(image);
  const before = machine.processor.memory.read32(address);
  expect(machine.run(1_000_000).status).toBe('halted');
  return [before, machine.processor.memory.read32(address)];
}

describe('the generated programs', () => {
  it('assemble, run to an end and print their checksum, in every kind', () => {
    for (const kind of KINDS) {
      const p = generate(1, kind);
      expect(p.kind).toBe(kind);
      expect(p.source()).toContain(`; fuzz program (${kind})`);
      expect(divergence(p.source(), p)).toBeUndefined();
    }
  });
  it('of the paging kind rewrite a hot instruction through an alias of its frame, every way alike', () => {
    // (the first three programs with such a loop: on the bare machine, compiled, the slot ends
    // holding one of the two words stored through the window, not its assembled one)
    const aliased = Array.from({ length: 40 }, (_, i) => generate(i + 1, 'paging'))
      .map((p) => ({ p, unit: /\.l(\d+): li r9, (-?\d+)\n(?:.*\n){3}\s*li r9, (-?\d+)\n\s*\.a\1: stw r9, \[r10\]/.exec(p.source()) }))
      .filter((x) => x.unit !== null)
      .slice(0, 3);
    expect(aliased).toHaveLength(3);
    for (const { p, unit } of aliased) {
      const image = assemble(p.source());
      const [assembled, now] = wordBeforeAndAfter(p, image, image.symbols.find((s) => s.name === `start.s${unit![1]}`)!.value);
      expect(now).not.toBe(assembled);
      expect([Number(unit![2]), Number(unit![3])]).toContain(now);
      expect(divergence(p.source(), p), `seed ${p.seed}`).toBeUndefined();
    }
  });
  it("of the paging kind write a routine's page through its own address and an alias, every way alike", () => {
    // (the first three programs with such units: on the bare machine the routine ends holding
    // a word a unit stored through the alias, not the `addi` it was assembled as)
    const units = /la r10, (ar\d)\n\s*li r11, (-?\d+)\n\s*stw r11, \[r10\]/g;
    const found = Array.from({ length: 40 }, (_, i) => generate(i + 1, 'paging'))
      .map((p) => ({ p, stores: [...p.source().matchAll(units)] }))
      .filter((x) => x.stores.length > 0)
      .slice(0, 3);
    expect(found).toHaveLength(3);
    for (const { p, stores } of found) {
      const image = assemble(p.source());
      const routine = stores[0]![1]!;
      const [assembled, now] = wordBeforeAndAfter(p, image, image.symbols.find((s) => s.name === routine)!.value);
      expect(now).not.toBe(assembled);
      expect(stores.filter((m) => m[1] === routine).map((m) => Number(m[2]))).toContain(now);
      expect(divergence(p.source(), p), `seed ${p.seed}`).toBeUndefined();
    }
  });
  it('of the irq kind are interrupted by the timer, in hot loops too', () => {
    // (the count of interrupts taken and the sum of the pcs they interrupted, in hex)
    const taken = Array.from({ length: 12 }, (_, i) => {
      const p = generate(i + 1, 'irq');
      const out = run(assemble(p.source()), ways()[0]!, machineFor(p));
      return Number.parseInt(/irqs ([0-9a-f]{8}) /.exec(out.console)![1]!, 16);
    });
    expect(taken.filter((n) => n > 0).length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...taken)).toBeGreaterThanOrEqual(20);
  });
  it('of the dma kind move data and code by DMA, routines over the one the program calls included', () => {
    // (on the bare machine, interpreted: the transfers the disk made, and whether the routine
    // the program calls is one from the disk at the end, not the `ret` it starts as)
    const ret = encode(BY_MNEMONIC.get('jr')!, [15], 0);
    const runs = Array.from({ length: 12 }, (_, i) => {
      const p = generate(i + 1, 'dma');
      const image = assemble(p.source());
      const machine = new Machine({ ...machineFor(p), jit: false, strict: false }, { console: { putByte() {} }, disk: p.disk, input: p.input });
      machine.load(image);
      expect(machine.run(1_000_000).status).toBe('halted');
      const patch = image.symbols.find((s) => s.name === 'patch')!.value;
      return { transfers: machine.devices.disk.transfers, replaced: machine.processor.memory.read32(patch) !== ret };
    });
    // (11 and 9 of these 12 when this was written)
    expect(runs.filter((r) => r.transfers > 0).length).toBeGreaterThanOrEqual(8);
    expect(runs.filter((r) => r.replaced).length).toBeGreaterThanOrEqual(6);
    // the disk and input come from the seed alone (a saved reproduction makes them again)
    expect(generate(5, 'dma').disk).toEqual(diskFor(5));
    expect(generate(5, 'dma').input).toEqual(inputFor(5));
  });
  it("of the input kind take the console's input by interrupt, at points their units choose", () => {
    // (on the bare machine, interpreted: interrupts taken, and the input left unread at the
    // end, of programs without the timer, whose every interrupt is the console's)
    const runs = Array.from({ length: 40 }, (_, i) => {
      const p = generate(i + 1, 'input');
      const bytes: number[] = [];
      const machine = new Machine({ ...machineFor(p), jit: false, strict: false }, { console: { putByte: (b) => void bytes.push(b) }, input: p.input });
      machine.load(assemble(p.source()));
      const status = machine.run(1_000_000).status;
      const interrupts = /irqs ([0-9a-f]{8}) /.exec(Buffer.from(bytes).toString('latin1'));
      return {
        status,
        timer: p.source().includes('timer_start'),
        input: p.input!.length,
        left: machine.devices.console.read(CONSOLE_REG.STATUS) === CONSOLE_STATUS.INPUT_READY,
        interrupts: interrupts ? Number.parseInt(interrupts[1]!, 16) : 0,
      };
    });
    const console = runs.filter((r) => !r.timer && r.input > 0);
    expect(console.length).toBeGreaterThanOrEqual(10);
    // some take every byte by interrupt, some only a few where a unit turns the line on
    expect(console.filter((r) => r.interrupts > 0 && r.interrupts >= r.input).length).toBeGreaterThanOrEqual(3);
    expect(console.filter((r) => r.interrupts > 0 && r.left).length).toBeGreaterThanOrEqual(3);
    expect(runs.filter((r) => r.status === 'halted').length).toBeGreaterThanOrEqual(30);
    // the input comes from the seed alone, as the dma kind's does
    expect(generate(5, 'input').input).toEqual(devicesFor(5, 'input').input);
    expect(generate(5, 'input').disk).toBeUndefined();
  });
  it("record their whole machine in a reproduction's fuzz: line, which the replay reads back", () => {
    // every setting machineFor draws, the hardware-assisted CPU's included, for every kind
    const header = (seed: number, kind: string) => `; Found by the differential fuzzer: seed ${seed}, kind ${kind}; full differed from bare (interpreted).`;
    const assists = new Set<string>();
    for (const kind of KINDS) {
      for (let seed = 1; seed <= 40; seed++) {
        const p = generate(seed, kind);
        const line = parseMachineLine(`${header(seed, kind)}\n${machineLine(p)}\n; fuzz program`);
        if (typeof line === 'string') expect.fail(line);
        expect(line.machine, `${kind} ${seed}`).toEqual(machineFor(p));
        expect(line.devices).toEqual(devicesFor(seed, kind));
        expect(line.kind).toBe(kind);
        expect(line.seed).toBe(seed);
        assists.add(JSON.stringify(line.machine.assist));
      }
    }
    expect(assists.size).toBeGreaterThanOrEqual(8);
    // a line saved before the limit and the hardware-assisted CPU were recorded: they are
    // what its seed drew (seed 516 of smc: nested paging off, a raw program's limit)
    for (const [seed, kind] of [[516, 'smc'], [3, 'raw']] as const) {
      const old = parseMachineLine(`${header(seed, kind)}\n; fuzz: memory=1048576 tlb=64 tagged=false quantum=10000`);
      if (typeof old === 'string') expect.fail(old);
      const drawn = machineFor(generate(seed, kind));
      expect({ max: old.machine.maxInstructions, assist: old.machine.assist }).toEqual({ max: drawn.maxInstructions, assist: drawn.assist });
    }
    expect(machineFor(generate(516, 'smc')).assist!.nestedPaging).toBe(false);
    // and lines that cannot be replayed say why
    const bad = (line: string) => parseMachineLine(`${header(1, 'plain')}\n${line}`);
    expect(parseMachineLine('; fuzz: memory=1048576 tlb=64 tagged=false quantum=7')).toBe('no "; Found by the differential fuzzer: seed N, kind K" line');
    expect(parseMachineLine(`${header(1, 'frob')}\n; fuzz: memory=4096`)).toMatch(/^kind frob: no such kind/);
    expect(bad('; a program')).toBe('no "; fuzz:" line');
    expect(bad('; fuzz: ')).toBe('no "; fuzz:" line');
    expect(bad('; fuzz: memory=1048576 tlb=64 tagged=false quantum=7 colour=red')).toBe('unknown field "colour=red" in the fuzz: line');
    expect(bad('; fuzz: memory=1048576 tlb=64 tagged=false quantum=7 tlb=1')).toBe('tlb= twice in the fuzz: line');
    expect(bad('; fuzz: memory=1048576 tlb=sixty tagged=false quantum=7')).toBe('tlb=sixty: not a whole number from 1');
    expect(bad('; fuzz: memory=1048576 tlb=48 tagged=false quantum=7')).toBe('tlb=48: not a power of two from 1 to 4096');
    expect(bad('; fuzz: memory=4097 tlb=64 tagged=false quantum=7')).toBe('memory=4097: not a multiple of 4096');
    expect(bad('; fuzz: memory=1048576 tlb=64 tagged=false quantum=7 max=5=6')).toBe('max=5=6: not a whole number from 1');
    expect(bad('; fuzz: memory=1048576 tlb=64 tagged=false quantum=0')).toBe('quantum=0: not a whole number from 1');
    expect(bad('; fuzz: memory=1048576 tlb=64 tagged=false quantum=7 npt=maybe')).toBe('npt=maybe: neither on nor off');
    expect(bad('; fuzz: memory=1048576 tlb=64 quantum=7')).toBe('the fuzz: line has no tagged=');
    expect(bad('; fuzz: memory=1048576 tlb=64 tagged=false quantum=7 exit-on=bogus')).toMatch(/^the fuzz: line's exit controls: --exit-on bogus: no such exit control/);
  });

  it('replay as the fuzzer ran them: in every way, PARAVIRT ones included where the program builds so', () => {
    const p = generate(3, 'plain');
    const want = run(assemble(p.source()), ways()[0]!, machineFor(p));
    const text = reproduction(p, p.units, { way: 'para', against: 'bare (interpreted)', want, got: want });
    const path = join(FOUND, 'plain-3.s'); // (where it would be saved: its include is relative to that)
    expect(replayWays(text).filter((w) => w.build === 'paravirt').length).toBeGreaterThan(0);
    expect(replay(text, path)).toBeUndefined();
    // one saved before its privileged operations were paravirt.inc's builds natively only
    expect(replayWays(readFileSync(join(FOUND, 'plain-206.s'), 'utf8')).every((w) => w.build === 'native')).toBe(true);
  });
  it('are the same for the same seed, and differ from seed to seed', () => {
    expect(generate(7).source()).toBe(generate(7).source());
    expect(generate(7).source()).not.toBe(generate(8).source());
  });
});

describe(`a seeded slice: ${SLICE} programs of each kind agree in every way (each compiled way with its interpreted twin on the whole report)`, () => {
  for (const kind of KINDS) {
    it(kind, () => {
      const diverged: string[] = [];
      for (let seed = 1; seed <= SLICE; seed++) {
        const p = generate(seed, kind);
        const d = divergence(p.source(), p);
        if (d) diverged.push(`seed ${seed}: ${d.way}: ${JSON.stringify(d.got).slice(0, 200)} vs ${JSON.stringify(d.want).slice(0, 200)}`);
      }
      expect(diverged).toEqual([]);
    }, 300_000);
  }
});

describe('the saved reproductions (test/fuzz/found/) agree in every way, and each compiled way with its interpreted twin on the whole report', () => {
  const files = readdirSync(FOUND).filter((f) => f.endsWith('.s'));
  it('are there', () => expect(files.length).toBeGreaterThan(0));
  for (const file of files) {
    it(file, () => {
      const path = join(FOUND, file);
      const text = readFileSync(path, 'utf8');
      // (in every way, as the fuzzer ran it: on the machine it was found on, with a dma
      // program's disk and console input made again from its seed)
      const found = replay(text, path);
      if (typeof found === 'string') expect.fail(`${file}: ${found}`);
      expect(found && `${found.way} differed from ${found.against}: ${firstDifference(found.want.report, found.got.report)}`).toBeUndefined();
    });
  }
});
