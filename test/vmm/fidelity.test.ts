// Fidelity of what the VMM reports: every exit, note and figure says what really happened,
// and the guest's own figures follow its architecture whatever the mode. Each case here is a
// small guest that once made the VMM report something else (docs/vmm.md, docs/trace-format.md).

import { describe, expect, it } from 'vitest';
import type { ExitRecord } from '../../src/vmm/exits.js';
import { MODES } from '../../src/vmm/modes/index.js';
import { DEFAULT_ASSIST } from '../../src/vmm/modes/mode.js';
import { assembleText, recorder, run } from '../support/guests.js';
import { runHv } from './helpers.js';

const PLATFORM = '.include "../include/paravirt.inc"'; // (platform.inc, and the ops attack/lib.s uses)
/** The modes that run these native programs (para's own figures: para.test.ts). */
const VMM_MODES = MODES.filter((m) => m.build === 'native').map((m) => m.name);

/** One guest in a mode, with every record kept. */
function traced(source: string, mode: string, options = {}) {
  const probe = recorder();
  const image = assembleText(`${PLATFORM}\n${source}`);
  const { reports } = runHv([{ name: 'guest', image }], mode, options, probe);
  return { report: reports[0]!, records: probe.records };
}

function bare(source: string, options = {}) {
  return run([{ name: 'guest', image: assembleText(`${PLATFORM}\n${source}`) }], 'bare', options)[0]!;
}

describe('a device reprogrammed in the middle of a slice moves the slice\'s deadline', () => {
  // The timer is set to fire in 5,000 ticks and stopped 300 ticks later: no device is due
  // when the old deadline comes, so no "a virtual device is due" exit may appear.
  const STOPPED = `
    start:  li r1, 5000
            out TIMER_PERIOD, r1
            li r2, 100
    .a:     subi r2, r2, 1
            cmpi r2, 0
            bne .a
            movi r1, 0
            out TIMER_PERIOD, r1
            li r2, 3000
    .b:     subi r2, r2, 1
            cmpi r2, 0
            bne .b
            hlt`;
  // Reprogrammed to a later deadline: the device exit comes at the new one, not the old.
  const LATER = STOPPED.replace('movi r1, 0', 'li r1, 8000');
  for (const mode of VMM_MODES) {
    it(`${mode}: a stopped timer causes no device exit`, () => {
      const { report, records } = traced(STOPPED, mode);
      expect(report.status).toBe('halted');
      expect(records.filter((r) => r.reason === 'external-interrupt' && /device/.test(r.detail ?? ''))).toEqual([]);
    });
    it(`${mode}: a timer moved later exits once, when the new deadline comes`, () => {
      const { report, records } = traced(LATER, mode, { quantum: 100_000 });
      expect(report.instructions).toBe(bare(LATER).instructions);
      const device = records.filter((r) => r.reason === 'external-interrupt' && /device/.test(r.detail ?? ''));
      expect(device).toHaveLength(1);
      // written at tick 306 (the second out), due 8,000 ticks later
      expect(report.instructions).toBeGreaterThan(8306);
    });
  }
});

describe('a quantum that runs out while the vCPU is halted outside the guest is no exit', () => {
  // Three waits of 50,000 ticks in hlt, with a quantum of 10,000: each wait outlasts the
  // quantum. The guest's hlt handed the CPU to the VMM, so no host timer interrupts the guest
  // and its switch out is no exit (once "quantum over" exits were charged to the sleeper).
  // With hlt exiting off (hw), the guest sleeps in non-root operation: the quantum's end
  // interrupts it, an exit as on VT-x.
  const SLEEPER = `
    start:  la r1, tick
            mtcr tvec, r1
            li r1, ~(1 << IRQ_TIMER)
            out PIC_MASK, r1
            li r1, 50000
            out TIMER_PERIOD, r1
            movi r9, 0
            sti
    .wait:  hlt
            cmpi r9, 3
            blt .wait
            cli
            hlt
    tick:   addi r9, r9, 1
            movi r12, IRQ_TIMER
            out PIC_ACK, r12
            rfe`;
  const quantum = (records: readonly ExitRecord[]) => records.filter((r) => r.detail === 'host timer: quantum over');
  for (const mode of VMM_MODES) {
    it(`${mode}: no quantum exit while it sleeps`, () => {
      const { report, records } = traced(SLEEPER, mode, { quantum: 10_000 });
      expect(report.status).toBe('halted');
      expect(report.ticks).toBeGreaterThan(150_000);
      expect(quantum(records)).toEqual([]);
    });
  }
  it('hw with hlt exiting off: an exit at each quantum the sleeper spans in non-root operation', () => {
    const { records } = traced(SLEEPER, 'hw', { quantum: 10_000, assist: { ...DEFAULT_ASSIST, noExitOn: ['hlt'] } });
    expect(quantum(records)).toHaveLength(3);
  });
  it('a guest that runs meets its quantum as before', () => {
    const BUSY = SLEEPER.replace('.wait:  hlt', '.wait:  nop');
    for (const mode of VMM_MODES) expect(quantum(traced(BUSY, mode, { quantum: 10_000 }).records).length, mode).toBeGreaterThan(10);
  });
});

describe('binary translation stops at the first word that does not decode', () => {
  // Code runs into zeros (data): the block ends there, as one callout that reports the
  // illegal instruction when it is reached, not as a thousand callouts.
  const INTO_ZEROS = `
    start:  la r1, handler
            mtcr tvec, r1
            movi r3, 7
            .space 4000
    handler: hlt`;
  it('full: the block is the instruction before the zeros and one callout', () => {
    const { report, records } = traced(INTO_ZEROS, 'full');
    const want = bare(INTO_ZEROS);
    expect(report.traps).toEqual(want.traps);
    expect(report.instructions).toBe(want.instructions);
    const blocks = records.filter((r) => r.reason === 'bt-translate');
    expect(blocks.map((r) => r.count)).toEqual([3, 2, 1]);
  });
});

describe('every write the VMM makes into guest memory keeps translations coherent', () => {
  // The code page is also the page table of its own 4 MiB: its word 5 is both an instruction
  // (addi r0, r0, 3) and the PTE mapping va 0x5000 to 0x10000000. The word runs once (and is
  // translated), then a load through that PTE makes the page walk set its A bit, turning it
  // into addi r0, r0, 11; run again, it must add 11 as on bare hardware.
  const PTE_AS_CODE = `
            .word PTE_V | PTE_W           ; PTE 0: va 0 -> frame 0 (this page)
    start:  jmp main
            .word 0, 0, 0                 ; PTEs 2..4
    special: addi r0, r0, 3               ; word 5 at 0x14: PTE 5, va 0x5000 -> 0x10000000
            jr lr
    main:   movi r0, 0
            call special
            la r1, dir
            movi r2, PTE_V | PTE_W        ; dir[0] -> the code page as page table
            stw r2, [r1]
            ori r1, r1, PTBR_PAGING
            mtcr ptbr, r1
            li r3, 0x5000
            ldw r4, [r3]                  ; the walk sets A in PTE 5: the word at 0x14
            call special
            hlt
            .org 0x1000
    dir:    .space 4096`;
  for (const mode of VMM_MODES) {
    it(`${mode}: an A bit the page walk sets in a word that is also translated code`, () => {
      const options = { memoryBytes: 0x10100000 };
      const { report } = traced(PTE_AS_CODE, mode, options);
      const want = bare(PTE_AS_CODE, options);
      expect(want.status).toBe('halted');
      expect(report.instructions).toBe(want.instructions);
      const { vms } = runHv([{ name: 'guest', image: assembleText(`${PLATFORM}\n${PTE_AS_CODE}`) }], mode, options);
      expect(vms[0]!.vcpu.regs[0]).toBe(3 + 11);
    });
  }
});

describe('a trap the guest cannot take is one record: the triple fault', () => {
  const NO_HANDLER = `
    start:  movi r1, 1
            sys
            hlt`;
  for (const mode of VMM_MODES) {
    it(`${mode}: no "reflected" before the triple fault, and one exit counted`, () => {
      const { report, records } = traced(NO_HANDLER, mode);
      expect(report.status).toBe('faulted');
      const exits = records.filter((r) => r.kind === 'exit' && r.pc === 4);
      expect(exits.map((r) => `${r.reason}:${r.action}`)).toEqual(['triple-fault:killed']);
      expect(report.exits!['exception'] ?? 0).toBe(0);
      expect(report.exits!['triple-fault']).toBe(1);
    });
  }
});

describe('an interrupt the guest has no handler for ends it there, as on bare hardware', () => {
  // The timer's interrupt comes with tvec = 0: at a hlt's wake, or in a loop (delivered at a
  // slice's start); nothing after it may run.
  const GUESTS = {
    'at a wake': `
    start:  movi r1, ~(1 << IRQ_TIMER)
            out PIC_MASK, r1
            movi r1, 100
            out TIMER_PERIOD, r1
            sti
            hlt
            movi r2, '!'
            out CONSOLE_DATA, r2
            cli
            hlt`,
    'in a loop that prints': `
    start:  movi r1, ~(1 << IRQ_TIMER)
            out PIC_MASK, r1
            movi r1, 100
            out TIMER_PERIOD, r1
            sti
    loop:   movi r2, '.'
            out CONSOLE_DATA, r2
            jmp loop`,
  };
  for (const [name, source] of Object.entries(GUESTS)) {
    it(`${name}: every mode stops where bare does, with nothing more printed`, () => {
      const expected = bare(source);
      expect(expected.status).toBe('faulted');
      for (const mode of VMM_MODES) {
        const { report } = traced(source, mode);
        expect({ status: report.status, instructions: report.instructions, console: report.console }, mode).toEqual({ status: 'faulted', instructions: expected.instructions, console: expected.console });
      }
    });
  }
});

describe('switches between guests are counted, shown and traced', () => {
  const LOOP = `
    start:  li r2, 30000
    .a:     subi r2, r2, 1
            cmpi r2, 0
            bne .a
            hlt`;
  for (const mode of VMM_MODES) {
    it(`${mode}: a guest-switch note each time the CPU passes to another guest, charged to the guest that gets it`, () => {
      const probe = recorder();
      const image = assembleText(`${PLATFORM}\n${LOOP}`);
      const { reports } = runHv([{ name: 'a', image }, { name: 'b', image }], mode, { quantum: 10_000 }, probe);
      const switches = probe.records.filter((r) => r.reason === 'guest-switch');
      expect(switches.length).toBeGreaterThan(4);
      for (const s of switches) expect(s.kind).toBe('note');
      for (const g of reports) expect(g.notes!['guest-switch'], g.name).toBe(switches.filter((s) => s.guest === g.name).length);
      // the guests alternate: every switch names the guest that got the CPU, and the other one before it
      const holders = probe.records.filter((r) => r.reason === 'guest-switch').map((r: ExitRecord) => r.guest);
      holders.forEach((h, i) => i > 0 && expect(h).not.toBe(holders[i - 1]));
    });
  }
});

describe('the guest\'s own TLB figures follow its architecture; the VMM\'s are reported apart', () => {
  // Paging on with one identity-mapped table; then the same ptbr written again and again
  // (each write flushes an untagged TLB), a tlbflush and invlpgs.
  const TLB = `
    start:  la r1, table
            li r2, 0x10000
            call identity_map
            la r1, dir
            la r2, table
            ori r2, r2, PTE_V | PTE_W
            stw r2, [r1]
            la r1, dir
            ori r1, r1, PTBR_PAGING
            mtcr ptbr, r1
            li r4, 10
    .again: mtcr ptbr, r1
            invlpg r4
            subi r4, r4, 1
            cmpi r4, 0
            bne .again
            tlbflush
            hlt
            .include "../attack/lib.s"
            .align 4096
    dir:    .space 4096
    table:  .space 4096`;
  for (const mode of VMM_MODES) {
    for (const tlbTagged of [false, true]) {
      it(`${mode}${tlbTagged ? ', tagged TLB' : ''}: flushes and invalidations as on bare; the VMM's apart`, () => {
        const { report } = traced(TLB, mode, { tlbTagged });
        const want = bare(TLB, { tlbTagged });
        expect(want.tlb.flushes).toBe(tlbTagged ? 1 : 12);
        expect(want.tlb.invalidations).toBe(10);
        expect(report.tlb.flushes).toBe(want.tlb.flushes);
        expect(report.tlb.invalidations).toBe(want.tlb.invalidations);
        expect(report.tlb.vmmFlushes).toBeGreaterThanOrEqual(0);
        // The VMM's shadow fills invalidate; nested paging has no shadow (and VPID, no flush).
        if (mode === 'hw') expect([report.tlb.vmmFlushes, report.tlb.vmmInvalidations]).toEqual([0, 0]);
        else expect(report.tlb.vmmInvalidations).toBeGreaterThan(0);
      });
    }
  }
});

describe('one vocabulary: the summary says each figure in the words of its --json key', () => {
  it('every TLB figure of the summary is a key of the report, and the other way round', async () => {
    const { formatSummary, TLB_LINE, VMM_TLB_LINE, wordsOf } = await import('../../src/report/summary.js');
    const { Chalk } = await import('chalk');
    const { reports } = runHv([{ name: 'guest', image: assembleText(`${PLATFORM}\nstart: hlt`) }], VMM_MODES[0]!, {});
    const g = reports[0]!;
    const keys = Object.keys(g.tlb).filter((k) => k !== 'lookups');
    expect([...TLB_LINE, ...VMM_TLB_LINE].sort()).toEqual(keys.sort());
    const text = formatSummary({ mode: VMM_MODES[0]!, guests: [g] }, new Chalk({ level: 0 }));
    const [tlb, vmm] = text.split('\n').filter((l) => /^ {2}(vmm )?tlb /.test(l));
    for (const k of TLB_LINE) expect(tlb).toContain(`  ${wordsOf(k)} ${g.tlb[k]}`);
    expect(vmm).toBe(`  vmm tlb      flushes ${g.tlb.vmmFlushes}  invalidations ${g.tlb.vmmInvalidations}`);
    expect(wordsOf('walkReferences')).toBe('walk references');
  });
  it('an overhead of thousands is grouped as the counts are, its decimals as --json rounds them', async () => {
    const { formatSummary } = await import('../../src/report/summary.js');
    const { Chalk } = await import('chalk');
    const { reports } = runHv([{ name: 'guest', image: assembleText(`${PLATFORM}\nstart: hlt`) }], VMM_MODES[0]!, {});
    const line = (overhead: number) => formatSummary({ mode: VMM_MODES[0]!, guests: [{ ...reports[0]!, overhead }] }, new Chalk({ level: 0 })).split('\n')[1];
    expect(line(153877.345)).toMatch(/ overhead 153,877\.35x bare$/);
    expect(line(1000)).toMatch(/ overhead 1,000\.00x bare$/);
    expect(line(999.999)).toMatch(/ overhead 1,000\.00x bare$/);
    expect(line(4.62)).toMatch(/ overhead 4\.62x bare$/);
  });
});

describe('guest time stays exact: a clock that would pass the bound stops the guest, in every mode alike', () => {
  // A timer of the longest period (2^32 - 1 ticks) and a hlt in a loop: each wait skips a
  // whole period. Under a bound of 2^40 ticks that is 256 periods; the default is 2^53.
  const SLEEPER = `
    start:  la r1, handler
            mtcr tvec, r1
            li r1, 0xfffffffe
            out PIC_MASK, r1
            li r1, -1
            out TIMER_PERIOD, r1
    .sleep: sti
            hlt
            jmp .sleep
    handler: movi r1, 0                ; line 0: the timer
            out PIC_ACK, r1
            rfe`;
  const bounds = { ticks: 2 ** 40 };
  it('bare: stopped with status limit before its clock passes the bound', () => {
    const r = bare(SLEEPER, { bounds });
    expect(r.status).toBe('limit');
    expect(r.reason).toBe('guest time limit: the next device event would take the clock past 1,099,511,627,776 ticks');
    expect(r.ticks).toBeLessThanOrEqual(2 ** 40);
    expect(r.traps['irq0']).toBe(256); // 2^40 / (2^32 - 1) periods, just over 256
  });
  for (const mode of VMM_MODES) {
    it(`${mode}: the same end at the same tick`, () => {
      const want = bare(SLEEPER, { bounds });
      const { report } = traced(SLEEPER, mode, { bounds });
      expect({ status: report.status, reason: report.reason, ticks: report.ticks, instructions: report.instructions }).toEqual({ status: want.status, reason: want.reason, ticks: want.ticks, instructions: want.instructions });
    });
  }
});
