// tinyos, the guest kernel in guests/kernel/: assembled in-process and run on the bare machine
// (and under the VMM): exact console output against the .expected files, a clean halt,
// timer preemption that interleaves the two tasks, determinism, and the kread attack.

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assembleFile, formatDiagnostic } from '../../src/asm/index.js';
import type { Image } from '../../src/image/model.js';
import { makeCostModel } from '../../src/machine/costs.js';
import type { ConsoleSink, GuestReport } from '../../src/report/guest-report.js';
import { runBare, runGuests, type RunConfig } from '../../src/report/run.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const KERNEL = join(ROOT, 'guests', 'kernel');
const TINYOS = join(KERNEL, 'tinyos.s');
const KREAD = join(ROOT, 'guests', 'attack', 'kread.s');
const DISK = new Uint8Array(readFileSync(join(KERNEL, 'disk.txt')));

/** Whole runs stay well under this: tinyos is a small kernel (about 250,000 instructions with its disk). */
const INSTRUCTION_BUDGET = 2_000_000;

const OPTIONS: RunConfig = {
  memoryBytes: 1 << 20,
  tlbSize: 64,
  tlbTagged: false,
  strict: false,
  costs: makeCostModel(),
  maxInstructions: 10 * INSTRUCTION_BUDGET,
  quantum: 10_000,
  overhead: false,
};

function assemble(path: string): Image {
  const { image, diagnostics } = assembleFile(path);
  if (!image) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return image;
}

/** A console that keeps every byte. */
function sink(): ConsoleSink {
  const bytes: number[] = [];
  return {
    putByte: (b) => void bytes.push(b),
    finish: () => {},
    text: () => Buffer.from(bytes).toString('latin1'),
  };
}

function expected(path: string): string {
  return readFileSync(path, 'latin1');
}

function bare(image: Image, disk?: Uint8Array, options: Partial<RunConfig> = {}): GuestReport {
  return runBare({ name: 'tinyos', image, disk }, { ...OPTIONS, ...options }, sink());
}

function vmm(mode: 'full' | 'trap', image: Image, disk?: Uint8Array): GuestReport {
  return runGuests([{ name: 'tinyos', image, disk }], mode, OPTIONS, [sink()])[0]!;
}

/** The task lines (A0, B3, ...) in output order. */
function taskLines(console: string): string[] {
  return console.split('\n').filter((l) => /^[A-Z]\d$/.test(l));
}

const tinyos = assemble(TINYOS);
const kread = assemble(KREAD);

describe('tinyos on the bare machine', () => {
  it('boots, reads the disk by DMA and runs both tasks to the end', () => {
    const r = bare(tinyos, DISK);
    expect(r.console).toBe(expected(join(KERNEL, 'tinyos.expected')));
    expect(r.status).toBe('halted');
    expect(r.reason).toBe('finished normally (hlt with interrupts off)');
    expect(r.console).toContain('tinyos: disk: hello from the disk\n');
    expect(r.console.endsWith('tinyos: all tasks done\n')).toBe(true);
    expect(r.instructions).toBeLessThan(INSTRUCTION_BUDGET);
    expect(r.traps['irq2']).toBe(1); // the disk's completion interrupt
    expect(r.traps['syscall']).toBe(22); // 10 writes + 1 exit per task
  });

  it('prints "disk: empty" without a disk', () => {
    const r = bare(tinyos);
    expect(r.console).toBe(expected(join(KERNEL, 'tinyos.nodisk.expected')));
    expect(r.console).toContain('tinyos: disk: empty\n');
    expect(r.status).toBe('halted');
    expect(r.instructions).toBeLessThan(INSTRUCTION_BUDGET);
  });

  it('interleaves A and B by timer preemption, each in order', () => {
    const lines = taskLines(bare(tinyos, DISK).console);
    const a = lines.filter((l) => l[0] === 'A');
    const b = lines.filter((l) => l[0] === 'B');
    expect(a).toEqual([...Array(10).keys()].map((i) => `A${i}`));
    expect(b).toEqual([...Array(10).keys()].map((i) => `B${i}`));
    // neither "all A then all B" nor the reverse: B starts before A ends and vice versa
    expect(lines.indexOf('B0')).toBeLessThan(lines.indexOf('A9'));
    expect(lines.indexOf('A0')).toBeLessThan(lines.indexOf('B9'));
    // and the order is mixed, not just alternating: somewhere one task prints twice in a row
    expect(lines.some((l, i) => i > 0 && l[0] === lines[i - 1]![0] && lines.indexOf('B0') < i && i < lines.indexOf('A9'))).toBe(true);
  });

  it('is deterministic: two runs give identical output and timing', () => {
    const first = bare(tinyos, DISK);
    const second = bare(assemble(TINYOS), DISK);
    expect(second.console).toBe(first.console);
    expect(second.instructions).toBe(first.instructions);
    expect(second.ticks).toBe(first.ticks);
    expect(second.traps).toEqual(first.traps);
  });

  it('gives the same output with a tagged TLB, a 1-entry TLB and other memory sizes', () => {
    const want = expected(join(KERNEL, 'tinyos.expected'));
    for (const options of [{ tlbTagged: true }, { tlbSize: 1 }, { memoryBytes: 128 << 10 }, { memoryBytes: 8 << 20 }]) {
      const r = bare(tinyos, DISK, options);
      expect(r.console, JSON.stringify(options)).toBe(want);
      expect(r.status).toBe('halted');
    }
  });

  it('panics cleanly when memory is too small', () => {
    const r = bare(tinyos, DISK, { memoryBytes: 32 << 10 });
    expect(r.console).toMatch(/tinyos: panic: out of memory\n$/);
    expect(r.status).toBe('halted');
  });
});

describe('kread: a user task that reads kernel memory', () => {
  it('is killed with a page fault while A and B complete', () => {
    const r = bare(kread);
    expect(r.console).toBe(expected(join(ROOT, 'guests', 'attack', 'kread.expected')));
    expect(r.console).toMatch(/^tinyos: task kread killed: page-read at 0x004000[0-9a-f]{2}$/m);
    expect(r.console).not.toContain('kread: read kernel memory');
    expect(r.console).toContain('tinyos: task A exited\n');
    expect(r.console).toContain('tinyos: task B exited\n');
    expect(taskLines(r.console)).toHaveLength(20);
    expect(r.status).toBe('halted');
    expect(r.traps['page-read']).toBe(1);
  });
});

describe('tinyos under the VMM', () => {
  it('runs unmodified under full virtualization with the bare output', () => {
    expect(vmm('full', tinyos, DISK).console).toBe(expected(join(KERNEL, 'tinyos.expected')));
    expect(vmm('full', tinyos).console).toBe(expected(join(KERNEL, 'tinyos.nodisk.expected')));
    const k = vmm('full', kread);
    expect(k.console).toBe(expected(join(ROOT, 'guests', 'attack', 'kread.expected')));
    expect(k.status).toBe('halted');
  });

  it('goes wrong under trap-and-emulate: the disk wait never wakes, and the VMM names the setf', () => {
    const r = vmm('trap', tinyos, DISK);
    expect(r.status).toBe('killed');
    expect(r.reason).toMatch(/hlt with virtual interrupts disabled, because setf at pc 0x[0-9a-f]{8} \(setf r\d+, .*tinyos\.s:\d+\)/);
    expect(r.console).not.toContain('tinyos: disk:');
  });
});
