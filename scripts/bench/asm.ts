// Assembler benchmark: generates a 100,000-line program of distinct, realistic lines
// (functions with labels, local loops, instructions of every format, pseudo-instructions,
// constants, data and comments) and assembles it in-process, timing it and reading the heap.

import { getHeapStatistics } from 'node:v8';
import { assembleSource } from '../../src/asm/index.js';
import { formatDiagnostic } from '../../src/asm/index.js';

export interface AssemblerBenchResult {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  peakHeapMB: number;
}

export const BENCH_LINES = 100_000;

/** A small deterministic generator (mulberry32), so every run assembles the same text. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COMMENTS = ['next element', 'advance pointer', 'loop counter', 'save result', 'load argument', 'check bound', 'scale index', 'mask low bits', 'accumulate', 'swap halves'];

/** The benchmark program: `lines` distinct lines that assemble without errors. */
export function benchSource(lines = BENCH_LINES): string {
  const rnd = random(1234);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const reg = (): string => `r${1 + Math.floor(rnd() * 13)}`;
  const imm = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const seen = new Set<string>();
  const out: string[] = [];
  let serial = 0;
  const emit = (code: string, comment?: string): void => {
    let line = comment === undefined ? code : `${code.padEnd(32)}; ${comment}`;
    if (seen.has(line)) line = `${code.padEnd(32)}; #${serial++}`;
    seen.add(line);
    out.push(line);
  };
  for (let f = 0; out.length < lines; f++) {
    const fn = `fn_${f}`;
    emit(`; ---- function ${f}: ${pick(COMMENTS)} ----`);
    emit(`N_${f} = ${imm(1, 200)} * 4 + ${f % 7}`);
    emit(`${fn}:`, `entry of function ${f}`);
    emit(`        push lr`, `save return address of ${fn}`);
    emit(`        li ${reg()}, 0x${(imm(0, 0xffff) * 0x10001).toString(16)}`);
    emit(`        li ${reg()}, ${imm(-3000, 3000)}`);
    emit(`        la ${reg()}, data_${f}`);
    emit(`        movi ${reg()}, N_${f}`);
    emit(`.loop:`, `loop of ${fn}`);
    const body = 10 + Math.floor(rnd() * 20);
    for (let i = 0; i < body; i++) {
      const c = rnd() < 0.35 ? `${pick(COMMENTS)} ${f}.${i}` : undefined;
      switch (Math.floor(rnd() * 15)) {
        case 0: emit(`        add ${reg()}, ${reg()}, ${reg()}`, c); break;
        case 1: emit(`        addi ${reg()}, ${reg()}, ${imm(-500, 500)}`, c); break;
        case 2: emit(`        ldw ${reg()}, [${reg()} + ${4 * imm(0, 64)}]`, c); break;
        case 3: emit(`        stw ${reg()}, [sp - ${4 * imm(1, 16)}]`, c); break;
        case 4: emit(`        cmp ${reg()}, ${reg()}`, c); break;
        case 5: emit(`        andi ${reg()}, ${reg()}, 0x${imm(1, 0xffff).toString(16)}`, c); break;
        case 6: emit(`        shli ${reg()}, ${reg()}, ${imm(1, 31)}`, c); break;
        case 7: emit(`        mov ${reg()}, ${reg()}`, c); break;
        case 8: emit(`        subi ${reg()}, ${reg()}, (N_${f} + ${imm(1, 99)}) & 0xff`, c); break;
        case 9: emit(`        ldb ${reg()}, [${reg()}]`, c); break;
        case 10: emit(`        xor ${reg()}, ${reg()}, ${reg()}`, c); break;
        case 11: emit(`        ori ${reg()}, ${reg()}, N_${f} << ${imm(1, 6)}`, c); break;
        case 12: emit(`        out 0x${imm(16, 48).toString(16)}, ${reg()}`, c); break;
        case 13:
          emit(`        bge .skip${i}`, c);
          emit(`        sar ${reg()}, ${reg()}, ${reg()}`);
          emit(`.skip${i}:`);
          break;
        default: emit(`        muli ${reg()}, ${reg()}, ${imm(2, 100)}`, c); break;
      }
    }
    emit(`        cmpi ${reg()}, ${imm(0, 1000)}`);
    emit(`        blt .loop`, `repeat loop of ${fn}`);
    emit(`        call fn_${f + 1}`, 'forward call');
    emit(`        pop lr`, `restore return address of ${fn}`);
    emit(`        ret`, `leave ${fn}`);
    emit(`data_${f}:`);
    emit(`        .word ${imm(0, 1 << 30)}, ${fn}, data_${f} + ${4 * imm(1, 8)}, -${imm(1, 1000)}`);
    emit(`        .byte ${imm(0, 255)}, ${imm(-128, 127)}, '${String.fromCharCode(imm(97, 122))}', ${imm(0, 255)}`);
    emit(`        .asciz "message ${f}: ${pick(COMMENTS)}"`);
    emit(`        .align 4`, `after data_${f}`);
  }
  return finish(out, lines);
}

/**
 * Cuts the program to `lines` lines, defining at the end the labels whose definitions were
 * cut off (the last function's data block and the function it calls).
 */
function finish(out: string[], lines: number): string {
  out.length = lines - 2;
  const defined = new Set(out.filter((l) => /^[A-Za-z_]\w*:/.test(l)).map((l) => l.slice(0, l.indexOf(':'))));
  const used = new Set(out.flatMap((l) => l.split(';')[0]!.match(/\b(fn|data)_\d+\b/g) ?? []));
  const tail = [...used].filter((name) => !defined.has(name)).map((name) => `${name}: .word 0x${name.length.toString(16)}    ; cut off`);
  for (let i = 0; tail.length < 2; i++) tail.push(`; end of the benchmark program (${i})`);
  return [...out, ...tail].join('\n') + '\n';
}

export async function benchAssembler(): Promise<AssemblerBenchResult> {
  const source = benchSource();
  const lines = source.split('\n').length - 1;
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const start = performance.now();
  const result = assembleSource(source, 'bench.s');
  const seconds = (performance.now() - start) / 1000;
  // The heap V8 had to grow to during the run: an upper bound of the peak in use.
  const heap = getHeapStatistics();
  const peakHeapMB = Math.max(heap.total_heap_size, heap.used_heap_size) / (1024 * 1024);
  if (result.diagnostics.length > 0) {
    throw new Error(`benchmark program does not assemble:\n${result.diagnostics.slice(0, 3).map(formatDiagnostic).join('\n')}`);
  }
  return { lines, seconds, linesPerSecond: Math.round(lines / seconds), peakHeapMB: Math.round(peakHeapMB * 10) / 10 };
}
