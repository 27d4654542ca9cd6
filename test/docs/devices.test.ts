// docs/devices.md must give every port, register, value and line of the platform, and its
// examples must run as it shows.
import { describe, expect, it } from 'vitest';
import { INTERRUPT_BASE } from '../../src/isa/arch.js';
import { DISK_LATENCY } from '../../src/machine/devices/disk.js';
import { createDevices } from '../../src/machine/devices/index.js';
import {
  CONSOLE_REG,
  CONSOLE_STATUS,
  DISK_COMMAND,
  DISK_REG,
  DISK_STATUS,
  IRQ,
  PIC_REG,
  PORT_BASE,
  SECTOR_SIZE,
  TIMER_REG,
} from '../../src/machine/platform.js';
import { asmBlocks, codeBlocks, readDoc, runExample, tableRows } from './helpers.js';

const doc = readDoc('devices.md');
const rows = tableRows(doc);
const hex = (n: number) => '0x' + n.toString(16).padStart(2, '0');

const REGISTERS: Record<keyof typeof PORT_BASE, [string, Record<string, number>]> = {
  console: ['CONSOLE', CONSOLE_REG],
  timer: ['TIMER', TIMER_REG],
  disk: ['DISK', DISK_REG],
  pic: ['PIC', PIC_REG],
};

describe('docs/devices.md', () => {
  it('gives every register its port, offset and platform.inc name', () => {
    for (const [device, base] of Object.entries(PORT_BASE) as [keyof typeof PORT_BASE, number][]) {
      const [prefix, regs] = REGISTERS[device];
      for (const [reg, offset] of Object.entries(regs)) {
        const row = rows.find((r) => r[0] === `\`${hex(base + offset)}\``);
        expect(row, `${prefix}_${reg} at port ${hex(base + offset)}`).toBeDefined();
        expect(row![1], `${prefix}_${reg} offset`).toBe(`+${offset}`);
        expect(row![2], `${prefix}_${reg} name`).toBe(`\`${prefix}_${reg}\``);
      }
    }
  });

  it('gives every device its port range, interrupt line and trap cause', () => {
    const devices = createDevices({ putByte() {} }, { size: 0, write() {}, read: () => new Uint8Array(0) });
    for (const { base, device } of devices.bus.devices) {
      const row = rows.find((r) => r[2] === `\`${hex(base)}\``);
      expect(row, `platform row of ${device.name}`).toBeDefined();
      expect(row![0]).toContain(device.name);
      expect(row![1]).toBe(`\`[${hex(base)}, ${hex(base + device.ports)})\``);
      expect(row![3]).toBe(String(device.ports));
      const irq = (IRQ as Record<string, number>)[device.name];
      if (irq !== undefined) {
        expect(row![4], `${device.name} line`).toBe(String(irq));
        expect(row![5], `${device.name} cause`).toBe(String(INTERRUPT_BASE + irq));
      }
    }
  });

  it('gives every disk status, disk command and console status value', () => {
    for (const [name, value] of Object.entries(DISK_STATUS)) {
      expect(rows.some((r) => r[0] === String(value) && r[1] === `\`DISK_${name}\``), `DISK_${name} = ${value}`).toBe(true);
    }
    for (const [name, value] of Object.entries(DISK_COMMAND)) expect(doc).toContain(`\`DISK_CMD_${name}\` (${value})`);
    for (const [name, value] of Object.entries(CONSOLE_STATUS)) expect(doc).toContain(`\`CONSOLE_${name}\` (${value})`);
    expect(doc).toContain(`${SECTOR_SIZE}-byte sectors`);
    expect(doc).toContain(`${DISK_LATENCY.base} + ${DISK_LATENCY.perSector} × min(COUNT, 65536) ticks`);
  });

  it('has examples that print what it shows', () => {
    // Each `$ vmm run --mode bare NAME.s ... -q` line of a console block is followed by the
    // output; inputs come from the `$ printf '...' > FILE` lines before it.
    const examples = new Map(asmBlocks(doc).map((b) => [/^; (\S+\.s)/.exec(b.text)?.[1], b.text]));
    const files = new Map<string, string>();
    let checked = 0;
    for (const block of codeBlocks(doc).filter((b) => b.lang === 'console')) {
      const lines = block.text.trimEnd().split('\n');
      for (let i = 0; i < lines.length; i++) {
        const printf = /^\$ printf '(.*)' > (\S+)$/.exec(lines[i]!);
        if (printf) files.set(printf[2]!, printf[1]!.replace(/\\n/g, '\n'));
        const run = /^\$ vmm run --mode bare (\S+\.s)(.*) -q$/.exec(lines[i]!);
        if (!run) continue;
        const source = examples.get(run[1]!);
        expect(source, `example ${run[1]}`).toBeDefined();
        const input = /--input (\S+)/.exec(run[2]!)?.[1];
        const disk = /--disk (\S+)/.exec(run[2]!)?.[1];
        const expected: string[] = [];
        for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('$ '); j++) expected.push(lines[j]!);
        const report = runExample(source!, { input: input && files.get(input), disk: disk && files.get(disk) });
        expect(report.status, `${run[1]}: ${report.reason}`).toBe('halted');
        expect(report.console.trimEnd(), lines[i]).toBe(expected.join('\n').trimEnd());
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('states the timing of ticks.s', () => {
    const ticks = asmBlocks(doc).find((b) => b.text.startsWith('; ticks.s'))!;
    const report = runExample(ticks.text);
    expect(doc).toContain(`the run ends at tick ${report.ticks} after ${report.instructions} instructions`);
  });

  it('runs every example to a halt (with some input and a disk)', () => {
    for (const b of asmBlocks(doc)) {
      const report = runExample(b.text, { input: 'abc\n', disk: 'hello\n' });
      expect(report.status, `${b.text.split('\n')[0]}: ${report.reason}`).toBe('halted');
    }
  });
});
