// --mode para: paravirtualization, Xen's way (Barham et al., SOSP 2003). The guest kernel
// is built for the VMM (-D PARAVIRT: guests/include/paravirt.inc) and calls it with
// hypercalls for every privileged operation; it keeps its interrupt flag in a page shared
// with the VMM; its own page tables are walked directly, each update validated; its I/O
// goes through the console hypercall and a shared block ring with event channels.

import type { Mode } from '../mode.js';
import { AsidAllocator } from '../software/asids.js';
import { ParaVirtualizer } from './virtualizer.js';

export const paraMode: Mode = {
  name: 'para',
  summary: 'paravirtualization: a PARAVIRT build of the guest kernel calls the VMM with hypercalls; its page tables are walked directly, each update validated',
  // A PARAVIRT build runs other instructions than the native one: its console lines are
  // what must match the native build's on bare.
  equivalence: { byLines: true },
  build: 'paravirt',
  techniques: [{ id: 'para', label: 'para' }],
  // The shared pages, boot tables and frame list live in the guest's own memory (its top).
  framesPerGuest: () => 0,
  start(host) {
    const asids = new AsidAllocator(host.bounds.asids, host.processor.tlb);
    return (vm) => new ParaVirtualizer(vm, host, asids);
  },
};
