// --mode trap: classic trap-and-emulate (Popek & Goldberg). The guest kernel runs
// deprivileged; privileged instructions trap and are emulated; guest traps are reflected;
// page tables are shadowed. Sensitive-unprivileged instructions (getf, setf, cpuid) run
// without an exit and so misbehave as on pre-VT x86: each is reported as a note.

import type { Mode } from '../mode.js';
import { AsidAllocator } from '../software/asids.js';
import { SHADOW_POOL_FRAMES } from '../software/shadow-paging.js';
import { trapVirtualizer } from './virtualizer.js';

export const trapMode: Mode = {
  name: 'trap',
  summary: 'trap-and-emulate: privileged instructions trap to the VMM; sensitive-unprivileged ones silently misbehave',
  // A guest whose kernel runs no sensitive instruction unseen (or any guest with --strict,
  // where they trap) runs exactly as on bare hardware.
  equivalence: { exactUnless: 'sensitive-unprivileged' },
  build: 'native',
  // Without --strict a kernel that uses getf, setf or cpuid goes wrong: not a technique to weigh.
  techniques: [{ id: 'trap-strict', label: 'trap --strict', strict: true }],
  framesPerGuest: () => SHADOW_POOL_FRAMES,
  start(host) {
    const asids = new AsidAllocator(host.bounds.asids, host.processor.tlb);
    return (vm, frames) => trapVirtualizer(vm, host, frames, asids);
  },
};
