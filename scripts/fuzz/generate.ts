// Random but valid TOY32 programs for the differential fuzzer (differential.ts). A program is
// a prologue, a list of independent units (any of which can be dropped when a divergence is
// reduced), run for some rounds, and an epilogue that prints the registers and a checksum of
// the data area, so that any difference in state shows as a difference in console output.
//
// Kinds:
//   plain   supervisor mode, paging off: ALU with edge values, shifts by 0 and 31 feeding
//           compares, every branch, word and byte loads and stores (some misaligned),
//           divisions (some by zero), calls, hot loops, self-modifying stores
//   paging  the kernel maps windows with random PTE flags and touches them (faults included),
//           and changes PTEs (each followed by invlpg, as the architecture requires); some
//           hot loops rewrite their own code through a window mapped to its frame (an alias),
//           and some units rewrite a routine on a page of its own through its own address and
//           an alias, both written before that page first runs
//   user    the same tables, with the units run in user mode (its traps go to the kernel)
//   ptecode the code page is its own page table: its PTEs 1..8 are addi instructions that run
//           (call ptes), while loads and stores through va 0x1000..0x8000 make the page walk
//           set their A and D bits (the guest needs 272 MiB: those PTEs map frames there)
//   raw     a stream of random words, half of them valid encodings of random instructions
//           (privileged ones included: ports, control registers, rfe, hlt; never the three
//           sensitive ones, which trap mode cannot follow by design), run in supervisor mode
//   smc     plain's units (supervisor mode) and, half the time, hot loops that
//           keep a data word between their instructions and store to it every pass (code
//           and data on one page), or that rewrite the instruction after their store every
//           pass (so a compiled block, or a region, is dropped in the middle of running);
//           half of them with paging on (an identity map), where compiled code keeps its
//           page caches
//   irq     plain's units (supervisor mode) with the timer interrupting them: the
//           program starts it (a random period) with its line unmasked and IE on, and units
//           restart it with another period or stop it, mask or unmask its line, or read its
//           clock, in hot loops too. The handler takes an interrupt without touching any
//           register the program sees, and adds the interrupted pc to a sum printed at the
//           end, so an interrupt taken one instruction early or late shows; half of them
//           with paging on, as smc
//   dma     plain's units (supervisor mode) and the disk and the console's input: DMA reads
//           of routines (code from the disk) over a routine the program calls, waited for
//           or landing while a hot loop calls it; DMA reads of data, waited for or landing
//           between the loads that read it; DMA writes read back; commands that fail (a
//           sector past the end, an address outside memory, no sectors, an unknown command,
//           one given while the disk is busy); and reads of the console's input past its
//           end; half of them with paging on, as smc
//   input   plain's units (supervisor mode) and the console's input taken by interrupt (its
//           level-triggered line 1): the handler reads a byte (acknowledging the line before
//           or after the read, per program) and adds it and the interrupted pc to the irq
//           kind's sum; units mask and unmask the line, switch the console's input interrupt
//           off and on, read its status, take bytes by polling (racing the handler), and turn
//           IE off and on around hot loops; half of them with the timer interrupting too, and
//           half with paging on, as smc
// Every trap goes to a handler that prints the cause and address and skips the instruction;
// after 60 traps, or at the program's last `sys`, it prints the checksum and halts. The trap
// handler, the console and halting are paravirt.inc's ops, so a plain program also builds
// with -D PARAVIRT, for --mode para.

import { CONTROL_REGISTERS } from '../../src/isa/arch.js';
import { encode } from '../../src/isa/encoding.js';
import { unusedBits } from '../../src/isa/formats.js';
import { BY_MNEMONIC, INSTRUCTIONS } from '../../src/isa/table.js';
import { INLINE_CALLOUT, inlineCallout } from '../../src/machine/execution.js';

export const KINDS = ['plain', 'paging', 'user', 'ptecode', 'raw', 'smc', 'irq', 'dma', 'input'] as const;
export type Kind = (typeof KINDS)[number];

export interface Program {
  readonly kind: Kind;
  readonly seed: number;
  readonly units: readonly string[];
  /** Guest memory the program needs (bytes). */
  readonly memoryBytes: number;
  /** Its disk's contents (the dma kind) and its console's input (the dma and input kinds). */
  readonly disk?: Uint8Array;
  readonly input?: Uint8Array;
  /** The whole source, with these units (all of them by default). */
  source(units?: readonly string[]): string;
}

/** A small deterministic PRNG (xorshift32). */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
    for (let i = 0; i < 4; i++) this.next();
  }
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  /** 0 .. n-1 */
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }
}

const EDGE = [0, 1, -1, 2, -2, 31, 32, 0x7fffffff, -0x80000000, 0x7ffffffe, -0x7fffffff, 0x12345678, -0x789abcdf, 0xffff, 0x10000, 255, 256];
const RRR = ['add', 'sub', 'mul', 'div', 'divu', 'rem', 'remu', 'and', 'or', 'xor', 'shl', 'shr', 'sar'];
const RRI = ['addi', 'muli'];
const RRU = ['andi', 'ori', 'xori', 'shli', 'shri', 'sari'];
const SHIFTS = ['shri', 'sari', 'shli'];
const BRANCHES = ['beq', 'bne', 'blt', 'bge', 'bgt', 'ble', 'bltu', 'bgeu', 'bgtu', 'bleu'];
/** Registers the units use: r10..r13, sp and lr belong to the frame of the program. */
const REGS = ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'];
const DATA_WORDS = 64;
/** Where a plain program keeps its variables and its units (see program()). */
const PLAIN_DATA = 0x400;
const PLAIN_BODY = 0x800;
const hex = (n: number) => `0x${n.toString(16)}`;
/** Windows the paging kinds map at WINDOW_BASE + i pages, to frames at WINDOW_FRAMES. */
const WINDOWS = 8;
const WINDOW_BASE = 0x100000;
const WINDOW_FRAMES = 0x80000;

export function generate(seed: number, kind?: Kind): Program {
  const r = new Random(seed);
  const k = kind ?? r.pick(KINDS);
  const units = k === 'raw' ? Array.from({ length: 8 + r.int(56) }, () => `.word ${rawWord(r)}`) : Array.from({ length: 4 + r.int(k === 'ptecode' ? 8 : 14) }, (_, i) => unit(r, k, i));
  const frame: Frame = {
    kind: k,
    rounds: 1 + r.int(24),
    values: REGS.map(() => (r.chance(0.8) ? r.pick(EDGE) : r.next() | 0)),
    data: Array.from({ length: DATA_WORDS }, () => (r.chance(0.3) ? r.pick(EDGE) : r.next() | 0)),
    windows: Array.from({ length: WINDOWS }, () => r.pick(k === 'user' ? [0, 1, 5, 7, 7, 7] : [0, 1, 3, 3, 5, 7])),
    // addi rA, rB, imm with A and B among the unit registers: frame 0x10AB0..0x10AB15
    ptes: Array.from({ length: 8 }, () => (((0x10000 + (r.int(10) << 8) + (r.int(10) << 4) + r.int(16)) << 12) | r.pick([1, 3, 3])) | 0),
    period: r.pick(PERIODS),
    paged: (k === 'smc' || k === 'irq' || k === 'dma' || k === 'input') && r.chance(0.5),
    timer: k === 'irq' || (k === 'input' && r.chance(0.5)),
    ackFirst: r.chance(0.5),
    inputOn: r.chance(0.5),
    oneShot: r.chance(0.5),
  };
  return { kind: k, seed, units, memoryBytes: k === 'ptecode' ? 0x11000000 : 1 << 20, ...devicesFor(seed, k), source: (body = units) => program(frame, body) };
}

/** A program's disk and console input, made from its seed and kind alone (a saved
 *  reproduction makes them again): the dma kind's disk and a few bytes of input, the input
 *  kind's longer input; none for the other kinds. */
export function devicesFor(seed: number, kind: Kind): Pick<Program, 'disk' | 'input'> {
  if (kind === 'dma') return { disk: diskFor(seed), input: inputFor(seed) };
  if (kind === 'input') return { input: inputFor(seed, 200) };
  return {};
}

/** The dma kind's disk: ROUTINE_SECTORS sectors of code, each a routine of the same length
 *  (ALU instructions over the unit registers, then `ret`: one routine can replace another
 *  under a call that is running it), then DATA_SECTORS of random words. Made from the seed
 *  alone (a saved reproduction makes it again from its seed). */
export function diskFor(seed: number): Uint8Array {
  const r = new Random(seed ^ 0x6d2b79f5);
  const routineLength = 2 + r.int(40);
  const words = new Int32Array(((ROUTINE_SECTORS + DATA_SECTORS) * SECTOR_BYTES) / 4);
  const ret = encode(BY_MNEMONIC.get('jr')!, [15], 0);
  for (let sector = 0; sector < ROUTINE_SECTORS; sector++) {
    const at = (sector * SECTOR_BYTES) / 4;
    for (let i = 0; i < routineLength; i++) words[at + i] = routineWord(r);
    words[at + routineLength] = ret;
  }
  for (let i = (ROUTINE_SECTORS * SECTOR_BYTES) / 4; i < words.length; i++) words[i] = r.chance(0.3) ? r.pick(EDGE) : r.next() | 0;
  return new Uint8Array(words.buffer);
}

/** Console input: fewer than `most` bytes (the dma kind's: a few, of which a program reads
 *  some; the input kind's: up to 200, each an interrupt). */
export function inputFor(seed: number, most = 12): Uint8Array {
  const r = new Random(seed ^ 0x1b873593);
  return Uint8Array.from({ length: r.int(most) }, () => r.int(256));
}

const SECTOR_BYTES = 512;
const ROUTINE_SECTORS = 4;
const DATA_SECTORS = 4;

/** An ALU instruction of a routine on the disk, encoded. */
function routineWord(r: Random): number {
  const rd = r.int(10);
  if (r.chance(0.5)) return encode(BY_MNEMONIC.get(r.pick(RRR.filter((m) => !m.startsWith('div') && !m.startsWith('rem'))))!, [rd, r.int(10), r.int(10)], 0);
  if (r.chance(0.5)) return encode(BY_MNEMONIC.get(r.pick(RRI))!, [rd, r.int(10), imm16(r, true)], 0);
  return encode(BY_MNEMONIC.get(r.pick(RRU))!, [rd, r.int(10), imm16(r, false)], 0);
}

const RAW_SPECS = INSTRUCTIONS.filter((s) => s.class !== 'sensitive');

/** A random word, or a valid encoding of a random instruction (branches stay near). */
function rawWord(r: Random): number {
  if (r.chance(0.4)) return r.next() | 0;
  // (a word in the form of an inline callout: illegal in a guest's own code, in every mode)
  if (r.chance(0.05)) return inlineCallout(r.pick([INLINE_CALLOUT.READ_CR, INLINE_CALLOUT.WRITE_CR]), r.int(16), r.int(CONTROL_REGISTERS.length));
  const spec = r.pick(RAW_SPECS);
  let bits = r.next() & ~unusedBits(spec.format) & 0xffffff;
  if (spec.format === 'rel') bits = (r.int(33) - 16) & 0xffffff;
  if (spec.format === 'rc' || spec.format === 'cr') bits = (bits & 0xff0000) | r.int(9);
  return ((spec.opcode << 24) | bits) | 0;
}

/** mfcr of any control register, or mtcr of one the handler does not rely on (not tvec,
 *  nor ptbr or asid, which would remap the program). */
function controlRegisterAccess(r: Random): string {
  if (r.chance(0.5)) return `mfcr ${reg(r)}, ${r.pick(CONTROL_REGISTERS).name}`;
  return `mtcr ${r.pick(['spc', 'sflags', 'cause', 'faddr', 'scratch', 'mid'])}, ${reg(r)}`;
}

function reg(r: Random): string {
  return r.pick(REGS);
}

function imm16(r: Random, signed: boolean): number {
  if (r.chance(0.7)) return r.pick(signed ? [0, 1, -1, 31, 32, 0x7fff, -0x8000, 4, -4] : [0, 1, 31, 32, 0xffff, 0x8000, 4]);
  return signed ? r.int(0x10000) - 0x8000 : r.int(0x10000);
}

/** One ALU instruction; shifts by 0 and 31 are frequent. */
function alu(r: Random): string {
  switch (r.int(5)) {
    case 0:
      return `${r.pick(RRR)} ${reg(r)}, ${reg(r)}, ${reg(r)}`;
    case 1:
      return `${r.pick(RRI)} ${reg(r)}, ${reg(r)}, ${imm16(r, true)}`;
    case 2:
      return `${r.pick(SHIFTS)} ${reg(r)}, ${reg(r)}, ${r.pick([0, 0, 31, 1, 16])}`;
    case 3:
      return `${r.pick(RRU)} ${reg(r)}, ${reg(r)}, ${imm16(r, false)}`;
    default:
      return r.chance(0.5) ? `movi ${reg(r)}, ${imm16(r, true)}` : `lui ${reg(r)}, ${imm16(r, false)}`;
  }
}

/** Often a result just computed (a shift by 0 of a negative value, say), compared, and a
 *  branch over one instruction; or a division by it. */
function compareBranch(r: Random, id: string): string[] {
  const a = reg(r);
  const lines: string[] = [];
  if (r.chance(0.6)) lines.push(`${r.pick(['shri', 'shri', 'sari', 'shli'])} ${a}, ${reg(r)}, ${r.pick([0, 0, 31])}`);
  if (r.chance(0.2)) lines.push(`${r.pick(['div', 'rem', 'divu', 'remu'])} ${reg(r)}, ${a}, ${reg(r)}`);
  lines.push(r.chance(0.5) ? `cmp ${a}, ${reg(r)}` : `cmpi ${a}, ${imm16(r, true)}`, `${r.pick(BRANCHES)} .b${id}`, alu(r), `.b${id}:`);
  return lines;
}

function memory(r: Random): string {
  const word = r.chance(0.6);
  const offset = word ? 4 * r.int(DATA_WORDS) + (r.chance(0.04) ? 2 : 0) : r.int(DATA_WORDS * 4);
  const op = r.chance(0.5) ? (word ? 'ldw' : 'ldb') : word ? 'stw' : 'stb';
  return `${op} ${reg(r)}, [r13 + ${offset}]`;
}

/** A hot loop over code and data on one page (smc): a data word between the loop's
 *  instructions, loaded and stored every pass; or an instruction of the loop rewritten by
 *  the store just before it, every pass (its immediate flips between two values). */
function selfModifyingLoop(r: Random, id: string): string[] {
  const lines = [`li r11, ${20 + r.int(60)}`];
  const v = reg(r);
  if (r.chance(0.5)) {
    lines.push(`la r10, .d${id}`, `jmp .l${id}`, `.d${id}: .word ${r.next() | 0}`, `.l${id}:`, `ldw ${v}, [r10]`, alu(r), `add ${v}, ${v}, ${reg(r)}`, `stw ${v}, [r10${r.chance(0.2) ? ' + 2' : ''}]`);
  } else {
    const spec = BY_MNEMONIC.get(r.pick(RRI))!;
    const first = encode(spec, [r.int(10), r.int(10), imm16(r, true)], 0) | 0;
    lines.push(`la r10, .p${id}`, `li ${v}, ${first}`, `stw ${v}, [r10]`, `.l${id}:`, `ldw ${v}, [r10]`, `xori ${v}, ${v}, ${1 + r.int(0xffff)}`, `stw ${v}, [r10]`, `.p${id}: ${alu(r)}`);
  }
  if (r.chance(0.5)) lines.push(...compareBranch(r, `${id}x`));
  lines.push('subi r11, r11, 1', 'cmpi r11, 0', `bne .l${id}`);
  return lines;
}

/** Timer periods the irq kind sets: from about the handler's length up. */
const PERIODS = [23, 40, 97, 250, 1000, 4000];

/** A port access of the irq kind: the timer restarted with another period (or stopped), its
 *  line masked or unmasked, or its clock read; now and then in a hot loop, every pass or at
 *  one pass. */
function timerAccess(r: Random, id: string): string[] {
  const access = (): string[] => {
    switch (r.int(5)) {
      case 0:
        return ['movi r10, 0', 'out TIMER_PERIOD, r10'];
      case 1:
        return [`li r10, ${r.chance(0.5) ? ~1 : -1}`, 'out PIC_MASK, r10'];
      case 2:
        return [`in ${reg(r)}, ${r.pick(['TIMER_NOW', 'TIMER_REMAINING', 'PIC_PENDING'])}`];
      default:
        return [`li r10, ${r.chance(0.7) ? r.pick(PERIODS) : 20 + r.int(500)}`, 'out TIMER_PERIOD, r10'];
    }
  };
  return r.chance(0.5) ? access() : hotLoop(r, id, access);
}

/** A hot loop of a few passes over a device access: made every pass, or at one pass only
 *  (`before` and `after` the loop: IE off and on again, say). */
function hotLoop(r: Random, id: string, access: () => string[], before: string[] = [], after: string[] = []): string[] {
  const lines = [`li r11, ${5 + r.int(60)}`, ...before, `.l${id}:`, alu(r)];
  if (r.chance(0.5)) lines.push(...access());
  else lines.push(`cmpi r11, ${1 + r.int(5)}`, `bne .t${id}`, ...access(), `.t${id}:`);
  lines.push(r.chance(0.5) ? memory(r) : alu(r), 'subi r11, r11, 1', 'cmpi r11, 0', `bne .l${id}`, ...after);
  return lines;
}

/** Interrupt-line masks the input kind sets: every line masked, the console's alone open,
 *  the console's and the timer's, the timer's alone. */
const CONSOLE_MASKS = [-1, ~2, ~3, ~1];

/** A console access of the input kind (see the kinds above); now and then in a hot loop,
 *  every pass or at one pass. */
function consoleAccess(r: Random, id: string): string[] {
  // (in a loop, only the first four: no waits, and IE stays on)
  const access = (inLoop: boolean): string[] => {
    switch (r.int(inLoop ? 4 : 7)) {
      case 0:
        return [`li r10, ${r.pick(CONSOLE_MASKS)}`, 'out PIC_MASK, r10'];
      case 1:
        return [`movi r10, ${r.pick([0, 1, 1, 3])}`, 'out CONSOLE_CTRL, r10'];
      case 2:
        return [`in ${reg(r)}, ${r.pick(['CONSOLE_STATUS', 'CONSOLE_CTRL', 'PIC_PENDING', 'PIC_MASK'])}`];
      case 3:
        // a byte by polling, through the port or the memory-mapped page (with paging on,
        // outside the identity map: a fault, which the handler skips)
        if (r.chance(0.7)) return [`in ${reg(r)}, CONSOLE_DATA`];
        return [`li r10, ${r.pick(['MMIO_CONSOLE_DATA', 'MMIO_CONSOLE_STATUS', 'MMIO_CONSOLE_DATA + 3'])}`, `${r.chance(0.5) ? 'ldw' : 'ldb'} ${reg(r)}, [r10]`];
      case 4:
        // a wait for the next interrupt while input remains (IE on: hlt waits; the handler
        // may take the last byte first, and then only the timer can wake it)
        return ['in r10, CONSOLE_STATUS', 'cmpi r10, CONSOLE_INPUT_READY', `bne .h${id}`, 'hlt', `.h${id}:`];
      case 5:
        // IE off for an instruction or two
        return ['irq_disable', alu(r), 'irq_enable'];
      default:
        return ['irq_enable'];
    }
  };
  if (r.chance(0.5)) return access(false);
  // (3 loops in 10 with IE off throughout)
  return r.chance(0.3) ? hotLoop(r, id, () => access(true), ['irq_disable'], ['irq_enable']) : hotLoop(r, id, () => access(true));
}

/** A disk command: its registers, then COMMAND (r10 a scratch register). */
function diskCommand(command: number | string, sector: number, address: string, count: number): string[] {
  return [`li r10, ${address}`, 'out DISK_ADDRESS, r10', `li r10, ${sector}`, 'out DISK_SECTOR, r10', `li r10, ${count}`, 'out DISK_COUNT, r10', `li r10, ${command}`, 'out DISK_COMMAND, r10'];
}

/** A device access of the dma kind (see the kinds above); a command is waited for by polling
 *  STATUS (a unit register then adds it in), or not, and lands where the clock says. */
function deviceAccess(r: Random, id: string): string[] {
  let waits = 0;
  const wait = (label = `.w${id}_${waits++}`) => (r.chance(0.6) ? [`${label}:`, 'in r10, DISK_STATUS', 'cmpi r10, DISK_BUSY', `beq ${label}`, `add ${reg(r)}, ${reg(r)}, r10`] : []);
  const data = () => r.pick(['dmabuf', 'dmabuf + 256', 'data']);
  const loop = (body: string[]) => [`li r11, ${1 + r.int(80)}`, `.l${id}:`, ...body, 'subi r11, r11, 1', 'cmpi r11, 0', `bne .l${id}`];
  switch (r.int(6)) {
    case 0:
    case 1:
      // a routine over the one the program calls, then a hot loop calling it
      return [...diskCommand('DISK_CMD_READ', r.int(ROUTINE_SECTORS), 'patch', 1), ...wait(), ...loop(r.chance(0.7) ? ['call patch'] : ['call patch', alu(r)])];
    case 2:
      // data, then loads of it (in a loop: old words before the transfer lands, new after)
      return [...diskCommand('DISK_CMD_READ', ROUTINE_SECTORS + r.int(DATA_SECTORS), 'dmabuf', 1 + r.int(2)), ...wait(), 'la r10, dmabuf', ...loop([`ldw ${reg(r)}, [r10 + ${4 * r.int(256)}]`, alu(r)])];
    case 3:
      // a write, read back
      return [...diskCommand('DISK_CMD_WRITE', ROUTINE_SECTORS + r.int(DATA_SECTORS), data(), 1), ...wait(), ...diskCommand('DISK_CMD_READ', ROUTINE_SECTORS + r.int(DATA_SECTORS), 'dmabuf', 1), ...wait()];
    case 4: {
      // a command that fails: a sector past the end, an address outside memory, no sectors,
      // an unknown command; or one given while the disk is busy (ignored)
      const bad = r.int(5);
      const lines =
        bad === 0 ? diskCommand('DISK_CMD_READ', ROUTINE_SECTORS + DATA_SECTORS - 1 + r.int(3), 'dmabuf', 2)
        : bad === 1 ? diskCommand('DISK_CMD_READ', 0, r.pick(['0xffe04', '0x7ffffffc', '0x60000000']), 1)
        : bad === 2 ? diskCommand('DISK_CMD_READ', 0, 'dmabuf', 0)
        : bad === 3 ? diskCommand(r.pick([0, 3, 255]), 0, 'dmabuf', 1)
        : [...diskCommand('DISK_CMD_READ', ROUTINE_SECTORS, 'dmabuf', 1), ...diskCommand('DISK_CMD_READ', 0, 'patch', 1)];
      return [...lines, ...wait(), `in ${reg(r)}, DISK_STATUS`];
    }
    default:
      // the console's input (past its end: all ones, and the status says so), the disk's size
      return Array.from({ length: 1 + r.int(3) }, () => `in ${reg(r)}, ${r.pick(['CONSOLE_DATA', 'CONSOLE_DATA', 'CONSOLE_STATUS', 'DISK_SIZE', 'DISK_STATUS'])}`);
  }
}

function unit(r: Random, kind: Kind, n: number): string {
  const id = String(n);
  if (kind === 'smc' && r.chance(0.5)) return selfModifyingLoop(r, id).join('\n');
  if (kind === 'irq' && r.chance(0.35)) return timerAccess(r, id).join('\n');
  if (kind === 'dma' && r.chance(0.45)) return deviceAccess(r, id).join('\n');
  if (kind === 'input' && r.chance(0.4)) return consoleAccess(r, id).join('\n');
  const lines: string[] = [];
  switch (r.int(kind === 'plain' || kind === 'smc' || kind === 'irq' || kind === 'dma' || kind === 'input' ? 8 : 10)) {
    case 0:
    case 1:
      for (let i = 1 + r.int(4); i > 0; i--) lines.push(alu(r));
      break;
    case 2:
      lines.push(...compareBranch(r, id));
      break;
    case 3:
      for (let i = 1 + r.int(3); i > 0; i--) lines.push(memory(r));
      break;
    case 4:
      // a hot loop: the block compiler makes it one function that loops in itself
      lines.push(`li r11, ${1 + r.int(40)}`, `.l${id}:`);
      for (let i = 1 + r.int(3); i > 0; i--) lines.push(r.chance(0.7) ? alu(r) : memory(r));
      if (r.chance(0.5)) lines.push(...compareBranch(r, `${id}x`));
      lines.push('subi r11, r11, 1', 'cmpi r11, 0', `bne .l${id}`);
      break;
    case 5:
      lines.push(`call sub${r.int(4)}`);
      break;
    case 6: {
      // self-modifying code: a new instruction stored over a slot that ran in earlier rounds
      const spec = BY_MNEMONIC.get(r.pick([...RRI, ...RRU]))!;
      const word = encode(spec, [r.int(10), r.int(10), imm16(r, spec.format === 'rri')], 0) | 0;
      if (kind === 'user') lines.push(alu(r)); // user code pages are not writable here
      else if (kind === 'paging' && r.chance(0.4)) lines.push(...aliasedRewrite(r, id, word));
      else if (kind === 'paging' && r.chance(0.4)) lines.push(...aliasedRoutine(r));
      else lines.push(`la r10, .s${id}`, `li r11, ${word}`, 'stw r11, [r10]', `.s${id}: ${alu(r)}`);
      break;
    }
    case 7:
      // (a control-register access in kernel code: full mode translates it inline)
      if (kind !== 'plain' && kind !== 'user' && r.chance(0.3)) lines.push(controlRegisterAccess(r));
      else lines.push(r.pick(['sys', 'brk', `div ${reg(r)}, ${reg(r)}, ${reg(r)}`, `rem ${reg(r)}, ${reg(r)}, ${reg(r)}`]));
      break;
    default:
      if (kind === 'ptecode') {
        if (r.chance(0.4)) lines.push('call ptes');
        else lines.push(`li r10, 0x${(0x1000 * (1 + r.int(8)) + 4 * r.int(1024)).toString(16)}`, r.chance(0.5) ? `ldw ${reg(r)}, [r10]` : `stw ${reg(r)}, [r10]`);
      } else if (kind === 'paging' && r.chance(0.25)) {
        lines.push(`li r10, ${r.int(WINDOWS)}`, `li r11, ${r.pick([0, 1, 3, 5, 7])}`, 'call setpte');
      } else {
        lines.push(`li r10, 0x${(WINDOW_BASE + 0x1000 * r.int(WINDOWS) + 4 * r.int(16)).toString(16)}`, r.chance(0.5) ? `ldw ${reg(r)}, [r10]` : `stw ${reg(r)}, [r10]`);
      }
  }
  return lines.join('\n');
}

/** Map window `window` (supervisor, writable) to the frame of the address in r10, and drop
 *  its old translation: r8 is then the window's address (r9 is clobbered). */
function aliasIn(window: number): string[] {
  return [
    'la r9, table',
    `li r8, ${((WINDOW_BASE >>> 12) + window) * 4}`,
    'add r9, r9, r8',
    'shri r8, r10, 12',
    'shli r8, r8, 12',
    'ori r8, r8, PTE_V | PTE_W',
    'stw r8, [r9]',
    `li r8, ${WINDOW_BASE + 0x1000 * window}`,
    'invlpg r8',
  ];
}

/** The paging kind's code rewritten through an alias: the last window is mapped to the
 *  frame of an instruction of a hot loop, which stores one of two words over it through the
 *  window every pass (by the parity of its count) and then runs it. The store goes through
 *  another virtual page, and so another TLB entry, than the fetch: compiled code made from
 *  the frame must go all the same. (r8 and r9 are the unit's scratch registers.) */
function aliasedRewrite(r: Random, id: string, word: number): string[] {
  const spec = BY_MNEMONIC.get(r.pick([...RRI, ...RRU]))!;
  const other = encode(spec, [r.int(10), r.int(10), imm16(r, spec.format === 'rri')], 0) | 0;
  return [
    `la r10, .s${id}`,
    ...aliasIn(WINDOWS - 1),
    'andi r10, r10, 0xfff',
    'add r10, r10, r8',
    `li r11, ${20 + r.int(40)}`,
    `.l${id}: li r9, ${word}`,
    'andi r8, r11, 1',
    'cmpi r8, 0',
    `beq .a${id}`,
    `li r9, ${other}`,
    `.a${id}: stw r9, [r10]`,
    `.s${id}: ${alu(r)}`,
    'subi r11, r11, 1',
    'cmpi r11, 0',
    `bne .l${id}`,
  ];
}

/** Routines of the paging kind (`ar0`..), an instruction and a `ret` each, on a page of their
 *  own that runs only when a unit calls one (aliasedPage). */
const ALIASED_ROUTINES = 8;
/** Where the routines start on their page: past the words the windows' loads and stores
 *  reach (4 * 16 bytes), when a window is an alias of it. */
const AR_OFFSET = 0x800;

/** The paging kind's routine rewritten through its own address and then through an alias: a
 *  word is stored over a routine's instruction through its own address, the second to last
 *  window is mapped to the routines' page, another word is stored through it, the routine is
 *  called, the first word is stored through the alias again, and it is called again; each
 *  call's result goes into the data the checksum covers. The first unit to run writes
 *  through both mappings before the page has ever run (under full mode, before it is
 *  translated and its frame write-protected): every mapping of the frame must lose its write
 *  permission then, the alias made second as well as the page's own. (r8 and r9 scratch, as
 *  aliasedRewrite.) */
function aliasedRoutine(r: Random): string[] {
  // (both words write one register, which each call folds into a data word: a stale
  // instruction shows in the checksum)
  const target = r.int(8);
  const [word, other] = [0, 1].map(() => {
    const spec = BY_MNEMONIC.get(r.pick([...RRI, ...RRU]))!;
    return encode(spec, [target, r.int(10), imm16(r, spec.format === 'rri')], 0) | 0;
  });
  const folded = `[r13 + ${4 * r.int(DATA_WORDS)}]`;
  const fold = [`ldw r8, ${folded}`, `xor r8, r8, r${target}`, `stw r8, ${folded}`];
  const routine = `ar${r.int(ALIASED_ROUTINES)}`;
  return [
    `la r10, ${routine}`,
    `li r11, ${other}`,
    'stw r11, [r10]',
    ...aliasIn(WINDOWS - 2),
    'andi r9, r10, 0xfff',
    'add r9, r9, r8',
    `li r11, ${word}`,
    'stw r11, [r9]',
    `call ${routine}`,
    ...fold,
    `li r11, ${other}`,
    'stw r11, [r9]',
    `call ${routine}`,
    ...fold,
  ];
}

interface Frame {
  kind: Kind;
  rounds: number;
  values: number[];
  data: number[];
  windows: number[];
  ptes: number[];
  /** The timer's first period (irq; input, when it runs the timer). */
  period: number;
  /** The timer interrupts (irq; half the input kind's programs). */
  timer: boolean;
  /** The input kind's handler acknowledges the console's line before it reads the byte. */
  ackFirst: boolean;
  /** The input kind's program starts with the console's input interrupt on (else only its
   *  units turn it on). */
  inputOn: boolean;
  /** The input kind's handler turns the console's input interrupt off after each byte, so
   *  that each unit that turns it on takes about one byte where it runs (else the handler
   *  takes every byte as soon as it can). */
  oneShot: boolean;
  /** smc, irq, dma and input: paging on (an identity map and the windows; still supervisor mode),
   *  where compiled code keeps its page caches. */
  paged: boolean;
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => (l.endsWith(':') ? l : `        ${l}`))
    .join('\n');

function program(f: Frame, units: readonly string[]): string {
  const paging = f.kind === 'paging' || f.kind === 'user' || f.paged;
  const init = f.values.map((v, i) => `        li r${i}, ${v}`).join('\n');
  const body = units.map((u, i) => `; unit ${i}\n${indent(u)}`).join('\n');
  const enterUser = f.kind === 'user' ? '        la r1, .user\n        mtcr spc, r1\n        movi r1, 0\n        mtcr sflags, r1\n        rfe\n.user:' : '';
  const interrupts = f.kind === 'irq' || f.kind === 'input';
  const lines = `${f.timer ? '(1 << IRQ_TIMER)' : ''}${f.timer && f.kind === 'input' ? ' | ' : ''}${f.kind === 'input' ? '(1 << IRQ_CONSOLE)' : ''}`;
  const timer = interrupts
    ? `        irq_lines_enable ${lines}\n${f.timer ? `        timer_start ${f.period}\n` : ''}${f.kind === 'input' && f.inputOn ? '        movi r1, 1\n        out CONSOLE_CTRL, r1\n' : ''}        irq_enable\n`
    : '';
  const main = `start:  la r1, handler
        set_trap_entry r1
${timer}${paging ? pagingSetup(f) : ''}${f.kind === 'ptecode' ? '        la r1, dir\n        movi r2, PTE_V | PTE_W\n        stw r2, [r1]\n        ori r1, r1, PTBR_PAGING\n        mtcr ptbr, r1\n        li sp, 0x1000\n' : ''}
        la r13, data
${init}
${enterUser}
${f.kind === 'raw' ? body : `        li r12, ${f.rounds}
.round:
${body}
        subi r12, r12, 1
        cmpi r12, 0
        bne .round`}
        sys
program_end:`;
  // (dma: the sectors DMA fills follow the data, whose checksum covers them too; the routine
  // the program calls is a sector of its own, a `ret` until a routine comes from the disk)
  const dma = f.kind === 'dma' ? `\ndmabuf: .space ${2 * SECTOR_BYTES}\npatch:  ret\n        .space ${SECTOR_BYTES - 4}` : '';
  const variables = `traps:  .word 0
saved_lr: .word 0
data:
${f.data.map((w) => `        .word ${w}`).join('\n')}${dma}`;
  if (f.kind === 'plain') {
    // Built both ways (native and PARAVIRT), whose ops differ in length: the variables and the
    // units sit at fixed addresses, so that no address a unit sees (in a register, or as a
    // fault address) depends on the build.
    const [setup, rest] = [main.slice(0, main.indexOf('        la r13, data')), main.slice(main.indexOf('        la r13, data'))];
    return `; fuzz program (plain)
.include "../include/paravirt.inc"
${setup}        jmp body
        .org ${hex(PLAIN_DATA)}
${variables}
        .org ${hex(PLAIN_BODY)}
body:
${rest}
${epilogue()}
${subroutines()}
${handler()}
${printing()}
        .align 4
.include "../include/paravirt.s"
`;
  }
  const common = `${main}
${epilogue(interrupts, f.kind === 'dma' ? DATA_WORDS + (2 * SECTOR_BYTES) / 4 : DATA_WORDS)}
${subroutines()}
${interrupts ? `${interruptEntry(f.kind === 'input' ? (f.ackFirst ? 'ack, read' : 'read, ack') : 'ack', f.oneShot)}${handler('traps_entry')}` : handler()}
${paging ? pageHelpers() : ''}
${printing()}
        .align 4
${variables}`;
  if (f.kind === 'ptecode') {
    return `; fuzz program (ptecode)
.include "../include/paravirt.inc"
        .word PTE_V | PTE_W             ; PTE 0: va 0 -> frame 0 (this page is code, and its own page table)
ptes:                                   ; PTEs 1..8: instructions, and the mappings of va 0x1000..0x8000
${f.ptes.map((w) => `        .word ${w}`).join('\n')}
        ret
${common}
        .org 0x10000
dir:    .space 4096
`;
  }
  return `; fuzz program (${f.kind})
.include "../include/paravirt.inc"
${common}
${paging ? '        .align 4096\ndir:    .space 4096\ntable:  .space 4096' : ''}
${f.kind === 'paging' ? aliasedPage() : ''}`;
}

/** The page of the paging kind's routines (aliasedRoutine). */
function aliasedPage(): string {
  const routines = Array.from({ length: ALIASED_ROUTINES }, (_, i) => `ar${i}:    addi r0, r0, 0\n        ret`);
  return `        .align 4096\n        .space ${hex(AR_OFFSET)}\n${routines.join('\n')}\n`;
}

/** The checksum: the unit registers and a hash of the data area (and with `interrupts`, their
 *  count and the sum of the pcs they interrupted), then halt. */
function epilogue(interrupts = false, words = DATA_WORDS): string {
  const taken = `        la r1, m_irqs
        call puts
        la r1, irq_save
        ldw r1, [r1 + 8]
        call put_hex_sp
        la r1, irq_save
        ldw r1, [r1 + 12]
        call put_hex_sp
`;
  return `finish:
${interrupts ? `        irq_disable\n${taken}` : ''}        la r1, m_regs
        call puts
${REGS.map((r) => `        mov r1, ${r}\n        call put_hex_sp`).join('\n')}
        la r10, data
        movi r11, 0
        li r12, ${words}
.sum:   ldw r1, [r10]
        add r11, r11, r1
        shli r1, r11, 3
        xor r11, r11, r1
        addi r10, r10, 4
        subi r12, r12, 1
        cmpi r12, 0
        bne .sum
        la r1, m_data
        call puts
        mov r1, r11
        call put_hex
        movi r1, 10
        putc r1
        irq_disable
        halt`;
}

function subroutines(): string {
  return ['addi r1, r1, 7', 'xor r2, r2, r3', 'shri r4, r4, 0', 'mul r5, r5, r6'].map((op, i) => `sub${i}:   ${op}\n        ret`).join('\n');
}

/** The irq and input kinds' handler entry: an interrupt is counted, its interrupted pc added
 *  to a sum (sum * 31 + spc), its line acknowledged (the console's: a byte read and added to
 *  the sum too, before or after the acknowledgement as `console` says, and with `oneShot`
 *  the console's input interrupt turned off), and the CPU returns
 *  with every register as it was (r10 in scratch, r9 and r11 in irq_save); anything else
 *  goes on to the handler. */
function interruptEntry(console: 'ack' | 'ack, read' | 'read, ack', oneShot = false): string {
  const read = `        cmpi r11, IRQ_CONSOLE
        bne .noinput
        in r9, CONSOLE_DATA
        ldw r11, [r10 + 12]
        add r11, r11, r9
        stw r11, [r10 + 12]${oneShot ? '\n        movi r9, 0\n        out CONSOLE_CTRL, r9' : ''}
        movi r11, IRQ_CONSOLE
.noinput:
`;
  const ack = '        out PIC_ACK, r11\n';
  const acknowledge = console === 'ack' ? ack : console === 'ack, read' ? ack + read : read + ack;
  return `handler:
        mtcr scratch, r10
        mfcr r10, cause
        cmpi r10, CAUSE_IRQ_BASE
        blt .trap
        la r10, irq_save
        stw r11, [r10]
        stw r9, [r10 + 4]
        ldw r11, [r10 + 8]
        addi r11, r11, 1
        stw r11, [r10 + 8]
        ldw r11, [r10 + 12]
        shli r9, r11, 5
        sub r11, r9, r11
        mfcr r9, spc
        add r11, r11, r9
        stw r11, [r10 + 12]
        mfcr r11, cause
        subi r11, r11, CAUSE_IRQ_BASE
${acknowledge}        ldw r9, [r10 + 4]
        ldw r11, [r10]
        mfcr r10, scratch
        rfe
.trap:  mfcr r10, scratch
        jmp traps_entry
irq_save: .space 16
`;
}

/** Prints "trap CAUSE FADDR", skips the trapping instruction (sys and brk saved the next pc
 *  already), at most 60 times; the program's last sys, or the 61st trap, ends it. */
function handler(label = 'handler'): string {
  return `${label}:
        trap_read r10, SPC
        la r11, program_end
        cmp r10, r11
        beq .end
        la r11, traps
        ldw r10, [r11]
        addi r10, r10, 1
        stw r10, [r11]
        cmpi r10, 60
        bgt .end
        la r1, m_trap
        call puts
        trap_read r1, CAUSE
        call put_hex_sp
        trap_read r1, FADDR
        call put_hex
        movi r1, 10
        putc r1
        trap_read r10, CAUSE
        cmpi r10, 3
        beq .back
        cmpi r10, 4
        beq .back
        trap_read r10, SPC
        addi r10, r10, 4
        trap_write SPC, r10
.back:
        iret_keep_r0
        return_from_trap
.end:   jmp finish`;
}

function pagingSetup(f: Frame): string {
  const lines = ['        la r1, table', '        li r2, 0x100000', '        call identity', '        la r1, dir', '        la r2, table', '        ori r2, r2, PTE_V | PTE_W | PTE_U', '        stw r2, [r1]'];
  f.windows.forEach((flags, i) => lines.push(`        li r10, ${i}`, `        li r11, ${flags}`, '        call setpte'));
  lines.push('        la r1, dir', '        ori r1, r1, PTBR_PAGING', '        mtcr ptbr, r1');
  return lines.join('\n') + '\n';
}

/** identity r1=table r2=end: user RW entries mapping [0, end) to itself. setpte r10=window
 *  r11=flags: the window's PTE (to its frame, with these flags), then invlpg. */
function pageHelpers(): string {
  return `identity:
        movi r3, 0
.next:  cmp r3, r2
        bgeu .done
        ori r3, r3, PTE_V | PTE_W | PTE_U
        stw r3, [r1]
        addi r1, r1, 4
        xori r3, r3, PTE_V | PTE_W | PTE_U
        addi r3, r3, PAGE_SIZE
        jmp .next
.done:  ret
setpte: la r9, table
        shli r8, r10, 2
        add r9, r9, r8
        li r8, ${(WINDOW_BASE >>> 12) * 4}
        add r9, r9, r8
        shli r8, r10, 12
        li r7, ${WINDOW_FRAMES}
        add r8, r8, r7
        or r8, r8, r11
        stw r8, [r9]
        shli r8, r10, 12
        li r7, ${WINDOW_BASE}
        add r8, r8, r7
        invlpg r8
        ret`;
}

/** puts r1=string, put_hex r1 (clobber r1..r3), put_hex_sp: put_hex and a space. */
function printing(): string {
  return `puts:   ldb r2, [r1]
        cmpi r2, 0
        beq .pd
        putc r2
        addi r1, r1, 1
        jmp puts
.pd:    ret
put_hex:
        movi r3, 8
.ph:    shri r2, r1, 28
        addi r2, r2, 48
        cmpi r2, 58
        blt .pdig
        addi r2, r2, 39
.pdig:  putc r2
        shli r1, r1, 4
        subi r3, r3, 1
        cmpi r3, 0
        bne .ph
        ret
put_hex_sp:
        la r2, saved_lr
        stw lr, [r2]
        call put_hex
        movi r1, 32
        putc r1
        la r2, saved_lr
        ldw lr, [r2]
        ret
m_regs: .asciz "regs "
m_data: .asciz "data "
m_trap: .asciz "trap "
m_irqs: .asciz "irqs "`;
}
