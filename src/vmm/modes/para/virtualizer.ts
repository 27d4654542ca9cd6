// --mode para, per VM: a PARAVIRT guest kernel, deprivileged, that calls the VMM with
// hypercalls (src/isa/hypercalls.ts) instead of running privileged instructions:
//
//   hcall in the guest kernel             -> a hypercall: carried out, result in r0
//   a privileged instruction in it        -> NOT emulated (there is no shadow state to
//                                           emulate it on): reflected as the privileged trap,
//                                           as Xen injects #GP, so a spot the PV port missed
//                                           shows up at once
//   any other trap (fault, sys, hcall from user code) -> reflected
//
// Traps and events are delivered the paravirtual way: the trap state goes into the
// shared-info page (SH_SPC, SH_SFLAGS, SH_CAUSE, SH_FADDR, SH_SP), events are masked, and
// the kernel returns with the iret hypercall. Memory is direct paging (direct-paging.ts,
// page-types.ts); I/O is the console hypercall and the block ring (blkback.ts) with event
// channels (events.ts). docs/vmm.md, "para", tells the whole story.

import { hex } from '../../../isa/disasm.js';
import { CAUSE, CONDITION_MASK, CR, FLAG, INTERRUPT_BASE, PAGE_SIZE, PTBR_PAGING, PTE, SP } from '../../../isa/arch.js';
import { hypercallNumbered, MAX_BATCH } from '../../../isa/hypercalls.js';
import { BY_MNEMONIC } from '../../../isa/table.js';
import {
  CONSOLE_MAX, CONSOLEIO_READ, CONSOLEIO_WRITE, DOMCTL, EVTCHNOP, GNTCOPY, GNTTABOP_COPY, MMUEXT, MULTICALL_ENTRY_WORDS, PV_VA, SCHEDOP, SHARED_INFO, SHUTDOWN, UVMF, VIRQ,
} from '../../../isa/paravirt-abi.js';
import { decode } from '../../../isa/encoding.js';
import { LoadError } from '../../../machine/load.js';
import { CONSOLE_REG, DISK_REG, IRQ, PORT_BASE, TIMER_REG } from '../../../machine/platform.js';
import type { CpuState } from '../../../machine/cpu.js';
import type { IdleWords } from '../../../machine/machine.js';
import { REASON, type ExitAnswer, type VcpuExit } from '../../exits.js';
import type { Vm } from '../../vm.js';
import type { Virtualizer } from '../../virtualizer.js';
import type { VmmHost } from '../mode.js';
import type { AsidAllocator } from '../software/asids.js';
import { GrantTable } from '../../grant-table.js';
import { BlockBackend } from './blkback.js';
import { GrantCopy } from './grant-copy.js';
import { DirectPaging } from './direct-paging.js';
import { EventChannels } from './events.js';
import { buildBootArea, pvAreaPages, pvLayout, type PvLayout } from './layout.js';
import { ERR, PAGE_TYPE_NAMES, PageType, PageTypes } from './page-types.js';

const CPUID = BY_MNEMONIC.get('cpuid')!.opcode;
const IN = BY_MNEMONIC.get('in')!.opcode;
const OUT = BY_MNEMONIC.get('out')!.opcode;
/** The effort one hypercall may spend before a batch stops (and returns how many of its
 *  operations it did, as a Xen hypercall preempted by a continuation): operations carried,
 *  page-table entries examined and console bytes written, each one unit. The guest's time
 *  pays for every unit, an instruction each (ExitAnswer.busy), so the VMM's work for one exit
 *  is bounded and no guest has it for free (one more operation may add a directory's worth). */
const EFFORT_PER_HYPERCALL = 1 << 20;

/** What `call` returns for iret (r0 is restored, not a result). */
const RESTORED = 1 << 30;
const SHUTDOWN_NAMES = ['poweroff', 'reboot', 'suspend', 'crash'] as const;

export class ParaVirtualizer implements Virtualizer {
  readonly probesSensitive = false;
  readonly memory: DirectPaging;
  readonly layout: PvLayout;
  readonly types: PageTypes;
  readonly events: EventChannels;
  readonly blk: BlockBackend;
  /** The guest's grant table (in its shared-info page), and its grant copies. */
  readonly grants: GrantTable;
  private readonly copier: GrantCopy;
  /** This domain's id (start-info's SI_DOMID). */
  readonly domid: number;
  private readonly cpu: CpuState;
  private readonly vcpu: CpuState;
  /** Guest-physical address of the shared-info page. */
  private readonly shared: number;
  /** Where events are delivered (set_callbacks); 0: the trap entry. */
  private callback = 0;
  /** Operations the current hypercall carried (batches), and why it failed. */
  private ops = 0;
  private why = '';
  /** Ticks between timer events after the first (0: one shot). */
  private timerPeriod = 0;
  /** Where the current hypercall's effort began, and bytes it wrote to the console. */
  private workStart = 0;
  private bytes = 0;
  /** Set when a batch must stop after the operation just done (it ran, but its result
   *  could not be written back). */
  private stopBatch = false;

  constructor(
    readonly vm: Vm,
    readonly host: VmmHost,
    asids: AsidAllocator,
  ) {
    this.cpu = host.processor.cpu;
    this.vcpu = vm.vcpu;
    const frames = vm.memory.frames;
    const layout = pvLayout(frames.length);
    if (!layout) throw new LoadError(`${vm.name}: ${vm.memory.size} bytes of memory cannot hold a paravirtual guest: its shared pages, boot page tables and frame list take ${pvAreaPages(frames.length)} pages (raise ${vm.memoryOption})`);
    this.layout = layout;
    for (const seg of vm.image.segments) {
      if (seg.address + seg.bytes.length > layout.usableEnd) {
        throw new LoadError(`${vm.name}: segment 0x${seg.address.toString(16)}..0x${(seg.address + seg.bytes.length).toString(16)} overlaps the paravirtual start area at 0x${layout.usableEnd.toString(16)} (the top ${pvAreaPages(frames.length)} pages of memory; raise ${vm.memoryOption})`);
      }
    }
    const mfnOf = (pfn: number) => frames[pfn]!;
    this.types = new PageTypes(host.processor.memory, (mfn) => vm.memory.guestFrameOf(mfn), mfnOf, frames.length, (pfn) => this.blk?.busy(pfn) ?? false, () => this.memory?.tableTyped());
    this.domid = vm.links?.domid ?? vm.id + 1;
    buildBootArea(layout, vm.memory, mfnOf, { diskSectors: vm.links?.diskSectors ?? vm.devices.disk.read(DISK_REG.SIZE), domid: this.domid, domains: vm.links?.domainTable, crashAt: vm.links?.crashAt });
    this.types.fix(layout.startInfo);
    for (let i = 0; i < layout.p2mPages; i++) this.types.fix(layout.p2m + i);
    // The pages the VMM writes into can never become page tables (its writes are unchecked).
    for (const pfn of [layout.sharedInfo, layout.console, layout.blkRing]) this.types.keepWritable(pfn);
    if (this.types.pin(mfnOf(layout.bootDir))) throw new Error(`VMM bug: the boot page tables were refused: ${this.types.why}`);
    this.memory = new DirectPaging(host.processor, vm.vcpu, this.types, asids);
    this.memory.kernelRoot = mfnOf(layout.bootDir);
    this.shared = layout.sharedInfo * PAGE_SIZE;
    const sharedWords = { read: (o: number) => vm.memory.read32(this.shared + o), write: (o: number, v: number) => vm.memory.write32(this.shared + o, v) };
    this.events = new EventChannels(sharedWords, Object.keys(VIRQ).length);
    this.grants = new GrantTable(sharedWords, frames.length, (pfn) => this.unwritable(pfn));
    this.copier = new GrantCopy({ domid: this.domid, memory: vm.memory, unwritable: (pfn) => this.unwritable(pfn), granting: (domid) => vm.links?.granting(domid) });
    const ring = layout.blkRing * PAGE_SIZE;
    this.blk = new BlockBackend({
      ring: { read: (o) => vm.memory.read32(ring + o), write: (o, v) => vm.memory.write32(ring + o, v) },
      grants: this.grants,
      diskOut: (register, value) => vm.portOut(PORT_BASE.disk + register, value),
      diskStatus: () => vm.devices.disk.read(DISK_REG.STATUS),
      notify: () => this.events.raise(VIRQ.DISK),
      stop: (reason) => vm.end('killed', reason),
    });
    vm.links?.attach({ grants: this.grants, memory: vm.memory, ring: this.blk.ring, unwritable: (pfn) => this.unwritable(pfn) });
    // Boot state (docs/hypercalls.md, "Boot"): paging on with the boot tables, events
    // masked, sp at the end of the usable memory, r1 = the start-info page.
    const vcpu = vm.vcpu;
    vcpu.regs[SP] = layout.usableEnd;
    vcpu.regs[1] = PV_VA.START_INFO | 0;
    vcpu.cr[CR.PTBR] = (this.memory.kernelRoot << 12) | PTBR_PAGING;
    // The guest never sees the interrupt controller: its lines are turned into events.
    vm.devices.pic.mask = 0;
  }

  // ---- entering and leaving the CPU -----------------------------------------------------

  enter(): void {
    const cpu = this.cpu;
    cpu.pc = this.vcpu.pc;
    cpu.flags = (this.vcpu.flags & CONDITION_MASK) | FLAG.IE;
    this.vcpu.loadInto(cpu.regs);
    this.memory.activate();
  }

  /** The virtual IE is the shared-info page's event mask, which the guest writes at will. */
  leave(pc: number): void {
    const vcpu = this.vcpu;
    vcpu.pc = pc;
    vcpu.flags = (this.cpu.flags & CONDITION_MASK) | (vcpu.flags & FLAG.S) | (this.masked() ? 0 : FLAG.IE);
  }

  private masked(): boolean {
    return this.vm.memory.read32(this.shared + SHARED_INFO.UPCALL_MASK) !== 0;
  }

  private setMask(masked: boolean): void {
    this.vm.memory.write32(this.shared + SHARED_INFO.UPCALL_MASK, masked ? 1 : 0);
    this.vcpu.flags = (this.vcpu.flags & ~FLAG.IE) | (masked ? 0 : FLAG.IE);
  }

  get exitCost(): number {
    return this.host.costs.events.vmmTrap;
  }

  codeFor(): undefined {
    return undefined;
  }

  explainStuck(): string | undefined {
    // (blocked, the guest runs nothing: its events were masked behind its back)
    if (this.vcpu.halted && this.masked()) return 'its event mask (SH_UPCALL_MASK) was set while it waited, by no store of its own (a transfer into its shared-info page), so no event can be delivered';
    return undefined;
  }

  /** The VMM acts on every line's event itself (nextInterrupt: the timer's period, the block
   *  back end), whether or not its port can deliver it. */
  readonly actsOnEveryEvent = true;

  /** A para guest halts by sched_op block, and only events on bound, unmasked ports wake it
   *  (the hidden interrupt controller masks the other lines: nextInterrupt). */
  readonly idleWords: IdleWords = {
    halt: 'sched_op block (events enabled)',
    haltedMasked: 'blocked in sched_op with its events masked',
    masked: (lines) => {
      const virqs = Object.entries(IRQ).filter(([, line]) => lines & (1 << line)).map(([name]) => name);
      const many = virqs.length > 1;
      return `no event can end it: the ${virqs.join(' and ')} virtual interrupt${many ? 's are' : ' is'} not bound to a port, or ${many ? 'their ports are' : 'its port is'} masked (event_channel_op: bind_virq, unmask)`;
    },
  };

  explainUnhandled(cause: number): string | undefined {
    // (in the guest's own user mode a privileged instruction faults as on bare hardware)
    if (cause !== CAUSE.PRIVILEGED || (this.vcpu.flags & FLAG.S) === 0) return undefined;
    return "under para the guest kernel is deprivileged: a PARAVIRT build makes such operations hypercalls (its source tests PARAVIRT, as guests/include/paravirt.inc's macros do)";
  }

  /** Lines the guest's devices raised become events (the timer is one-shot: it stops). */
  nextInterrupt(): number {
    const pic = this.vm.devices.pic;
    const lines = pic.pending;
    if (lines !== 0) {
      pic.pending = 0;
      if (lines & (1 << IRQ.timer)) {
        const timer = this.vm.devices.timer;
        if (timer.read(TIMER_REG.PERIOD) !== this.timerPeriod) timer.write(TIMER_REG.PERIOD, this.timerPeriod);
        this.events.raise(VIRQ.TIMER);
      }
      if (lines & (1 << IRQ.disk)) {
        // Under a driver domain the line is guest 0's physical disk (routed to it); else the
        // guest's virtual disk, which the VMM's own back end drives.
        if (this.vm.links) this.events.raise(VIRQ.DISK);
        else this.blk.completed();
      }
      if (lines & (1 << IRQ.console)) this.events.raise(VIRQ.CONSOLE);
    }
    const links = this.vm.links;
    if (links) {
      // Notifications from other domains since the last look: guest 0's answers arrive on a
      // front end's disk port; a front end's requests on the port guest 0 connected to it.
      const from = links.takeNotifications();
      if (from !== 0) {
        if (this.domid !== 0) this.events.raise(VIRQ.DISK);
        else for (let d = 1; d < 32; d++) if (from & (1 << d)) this.events.raiseRemote(d);
      }
    }
    // The mask word is the guest's (and a hypercall or a DMA may have written it since the
    // exit): the virtual IE follows it before any event is delivered.
    const vcpu = this.vcpu;
    vcpu.flags = (vcpu.flags & ~FLAG.IE) | (this.masked() ? 0 : FLAG.IE);
    // Blocked, only lines whose event could be delivered can wake the guest: the others are
    // masked at the (hidden) interrupt controller, so that a wait no event can end is a
    // deadlock the idle loop names, as on bare hardware. Worked out at every look, since the
    // port masks are the guest's words too (a later call of a multicall, a DMA may change them).
    if (vcpu.halted) pic.mask = ~this.events.deliverableLines();
    return this.events.next();
  }

  /** The trap the core entered goes into the shared-info page, and events are masked. */
  delivered(cause: number): void {
    const vcpu = this.vcpu;
    const m = this.vm.memory;
    const at = this.shared;
    m.write32(at + SHARED_INFO.SPC, vcpu.cr[CR.SPC]!);
    m.write32(at + SHARED_INFO.SFLAGS, vcpu.cr[CR.SFLAGS]!);
    m.write32(at + SHARED_INFO.CAUSE, vcpu.cr[CR.CAUSE]!);
    m.write32(at + SHARED_INFO.FADDR, vcpu.cr[CR.FADDR]!);
    m.write32(at + SHARED_INFO.SP, vcpu.regs[SP]!);
    m.write32(at + SHARED_INFO.UPCALL_MASK, 1);
    if (cause >= INTERRUPT_BASE && this.callback !== 0) vcpu.pc = this.callback;
    if (cause >= INTERRUPT_BASE) {
      this.events.holding = true; // (until its iret: see events.ts)
      this.vm.links?.delivered(cause - INTERRUPT_BASE, this.events.remoteOf(cause - INTERRUPT_BASE));
    }
  }

  /** Why guest frame `pfn` may not be written by a DMA or a grant copy, or undefined. */
  private unwritable(pfn: number): string | undefined {
    const type = this.types.typeOf(pfn);
    return type === PageType.None || type === PageType.Writable ? undefined : PAGE_TYPE_NAMES[type];
  }

  // ---- exits --------------------------------------------------------------------------

  handle(exit: VcpuExit, a: ExitAnswer): void {
    switch (exit.kind) {
      case 'exception':
        return this.exception(exit.cause, exit.addr, exit.pc, a);
      case 'hypercall':
        return this.hypercall(exit.pc, a);
      case 'callout':
        return this.reflect(CAUSE.ILLEGAL, 0, exit.pc, a);
      case 'sensitive':
        return void a.none();
      default:
        throw new Error(`VMM bug: a deprivileged guest reached the platform (${exit.kind}) without an exit`);
    }
  }

  private exception(cause: number, addr: number, pc: number, a: ExitAnswer): void {
    if (cause === CAUSE.PRIVILEGED && this.vcpu.flags & FLAG.S) {
      const word = this.host.instructionAt(this.vm, pc);
      const op = word === undefined ? -1 : word >>> 24;
      if ((op === IN || op === OUT) && this.vm.passthrough?.owns(decode(word!)?.imm ?? -1)) {
        // A port of a physical device passed through to this guest (guest 0's): the VMM
        // checked it is one, and carries the access out on the device (Xen emulates a PV
        // guest's port I/O the same way, after checking its I/O permissions).
        const e = this.host.costs.events;
        a.set(REASON.io, 'emulated', e.vmmTrap + e.emulate, pc).emulate(word!);
        a.q.detail = 'a port of a physical device passed through to this guest: the VMM let it through';
        return;
      }
      if (word !== undefined && word >>> 24 === CPUID) {
        // cpuid (privileged under --strict) reads no state the VMM must keep: emulated, as
        // Xen emulates CPUID for its paravirtual guests.
        const e = this.host.costs.events;
        a.set(REASON.privileged, 'emulated', e.vmmTrap + e.emulate, pc).emulate(word);
        return;
      }
      this.reflect(cause, addr, pc, a);
      a.q.detail = 'a privileged instruction in a PARAVIRT kernel is not emulated under para: it is reflected, as Xen injects a general-protection fault';
      return;
    }
    this.reflect(cause, addr, pc, a);
  }

  private reflect(cause: number, addr: number, pc: number, a: ExitAnswer): void {
    const e = this.host.costs.events;
    a.reflectedTrap(cause, addr, pc, e.vmmTrap + e.reflect);
  }

  /** hcall: from the guest kernel, a hypercall; from its user code, a trap like sys. */
  private hypercall(pc: number, a: ExitAnswer): void {
    if (!(this.vcpu.flags & FLAG.S)) return this.reflect(CAUSE.HYPERCALL, 0, pc, a);
    const r = this.vcpu.regs;
    const number = r[0]!;
    this.ops = 0;
    this.why = '';
    const work = this.types.work;
    this.workStart = work;
    this.bytes = 0;
    // (the request this call serves, as it began: a back end's answer ends its request)
    const serving = this.vm.servingRequest;
    const result = this.call(number, r[1]!, r[2]!, r[3]!, r[4]!, false);
    this.memory.settle();
    if (result !== RESTORED) r[0] = result;
    const spec = hypercallNumbered(number);
    const name = spec?.name ?? `unknown ${number}`;
    // (counted by name; every unknown number under one, so that a guest calling a new number
    // each time grows no table: 2 million numbers had filled the heap)
    const counted = spec?.name ?? 'unknown';
    this.vm.hypercalls.set(counted, (this.vm.hypercalls.get(counted) ?? 0) + 1);
    const e = this.host.costs.events;
    const examined = this.types.work - work;
    a.set(REASON.hypercall, 'serviced', e.hypercall + this.ops * e.hypercallOp + examined * e.validateEntry, (pc - 4) | 0);
    a.busy = this.effort();
    if (!this.host.tracing) return;
    const q = a.q;
    q.hypercall = name;
    q.args = (spec?.args ?? []).map((arg) => r[Number(arg.reg.slice(1))]! >>> 0);
    if (result !== RESTORED) q.result = result;
    if (spec && /multicall|mmu_update|mmuext_op/.test(spec.name)) q.count = this.ops;
    if (this.why) q.detail = this.why;
    if (serving > 0 && this.vm.servingRequest !== serving) q.request = serving;
  }

  /** Carry out hypercall `number`; its result (0, a count, or an error). */
  private call(number: number, a1: number, a2: number, a3: number, a4: number, nested: boolean): number {
    switch (number) {
      case 0: // set_trap_table
        if (a1 & 3) return this.refuse(ERR.EINVAL, `trap entry ${hex(a1)} is not a multiple of 4`);
        this.vcpu.cr[CR.TVEC] = a1;
        return 0;
      case 1: // mmu_update
        return this.batch(a1, a2, 2, (w) => this.counted(this.types.update(w[0]!, w[1]!), this.types.why));
      case 4: // set_callbacks
        if (a1 & 3) return this.refuse(ERR.EINVAL, `callback ${hex(a1)} is not a multiple of 4`);
        this.callback = a1;
        return 0;
      case 13: // multicall
        if (nested) return this.refuse(ERR.EINVAL, 'a multicall inside a multicall');
        return this.batch(a1, a2, MULTICALL_ENTRY_WORDS, (w, at) => {
          const result = this.call(w[0]!, w[1]!, w[2]!, w[3]!, w[4]!, true);
          this.ops++;
          if (!this.writeWord(at + 20, result)) {
            // The call was made: it counts, and the multicall stops after it.
            this.why = `the call at ${hex(at)} was made, but its result could not be written back (not mapped writable): the multicall stops after it`;
            this.stopBatch = true;
          }
          return 0;
        });
      case 14: // update_va_mapping
        return this.updateVaMapping(a1, a2, a3);
      case 15: // set_timer_op
        return this.setTimer(a1, a2);
      case 17: // xen_version
        return 1;
      case 18: // console_io
        return this.consoleIo(a1, a2, a3, a4);
      case 20: // grant_table_op
        if (a1 !== GNTTABOP_COPY) return this.refuse(ERR.EINVAL, `grant table command ${a1}: only ${GNTTABOP_COPY} (copy)`);
        return this.batch(a2, a3, GNTCOPY.WORDS, (w, at) => {
          const status = this.copier.copy(w);
          this.ops++;
          this.bytes += status === 0 ? w[GNTCOPY.LEN >>> 2]! >>> 0 : 0;
          if (status < 0) this.why = `copy at ${hex(at)}: ${this.copier.why}`;
          if (!this.writeWord(at + GNTCOPY.STATUS, status)) {
            this.why = `the copy at ${hex(at)} was made, but its status could not be written back (not mapped writable): the call stops after it`;
            this.stopBatch = true;
          }
          return 0;
        });
      case 36: // domctl
        if (!this.vm.links || this.domid !== 0) return this.refuse(ERR.EPERM, 'domctl is guest 0\'s (--host dom0)');
        if (a1 !== DOMCTL.DESTROY) return this.refuse(ERR.EINVAL, `domctl command ${a1}: only ${DOMCTL.DESTROY} (destroy)`);
        return this.fromLinks(this.vm.links.destroy(a2, a3));
      case 23: // iret
        if (nested) return this.refuse(ERR.EINVAL, 'iret inside a multicall');
        return this.iret();
      case 26: // mmuext_op
        return this.batch(a1, a2, 2, (w) => this.counted(this.mmuext(w[0]!, w[1]!), this.why));
      case 29: // sched_op
        return this.schedOp(a1, a2);
      case 32: // event_channel_op
        return this.eventChannelOp(a1, a2);
      default:
        return this.refuse(ERR.ENOSYS, `no hypercall ${number}`);
    }
  }

  /** The timer: the first event after `ticks`, then every `period` (0: one shot). The guest's
   *  virtual interval timer counts; its line becomes the timer's event. */
  private setTimer(ticks: number, period: number): number {
    if (ticks < 0 || period < 0) return this.refuse(ERR.EINVAL, `ticks ${ticks} and period ${period} must be 0..2^31-1`);
    this.timerPeriod = period;
    this.vm.portOut(PORT_BASE.timer + TIMER_REG.PERIOD, ticks);
    // The device's next period starts at the first event (nextInterrupt sets it).
    return 0;
  }

  /** What the current hypercall has cost so far: operations, entries examined, bytes. */
  private effort(): number {
    return this.ops + (this.types.work - this.workStart) + this.bytes;
  }

  /** Count a batched operation that succeeded; keep why one failed. */
  private counted(result: number, why: string): number {
    if (result < 0) this.why = why;
    else this.ops++;
    return result;
  }

  /** Run `op` over `count` entries of `words` words at guest address `va`: the number done
   *  (all, or those before the first refused one), or the first one's error. */
  private batch(va: number, count: number, words: number, op: (w: Int32Array, at: number) => number): number {
    if (count < 1 || count > MAX_BATCH) return this.refuse(ERR.EINVAL, `count ${count} is out of range (1..${MAX_BATCH})`);
    if (va & 3) return this.refuse(ERR.EINVAL, `list address ${hex(va)} is not a multiple of 4`);
    if ((va >>> 0) + count * words * 4 > 2 ** 32) return this.refuse(ERR.EFAULT, `the list at ${hex(va)} runs past the end of the address space`);
    const w = new Int32Array(words);
    for (let i = 0; i < count; i++) {
      const at = (va + i * words * 4) | 0;
      for (let k = 0; k < words; k++) {
        const word = this.readWord((at + k * 4) | 0);
        if (word === undefined) return i > 0 ? i : this.refuse(ERR.EFAULT, `entry ${i} at ${hex(at + k * 4)} is not mapped readable`);
        w[k] = word;
      }
      const result = op(w, at);
      if (this.vm.status !== 'running') return i;
      if (result < 0) {
        if (this.why && !this.why.startsWith('entry')) this.why = `entry ${i}: ${this.why}`;
        return i > 0 ? i : result;
      }
      if (this.stopBatch) {
        this.stopBatch = false;
        return i + 1;
      }
      if (this.effort() >= EFFORT_PER_HYPERCALL && i + 1 < count) {
        this.why = `stopped after ${i + 1} of ${count}: the hypercall's work is bounded (${EFFORT_PER_HYPERCALL} operations, entries examined and bytes); make the call again for the rest`;
        return i + 1;
      }
    }
    return count;
  }

  private updateVaMapping(va: number, pte: number, flags: number): number {
    // (one of the two, or neither: as Xen's UVMF flush types, which 3 is not)
    if (flags !== 0 && flags !== UVMF.TLB_FLUSH && flags !== UVMF.INVLPG) return this.refuse(ERR.EINVAL, `flags ${hex(flags)}: only 0, 1 (flush) and 2 (invlpg)`);
    const words = this.host.processor.memory.words;
    const pde = words[((this.memory.kernelRoot << 12) + (va >>> 22) * 4) >>> 2]!;
    if (!(pde & PTE.V)) return this.refuse(ERR.EINVAL, `no page table maps ${hex(va)} (its directory entry is not present)`);
    const result = this.types.update(((pde & ~4095) + ((va >>> 12) & 1023) * 4) | 0, pte);
    if (result < 0) return this.refuse(result, this.types.why);
    this.ops++; // (in a multicall, beside the operations of the calls before it)
    if (flags & UVMF.TLB_FLUSH) this.vm.tlbFlush();
    else if (flags & UVMF.INVLPG) this.vm.tlbInvalidate(va);
    return 0;
  }

  private mmuext(cmd: number, arg: number): number {
    const m = this.memory;
    const frame = arg >>> 0;
    switch (cmd) {
      case MMUEXT.PIN_L2_TABLE:
        return this.fromTypes(this.types.pin(frame));
      case MMUEXT.UNPIN_TABLE: {
        if (frame === m.kernelRoot || frame === m.userRoot) return this.refuse(ERR.EBUSY, `frame ${hex(frame)} is the ${frame === m.kernelRoot ? 'kernel' : 'user'} root`);
        const e = this.types.unpin(frame);
        if (e === 0) m.forget(frame);
        return this.fromTypes(e);
      }
      case MMUEXT.NEW_BASEPTR:
      case MMUEXT.NEW_USER_BASEPTR: {
        const user = cmd === MMUEXT.NEW_USER_BASEPTR;
        if (!(user && frame === 0) && !this.types.isPinned(frame)) return this.refuse(ERR.EPERM, `frame ${hex(frame)} is not a pinned page directory of this guest`);
        if (user) {
          m.userRoot = frame === 0 ? -1 : frame; // loaded on the next return to user mode
          return 0;
        }
        // As the guest's own mtcr ptbr: the new base takes effect at once (an untagged TLB
        // is flushed, counted as the guest's flush).
        m.kernelRoot = frame;
        this.vcpu.cr[CR.PTBR] = (frame << 12) | PTBR_PAGING;
        if (!this.host.processor.tlb.tagged) this.vm.tlb.flushes++;
        m.ptbrWritten();
        return 0;
      }
      case MMUEXT.TLB_FLUSH_LOCAL:
        this.vm.tlbFlush();
        return 0;
      case MMUEXT.INVLPG_LOCAL:
        this.vm.tlbInvalidate(arg);
        return 0;
      default:
        return this.refuse(ERR.EINVAL, `no MMU extended command ${cmd}`);
    }
  }

  private fromTypes(result: number): number {
    if (result < 0) this.why = this.types.why;
    return result;
  }

  private consoleIo(cmd: number, count: number, buffer: number, domid: number): number {
    if (cmd === CONSOLEIO_READ) return this.consoleRead(count, buffer, domid);
    if (cmd !== CONSOLEIO_WRITE) return this.refuse(ERR.EINVAL, `console command ${cmd}: 0 write, 1 read`);
    if (count < 0 || count > CONSOLE_MAX) return this.refuse(ERR.EINVAL, `count ${count} is out of range (0..${CONSOLE_MAX})`);
    if ((buffer >>> 0) + count > 2 ** 32) return this.refuse(ERR.EFAULT, `the buffer at ${hex(buffer)} runs past the end of the address space`);
    const words = this.host.processor.memory;
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; ) {
      const va = (buffer + i) | 0;
      const pa = this.memory.translate(va, false);
      if (pa < 0) return this.refuse(ERR.EFAULT, `byte ${i} of the buffer, at ${hex(va)}, is not mapped readable`);
      const chunk = Math.min(count - i, 4096 - (va & 4095));
      bytes.set(words.bytes.subarray(pa, pa + chunk), i);
      i += chunk;
    }
    this.bytes += count;
    const links = this.vm.links;
    // Guest 0's own output is the VMM's console (Xen's dom0 writes the hypervisor's).
    if (links && this.domid !== 0) return this.fromLinks(links.consoleWrite(bytes));
    const console = this.vm.devices.console;
    for (const byte of bytes) console.write(CONSOLE_REG.DATA, byte);
    return count;
  }

  /** Guest 0: up to `count` bytes of domain `domid`'s console output into its buffer. */
  private consoleRead(count: number, buffer: number, domid: number): number {
    const links = this.vm.links;
    if (!links || this.domid !== 0) return this.refuse(ERR.EPERM, 'console reads are guest 0\'s (--host dom0)');
    if (count < 0 || count > CONSOLE_MAX) return this.refuse(ERR.EINVAL, `count ${count} is out of range (0..${CONSOLE_MAX})`);
    if ((buffer >>> 0) + count > 2 ** 32) return this.refuse(ERR.EFAULT, `the buffer at ${hex(buffer)} runs past the end of the address space`);
    for (let i = 0; i < count; i += 4096 - ((buffer + i) & 4095)) {
      if (this.memory.translate((buffer + i) | 0, true) < 0) return this.refuse(ERR.EFAULT, `byte ${i} of the buffer, at ${hex((buffer + i) | 0)}, is not mapped writable`);
    }
    const taken = links.consoleRead(domid, count);
    if (typeof taken === 'number') return this.fromLinks(taken);
    for (let i = 0; i < taken.length; ) {
      const va = (buffer + i) | 0;
      const pa = this.memory.translate(va, true);
      const chunk = Math.min(taken.length - i, 4096 - (va & 4095));
      this.host.processor.memory.writeBytes(pa, taken.subarray(i, i + chunk));
      this.vm.memory.noteWrite(this.vm.memory.guestFrameOf(pa >>> 12) * 4096 + (pa & 4095), chunk);
      i += chunk;
    }
    this.bytes += taken.length;
    return taken.length;
  }

  /** A result of the topology's links: kept, with the reason it gave when it refused. */
  private fromLinks(result: number): number {
    if (result < 0) this.why = this.vm.links?.why ?? '';
    return result;
  }

  /** Return from a trap or event, with the state the kernel left in the shared-info page. */
  private iret(): number {
    const m = this.vm.memory;
    const vcpu = this.vcpu;
    const sflags = m.read32(this.shared + SHARED_INFO.SFLAGS);
    vcpu.pc = m.read32(this.shared + SHARED_INFO.SPC) & ~3;
    vcpu.flags = sflags & (CONDITION_MASK | FLAG.S);
    vcpu.regs[0] = m.read32(this.shared + SHARED_INFO.R0);
    this.setMask(!(sflags & FLAG.IE));
    this.events.publish();
    return RESTORED;
  }

  private schedOp(cmd: number, reason: number): number {
    switch (cmd) {
      case SCHEDOP.YIELD:
        this.vm.yielded = true;
        return 0;
      case SCHEDOP.BLOCK:
        // (blocked, the guest is in no event handler's acknowledgement: the ports held back
        // since a delivery are pending now, as at an iret)
        this.events.publish();
        this.setMask(false);
        if (this.nextInterrupt() < 0) this.vcpu.halted = true; // (the next look, nextInterrupt, masks what cannot wake it)
        return 0;
      case SCHEDOP.SHUTDOWN: {
        const name = SHUTDOWN_NAMES[reason];
        if (name === undefined) return this.refuse(ERR.EINVAL, `shutdown reason ${reason}: 0 poweroff, 1 reboot, 2 suspend, 3 crash`);
        if (reason === SHUTDOWN.CRASH) this.vm.end('faulted', 'the guest shut down: crash (sched_op)');
        else this.vm.end('halted', `finished normally (shut down: ${name})`);
        return 0;
      }
      default:
        return this.refuse(ERR.EINVAL, `no scheduler command ${cmd}`);
    }
  }

  private eventChannelOp(cmd: number, arg: number): number {
    const ev = this.events;
    let result: number;
    const links = this.vm.links;
    switch (cmd) {
      case EVTCHNOP.BIND_INTERDOMAIN: {
        if (!links || this.domid !== 0) return this.refuse(ERR.EPERM, 'binding a port to another domain is guest 0\'s (--host dom0)');
        const ok = links.connect(arg);
        if (ok < 0) return this.fromLinks(ok);
        result = ev.bindInterdomain(arg);
        break;
      }
      case EVTCHNOP.BIND_VIRQ:
        result = ev.bindVirq(arg);
        break;
      case EVTCHNOP.SEND: {
        const remote = ev.remoteOf(arg);
        if (remote >= 0 && links) return this.fromLinks(links.notifyFrontend(remote));
        result = ev.virqOf(arg);
        if (result === VIRQ.DISK && links && this.domid !== 0) {
          return this.fromLinks(links.notifyBackend());
        } else if (result === VIRQ.DISK && !links) {
          this.blk.why = '';
          this.blk.kick();
          if (this.blk.why) this.why = `the block back end refused a request: ${this.blk.why}`;
          result = 0;
        } else if (result >= 0) {
          return this.refuse(ERR.EINVAL, `port ${arg} is bound to virtual interrupt ${result}: only the disk's port has a back end to notify`);
        }
        break;
      }
      case EVTCHNOP.UNMASK:
        result = ev.unmask(arg);
        break;
      default:
        return this.refuse(ERR.EINVAL, `no event-channel command ${cmd}`);
    }
    if (result < 0) this.why = ev.why;
    return result;
  }

  // ---- guest memory through the guest's own tables --------------------------------------

  private readWord(va: number): number | undefined {
    const pa = this.memory.translate(va, false);
    return pa < 0 ? undefined : this.host.processor.memory.words[pa >>> 2];
  }

  private writeWord(va: number, value: number): boolean {
    const pa = this.memory.translate(va, true);
    if (pa < 0) return false;
    this.host.processor.memory.write32(pa, value);
    return true;
  }

  private refuse(error: number, why: string): number {
    this.why = why;
    return error;
  }
}

