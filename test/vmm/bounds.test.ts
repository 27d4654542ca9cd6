// The VMM's own memory is bounded whatever a guest does (docs/cli.md, "Bounds"): here the
// binary translations of full mode, shadow page tables, console output kept for --json and
// descriptions of traced instructions; and a halted guest's wall time (the watchdog).
// (Address-space ids: asids.test.ts and
// isolation.test.ts; guest time: fidelity.test.ts; compiled code: test/machine/code-cache.test.ts;
// shadow bookkeeping: isolation.test.ts, shadow-churn; host memory and files: test/cli/run.test.ts.)

import { describe, expect, it } from 'vitest';
import type { SoftwareVirtualizer } from '../../src/vmm/modes/software/virtualizer.js';
import { GuestConsole } from '../../src/cli/guest-console.js';
import { KEPT_CONSOLE_LIMIT } from '../../src/report/guest-report.js';
import type { Writer } from '../../src/trace/writer.js';
import { assembleText, bareState, recorder, run } from '../support/guests.js';
import { runHv, vmState } from './helpers.js';
import { REASON } from '../../src/vmm/exits.js';
import { DEFAULT_ASSIST } from '../../src/vmm/modes/mode.js';

/** Kernel code spread over `pages` pages, each calling the next, 30 rounds. */
function spread(pages: number): string {
  const lines = ['start:  li r6, 30', '.round: call p1', '        subi r6, r6, 1', '        cmpi r6, 0', '        bne .round', '        hlt'];
  for (let p = 1; p <= pages; p++) {
    lines.push(`        .org 0x${(p * 4096).toString(16)}`, `p${p}:    addi r1, r1, ${p}`);
    lines.push(p < pages ? `        subi sp, sp, 4\n        stw lr, [sp]\n        call p${p + 1}\n        ldw lr, [sp]\n        addi sp, sp, 4\n        ret` : '        ret');
  }
  return lines.join('\n');
}

describe('binary translations are bounded', () => {
  it('kernel code over 6 pages with room for 2 translated pages: the oldest are forgotten and retranslated, the results as on bare', () => {
    const image = assembleText(spread(6));
    const want = run([{ name: 'g', image }], 'bare')[0]!;
    const { vms, reports } = runHv([{ name: 'g', image }], 'full', { bounds: { translatedPages: 2 } });
    expect(reports[0]!.instructions).toBe(want.instructions);
    expect(vms[0]!.vcpu.regs[1]).toBe(30 * 21);
    const translator = ((vms[0]!.virtualizer as SoftwareVirtualizer).extension as unknown as { translator: { pageCount: number; evictions: number } }).translator;
    expect(translator.pageCount).toBeLessThanOrEqual(2);
    expect(translator.evictions).toBeGreaterThan(100);
  });
});

// Paging kernels for the shadow page-table bounds: `table` maps the low 128 KiB one to one
// (identity_map of guests/attack/lib.s).

/** 12 page directories, each mapping the low memory through \`table\`; 40 rounds switch
 *  ptbr through all of them and load through each. */
const MANY_ROOTS = `.include "../include/paravirt.inc"
    start:  la r1, table
            li r2, 0x20000
            call identity_map
            la r2, table
            ori r2, r2, PTE_V | PTE_W
            la r1, dirs
            li r5, 12
    .mk:    stw r2, [r1]
            addi r1, r1, PAGE_SIZE
            subi r5, r5, 1
            cmpi r5, 0
            bne .mk
            li r6, 40
    .round: la r1, dirs
            li r5, 12
    .sw:    ori r3, r1, PTBR_PAGING
            mtcr ptbr, r3
            ldw r4, [r1]
            add r0, r0, r4
            addi r1, r1, PAGE_SIZE
            subi r5, r5, 1
            cmpi r5, 0
            bne .sw
            subi r6, r6, 1
            cmpi r6, 0
            bne .round
            hlt
.include "../attack/lib.s"
            .align 4096
    table:  .space 4096
    dirs:   .space 12 * 4096`;

/** One directory whose 120 entries all point to \`table\`: every 4 MiB region shows the low
 *  memory, and loads through 120 regions need 120 shadow tables, more than the pool. */
const MANY_TABLES = `.include "../include/paravirt.inc"
    start:  la r1, table
            li r2, 0x20000
            call identity_map
            la r2, table
            ori r2, r2, PTE_V | PTE_W
            la r1, dir
            li r5, 120
    .mk:    stw r2, [r1]
            addi r1, r1, 4
            subi r5, r5, 1
            cmpi r5, 0
            bne .mk
            la r1, dir
            ori r1, r1, PTBR_PAGING
            mtcr ptbr, r1
            li r6, 3
    .round: la r1, value
            li r5, 120
    .touch: ldw r4, [r1]
            add r0, r0, r4
            li r7, 0x400000
            add r1, r1, r7
            subi r5, r5, 1
            cmpi r5, 0
            bne .touch
            subi r6, r6, 1
            cmpi r6, 0
            bne .round
            hlt
.include "../attack/lib.s"
    value:  .word 7
            .align 4096
    table:  .space 4096
    dir:    .space 4096`;

interface ShadowInternals {
  roots: Map<string, unknown>;
  stats: { rootsBuilt: number; zapped: number };
}

describe('shadow page tables are bounded (trap and full)', () => {
  for (const mode of ['trap', 'full'] as const) {
    it(`${mode}: 12 address spaces in turn keep at most 8 shadow roots; the results as on bare`, () => {
      const image = assembleText(MANY_ROOTS);
      const { end, cycles, tlb, blocks, regions, ...want } = bareState(image);
      const { vms, reports } = runHv([{ name: 'g', image }], mode, {});
      expect(reports[0]!.status).toBe(end.status);
      expect(vmState(vms[0]!)).toEqual(want);
      const shadow = (vms[0]!.virtualizer as SoftwareVirtualizer).memory as unknown as ShadowInternals;
      expect(shadow.roots.size).toBeLessThanOrEqual(8);
      expect(shadow.stats.rootsBuilt).toBeGreaterThan(12 * 30); // given up and built again
    });

    it(`${mode}: 120 page tables in one address space through a pool of 96 frames; the results as on bare`, () => {
      const image = assembleText(MANY_TABLES);
      const { end, cycles, tlb, blocks, regions, ...want } = bareState(image);
      const { vms, reports } = runHv([{ name: 'g', image }], mode, {});
      expect(reports[0]!.status).toBe(end.status);
      expect(vmState(vms[0]!)).toEqual(want);
      expect(want.regs[0]).toBe(3 * 120 * 7);
      const shadow = (vms[0]!.virtualizer as SoftwareVirtualizer).memory as unknown as ShadowInternals;
      expect(shadow.stats.zapped).toBeGreaterThan(0); // the active root's tables were given up
    });
  }
});

describe('console output kept for --json is bounded', () => {
  it('past 4 MiB the kept text stops with a line saying so; every byte still streams', () => {
    let streamed = 0;
    const console = new GuestConsole({ write: (b: string | Uint8Array) => void (streamed += b.length) } as Writer);
    const line = new TextEncoder().encode(`${'x'.repeat(1023)}\n`);
    for (let i = 0; i < 5 * 1024; i++) for (const b of line) console.putByte(b);
    console.finish();
    expect(streamed).toBe(5 * 1024 * 1024);
    const text = console.text();
    expect(text.length).toBeLessThanOrEqual(KEPT_CONSOLE_LIMIT + 100);
    expect(text.endsWith(`\n[vmm: console output beyond ${KEPT_CONSOLE_LIMIT} bytes not kept]`)).toBe(true);
    expect(text.startsWith(`${'x'.repeat(1023)}\n`)).toBe(true);
  });
});

describe('descriptions of traced instructions are bounded', () => {
  it('a trace over 5,000 distinct exit pcs keeps at most 4,096 descriptions, and describes each exit right', () => {
    const body = Array.from({ length: 5000 }, () => '        mfcr r1, ptbr').join('\n');
    const image = assembleText(`start:\n${body}\n        hlt`);
    const probe = recorder();
    const { vms } = runHv([{ name: 'g', image }], 'trap', {}, probe);
    expect(vms[0]!.describedPcs.size).toBeLessThanOrEqual(4096);
    const reads = probe.records.filter((r) => r.reason === 'cr-access');
    expect(reads.length).toBe(5000);
    reads.forEach((r, i) => expect([r.pc, r.insn, r.source?.split(':').pop()]).toEqual([4 * i, 'mfcr r1, ptbr', String(i + 2)]));
  });
});

describe('a halted guest is bounded in wall time', () => {
  it('one woken again and again by an interrupt it could take that is never delivered is stopped by the watchdog, in every VMM mode', () => {
    // A VMM defect that never delivers (here made by hand: the mode answers "none") would
    // otherwise idle to the end of guest time, 2^53 ticks, in wall time. (The clock is bounded
    // here at ten times what the watchdog takes, so that without it the test fails, not hangs.)
    const image = assembleText(`
      .include "../include/platform.inc"
      start:  la r1, handler
              mtcr tvec, r1
              li r1, ~(1 << IRQ_TIMER)
              out PIC_MASK, r1
              li r1, 10
              out TIMER_PERIOD, r1
              sti
              hlt
              hlt
      handler: hlt`);
    for (const mode of ['trap', 'full', 'hw']) {
      const { reports } = runHv([{ name: 'g', image }], mode, { bounds: { ticks: 100_000_000 } }, undefined, (hv) => {
        hv.vms[0]!.virtualizer.nextInterrupt = () => -1;
      });
      expect(reports[0]!.status, mode).toBe('killed');
      expect(reports[0]!.reason, mode).toBe('cannot make progress: halted, and woken 1,000,000 times by an interrupt it could take, which was never delivered');
    }
  });
});

describe("a guest's clock is bounded whether it runs or halts", () => {
  // A guest that spins, the timer due every tick: its clock reaches the bound while it runs.
  const spin = assembleText(`
      .include "../include/platform.inc"
      start:  movi r1, 1
              out TIMER_PERIOD, r1
      spin:   addi r9, r9, 1
              jmp spin`);
  const reason = 'guest time limit: the clock reached 5,000 ticks';

  it('a guest that runs to the bound stops there, with the reason, on the bare machine and in every VMM mode', () => {
    const bare = bareState(spin, { bounds: { ticks: 5000 } });
    expect(bare.end.status).toBe('limit');
    expect(bare.end.reason).toBe(reason);
    expect(bare.instructions).toBe(5000);
    for (const mode of ['trap', 'full', 'hw']) {
      const { reports } = runHv([{ name: 'g', image: spin }], mode, { bounds: { ticks: 5000 } });
      expect(reports[0]!.status, mode).toBe('limit');
      expect(reports[0]!.reason, mode).toBe(reason);
      expect(reports[0]!.instructions, mode).toBe(5000);
    }
  });

  it('at 2^53, where a tick more is the same number, a guest that halted its clock there and then runs stops instead of spinning for ever', () => {
    // 2,097,152 halts of 2^32 - 1 ticks each, one more to 20 ticks before 2^53, then a period
    // of one tick and a spin (IE off): past 2^53 the timer would be due for ever
    const image = assembleText(`
      .include "../include/platform.inc"
      start:  la   r1, handler
              mtcr tvec, r1
              li   r1, ~(1 << IRQ_TIMER)
              out  PIC_MASK, r1
              li   r5, 2097152
              movi r7, 0
              movi r0, 0
              movi r1, -1
              out  TIMER_PERIOD, r1
              sti
      loop:   hlt
              cmpi r5, 0
              bne  loop
              cli
              movi r7, 1
              movi r0, 0
              in   r1, TIMER_NOW
              sub  r2, r0, r1
              addi r2, r2, -23
              out  TIMER_PERIOD, r2
              sti
              hlt
              hlt
      handler: cmpi r7, 0
              bne  phase2
              out  PIC_ACK, r0
              addi r5, r5, -1
              rfe
      phase2: movi r1, 1
              out  TIMER_PERIOD, r1
      spin:   addi r9, r9, 1
              jmp  spin`);
    const r = bareState(image, { maxInstructions: 100_000_000 });
    expect(r.end.status).toBe('limit');
    expect(r.end.reason).toBe('guest time limit: the clock reached 9,007,199,254,740,992 ticks (2^53, beyond which ticks are not exact)');
    expect(r.regs[9]).toBeGreaterThan(0); // (it ran past the timer's last event, then stopped)
  });

  it('a halted guest wakes at the next event of an unmasked line: a long disk transfer under a masked timer of period 1 is one wake, not millions', () => {
    // With hlt exiting off (hw), each wake of the halted vCPU is an exit the VMM records.
    const image = assembleText(`
      .include "../include/platform.inc"
      start:  la   r1, handler
              mtcr tvec, r1
              li   r1, ~(1 << IRQ_DISK)
              out  PIC_MASK, r1
              movi r1, 1
              out  TIMER_PERIOD, r1
              li   r1, 0x10000
              out  DISK_COUNT, r1
              movi r1, DISK_CMD_READ
              out  DISK_COMMAND, r1
              sti
              hlt
              hlt
      handler: movi r9, 1
              hlt`);
    const { reports, vms } = runHv([{ name: 'g', image }], 'hw', { assist: { ...DEFAULT_ASSIST, noExitOn: ['hlt'] } });
    expect(reports[0]!.status).toBe('halted');
    expect(vms[0]!.vcpu.regs[9]).toBe(1); // (the disk's interrupt, 200 + 50 * 65536 ticks on)
    expect(vms[0]!.exits[REASON['external-interrupt'].index]).toBeLessThan(10);
  });
});
