// Register and control-register names (case-insensitive), as the assembler reads them and
// the image loader checks symbol names against them.

import { CONTROL_REGISTERS, REGISTER_ALIASES, REGISTER_COUNT } from './arch.js';

const REGISTERS: ReadonlyMap<string, number> = new Map([
  ...Array.from({ length: REGISTER_COUNT }, (_, i) => [`r${i}`, i] as const),
  ...Object.entries(REGISTER_ALIASES),
]);

const CONTROL: ReadonlyMap<string, number> = new Map(CONTROL_REGISTERS.map((c, i) => [c.name, i]));

/** The number of register `name` (r0..r15, sp, lr, any case), or undefined. */
export function registerNumber(name: string): number | undefined {
  return REGISTERS.get(name) ?? REGISTERS.get(name.toLowerCase());
}

export function isRegisterName(name: string): boolean {
  return registerNumber(name) !== undefined;
}

/** The index of control register `name` (any case), or undefined. */
export function controlRegisterNumber(name: string): number | undefined {
  return CONTROL.get(name.toLowerCase());
}
