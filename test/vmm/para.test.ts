// --mode para's mechanisms, each with a small PARAVIRT guest (docs/hypercalls.md): the block
// ring's one event for a batch of requests, the one hypercall that re-enabling costs with an
// event pending, the root switches at kernel entry and exit and what they cost the TLB,
// shutdown reasons, yield, and the boot state.

import { describe, expect, it } from 'vitest';
import { assembleText, recorder } from '../support/guests.js';
import { runHv } from './helpers.js';

/** A PARAVIRT guest from a body (paravirt.inc's ops and constants in scope, its runtime after). */
const pv = (body: string) => assembleText(`.equ PARAVIRT, 1\n.include "../include/paravirt.inc"\n        .org 0x1000\nstart:\n${body}\n.include "../include/paravirt.s"\n`);

describe('para: the block ring', () => {
  it('three reads queued and one notification: three transfers, one event, the data where each asked', () => {
    const image = pv(`
        la      r1, entry
        set_trap_entry r1
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_BIND_VIRQ
        movi    r2, VIRQ_DISK
        hcall
        mov     r8, r0                  ; r8 = the disk's port
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_UNMASK
        mov     r2, r8
        hcall
        li      r10, PV_BLK_RING
        movi    r11, 0
.queue: shli    r1, r11, 5
        add     r1, r1, r10
        movi    r2, DISK_CMD_READ
        stw     r2, [r1 + RING_SLOTS + RING_REQ_OP]
        stw     r11, [r1 + RING_SLOTS + RING_REQ_SECTOR]
        movi    r2, 1
        stw     r2, [r1 + RING_SLOTS + RING_REQ_COUNT]
        shli    r2, r11, 12
        li      r3, 0x80000
        add     r2, r2, r3
        shri    r2, r2, 12              ; the buffer's frame, granted to the back end
        shli    r3, r11, 1
        addi    r3, r3, GNT_FIRST_FREE
        stw     r3, [r1 + RING_SLOTS + RING_REQ_GREF]
        movi    r4, 0
        stw     r4, [r1 + RING_SLOTS + RING_REQ_OFFSET]
        shli    r3, r3, 3
        li      r4, PV_SHARED_INFO + SH_GRANT_TABLE
        add     r3, r3, r4
        stw     r2, [r3 + GNT_FRAME]
        movi    r4, GNT_PERMIT_ACCESS
        stw     r4, [r3 + GNT_FLAGS]
        addi    r11, r11, 1
        cmpi    r11, 3
        blt     .queue
        stw     r11, [r10 + RING_REQ_PROD]
        movi    r0, HC_EVENT_CHANNEL_OP
        movi    r1, EVTCHNOP_SEND
        mov     r2, r8
        hcall
        wait_for_interrupt              ; blocks until the event
        li      r1, 0x80000             ; the first byte of each buffer
        ldb     r2, [r1]
        putc    r2
        li      r1, 0x81000
        ldb     r2, [r1]
        putc    r2
        li      r1, 0x82000
        ldb     r2, [r1]
        putc    r2
        movi    r2, '\\n'
        putc    r2
        halt
entry:  trap_read r1, CAUSE             ; the event: clear its pending bit, and return
        subi    r1, r1, CAUSE_IRQ_BASE
        irq_ack r1, r2, r3
        la      r1, events
        ldw     r2, [r1]
        addi    r2, r2, 1
        stw     r2, [r1]
        iret_keep_r0
        return_from_trap
        .align  4
events: .word   0`);
    const disk = new Uint8Array(3 * 512);
    disk[0] = 'a'.charCodeAt(0);
    disk[512] = 'b'.charCodeAt(0);
    disk[1024] = 'c'.charCodeAt(0);
    const probe = recorder();
    const { reports } = runHv([{ name: 'g', image, disk }], 'para', {}, probe);
    expect(reports[0]!.console).toBe('abc\n');
    expect(reports[0]!.status).toBe('halted');
    const transfers = probe.records.filter((r) => r.reason === 'dma' && r.action === 'transferred');
    expect(transfers.map((r) => r.address)).toEqual([0x80000, 0x81000, 0x82000]);
    const sends = probe.records.filter((r) => r.hypercall === 'event_channel_op' && r.args?.[0] === 4);
    expect(sends).toHaveLength(1);
    expect(probe.records.filter((r) => r.reason === 'interrupt-injection')).toHaveLength(1);
  });
});

describe('para: the event mask is a store', () => {
  // The timer's event is pending while events are masked; unmasking it costs one hypercall
  // (xen_version), and with nothing pending, none.
  const SOURCE = (spin: number) => `
        la      r1, entry
        set_trap_entry r1
        irq_lines_enable 1 << IRQ_TIMER
        li      r1, 50
        push    lr
        call    pv_set_timer
        pop     lr
        irq_disable
        li      r1, ${spin}              ; spin with events masked
.spin:  subi    r1, r1, 1
        cmpi    r1, 0
        bne     .spin
        irq_enable                      ; the pending event (if any) now
        halt
entry:  movi    r2, IRQ_TIMER
        irq_ack r2, r3, r4
        movi    r1, 0                   ; stop the timer
        push    lr
        call    pv_set_timer
        pop     lr
        iret_keep_r0
        return_from_trap`;

  it('re-enabling with an event pending: one xen_version, then the event; without one: no hypercall', () => {
    for (const [spin, pending] of [
      [200, true],
      [5, false],
    ] as const) {
      const probe = recorder();
      const { reports } = runHv([{ name: 'g', image: pv(SOURCE(spin)) }], 'para', {}, probe);
      expect(reports[0]!.status).toBe('halted');
      const versions = probe.records.filter((r) => r.hypercall === 'xen_version');
      expect(versions.length, `spin ${spin}`).toBe(pending ? 1 : 0);
      if (pending) {
        const i = probe.records.indexOf(versions[0]!);
        expect(probe.records[i + 1]).toMatchObject({ reason: 'interrupt-injection', irq: 0 });
      }
    }
  });
});

describe('para: kernel and user roots', () => {
  it('tinyos switches roots at every kernel entry and exit: with an untagged TLB each is a flush of the VMM\'s; with a tagged one, almost none', async () => {
    const { guest } = await import('./helpers.js');
    const { input } = guest('kernel/tinyos.s', undefined, 'paravirt');
    const untagged = runHv([input], 'para').reports[0]!;
    const tagged = runHv([input], 'para', { tlbTagged: true }).reports[0]!;
    const syscalls = untagged.traps['syscall']!;
    const ticks = untagged.traps['irq0']!;
    // a trap from a task into the kernel and the iret back each switch roots (ticks that
    // interrupt the kernel itself, at boot, switch nothing)
    expect(untagged.tlb.vmmFlushes).toBeGreaterThan(syscalls + ticks);
    // tagged: each root keeps its address-space id; the few flushes left are of frames that
    // became page tables (a writable entry cached from before must not outlive that)
    expect(tagged.tlb.vmmFlushes).toBeLessThan(untagged.tlb.vmmFlushes! / 20);
    expect(tagged.console).toBe(untagged.console);
  });
});

describe('para: the scheduler operations', () => {
  it('shutdown: poweroff, reboot and suspend end the guest halted, with the reason; crash, faulted; a bad reason, EINVAL', () => {
    for (const [reason, status, words] of [
      [0, 'halted', 'finished normally (shut down: poweroff)'],
      [1, 'halted', 'finished normally (shut down: reboot)'],
      [2, 'halted', 'finished normally (shut down: suspend)'],
      [3, 'faulted', 'the guest shut down: crash (sched_op)'],
    ] as const) {
      const { reports } = runHv([{ name: 'g', image: pv(`        movi r0, HC_SCHED_OP\n        movi r1, SCHEDOP_SHUTDOWN\n        movi r2, ${reason}\n        hcall\n        halt`) }], 'para');
      expect([reports[0]!.status, reports[0]!.reason]).toEqual([status, words]);
    }
  });

  it('yield gives the rest of the slice to the next guest', () => {
    const probe = recorder();
    const yielder = pv(`        movi r0, HC_SCHED_OP\n        movi r1, SCHEDOP_YIELD\n        hcall\n        halt`);
    const other = pv(`        li r1, 100\n.l:     subi r1, r1, 1\n        cmpi r1, 0\n        bne .l\n        halt`);
    runHv([{ name: 'y', image: yielder }, { name: 'o', image: other }], 'para', {}, probe);
    const i = probe.records.findIndex((r) => r.hypercall === 'sched_op');
    expect(probe.records[i + 1]).toMatchObject({ reason: 'guest-switch', guest: 'o' });
  });
});

describe('para: the boot state', () => {
  it('sp at the end of the usable memory, r1 the start-info page, events masked, the frame list and start-info as documented', () => {
    const image = pv(`
        mov     r5, sp
        mov     r6, r1
        li      r2, PV_SHARED_INFO
        ldw     r7, [r2 + SH_UPCALL_MASK]
        ldw     r8, [r1 + SI_MAGIC]
        ldw     r9, [r1 + SI_NR_PAGES]
        ldw     r10, [r1 + SI_USABLE_END]
        li      r2, PV_P2M
        ldw     r11, [r2]
        ldw     r12, [r2 + 4]
        halt`);
    const { vms } = runHv([{ name: 'g', image }], 'para', { memoryBytes: 1 << 20 });
    const r = vms[0]!.vcpu.regs;
    const usable = (256 - 8) * 4096; // 8 pages for the area of a 1 MiB guest
    expect([r[5], r[6]! >>> 0, r[7], r[8], r[9], r[10]]).toEqual([usable, 0xffffc000, 1, 0x31565054, 256, usable]);
    expect(r[12]).toBe(r[11]! + 1); // consecutive machine frames
  });
});

describe('para: what an audit found', () => {
  it('a privileged instruction with no handler of the guest\'s: the reason says a PARAVIRT build makes it a hypercall (a source that never tests PARAVIRT, built with it)', () => {
    const image = assembleText('.equ PARAVIRT, 1\nstart: mtcr tvec, r1\n        hlt\n');
    const r = runHv([{ name: 'g', image }], 'para', { maxInstructions: 1000 }).reports[0]!;
    expect(r.status).toBe('faulted');
    expect(r.reason).toMatch(/^unhandled privileged trap at .*: no trap handler \(tvec = 0\); under para the guest kernel is deprivileged: a PARAVIRT build makes such operations hypercalls/);
    // (nor does one in the guest's own user mode, which faults so on bare hardware too)
    const user = pv('        la r1, user\n        movi r2, 0\n        trap_set_return r1, r2, r3\n        return_from_trap\nuser:   cli\n        halt');
    const inUser = runHv([{ name: 'g', image: user }], 'para', { maxInstructions: 1000 }).reports[0]!;
    expect(inUser.reason).toMatch(/^unhandled privileged trap at .*cli.*: no trap handler \(tvec = 0\)$/);
    // (a fault of another cause gets no such hint)
    const divide = runHv([{ name: 'g', image: assembleText('.equ PARAVIRT, 1\nstart: movi r1, 0\n        div r2, r2, r1\n        hlt\n') }], 'para', { maxInstructions: 1000 }).reports[0]!;
    expect(divide.reason).toMatch(/no trap handler \(tvec = 0\)$/);
  });

  it('sched_op block with no event that can come (its port unbound or masked) stops the guest with a stated deadlock, not a hang', () => {
    // (in para's words: the guest ran no hlt, and has no interrupt controller to unmask)
    const unbound = 'sched_op block (events enabled), but no event can end it: the timer virtual interrupt is not bound to a port, or its port is masked (event_channel_op: bind_virq, unmask): deadlock';
    const bind = '        movi r0, HC_EVENT_CHANNEL_OP\n        movi r1, EVTCHNOP_BIND_VIRQ\n        movi r2, VIRQ_TIMER\n        hcall\n';
    const timer = '        movi r0, HC_SET_TIMER_OP\n        movi r1, 10\n        movi r2, 10\n        hcall\n';
    const cases = [
      { setup: timer, reason: unbound },
      { setup: bind + timer, reason: unbound }, // (bound, its port still masked)
      { setup: bind, reason: 'sched_op block (events enabled), but no device will ever interrupt (deadlock)' },
    ];
    for (const { setup, reason } of cases) {
      const image = pv(`        la r1, start\n        set_trap_entry r1\n${setup}        movi r0, HC_SCHED_OP\n        movi r1, SCHEDOP_BLOCK\n        hcall\n        halt`);
      const r = runHv([{ name: 'g', image }], 'para', { maxInstructions: 100_000 }).reports[0]!;
      expect(r.status).toBe('faulted');
      expect(r.reason).toBe(reason);
    }
  });

  /** Guest code that installs `handler` and binds the timer's virtual interrupt to a port,
   *  unmasked. */
  const TIMER_PORT = `        la r1, handler
        set_trap_entry r1
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_BIND_VIRQ
        movi r2, VIRQ_TIMER
        hcall
        mov r2, r0
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_UNMASK
        hcall`;

  it('sched_op block inside the event handler takes the next event (the ports held back since the delivery are pending at the block)', () => {
    // A periodic timer; the handler counts, acknowledges and blocks again, three times. (The
    // clock is bounded so that a guest never woken ends at the bound instead of hanging.)
    const image = pv(`${TIMER_PORT}
        movi r0, HC_SET_TIMER_OP
        li r1, 100
        li r2, 100
        hcall
        irq_enable
spin:   jmp spin
handler: addi r9, r9, 1
        li r1, PV_SHARED_INFO
        movi r2, 0
        stw r2, [r1 + SH_EVTCHN_PENDING]
        cmpi r9, 3
        beq done
        movi r0, HC_SCHED_OP
        movi r1, SCHEDOP_BLOCK
        hcall
done:   halt`);
    const { reports, vms } = runHv([{ name: 'g', image }], 'para', { maxInstructions: 100_000, bounds: { ticks: 10_000_000 } });
    expect(reports[0]!.reason).toBe('finished normally (shut down: poweroff)');
    expect(vms[0]!.vcpu.regs[9]).toBe(3);
  });

  it('while a guest is blocked, the VMM\'s own work on events it cannot take goes on at each event: its block back end serves a polled ring', () => {
    // Four reads queued, the disk's port masked (the guest polls the ring), a one-shot timer
    // 5,000 ticks on, then a block: by the timer's event the back end has served all four.
    const read = (buffer: number) => `        li r1, ${buffer}\n        movi r2, 0\n        movi r3, 8\n        call pv_disk_read\n`;
    const image = pv(`        la r1, handler
        set_trap_entry r1
        irq_lines_enable 1 << IRQ_TIMER
${[0x40000, 0x42000, 0x44000, 0x46000].map(read).join('')}        movi r0, HC_SET_TIMER_OP
        li r1, 5000
        movi r2, 0
        hcall
        irq_enable
wait:   cmpi r8, 0
        bne woke
        wait_for_interrupt
        jmp wait
woke:   li r1, PV_BLK_RING
        ldw r9, [r1 + RING_RSP_PROD]
        halt
handler: movi r8, 1
        movi r11, IRQ_TIMER
        irq_ack r11, r12, r13
        iret_keep_r0
        return_from_trap`);
    const { reports, vms } = runHv([{ name: 'g', image, disk: new Uint8Array(8 * 512) }], 'para', { maxInstructions: 100_000, bounds: { ticks: 10_000_000 } });
    expect(reports[0]!.reason).toBe('finished normally (shut down: poweroff)');
    expect(vms[0]!.vcpu.regs[9]).toBe(4);
  });

  it('a multicall that blocks and then unmasks the port is woken by the port\'s event (what can wake a blocked guest is worked out at every look)', () => {
    const image = pv(`        la r1, handler
        set_trap_entry r1
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_BIND_VIRQ
        movi r2, VIRQ_TIMER
        hcall
        movi r0, HC_SET_TIMER_OP
        li r1, 1000
        movi r2, 0
        hcall
        li r4, 0x80000                  ; {sched_op block}, {event_channel_op unmask port 0}
        movi r1, HC_SCHED_OP
        stw r1, [r4]
        movi r1, SCHEDOP_BLOCK
        stw r1, [r4 + 4]
        movi r1, HC_EVENT_CHANNEL_OP
        stw r1, [r4 + 24]
        movi r1, EVTCHNOP_UNMASK
        stw r1, [r4 + 28]
        movi r0, HC_MULTICALL
        mov r1, r4
        movi r2, 2
        hcall
        halt
handler: movi r9, 1
        halt`);
    const { reports, vms } = runHv([{ name: 'g', image }], 'para', { maxInstructions: 100_000, bounds: { ticks: 10_000_000 } });
    expect(reports[0]!.reason).toBe('finished normally (shut down: poweroff)');
    expect(vms[0]!.vcpu.regs[9]).toBe(1);
  });

  it('a blocked guest whose own disk transfer masks its events (ports or the event mask) is stopped and told why, not left waiting or called finished', () => {
    // The transfer reads sector 0 into the guest's shared-info page (granted to the back end)
    // while the guest blocks, a periodic timer bound and unmasked.
    const image = pv(`${TIMER_PORT}
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_BIND_VIRQ
        movi r2, VIRQ_DISK
        hcall
        mov r10, r0                     ; (the disk's port, left masked)
        li r4, PV_START_INFO            ; grant 2: the shared-info page's frame
        ldw r1, [r4 + SI_SHARED_INFO_MFN]
        li r2, PV_P2M
        ldw r2, [r2]
        sub r1, r1, r2
        li r3, PV_SHARED_INFO + SH_GRANT_TABLE + 2 * GNT_ENTRY_SIZE
        stw r1, [r3 + GNT_FRAME]
        movi r1, GNT_PERMIT_ACCESS
        stw r1, [r3 + GNT_FLAGS]
        li r5, PV_BLK_RING              ; slot 0: read sector 0 into it
        movi r1, DISK_CMD_READ
        stw r1, [r5 + RING_SLOTS + RING_REQ_OP]
        movi r1, 1
        stw r1, [r5 + RING_SLOTS + RING_REQ_COUNT]
        movi r1, 2
        stw r1, [r5 + RING_SLOTS + RING_REQ_GREF]
        stw r1, [r5 + RING_REQ_PROD]
        movi r0, HC_SET_TIMER_OP
        li r1, 50000
        li r2, 100
        hcall
        movi r0, HC_EVENT_CHANNEL_OP
        movi r1, EVTCHNOP_SEND
        mov r2, r10
        hcall
        movi r0, HC_SCHED_OP
        movi r1, SCHEDOP_BLOCK
        hcall
        halt
handler: halt`);
    const sector = (offset: number, value: number) => {
      const disk = new Uint8Array(512);
      new DataView(disk.buffer).setInt32(offset, value, true);
      return disk;
    };
    const run = (disk: Uint8Array) => runHv([{ name: 'g', image, disk }], 'para', { maxInstructions: 100_000, bounds: { ticks: 10_000_000 } }).reports[0]!;
    const ports = run(sector(68, -1)); // SH_EVTCHN_MASK: every port
    expect(ports.status).toBe('faulted');
    expect(ports.reason).toBe('sched_op block (events enabled), but no event can end it: the timer virtual interrupt is not bound to a port, or its port is masked (event_channel_op: bind_virq, unmask): deadlock');
    const events = run(sector(0, 1)); // SH_UPCALL_MASK
    expect(events.status).toBe('killed');
    expect(events.reason).toBe('cannot make progress: blocked in sched_op with its events masked, because its event mask (SH_UPCALL_MASK) was set while it waited, by no store of its own (a transfer into its shared-info page), so no event can be delivered');
  });

  it('a multicall whose result word cannot be written still counts the call it made', () => {
    // the list's own page is unmapped by its one call: the result cannot be written back
    const image = pv(`        li r1, 0x30000\n        movi r2, HC_UPDATE_VA_MAPPING\n        stw r2, [r1]\n        stw r1, [r1 + 4]\n        movi r2, UVMF_INVLPG\n        stw r2, [r1 + 12]\n        movi r0, HC_MULTICALL\n        movi r2, 1\n        hcall\n        mov r9, r0\n        halt`);
    const { vms } = runHv([{ name: 'g', image }], 'para');
    expect(vms[0]!.vcpu.regs[9]).toBe(1);
  });

  it("a multicall of a million cheap operations: the guest's time pays for each (a tick an operation), not its instructions", () => {
    // 1024 entries {mmuext_op of 1024 TLB flushes}
    const image = pv(`        li r3, 0x40000                  ; the list of {TLB_FLUSH_LOCAL, 0}
        li r4, 1024
        movi r5, MMUEXT_TLB_FLUSH_LOCAL
.ops:   stw r5, [r3]
        addi r3, r3, 8
        subi r4, r4, 1
        cmpi r4, 0
        bne .ops
        li r3, 0x50000                  ; the multicall's entries
        li r4, 1024
.calls: movi r5, HC_MMUEXT_OP
        stw r5, [r3]
        li r5, 0x40000
        stw r5, [r3 + 4]
        li r5, 1024
        stw r5, [r3 + 8]
        addi r3, r3, 24
        subi r4, r4, 1
        cmpi r4, 0
        bne .calls
        movi r0, HC_MULTICALL
        li r1, 0x50000
        li r2, 1024
        hcall
        mov r9, r0
        halt`);
    const probe = recorder();
    const { vms, reports } = runHv([{ name: 'g', image }], 'para', {}, probe);
    expect(vms[0]!.vcpu.regs[9]).toBe(1024);
    // each call and each of its operations, until the bound stops the last batch part-way
    const count = probe.records.find((r) => r.hypercall === 'multicall')!.count!;
    expect(count).toBeGreaterThanOrEqual(1 << 20);
    expect(count).toBeLessThanOrEqual(1024 * 1025);
    // the work was the guest's time: its clock moved by it, and the summary says so apart
    // from the instructions it retired (about 12,000)
    expect(reports[0]!.vmmWork).toBe(count);
    expect(reports[0]!.ticks).toBeGreaterThanOrEqual(reports[0]!.instructions + count);
    expect(reports[0]!.instructions).toBeLessThan(20_000);
  });

  it('an update_va_mapping in a multicall adds its operation to those of the calls before it', () => {
    // 1000 xen_version entries, then (or not) one update_va_mapping of an unmapped page
    const image = (mapping: boolean) =>
      pv(`        li r3, 0x50000
        li r4, 1000
        movi r5, HC_XEN_VERSION
.calls: stw r5, [r3]
        addi r3, r3, 24
        subi r4, r4, 1
        cmpi r4, 0
        bne .calls
        li r2, 1000
${mapping ? '        movi r5, HC_UPDATE_VA_MAPPING\n        stw r5, [r3]\n        li r5, 0x90000\n        stw r5, [r3 + 4]\n        li r2, 1001\n' : ''}        movi r0, HC_MULTICALL
        li r1, 0x50000
        hcall
        halt`);
    const count = (mapping: boolean) => {
      const probe = recorder();
      runHv([{ name: 'g', image: image(mapping) }], 'para', {}, probe);
      return probe.records.find((r) => r.hypercall === 'multicall')!.count!;
    };
    expect(count(false)).toBe(1000);
    expect(count(true)).toBe(1002); // (its entry, and its mapping)
  });
});

describe('para: hypercall numbers that name none', () => {
  it('are counted together as unknown, so a guest calling a new one each time grows no table; each is ENOSYS', () => {
    // 3,000 distinct numbers, from 1,000 on
    const image = pv(`
        li      r9, 1000
.call:  mov     r0, r9
        hcall
        cmpi    r0, ENOSYS
        bne     .bad
        addi    r9, r9, 1
        li      r1, 4000
        cmp     r9, r1
        blt     .call
        halt
.bad:   hlt`);
    const { vms, reports } = runHv([{ name: 'numbers', image }], 'para');
    expect(reports[0]!.status).toBe('halted');
    expect(vms[0]!.hypercalls.get('unknown')).toBe(3000);
    expect([...vms[0]!.hypercalls.keys()].filter((k) => k.startsWith('unknown'))).toEqual(['unknown']);
  });
});

describe('para: update_va_mapping flags', () => {
  it('takes 0, 1 or 2 (one flush type, or none): 3 is EINVAL', () => {
    const image = pv(`
        li      r8, PV_P2M
        ldw     r8, [r8]                ; the machine frame of pseudo-physical frame 0
        shli    r2, r8, 12
        ori     r2, r2, PTE_V | PTE_U
        li      r1, 0x80000
        movi    r3, 3
        movi    r0, HC_UPDATE_VA_MAPPING
        hcall
        mov     r9, r0
        halt`);
    const { hv } = runHv([{ name: 'flags', image }], 'para');
    expect(hv.vms[0]!.vcpu.regs[9]! | 0).toBe(-22);
  });
});
