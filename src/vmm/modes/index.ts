// The registry of ways to run guests: the bare machine (the reference: no VMM runs, so it
// is not a Mode) and every VMM mode. The CLI, the report layer and the tests take the list
// from here, so a mode registered here is offered, run and tested everywhere.

import { fullMode } from './full/mode.js';
import { hwMode } from './hw/mode.js';
import type { Build, Mode } from './mode.js';
import { paraMode } from './para/mode.js';
import { trapMode } from './trap/mode.js';

/** The unvirtualized baseline every mode is compared against. */
export const REFERENCE = {
  name: 'bare',
  summary: 'no VMM: one image runs directly on the machine (the unvirtualized baseline)',
  build: 'native',
} as const;

/** The VMM's modes, in the order they are listed and compared. */
export const MODES: readonly Mode[] = [trapMode, fullMode, paraMode, hwMode];

/** Every way to run guests, by name: the reference first. */
export const RUN_MODES: readonly string[] = [REFERENCE.name, ...MODES.map((m) => m.name)];

/** The mode `vmm run` and `vmm trace` use when none is named. */
export const DEFAULT_MODE = fullMode.name;

/** The VMM mode of this name (undefined for the reference and for unknown names). */
export function modeNamed(name: string): Mode | undefined {
  return MODES.find((m) => m.name === name);
}

/** Whether `name` is the bare reference (no VMM). */
export function isReference(name: string): boolean {
  return name === REFERENCE.name;
}

/** The build of a guest the way `name` (a mode or the reference) runs. */
export function buildFor(name: string): Build {
  return modeNamed(name)?.build ?? REFERENCE.build;
}

/** The VMM modes that run a guest of this build (the reference runs native ones). */
export function modesFor(build: Build): string[] {
  return MODES.filter((m) => m.build === build).map((m) => m.name);
}
