// The VM-exit trace (docs/trace-format.md): deterministic byte for byte, one JSON object per line with
// a fixed schema, filters by guest and reason, aligned text, and streamed: a run with over a
// million exits keeps its memory flat.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CR } from '../../src/isa/arch.js';
import { recordToJson } from '../../src/trace/jsonl.js';
import { TEXT_HEADER } from '../../src/trace/text.js';
import { EXIT_ACTIONS, EXIT_REASONS, type ExitProbe } from '../../src/vmm/exits.js';
import { assembleText, recorder, ROOT } from '../support/guests.js';
import { MODES, modeNamed } from '../../src/vmm/modes/index.js';
import { DEFAULT_ASSIST } from '../../src/vmm/modes/mode.js';
import { buildsOf, guest, runHv, type VmmMode } from './helpers.js';
import { vmmIn as cli } from '../cli/helpers.js';

/** The modes that run native images (the inline programs below are native; para has no
 *  emulated in or mfcr to record). */
const NATIVE_MODES = MODES.filter((m) => m.build === 'native').map((m) => m.name);

const BUNDLE = join(ROOT, 'dist', 'vmm.js');
const tmp = mkdtempSync(join(tmpdir(), 'vmm-trace-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


/** JSON lines of a run, in-process, through the same serializer the CLI uses. */
function jsonl(guests: string[], mode: VmmMode, options = {}): string {
  const lines: string[] = [];
  const probe: ExitProbe = { record: (r) => void lines.push(recordToJson(r)) };
  const build = modeNamed(mode)!.build;
  runHv(guests.filter((g) => buildsOf(g).includes(build)).map((g) => guest(g, undefined, build).input), mode, options, probe);
  return lines.join('');
}

const ACTIONS = new Set<string>(EXIT_ACTIONS.map((a) => a.name));
const REQUIRED: Record<string, string> = { seq: 'number', cycle: 'number', guest: 'string', vcpu: 'number', mode: 'string', reason: 'string', code: 'number', pc: 'number', insn: 'string', action: 'string', cost: 'number', kind: 'string' };
const OPTIONAL: Record<string, string> = {
  source: 'string', port: 'number', value: 'number', address: 'number', access: 'string', cause: 'string', cr: 'string', irq: 'number', count: 'number', request: 'number',
  hypercall: 'string', args: 'object', result: 'number', detail: 'string',
};

/** Checks every line of a JSON-lines trace (plain checks: there are tens of thousands of
 *  records); returns the parsed records. */
function checkSchema(text: string, mode: VmmMode): Record<string, unknown>[] {
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  const records: Record<string, unknown>[] = [];
  const problems: string[] = [];
  const problem = (what: string, line: string) => {
    if (problems.length < 20) problems.push(`${what}: ${line}`);
  };
  let lastSeq = 0;
  let lastCycle = -1;
  for (const line of lines) {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line) as Record<string, unknown>;
    } catch {
      problem('not JSON', line);
      continue;
    }
    for (const [field, type] of Object.entries(REQUIRED)) if (typeof r[field] !== type) problem(`${field} is not a ${type}`, line);
    for (const [field, value] of Object.entries(r)) {
      const type = REQUIRED[field] ?? OPTIONAL[field];
      if (type === undefined) problem(`unknown field ${field}`, line);
      else if (typeof value !== type) problem(`${field} is not a ${type}`, line);
      else if (type === 'number' && !Number.isInteger(value)) problem(`${field} is not an integer`, line);
    }
    const reason = EXIT_REASONS.find((x) => x.name === r.reason);
    if (!reason) problem('unknown reason', line);
    else {
      if (r.code !== reason.code) problem(`code is not ${reason.code}`, line);
      if (r.kind !== (reason.summary.startsWith('NOT an exit') ? 'note' : 'exit')) problem('kind', line);
    }
    if (r.mode !== mode) problem(`mode is not ${mode}`, line);
    if (r.vcpu !== 0) problem('vcpu', line);
    if (!ACTIONS.has(r.action as string)) problem('action', line);
    if (!((r.cost as number) >= 0)) problem('cost', line);
    if (!((r.pc as number) >= 0 && (r.pc as number) < 2 ** 32)) problem('pc out of range', line);
    if (r.source !== undefined && !/^\S+\.(s|inc):\d+$/.test(r.source as string)) problem('source is not file:line', line);
    if (r.hypercall !== undefined && (r.reason !== 'hypercall' || !Array.isArray(r.args) || !(r.args as unknown[]).every((a) => Number.isInteger(a) && (a as number) >= 0))) problem('hypercall without its arguments', line);
    if (r.access !== undefined && !['read', 'write', 'fetch'].includes(r.access as string)) problem('access', line);
    if (!((r.seq as number) > lastSeq)) problem('seq not increasing', line);
    if (!((r.cycle as number) >= lastCycle)) problem('cycle went back', line);
    lastSeq = r.seq as number;
    lastCycle = r.cycle as number;
    records.push(r);
  }
  expect(problems).toEqual([]);
  expect(records.length).toBe(lines.length);
  return records;
}

describe('JSON-lines traces', () => {
  const fullGuests = ['kernel/tinyos.s', 'attack/pt-escape.s', 'attack/selfmod.s', 'attack/map-beyond.s', 'attack/spin-timer.s'];
  const trapGuests = ['kernel/tinyos.s', 'attack/pt-escape.s', 'attack/map-beyond.s', 'attack/spin-timer.s', 'bare/mmio.s'];
  const options = { maxInstructions: 300_000 };
  const paraGuests = ['kernel/tinyos.s', 'attack/pv-ring.s', 'attack/pv-privileged.s', 'bare/primes.s'];
  const full = jsonl(fullGuests, 'full', options);
  const trap = jsonl(trapGuests, 'trap', options);
  const para = jsonl(paraGuests, 'para', options);
  // hw with invlpg and tlbflush exiting on (so that ptbr-games shows both); redpill's cpuid
  const hwGuests = ['kernel/tinyos.s', 'attack/ptbr-games.s', 'attack/redpill.s', 'attack/map-beyond.s'];
  const hw = jsonl(hwGuests, 'hw', { ...options, assist: { ...DEFAULT_ASSIST, exitOn: ['invlpg,tlbflush'] } });

  it('are deterministic: the same guests give byte-identical traces', () => {
    expect(jsonl(fullGuests, 'full', options)).toBe(full);
    expect(jsonl(trapGuests, 'trap', options)).toBe(trap);
    expect(jsonl(paraGuests, 'para', options)).toBe(para);
  });

  it('have one JSON object per line, with the documented fields and types, codes as in EXIT_REASONS, seq increasing and cycle never going back', async () => {
    const seen = new Set<string>();
    // a hosted run: the host topology's notes (its requests, world switches, host I/O)
    const hosted = await cli(['trace', 'guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--host', 'hosted', '--format', 'jsonl', '-q']);
    for (const r of checkSchema(hosted.stdout, 'full')) seen.add(r.reason as string);
    // and a dom0 run: its domain events and guest 0's records
    const dom0 = await cli(['trace', 'guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'para', '--host', 'dom0', '--format', 'jsonl', '-q']);
    for (const r of checkSchema(dom0.stdout, 'para')) seen.add(r.reason as string);
    // and a disk passed through to one guest: its interrupt routed
    const through = await cli(['trace', 'guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--passthrough', 'tinyos', '--format', 'jsonl', '-q']);
    for (const r of checkSchema(through.stdout, 'full')) seen.add(r.reason as string);
    const runs = { full: fullGuests, trap: trapGuests, para: paraGuests, hw: hwGuests };
    for (const [text, mode] of [[full, 'full'], [trap, 'trap'], [para, 'para'], [hw, 'hw']] as const) {
      const records = checkSchema(text, mode);
      for (const r of records) seen.add(r.reason as string);
      expect(new Set(records.map((r) => r.guest))).toEqual(new Set(runs[mode].map((g) => g.replace(/^.*\//, '').replace(/\.s$/, ''))));
    }
    // between them, the seven runs show every kind of exit and note there is
    expect([...seen].sort()).toEqual(EXIT_REASONS.map((r) => r.name).sort());
  });

  it('a hypercall record names the call, its argument registers and its result, and a batch its count', () => {
    const records = checkSchema(para, 'para').filter((r) => r.reason === 'hypercall');
    expect(records.length).toBeGreaterThan(100);
    for (const r of records) expect(r, JSON.stringify(r)).toMatchObject({ kind: 'exit', code: 18, action: 'serviced', insn: 'hcall', hypercall: expect.any(String) });
    const mmuext = records.find((r) => r.hypercall === 'mmuext_op' && r.guest === 'tinyos' && (r.args as number[])[1] === 2)!;
    expect(mmuext).toMatchObject({ result: 2, count: 2 }); // NEW_BASEPTR and NEW_USER_BASEPTR in one call
    expect((mmuext.args as number[]).length).toBe(2);
    const refused = records.filter((r) => typeof r.result === 'number' && (r.result as number) < 0);
    for (const r of refused) expect(r.detail, JSON.stringify(r)).toEqual(expect.any(String)); // why it was refused
    expect(records.find((r) => r.hypercall === 'iret')).not.toHaveProperty('result'); // iret restores r0
    // the disk command a hypercall starts is noted right after that hypercall's record
    // (tinyos's one read: the back end starts a ring's later requests as earlier ones end)
    const all = checkSchema(para, 'para');
    const started = all.flatMap((r, i) => (r.reason === 'dma' && r.action === 'started' && r.guest === 'tinyos' ? [i] : []));
    expect(started.length).toBeGreaterThan(0);
    for (const i of started) expect(all[i - 1], JSON.stringify(all[i])).toMatchObject({ reason: 'hypercall', hypercall: 'event_channel_op', args: [4, expect.any(Number)] });
  });

  it('through the CLI with -o, two runs write byte-identical files', async () => {
    const a = join(tmp, 'a.jsonl');
    const b = join(tmp, 'b.jsonl');
    const args = ['trace', '--exits', 'guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--format', 'jsonl', '-q', '--no-overhead'];
    const ra = await cli([...args, '-o', a]);
    const rb = await cli([...args, '-o', b]);
    expect(ra.status, ra.stderr).toBe(0);
    expect(rb.status, rb.stderr).toBe(0);
    const ta = readFileSync(a, 'utf8');
    expect(ta.length).toBeGreaterThan(1000);
    expect(readFileSync(b, 'utf8')).toBe(ta);
    checkSchema(ta, 'full');
    // with -o, the guests' console output goes to stdout
    expect(ra.stdout).toContain('tinyos | tinyos: all tasks done\n');
    expect(ra.stdout).toContain('primes | 2 3 5 7');
  });
});

describe('trace filters', () => {
  const base = ['trace', '--exits', 'guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--format', 'jsonl', '-q', '--no-overhead'];
  const parse = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as { guest: string; reason: string; code: number });

  it('--guest keeps one guest\'s records', async () => {
    const all = parse((await cli(base)).stdout);
    const r = await cli([...base, '--guest', 'primes']);
    expect(r.status).toBe(0);
    const kept = parse(r.stdout);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((x) => x.guest === 'primes')).toBe(true);
    expect(kept).toEqual(all.filter((x) => x.guest === 'primes'));
  });

  it('--reason takes names and codes, and the two mean the same', async () => {
    const byName = await cli([...base, '--reason', 'bt-translate,hidden-page-fault']);
    const byCode = await cli([...base, '--reason', '67,65']);
    expect(byName.status).toBe(0);
    const kept = parse(byName.stdout);
    expect(new Set(kept.map((x) => x.reason))).toEqual(new Set(['bt-translate', 'hidden-page-fault']));
    expect(byCode.stdout).toBe(byName.stdout);
    const both = await cli([...base, '--guest', 'tinyos', '--reason', 'external-interrupt']);
    expect(parse(both.stdout).every((x) => x.guest === 'tinyos' && x.reason === 'external-interrupt' && x.code === 1)).toBe(true);
  });

  it('an unknown reason is a usage error (exit status 2) that lists the known ones', async () => {
    for (const bad of ['bogus', '999', 'io,nope']) {
      const r = await cli([...base, '--reason', bad]);
      expect(r.status, bad).toBe(2);
      expect(r.stderr).toMatch(/unknown exit reason/);
      expect(r.stderr).toContain('hidden-page-fault (65)');
      expect(r.stdout).toBe('');
    }
    const g = await cli([...base, '--guest', 'nobody']);
    expect(g.status).toBe(2);
  });
});

describe('text traces', () => {
  it.each([
    ['--strict', 0],
    ['--no-jit', 1], // plain trap mode: tinyos is killed, and there are notes (the widest reason labels)
  ])('have aligned columns: every record lines up with the header (trap %s)', async (flag, status) => {
    const r = await cli(['trace', '--exits', 'guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--mode', 'trap', flag as string, '-q', '--no-overhead']);
    expect(r.status).toBe(status);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(TEXT_HEADER);
    expect(lines.length).toBeGreaterThan(50);
    if (status === 1) expect(r.stdout).toContain('note:sensitive-unprivileged');
    // where each header column starts and ends
    const col = (name: string) => TEXT_HEADER.indexOf(name);
    const seqEnd = col('seq') + 3;
    const cycleEnd = col('cycle') + 5;
    const guestAt = col('guest');
    const modeAt = col('mode');
    const reasonAt = col('reason');
    const codeEnd = col('code') + 4;
    const pcAt = col('pc');
    const insnAt = col('instruction');
    const actionAt = col('action');
    const costEnd = col('cost') + 4;
    for (const line of lines.slice(1)) {
      expect(line.slice(0, seqEnd), line).toMatch(/^ *\d+$/);
      expect(line.slice(seqEnd, cycleEnd), line).toMatch(/^ +\d+$/);
      expect(line.slice(guestAt, modeAt), line).toMatch(/^(tinyos|primes) +$/);
      expect(line.slice(modeAt, reasonAt), line).toMatch(/^trap +$/);
      expect(line.slice(reasonAt, codeEnd), line).toMatch(/^(note:)?[a-z-]+ +\d+$/);
      expect(line.slice(pcAt, insnAt), line).toMatch(/^0x[0-9a-f]{8} +$/);
      expect(line.slice(actionAt, costEnd), line).toMatch(/^[a-z]+ +\d+$/);
    }
  });
});

describe('a long trace streams', () => {
  /** Run the bundle under /usr/bin/time: its max RSS (KB) and the trace's line count. */
  function traced(count: number): { rssKb: number; lines: number; seconds: number } {
    const out = join(tmp, `exits-${count}.jsonl`);
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, BUNDLE, 'trace', '--exits', 'guests/bench/exits.s', '-D', `COUNT=${count}`, '--format', 'jsonl', '-o', out, '-q', '--no-overhead'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const seconds = (performance.now() - t0) / 1000;
    expect(r.status, r.stderr).toBe(0);
    const rssKb = Number(r.stderr.trim().split('\n').pop());
    expect(Number.isFinite(rssKb), r.stderr).toBe(true);
    let lines = 0;
    const bytes = readFileSync(out);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lines++;
    expect(statSync(out).size).toBe(bytes.length);
    return { rssKb, lines, seconds };
  }

  it('over a million exits: the trace has them all and memory stays flat', () => {
    const small = traced(120_000);
    const big = traced(1_200_000);
    expect(small.lines).toBeGreaterThan(120_000);
    expect(big.lines).toBeGreaterThan(1_000_000);
    expect(big.lines).toBeGreaterThan(9 * small.lines);
    expect(big.rssKb).toBeLessThan(300 * 1024);
    // ten times the records, nowhere near ten times the memory (a buffered trace would be)
    expect(big.rssKb - small.rssKb).toBeLessThan(64 * 1024);
    expect(big.rssKb).toBeLessThan(small.rssKb * 1.6);
    expect(big.seconds).toBeLessThan(15);
  }, 40_000);
});

/** Hardware-assisted, mfcr and an illegal instruction exit only when their controls say so. */
function exitingReads(mode: string) {
  return mode === 'hw' ? { assist: { ...DEFAULT_ASSIST, exitOn: ['cr-read,exception:illegal'] } } : {};
}

describe('values read by emulated in and mfcr are recorded', () => {
  // The guest reads a control register it wrote, the console status and the timer period:
  // each record carries what the register got, in every mode.
  const READS = `.include "../include/platform.inc"
    start:  li r1, 0x1234
            mtcr scratch, r1
            mfcr r2, scratch
            in r3, CONSOLE_STATUS
            li r4, 777
            out TIMER_PERIOD, r4
            in r5, TIMER_PERIOD
            mfcr r6, mid
            hlt`;
  for (const mode of NATIVE_MODES) {
    it(`${mode}: each read's record has the value its register received`, () => {
      const probe = recorder();
      const { vms } = runHv([{ name: 'g', image: assembleText(READS) }], mode, exitingReads(mode), probe);
      const regs = vms[0]!.vcpu.regs;
      const reads = probe.records.filter((r) => /^(in|mfcr) /.test(r.insn) && r.action !== 'translated');
      expect(reads.map((r) => [r.insn.split(',')[0], r.value])).toEqual([
        ['mfcr r2', 0x1234],
        ['in r3', regs[3]! >>> 0],
        ['in r5', 777],
        ['mfcr r6', regs[6]! >>> 0],
      ]);
      expect([regs[2], regs[6]]).toEqual([0x1234, vms[0]!.vcpu.cr[CR.MID]]);
    });
  }
});

describe('disk transfers are traced as dma notes', () => {
  // Two commands, polled with interrupts off: a read of sector 0 into 0x8000, then a read
  // past the end of the disk; the note of each comes right after the `in` that saw it end.
  const POLL = `.include "../include/platform.inc"
    start:  movi r1, 0
            out DISK_SECTOR, r1
            li r1, 0x8000
            out DISK_ADDRESS, r1
            movi r1, 1
            out DISK_COUNT, r1
            movi r1, DISK_CMD_READ
            out DISK_COMMAND, r1
    .wait:  in r2, DISK_STATUS
            cmpi r2, DISK_BUSY
            beq .wait
            li r1, 1000
            out DISK_SECTOR, r1
            movi r1, DISK_CMD_READ
            out DISK_COMMAND, r1
    .wait2: in r3, DISK_STATUS
            cmpi r3, DISK_BUSY
            beq .wait2
            hlt`;
  for (const mode of NATIVE_MODES) {
    it(`${mode}: a note when a command starts and when it ends, with what moved and its status`, () => {
      const probe = recorder();
      const disk = new Uint8Array(1024).fill(7);
      const { reports } = runHv([{ name: 'g', image: assembleText(POLL), disk }], mode, {}, probe);
      const records = probe.records;
      records.forEach((r, i) => expect(r.seq).toBe(i + 1)); // handed over in order
      const all = records.filter((r) => r.reason === 'dma');
      expect(all.map((r) => [r.action, r.detail])).toEqual([
        ['started', 'disk read of 1 sector at sector 0 into guest-physical 0x00008000 (512 bytes): busy'],
        ['transferred', 'disk read of 1 sector at sector 0 into guest-physical 0x00008000 (512 bytes): ok'],
        ['started', 'disk read of 1 sector at sector 1000 into guest-physical 0x00008000 (512 bytes): busy'],
        ['transferred', 'disk read of 1 sector at sector 1000 into guest-physical 0x00008000 (512 bytes): bad sector'],
      ]);
      // each start comes right after the out that wrote the command
      for (const s of records.flatMap((r, i) => (r.action === 'started' ? [i] : []))) expect(records[s - 1]).toMatchObject({ port: 0x33, value: 1 });
      const notes = records.flatMap((r, i) => (r.action === 'transferred' ? [i] : []));
      for (const i of notes) {
        expect(records[i]).toMatchObject({ kind: 'note', action: 'transferred', address: 0x8000, count: 1, cost: 0 });
        expect(records[i - 1]).toMatchObject({ port: 0x34, insn: expect.stringMatching(/^in r[23], 0x34$/) });
      }
      expect(notes.map((i) => records[i - 1]!.value)).toEqual([2, 3]); // DISK_STATUS OK, BAD_SECTOR
      expect(reports[0]!.notes!['dma']).toBe(4);
    });
  }
});

describe('records say what really happened to the instruction', () => {
  it('an emulated instruction that traps is recorded as reflected, with the cause, and no value read', () => {
    // mfcr r9, 12 (0x5090000c): control register 12 does not exist, so it traps `illegal` (as on bare)
    const BAD_CR = `start:  la r1, handler\n        mtcr tvec, r1\n        .word 0x5090000c\n        hlt\nhandler: mfcr r5, cause\n        hlt`;
    for (const mode of NATIVE_MODES) {
      const probe = recorder();
      const { reports, vms } = runHv([{ name: 'g', image: assembleText(BAD_CR) }], mode, exitingReads(mode), probe);
      expect(reports[0]!.traps, mode).toEqual({ illegal: 1 });
      const bad = probe.records.find((r) => r.insn === '.word 0x5090000c' && r.action !== 'translated')!;
      expect(bad, mode).toMatchObject({ action: 'reflected', cause: 'illegal', value: undefined });
      expect(vms[0]!.vcpu.regs[5], mode).toBe(1); // the cause the handler read: illegal
      const read = probe.records.find((r) => r.insn === 'mfcr r5, cause' && r.action !== 'translated')!;
      expect(read, mode).toMatchObject({ value: 1 });
    }
  });

  it('a guest-switch note shows the instruction of the guest that gets the CPU', () => {
    const A = 'start:  addi r1, r1, 1\n        jmp start';
    const B = 'start:  subi r2, r2, 1\n        jmp start';
    for (const mode of MODES) {
      // the same loops are a PARAVIRT build when they say so (they make no privileged operation)
      const build = (text: string) => assembleText(mode.build === 'paravirt' ? `.equ PARAVIRT, 1\n${text}` : text);
      const probe = recorder();
      runHv([{ name: 'a', image: build(A) }, { name: 'b', image: build(B) }], mode.name, { quantum: 1000, maxInstructions: 20_000 }, probe);
      const switches = probe.records.filter((r) => r.reason === 'guest-switch');
      expect(switches.length).toBeGreaterThan(4);
      for (const s of switches) expect(s.insn, `${mode.name} ${s.guest}`).toMatch(s.guest === 'a' ? /^(addi r1, r1, 1|jmp 0x0)$/ : /^(addi r2, r2, -1|jmp 0x0)$/);
    }
  });
});

describe('the trace does not depend on the engine', () => {
  for (const mode of MODES.map((m) => m.name)) {
    it(`${mode}: the same records with the block compiler and without (cycles of notes included)`, () => {
      const records = (jit: boolean) => jsonl(['kernel/tinyos.s', 'attack/redpill.s', 'bare/primes.s'], mode, { jit });
      expect(records(true)).toBe(records(false));
    });
  }
});
