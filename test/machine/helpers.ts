// Shared helpers of the machine tests: build TOY32 programs word by word with `encode` and the
// ISA table (never the assembler), load them into a bare Machine and run them.

import { CR, FLAG } from '../../src/isa/arch.js';
import { encode, type OperandValue } from '../../src/isa/encoding.js';
import { BY_MNEMONIC } from '../../src/isa/table.js';
import type { Image } from '../../src/image/model.js';
import { makeCostModel } from '../../src/machine/costs.js';
import type { MachineConfig } from '../../src/machine/config.js';
import { Machine, type Termination } from '../../src/machine/machine.js';
import type { DmaMemory, IrqLine } from '../../src/machine/device.js';

/** An operand: a value as `encode` takes it, or a label name (for rel24 targets). */
export type Operand = OperandValue | string;

type Item =
  | { kind: 'ins'; mnemonic: string; operands: Operand[] }
  | { kind: 'word'; word: number }
  | { kind: 'hi'; reg: number; label: string }
  | { kind: 'lo'; reg: number; label: string };

/** A tiny program builder: instructions at consecutive addresses from `origin`, with labels. */
export class Program {
  private readonly items: Item[] = [];
  private readonly labels = new Map<string, number>();

  constructor(readonly origin = 0x1000) {}

  /** Address of the next word. */
  get pc(): number {
    return this.origin + 4 * this.items.length;
  }

  label(name: string): this {
    if (this.labels.has(name)) throw new Error(`label ${name} defined twice`);
    this.labels.set(name, this.pc);
    return this;
  }

  /** One instruction; a string operand is a label (resolved when the program is built). */
  i(mnemonic: string, ...operands: Operand[]): this {
    if (!BY_MNEMONIC.has(mnemonic)) throw new Error(`no instruction ${mnemonic}`);
    this.items.push({ kind: 'ins', mnemonic, operands });
    return this;
  }

  /** A raw word (for words that do not decode). */
  word(word: number): this {
    this.items.push({ kind: 'word', word: word >>> 0 });
    return this;
  }

  /** Load a 32-bit constant (or a label's address): movi when it fits, else lui + ori. */
  li(reg: number, value: number | string): this {
    if (typeof value === 'string') {
      this.items.push({ kind: 'hi', reg, label: value }, { kind: 'lo', reg, label: value });
      return this;
    }
    const v = value | 0;
    if (v >= -0x8000 && v <= 0x7fff) return this.i('movi', reg, v);
    this.i('lui', reg, (v >>> 16) & 0xffff);
    return (v & 0xffff) !== 0 ? this.i('ori', reg, reg, v & 0xffff) : this;
  }

  addr(label: string): number {
    const a = this.labels.get(label);
    if (a === undefined) throw new Error(`no label ${label}`);
    return a;
  }

  words(): number[] {
    return this.items.map((item, index) => {
      const pc = this.origin + 4 * index;
      switch (item.kind) {
        case 'word':
          return item.word;
        case 'hi':
          return encode(BY_MNEMONIC.get('lui')!, [item.reg, this.addr(item.label) >>> 16], pc);
        case 'lo':
          return encode(BY_MNEMONIC.get('ori')!, [item.reg, item.reg, this.addr(item.label) & 0xffff], pc);
        case 'ins': {
          const ops = item.operands.map((o) => (typeof o === 'string' ? this.addr(o) : o));
          return encode(BY_MNEMONIC.get(item.mnemonic)!, ops, pc);
        }
      }
    });
  }

  bytes(): Uint8Array {
    const words = this.words();
    const out = new Uint8Array(words.length * 4);
    const view = new DataView(out.buffer);
    words.forEach((w, i) => view.setUint32(i * 4, w, true));
    return out;
  }
}

/** Encode one instruction at `pc` (for raw-word tweaks). */
export function enc(mnemonic: string, operands: OperandValue[], pc = 0): number {
  return encode(BY_MNEMONIC.get(mnemonic)!, operands, pc);
}

export interface Setup {
  memoryBytes?: number;
  tlbSize?: number;
  tlbTagged?: boolean;
  strict?: boolean;
  input?: Uint8Array;
  disk?: Uint8Array;
  /** The engine: false interprets only; regionHeat (jit.ts) how soon blocks join regions. */
  jit?: boolean;
  regionHeat?: number;
}

export interface Booted {
  machine: Machine;
  /** Bytes the console wrote. */
  output: number[];
}

export function makeMachine(setup: Setup = {}): Booted {
  const output: number[] = [];
  const config: MachineConfig = {
    memoryBytes: setup.memoryBytes ?? 0x10000,
    tlbSize: setup.tlbSize ?? 64,
    tlbTagged: setup.tlbTagged ?? false,
    strict: setup.strict ?? false,
    costs: makeCostModel(),
    jit: setup.jit,
    regionHeat: setup.regionHeat,
  };
  return { machine: new Machine(config, { console: { putByte: (b) => output.push(b) }, input: setup.input, disk: setup.disk }), output };
}

export function imageOf(programs: readonly Program[], entry: number): Image {
  return { entry, segments: programs.map((p) => ({ address: p.origin, bytes: p.bytes() })), symbols: [], files: [], lines: [] };
}

/** Where the standard trap handler sits: one `hlt`, so a trap ends the run 'halted' with the
 *  control registers as the trap left them. */
export const HANDLER = 0x800;
export function haltHandler(): Program {
  return new Program(HANDLER).i('hlt');
}

export interface RunOptions extends Setup {
  /** More programs (e.g. a handler) loaded besides the main one. */
  extra?: Program[];
  /** Install the standard halting handler at HANDLER and point tvec at it (default true). */
  handler?: boolean;
  /** Registers set after reset, before the run. */
  regs?: Record<number, number>;
  /** Called after load, before the run (poke memory, control registers, devices). */
  before?: (m: Machine) => void;
  limit?: number;
}

export interface Ran extends Booted {
  end: Termination;
  regs: Int32Array;
  cr: Int32Array;
}

/** Load `program` (entry = its origin) and run it. */
export function run(program: Program, options: RunOptions = {}): Ran {
  const booted = makeMachine(options);
  const { machine } = booted;
  const programs = [program, ...(options.extra ?? [])];
  const handler = options.handler ?? true;
  if (handler) programs.push(haltHandler());
  machine.load(imageOf(programs, program.origin));
  if (handler) machine.cpu.cr[CR.TVEC] = HANDLER;
  for (const [r, v] of Object.entries(options.regs ?? {})) machine.cpu.regs[Number(r)] = v;
  options.before?.(machine);
  const end = machine.run(options.limit ?? 100_000);
  return { ...booted, end, regs: machine.cpu.regs, cr: machine.cpu.cr };
}

/** Run `count` more instructions on the processor alone (no devices), for looking at
 *  counters between instructions. Stops early when the CPU halts. */
export function step(machine: Machine, count: number): void {
  const cpu = machine.cpu;
  const target = cpu.instructions + count;
  for (let guard = 0; cpu.instructions < target && !cpu.halted && guard < 1000; guard++) machine.processor.run(target);
}

export const S = FLAG.S;

/** A fake interrupt line that counts raises. */
export function fakeIrq(): IrqLine & { count: number } {
  const line = { number: -1, count: 0, raise: () => void line.count++ };
  return line;
}

/** A fake DMA memory over a plain byte array. */
export function fakeDma(size: number): DmaMemory & { bytes: Uint8Array } {
  const bytes = new Uint8Array(size);
  return {
    bytes,
    size,
    write: (address, data) => bytes.set(data, address),
    read: (address, length) => bytes.slice(address, address + length),
  };
}

/** The cause code of a trap by name, e.g. cause('page-read'). */
export { CAUSE } from '../../src/isa/arch.js';

export const u32 = (x: number) => x >>> 0;

/** Append code that drops to the mode and flags `flags` at `target` via rfe (clobbers r13). */
export function enterWith(p: Program, target: string | number, flags: number, scratch = 13): Program {
  p.li(scratch, target).i('mtcr', CR.SPC, scratch).li(scratch, flags).i('mtcr', CR.SFLAGS, scratch).i('rfe');
  return p;
}

// ---- page tables, written straight into physical memory ------------------------------------

export function readWord(m: Machine, pa: number): number {
  return m.processor.memory.read32(pa);
}

export function writeWord(m: Machine, pa: number, value: number): void {
  m.processor.memory.write32(pa, value);
}

/** Set the PDE of `va` in the directory at `dir` to `table | bits`. */
export function setPde(m: Machine, dir: number, va: number, table: number, bits: number): number {
  const at = dir + (va >>> 22) * 4;
  writeWord(m, at, (table & ~4095) | bits);
  return at;
}

/** Set the PTE of `va` in the page table at `table` to `frame | bits`. */
export function setPte(m: Machine, table: number, va: number, frame: number, bits: number): number {
  const at = table + ((va >>> 12) & 1023) * 4;
  writeWord(m, at, (frame & ~4095) | bits);
  return at;
}
