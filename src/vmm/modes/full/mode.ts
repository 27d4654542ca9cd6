// --mode full: trap-and-emulate plus binary translation of guest-kernel code (VMware's
// approach before VT-x) and shadow page tables kept coherent by write protection.
// Unmodified guests run correctly.

import type { Mode } from '../mode.js';
import { AsidAllocator } from '../software/asids.js';
import { SHADOW_POOL_FRAMES } from '../software/shadow-paging.js';
import { fullVirtualizer } from './virtualizer.js';

export const fullMode: Mode = {
  name: 'full',
  summary: 'full virtualization: guest-kernel code is binary-translated so sensitive instructions call into the VMM',
  equivalence: {},
  build: 'native',
  translates: true,
  techniques: [
    { id: 'full', label: 'full' },
    { id: 'full-inline', label: 'full --bt inline', inlineTranslation: true },
  ],
  framesPerGuest: () => SHADOW_POOL_FRAMES,
  start(host) {
    const asids = new AsidAllocator(host.bounds.asids, host.processor.tlb);
    return (vm, frames) => fullVirtualizer(vm, host, frames, asids);
  },
};
