// VM exits: every way control passes from a guest to the VMM, as one numbered table. Codes
// follow VT-x basic exit reasons where one fits; 64 and up are the software VMM's own.
// docs/trace-format.md is written from this table (a test keeps them in step).

import { causeName, trappingPc } from '../isa/arch.js';
import { hex } from '../isa/disasm.js';

export const EXIT_REASONS = [
  { name: 'exception', code: 0, summary: 'a guest trap (system call, fault, breakpoint) came to the VMM and was reflected into the guest kernel' },
  { name: 'external-interrupt', code: 1, summary: 'the host timer ended the guest\'s slice: its quantum is over or one of its virtual devices is due' },
  { name: 'triple-fault', code: 2, summary: 'the guest cannot take a trap (no handler, or a fault while entering it): the VMM stops it' },
  { name: 'interrupt-window', code: 7, summary: 'hardware-assisted: the guest enabled interrupts while the VMM had one to inject (interrupt-window exiting): the VMM injects it at once' },
  { name: 'cpuid', code: 10, summary: 'hardware-assisted: cpuid always exits, as on VT-x; the VMM emulated it' },
  { name: 'hlt', code: 12, summary: 'the guest kernel executed hlt: its vCPU waits for a virtual interrupt' },
  { name: 'invlpg', code: 14, summary: 'hardware-assisted: invlpg exiting is on (shadow paging needs it): the VMM emulated it on its own tables and the TLB' },
  { name: 'hypercall', code: 18, summary: 'a paravirtual guest kernel called the VMM with hcall (VT-x\'s VMCALL): the record names the call, its arguments, its result and, for a batch, how many operations it carried' },
  { name: 'cr-access', code: 28, summary: 'mfcr or mtcr trapped (or, hardware-assisted, its register\'s exit control is on) and was emulated on the virtual control registers' },
  { name: 'io', code: 30, summary: 'in or out trapped (or, hardware-assisted, its port exits) and was emulated on the guest\'s virtual device' },
  { name: 'ept-violation', code: 48, summary: 'hardware-assisted with nested paging: the nested table does not map a guest-physical address, or not for the access (the record gives both); past the guest\'s memory the VMM gives the guest the bus error its hardware would; on the memory-mapped device\'s page it emulates the access (as KVM handles MMIO)' },
  { name: 'tlb-flush', code: 58, summary: 'hardware-assisted: tlbflush exiting is on (VT-x\'s INVPCID exit): the VMM emulated the flush' },
  { name: 'privileged', code: 64, summary: 'another privileged instruction (rfe, cli, sti, tlbflush, invlpg, or a sensitive one under --strict) trapped and was emulated' },
  { name: 'hidden-page-fault', code: 65, summary: 'a fault the guest must not see: the shadow page table lacked an entry the guest\'s own tables allow, and the VMM filled it' },
  { name: 'page-table-write', code: 66, summary: 'a write to a write-protected guest page-table page: the VMM emulated it and dropped the shadow entries it invalidates' },
  { name: 'bt-translate', code: 67, summary: 'binary translation: a basic block of guest-kernel code was scanned and translated before running' },
  { name: 'bt-callout', code: 68, summary: 'binary translation: translated code called into the VMM in place of a sensitive or privileged instruction (one not translated inline)' },
  { name: 'code-write', code: 69, summary: 'a write to a write-protected page of translated guest code: the VMM emulated it and forgot the translation of the word written' },
  { name: 'sensitive-unprivileged', code: 70, note: true, diverges: true, summary: 'NOT an exit (a note): a sensitive instruction ran deprivileged without trapping, so the VMM never saw it' },
  { name: 'interrupt-injection', code: 71, note: true, summary: 'NOT an exit (a note): on the way back into the guest, the VMM delivered a virtual interrupt to the guest kernel' },
  { name: 'guest-switch', code: 72, note: true, summary: 'NOT an exit (a note): the physical CPU passed to this guest from another one (its registers, address space and TLB state loaded)' },
  { name: 'dma', code: 73, note: true, summary: 'NOT an exit (a note): a disk command of the guest started (action started), or finished: its virtual disk moved the sectors by DMA between the disk and guest memory, or refused the command, and raises its interrupt (action transferred)' },
  { name: 'host-request', code: 75, note: true, summary: 'NOT an exit (a note): hosted (--host hosted): the VMM\'s device model needs the host OS for the guest\'s I/O (a disk command, a console line) and queues a request for the VMM\'s process; every hop of its path carries its request id (vmm trace --request ID)' },
  { name: 'world-switch', code: 76, note: true, summary: 'NOT an exit (a note): hosted: the CPU passed between the host OS\'s world and the VMM\'s (the VMM driver saves one world\'s registers, control registers and address space and loads the other\'s; the TLB is flushed): to the host, for a request or because the host\'s timer fired, and back when the VMM\'s process asks again' },
  { name: 'host-io', code: 77, note: true, summary: 'NOT an exit (a note): hosted: the host OS carried out a request of the VMM\'s process (its system call, its driver on the physical device), and the VMM copied the result in (the detail says how many host cycles the request took)' },
  { name: 'host-interrupt', code: 78, note: true, summary: 'NOT an exit (a note): an interrupt of a physical device owned by the host OS (hosted: its timer, its disk) or by guest 0 (dom0: the disk) came due while another had the CPU: the VMM took it (an external-interrupt exit) and routed it to the owner, which took it once it ran and its IE allowed; the detail gives the latency in cycles' },
  { name: 'domain-event', code: 79, note: true, summary: 'NOT an exit (a note): dom0 (--host dom0): the VMM routed an event between domains: a front end\'s notification to guest 0\'s back end (requests on its ring, or console output), guest 0\'s answer to the front end, or the physical disk\'s interrupt to guest 0, its owner; the receiving domain takes it when it next runs (the detail says which, and the request id follows the request)' },
  { name: 'irq-route', code: 80, note: true, summary: 'NOT an exit (a note): a physical device passed through to this guest (--passthrough) raised its interrupt, perhaps while another guest had the CPU: the VMM made the interrupt pending on the owner\'s virtual interrupt controller; the owner takes it when it runs and its virtual IE allows (then a host-interrupt note gives the latency)' },
  { name: 'mmio', code: 74, summary: 'an access to the memory-mapped device (docs/devices.md): the VMM never maps its page, so each load or store faults, and the VMM emulated it on the guest\'s virtual device (under hw this is an ept-violation, emulated)' },
] as const;

export type ExitReason = (typeof EXIT_REASONS)[number]['name'];

/** A reason's row, with its place in the table (what exits are counted by). */
export interface ReasonRow {
  readonly name: ExitReason;
  readonly code: number;
  /** Not an exit: something the VMM did or missed, recorded as a note. */
  readonly note: boolean;
  /** A silent divergence: the guest saw something bare hardware would not have shown it,
   *  so its results may differ from bare (the summary warns of it). */
  readonly diverges: boolean;
  readonly index: number;
}

/** The rows by name: handlers answer with `REASON['hidden-page-fault']` and the like. */
export const REASON: Readonly<Record<ExitReason, ReasonRow>> = Object.fromEntries(
  EXIT_REASONS.map((r, index) => [r.name, { name: r.name, code: r.code, note: 'note' in r, diverges: 'diverges' in r, index }]),
) as Record<ExitReason, ReasonRow>;

/** What the VMM did about an exit or note: a record's `action` (docs/trace-format.md,
 *  "Actions", is this table word for word). */
export const EXIT_ACTIONS = [
  { name: 'emulated', summary: 'the VMM carried out the instruction (or the write) on the guest\'s virtual state, then resumed it after the instruction' },
  { name: 'reflected', summary: 'the VMM delivered the trap to the guest kernel\'s own trap vector, as the hardware would have' },
  { name: 'injected', summary: 'the VMM delivered a virtual interrupt to the guest kernel' },
  { name: 'filled', summary: 'the VMM built the missing shadow page-table entry from the guest\'s tables and retried the access' },
  { name: 'callout', summary: 'translated code called the VMM, which emulated the replaced instruction' },
  { name: 'translated', summary: 'the VMM translated a block of guest-kernel code' },
  { name: 'invalidated', summary: 'the VMM dropped translations or shadow entries (reserved: current exits report emulated)' },
  { name: 'killed', summary: 'the VMM stopped the guest' },
  { name: 'serviced', summary: 'the VMM carried out a hypercall and put its result in r0' },
  { name: 'halted', summary: 'the guest\'s vCPU waits for a virtual interrupt' },
  { name: 'resumed', summary: 'the guest continues after the VMM\'s own work (its virtual devices)' },
  { name: 'switched', summary: 'the guest\'s slice is over and the scheduler picks the next guest (external-interrupt), or this guest got the CPU (guest-switch)' },
  { name: 'started', summary: 'a virtual device accepted a DMA command and is busy with it (the transfer completes later, with a note of its own)' },
  { name: 'transferred', summary: 'a virtual device finished a DMA command: the data moved between it and guest memory, or the command was refused (the detail says which)' },
  { name: 'routed', summary: 'the VMM made an event pending in another domain, which takes it when it next runs (dom0)' },
  { name: 'none', summary: 'the VMM did nothing: it never saw the instruction (notes)' },
] as const;

export type ExitAction = (typeof EXIT_ACTIONS)[number]['name'];

/** One VM exit (kind 'exit') or one note about something the VMM did not see (kind 'note'). */
export interface ExitRecord {
  kind: 'exit' | 'note';
  seq: number;
  /** Host cycle count when the exit happened. */
  cycle: number;
  guest: string;
  vcpu: number;
  mode: string;
  reason: ExitReason;
  code: number;
  pc: number;
  /** The guest instruction at pc, disassembled. */
  insn: string;
  /** file:line of pc, when the image has a line map. */
  source?: string;
  /** Qualification: what the exit was about. */
  port?: number;
  value?: number;
  address?: number;
  access?: 'read' | 'write' | 'fetch';
  cause?: string;
  cr?: string;
  irq?: number;
  count?: number;
  /** The host I/O request this record is a hop of (hosted). */
  request?: number;
  /** A hypercall's name, its argument registers r1..r4 and its result (r0 after it). */
  hypercall?: string;
  args?: number[];
  result?: number;
  action: ExitAction;
  /** Cycles this exit cost under the cost model. */
  cost: number;
  detail?: string;
}

/** A record's qualification as the text trace gives it, each field `name=value` after a
 *  space (port, value and address in hex; a hypercall with its arguments and result): the
 *  details column before the source and the detail, and the HTML report's tooltips. */
export function qualification(r: Readonly<ExitRecord>): string {
  let q = '';
  if (r.port !== undefined) q += ` port=${hex(r.port)}`;
  if (r.value !== undefined) q += ` value=${hex(r.value)}`;
  if (r.address !== undefined) q += ` address=${hex(r.address)}`;
  if (r.access !== undefined) q += ` access=${r.access}`;
  if (r.cause !== undefined) q += ` cause=${r.cause}`;
  if (r.cr !== undefined) q += ` cr=${r.cr}`;
  if (r.irq !== undefined) q += ` irq=${r.irq}`;
  if (r.count !== undefined) q += ` count=${r.count}`;
  if (r.request !== undefined) q += ` request=${r.request}`;
  if (r.hypercall !== undefined) q += ` hypercall=${r.hypercall}(${(r.args ?? []).map((v) => hex(v)).join(', ')})${r.result === undefined ? '' : ` result=${r.result}`}`;
  return q;
}

/** A record with every field present (undefined when absent), so that records refilled
 *  field by field keep one shape. */
export function blankExitRecord(): ExitRecord {
  return {
    kind: 'exit', seq: 0, cycle: 0, guest: '', vcpu: 0, mode: '', reason: 'exception', code: 0, pc: 0, insn: '',
    source: undefined, port: undefined, value: undefined, address: undefined, access: undefined, cause: undefined,
    cr: undefined, irq: undefined, count: undefined, request: undefined, hypercall: undefined, args: undefined, result: undefined,
    action: 'none', cost: 0, detail: undefined,
  };
}

/** Copy record `from` into `to` field by field (a probe keeping records it is handed:
 *  ExitProbe). `args` is shared: a record's arguments are never changed once recorded. */
export function copyExitRecord(to: ExitRecord, from: Readonly<ExitRecord>): void {
  to.kind = from.kind;
  to.seq = from.seq;
  to.cycle = from.cycle;
  to.guest = from.guest;
  to.vcpu = from.vcpu;
  to.mode = from.mode;
  to.reason = from.reason;
  to.code = from.code;
  to.pc = from.pc;
  to.insn = from.insn;
  to.source = from.source;
  to.port = from.port;
  to.value = from.value;
  to.address = from.address;
  to.access = from.access;
  to.cause = from.cause;
  to.cr = from.cr;
  to.irq = from.irq;
  to.count = from.count;
  to.request = from.request;
  to.hypercall = from.hypercall;
  to.args = from.args;
  to.result = from.result;
  to.action = from.action;
  to.cost = from.cost;
  to.detail = from.detail;
}

/** Where exit records go when tracing is on. With no probe the VMM builds no records.
 *  The record passed is reused for the next exit: a probe that keeps records copies them. */
export interface ExitProbe {
  record(r: Readonly<ExitRecord>): void;
}

// ---- exits as values ------------------------------------------------------------------

/** Why the physical CPU left guest code: the value the core hands to the one dispatch
 *  (kvmtool's `switch (exit_reason)`). Each vCPU has one object of each kind, refilled for
 *  every exit, so exits allocate nothing. */
export type VcpuExit =
  /** The CPU trapped (a fault, sys, brk, or a privileged instruction in user mode). */
  | { readonly kind: 'exception'; cause: number; addr: number; pc: number }
  /** hcall: the guest asked the VMM for a service (its number in r0). */
  | { readonly kind: 'hypercall'; pc: number }
  /** Opcode 0xff: a binary-translation callout (or that word in the guest's own code). */
  | { readonly kind: 'callout'; pc: number; word: number }
  /** A sensitive instruction is about to run deprivileged without trapping (the probe CPU
   *  variant reports it: NOT an exit, the VMM could not have seen it). */
  | { readonly kind: 'sensitive'; pc: number; word: number; flags: number }
  /** Guest code reached the platform itself: a port, a control register, the TLB, hlt.
   *  Under ring compression these always trap first; under hardware-assisted
   *  virtualization the controls decide which of them exit. */
  | { readonly kind: 'port-in'; port: number; /** the value read (the handler sets it) */ value: number }
  | { readonly kind: 'port-out'; port: number; value: number }
  | { readonly kind: 'cr-write'; index: number; value: number }
  | { readonly kind: 'tlb-flush' }
  | { readonly kind: 'invlpg'; va: number }
  | { readonly kind: 'hlt' };

export type ExitKind = VcpuExit['kind'];
export type ExitOf<K extends ExitKind> = Extract<VcpuExit, { kind: K }>;

/** One refillable exit value of each kind (a vCPU's). Each has every kind's fields, in one
 *  order, so that all are of one shape to the JavaScript engine: the dispatch's reads of
 *  `kind` and of the fields stay monomorphic, however many kinds a run has seen. */
export function exitValues(): { [K in ExitKind]: ExitOf<K> } {
  const value = <K extends ExitKind>(kind: K) => ({ kind, pc: 0, cause: 0, addr: 0, word: 0, flags: 0, port: 0, value: 0, index: 0, va: 0 }) as unknown as ExitOf<K>;
  return {
    exception: value('exception'),
    hypercall: value('hypercall'),
    callout: value('callout'),
    sensitive: value('sensitive'),
    'port-in': value('port-in'),
    'port-out': value('port-out'),
    'cr-write': value('cr-write'),
    'tlb-flush': value('tlb-flush'),
    invlpg: value('invlpg'),
    hlt: value('hlt'),
  };
}

/** What the core does once an exit is recorded: nothing more, emulate the instruction, or
 *  deliver a trap to the guest kernel. */
export const Next = { Resume: 0, Emulate: 1, Reflect: 2 } as const;
export type Next = (typeof Next)[keyof typeof Next];

/** The answer to an exit (Firecracker's VcpuEmulation, as a value): what the exit was
 *  (reason, qualification), what the VMM did (action), what it cost, and what the core does
 *  next. The mode fills it; the core records it in one place and carries out `next`. One
 *  per vCPU, refilled. */
export class ExitAnswer {
  /** Something to record (an exit, or a note as its reason says), or nothing (a probe
   *  event the mode ignores). */
  recorded = false;
  reason: ReasonRow = REASON.exception;
  action: ExitAction = 'none';
  cost = 0;
  /** The pc the record names (the instruction that exited). */
  pc = 0;
  /** The instruction at pc, when the handler read it (else the log reads it). */
  word: number | undefined = undefined;
  /** Derive the qualification from `word` (port and value of out, register of mtcr, ...). */
  qualifyWord = false;
  next: Next = Next.Resume;
  /** Guest instructions the VMM's work for this exit counts as (para: validating page
   *  tables): the guest's time and its instruction limit pay for it, as Xen's hypercalls run
   *  on the guest's time, so no guest can keep the VMM busy for free. */
  busy = 0;
  /** Next.Reflect: the trap to deliver, and its saved pc. */
  trapCause = 0;
  trapAddress = 0;
  trapPc = 0;
  /** The qualification beyond the instruction's own (undefined: none). */
  readonly q: Qualification = { port: undefined, value: undefined, address: undefined, access: undefined, cause: undefined, cr: undefined, irq: undefined, count: undefined, request: undefined, hypercall: undefined, args: undefined, result: undefined, detail: undefined };

  /** Nothing to record (yet). `cost` may still be set: cycles of work that is not an exit
   *  (a trap the CPU delivers to the guest kernel itself, in non-root operation, costs what
   *  a trap costs on bare hardware). */
  none(): this {
    this.recorded = false;
    this.cost = 0;
    this.next = Next.Resume;
    this.busy = 0;
    return this;
  }

  /** Start an answer: an exit (or a note) with its reason, action, cost and pc. */
  set(reason: ReasonRow, action: ExitAction, cost: number, pc: number): this {
    this.recorded = true;
    this.reason = reason;
    this.action = action;
    this.cost = cost;
    this.pc = pc;
    this.word = undefined;
    this.qualifyWord = false;
    this.next = Next.Resume;
    this.busy = 0;
    return this;
  }

  /** Forget the qualification (after it was logged: only the log reads it, so with tracing
   *  off it is never cleared, and costs nothing). */
  clearQualification(): void {
    const q = this.q;
    q.port = q.value = q.address = q.irq = q.count = q.request = q.result = undefined;
    q.access = q.cause = q.cr = q.detail = q.hypercall = undefined;
    q.args = undefined;
  }

  /** The core emulates `word` (the instruction at pc; undefined when pc is not mapped) on
   *  the virtual CPU once recorded. */
  emulate(word: number | undefined): this {
    this.word = word;
    this.next = Next.Emulate;
    return this;
  }

  /** A trap the guest kernel must see, reflected with the cause and address bare hardware
   *  would give: the exit (reason exception, naming the instruction that trapped), its
   *  qualification, and what the core does next. */
  reflectedTrap(cause: number, addr: number, pc: number, cost: number): this {
    this.set(REASON.exception, 'reflected', cost, trappingPc(cause, pc)).reflect(cause, addr, pc);
    this.q.cause = causeName(cause);
    if (addr) this.q.address = addr;
    return this;
  }

  /** The core delivers trap `cause` (saved pc `pc`) to the guest kernel once recorded. */
  reflect(cause: number, addr: number, pc: number): this {
    this.next = Next.Reflect;
    this.trapCause = cause;
    this.trapAddress = addr;
    this.trapPc = pc;
    return this;
  }
}

/** What an exit was about: the qualification fields of a record (values and addresses are
 *  recorded as unsigned 32-bit numbers, like pc). */
export type Qualification = Partial<Pick<ExitRecord, 'port' | 'value' | 'address' | 'access' | 'cause' | 'cr' | 'irq' | 'count' | 'request' | 'hypercall' | 'args' | 'result' | 'detail'>>;
