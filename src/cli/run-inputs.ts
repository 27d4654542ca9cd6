// What `vmm run` and `vmm trace` run: the run options (run-options.ts) checked, the guests
// loaded (images read, sources assembled), and each guest's memory, console input and disk.

import type { GuestInput } from '../machine/run-bare.js';
import { hostMemoryBytes } from '../vmm/host-frames.js';
import { MAX_MEMORY } from '../machine/memory.js';
import { checkFits, LoadError } from '../image/fits.js';
import { parseCount, UsageProblem } from './command.js';
import { loadGuests } from './guest-files.js';
import { FILE_LIMITS, readStdin, UserError, type Io } from './io.js';
import { machineOptions, memValues, parseMemory } from './machine-config.js';
import { DEFAULTS } from './machine-options.js';
import { MODES, type RunInputs } from './run-options.js';

export async function loadRunInputs(args: readonly string[], options: Record<string, unknown>, io: Io): Promise<RunInputs> {
  const mode = String(options.mode);
  if (!(MODES as readonly string[]).includes(mode)) throw new UsageProblem(`--mode must be one of ${MODES.join(', ')}, got '${mode}'`);
  const machine = machineOptions(options, io);
  const quantum = parseCount('--quantum', String(options.quantum), 1, 1 << 30);
  if (mode === 'bare' && args.length > 1) throw new UsageProblem(`--mode bare runs one image directly on the machine (there is no VMM to share it); got ${args.length} images`);
  const guests = await loadGuests(args, options.define as string[], io);
  assignMemory(guests, memValues(options));
  const sizes = guests.map((g) => g.memoryBytes ?? machine.memoryBytes);
  if (mode !== 'bare' && hostMemoryBytes(sizes) > MAX_MEMORY) {
    const need = hostMemoryBytes(sizes) / (1 << 20);
    const what = `--mem ${memValues(options).join(' --mem ') || DEFAULTS.mem}`;
    throw new UsageProblem(`${what} for ${args.length} guest(s) needs ${need.toFixed(1)} MiB of host memory (guests plus their shadow tables); the simulated host has at most ${MAX_MEMORY >> 20} MiB`);
  }
  guests.forEach((g, i) => {
    try {
      checkFits(g.image, sizes[i]!);
    } catch (e) {
      if (e instanceof LoadError) throw new UserError(`${args[i]}: ${e.message}`);
      throw e;
    }
  });
  assignPerGuest(guests, (options.input as string[] | undefined) ?? [], '--input', (g, path) => (g.input = path === '-' ? readStdin() : io.readFile(path, FILE_LIMITS.input)));
  assignPerGuest(guests, (options.disk as string[] | undefined) ?? [], '--disk', (g, path) => (g.disk = io.readFile(path, FILE_LIMITS.disk)));
  return { guests, machine, mode, quantum, overhead: options.overhead !== false };
}

/** `--mem NAME=SIZE`: this guest's memory instead of the plain --mem (or the default). */
function assignMemory(guests: GuestInput[], values: readonly string[]): void {
  const given = new Map<GuestInput, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq < 0) continue; // the size of every guest: machineOptions
    const guest = guests.find((g) => g.name === value.slice(0, eq));
    if (!guest) throw new UsageProblem(`--mem ${value}: no guest named '${value.slice(0, eq)}' (guests: ${guests.map((g) => g.name).join(', ')})`);
    const before = given.get(guest);
    if (before !== undefined) throw new UsageProblem(`--mem ${value}: guest '${guest.name}' has --mem ${before} already`);
    given.set(guest, value);
    guest.memoryBytes = parseMemory(value.slice(eq + 1));
  }
}

/** `--disk FILE` (one guest) or `--disk NAME=FILE` (any number of guests); one file a guest. */
function assignPerGuest(guests: GuestInput[], values: readonly string[], flag: string, assign: (g: GuestInput, path: string) => void): void {
  const given = new Map<GuestInput, string>();
  for (const value of values) {
    const eq = value.indexOf('=');
    const named = eq > 0 ? guests.find((g) => g.name === value.slice(0, eq)) : undefined;
    let guest: GuestInput;
    let path: string;
    if (named) {
      [guest, path] = [named, value.slice(eq + 1)];
    } else if (guests.length === 1) {
      [guest, path] = [guests[0]!, value];
    } else {
      const names = guests.map((g) => g.name).join(', ');
      if (eq > 0) throw new UsageProblem(`${flag} ${value}: no guest named '${value.slice(0, eq)}' (guests: ${names})`);
      throw new UsageProblem(`${flag} ${value}: with several guests, name one as ${flag} NAME=FILE (guests: ${names})`);
    }
    if (path === '') throw new UsageProblem(`${flag} ${value}: no file named`);
    const before = given.get(guest);
    if (before !== undefined) throw new UsageProblem(`${flag} ${value}: guest '${guest.name}' has ${flag} ${before} already (one file a guest)`);
    given.set(guest, value);
    assign(guest, path);
  }
}
