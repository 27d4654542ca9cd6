// Isolation, the VMM's second test oracle (docs/vmm.md): nothing a guest does can read or
// change another guest or the VMM, or crash vmm. Every hostile guest in guests/attack/ runs
// beside well-behaved guests (primes, tinyos with its disk, secret) in every registered mode
// (and, for a mode that cannot follow every guest, also with --strict); the well-behaved
// guests must end exactly as they do alone (console, status, counts, registers, memory, even
// the host frames their mode was given) and the attacker must end as it does on bare
// hardware (or, where the mode says it cannot run it faithfully, at least end with a stated
// reason).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GuestInput } from '../../src/machine/config.js';
import type { GuestReport } from '../../src/report/guest-report.js';
import { MODES, modeNamed } from '../../src/vmm/modes/index.js';
import { CR } from '../../src/isa/arch.js';
import { assemble, assembleText, guestPath, ROOT, run, runOne } from '../support/guests.js';
import type { Build } from '../../src/vmm/modes/mode.js';
import { buildsOf, expectedOutput, framesHash, guest, looseOutcome, outcome, programs, runHv, TOPOLOGY_RUNNERS, vmState, type HvRun, type RunOptions, type VmmMode } from './helpers.js';
import { combines, DEFAULT_TOPOLOGY, exactTiming, TOPOLOGIES } from '../../src/vmm/hosts/index.js';

const ATTACKS = programs().filter((g) => g.startsWith('attack/'));
const VICTIMS = ['bare/primes.s', 'kernel/tinyos.s', 'bare/secret.s'];
/** Stands in for the attacker in the baseline run (same slot, so the same host frames). */
const STAND_IN = 'bare/hello.s';

/** Attackers whose kernel uses sensitive-unprivileged instructions: a mode that says it
 *  cannot follow such guests (plain trap) is only required to end them with a stated reason. */
const SENSITIVE_IN_KERNEL = new Set(['attack/kread.s', 'attack/selfmod.s']);
/** Known VMM bugs in the attacker's OWN behaviour (reported; see equivalence.test.ts). */
const OWN_OUTPUT_BUG: Record<string, Set<VmmMode>> = {};
/** Attackers that hang vmm in a mode (reported; checked in a child process below). */
const HANGS: Record<string, Set<VmmMode>> = {};

interface Config {
  label: string;
  mode: VmmMode;
  /** The build the mode runs: victims and attackers are run in it (attackers without it
   *  are not run in this configuration). */
  build: Build;
  options: RunOptions;
  victims: string[];
  /** Where the attacker goes among the guests. */
  attackerFirst: boolean;
  /** Attackers not run in this configuration. */
  skip?: ReadonlySet<string>;
}

/** Long attackers without a sensitive instruction: plain trap mode runs them exactly as
 *  --strict does, so they are run under --strict only (and alone in equivalence.test.ts). */
const HEAVY_AND_NOT_SENSITIVE: ReadonlySet<string> = new Set(['attack/ports.s', 'attack/pt-escape.s', 'attack/shadow-flood.s']);

/** Victims whose kernel runs sensitive instructions (a mode that cannot follow them, as its
 *  equivalence says, gets them only with --strict). */
const SENSITIVE_VICTIMS = new Set(['kernel/tinyos.s']);

/** Every mode; a mode that cannot follow every guest (trap) twice: with --strict and all
 *  victims, and plain with the victims it can run. The attacker goes first or last by mode. */
const CONFIGS: Config[] = MODES.flatMap((mode): Config[] => {
  const build = mode.build;
  if (!mode.equivalence.exactUnless) return [{ label: mode.name, mode: mode.name, build, options: {}, victims: VICTIMS, attackerFirst: true }];
  return [
    { label: `${mode.name} --strict`, mode: mode.name, build, options: { strict: true }, victims: VICTIMS, attackerFirst: false },
    { label: mode.name, mode: mode.name, build, options: {}, victims: VICTIMS.filter((v) => !SENSITIVE_VICTIMS.has(v)), attackerFirst: false, skip: HEAVY_AND_NOT_SENSITIVE },
  ];
});

/** The modes that run native images (the native attackers' corner cases below). */
const NATIVE_MODES = MODES.filter((m) => m.build === 'native').map((m) => m.name);

const SHARED_LIMIT = 300_000;

/** A run with a never-ending attacker needs a limit for everyone: above what the victims
 *  need (tinyos: ~243k instructions), low enough to keep the spinning short. */
function limitFor(attacker: string): RunOptions {
  return guest(attacker).options.maxInstructions ? { maxInstructions: SHARED_LIMIT } : {};
}

function lineup(config: Config, attacker: string): GuestInput[] {
  const victims = config.victims.map((v) => guest(v, undefined, config.build).input);
  const a = guest(attacker, 'attacker', config.build).input;
  return config.attackerFirst ? [a, ...victims] : [...victims, a];
}

const baselines = new Map<string, HvRun>();
function baseline(config: Config, limit: RunOptions): HvRun {
  const key = `${config.label}:${JSON.stringify(limit)}`;
  let b = baselines.get(key);
  if (!b) {
    b = runHv(lineup(config, STAND_IN), config.mode, { ...config.options, ...limit });
    baselines.set(key, b);
  }
  return b;
}

const bareAlone = new Map<string, GuestReport>();
function bare(rel: string, options: RunOptions): GuestReport {
  const key = `${rel}:${JSON.stringify(options)}`;
  let r = bareAlone.get(key);
  if (!r) {
    const g = guest(rel);
    r = run([g.input], 'bare', { ...g.options, ...options })[0]!;
    bareAlone.set(key, r);
  }
  return r;
}

/** A guest alone the way `config` runs it: on bare hardware for the native build; alone
 *  under the mode for a PARAVIRT build (bare runs only the native one). */
function alone(rel: string, config: Config, options: RunOptions): GuestReport {
  if (config.build === 'native') return bare(rel, options);
  const key = `${config.mode}:${rel}:${JSON.stringify(options)}`;
  let r = bareAlone.get(key);
  if (!r) {
    const g = guest(rel, undefined, config.build);
    r = runHv([g.input], config.mode, { ...g.options, ...options }).reports[0]!;
    bareAlone.set(key, r);
  }
  return r;
}

/** The attackers of a configuration: those that have its build. */
const attackersOf = (config: Config) => ATTACKS.filter((a) => buildsOf(a).includes(config.build) && !config.skip?.has(a));

describe('the attack guests', () => {
  it('are all there, each with a header saying what it attacks and what must happen', () => {
    for (const name of ['kread', 'map-beyond', 'pt-escape', 'dma-beyond', 'ports', 'spin', 'spin-timer', 'storm', 'selfmod']) {
      expect(ATTACKS).toContain(`attack/${name}.s`);
    }
    for (const rel of ATTACKS) {
      const text = readFileSync(guestPath(...rel.split('/')), 'utf8');
      const header = text.slice(0, text.search(/^[^;\n]/m));
      expect(header, rel).toMatch(/^; \S+\.s - /);
      if (rel !== 'attack/kread.s') {
        expect(header, rel).toMatch(/Attacks:/);
        expect(header, rel).toMatch(/What must happen:/);
        expect(header, rel).toMatch(/Expected console output/);
      }
    }
  });

  it.each(ATTACKS)('%s gives its .expected output alone (in bare mode, or under para for a PARAVIRT-only guest), and ends as its header says', (rel) => {
    const pvOnly = !buildsOf(rel).includes('native');
    const r = pvOnly ? runHv([guest(rel, undefined, 'paravirt').input], 'para', guest(rel).options).reports[0]! : bare(rel, {});
    expect(r.console).toBe(expectedOutput(rel));
    const limited = guest(rel).options.maxInstructions !== undefined;
    const header = /^; Expected console output .*; status (\w+)\.$/m.exec(readFileSync(guestPath(...rel.split('/')), 'utf8'));
    expect(r.status).toBe(limited ? 'limit' : (header?.[1] ?? 'halted'));
    if (limited) expect(r.reason).toMatch(new RegExp(`^instruction limit of ${guest(rel).options.maxInstructions} reached at pc 0x[0-9a-f]{8} \\(`));
  });

  it('the non-terminating ones say the same whatever the limit, and the victims need less than the shared limit', () => {
    for (const rel of ATTACKS.filter((a) => guest(a).options.maxInstructions && buildsOf(a).includes('native'))) {
      expect(bare(rel, { maxInstructions: SHARED_LIMIT }).console, rel).toBe(expectedOutput(rel));
    }
    for (const v of VICTIMS) expect(bare(v, {}).instructions, v).toBeLessThan(SHARED_LIMIT);
  });
});

describe('the well-behaved guests alone', () => {
  it('give their known bare output, and the same under each configuration with a harmless neighbour', () => {
    expect(bare('kernel/tinyos.s', {}).console).toBe(readFileSync(guestPath('kernel', 'tinyos.expected'), 'utf8'));
    expect(bare('bare/primes.s', {}).console).toBe(readFileSync(guestPath('bare', 'primes.expected'), 'utf8'));
    expect(bare('bare/secret.s', {}).console).toBe('secret: keeping a secret at 0x40000..0x44000\nsecret: intact in every round\n');
    for (const config of CONFIGS) {
      const b = baseline(config, {});
      for (const v of config.victims) {
        const r = b.reports.find((x) => x.name === guest(v).input.name)!;
        const want = alone(v, config, config.options);
        expect(r.console, `${config.label}: ${v}`).toBe(want.console);
        expect(r.status, `${config.label}: ${v}`).toBe(want.status);
        expect(r.instructions, `${config.label}: ${v}`).toBe(want.instructions);
      }
    }
  });
});

// Under every other topology of the registry, each attacker beside the victims leaves them
// exactly as under the default one, and ends as it does there.
for (const topology of TOPOLOGIES.filter((t) => t.name !== DEFAULT_TOPOLOGY).map((t) => t.name)) {
  for (const config of CONFIGS.filter((c) => combines(topology, c.build))) {
    describe(`under --mode ${config.label} --host ${topology}`, () => {
      for (const attacker of attackersOf(config)) {
        it(`${attacker} cannot touch ${config.victims.join(', ')}, as under --host ${DEFAULT_TOPOLOGY}`, () => {
          const options = { ...config.options, ...limitFor(attacker) };
          const want = TOPOLOGY_RUNNERS[DEFAULT_TOPOLOGY](lineup(config, attacker), config.mode, options);
          const got = TOPOLOGY_RUNNERS[topology](lineup(config, attacker), config.mode, options);
          got.reports.forEach((r, k) => {
            const label = `${r.name} beside ${attacker} --host ${topology}`;
            if (exactTiming(topology)) expect(outcome(r), label).toEqual(outcome(want.reports[k]!));
            // (an attacker whose own end differs there is pinned by its X.<topology>.expected)
            else if (!(r.name === 'attacker' && existsSync(guestPath(attacker.replace(/\.s$/, `.${topology}.expected`))))) expect(looseOutcome(r), label).toEqual(looseOutcome(want.reports[k]!));
            // (a PARAVIRT guest's memory holds machine frames, which the host OS's memory moves)
            if (config.build === 'native') expect(vmState(got.vms[k]!), `${label}: final state and memory`).toEqual(vmState(want.vms[k]!));
          });
        });
      }
    });
  }
}

for (const config of CONFIGS) {
  describe(`under --mode ${config.label}`, () => {
    for (const attacker of attackersOf(config)) {
      const hangs = HANGS[attacker]?.has(config.mode);
      (hangs ? it.todo : it)(`${attacker} cannot touch ${config.victims.join(', ')}${hangs ? ' (it hangs vmm: see the child-process test)' : ''}`, () => {
        const limit = limitFor(attacker);
        const base = baseline(config, limit);
        const got = runHv(lineup(config, attacker), config.mode, { ...config.options, ...limit });
        const offset = config.attackerFirst ? 1 : 0;
        const attackerIndex = config.attackerFirst ? 0 : config.victims.length;
        config.victims.forEach((v, i) => {
          const k = i + offset;
          const label = `${v} beside ${attacker}`;
          // exactly as with a harmless neighbour: what it did, its final state, its memory,
          // and the VMM's shadow page tables for it
          expect(outcome(got.reports[k]!), label).toEqual(outcome(base.reports[k]!));
          expect(vmState(got.vms[k]!), `${label}: final state and memory`).toEqual(vmState(base.vms[k]!));
          expect(framesHash(got.hv, got.pools[k]!), `${label}: its shadow-pool frames`).toBe(framesHash(base.hv, base.pools[k]!));
          // and as alone (on bare hardware; a PARAVIRT build alone under its mode): same
          // output, end, instructions and ticks
          expect(outcome(got.reports[k]!), label).toEqual(outcome(alone(v, config, { ...config.options, ...limit })));
        });
        const a = got.reports[attackerIndex]!;
        expect(a.reason, 'the attacker ends with a stated reason').not.toBe('');
        expect(['halted', 'faulted', 'killed', 'limit']).toContain(a.status);
        const excused = modeNamed(config.mode)!.equivalence.exactUnless !== undefined && !config.options.strict && SENSITIVE_IN_KERNEL.has(attacker);
        const faithful = !excused && !OWN_OUTPUT_BUG[attacker]?.has(config.mode);
        if (faithful) {
          const want = alone(attacker, config, { ...config.options, ...limit });
          expect(a.console, `${attacker}: its own output`).toBe(want.console);
          expect(a.status).toBe(want.status);
          expect(a.instructions).toBe(want.instructions);
        }
      });
    }
  });
}

describe('isolation corner cases', () => {
  it('asid-wrap with a tagged TLB cannot reach the guest beside it (an address-space id is reused only once its shadow root is gone)', () => {
    for (const mode of NATIVE_MODES) {
      const { reports } = runHv([guest('bare/secret.s').input, guest('attack/asid-wrap.s').input], mode, { tlbTagged: true });
      expect(reports[1]!.console, `${mode}: the attacker sees only its own zeros`).toBe(expectedOutput('attack/asid-wrap.s'));
      expect(reports[0]!.console, `${mode}: the secret stays intact`).toBe(bare('bare/secret.s', {}).console);
    }
  });

  it('asid-wrap with an untagged TLB is contained (every ptbr write flushes)', () => {
    for (const mode of NATIVE_MODES) {
      const { reports } = runHv([guest('bare/secret.s').input, guest('attack/asid-wrap.s').input], mode, {});
      expect(reports[1]!.console).toBe(expectedOutput('attack/asid-wrap.s'));
      expect(reports[0]!.console).toBe(bare('bare/secret.s', {}).console);
    }
  });

  it('callout-forge (the word 0xff000000 in the guest\'s own code) is an illegal instruction in --mode full too, and vmm goes on', () => {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist', 'vmm.js'), 'run', 'guests/attack/callout-forge.s', 'guests/bare/primes.s', '--mode', 'full', '--max-instructions', '100000', '--no-overhead', '--json'],
      { cwd: ROOT, encoding: 'utf8', timeout: 2500 },
    );
    expect(r.error, 'vmm did not finish within 2.5 s').toBeUndefined();
    const report = JSON.parse(r.stdout) as { guests: GuestReport[] };
    expect(report.guests[0]!.console).toBe(expectedOutput('attack/callout-forge.s'));
    expect(report.guests[1]!.console).toBe(bare('bare/primes.s', {}).console);
  });

  it('shadow-churn: vmm\'s memory stays flat however many rounds (shadow bookkeeping is pruned)', () => {
    const rss = (rounds: number) => {
      const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(ROOT, 'dist', 'vmm.js'), 'run', 'guests/attack/shadow-churn.s', '-D', `ROUNDS=${rounds}`, '--mode', 'full', '-q', '--no-overhead'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`(7 each time): ${14 * rounds}\n`);
      return Number(r.stderr.trim().split('\n').pop());
    };
    const small = rss(40_000);
    const big = rss(400_000);
    // ten times the rounds: a flat VMM stays within a few MB; this one grows ~200 bytes a round
    expect(big - small, `max RSS ${small} KB -> ${big} KB`).toBeLessThan(24 * 1024);
  }, 30_000);

  it('callout-forge is contained under --mode trap (no translator: the words are illegal instructions)', () => {
    const { reports } = runHv([guest('attack/callout-forge.s').input, guest('bare/primes.s').input], 'trap', {});
    expect(reports[0]!.console).toBe(expectedOutput('attack/callout-forge.s'));
    expect(reports[0]!.status).toBe('halted');
    expect(reports[1]!.console).toBe(bare('bare/primes.s', {}).console);
  });
});

describe('what the attacks show under the VMM', () => {
  it('map-beyond and pt-escape see bus faults beyond their memory and exactly their own frames below it', () => {
    for (const mode of NATIVE_MODES) {
      const { reports } = runHv([guest('bare/primes.s').input, guest('attack/pt-escape.s').input, guest('attack/map-beyond.s').input], mode, {});
      expect(reports[1]!.console).toMatch(/own frames seen as themselves: 256, bus faults: 772, anomalies: 0\n.*\n.*anomalies: 0\n/);
      expect(reports[2]!.console).not.toMatch(/ok 0x(?!1a571a57)/);
      expect(reports[2]!.status).toBe('faulted');
      expect(reports[2]!.reason).toMatch(/^double fault: bus trap/);
    }
  });

  it('ports: the blind writes reach only the attacker\'s own devices (its timer, mask and disk), its console gets the one "A"', () => {
    const { vms, reports } = runHv([guest('attack/ports.s').input, guest('bare/primes.s').input], 'trap', {});
    expect(reports[0]!.console).toContain('(0x10 is this guest\'s console: it prints it): A\n');
    const [attacker, primes] = vms;
    expect(attacker!.devices.pic.mask).toBe(0x41);
    expect(primes!.devices.pic.mask).toBe(-1); // never touched: all lines masked since reset
    expect(primes!.devices.timer.read(0)).toBe(0);
    expect(primes!.devices.disk.read(4)).toBe(0); // DISK_STATUS: idle
    expect(primes!.devices.console.bytesOut).toBe(bare('bare/primes.s', {}).console.length);
  });

  it('dma-beyond: every DMA outside memory fails with BAD_ADDRESS and the code overwritten by DMA runs its new version', () => {
    const { reports } = runHv([guest('attack/dma-beyond.s').input], 'full', {});
    const out = reports[0]!.console;
    expect(out.match(/: BAD_ADDRESS$/gm)).toHaveLength(8);
    expect(out).toContain('last page of memory: unchanged\ndisk sector 0: unchanged\n');
    expect(out).toContain('(O before, X after): OX\n');
  });
});

describe('address-space ids are a bounded resource no guest can exhaust', () => {
  it('with an untagged TLB the VMM hands out none (but VPIDs, where the hardware tags its TLB)', () => {
    for (const mode of NATIVE_MODES.filter((m) => !modeNamed(m)!.taggedHostTlb)) {
      const { hv } = runHv([guest('attack/asid-wrap.s').input], mode, {});
      expect(hv.processor.cpu.cr[CR.ASID], mode).toBe(0);
    }
  });

  it('12 guests cycling through 9 address spaces each, with 16 ids: every one ends as alone, the secret beside them intact', () => {
    const wrap = guest('attack/asid-wrap.s');
    const small = assemble(guestPath('attack', 'asid-wrap.s'), { SWITCHES: 60, ROUNDS: 5 });
    const want = run([{ name: 'w', image: small }], 'bare', { tlbTagged: true })[0]!;
    for (const mode of NATIVE_MODES) {
      const guests = [guest('bare/secret.s').input, ...Array.from({ length: 12 }, (_, i) => ({ ...wrap.input, name: `w${i}`, image: small }))];
      const { reports, hv } = runHv(guests, mode, { tlbTagged: true, bounds: { asids: 16 } });
      expect(reports[0]!.console, `${mode}: the secret`).toBe(bare('bare/secret.s', {}).console);
      for (const r of reports.slice(1)) expect(outcome(r), `${mode}: ${r.name}`).toEqual({ ...outcome(want), console: want.console });
      expect(hv.processor.tlb.tagged).toBe(true);
    }
  });
});

describe('one machine after another in a process (their memory is reused: PhysicalMemory.release)', () => {
  // The first guest fills its memory above 64 KiB with a pattern; the next one, in the same
  // process and the same mode, ORs the same words together and prints Z if all are zero.
  const fill = assembleText(`
      start:  li r1, 0x10000
              li r2, 0x100000
              li r3, 0xa5a5a5a5
      .fill:  stw r3, [r1]
              addi r1, r1, 4
              cmp r1, r2
              blt .fill
              hlt`);
  const check = assembleText(`
      .include "../include/paravirt.inc"
      start:  li r1, 0x10000
              li r2, 0x100000
              movi r4, 0
      .sum:   ldw r3, [r1]
              or r4, r4, r3
              addi r1, r1, 4
              cmp r1, r2
              blt .sum
              movi r5, 'Z'
              cmpi r4, 0
              beq .out
              movi r5, 'N'
      .out:   putc r5
              hlt`);
  for (const mode of ['bare', ...MODES.filter((m) => m.build === 'native').map((m) => m.name)]) {
    it(`${mode}: the next machine sees none of the last one's memory`, () => {
      expect(runOne(fill, mode).status).toBe('halted');
      const next = runOne(check, mode);
      expect(next.status).toBe('halted');
      expect(next.console).toBe('Z');
    });
  }
});
