// The simulated machine and the run a user asks for: the machine options (machine-options.ts)
// and the run options (run-options.ts) checked and turned into a RunConfig, with the cost
// model read from its file.

import { diskBareCache } from './bare-cache.js';
import { CostModelError, makeCostModel } from '../machine/costs.js';
import { MAX_MEMORY, parseSize } from '../machine/memory.js';
import type { RunConfig } from '../report/run.js';
import { parseCount, UsageProblem } from './command.js';
import { FILE_LIMITS } from './files.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';
import { DEFAULTS } from './machine-options.js';
import type { HardwareAssist, Mode } from '../vmm/modes/mode.js';
import { printable } from '../text/printable.js';
import { hostMemoryBytes } from '../vmm/boot.js';

export function runConfig(options: Record<string, unknown>, io: Io): RunConfig {
  const plain = memValues(options).filter((v) => !v.includes('='));
  if (plain.length > 1) throw new UsageProblem(`--mem ${plain[1]}: --mem ${plain[0]} was given already (one size for every guest; NAME=SIZE for one guest)`);
  const mem = parseMemory(plain[0] ?? DEFAULTS.mem);
  const tlbSize = parseCount('--tlb', String(options.tlb), 1, 4096);
  if (tlbSize & (tlbSize - 1)) throw new UsageProblem(`--tlb expects a power of two from 1 to 4096, got '${options.tlb}'`);
  return {
    memoryBytes: mem,
    tlbSize,
    tlbTagged: options.tlbTagged === true,
    strict: options.strict === true,
    costs: costModel(options.costModel as string | undefined, io),
    maxInstructions: parseCount('--max-instructions', String(options.maxInstructions), 1),
    jit: options.jit !== false,
    quantum: parseCount('--quantum', String(options.quantum), 1, 1 << 30),
    overhead: options.overhead !== false,
    assist: hardwareAssist(options),
    inlineTranslation: translation(options.bt),
    ...(options.overhead !== false ? { bareCache: diskBareCache() } : {}),
  };
}

/** --bt: whether full mode's translator translates inline what it can (inline) or calls out
 *  for every privileged instruction (callout, the default). */
function translation(value: unknown): boolean {
  if (value === undefined || value === 'callout') return false;
  if (value === 'inline') return true;
  throw new UsageProblem(`--bt expects callout or inline, got '${String(value)}'`);
}

/** --npt, --vpid, --exit-on and --exit-off (the mode that uses them checks the controls' names). */
function hardwareAssist(options: Record<string, unknown>): HardwareAssist {
  const onOff = (flag: string, value: unknown): boolean => {
    if (value === undefined || value === 'on') return true;
    if (value === 'off') return false;
    throw new UsageProblem(`${flag} expects on or off, got '${String(value)}'`);
  };
  return {
    nestedPaging: onOff('--npt', options.npt),
    vpid: onOff('--vpid', options.vpid),
    exitOn: (options.exitOn as string[] | undefined) ?? [],
    noExitOn: (options.exitOff as string[] | undefined) ?? [],
  };
}

/** The values of every --mem (SIZE or NAME=SIZE). */
export function memValues(options: Record<string, unknown>): string[] {
  return (options.mem as string[] | undefined) ?? [];
}

/** A memory size (of --mem, or of `option`): a multiple of 4K, at most MAX_MEMORY. */
export function parseMemory(text: string, option = '--mem'): number {
  const mem = parseSize(text);
  // (1.5M is no size: a whole number of bytes, K, M or G)
  if (mem === undefined) throw new UsageProblem(`${option} expects a size: a whole number with an optional K, M or G (e.g. 64K, 1M, 1536K), got '${text}'`);
  if (mem <= 0 || mem % 4096 !== 0 || mem > MAX_MEMORY) {
    throw new UsageProblem(`${option} expects a size that is a multiple of 4K up to 1G (e.g. 64K, 1M), got '${text}'`);
  }
  return mem;
}

function costModel(path: string | undefined, io: Io) {
  if (path === undefined) return makeCostModel();
  if (path === '') throw new UsageProblem('--cost-model expects a file name');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(io.readFile(path, FILE_LIMITS.input)).toString('utf8'));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`${path}: not valid JSON: ${printable((e as Error).message)}`);
  }
  try {
    return makeCostModel(json);
  } catch (e) {
    if (e instanceof CostModelError) throw new UserError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Refuse guests of these sizes that the simulated host cannot hold under `mode` with the
 *  VMM's tables (vmm run and vmm compare alike; the bare reference holds one guest, as
 *  parseMemory checks). `subject` begins the message: "--mem 1M for 2 guest(s) needs". */
export function checkHostMemory(mode: Mode | undefined, guestBytes: readonly number[], subject: string, hostOsBytes = 0): void {
  const hostBytes = mode ? hostOsBytes + hostMemoryBytes(mode, guestBytes) : 0;
  if (hostBytes > MAX_MEMORY) {
    throw new UsageProblem(`${subject} ${(hostBytes / (1 << 20)).toFixed(1)} MiB of host memory (guests plus the VMM's tables${hostOsBytes ? `, and the host OS's ${hostOsBytes >> 10} KiB` : ''}); the simulated host has at most ${MAX_MEMORY >> 20} MiB`);
  }
}
