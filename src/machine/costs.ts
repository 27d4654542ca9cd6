// The cost model: simulated cycles for instructions and for the events of a run. Defaults are
// round figures in the range of published measurements (see docs/cost-model.md for sources);
// `--cost-model FILE.json` overrides any of them. Cycles never decide guest-visible timing
// (devices count ticks), so a cost model changes figures, never behaviour.

import { INSTRUCTIONS, type CostGroup } from '../isa/table.js';
import { printable } from '../text/printable.js';

export interface EventCosts {
  /** Exception or syscall delivery to the kernel's trap vector (and its rfe). */
  trap: number;
  /** External interrupt delivery. */
  interrupt: number;
  /** One memory reference of a page walk (PDE/PTE read, A/D write-back). */
  walkReference: number;
  /** Software VMM: a hardware trap into the VMM and the return to the guest. */
  vmmTrap: number;
  /** Software VMM: emulating one privileged instruction on virtual state. */
  emulate: number;
  /** Software VMM: reflecting a trap or injecting an interrupt into the guest kernel. */
  reflect: number;
  /** Software VMM: a hidden page fault (shadow entry built from the guest's tables). */
  shadowFill: number;
  /** Software VMM: an emulated write to a write-protected guest page-table page. */
  pageTableWrite: number;
  /** Binary translation: a callout from translated code into the VMM. */
  callout: number;
  /** Binary translation: translating one guest instruction. */
  translate: number;
  /** Paravirtual hypercall round trip. */
  hypercall: number;
  /** Paravirtual: one operation of a hypercall beyond the call itself (a validated entry, a
   *  pin, a flush of a batch). */
  hypercallOp: number;
  /** Paravirtual: examining one page-table entry while a table is validated or dropped
   *  (pinning a directory, a new page table). */
  validateEntry: number;
  /** Hardware-assisted VM exit + VM entry round trip. */
  vmExit: number;
  /** Switching the physical CPU from one guest to another (a guest switch). */
  guestSwitch: number;
  /** Hosted: switching the CPU between the host OS's world and the VMM's, either way (every
   *  register, control register and the address space saved and loaded; the TLB flushed). */
  worldSwitch: number;
}

export interface CostModel {
  /** Cycles per opcode, 256 entries (opcodes that do not decode cost 1). */
  readonly opcodeCycles: Int32Array;
  readonly events: EventCosts;
}

export const DEFAULT_EVENT_COSTS: Readonly<EventCosts> = {
  trap: 100,
  interrupt: 150,
  walkReference: 20,
  vmmTrap: 400,
  emulate: 100,
  reflect: 300,
  shadowFill: 1500,
  pageTableWrite: 1200,
  callout: 40,
  translate: 50,
  hypercall: 300,
  hypercallOp: 60,
  validateEntry: 2,
  vmExit: 1000,
  guestSwitch: 2000,
  worldSwitch: 3000,
};

export class CostModelError extends Error {}

/** The default model, with optional overrides:
 *  { "instructions": { "<group or mnemonic>": cycles }, "events": { "<event>": cycles } } */
export function makeCostModel(overrides: unknown = {}): CostModel {
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new CostModelError('the cost model must be a JSON object with "instructions" and/or "events"');
  }
  const { instructions = {}, events = {}, ...rest } = overrides as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new CostModelError(`unknown key ${quoted(extra[0]!)} (expected "instructions" or "events")`);
  const byGroupOrName = numberMap(instructions, 'instructions');
  const groups = new Set<string>(INSTRUCTIONS.map((s) => s.group));
  for (const key of Object.keys(byGroupOrName)) {
    if (!groups.has(key) && !INSTRUCTIONS.some((s) => s.mnemonic === key)) {
      throw new CostModelError(`instructions: ${quoted(key)} is neither an instruction group (${[...groups].join(', ')}) nor a mnemonic`);
    }
  }
  const opcodeCycles = new Int32Array(256).fill(1);
  for (const spec of INSTRUCTIONS) {
    opcodeCycles[spec.opcode] = byGroupOrName[spec.mnemonic] ?? byGroupOrName[spec.group] ?? spec.cycles;
  }
  const eventOverrides = numberMap(events, 'events');
  for (const key of Object.keys(eventOverrides)) {
    if (!Object.hasOwn(DEFAULT_EVENT_COSTS, key)) throw new CostModelError(`events: unknown event ${quoted(key)} (known: ${Object.keys(DEFAULT_EVENT_COSTS).join(', ')})`);
  }
  return { opcodeCycles, events: { ...DEFAULT_EVENT_COSTS, ...eventOverrides } };
}

function numberMap(value: unknown, where: string): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CostModelError(`"${where}" must be an object of numbers`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 1_000_000) {
      // (a number JSON cannot hold, such as 1e400 read as Infinity, is named as a number)
      throw new CostModelError(`${where}.${named(k)}: expected a whole number of cycles from 0 to 1000000, got ${shown(v)}`);
    }
  }
  return value as Record<string, number>;
}

/** A value of the file as a message names it: a number as it is, a string quoted (its first
 *  40 characters), an object or an array by its kind; never the whole of a value the file
 *  may make as large or as deep as it likes, and never a control character raw. */
function shown(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (typeof v === 'string') return quoted(v);
  return Array.isArray(v) ? 'an array' : 'an object';
}

/** A string of the file, in JSON quotes, cut after 40 characters. */
function quoted(s: string): string {
  return printable(JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}...` : s));
}

/** A key in a path (events.<key>): as it is when plain, else quoted. */
function named(k: string): string {
  return /^[\w$-]{1,40}$/.test(k) ? k : quoted(k);
}

/** Default cycles of each instruction group (for docs). */
export function groupCycles(): Record<CostGroup, number[]> {
  const out = {} as Record<CostGroup, number[]>;
  for (const s of INSTRUCTIONS) (out[s.group] ??= []).includes(s.cycles) || out[s.group].push(s.cycles);
  return out;
}
