// The block compiler: hot guest code becomes JavaScript functions, a block at a time, and
// then a page's hot blocks together in one function (a region: see join and regionSource).
//
// A block starts where the interpreter found an instruction hot (HOT_THRESHOLD runs) and
// follows the likely path on its page: on past a forward conditional branch to the next word
// (taken, the branch leaves the block: a side exit), through a forward `jmp` and any `call`
// to their targets. It ends at a branch back to its start (then it loops inside its
// function), another backward branch or `jmp` (a loop's end), an indirect jump or any other
// change of control flow (included), a callout (included, but not a fill; an inline callout,
// which the CPU carries out itself, is an instruction like any other), an instruction
// that does not decode (excluded), a word it already holds, the edge of the page, or
// MAX_BLOCK instructions. Where a forward conditional branch's target leads straight (no
// change of control flow, at most MAX_ARM instructions) to a word further on the block's
// path, the taken side is compiled too, as an arm that rejoins the path there (an if/else:
// a diamond stays in the block instead of leaving it); so is one that runs straight into a
// change of control flow (an early return): taken, the block is left after it. Its code is
// the interpreter's own instruction bodies (codegen.ts) with the fields of each word as
// constants, so a block means exactly what interpreting it would. Blocks are kept per code
// page and slot and are position-independent, so any virtual mapping of the page may run
// them. A code page is a physical frame, or a page the VMM has the CPU fetch from in its
// place (full mode's binary translation: its kernel code is compiled like any other). A
// write to a frame with blocks (by the CPU, DMA, a page walk or the VMM) drops the blocks
// made from the words it wrote, and only those (PhysicalMemory.onCodeWrite): data beside
// code costs a check, not the code; a dropped block keeps its heat and is compiled again
// soon. A VMM's page drops its blocks when its owner says a word of it changed
// (Processor.forgetCode).
//
// A compiled function (a block alone, or a region) returns 0 when it ran to its end, -1
// when the fetch cache must be refilled (the TLB changed), 2 when the CPU must leave the
// loop (RESYNC, or a hook said so). A trap or a callout (full mode's translated privileged
// instructions) is handed to the hooks from inside, and the region goes on where they leave
// the CPU: an exit the VMM handles without leaving costs no return to the loop.

import { decode } from '../isa/encoding.js';
import { CALLOUT_FILL, CALLOUT_OPCODE, FETCHED, isInlineCallout, type BlockFn, type BlockProvider, type FrameBlocks, type LoopContext } from './execution.js';
import { HOT_THRESHOLD } from './interpreter.js';
import { calloutCode, compiled, CONTEXT, instructionCode, MATERIALIZE_FLAGS, needsWholeFlags, PRELUDE, trap, variantKey, type GoOn, type Variant } from './codegen.js';

export const MAX_BLOCK = 64;
/** The most instructions of a branch's arm (see armsOf), and the most instructions one run
 *  of a block with arms may retire (its length: the slice must allow it all; at most 255,
 *  FrameBlocks.lengths being bytes). */
const MAX_ARM = 8;
const MAX_LENGTH = 128;

/** A region's bounds: blocks, and instructions over all of them (further hot blocks stay on
 *  their own). Sixteen blocks hold a jump table's targets and the blocks that start
 *  mid-loop where an interrupt or a slice left the code (dispatch.s, nine blocks, ran 15%
 *  faster than in eight). */
const REGION_BLOCKS = 16;
const REGION_WORDS = 128;
/** The longest source a region of several blocks may have. V8 never optimizes a function
 *  of more than 60 KiB of bytecode (its --max-optimized-bytecode-size): a region over it
 *  runs unoptimized, 5× slower than its blocks on their own (tasks.s under trap, whose
 *  kernel and tasks share a page and a mode, at 97,000 characters). Regions make 0.45 to
 *  0.73 bytes of bytecode per character (the bench's largest: 69,588 characters, 50,548
 *  bytes), and a region of stores alone, the densest code, 0.77: 75,000 characters stay
 *  under the limit. (At 60,000, tasks.s's kernel did not fit with its 17-load return path,
 *  which took a call of its own at every timer tick.) */
const REGION_SOURCE = 75_000;

/** Interpreted entries after which a block dropped by a write to its code is compiled again
 *  (fewer than HOT_THRESHOLD: it was hot already), doubled at each drop of the same slot up
 *  to MAX_BACKOFF times (REHEAT << 10: 2,048 entries; within heat's 16 bits). A loop that
 *  rewrites its own instruction every pass was compiled again every two passes, 13 µs each,
 *  for ever: 56 times slower than interpreting it. */
const REHEAT = 2;
const MAX_BACKOFF = 10;

/** Compiled regions, shared by every machine in the process, by the words they were made
 *  from (and codeKey); emptied when it holds this many (their text and code are the
 *  cache's memory). */
const regions = new Map<string, BlockFn | null>();
const REGION_CACHE_LIMIT = 4096;

/** The regions built so far in the process, by the key of each of their blocks (its key as a
 *  region of one, BlockCache.regionKey): the first slots of all their blocks, their mode,
 *  and the builds it took. A machine that runs the same code again in the same CPU variant
 *  (the bench's next run, a second guest of the same image, the bare runs of vmm compare and
 *  of the overhead figure, the fuzzer's next way) builds the same region as soon as one of
 *  its blocks is compiled (BlockCache.replay), not after each has been entered from the loop
 *  regionHeat times, returning to the loop after every run of it. Its function is found in
 *  the cache. Regions never change what a program computes, so this changes only speed. */
const plans = new Map<string, Plan>();
const PLAN_LIMIT = 4 * REGION_CACHE_LIMIT;
interface Plan {
  readonly slots: readonly number[];
  readonly mode: number;
  readonly builds: number;
}

/** A block's part of a region's key: the words it was made from, with their slots (the same
 *  words make the same code). */
function blockKey(b: Block): string {
  return `${b.slots.join(',')}:${b.words.join(',')}${b.arms.map((a) => `/${a.at}>${a.join}:${a.slots.join(',')}:${a.words.join(',')}`).join('')}`;
}

/** A block: the words it was made from, in the order it runs them, and their slots; the
 *  arms of its forward branches; every slot it was made from (arms' included), and the
 *  most instructions one run of it retires. */
interface Block {
  readonly words: readonly number[];
  readonly slots: readonly number[];
  readonly arms: readonly Arm[];
  readonly covers: readonly number[];
  readonly length: number;
  /** The mode it was first run in (0 user, 1 supervisor): it joins that mode's region. */
  readonly mode: number;
}

/** The taken side of the conditional branch at index `at` of a block's path: straight-line
 *  words (their slots follow the branch's target), after which the path goes on at index
 *  `join` (> at): compiled as if (taken) { arm } else { path at + 1 .. join - 1 }. Or, with
 *  `join` -1, words whose last changes control flow (a return, a jump): the block is left
 *  after it, as at its end. `extra`: the most instructions it adds to one run of the block. */
interface Arm {
  readonly at: number;
  readonly join: number;
  readonly words: readonly number[];
  readonly slots: readonly number[];
  readonly extra: number;
}

/** Blocks of one code page compiled into one function (regionSource); its blocks' slots in
 *  the page's table hold that function while they are its members. A block is first
 *  compiled on its own; once the loop has entered it REGION_HEAT times it joins its page's
 *  region, which is compiled again with it (so that a page's region is rebuilt only while
 *  new code on it grows hot, not for every block, such as one made where an interrupt
 *  returned). A page has a region per mode: a kernel's trap path and the user code on its
 *  page flow into each other only through a trap or `rfe`, which leave compiled code
 *  anyway, and every guest register a region uses stays live in it for the whole call, so
 *  one function for both would only make the JavaScript compiler spill the user loop's
 *  registers to hold the kernel's (tasks.s: a kernel and two tasks on one page). */
interface Region {
  readonly blocks: Block[];
  size: number;
  /** The blocks of its compiled function, in their order there, and which of them still
   *  hold their slots (bit i: members[i]; the function is given these bits). */
  members: readonly Block[];
  live: number;
}

/** A frame's blocks, how many it has, and how many cover each of its words (at most 1,024:
 *  one per slot of the page, as a block never leaves its page; a write to a
 *  word no block covers drops nothing). */
interface Table extends FrameBlocks {
  count: number;
  readonly covered: Uint16Array;
  /** Times the block at each slot was dropped by a write to its code: each drop doubles the
   *  entries before it is compiled again (REHEAT), so code that rewrites itself every pass
   *  is interpreted, not compiled at every pass. */
  readonly drops: Uint8Array;
  /** The block that starts at each slot, and the region it belongs to. */
  readonly blocks: (Block | undefined)[];
  readonly regionOf: (Region | undefined)[];
  /** The page's regions, by mode (Block.mode): its blocks entered from the loop
   *  REGION_HEAT times; how often each was built, and the reports of blocks not in it since
   *  (see join). */
  readonly regions: (Region | undefined)[];
  readonly builds: number[];
  readonly reports: number[];
}

/** The table of every page without blocks: no function in any slot, and one heat count per
 *  slot shared by all such pages (a shared count only changes when code is compiled, which
 *  changes nothing a program sees), so running code in many pages allocates nothing. */
function coldTable(): Table {
  // (every table has the same shape, count included, so the loop's reads of them stay
  // monomorphic)
  return { fns: new Array<BlockFn | undefined>(1024).fill(undefined), lengths: new Uint8Array(1024), heat: new Uint16Array(1024), live: new Int32Array(1024), count: 0, covered: new Uint16Array(1024), drops: new Uint8Array(1024), blocks: new Array<Block | undefined>(1024).fill(undefined), regionOf: new Array<Region | undefined>(1024).fill(undefined), regions: [undefined, undefined], builds: [0, 0], reports: [0, 0] };
}

/** The compiled blocks of one CPU loop variant, by code page and slot, at most `limit` of
 *  them (bounds.ts: when full, the cache is emptied). */
export class BlockCache implements BlockProvider {
  private readonly frames: (Table | undefined)[];
  /** The tables of the VMM's code pages (they go when their page goes). */
  private supplied = new WeakMap<Int32Array, Table>();
  private readonly cold = coldTable();
  private ctx!: LoopContext;
  /** What a block's code depends on beside its words: the variant and the cycle costs. */
  private codeKey = '';
  /** Blocks compiled so far, and live now; regions compiled (a page's blocks joined), of
   *  them those built at once as an earlier machine of the process had them (replay). */
  blocksCompiled = 0;
  regionsCompiled = 0;
  regionsReplayed = 0;
  private replaying = false;
  liveBlocks = 0;
  /** Frames that have (or had) a table of their own, and times the cache was emptied. */
  tablesMade = 0;
  flushes = 0;
  /** Changes whenever blocks are dropped (BlockProvider.version). */
  version = 0;

  /** `shared` is bumped with version: one count over all of a processor's caches, read at
   *  every port access (Processor.codeVersion). */
  constructor(
    private readonly variant: Variant,
    frameCount: number,
    private readonly limit: number,
    private readonly shared: { version: number },
  ) {
    this.frames = new Array<Table | undefined>(frameCount).fill(undefined);
  }

  /** The loop context blocks run in (set once the loop is built). */
  bind(ctx: LoopContext): void {
    this.ctx = ctx;
    this.codeKey = variantKey(this.variant, ctx.cycles);
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
    if (!t) return false;
    let covered = false;
    for (let k = first; k <= last && !covered; k++) covered = t.covered[k] !== 0;
    if (!covered) return false;
    for (let s = 0; s < 1024; s++) {
      const block = t.blocks[s];
      if (block === undefined || !block.covers.some((k) => k >= first && k <= last)) continue;
      // (its region keeps running its other blocks: their slots' live bits lose this one's)
      const region = t.regionOf[s]!;
      const joined = region.blocks.indexOf(block);
      if (joined >= 0) region.blocks.splice(joined, 1);
      region.size -= block.length;
      const member = region.members.indexOf(block);
      if (member >= 0) region.live &= ~(1 << member);
      for (const m of region.members) if (t.regionOf[m.slots[0]!] === region) t.live[m.slots[0]!] = region.live;
      t.live[s] = 0;
      t.fns[s] = undefined;
      t.blocks[s] = undefined;
      t.regionOf[s] = undefined;
      for (const k of block.covers) t.covered[k]!--;
      this.ctx.memory.coverCode(frame, block.covers, -1);
      t.count--;
      this.liveBlocks--;
      // (REHEAT entries after the first drop, twice as many after each next, up to
      // REHEAT << MAX_BACKOFF; heat wraps round through 0 to HOT_THRESHOLD)
      t.heat[s] = HOT_THRESHOLD - (REHEAT << t.drops[s]!);
      if (t.drops[s]! < MAX_BACKOFF) t.drops[s]!++;
    }
    this.version++;
    this.shared.version++;
    return true;
  }

  /** A frame's regions (for tests and the curious): each one's mode and the first slots of
   *  the blocks it runs now. */
  regionsIn(frame: number): { mode: number; slots: number[] }[] {
    const t = this.frames[frame];
    if (!t) return [];
    return t.regions.flatMap((region, mode) => (region ? [{ mode, slots: region.members.filter((_, i) => (region.live & (1 << i)) !== 0).map((b) => b.slots[0]!) }] : []));
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
    this.version++;
    this.shared.version++;
    this.ctx.cpu.fetchEpoch++;
  }

  /** Compile the block starting at `slot` of a code page into the page's table (made now if
   *  the page has none). */
  compile(code: Int32Array, base: number, slot: number, mode: number): FrameBlocks {
    const memory = this.ctx.memory;
    const physical = code === memory.words;
    const frame = base >>> 10;
    const words: number[] = [];
    const slots: number[] = [];
    // The word the block runs on into, when it ends full or before a sensitive instruction
    // it leaves to the interpreter: compiled with it (see CHAIN).
    let next = -1;
    // The block follows the likely path on this page: past a conditional branch to the next
    // word (a taken branch leaves the block), through jmp and call to their targets.
    let s = slot;
    for (; s >= 0 && s < 1024 && words.length < MAX_BLOCK && !slots.includes(s); ) {
      const word = code[base + s]!;
      // A callout (binary translation's exit into the VMM) ends the block, but for an inline
      // one (below); the region goes on after it where the VMM leaves the CPU (see
      // regionSource). A fill callout's slot is about to be rewritten: the block ends before it.
      if (word === CALLOUT_FILL) break;
      if (word >>> 24 === CALLOUT_OPCODE) {
        words.push(word);
        slots.push(s);
        // (an inline callout is carried out in place: the block goes on after it)
        if (isInlineCallout(word)) {
          s++;
          continue;
        }
        break;
      }
      const d = decode(word);
      if (!d) break;
      // The probe variant: a sensitive instruction is left to the interpreter, whose hook
      // reads the register file and FLAGS in the middle of it (so that compiled code keeps
      // registers in locals in every variant).
      if (this.variant.probe && d.spec.class === 'sensitive') {
        next = s + 1;
        break;
      }
      words.push(word);
      slots.push(s);
      if (!d.spec.flow) s++;
      // (indirect jumps, traps, rfe, hlt: the block ends; a branch back to its start: it loops;
      // another backward branch or jmp closes a loop the block would run out of)
      else if (d.spec.format !== 'rel' || s + d.off === slot || (d.off <= 0 && d.spec.mnemonic !== 'call')) break;
      else s = d.spec.group === 'jump' ? s + d.off : s + 1;
    }
    if (words.length === MAX_BLOCK && s < 1024 && !slots.includes(s)) next = s;
    if (words.length === 0 || this.own(code, base)?.fns[slot]) return this.chain(code, base, next, mode);
    if (this.liveBlocks >= this.limit) this.empty();
    let table = this.own(code, base);
    if (!table) {
      table = coldTable();
      if (physical) this.frames[frame] = table;
      else this.supplied.set(code, table);
      this.tablesMade++;
    }
    const arms = this.armsOf(code, base, words, slots);
    const length = arms.reduce((sum, arm) => sum + arm.extra, words.length);
    const block: Block = { words, slots, arms, covers: [...slots, ...arms.flatMap((arm) => arm.slots)], length, mode };
    const key = this.regionKey([block]);
    this.install(table, { blocks: [block], size: length, members: [], live: 0 }, key);
    table.lengths[slot] = length;
    table.heat[slot] = HOT_THRESHOLD; // (a page's first block gets a fresh table: count on from here)
    table.blocks[slot] = block;
    for (const k of block.covers) table.covered[k]!++;
    // (a word it covers counts its entries from 0 again: interpreter.ts HOT_THRESHOLD)
    for (const k of block.covers) if (k !== slot && table.fns[k] === undefined) table.heat[k] = 0;
    table.count++;
    this.liveBlocks++;
    if (physical) memory.coverCode(frame, block.covers, 1);
    this.blocksCompiled++;
    if (!this.replaying) this.replay(table, code, base, key);
    return this.chain(code, base, next, mode);
  }

  /** CHAIN: the block at `next` (-1: none) of a code page, compiled now if it is not yet,
   *  and there is room for it without emptying the cache; returns the page's table now. A
   *  block's successor that it runs on into is as hot as the block, but the interpreter
   *  counts only arrivals other than falling through (interpreter.ts HOT_THRESHOLD): the
   *  successor of a full block would be compiled only HOT_THRESHOLD runs after it, and the
   *  word after a sensitive instruction that the probe variant interprets, never (a
   *  kernel's `getf` under trap: the code after it was interpreted for good). */
  private chain(code: Int32Array, base: number, next: number, mode: number): FrameBlocks {
    if (next >= 0 && next < 1024 && this.liveBlocks < this.limit && !this.own(code, base)?.fns[next]) return this.compile(code, base, next, mode);
    return this.table(code, base);
  }

  /** A block was just compiled: if a region of the process had it (plans), and this page has
   *  no region of that mode yet, build that region now, its other blocks compiled here,
   *  provided each comes out as it was (the same words) and its function is in the cache
   *  (replaying never makes new code). */
  private replay(table: Table, code: Int32Array, base: number, key: string): void {
    const plan = plans.get(key);
    // (room for all of its blocks: compiling them never empties the cache under the table)
    if (!plan || table.regions[plan.mode] || this.liveBlocks + plan.slots.length >= this.limit) return;
    this.replaying = true;
    try {
      for (const slot of plan.slots) if (!table.blocks[slot]) this.compile(code, base, slot, plan.mode);
    } finally {
      this.replaying = false;
    }
    const blocks = plan.slots.map((slot) => table.blocks[slot]);
    if (blocks.some((b) => b === undefined || b.mode !== plan.mode)) return;
    const members = blocks as Block[];
    const regionKey = this.regionKey(members);
    if (!regions.get(regionKey)) return;
    const region: Region = { blocks: members, size: members.reduce((sum, b) => sum + b.length, 0), members: [], live: 0 };
    if (!this.install(table, region, regionKey)) return;
    table.regions[plan.mode] = region;
    table.builds[plan.mode] = plan.builds;
    table.reports[plan.mode] = 0;
    this.regionsCompiled++;
    this.regionsReplayed++;
  }

  /** The arms of a block's forward conditional branches (Arm): the words from a branch's
   *  target on, while each is an instruction not left to the interpreter, up to a word
   *  further on the path (the join) or through the first that changes control flow (an arm
   *  that leaves). Arms do not nest: a branch between another's and its join leaves the
   *  block when taken, as before. */
  private armsOf(code: Int32Array, base: number, words: readonly number[], slots: readonly number[]): Arm[] {
    const arms: Arm[] = [];
    let length = words.length;
    for (let at = 0, after = 0; at < words.length - 1; at++) {
      // (a callout word does not decode: no arm starts or runs through one)
      const d = at >= after ? decode(words[at]!) : undefined;
      if (!d || d.spec.group !== 'branch' || d.off <= 0) continue;
      const armWords: number[] = [];
      const armSlots: number[] = [];
      let join = -1;
      let leaves = false;
      for (let s = slots[at]! + d.off; s < 1024 && armWords.length <= MAX_ARM && !leaves; s++) {
        join = slots.indexOf(s);
        if (join >= 0) break;
        const word = code[base + s]!;
        const i = decode(word);
        if (!i || (this.variant.probe && i.spec.class === 'sensitive')) break;
        armWords.push(word);
        armSlots.push(s);
        leaves = i.spec.flow === true;
      }
      const extra = leaves ? armWords.length : Math.max(0, armWords.length - (join - at - 1));
      if ((leaves ? join >= 0 : join <= at) || armWords.length > MAX_ARM || length + extra > MAX_LENGTH) continue;
      arms.push({ at, join: leaves ? -1 : join, words: armWords, slots: armSlots, extra });
      length += extra;
      if (!leaves) after = join;
    }
    return arms;
  }

  /** The loop has entered the block at `slot` regionHeat times: it joins its page's region
   *  of its mode (unless the region is full), with the page's other blocks of that mode
   *  entered half as often. Every build makes the region's code cold again (the JavaScript
   *  engine optimizes it anew), so each build of a region waits for twice the reports of the
   *  one before: a page whose hot code keeps growing is compiled a logarithmic number of
   *  times. A refused block reports again a quarter of regionHeat entries later. Returns the
   *  page's table now. */
  join(code: Int32Array, base: number, slot: number): FrameBlocks {
    const table = this.own(code, base);
    const block = table?.blocks[slot];
    if (!table || !block || table.regionOf[slot] === table.regions[block.mode]) return this.table(code, base);
    const mode = block.mode;
    if (++table.reports[mode]! < 1 << table.builds[mode]!) {
      table.heat[slot] = this.ctx.regionHeat - Math.max(1, this.ctx.regionHeat >> 2);
      return table;
    }
    const region = (table.regions[mode] ??= { blocks: [], size: 0, members: [], live: 0 });
    const before = region.blocks.length;
    const sizeBefore = region.size;
    for (let s = 0; s < 1024; s++) {
      const other = table.blocks[s];
      if (!other || other.mode !== mode || table.regionOf[s] === region || (s !== slot && table.heat[s]! < this.ctx.regionHeat >> 1)) continue;
      if (region.blocks.length >= REGION_BLOCKS || region.size + other.length > REGION_WORDS) continue;
      region.blocks.push(other);
      region.size += other.length;
    }
    if (region.blocks.length === before) return table;
    let built = this.install(table, region);
    if (!built && region.blocks.length > before + 1 && region.blocks.includes(block)) {
      // too long to optimize with all of them: the reporting block joins alone
      region.blocks.length = before;
      region.blocks.push(block);
      region.size = sizeBefore + block.length;
      built = this.install(table, region);
    }
    if (built) {
      this.regionsCompiled++;
      if (region.members.length > 1) {
        if (plans.size >= PLAN_LIMIT) plans.clear();
        const plan: Plan = { slots: region.members.map((b) => b.slots[0]!), mode, builds: table.builds[mode]! + 1 };
        for (const member of region.members) plans.set(this.regionKey([member]), plan);
      }
    } else {
      region.blocks.length = before;
      region.size = sizeBefore;
    }
    // (a refused build backs off like one made: its source is not made again soon)
    table.builds[mode]!++;
    table.reports[mode] = 0;
    return table;
  }

  /** Compile a region (or find it compiled) and hand its blocks' slots to it. False, and
   *  nothing changed, when it has several blocks and its source is over REGION_SOURCE (a
   *  refusal the cache keeps, so that the source is not made again). */
  private install(table: Table, region: Region, key = this.regionKey(region.blocks)): boolean {
    const fn = compiled(
      regions,
      key,
      () => {
        const source = regionSource(region.blocks, this.variant, this.ctx.cycles);
        return source.length > REGION_SOURCE && region.blocks.length > 1 ? null : source;
      },
      REGION_CACHE_LIMIT,
    );
    if (fn === null) return false;
    region.members = [...region.blocks];
    region.live = (1 << region.members.length) - 1; // (at most REGION_BLOCKS: 16 bits)
    for (const member of region.members) {
      table.fns[member.slots[0]!] = fn;
      table.regionOf[member.slots[0]!] = region;
      table.live[member.slots[0]!] = region.live;
    }
    return true;
  }

  /** A region's key in the cache, and a plan's for a block (as a region of one): the same
   *  code, the same text. */
  private regionKey(blocks: readonly Block[]): string {
    return `${this.codeKey}|${blocks.map(blockKey).join('|')}`;
  }

  /** The cache is full: drop every block (they are compiled again as code runs hot). */
  private empty(): void {
    const words = this.ctx.memory.codeWords;
    this.frames.forEach((t, frame) => {
      if (t) for (let k = 0; k < 1024; k++) words[frame]![k]! -= t.covered[k]!;
    });
    this.frames.fill(undefined);
    this.supplied = new WeakMap();
    this.liveBlocks = 0;
    this.flushes++;
    this.version++;
    this.shared.version++;
    this.ctx.cpu.fetchEpoch++;
  }
}

/** After a load or store that missed the TLB (its walk filled an entry): the loop would
 *  fetch the next instruction through the TLB again. The region goes on as that fetch would
 *  when the entry it was entered through (`cs`: where its code page's entry starts) still
 *  holds the same page, frame and permissions, readable in this mode, and no compiled block
 *  was dropped (a walk's A/D writes may reach code); the fill may have taken a slot the page
 *  caches held, so they are emptied. When the fill took the code page's own entry (data
 *  whose page shares its TLB slot: a direct-mapped TLB's conflict), the fetch misses: the
 *  region makes it (REFETCH), on its page and within the slice, as the loop would, and goes
 *  on if it found the same code. Otherwise it returns, and the loop fetches (the TLB
 *  figures are the interpreter's either way). */
const AFTER_MISS =
  'if (fvpn !== 0) { if (TE[cs] !== ctag || TE[cs + 1] !== centry || (centry & rmask) === 0) { if (((pc - base) >>> 12) !== 0 || n + k >= limit) break dispatch; break fetch; } ' +
  'if (JIT.version !== jv) break dispatch; fvpn = 0; rv = -1; wv = -1; xv = -1; }';

/** After an instruction wrote FLAGS and the hooks let the CPU go on (codegen.ts GoOn): in
 *  the mode the region was entered in, it goes on (to the block at the new pc, if it has
 *  one); in the other, it returns to the loop to fetch again (its masks are the mode's it
 *  was entered in). */
const REGION_GOES_ON: GoOn = (charge) => `if (((fl & F_S) ? 1 : 4) !== rmask) { ${charge}fvpn = -1; break dispatch; }`;

/** Whether a decoded word is a load or a store: an instruction that looks the TLB up once. */
function isMemory(d: ReturnType<typeof decode>): boolean {
  return d !== undefined && (d.spec.group === 'load' || d.spec.group === 'store');
}

/** Inside a block the counts are not kept per instruction: instruction i sets k = i + 1
 *  (instructions retired past n, itself included), a load or store sets q to the TLB
 *  lookups made past acc once it has made its own (after its alignment check), and each
 *  adds its extra cycles to e, all constants the JavaScript compiler folds away; n, acc and
 *  cy are brought up to date (COMMIT) wherever the block leaves. */
const COMMIT = 'n += k; acc += q; cy += e; k = 0; q = 0; e = 0;';

/** The source of a region: one function that runs any of its blocks, and from the end of
 *  one (or a side exit) goes straight on to the block at the new pc when that is a member,
 *  the slice allows all of it, and its bit is set in `live` (a write to a member's words
 *  takes it out; after a hook, a change of the cache's version sends the region back to the
 *  loop, which hands it the bits anew). Registers live in locals across the whole region, and
 *  compares only record their operands until FLAGS is needed whole.
 *  Each block is its instructions' bodies in turn (each advances pc by 4; the last may
 *  jump); one whose last instruction branches back to its start loops in place. After a
 *  load or store that missed the TLB the region goes on only where the next fetch through
 *  the TLB would find its code page as before (AFTER_MISS), else it returns, so that the TLB
 *  figures do not depend on what was compiled. Blocks are position-independent: `base` is
 *  the page the region was entered on. */
export function regionSource(blocks: readonly Block[], variant: Variant, cycles: Int32Array): string {
  const used = new Set<number>();
  const cases = blocks.map(({ words, slots, arms, length }, member) => {
    const start = slots[0]!;
    const at = (slot: number) => `((base + ${slot * 4}) | 0)`;
    const last = decode(words[words.length - 1]!);
    const loops = last !== undefined && last.spec.format === 'rel' && slots[slots.length - 1]! + last.off === start;
    // One instruction; k is its place since the counts were last committed, q the loads and
    // stores before it since then.
    const instruction = (word: number, k: number, q: number, side: string) => {
      const d = decode(word);
      let code: string;
      let memory = false;
      // (a callout, which does not decode: an inline one is carried out here on the virtual
      // CPU, its register in field a; any other is a trap with cause -1 and its word as the
      // address)
      const [a, b, c] = d ? [d.a, d.b, d.c] : [(word >>> 20) & 15, 0, 0];
      if (!d) code = calloutCode(cycles, trap('-1', String(word | 0)), word);
      else {
        memory = isMemory(d);
        code = instructionCode(d.spec, variant, cycles[d.spec.opcode]! - 1, { word, lazyFlags: true, pageCache: true }, REGION_GOES_ON);
        if (needsWholeFlags(d.spec)) code = `${MATERIALIZE_FLAGS} ${code}`;
      }
      code = code.replace(/(?<![A-Za-z_$])R\[(a|b|c|15)\]/g, (_, f: string) => {
        const r = f === 'a' ? a : f === 'b' ? b : f === 'c' ? c : 15;
        used.add(r);
        return `r${r}`;
      });
      // (the counts: see COMMIT)
      code = code.replace(/\bn\+\+/g, 'k++').replace(/\bn\b/g, '(n + k)').replace(/\bcy \+= /g, 'e += ').replace(/\bcy\b/g, '(cy + e)').replace(/\bacc\+\+;/, `q = ${q + 1};`);
      return `{ const w = ${word | 0}; k = ${k}; ${code}${memory ? ` ${AFTER_MISS}` : ''}${side} }`;
    };
    const lines: string[] = [];
    let committed = 0; // (the path's index where the counts were last committed: an arm's join)
    let lookups = 0; // (the loads and stores on the path since then)
    let open: Arm | undefined;
    words.forEach((word, i) => {
      if (open?.join === i) {
        lines.push(`${COMMIT} }`);
        committed = i;
        lookups = 0;
        open = undefined;
      }
      const arm = arms.find((a) => a.at === i);
      const d = decode(word); // (undefined for a callout)
      // a conditional branch inside the block: taken, it leaves the block (a side exit), or
      // runs its arm, which rejoins the path or leaves
      const taken = d?.spec.flow && i < words.length - 1 && d.spec.group !== 'jump' ? `pc !== ${at(slots[i + 1]!)}` : undefined;
      lines.push(instruction(word, i + 1 - committed, lookups, taken && !arm ? ` if (${taken}) { ${COMMIT} continue dispatch; }` : ''));
      if (isMemory(d)) lookups++;
      if (arm) {
        // (the arm counts from the branch's commit; the path after the join, from the join's)
        let armLookups = 0;
        const armCode = arm.words.map((w, x) => {
          const code = instruction(w, x + 1, armLookups, '');
          if (isMemory(decode(w))) armLookups++;
          return code;
        });
        const body = `${COMMIT} ${armCode.join(' ')} ${COMMIT}`;
        if (arm.join < 0) lines.push(`if (${taken}) { ${body} continue dispatch; }`);
        else {
          lines.push(`if (${taken}) { ${body} } else {`);
          open = arm;
        }
      }
    });
    const again = `${COMMIT} ${loops ? `if (pc !== ${at(start)} || n + ${length} > limit) continue dispatch;` : 'continue dispatch;'}`;
    return `      case ${start}: if ((live & ${1 << member}) === 0 || n + ${length} > limit) break dispatch;
        for (;;) {
${[...lines, again].map((line) => `          ${line}`).join('\n')}
        }`;
  });
  const regs = [...used].sort((x, y) => x - y);
  const load = regs.length ? `let ${regs.map((r) => `r${r} = R[${r}]`).join(', ')};` : '';
  const reload = regs.map((r) => ` r${r} = R[${r}];`).join('');
  const store = regs.map((r) => `R[${r}] = r${r};`).join(' ');
  // Fetches are counted by the loop; data lookups here (only when paging: no TLB otherwise).
  const WRITEBACK = `${COMMIT} ${MATERIALIZE_FLAGS} ${store} cpu.pc = pc; cpu.flags = fl; cpu.instructions = n; cpu.extraCycles = cy;${variant.paging ? ' tlb.lookups += acc;' : ''}`;
  const RELOAD = `pc = cpu.pc; fl = cpu.flags; n = cpu.instructions; cy = cpu.extraCycles; acc = 0;${reload}`;
  return `${PRELUDE}
return function region(ctx, limit, live, code, page) {
  ${CONTEXT}
  const JIT = ctx.jit, jv = JIT.version;
  let pc = cpu.pc, fl = cpu.flags, n = cpu.instructions, cy = cpu.extraCycles, acc = 0, tc = 0, ta = 0, fvpn = 0;
  const base = pc & -4096, rmask = (fl & F_S) ? 1 : 4, wmask = (fl & F_S) ? 2 : 8, atag = tlb.asidTag;
  const te = tlb.epoch, fe = cpu.fetchEpoch;
  const cs = ((base >>> 12) & TMASK) << 1, ctag = TE[cs], centry = TE[cs + 1];
  let fx = 0, fy = 0, lz = false, k = 0, q = 0, e = 0, rv = -1, rf = 0, wv = -1, wf = 0, xv = -1, xf = 0;
  ${load}
  loop: for (;;) {
    fetch: {
      trap: {
        dispatch: for (;;) {
          const d = (pc - base) | 0;
          if ((d >>> 12) !== 0) break;
          switch (d >>> 2) {
${cases.join('\n')}
          }
          break;
        }
        ${WRITEBACK} return fvpn;
      }
      // A trap (cause tc, address ta; -1 a callout, ta its word): the instruction did not
      // retire, its fetch was looked up. The hooks take it here, as the loop's would; the
      // region goes on where they leave the CPU while nothing it assumed has changed: no TLB
      // entry or tag, nothing else about fetching, the mode it was entered in (rmask and
      // wmask are that mode's), no compiled block dropped (live).
      k--; acc++;
      ${WRITEBACK}
      if (tc === -1 ? m.callout(pc, ta) : m.raise(tc, ta, pc)) return 2;
      if (fvpn !== 0 || tlb.epoch !== te || cpu.fetchEpoch !== fe || ((cpu.flags & F_S) ? 1 : 4) !== rmask) return -1;
      if (JIT.version !== jv) return 0;
      ${RELOAD}
      continue loop;
    }
    // REFETCH (AFTER_MISS): a data walk took the code page's TLB entry, and the loop would
    // fetch pc through the TLB now. The fetch is made here, as the loop's; the region goes on
    // at pc when it found the page it was entered from and nothing else changed, else the
    // loop takes the fetch's answer as its own (${FETCHED}).
    ${WRITEBACK}
    const fp = m.fetchPage(pc, fl);
    if (fp !== page || m.fetchArray !== code || cpu.fetchEpoch !== fe || JIT.version !== jv) { ctx.fetched = fp; return ${FETCHED}; }
    fvpn = 0; rv = -1; wv = -1; xv = -1;
    ${RELOAD}
  }
  ${WRITEBACK} return 2;
};`;
}
