// --mode trap: classic trap-and-emulate (Popek & Goldberg). The guest kernel runs
// deprivileged; privileged instructions trap and are emulated; guest traps are reflected;
// page tables are shadowed. Sensitive-unprivileged instructions (getf, setf, cpuid) run
// without an exit and so misbehave as on pre-VT x86: each is reported as a note.

import type { ModeSpec } from '../mode.js';

export const trapMode: ModeSpec = {
  name: 'trap',
  summary: 'trap-and-emulate: privileged instructions trap to the VMM; sensitive-unprivileged ones silently misbehave',
  binaryTranslation: false,
  reportSilentDivergence: true,
};
