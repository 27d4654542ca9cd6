// Turning VM exits into trace records: only built when a probe is plugged in (tracing off
// costs nothing). Records are data; sinks in src/trace/ format them.

import { causeName, CONTROL_REGISTERS } from '../isa/arch.js';
import { disassemble } from '../isa/disasm.js';
import { BY_OPCODE } from '../isa/table.js';
import { sourceOf } from '../image/model.js';
import { blankExitRecord, Next, type ExitAnswer, type ExitProbe, type ExitRecord } from './exits.js';
import type { Vm } from './vm.js';

/** What an emulated instruction's own operands say: its port and value, control register,
 *  address (undefined: not one of its operands). */
interface Operands {
  port: number | undefined;
  value: number | undefined;
  address: number | undefined;
  cr: string | undefined;
}

/** The emulated instructions whose operands a record gives, by opcode (0: none): one typed
 *  lookup an exit (comparing mnemonics there was a tenth of a traced exit's cost). */
const OUT = 1, IN = 2, MTCR = 3, MFCR = 4, SETF = 5, INVLPG = 6;
const OPERANDS_OF = (() => {
  const of = new Uint8Array(256);
  const kinds: Record<string, number> = { out: OUT, in: IN, mtcr: MTCR, mfcr: MFCR, setf: SETF, invlpg: INVLPG };
  BY_OPCODE.forEach((spec, opcode) => {
    if (spec && kinds[spec.mnemonic] !== undefined) of[opcode] = kinds[spec.mnemonic]!;
  });
  return of;
})();

/** Fill `into` with the operands of emulated instruction `word` (one object per log,
 *  refilled: records are many). */
function qualify(vm: Vm, word: number, into: Operands): Operands {
  const a = (word >>> 20) & 15;
  const imm = word & 0xffff;
  into.port = into.value = into.address = undefined;
  into.cr = undefined;
  switch (OPERANDS_OF[word >>> 24]) {
    case OUT:
      into.port = imm;
      into.value = vm.vcpu.regs[a]!;
      break;
    case IN:
      into.port = imm;
      break;
    case MTCR:
      into.cr = CONTROL_REGISTERS[imm]?.name ?? String(imm);
      into.value = vm.vcpu.regs[a]!;
      break;
    case MFCR:
      into.cr = CONTROL_REGISTERS[imm]?.name ?? String(imm);
      break;
    case SETF:
      into.value = vm.vcpu.regs[a]!;
      break;
    case INVLPG:
      into.address = vm.vcpu.regs[a]!;
      break;
  }
  return into;
}

const NONE: Operands = Object.freeze({ port: undefined, value: undefined, address: undefined, cr: undefined });

/** The register an emulated `in` or `mfcr` reads into (its record waits for the value), or -1. */
function readsInto(word: number): number {
  const kind = OPERANDS_OF[word >>> 24];
  return kind === IN || kind === MFCR ? (word >>> 20) & 15 : -1;
}

export class ExitLog {
  private seq = 0;

  constructor(
    private readonly probe: ExitProbe,
    private readonly mode: string,
    /** The host cycle count now. */
    private readonly clock: () => number,
    /** The guest instruction word at pc, if mapped. */
    private readonly instructionAt: (vm: Vm, pc: number) => number | undefined,
  ) {}

  /** Record an exit or a note as its answer says (the instruction at pc is read when the
   *  answer does not carry it). */
  record(vm: Vm, a: Readonly<ExitAnswer>): void {
    const word = a.word ?? this.instructionAt(vm, a.pc);
    const qualified = a.qualifyWord && a.word !== undefined;
    if ((this.pending || this.holding) && a.reason.note) {
      // a device's note while the instruction is emulated (a DMA finishing as `in` polls the
      // disk): it follows the instruction's record
      const later = { ...this.out };
      this.emit(later, 'note', vm, a, word, NONE);
      this.later.push(later);
      return;
    }
    this.handOverPending();
    this.emit(this.out, a.reason.note ? 'note' : 'exit', vm, a, word, qualified ? qualify(vm, a.word!, this.operands) : NONE);
    if (this.holding && this.heldRequest > 0) this.out.request ??= this.heldRequest; // (see tagPending)
    this.heldRequest = 0;
    this.holding = false;
    if (a.next !== Next.Emulate) {
      this.handOver(this.out);
      return this.handOverLater();
    }
    // an instruction about to be emulated: its record goes out once it has run, with the
    // value an `in` or `mfcr` read, or as reflected if it trapped
    this.pending = true;
    this.readInto = qualified ? readsInto(a.word!) : -1;
    this.pendingVm = vm;
  }

  /** The emulated instruction has retired (`trapCause` undefined) or trapped: hand over its
   *  record, with the value it read or as reflected with the trap's cause, then any record
   *  that came meanwhile. */
  emulated(trapCause?: number): void {
    if (!this.pending) return;
    if (trapCause === undefined) {
      if (this.readInto >= 0) this.out.value = this.pendingVm!.vcpu.regs[this.readInto]! >>> 0;
    } else {
      this.out.action = 'reflected';
      this.out.cause = causeName(trapCause);
    }
    this.handOverPending();
  }

  private handOverPending(): void {
    if (!this.pending) return;
    this.pending = false;
    this.handOver(this.out);
    this.handOverLater();
  }

  /** The notes raised while an exit was handled, after its record, at its cycle or later
   *  (the exit's cost covers its handling). */
  private handOverLater(): void {
    for (const r of this.later) {
      r.cycle = Math.max(r.cycle, this.out.cycle);
      this.handOver(r);
    }
    if (this.later.length) this.later.length = 0;
  }

  /** The exit whose emulation is under way caused host I/O request `request` (hosted): its
   *  record is the request's first hop. */
  tagPending(request: number): void {
    // (a command of several requests: its first. An exit the VMM handles before it records
    // it, a hypercall, is held: its record, when it comes, carries the request.)
    if (this.pending) this.out.request ??= request;
    else if (this.holding && this.heldRequest === 0) this.heldRequest = request;
  }

  /** An exit is being handled: notes recorded meanwhile wait for its record. */
  hold(): void {
    this.holding = true;
  }

  /** The exit has been handled: notes still waiting (it recorded nothing) go out. */
  release(): void {
    this.heldRequest = 0;
    if (!this.holding) return;
    this.holding = false;
    if (!this.pending) this.handOverLater();
  }

  private readonly operands: Operands = { ...NONE };
  /** The instruction the last record named: its guest, pc, and description. */
  private describedVm: Vm | undefined;
  private describedPc = -1;
  private described: Described = { word: undefined, insn: '', source: undefined };
  private pending = false;
  private holding = false;
  /** The host request an exit being held caused, for its record (tagPending). */
  private heldRequest = 0;
  private readInto = -1;
  private pendingVm: Vm | undefined;
  private readonly later: ExitRecord[] = [];

  /** Number the record and give it to the probe. */
  private handOver(r: ExitRecord): void {
    r.seq = ++this.seq;
    this.probe.record(r);
  }

  /** The one record, refilled for every exit (records are many; probes copy what they keep). */
  private readonly out: ExitRecord = blankExitRecord();

  /** Fill record `r`: the answer's qualification, then what the instruction itself says
   *  (`w`). */
  private emit(r: ExitRecord, kind: 'exit' | 'note', vm: Vm, a: Readonly<ExitAnswer>, word: number | undefined, w: Operands): void {
    const { reason, pc, action, cost, q } = a;
    // (an exit mostly comes from the instruction the last one came from)
    let at = this.described;
    if (at.word !== word || this.describedPc !== pc || this.describedVm !== vm) {
      at = this.described = describe(vm, pc, word);
      this.describedPc = pc;
      this.describedVm = vm;
    }
    r.kind = kind;
    r.cycle = this.clock();
    r.guest = vm.name;
    r.mode = this.mode;
    r.reason = reason.name;
    r.code = reason.code;
    r.pc = pc >>> 0;
    r.insn = at.insn;
    r.source = at.source;
    r.port = q.port ?? w.port;
    const value = q.value ?? w.value;
    r.value = value === undefined ? undefined : value >>> 0;
    const address = q.address ?? w.address;
    r.address = address === undefined ? undefined : address >>> 0;
    r.access = q.access;
    r.cause = q.cause;
    r.cr = q.cr ?? w.cr;
    r.irq = q.irq;
    r.count = q.count;
    r.request = q.request ?? (vm.servingRequest > 0 ? vm.servingRequest : undefined);
    r.hypercall = q.hypercall;
    r.args = q.args;
    r.result = q.result;
    r.action = action;
    r.cost = cost;
    r.detail = q.detail;
  }
}

/** An instruction word, disassembled, and its file:line. */
interface Described {
  word: number | undefined;
  insn: string;
  source: string | undefined;
}

/** The instruction at pc and its source line, remembered per guest and pc (exits come from
 *  the same few instructions over and over). */
function describe(vm: Vm, pc: number, word: number | undefined): Described {
  const known = vm.describedPcs.get(pc);
  if (known && known.word === word) return known;
  const source = sourceOf(vm.image, pc);
  const described = { word, insn: word === undefined ? '(not mapped)' : disassemble(word, pc), source: source ? `${source.file}:${source.line}` : undefined };
  if (vm.describedPcs.size >= 4096) vm.describedPcs.clear();
  vm.describedPcs.set(pc, described);
  return described;
}
