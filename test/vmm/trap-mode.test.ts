// --mode trap: classic trap-and-emulate, and exactly how and where it goes wrong with a guest
// kernel that saves and restores IE with getf/cli ... setf (tinyos). And the two ways out:
// --strict (the sensitive instructions become privileged: Popek and Goldberg's condition
// holds) and --mode full (binary translation).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BY_MNEMONIC } from '../../src/isa/table.js';
import { disassemble } from '../../src/isa/disasm.js';
import type { Image } from '../../src/image/model.js';
import { sourceOf } from '../../src/image/model.js';
import type { ExitRecord } from '../../src/vmm/exits.js';
import { guestPath, readDisk, recorder, run } from '../support/guests.js';
import { guest } from './helpers.js';

const DISK = readDisk('kernel/disk.txt');
const tinyos = guest('kernel/tinyos.s').input;
const image = tinyos.image;
const EXPECTED = readFileSync(guestPath('kernel', 'tinyos.expected'), 'utf8');

function wordAt(img: Image, address: number): number {
  const seg = img.segments.find((s) => address >= s.address && address + 4 <= s.address + s.bytes.length)!;
  const o = address - seg.address;
  return (seg.bytes[o]! | (seg.bytes[o + 1]! << 8) | (seg.bytes[o + 2]! << 16) | (seg.bytes[o + 3]! << 24)) >>> 0;
}

function symbol(name: string): number {
  const s = image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s.value;
}

/** Addresses of every instruction with this mnemonic in the image. */
function addressesOf(mnemonic: string): number[] {
  const opcode = BY_MNEMONIC.get(mnemonic)!.opcode;
  const out: number[] = [];
  for (const seg of image.segments) {
    for (let a = seg.address; a + 4 <= seg.address + seg.bytes.length; a += 4) if (wordAt(image, a) >>> 24 === opcode && sourceOf(image, a)) out.push(a);
  }
  return out;
}

/** 1-based number of the first line of file matching re after the line matching after. */
function lineOf(file: string, after: RegExp, re: RegExp): number {
  const lines = readFileSync(guestPath('kernel', file), 'utf8').split('\n');
  const start = lines.findIndex((l) => after.test(l));
  return lines.findIndex((l, i) => i > start && re.test(l)) + 1;
}

const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

// The instructions that matter: read_disk's wait loop (irq_save r5 ... irq_restore r5;
// wait_for_interrupt: natively getf r5; cli ... setf r5; hlt), and the interrupt-safe
// section of console_write (the first getf/setf ever run).
const WAIT = symbol('read_disk.wait');
const WAIT_GETF = WAIT;
const WAIT_SETF = (() => {
  for (let a = WAIT; ; a += 4) if (wordAt(image, a) >>> 24 === BY_MNEMONIC.get('setf')!.opcode) return a;
})();
const CONSOLE_GETF = symbol('console_write');
const CONSOLE_SETF = (() => {
  for (let a = CONSOLE_GETF; ; a += 4) if (wordAt(image, a) >>> 24 === BY_MNEMONIC.get('setf')!.opcode) return a;
})();
// The lines that invoked the ops (the line map names them: docs/assembler.md).
const WAIT_SETF_LINE = lineOf('tinyos.s', /^\.wait:/, /^\s+irq_restore\s+r5/);
const WAIT_GETF_LINE = lineOf('tinyos.s', /^\.wait:/, /^\s+irq_save\s+r5/);
const CONSOLE_LINE = lineOf('lib.s', /^console_write:/, /^\s+console_write_bytes/);

function trapRun(options: { strict?: boolean } = {}) {
  const probe = recorder();
  const report = run([{ name: 'tinyos', image, disk: DISK }], 'trap', options, probe)[0]!;
  return { report, records: probe.records };
}

describe('tinyos under --mode trap (trap-and-emulate, sensitive instructions unprivileged)', () => {
  const { report, records } = trapRun();
  const notes = records.filter((r) => r.reason === 'sensitive-unprivileged');

  it('the instructions it is about to trip on are where the test thinks they are', () => {
    expect(disassemble(wordAt(image, WAIT_GETF), WAIT_GETF)).toBe('getf r5');
    expect(disassemble(wordAt(image, WAIT_SETF), WAIT_SETF)).toBe('setf r5');
    expect(disassemble(wordAt(image, WAIT_SETF + 4), WAIT_SETF + 4)).toBe('hlt');
    expect(disassemble(wordAt(image, CONSOLE_GETF), CONSOLE_GETF)).toBe('getf r4');
    expect(disassemble(wordAt(image, CONSOLE_SETF), CONSOLE_SETF)).toBe('setf r4');
    expect(sourceOf(image, WAIT_SETF)!.line).toBe(WAIT_SETF_LINE);
  });

  it('is killed, and the reason names the setf that went wrong: its pc and its tinyos.s line', () => {
    expect(report.status).toBe('killed');
    expect(report.reason).toContain('hlt with virtual interrupts disabled');
    expect(report.reason).toContain(`setf at pc ${hex8(WAIT_SETF)} (setf r5, `);
    expect(report.reason).toMatch(new RegExp(`tinyos\\.s:${WAIT_SETF_LINE}\\)`));
    expect(report.reason).toContain('ran deprivileged without an exit');
    expect(report.pc).toBe(WAIT_SETF + 4); // stopped at the hlt right after it
  });

  it('prints "tinyos: booting" (and "paging on") but never "tinyos: disk:"', () => {
    expect(report.console.startsWith('tinyos: booting\n')).toBe(true);
    expect(EXPECTED.startsWith(report.console)).toBe(true);
    expect(report.console).not.toContain('tinyos: disk:');
    expect(report.notes?.['sensitive-unprivileged']).toBe(notes.length);
  });

  it('its trace has sensitive-unprivileged notes for getf and setf, at their pcs, with the source line', () => {
    expect(notes.length).toBeGreaterThan(0);
    const getfs = new Set(addressesOf('getf'));
    const setfs = new Set(addressesOf('setf'));
    for (const n of notes) {
      expect(n.kind).toBe('note');
      expect(n.action).toBe('none');
      expect(n.cost).toBe(0);
      expect(n.code).toBe(70);
      const mnemonic = n.insn.split(' ')[0];
      expect(['getf', 'setf']).toContain(mnemonic);
      expect((mnemonic === 'getf' ? getfs : setfs).has(n.pc), `${n.insn} at ${hex8(n.pc)}`).toBe(true);
      expect(n.insn).toBe(disassemble(wordAt(image, n.pc), n.pc));
      const src = sourceOf(image, n.pc)!;
      expect(n.source).toBe(`${src.file}:${src.line}`);
    }
    const at = (pc: number) => notes.filter((n) => n.pc === pc);
    // the first interrupt-safe section ever run is console_write's (printing "booting")
    expect(notes[0]!.pc).toBe(CONSOLE_GETF);
    expect(notes[0]!.detail).toMatch(/getf reads FLAGS 0x[0-9a-f]+ \(S=0 IE=1\), but the virtual CPU is in supervisor mode with IE=0/);
    expect(at(CONSOLE_SETF).length).toBeGreaterThan(0);
    expect(at(CONSOLE_SETF)[0]!.source).toMatch(new RegExp(`lib\\.s:${CONSOLE_LINE}$`));
    // the disk wait: getf r5, then the setf r5 that asks for IE=1 and does not get it
    expect(at(WAIT_GETF)).toHaveLength(1);
    expect(at(WAIT_GETF)[0]!.source).toMatch(new RegExp(`tinyos\\.s:${WAIT_GETF_LINE}$`));
    const killer = at(WAIT_SETF);
    expect(killer).toHaveLength(1);
    expect(killer[0]!.detail).toMatch(/setf asks for IE=1 S=0; in user mode it silently keeps IE and S, so the virtual IE stays 0/);
    expect(killer[0]!.source).toMatch(new RegExp(`tinyos\\.s:${WAIT_SETF_LINE}$`));
    // the setf is the last note, and right after it the hlt that can never wake up
    expect(notes[notes.length - 1]).toBe(killer[0]);
    const last = records[records.length - 1]!;
    expect(last.reason).toBe('hlt');
    expect(last.pc).toBe(WAIT_SETF + 4);
    expect(last.seq).toBeGreaterThan(killer[0]!.seq);
  });

  it('the cli it ran was trapped and emulated (a privileged exit), unlike the getf and setf around it', () => {
    const cli = WAIT_GETF + 4;
    expect(disassemble(wordAt(image, cli), cli)).toBe('cli');
    const exits = records.filter((r) => r.pc === cli);
    expect(exits.map((r: ExitRecord) => [r.kind, r.reason, r.action])).toEqual([['exit', 'privileged', 'emulated']]);
  });
});

describe('the ways out', () => {
  it('--mode trap --strict: getf and setf trap and are emulated; tinyos runs exactly as on bare hardware', () => {
    const { report, records } = trapRun({ strict: true });
    const bare = run([{ name: 'tinyos', image, disk: DISK }], 'bare', { strict: true })[0]!;
    expect(report.console).toBe(EXPECTED);
    expect(report.status).toBe('halted');
    expect(report.instructions).toBe(bare.instructions);
    expect(report.ticks).toBe(bare.ticks);
    expect(records.filter((r) => r.reason === 'sensitive-unprivileged')).toEqual([]);
    const emulated = records.filter((r) => r.pc === WAIT_SETF || r.pc === CONSOLE_GETF);
    expect(emulated.length).toBeGreaterThan(0);
    expect(emulated.every((r) => r.kind === 'exit' && r.reason === 'privileged' && r.action === 'emulated')).toBe(true);
  });

  it('--mode full: binary translation calls out for them; tinyos runs exactly as on bare hardware', () => {
    const probe = recorder();
    const report = run([{ name: 'tinyos', image, disk: DISK }], 'full', {}, probe)[0]!;
    const bare = run([{ name: 'tinyos', image, disk: DISK }], 'bare')[0]!;
    expect(report.console).toBe(EXPECTED);
    expect(report.status).toBe('halted');
    expect(report.instructions).toBe(bare.instructions);
    expect(report.ticks).toBe(bare.ticks);
    expect(probe.records.filter((r) => r.reason === 'sensitive-unprivileged')).toEqual([]);
    const callouts = probe.records.filter((r) => r.reason === 'bt-callout');
    for (const pc of [WAIT_GETF, WAIT_SETF, CONSOLE_GETF, CONSOLE_SETF]) {
      expect(callouts.some((r) => r.pc === pc && r.action === 'callout'), hex8(pc)).toBe(true);
    }
  });

  it('--mode trap with an empty disk goes wrong silently: it halts, but the tasks interleave differently from bare', () => {
    const probe = recorder();
    const report = run([{ name: 'tinyos', image }], 'trap', {}, probe)[0]!;
    const want = readFileSync(guestPath('kernel', 'tinyos.nodisk.expected'), 'utf8');
    expect(report.status).toBe('halted');
    expect(report.console).not.toBe(want);
    // the same lines, in another order: the virtual IE stayed clear after setf, so the
    // timer interrupts came at other times
    expect(report.console.split('\n').sort()).toEqual(want.split('\n').sort());
    expect(probe.records.some((r) => r.reason === 'sensitive-unprivileged' && r.insn.startsWith('setf'))).toBe(true);
  });
});
