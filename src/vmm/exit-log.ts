// Turning VM exits into trace records: only built when a probe is plugged in (tracing off
// costs nothing). Records are data; sinks in src/trace/ format them.

import { causeName, CONTROL_REGISTERS } from '../isa/arch.js';
import { disassemble } from '../isa/disasm.js';
import { BY_OPCODE } from '../isa/table.js';
import { sourceOf } from '../image/model.js';
import { Next, type ExitAnswer, type ExitProbe, type ExitRecord, type Qualification } from './exits.js';
import type { Vm } from './vm.js';

/** The qualification of an emulated instruction: its port and value, register, address. */
export function qualify(vm: Vm, word: number): Qualification {
  const a = (word >>> 20) & 15;
  const imm = word & 0xffff;
  switch (BY_OPCODE[word >>> 24]?.mnemonic) {
    case 'out':
      return { port: imm, value: vm.vcpu.regs[a]! };
    case 'in':
      return { port: imm };
    case 'mtcr':
      return { cr: CONTROL_REGISTERS[imm]?.name ?? String(imm), value: vm.vcpu.regs[a]! };
    case 'mfcr':
      return { cr: CONTROL_REGISTERS[imm]?.name ?? String(imm) };
    case 'setf':
      return { value: vm.vcpu.regs[a]! };
    case 'invlpg':
      return { address: vm.vcpu.regs[a]! };
    default:
      return {};
  }
}

const NONE: Qualification = Object.freeze({});

/** The register an emulated `in` or `mfcr` reads into (its record waits for the value), or -1. */
function readsInto(word: number): number {
  const m = BY_OPCODE[word >>> 24]?.mnemonic;
  return m === 'in' || m === 'mfcr' ? (word >>> 20) & 15 : -1;
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
    this.emit(this.out, a.reason.note ? 'note' : 'exit', vm, a, word, qualified ? qualify(vm, a.word!) : NONE);
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
    this.later.length = 0;
  }

  /** The exit whose emulation is under way caused host I/O request `request` (hosted): its
   *  record is the request's first hop. */
  tagPending(request: number): void {
    if (this.pending) this.out.request ??= request; // (a command of several requests: its first)
  }

  /** An exit is being handled: notes recorded meanwhile wait for its record. */
  hold(): void {
    this.holding = true;
  }

  /** The exit has been handled: notes still waiting (it recorded nothing) go out. */
  release(): void {
    if (!this.holding) return;
    this.holding = false;
    if (!this.pending) this.handOverLater();
  }

  private pending = false;
  private holding = false;
  private readInto = -1;
  private pendingVm: Vm | undefined;
  private readonly later: ExitRecord[] = [];

  /** Number the record and give it to the probe. */
  private handOver(r: ExitRecord): void {
    r.seq = ++this.seq;
    this.probe.record(r);
  }

  /** The one record, refilled for every exit (records are many; probes copy what they keep). */
  private readonly out: ExitRecord = {
    kind: 'exit', seq: 0, cycle: 0, guest: '', vcpu: 0, mode: '', reason: 'exception', code: 0, pc: 0, insn: '',
    source: undefined, port: undefined, value: undefined, address: undefined, access: undefined, cause: undefined,
    cr: undefined, irq: undefined, count: undefined, request: undefined, hypercall: undefined, args: undefined, result: undefined, action: 'none', cost: 0, detail: undefined,
  };

  /** Fill record `r`: the answer's qualification, then what the instruction itself says
   *  (`w`). */
  private emit(r: ExitRecord, kind: 'exit' | 'note', vm: Vm, a: Readonly<ExitAnswer>, word: number | undefined, w: Qualification): void {
    const { reason, pc, action, cost, q } = a;
    const at = describe(vm, pc, word);
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
    r.access = q.access ?? w.access;
    r.cause = q.cause ?? w.cause;
    r.cr = q.cr ?? w.cr;
    r.irq = q.irq ?? w.irq;
    r.count = q.count ?? w.count;
    r.request = q.request ?? (vm.servingRequest > 0 ? vm.servingRequest : undefined);
    r.hypercall = q.hypercall;
    r.args = q.args;
    r.result = q.result;
    r.action = action;
    r.cost = cost;
    r.detail = q.detail ?? w.detail;
  }
}

/** The instruction at pc and its source line, remembered per guest and pc (exits come from
 *  the same few instructions over and over). */
function describe(vm: Vm, pc: number, word: number | undefined): { word: number | undefined; insn: string; source: string | undefined } {
  const known = vm.describedPcs.get(pc);
  if (known && known.word === word) return known;
  const source = sourceOf(vm.image, pc);
  const described = { word, insn: word === undefined ? '(not mapped)' : disassemble(word, pc), source: source ? `${source.file}:${source.line}` : undefined };
  if (vm.describedPcs.size >= 4096) vm.describedPcs.clear();
  vm.describedPcs.set(pc, described);
  return described;
}
