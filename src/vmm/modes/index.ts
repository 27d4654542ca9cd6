import { fullMode } from './full/mode.js';
import type { ModeSpec } from './mode.js';
import { trapMode } from './trap/mode.js';

/** The software VMM's modes by name. */
export const VMM_MODES: readonly ModeSpec[] = [trapMode, fullMode];
