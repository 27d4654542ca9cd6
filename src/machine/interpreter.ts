// The hot loop: a TOY32 interpreter compiled from the ISA table's `exec` snippets, with a
// block compiler (jit.ts) for hot code.
//
// The generated function is one `while` over a `switch` on the opcode: the one place in
// vmm where a long switch is right. It keeps pc, FLAGS, the instruction count and cycles in
// locals and allocates nothing per instruction. Fetches go through a one-page fetch cache
// (refilled through the TLB when pc leaves the page, and dropped whenever the TLB or the
// mode changes, so TLB figures stay exact); loads and stores check the TLB inline. Where a
// compiled block starts at pc and fits in the slice, the loop calls it instead.
//
// Variants are compiled lazily, one per combination of paging, strict, probe and nonroot (see
// codegen.ts). Anything that is not plain computation (traps, ports, control registers,
// halts) calls out to the ExecutionHooks and leaves the loop, so exits cost nothing until
// they happen; an `out`, an `in` and most `mtcr`s leave only when the hooks say so. A
// callout word (opcode 0xff) is the VMM's, but for the inline ones, which the CPU carries
// out on the virtual CPU itself (execution.ts INLINE_CALLOUT).

import { INSTRUCTIONS } from '../isa/table.js';
import { calloutCode, compiled, CONTEXT, instructionCode, PRELUDE, trap, variantKey, type GoOn, type Variant } from './codegen.js';
import { CALLOUT_OPCODE, FETCHED, type LoopContext, type RunLoop } from './execution.js';

export type { Variant } from './codegen.js';

/** The loop of one variant, shared by every machine in the process (codegen.ts CONTEXT). */
type SharedLoop = (ctx: LoopContext, limit: number) => void;
const loops = new Map<string, SharedLoop>();

export function compileLoop(variant: Variant, ctx: LoopContext): RunLoop {
  const key = `${variantKey(variant, ctx.cycles)}:${ctx.regionHeat}`;
  const shared = compiled(loops, key, () => generateSource(variant, ctx.cycles, ctx.regionHeat));
  return (limit) => shared(ctx, limit);
}

/** The TLB permission bits a read and a write need in the mode of fl (tlb.ts PERM). */
const MODE_MASKS = 'rmask = (fl & F_S) ? 1 : 4; wmask = (fl & F_S) ? 2 : 8;';

export const SAVE = 'cpu.pc = pc; cpu.flags = fl; cpu.instructions = n; cpu.extraCycles = cy;';
/** Back from a hook or a block: the CPU state again. The fetch page stays while neither the
 *  TLB (Tlb.epoch), the mode bit nor anything else about fetching (CpuState.fetchEpoch) has
 *  changed, and (paging) the TLB still holds the page's translation: then fetchPage would
 *  find the same page with a TLB hit, so the TLB figures are the same as if it had. */
function load(variant: Variant): string {
  const held = variant.paging ? ' || TE[(fvpn & TMASK) << 1] !== (fvpn | tlb.asidTag) || (TE[((fvpn & TMASK) << 1) + 1] & ((fl & F_S) ? 1 : 4)) === 0' : '';
  return (
    'pc = cpu.pc; fl = cpu.flags; n = cpu.instructions; cy = cpu.extraCycles;' +
    ` if (tlb.epoch !== te || cpu.fetchEpoch !== fe || ((fl ^ fs) & F_S) !== 0${held}) fvpn = -1;` +
    ` ${MODE_MASKS} atag = tlb.asidTag;`
  );
}

/** The generated source of one variant (exported for tests and the curious).
 *  Traps jump (`break trap`) to the one shared trap path after the switch, with the cause
 *  in tc and the address in ta; tc = -1 means a binary-translation callout. */
function switchCases(variant: Variant, cycles: Int32Array, goOn?: GoOn): string {
  return INSTRUCTIONS.map(
    (spec) => `        case ${spec.opcode}: { // ${spec.mnemonic}\n          ${instructionCode(spec, variant, cycles[spec.opcode]! - 1, undefined, goOn)} break; }`,
  ).join('\n');
}

/** After an instruction wrote FLAGS and the hooks let the CPU go on (GoOn): the masks of
 *  the mode it is in now, and a fetch again if it changed mode (the fetch page was looked
 *  up for the other). */
const LOOP_GOES_ON: GoOn = () => `${MODE_MASKS} if (((fl ^ fs) & F_S) !== 0) fvpn = -1;`;

export function generateSource(variant: Variant, cycles: Int32Array, regionHeat = REGION_HEAT): string {
  const cases = switchCases(variant, cycles, LOOP_GOES_ON);
  const LOAD = load(variant);
  return `${PRELUDE}
const HOT = ${HOT_THRESHOLD}, REGION = ${regionHeat};
return function run(ctx, limit) {
  ${CONTEXT}
  const JIT = ctx.jit;
  let pc = 0, fl = 0, n = 0, cy = 0, fvpn = -1, fbase = 0, F = M32, acc = 0, rmask = 1, wmask = 2, atag = 0, tc = 0, ta = 0, w = 0, JT = null, te = 0, fe = 0, fs = 0, fetched = false, nx = -1;
  ${LOAD}
  fvpn = -1;
  const n0 = n;
  loop: while (n < limit) {
    trap: {
      if ((pc >>> 12) !== fvpn) {
        // (a block that returned ${FETCHED} made this fetch already)
        const page = fetched ? ctx.fetched : m.fetchPage(pc, fl);
        fetched = false;
        if (page < 0) { n++; ${trap('-page', 'pc')} }
        F = m.fetchArray; fbase = page; fvpn = pc >>> 12; te = tlb.epoch; fe = cpu.fetchEpoch; fs = fl; nx = -1;
        JT = JIT !== null ? JIT.table(F, page) : null;
      }
      if (JT !== null) {
        const s = (pc & 4095) >>> 2;
        let f = JT.fns[s];
        if (f !== undefined) {
          if (n + JT.lengths[s] <= limit) {
            if (++JT.heat[s] === REGION) {
              JT = JIT.join(F, fbase, s);
              f = JT.fns[s];
              if (f === undefined) continue loop;
            }
            ${SAVE}
            nx = -1;
            const r = f(ctx, limit, JT.live[s], F, fbase);
            if (r === 0) { pc = cpu.pc; fl = cpu.flags; n = cpu.instructions; cy = cpu.extraCycles; continue loop; }
            ${LOAD}
            if (r === -1 || r === ${FETCHED}) { fvpn = -1; fetched = r === ${FETCHED}; continue loop; }
            break loop;
          }
        } else if ((pc !== nx || JT.heat[s] === 0) && ++JT.heat[s] === HOT) {
          // run the new block at once: interpreting on, the next instructions (as hot) would
          // each start a block of their own, one word shorter
          JT = JIT.compile(F, fbase, s, (fl & F_S) !== 0 ? 1 : 0);
          if (JT.fns[s] !== undefined) continue loop;
        }
      }
      nx = (pc + 4) | 0;
      w = F[fbase + ((pc & 4095) >>> 2)];
      n++;
      switch (w >>> 24) {
${cases}
        default: if ((w >>> 24) === ${CALLOUT_OPCODE}) { ${calloutCode(cycles, trap('-1', '0'))} break; } ${trap('C_ILLEGAL', '0')}
      }
      continue loop;
    }
    // The shared trap path: the instruction did not retire (TRAP_NEXT compensated).
    n--;
    acc++;
    ${SAVE}
    const leave = tc === -1 ? m.callout(pc, w) : m.raise(tc, ta, pc);
    ${LOAD}
    nx = -1;
    if (leave) break loop;
  }
  ${SAVE}
  ${variant.paging ? 'tlb.lookups += (n - n0) + acc;' : ''}
};`;
}

/** Interpreted entries at an instruction before a block starting there is compiled: its
 *  first run, and then arrivals other than by falling through from the instruction
 *  interpreted just before (nx), such as a jump or branch, a return from a block or a trap, a
 *  new fetch page. So a block starts where control flow arrives, and the words of a block
 *  that did not fit the end of a slice, interpreted one after another there, do not each
 *  start a block of their own (which, at every quantum, made a block at nearly every word of
 *  a large loop: 10× slower than not compiling, and 64× the code). */
export const HOT_THRESHOLD = 16;
/** Runs of a block entered from the loop (not from its region) before it joins its page's
 *  region (jit.ts). */
export const REGION_HEAT = 1024;

/** Execute one instruction word at cpu.pc; returns 0 when it completed, 1 when it trapped
 *  (cause and address in cpu.trapCause/trapAddress; nothing retired). */
export type StepFunction = (word: number) => number;

const steps = new Map<string, (ctx: LoopContext, word: number) => number>();

/** A single-step function over the same instruction bodies as the loop (the VMM's
 *  emulator: one instruction on a virtual CPU, no fetch, no loop). */
export function compileStep(variant: Variant, ctx: LoopContext): StepFunction {
  const key = variantKey(variant, ctx.cycles);
  const shared = compiled(steps, key, () => generateStepSource(variant, ctx.cycles));
  return (word) => shared(ctx, word);
}

export function generateStepSource(variant: Variant, cycles: Int32Array): string {
  return `${PRELUDE}
return function step(ctx, w) {
  ${CONTEXT}
  let pc = cpu.pc, fl = cpu.flags, n = cpu.instructions + 1, cy = cpu.extraCycles, acc = 0, tc = 0, ta = 0, fvpn = 0;
  const rmask = (fl & F_S) ? 1 : 4, wmask = (fl & F_S) ? 2 : 8, atag = tlb.asidTag;
  loop: {
    trap: {
      switch (w >>> 24) {
${switchCases(variant, cycles)}
        default: ${trap('C_ILLEGAL', '0')}
      }
      ${SAVE} return 0;
    }
    cpu.trapCause = tc; cpu.trapAddress = ta; return 1;
  }
  ${SAVE} return 0;
};`;
}
