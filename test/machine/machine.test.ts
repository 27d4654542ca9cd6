// The machine's run loop: interrupts (taken only with IE set and the line unmasked, saved pc
// = the next instruction), idling in hlt, deadlock, the instruction limit, determinism, devices
// reached through in/out, and loading images.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CR, FLAG, INTERRUPT_BASE, LR, MACHINE_ID, SP } from '../../src/isa/arch.js';
import { INSTRUCTIONS } from '../../src/isa/table.js';
import { DISK_LATENCY } from '../../src/machine/devices/disk.js';
import { LoadError } from '../../src/machine/load.js';
import { MAX_SLICE } from '../../src/machine/machine.js';
import { CONSOLE_REG, DISK_COMMAND, DISK_REG, DISK_STATUS, IRQ, PIC_REG, PORT_BASE, SECTOR_SIZE, TIMER_REG } from '../../src/machine/platform.js';
import { imageOf, makeMachine, Program, run } from './helpers.js';

const PIC_MASK = PORT_BASE.pic + PIC_REG.MASK;
const PIC_ACK = PORT_BASE.pic + PIC_REG.ACK;
const TIMER_PERIOD = PORT_BASE.timer + TIMER_REG.PERIOD;
const TIMER_IRQ = INTERRUPT_BASE + IRQ.timer;

/** Unmask `lines`, start the timer with `period` (four instructions; the timer starts at tick 4). */
function timerSetup(period: number, unmask: number[] = [IRQ.timer]): Program {
  const mask = ~unmask.reduce((m: number, l) => m | (1 << l), 0);
  return new Program().i('movi', 1, mask).i('out', PIC_MASK, 1).li(1, period).i('out', TIMER_PERIOD, 1);
}

describe('interrupts', () => {
  it('a timer interrupt arrives at the exact tick, with spc = the next instruction', () => {
    const p = timerSetup(10).i('sti').label('loop').i('addi', 2, 2, 1).label('jmp').i('jmp', 'loop');
    const r = run(p);
    // period written at tick 4: interrupt after tick 14 = sti + 9 instructions of the loop
    expect(r.end.status).toBe('halted');
    expect(r.cr[CR.CAUSE]).toBe(TIMER_IRQ);
    expect(r.cr[CR.SPC]).toBe(p.addr('jmp'));
    expect(r.cr[CR.SFLAGS]).toBe(FLAG.S | FLAG.IE);
    expect(r.cr[CR.FADDR]).toBe(0);
    expect(r.regs[2]).toBe(5);
    expect(r.machine.cpu.instructions).toBe(15);
    expect(r.machine.traps.get(TIMER_IRQ)).toBe(1);
    expect(r.machine.pic.raised[IRQ.timer]).toBe(1);
  });

  it('with IE clear the line stays pending and is not taken', () => {
    const p = timerSetup(10).label('loop').i('addi', 2, 2, 1).i('cmpi', 2, 20).i('bne', 'loop').i('hlt');
    const r = run(p);
    expect(r.end.status).toBe('halted');
    expect(r.machine.traps.size).toBe(0);
    expect(r.regs[2]).toBe(20);
    expect(r.machine.pic.pending & 1).toBe(1);
    expect(r.machine.pic.raised[IRQ.timer]).toBe(6); // ticks 14, 24, ..., 64
  });

  it('with the line masked it is not taken either', () => {
    const p = timerSetup(10, []).i('sti').label('loop').i('addi', 2, 2, 1).i('cmpi', 2, 20).i('bne', 'loop').i('cli').i('hlt');
    const r = run(p);
    expect(r.end.status).toBe('halted');
    expect(r.machine.traps.size).toBe(0);
    expect(r.machine.pic.pending & 1).toBe(1);
  });

  it('an interrupt pending while IE was clear is taken right after sti', () => {
    const p = timerSetup(10).label('loop').i('addi', 2, 2, 1).i('cmpi', 2, 20).i('bne', 'loop').i('sti').label('after').i('movi', 3, 3);
    const r = run(p);
    expect(r.cr[CR.CAUSE]).toBe(TIMER_IRQ);
    expect(r.cr[CR.SPC]).toBe(p.addr('after'));
    expect(r.regs[3]).toBe(0);
  });

  it('an interrupt pending while masked is taken right after the out that unmasks it', () => {
    const p = timerSetup(10, [])
      .i('sti')
      .label('loop')
      .i('addi', 2, 2, 1)
      .i('cmpi', 2, 20)
      .i('bne', 'loop')
      .i('movi', 1, ~1)
      .i('out', PIC_MASK, 1)
      .label('after')
      .i('movi', 3, 3);
    const r = run(p);
    expect(r.cr[CR.CAUSE]).toBe(TIMER_IRQ);
    expect(r.cr[CR.SPC]).toBe(p.addr('after'));
    expect(r.regs[3]).toBe(0);
  });

  it('a handler that ACKs and returns gets one interrupt per period', () => {
    const handler = new Program(0x3000).i('addi', 9, 9, 1).i('movi', 8, IRQ.timer).i('out', PIC_ACK, 8).i('rfe');
    const p = timerSetup(100).i('sti').label('loop').i('addi', 2, 2, 1).i('cmpi', 2, 500).i('bne', 'loop').i('cli').i('hlt');
    const r = run(p, { handler: false, extra: [handler], before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
    expect(r.end.status).toBe('halted');
    // due at ticks 104, 204, ... and taken while IE is set (up to the tick before cli's);
    // the loop's 1500 instructions plus the handler's 4 per interrupt make 15 of them
    const ticks = r.machine.cpu.instructions;
    expect(r.regs[9]).toBe(15);
    expect(ticks).toBe(5 + 1500 + 2 + 4 * 15);
    expect(r.machine.pic.pending).toBe(0);
  });

  it('the lowest pending unmasked line goes first', () => {
    const p = new Program()
      .i('movi', 1, 0)
      .i('out', PIC_MASK, 1)
      .i('movi', 1, 1)
      .i('out', PORT_BASE.console + CONSOLE_REG.CTRL, 1) // input ready: console line now
      .i('movi', 1, 1)
      .i('out', TIMER_PERIOD, 1) // timer line after the next tick
      .i('addi', 0, 0, 0)
      .i('sti');
    const r = run(p, { input: new Uint8Array([0x41]) });
    expect(r.machine.pic.pending).toBe((1 << IRQ.timer) | (1 << IRQ.console));
    expect(r.cr[CR.CAUSE]).toBe(TIMER_IRQ);
  });

  it('console input interrupts when CTRL bit 0 is set; the handler reads the byte', () => {
    const handler = new Program(0x3000).i('in', 5, PORT_BASE.console + CONSOLE_REG.DATA).i('hlt');
    const p = new Program()
      .i('movi', 1, ~(1 << IRQ.console))
      .i('out', PIC_MASK, 1)
      .i('movi', 1, 1)
      .i('out', PORT_BASE.console + CONSOLE_REG.CTRL, 1)
      .i('sti')
      .label('after')
      .i('hlt');
    const r = run(p, { handler: false, extra: [handler], input: new Uint8Array([0x41]), before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
    expect(r.cr[CR.CAUSE]).toBe(INTERRUPT_BASE + IRQ.console);
    expect(r.cr[CR.SPC]).toBe(p.addr('after'));
    expect(r.regs[5]).toBe(0x41);
  });
});

describe('hlt', () => {
  it('with IE set idles to the next device event: ticks advance, instructions do not', () => {
    const p = timerSetup(100).i('sti').i('hlt').label('after').i('movi', 3, 3);
    const r = run(p);
    // timer due at tick 104; hlt retired at tick 6
    expect(r.end.status).toBe('halted');
    expect(r.cr[CR.CAUSE]).toBe(TIMER_IRQ);
    expect(r.cr[CR.SPC]).toBe(p.addr('after'));
    expect(r.machine.idleTicks).toBe(98);
    expect(r.machine.cpu.instructions).toBe(7);
    expect(r.machine.now).toBe(105);
    expect(r.regs[3]).toBe(0);
  });

  it('a disk transfer completes while the CPU is halted; the interrupt wakes it', () => {
    const image = Uint8Array.from({ length: 2 * SECTOR_SIZE }, (_, i) => (i * 13) & 0xff);
    const out = (reg: number, value: number, p: Program) => p.li(1, value).i('out', PORT_BASE.disk + reg, 1);
    const p = new Program().i('movi', 1, ~(1 << IRQ.disk)).i('out', PIC_MASK, 1);
    out(DISK_REG.SECTOR, 1, p);
    out(DISK_REG.ADDRESS, 0x4000, p);
    out(DISK_REG.COUNT, 1, p);
    out(DISK_REG.COMMAND, DISK_COMMAND.READ, p); // tick 10
    p.i('sti').i('hlt');
    const handler = new Program(0x3000).i('in', 5, PORT_BASE.disk + DISK_REG.STATUS).i('hlt');
    const r = run(p, { disk: image, handler: false, extra: [handler], before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
    expect(r.end.status).toBe('halted');
    expect(r.cr[CR.CAUSE]).toBe(INTERRUPT_BASE + IRQ.disk);
    expect(r.regs[5]).toBe(DISK_STATUS.OK);
    expect(r.machine.idleTicks).toBe(10 + DISK_LATENCY.base + DISK_LATENCY.perSector - 12);
    expect(r.machine.processor.memory.bytes.slice(0x4000, 0x4000 + SECTOR_SIZE)).toEqual(image.slice(SECTOR_SIZE));
  });

  it('with IE set and no device event to come: faulted, deadlock', () => {
    const r = run(new Program().i('sti').i('hlt'));
    expect(r.end.status).toBe('faulted');
    expect(r.end.reason).toMatch(/deadlock/);
    expect(r.end.pc).toBe(0x1004);
  });

  it('with IE clear the run ends halted even with a device event to come', () => {
    const r = run(timerSetup(10, []).i('hlt'));
    expect(r.end.status).toBe('halted');
    expect(r.machine.idleTicks).toBe(0);
  });
});

describe('the instruction limit', () => {
  it('ends the run with status limit after exactly that many instructions', () => {
    const p = new Program().label('l').i('addi', 1, 1, 1).i('jmp', 'l');
    const r = run(p, { limit: 1001 });
    expect(r.end.status).toBe('limit');
    expect(r.end.reason).toMatch(/1001/);
    expect(r.machine.cpu.instructions).toBe(1001);
    expect(r.regs[1]).toBe(501);
    expect(r.end.pc).toBe(0x1004);
  });

  it('holds across slices, device events and traps', () => {
    const handler = new Program(0x3000).i('movi', 8, IRQ.timer).i('out', PIC_ACK, 8).i('rfe');
    const p = timerSetup(7).i('sti').label('l').i('sys').i('jmp', 'l');
    const r = run(p, { handler: false, extra: [handler], limit: 5000, before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
    expect(r.end.status).toBe('limit');
    expect(r.machine.cpu.instructions).toBe(5000);
  });

  it('a run longer than one slice goes on', () => {
    const p = new Program().label('l').i('jmp', 'l');
    const r = run(p, { limit: MAX_SLICE * 2 + 3 });
    expect(r.end.status).toBe('limit');
    expect(r.machine.cpu.instructions).toBe(MAX_SLICE * 2 + 3);
  });
});

describe('determinism', () => {
  it('two runs of the same program give identical state, counts and cycles', () => {
    const handler = new Program(0x3000)
      .i('addi', 9, 9, 1)
      .i('movi', 8, IRQ.timer)
      .i('out', PIC_ACK, 8)
      .i('cmpi', 9, 25)
      .i('beq', 'done')
      .i('rfe')
      .label('done')
      .i('hlt');
    const p = timerSetup(37)
      .i('sti')
      .label('loop')
      .i('addi', 2, 2, 1)
      .i('muli', 3, 2, 7)
      .i('stw', 3, { base: 4, offset: 0 })
      .i('out', PORT_BASE.console + CONSOLE_REG.DATA, 2)
      .i('andi', 5, 2, 3)
      .i('cmpi', 5, 0)
      .i('bne', 'loop')
      .i('hlt')
      .i('jmp', 'loop');
    const once = () => {
      const r = run(p, { handler: false, extra: [handler], regs: { 4: 0x5000 }, before: (m) => (m.cpu.cr[CR.TVEC] = 0x3000) });
      const m = r.machine;
      return {
        end: r.end,
        regs: [...r.regs],
        cr: [...r.cr],
        instructions: m.cpu.instructions,
        cycles: m.cycles,
        idle: m.idleTicks,
        now: m.now,
        traps: [...m.traps],
        output: r.output,
        memory: Buffer.from(m.processor.memory.bytes).toString('base64'),
      };
    };
    const a = once();
    const b = once();
    expect(a.end.status).toBe('halted');
    expect(a.regs[9]).toBe(25);
    expect(a.idle).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });
});

describe('Machine.load', () => {
  it('resets pc to the entry, sp to the top of memory, supervisor mode with IE clear, mid', () => {
    const { machine } = makeMachine({ memoryBytes: 0x8000 });
    machine.cpu.flags = FLAG.IE;
    machine.load(imageOf([new Program(0x2000).i('hlt')], 0x2000));
    expect(machine.cpu.pc).toBe(0x2000);
    expect(machine.cpu.regs[SP]).toBe(0x8000);
    expect(machine.cpu.regs[LR]).toBe(0);
    expect(machine.cpu.flags).toBe(FLAG.S);
    expect(machine.cpu.cr[CR.MID]).toBe(MACHINE_ID);
    expect(machine.processor.memory.read32(0x2000) >>> 24).toBe(0x53);
  });

  it('rejects an image that does not fit in memory', () => {
    const { machine } = makeMachine({ memoryBytes: 0x8000 });
    expect(() => machine.load(imageOf([new Program(0x7ffc).i('hlt').i('hlt')], 0x7ffc))).toThrow(LoadError);
    expect(() => machine.load(imageOf([new Program(0x7ffc).i('hlt')], 0x7ffc))).not.toThrow();
  });
});

describe('ISA coverage of these tests', () => {
  it('every instruction of the table is exercised by some test in test/machine', () => {
    const dir = dirname(fileURLToPath(import.meta.url));
    const text = readdirSync(dir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
    const missing = INSTRUCTIONS.map((s) => s.mnemonic).filter((mn) => !new RegExp(`'${mn}'|^\\s*${mn}:`, 'm').test(text));
    expect(missing).toEqual([]);
  });
});
