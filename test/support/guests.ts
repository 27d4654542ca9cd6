// Shared test support: assemble guest programs and run them on the bare machine or under
// the VMM, in-process, with console output captured.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleFile, assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import type { Image } from '../../src/image/model.js';
import { encode } from '../../src/isa/encoding.js';
import { BY_MNEMONIC } from '../../src/isa/table.js';
import type { GuestInput } from '../../src/machine/config.js';
import { makeCostModel } from '../../src/machine/costs.js';
import { Machine } from '../../src/machine/machine.js';
import type { ConsoleSink, GuestReport } from '../../src/report/guest-report.js';
import { runGuests, type RunConfig } from '../../src/report/run.js';
import type { ExitProbe, ExitRecord } from '../../src/vmm/exits.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const guestPath = (...parts: string[]) => join(ROOT, 'guests', ...parts);

export function assemble(path: string, defines: Record<string, number> = {}): Image {
  const { image, diagnostics } = assembleFile(path, { defines });
  if (!image) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return image;
}

export function assembleText(text: string, name = 'test.s'): Image {
  const { image, diagnostics } = assembleSource(text, join(ROOT, 'guests', 'bare', name));
  if (!image) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return image;
}

/** exits.s's loop, `count` passes: an `out` to port 0x80, which no device owns, and three
 *  instructions (every pass an exit under the VMM; on bare hardware a write that goes
 *  nowhere); or `access` in the out's place. */
export function portLoop(count: number, access = 'out 0x80, r1'): Image {
  return assembleText(`
      start:  li r1, ${count}
      .loop:  ${access}
              subi r1, r1, 1
              cmpi r1, 0
              bne .loop
              hlt`);
}

/** A loop that patches its own `movi r3, 1` into `movi r3, 2` after 100 passes, 300 in all
 *  (so the patched word sits in hot, compiled code): r2 ends at 100 + 2 * 200. */
export function selfPatchingLoop(): Image {
  const patched = encode(BY_MNEMONIC.get('movi')!, [3, 2], 0) | 0;
  return assembleText(`
      start:  movi r1, 0
              movi r2, 0
      .loop:  movi r3, 1
              add  r2, r2, r3
              addi r1, r1, 1
              cmpi r1, 100
              bne  .skip
              la   r4, .loop
              li   r5, ${patched}
              stw  r5, [r4]
      .skip:  cmpi r1, 300
              blt  .loop
              hlt`);
}

export const OPTIONS: RunConfig = {
  memoryBytes: 1 << 20,
  tlbSize: 64,
  tlbTagged: false,
  strict: false,
  costs: makeCostModel(),
  maxInstructions: 20_000_000,
  quantum: 10_000,
  overhead: false,
};

/** Options of a test run: any of the run's configuration. */
export type RunOptions = Partial<RunConfig>;

export function captureConsole(): ConsoleSink {
  const chunks: number[] = [];
  return { putByte: (b) => void chunks.push(b), finish() {}, text: () => Buffer.from(chunks).toString('utf8') };
}

export function readDisk(name: string): Uint8Array {
  return new Uint8Array(readFileSync(guestPath(...name.split('/'))));
}

/** Run guests in a mode (the bare reference takes exactly one). */
export function run(guests: GuestInput[], mode: string, options: RunOptions = {}, probe?: ExitProbe): GuestReport[] {
  return runGuests(guests, mode, { ...OPTIONS, ...options }, guests.map(() => captureConsole()), probe);
}

export function runOne(image: Image, mode: string, options: RunOptions & { disk?: Uint8Array; input?: Uint8Array } = {}): GuestReport {
  return run([{ name: 'guest', image, disk: options.disk, input: options.input }], mode, options)[0]!;
}

/** A probe that keeps every record. */
export function recorder(): ExitProbe & { records: ExitRecord[] } {
  const records: ExitRecord[] = [];
  return { records, record: (r) => void records.push({ ...r }) };
}

/** The bare machine's whole final state: registers, pc, flags, counters, TLB figures, memory. */
export function bareState(image: Image, options: RunOptions & { disk?: Uint8Array; input?: Uint8Array } = {}) {
  const opts = { ...OPTIONS, ...options };
  const m = new Machine(opts, { console: { putByte() {} }, disk: options.disk, input: options.input });
  m.load(image);
  const end = m.run(opts.maxInstructions);
  const tlb = m.processor.tlb;
  return {
    end,
    regs: [...m.cpu.regs],
    pc: m.cpu.pc,
    flags: m.cpu.flags,
    cr: [...m.cpu.cr],
    instructions: m.cpu.instructions,
    cycles: m.cycles,
    tlb: { lookups: tlb.lookups, misses: tlb.misses, flushes: tlb.flushes, walks: tlb.walkReferences },
    memory: createHash('sha256').update(m.processor.memory.bytes).digest('hex'),
    blocks: m.processor.blocksCompiled,
    regions: m.processor.regionsCompiled,
  };
}
