// The block compiler: hot guest code becomes one JavaScript function.
//
// A block starts where the interpreter found an instruction hot (HOT_THRESHOLD runs) and
// follows the likely path on its page: on past a forward conditional branch to the next word
// (taken, the branch leaves the block: a side exit), through a forward `jmp` and any `call`
// to their targets. It ends at a branch back to its start (then it loops inside its
// function), another backward branch or `jmp` (a loop's end), an indirect jump or any other
// change of control flow (included), an instruction that does not decode (excluded), a word
// it already holds, the edge of the page, or MAX_BLOCK instructions. Its code is the
// interpreter's own instruction bodies (codegen.ts) with the fields of each word as
// constants, so a block means exactly what interpreting it would. Blocks are kept per
// code page and slot and are position-independent, so any virtual mapping of the page may
// run them. A code page is a physical frame, or a page the VMM has the CPU fetch from in its
// place (full mode's binary translation: its kernel code is compiled like any other). A
// write to a frame with blocks (by the CPU, DMA, a page walk or the VMM) drops the blocks
// made from the words it wrote, and only those (PhysicalMemory.onCodeWrite): data beside
// code costs a check, not the code; a dropped block keeps its heat and is compiled again
// soon. A VMM's page drops its blocks when its owner says a word of it changed
// (Processor.forgetCode).
//
// A block returns 0 when it ran to its end, -1 when it also changed the TLB (the fetch
// cache must be refilled), 1 when an instruction trapped (cause and address in the CPU
// state), 2 when the CPU must leave the loop (RESYNC).

import { decode } from '../isa/encoding.js';
import { CALLOUT_OPCODE, type BlockFn, type BlockProvider, type FrameBlocks, type LoopContext } from './execution.js';
import { HOT_THRESHOLD } from './interpreter.js';
import { EXITING_MNEMONICS, instructionCode, MATERIALIZE_FLAGS, needsWholeFlags, PRELUDE, type Variant } from './codegen.js';

const EXITING = new Set(EXITING_MNEMONICS);

export const MAX_BLOCK = 64;

/** Interpreted runs after which a block dropped by a write to its code is compiled again
 *  (fewer than HOT_THRESHOLD: it was hot already). */
const REHEAT = 2;

type BlockFactory = (ctx: LoopContext) => BlockFn;
/** Compiled block sources, shared by every machine in the process (same code, same text);
 *  emptied when it holds this many (their text and code are the cache's memory). */
const factories = new Map<string, BlockFactory>();
const FACTORY_CACHE_LIMIT = 4096;

/** A frame's blocks, how many it has, and how many cover each of its words (a write to a
 *  word no block covers drops nothing). */
interface Table extends FrameBlocks {
  count: number;
  readonly covered: Uint8Array;
  /** The words each block was made from, by its first slot. */
  readonly spans: (Uint16Array | undefined)[];
}

/** The table of every page without blocks: no function in any slot, and one heat count per
 *  slot shared by all such pages (a shared count only changes when code is compiled, which
 *  changes nothing a program sees), so running code in many pages allocates nothing. */
function coldTable(): Table {
  // (every table has the same shape, count included, so the loop's reads of them stay
  // monomorphic)
  return { fns: new Array<BlockFn | undefined>(1024).fill(undefined), lengths: new Uint8Array(1024), heat: new Uint16Array(1024), count: 0, covered: new Uint8Array(1024), spans: new Array<Uint16Array | undefined>(1024).fill(undefined) };
}

/** The compiled blocks of one CPU loop variant, by code page and slot, at most `limit` of
 *  them (bounds.ts: when full, the cache is emptied). */
export class BlockCache implements BlockProvider {
  private readonly frames: (Table | undefined)[];
  /** The tables of the VMM's code pages (they go when their page goes). */
  private supplied = new WeakMap<Int32Array, Table>();
  private readonly cold = coldTable();
  private ctx!: LoopContext;
  /** Blocks compiled so far, and live now. */
  blocksCompiled = 0;
  liveBlocks = 0;
  /** Frames that have (or had) a table of their own, and times the cache was emptied. */
  tablesMade = 0;
  flushes = 0;

  constructor(
    private readonly variant: Variant,
    frameCount: number,
    private readonly limit: number,
  ) {
    this.frames = new Array<Table | undefined>(frameCount).fill(undefined);
  }

  /** The loop context blocks run in (set once the loop is built). */
  bind(ctx: LoopContext): void {
    this.ctx = ctx;
  }

  table(code: Int32Array, base: number): FrameBlocks {
    return this.own(code, base) ?? this.cold;
  }

  /** The table of a code page's own, if it has one. */
  private own(code: Int32Array, base: number): Table | undefined {
    return code === this.ctx.memory.words ? this.frames[base >>> 10] : this.supplied.get(code);
  }

  /** Words `first`..`last` of a frame changed: forget the blocks made from any of them (the
   *  others stay, and so do the heat counts: hot code is compiled again soon). True when
   *  some were forgotten. */
  invalidate(frame: number, first: number, last: number): boolean {
    const t = this.frames[frame];
    if (!t || !t.covered.subarray(first, last + 1).some((c) => c !== 0)) return false;
    for (let s = 0; s < 1024; s++) {
      const span = t.spans[s];
      if (span === undefined || !span.some((k) => k >= first && k <= last)) continue;
      t.fns[s] = undefined;
      t.spans[s] = undefined;
      for (const k of span) t.covered[k]!--;
      t.count--;
      this.liveBlocks--;
      t.heat[s] = HOT_THRESHOLD - REHEAT;
    }
    return true;
  }

  /** Blocks made from a frame (in this cache). */
  blocksIn(frame: number): number {
    return this.frames[frame]?.count ?? 0;
  }

  /** A page the VMM supplied changed: forget its blocks. */
  forget(code: Int32Array): void {
    const t = this.supplied.get(code);
    if (!t) return;
    this.liveBlocks -= t.count;
    this.supplied.delete(code);
    this.ctx.cpu.fetchEpoch++;
  }

  /** Compile the block starting at `slot` of a code page into the page's table (made now if
   *  the page has none). */
  compile(code: Int32Array, base: number, slot: number): FrameBlocks {
    const memory = this.ctx.memory;
    const physical = code === memory.words;
    const frame = base >>> 10;
    const words: number[] = [];
    const slots: number[] = [];
    // The block follows the likely path on this page: past a conditional branch to the next
    // word (a taken branch leaves the block), through jmp and call to their targets.
    for (let s = slot; s >= 0 && s < 1024 && words.length < MAX_BLOCK && !slots.includes(s); ) {
      const word = code[base + s]!;
      const d = word >>> 24 === CALLOUT_OPCODE ? undefined : decode(word);
      if (!d) break;
      // Non-root operation: an instruction an exit control may stop is left to the
      // interpreter (a block that ends at once in an exit would only cost its call).
      if (this.variant.nonroot && EXITING.has(d.spec.mnemonic)) break;
      words.push(word);
      slots.push(s);
      if (!d.spec.flow) s++;
      // (indirect jumps, traps, rfe, hlt: the block ends; a branch back to its start: it loops;
      // another backward branch or jmp closes a loop the block would run out of)
      else if (d.spec.format !== 'rel' || s + d.off === slot || (d.off <= 0 && d.spec.mnemonic !== 'call')) break;
      else s = d.spec.group === 'jump' ? s + d.off : s + 1;
    }
    if (words.length === 0 || this.own(code, base)?.fns[slot]) return this.table(code, base);
    if (this.liveBlocks >= this.limit) this.empty();
    const source = blockSource(words, this.variant, this.ctx.cycles, slots);
    let factory = factories.get(source);
    if (!factory) {
      if (factories.size >= FACTORY_CACHE_LIMIT) factories.clear();
      factory = new Function('ctx', source) as BlockFactory;
      factories.set(source, factory);
    }
    let table = this.own(code, base);
    if (!table) {
      table = coldTable();
      if (physical) this.frames[frame] = table;
      else this.supplied.set(code, table);
      this.tablesMade++;
    }
    table.fns[slot] = factory(this.ctx);
    table.lengths[slot] = words.length;
    table.spans[slot] = Uint16Array.from(slots);
    for (const k of slots) table.covered[k]!++;
    table.count++;
    this.liveBlocks++;
    if (physical) memory.codeFrames[frame] = 1;
    this.blocksCompiled++;
    return table;
  }

  /** The cache is full: drop every block (they are compiled again as code runs hot). */
  private empty(): void {
    this.frames.fill(undefined);
    this.supplied = new WeakMap();
    this.liveBlocks = 0;
    this.flushes++;
    this.ctx.cpu.fetchEpoch++;
  }
}

/** The source of one block: each instruction's body in turn (each advances pc by 4; the
 *  last may jump), with the registers it uses held in locals. A block whose last
 *  instruction branches back to its start loops inside the function while the slice allows
 *  another full pass. After a load or store that
 *  missed the TLB the block stops, so the next fetch goes through the TLB exactly as the
 *  interpreter's would (the TLB figures do not depend on what was compiled). */
export function blockSource(words: readonly number[], variant: Variant, cycles: Int32Array, slots: readonly number[] = words.map((_, i) => i)): string {
  const last = decode(words[words.length - 1]!)!;
  const loops = last.spec.format === 'rel' && slots[slots.length - 1]! + last.off === slots[0];
  // Registers live in locals for the whole block, and compares only record their operands
  // until FLAGS is needed whole (the probe variant does neither: its hook reads the register
  // file and FLAGS in the middle of an instruction).
  const promote = !variant.probe;
  const used = new Set<number>();
  const body = words
    .map((word, i) => {
      const d = decode(word)!;
      const memory = d.spec.group === 'load' || d.spec.group === 'store';
      let code = instructionCode(d.spec, variant, cycles[d.spec.opcode]! - 1, { word, lazyFlags: promote });
      if (promote && needsWholeFlags(d.spec)) code = `${MATERIALIZE_FLAGS} ${code}`;
      if (promote) {
        code = code.replace(/(?<![A-Za-z_$])R\[(a|b|c|15)\]/g, (_, f: string) => {
          const r = f === 'a' ? d.a : f === 'b' ? d.b : f === 'c' ? d.c : 15;
          used.add(r);
          return `r${r}`;
        });
      }
      // a conditional branch inside the block: taken, it leaves the block (a side exit)
      const side = d.spec.flow && i < words.length - 1 && d.spec.group !== 'jump' ? ` if (pc !== ((entry + ${(slots[i + 1]! - slots[0]!) * 4}) | 0)) break body;` : '';
      return `      { const w = ${word | 0}; n++; ${code}${memory ? ' if (fvpn !== 0) break body;' : ''}${side} }`;
    })
    .join('\n');
  const regs = [...used].sort((x, y) => x - y);
  const load = regs.length ? `let ${regs.map((r) => `r${r} = R[${r}]`).join(', ')};` : '';
  const store = regs.map((r) => `R[${r}] = r${r};`).join(' ');
  const again = loops ? `if (pc !== entry || n + ${words.length} > limit) break body;` : 'break body;';
  // Fetches are counted by the loop; data lookups here (only when paging: no TLB otherwise).
  const WRITEBACK = `${promote ? MATERIALIZE_FLAGS : ''} ${store} cpu.pc = pc; cpu.flags = fl; cpu.instructions = n; cpu.extraCycles = cy;${variant.paging ? ' tlb.lookups += acc;' : ''}`;
  return `${PRELUDE}
return function block(limit) {
  const entry = cpu.pc;
  let pc = entry, fl = cpu.flags, n = cpu.instructions, cy = cpu.extraCycles, acc = 0, tc = 0, ta = 0, fvpn = 0;
  const rmask = (fl & F_S) ? 1 : 4, wmask = (fl & F_S) ? 2 : 8, atag = tlb.asidTag;
  let fx = 0, fy = 0, lz = false;
  ${load}
  loop: {
    trap: {
      body: for (;;) {
${body}
      ${again}
      }
      ${WRITEBACK} return fvpn;
    }
    ${WRITEBACK} cpu.trapCause = tc; cpu.trapAddress = ta; return 1;
  }
  ${WRITEBACK} return 2;
};`;
}
