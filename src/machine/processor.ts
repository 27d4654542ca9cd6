// The physical CPU package: architectural state, physical memory, TLB and MMU, and the
// compiled interpreter loops. The bare machine and the VMM's host both drive one of these,
// each with its own ExecutionHooks (where traps go, what ports are).

import { CR, TRANSLATION_CRS } from '../isa/arch.js';
import { boundsOf } from './bounds.js';
import type { MachineConfig } from './config.js';
import { controlRegisterValue, CpuState, enterTrap } from './cpu.js';
import type { ExecutionHooks, RunLoop } from './execution.js';
import { compileLoop, HOT_THRESHOLD, REGION_HEAT } from './interpreter.js';
import { BlockCache } from './jit.js';
import { PhysicalMemory } from './memory.js';
import { Access, Mmu } from './mmu.js';
import { Tlb } from './tlb.js';

export class Processor {
  readonly cpu = new CpuState();
  readonly memory: PhysicalMemory;
  readonly tlb: Tlb;
  readonly mmu: Mmu;
  /** By variant key (see run): a small number, so an array. */
  private readonly loops: (RunLoop | undefined)[] = [];
  /** VMX non-root operation (vmx.ts): the VMM runs a guest under hardware assistance, and
   *  the CPU consults cpu.exitControls. */
  nonroot = false;
  /** In non-root operation: whose guest state the CPU holds (the VMM's token). */
  nonrootGuest: object | undefined = undefined;
  private readonly blockCaches: BlockCache[] = [];
  /** Whose code the CPU runs, each with its own hooks (world 0: the constructor's). A hosted
   *  VMM time-shares the CPU between the host OS and the guests: two worlds. */
  private readonly worlds: ExecutionHooks[] = [];

  constructor(
    readonly config: MachineConfig,
    hooks: ExecutionHooks,
  ) {
    this.memory = new PhysicalMemory(config.memoryBytes);
    this.tlb = new Tlb(config.tlbSize, config.tlbTagged);
    this.mmu = new Mmu(this.memory, this.tlb, this.cpu.cr);
    this.addWorld(hooks);
    this.memory.onCodeWrite = (frame, first, last) => {
      let dropped = false;
      let left = 0;
      for (const cache of this.blockCaches) {
        if (cache.invalidate(frame, first, last)) dropped = true;
        left += cache.blocksIn(frame);
      }
      if (left === 0) this.memory.codeFrames[frame] = 0;
      return dropped;
    };
  }

  /** Another world's hooks: its number, for run(). */
  addWorld(hooks: ExecutionHooks): number {
    hooks.fetchArray = this.memory.words;
    return this.worlds.push(hooks) - 1;
  }

  /** Blocks compiled so far, over every variant. */
  get blocksCompiled(): number {
    return this.blockCaches.reduce((n, c) => n + c.blocksCompiled, 0);
  }

  /** Changes whenever compiled code is dropped, in any variant (BlockProvider.version). A
   *  field the caches bump, not a sum over them: it is read twice at every port access. */
  private readonly drops = { version: 0 };
  get codeVersion(): number {
    return this.drops.version;
  }

  /** Regions compiled so far (a page's blocks joined into one function), over every variant. */
  get regionsCompiled(): number {
    return this.blockCaches.reduce((n, c) => n + c.regionsCompiled, 0);
  }

  /** Regions built at once because an earlier machine of the process had them (jit.ts
   *  plans), over every variant. */
  get regionsReplayed(): number {
    return this.blockCaches.reduce((n, c) => n + c.regionsReplayed, 0);
  }

  /** The regions of a frame, over every variant (BlockCache.regionsIn). */
  regionsIn(frame: number): { mode: number; slots: number[] }[] {
    return this.blockCaches.flatMap((c) => c.regionsIn(frame));
  }

  /** The code caches' figures, over every variant: blocks live now, frames given a table of
   *  their own, and times a cache was emptied because it was full. */
  codeCacheStats(): { live: number; tables: number; flushes: number } {
    const sum = (f: (c: BlockCache) => number) => this.blockCaches.reduce((n, c) => n + f(c), 0);
    return { live: sum((c) => c.liveBlocks), tables: sum((c) => c.tablesMade), flushes: sum((c) => c.flushes) };
  }

  /** Forget the blocks compiled from a code page the VMM supplies (a word of it changed, or
   *  the page is gone). */
  forgetCode(code: Int32Array): void {
    this.cpu.fetchEpoch++; // (the loop may be fetching from it)
    for (const cache of this.blockCaches) cache.forget(code);
  }

  /** Run until `limit` instructions have retired or a hook leaves the loop. `probe` reports
   *  sensitive instructions run in user mode (see ExecutionHooks.noteSensitive); `world`
   *  says whose hooks (addWorld). */
  run(limit: number, probe = false, world = 0): void {
    const paging = this.mmu.translating;
    const nonroot = this.nonroot;
    const key = (paging ? 1 : 0) | (probe ? 2 : 0) | (nonroot ? 4 : 0) | (world << 3);
    let loop = this.loops[key];
    if (!loop) {
      const variant = { paging, strict: this.config.strict, probe, nonroot };
      // (past HOT_THRESHOLD, where blocks are made; within the 16-bit heat counts)
      const regionHeat = Math.min(0xffff, Math.max(HOT_THRESHOLD + 1, Math.trunc(this.config.regionHeat ?? REGION_HEAT)));
      const jit = this.config.jit === false ? null : new BlockCache(variant, this.memory.size / 4096, boundsOf(this.config).compiledBlocks, this.drops);
      const ctx = { cpu: this.cpu, hooks: this.worlds[world]!, memory: this.memory, tlb: this.tlb, cycles: this.config.costs.opcodeCycles, regionHeat, jit, fetched: 0 };
      jit?.bind(ctx);
      if (jit) this.blockCaches.push(jit);
      loop = compileLoop(variant, ctx);
      this.loops[key] = loop;
    }
    loop(limit);
  }

  /** Word index of pc's page in physical memory, or -cause (the fetchPage hook's usual body). */
  fetchPage(pc: number, flags: number): number {
    const pa = this.mmu.translate(pc, Access.Fetch, flags);
    return pa < 0 ? pa : (pa & ~4095) >> 2;
  }

  dataTranslate(va: number, write: boolean, flags: number): number {
    return this.mmu.translate(va, write ? Access.Write : Access.Read, flags);
  }

  /** Take a trap the way the hardware does (see enterTrap). */
  vector(cause: number, addr: number, pc: number): void {
    enterTrap(this.cpu, cause, addr, pc);
  }

  /** The control-register write of mtcr, with its side effects on the TLB; true when it
   *  changed how addresses translate (the CPU leaves its loop). */
  writeCr(index: number, value: number): boolean {
    const cr = this.cpu.cr;
    cr[index] = controlRegisterValue(this.cpu, index, value);
    if (index === CR.PTBR && !this.tlb.tagged) this.tlb.flush();
    if (index === CR.ASID) this.tlb.setAsid(cr[index]!);
    return TRANSLATION_CRS[index]!;
  }
}
