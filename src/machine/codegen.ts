// Code generation from the ISA table: the JavaScript of one instruction, from its `exec`
// snippet (vocabulary in src/isa/table.ts) with the macros expanded. The interpreter uses
// it with fields decoded from the word at run time; the block compiler with the fields of a
// known word as constants. Both run the very same instruction bodies.
//
// The generated code lives in a scope that provides: R CR M32 M8 CODE CW TE TMASK MEMSZ
// XO XR XW XP XI (arrays), m (ExecutionHooks), mem (PhysicalMemory), the constants of CONSTANTS, and the
// variables pc fl n cy acc tc ta fvpn rmask wmask atag. A trap is `break trap` with the
// cause in tc and the address in ta; RESYNC is `break loop`, and FLAGS_WRITTEN leaves the
// same way when the hooks say so (see GoOn).

import { CAUSES, CONTROL_REGISTERS, CR, FLAG, FLAGS_MASK } from '../isa/arch.js';
import { FORMATS, unusedBits, type OperandKind } from '../isa/formats.js';
import { BY_MNEMONIC, COMPARE_FLAGS, type InstructionSpec } from '../isa/table.js';
import { controlRegisterMask } from './cpu.js';
import { INLINE_CALLOUT, inlineCallout, isInlineCallout } from './execution.js';
import { VM_EXIT_CAUSE, VM_WINDOW_CAUSE } from './vmx.js';
import { MMIO_BASE } from './platform.js';

export interface Variant {
  /** Data accesses go through the TLB (else physical, bounds-checked). */
  readonly paging: boolean;
  /** Sensitive instructions are privileged (Popek & Goldberg's condition holds). */
  readonly strict: boolean;
  /** Sensitive instructions executed in user mode are reported to hooks.noteSensitive. */
  readonly probe: boolean;
  /** Non-root operation (vmx.ts): an instruction whose exit control is set leaves guest
   *  code with VM_EXIT_CAUSE before it executes. */
  readonly nonroot?: boolean;
}

/** In non-root operation, the test of an instruction's exit control (vmx.ts's arrays: XO by
 *  opcode, XR/XW by control register, XP the I/O bitmap). */
const EXIT_CONTROL: Readonly<Record<string, string>> = {
  in: '(XP[imm >>> 3] & (1 << (imm & 7))) !== 0',
  out: '(XP[imm >>> 3] & (1 << (imm & 7))) !== 0',
  mfcr: 'XR[imm] === 1',
  mtcr: 'XW[imm] === 1',
  hlt: 'XO[OP] === 1',
  invlpg: 'XO[OP] === 1',
  tlbflush: 'XO[OP] === 1',
  cpuid: 'XO[OP] === 1',
};

/** The instructions that can set IE: in non-root operation, with interrupt-window exiting
 *  on, each leaves guest code after it retires once IE is set (VM_WINDOW_CAUSE). */
const WINDOW_OPENERS = new Set(['sti', 'setf', 'rfe']);

export const CONSTANTS = [
  ...Object.entries(FLAG).map(([k, v]) => `F_${k} = ${v}`),
  ...CAUSES.map((c) => `C_${c.name.toUpperCase().replace('-', '_')} = ${c.code}`),
  ...Object.entries(CR).map(([k, v]) => `CR_${k} = ${v}`),
  `CR_COUNT = ${CONTROL_REGISTERS.length}`,
  `FLAGS_MASK = ${FLAGS_MASK}`,
  `C_VMEXIT = ${VM_EXIT_CAUSE}`,
  `C_VMWINDOW = ${VM_WINDOW_CAUSE}`,
  `MMIO_PAGE = ${MMIO_BASE >>> 12}`,
].join(', ');

/** What the source of every generated function starts with: strict mode and the ISA's
 *  constants. */
export const PRELUDE = `'use strict';
const ${CONSTANTS};`;

/** The function a generated source returns, compiled once per key in the process (`cache`
 *  is emptied when it holds `limit`: the text and code are its memory). A `source` that
 *  answers null makes no function: null is cached for the key, so it is not asked again. */
export function compiled<F>(cache: Map<string, F>, key: string, source: () => string, limit?: number): F;
export function compiled<F>(cache: Map<string, F | null>, key: string, source: () => string | null, limit?: number): F | null;
export function compiled<F>(cache: Map<string, F | null>, key: string, source: () => string | null, limit = Infinity): F | null {
  let fn = cache.get(key);
  if (fn === undefined) {
    if (cache.size >= limit) cache.clear();
    const text = source();
    fn = text === null ? null : (new Function(text)() as F);
    cache.set(key, fn);
  }
  return fn;
}

/** The first statements of every generated function: the machine it runs on, from its
 *  LoopContext (the parameter `ctx`). A generated function is not bound to one machine:
 *  one function per variant (and per region's words) serves every machine in the process,
 *  so the JavaScript engine optimizes it once, not again for each new machine. */
export const CONTEXT = `const { cpu, hooks: m, memory: mem, tlb } = ctx;
  const R = cpu.regs, CR = cpu.cr, M32 = mem.words, M8 = mem.bytes, CODE = mem.codeFrames, CW = mem.codeWords;
  const TE = tlb.entries, TMASK = tlb.mask, MEMSZ = mem.size;
  const XO = cpu.exitControls.opcode, XR = cpu.exitControls.crRead, XW = cpu.exitControls.crWrite, XP = cpu.exitControls.port, XI = cpu.exitControls.interruptWindow;`;

/** What generated code depends on beside the words it was made from: the variant and the
 *  cycle costs compiled into it (the key of every cache of generated code). */
export function variantKey(variant: Variant, cycles: Int32Array): string {
  return `${+variant.paging}${+variant.strict}${+variant.probe}${+(variant.nonroot ?? false)}:${cycles.join(',')}`;
}

export function trap(cause: string, addr: string): string {
  return `{ tc = ${cause}; ta = ${addr}; break trap; }`;
}

/** A known word (block compiler), or undefined to decode `w` at run time. Compiled code
 *  stays position-independent: pc is a variable, branch targets are pc-relative. With
 *  `lazyFlags`, a compare only records its operands (fx, fy; lz = true) and branches test
 *  them directly; FLAGS is completed by MATERIALIZE_FLAGS where it is needed. */
export interface Fixed {
  readonly word: number;
  readonly lazyFlags?: boolean;
  /** The page of the last TLB hit for a read (rv, its frame's address rf) and for a write
   *  (wv, wf; xv, xf for a frame with compiled code) is kept in locals, and an access to the
   *  same page uses it without the TLB's arrays. Sound only where the TLB cannot change
   *  between two accesses without the code leaving (a region: a miss, a flush, an invlpg, a
   *  write to ptbr or asid all leave it). */
  readonly pageCache?: boolean;
}

/** An inline callout (execution.ts INLINE_CALLOUT) of `kind` for control register `index`,
 *  its general register in field a (as instructionCode's operand fields): the access on the
 *  virtual CPU where there is one and the CPU is in supervisor mode (as mfcr and mtcr do it
 *  on the CPU's own), charged the cycles of the instruction it stands for, else `fallback`;
 *  undefined if the word is not an inline callout. */
function inlineCode(kind: number, index: number, a: string, cycles: Int32Array, fallback: string): string | undefined {
  if (!isInlineCallout(inlineCallout(kind, 0, index))) return undefined;
  const read = kind === INLINE_CALLOUT.READ_CR;
  const extra = cycles[BY_MNEMONIC.get(read ? 'mfcr' : 'mtcr')!.opcode]! - 1;
  const charge = extra ? `cy += ${extra}; ` : '';
  const access = read ? `R[a] = v.cr[${index}];` : `v.cr[${index}] = R[a] & ${controlRegisterMask(index)}; v.crVersion++;`;
  return `{ const a = ${a}, v = cpu.virtualCpu; if (v === null || (fl & F_S) === 0) ${fallback} ${access} ${charge}pc = (pc + 4) | 0; }`;
}

/** The JavaScript of a callout word (opcode 0xff): an inline callout (inlineCode), else
 *  `fallback` (the callout's trap). `word` known (block compiler), or undefined to decode
 *  `w` at run time. */
export function calloutCode(cycles: Int32Array, fallback: string, word?: number): string {
  if (word !== undefined) return inlineCode((word >>> 16) & 15, word & 0xffff, String((word >>> 20) & 15), cycles, fallback) ?? fallback;
  const cases: string[] = [];
  for (const kind of Object.values(INLINE_CALLOUT)) {
    for (let index = 0; index < CONTROL_REGISTERS.length; index++) {
      const code = inlineCode(kind, index, '(w >>> 20) & 15', cycles, fallback);
      if (code !== undefined) cases.push(`case ${(kind << 16) | index}: ${code} break;`);
    }
  }
  return `switch (w & 0xfffff) { ${cases.join(' ')} default: ${fallback} }`;
}

/** Set Z N C V of FLAGS from a compare of x with y (expressions). */
function compareToFlags(x: string, y: string): string {
  return `{ const x = ${x}, y = ${y}, d = (x - y) | 0; fl = (fl & ~15) | ${COMPARE_FLAGS}; }`;
}

/** Complete FLAGS from a lazy compare (block compiler). */
export const MATERIALIZE_FLAGS = `if (lz) { ${compareToFlags('fx', 'fy')} lz = false; }`;

/** Whether an instruction reads or writes FLAGS as a whole (not just its compare bits through
 *  COMPARE/CONDITION, nor the mode bit): FLAGS must be complete before it runs. */
export function needsWholeFlags(spec: InstructionSpec): boolean {
  const rest = withMacro(withMacro(spec.exec, 'COMPARE', ',', () => ''), 'CONDITION', ';', () => '');
  return /\bfl\b/.test(rest) || /\bSYNC\b/.test(rest.replace(/RESYNC/g, ''));
}

/** What the code does after FLAGS_WRITTEN where the hooks let the CPU go on, the mode
 *  bit perhaps changed (given the instruction's charge, for a way out that skips its end):
 *  the loop takes the new mode's masks and fetches again if the mode changed; a region
 *  returns to the loop if it did. Undefined: leave the loop anyway (RESYNC: the single
 *  step, which runs one instruction only). */
export type GoOn = (charge: string) => string;

/** The JavaScript of one instruction: its checks, operand fields, body and the step to the
 *  next pc. Cycles beyond the first are charged once the instruction has done its work. */
export function instructionCode(spec: InstructionSpec, variant: Variant, extraCycles: number, fixed?: Fixed, goOn?: GoOn): string {
  const kinds = FORMATS[spec.format].operands as readonly OperandKind[];
  const charge = extraCycles ? `cy += ${extraCycles}; ` : '';
  const exec = variant.nonroot && WINDOW_OPENERS.has(spec.mnemonic) ? spec.exec.replace(/(RESYNC|FLAGS_WRITTEN)/g, 'WINDOW_EXIT $1') : spec.exec;
  let body = expandMacros(exec, variant, charge, fixed?.lazyFlags === true, fixed?.pageCache === true, goOn);
  const privileged = spec.class === 'privileged' || (variant.strict && spec.class === 'sensitive');
  // the note's clock must read the same in every engine: the counts so far go to cpu first
  if (variant.probe && spec.class === 'sensitive') body = `if (!(fl & F_S)) { cpu.instructions = n; cpu.extraCycles = cy; m.noteSensitive(pc, w, fl); } ${body}`;
  const signed = kinds.some((k) => k === 'simm16' || k === 'mem');
  const field = (name: string, runtime: string, value: (w: number) => number | string) => {
    if (!new RegExp(`\\b${name}\\b`).test(body)) return undefined;
    return `${name} = ${fixed ? value(fixed.word) : runtime}`;
  };
  const decls = [
    field('a', '(w >>> 20) & 15', (w) => (w >>> 20) & 15),
    field('b', '(w >>> 16) & 15', (w) => (w >>> 16) & 15),
    field('c', '(w >>> 12) & 15', (w) => (w >>> 12) & 15),
    field('imm', signed ? '(w << 16) >> 16' : 'w & 0xffff', (w) => (signed ? (w << 16) >> 16 : w & 0xffff)),
    field('target', '(pc + ((w << 8) >> 6)) | 0', (w) => `(pc + ${(w << 8) >> 6}) | 0`),
  ].filter((d): d is string => d !== undefined);
  const checks: string[] = [];
  const unused = unusedBits(spec.format);
  if (unused && !fixed) checks.push(`if (w & ${unused | 0}) ${trap('C_ILLEGAL', '0')}`);
  if (privileged) checks.push(`if (!(fl & F_S)) ${trap('C_PRIVILEGED', '0')}`);
  const control = variant.nonroot ? EXIT_CONTROL[spec.mnemonic] : undefined;
  // (the exit passes the instruction word as the trap's address: the VMM need not fetch it)
  if (control) body = `if (${control.replace('OP', String(spec.opcode))}) ${trap('C_VMEXIT', fixed ? String(fixed.word | 0) : 'w')} ${body}`;
  const next = spec.flow ? ` ${charge}` : ` ${charge}pc = (pc + 4) | 0;`;
  const decl = decls.length ? `const ${decls.join(', ')}; ` : '';
  return `${checks.join(' ')} ${decl}${body}${next}`;
}

/** Expand the statement macros of the `exec` vocabulary (see src/isa/table.ts). */
function expandMacros(exec: string, variant: Variant, charge: string, lazy: boolean, pageCache: boolean, goOn: GoOn | undefined): string {
  const compared = (cond: string) => cond.replace(/\bx\b/g, 'fx').replace(/\by\b/g, 'fy');
  const flagged = withMacro(exec, 'COMPARE', ',', ([x, y]) =>
    lazy ? `fx = ${x}; fy = ${y}; lz = true;` : compareToFlags(x!, y!),
  );
  return withMacro(flagged, 'CONDITION', ';', ([f, c]) => (lazy ? `(lz ? (${compared(c!)}) : (${f}))` : `(${f})`))
    .replace(/LOAD32\(([^,]+), (.+)\)$/, (_, dst: string, va: string) => access(variant, va, 'load32', dst, charge, pageCache))
    .replace(/LOAD8\(([^,]+), (.+)\)$/, (_, dst: string, va: string) => access(variant, va, 'load8', dst, charge, pageCache))
    .replace(/STORE32\((.+), ([^,]+)\)$/, (_, va: string, v: string) => access(variant, va, 'store32', v, charge, pageCache))
    .replace(/STORE8\((.+), ([^,]+)\)$/, (_, va: string, v: string) => access(variant, va, 'store8', v, charge, pageCache))
    .replace(/TRAP_NEXT\((\w+)\)/g, (_, cause: string) => `{ pc = (pc + 4) | 0; n++; acc--; ${charge}${trap(cause, '0')} }`)
    .replace(/TRAP\((\w+), ([^)]+)\)/g, (_, cause: string, addr: string) => trap(cause, addr))
    .replace(/JUMP\(([^)]+)\)/g, (_, t: string) => `{ const t = ${t}; if (t & 3) ${trap('C_MISALIGNED', 't')} pc = t; }`)
    .replace(/WINDOW_EXIT/g, `if (XI[0] === 1 && (fl & F_IE) !== 0) { n++; acc--; ${charge}${trap('C_VMWINDOW', '0')} }`)
    .replace(/FLAGS_WRITTEN/g, goOn ? `SYNC if (m.flagsWritten(fl)) { ${charge}break loop; } ${goOn(charge)}` : 'RESYNC')
    .replace(/RESYNC/g, `${charge}break loop;`)
    .replace(/SYNC /g, 'cpu.pc = pc; cpu.flags = fl; cpu.instructions = n; cpu.extraCycles = cy; ');
}

/** Replace each NAME(arg sep arg ...) in code, with parentheses balanced inside the args. */
function withMacro(code: string, name: string, separator: string, expand: (args: string[]) => string): string {
  let out = '';
  let at = 0;
  for (let start = code.indexOf(`${name}(`); start >= 0; start = code.indexOf(`${name}(`, at)) {
    out += code.slice(at, start);
    const args: string[] = [];
    let depth = 0;
    let from = start + name.length + 1;
    let i = from;
    for (; i < code.length; i++) {
      const ch = code[i];
      if (ch === '(') depth++;
      else if (ch === ')' && depth-- === 0) break;
      else if (ch === separator && depth === 0) {
        args.push(code.slice(from, i).trim());
        from = i + 1;
      }
    }
    args.push(code.slice(from, i).trim());
    out += expand(args);
    at = i + 1;
  }
  return out + code.slice(at);
}

type AccessKind = 'load32' | 'load8' | 'store32' | 'store8';

/** A load or store: alignment, translation (inline TLB hit, else the MMU's slow path), and
 *  for a store into a frame that compiled code came from, the invalidation of that code
 *  (the store completes, then the CPU leaves the loop so no stale block runs on). */
function access(variant: Variant, vaExpr: string, kind: AccessKind, operand: string, charge: string, pageCache: boolean): string {
  const word = kind === 'load32' || kind === 'store32';
  const write = kind === 'store32' || kind === 'store8';
  const align = word ? `if (va & 3) ${trap('C_MISALIGNED', 'va')} ` : '';
  // The memory-mapped device (platform.ts): the TLB never holds its page, so only the slow
  // path can reach it; the access goes to the device's hook, and the loop leaves after it.
  const device =
    `{ cpu.instructions = n; cpu.extraCycles = cy; ` +
    (kind === 'load32' ? `${operand} = m.mmioRead(pa) | 0;`
    : kind === 'load8' ? `${operand} = m.mmioRead(pa) & 255;`
    : kind === 'store32' ? `m.mmioWrite(pa, ${operand});`
    : `m.mmioWrite(pa, ${operand} & 255);`) +
    ` pc = (pc + 4) | 0; ${charge}break loop; } `;
  const op = (pa: string) =>
    kind === 'load32' ? `${operand} = M32[${pa} >> 2];`
    : kind === 'load8' ? `${operand} = M8[${pa}];`
    : kind === 'store32' ? `M32[${pa} >> 2] = ${operand};`
    : `M8[${pa}] = ${operand};`;
  const codeCheck = write ? ` if (CODE[pa >>> 12] !== 0 && CW[pa >>> 12][(pa & 4095) >>> 2] !== 0 && mem.onCodeWrite(pa >>> 12, (pa & 4095) >>> 2, (pa & 4095) >>> 2)) { pc = (pc + 4) | 0; ${charge}break loop; }` : '';
  if (!variant.paging) {
    return `{ const va = ${vaExpr}; ${align}const pa = va; if (va < 0 || va >= MEMSZ) { if ((va >>> 12) === MMIO_PAGE) ${device}${trap('C_BUS', 'va')} } ${op('pa')}${codeCheck} }`;
  }
  // (sets pa: the TLB's hit, else the MMU's slow path)
  // (tlb.ts: a slot's two words, its tag and its frame | PERM bits)
  const lookup = (hit: string) =>
    `const sl = (vp & TMASK) << 1, ent = TE[sl + 1]; if (TE[sl] === (vp | atag) && (ent & ${write ? 'wmask' : 'rmask'}) !== 0) ${hit} ` +
    `else { pa = m.dataTranslate(va, ${write}, fl); fvpn = -1; if (pa < 0) ${trap('-pa', 'va')} if (pa >= MEMSZ) ${device}}`;
  if (!pageCache) return `{ const va = ${vaExpr}; ${align}acc++; const vp = va >>> 12; let pa; ${lookup('pa = (ent & -4096) | (va & 4095);')} ${op('pa')}${codeCheck} }`;
  // The page caches: a hit fills the cache of its kind, and the other kind's too when the
  // entry allows that access (a load and a store to one page, as in a read-modify-write,
  // look the TLB up once). A writable page goes to one of two caches: wv for a frame
  // without compiled code, whose stores need no code check (code is compiled only in the
  // loop, never while a region runs, so a frame's code can only go away meanwhile), xv for
  // one with code (data beside code: the check stays).
  const writable = `if (CODE[f >>> 12] === 0) { wv = vp; wf = f; } else { xv = vp; xf = f; }`;
  const fill = write
    ? `{ const f = ent & -4096; pa = f | (va & 4095); ${writable} if ((ent & rmask) !== 0) { rv = vp; rf = f; } }`
    : `{ const f = ent & -4096; pa = f | (va & 4095); rv = vp; rf = f; if ((ent & wmask) !== 0) ${writable} }`;
  const [cv, cf] = write ? ['wv', 'wf'] : ['rv', 'rf'];
  const slow = write ? `if (vp === xv) pa = xf | (va & 4095); else { ${lookup(fill)} }` : lookup(fill);
  return `{ const va = ${vaExpr}; ${align}acc++; const vp = va >>> 12; if (vp === ${cv}) ${op(`(${cf} | (va & 4095))`)} else { let pa; ${slow} ${op('pa')}${codeCheck} } }`;
}
