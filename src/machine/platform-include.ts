// The text of guests/include/platform.inc: the platform's and the ISA's numbers as .equ
// lines for assembly programs. A test checks the committed file equals this text.

import { CAUSES, CONTROL_REGISTERS, FLAG, INTERRUPT_BASE, PTE, PTBR_PAGING } from '../isa/arch.js';
import { CONSOLE_REG, CONSOLE_STATUS, DISK_COMMAND, DISK_REG, DISK_STATUS, IRQ, MMIO_BASE, PIC_REG, PORT_BASE, SECTOR_SIZE, TIMER_REG } from './platform.js';

export function platformInclude(): string {
  const lines = ['; TOY32 platform constants. Generated from src/isa/arch.ts and src/machine/platform.ts;', '; a test keeps this file equal to them (see docs/devices.md).', ''];
  const equ = (name: string, value: number) => lines.push(`.equ ${name}, ${value < 10 ? value : '0x' + value.toString(16)}`);
  const ports = (prefix: string, base: number, regs: Record<string, number>) => {
    for (const [reg, off] of Object.entries(regs)) equ(`${prefix}_${reg}`, base + off);
  };
  lines.push('; I/O ports');
  ports('CONSOLE', PORT_BASE.console, CONSOLE_REG);
  ports('TIMER', PORT_BASE.timer, TIMER_REG);
  ports('DISK', PORT_BASE.disk, DISK_REG);
  ports('PIC', PORT_BASE.pic, PIC_REG);
  lines.push('', '; the memory-mapped device: the console\'s registers, a word each');
  equ('MMIO_BASE', MMIO_BASE);
  for (const [reg, off] of Object.entries(CONSOLE_REG)) equ(`MMIO_CONSOLE_${reg}`, MMIO_BASE + off * 4);
  lines.push('', '; device values');
  for (const [k, v] of Object.entries(CONSOLE_STATUS)) equ(`CONSOLE_${k}`, v);
  for (const [k, v] of Object.entries(DISK_COMMAND)) equ(`DISK_CMD_${k}`, v);
  for (const [k, v] of Object.entries(DISK_STATUS)) equ(`DISK_${k}`, v);
  equ('SECTOR_SIZE', SECTOR_SIZE);
  lines.push('', '; interrupt lines, and the trap cause of each');
  for (const [k, v] of Object.entries(IRQ)) equ(`IRQ_${k.toUpperCase()}`, v);
  equ('CAUSE_IRQ_BASE', INTERRUPT_BASE);
  lines.push('', '; trap causes');
  for (const c of CAUSES) equ(`CAUSE_${c.name.toUpperCase().replace('-', '_')}`, c.code);
  lines.push('', '; FLAGS bits');
  for (const [k, v] of Object.entries(FLAG)) equ(`FLAG_${k}`, v);
  lines.push('', '; page-table entries and ptbr');
  for (const [k, v] of Object.entries(PTE)) equ(`PTE_${k}`, v);
  equ('PTBR_PAGING', PTBR_PAGING);
  equ('PAGE_SIZE', 4096);
  lines.push('', '; control register numbers (the names work in mfcr/mtcr too)');
  CONTROL_REGISTERS.forEach((c, i) => equ(`CR_${c.name.toUpperCase()}`, i));
  return lines.join('\n') + '\n';
}
