// --mode full: trap-and-emulate plus binary translation of guest-kernel code (VMware's
// approach before VT-x) and shadow page tables kept coherent by write protection.
// Unmodified guests run correctly.

import type { ModeSpec } from '../mode.js';

export const fullMode: ModeSpec = {
  name: 'full',
  summary: 'full virtualization: guest-kernel code is binary-translated so sensitive instructions call into the VMM',
  binaryTranslation: true,
  reportSilentDivergence: false,
};
