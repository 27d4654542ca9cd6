// The bounds of a run: what keeps a guest from making vmm use unbounded time or memory,
// each a number here with what happens at it (docs/cli.md, "Bounds"). The defaults serve
// every run; tests lower them (MachineConfig.bounds) to reach them quickly.

import { ASID_LIMIT } from '../isa/arch.js';

export interface Bounds {
  /** A guest's clock (instructions retired plus ticks halted) may not pass this: below 2^53
   *  ticks are exact. A guest whose clock would pass it is stopped (status `limit`). */
  ticks: number;
  /** Compiled blocks one CPU keeps (per loop variant). When it is full the code cache is
   *  emptied, and code is compiled again as it runs hot (QEMU's tb_flush). */
  compiledBlocks: number;
  /** Pages of binary translation one guest keeps (full mode); the page made first is
   *  forgotten (first in, first out) and retranslated if it runs again. */
  translatedPages: number;
  /** Address-space ids (host TLB tags) live at once under the VMM with a tagged TLB; when
   *  all are taken the least recently used is reclaimed, its TLB entries flushed. */
  asids: number;
  /** VM exits in a row without an instruction retiring (a livelock: a fault the VMM fills
   *  and the guest takes again, because something rewrites the tables behind its back). At
   *  the bound the guest is stopped (status `killed`). */
  exitsWithoutProgress: number;
}

export const DEFAULT_BOUNDS: Readonly<Bounds> = {
  ticks: 2 ** 53,
  compiledBlocks: 16_384,
  translatedPages: 4096,
  asids: ASID_LIMIT - 1,
  exitsWithoutProgress: 1_000_000,
};

/** The bounds of a configuration (its own where given, else the defaults). */
export function boundsOf(config: { bounds?: Partial<Bounds> }): Bounds {
  return { ...DEFAULT_BOUNDS, ...config.bounds };
}
