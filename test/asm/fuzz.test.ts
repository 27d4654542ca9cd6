// Whatever it is given, the assembler must not throw, and must give an image or diagnostics.
import { describe, expect, it } from 'vitest';
import { assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import { MAX_STATEMENT } from '../../src/asm/parse.js';
import { mutate, random, randomText } from './mutate.js';

const PROGRAM = `; a valid program using most of the language
        .equ UART, 0x10
COUNT = 3 * (2 + 1)
        .macro push2 a, b
        push \\a
        push \\b
        .endm
start:  li r1, message
        li r2, COUNT
.loop:  ldb r3, [r1]
        cmpi r3, 0
        beq .done
        out UART, r3
        addi r1, r1, 1
        push2 r4, r5
        b .loop
.done:  mfcr r6, cause
        hlt
        .ifdef DEBUG
        brk
        .else
        nop
        .endif
message: .asciz "hello, world\\n"
        .align 4
table:  .word start, start.loop, message + 1, -1
        .byte 1, 'x', 255, -128
        .space 4, 0xaa
        .entry start
`;

function check(text: string): void {
  let result;
  try {
    result = assembleSource(text, 'fuzz.s', { defines: { DEBUG: 1 }, readFile: () => PROGRAM });
  } catch (e) {
    throw new Error(`threw on ${JSON.stringify(text)}: ${String(e)}`);
  }
  expect(result.image === undefined, JSON.stringify(text)).toBe(result.diagnostics.length > 0);
  for (const d of result.diagnostics) {
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
    expect(typeof d.message).toBe('string');
  }
}

describe('fuzzing', () => {
  it('assembles the base program', () => {
    const r = assembleSource(PROGRAM, 'fuzz.s', { defines: { DEBUG: 1 } });
    expect(r.diagnostics).toEqual([]);
  });

  it('never throws on mutated programs', () => {
    const rnd = random(7);
    for (let n = 0; n < 400; n++) {
      let text = PROGRAM;
      const edits = 1 + Math.floor(rnd() * 12);
      for (let e = 0; e < edits; e++) text = mutate(text, rnd);
      check(text);
    }
  });

  it('never throws on random bytes or odd inputs', () => {
    const rnd = random(99);
    for (let n = 0; n < 200; n++) check(randomText(Math.floor(rnd() * 300), rnd));
    for (const odd of ['', '\n', '\r\n', ':', '.', '"', "'", '\\', '.include ""', '.include "fuzz.s"', '$', '.org -1\nnop', '.space 0x7fffffff', '.align 0x40000000\nnop', 'x: .word x\n'.repeat(3)]) {
      check(odd);
    }
  });
});

describe('extreme lines', () => {
  it('reports nesting too deep for the parser or evaluator, and goes on', () => {
    const deep = `X = ${'('.repeat(3000)}1${')'.repeat(3000)}`;
    const r = assembleSource(`${deep}\nfoo`, 'a.s');
    expect(r.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(['1: statement nested too deeply', "2: unknown mnemonic 'foo'"]);
  });

  it('points a statement too deep to parse at its operands, not at column 1', () => {
    const r = assembleSource(`start:\n lbl:  movi r1, ${'('.repeat(3000)}1${')'.repeat(3000)}`, 'a.s');
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(['2:13: statement nested too deeply']);
  });

  it('evaluates a flat sum or product of thousands of terms (no nesting), in a directive and in a memory operand', () => {
    const sum = (n: number) => `1${' + 1'.repeat(n)}`;
    const r = assembleSource(`start: .word ${sum(15_000)}\n .word 3${' * 1'.repeat(15_000)}\n ldw r1, [r2 + ${sum(15_000)}]`, 'a.s');
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    const words = new DataView(r.image!.segments[0]!.bytes.buffer, r.image!.segments[0]!.bytes.byteOffset);
    expect([words.getInt32(0, true), words.getInt32(4, true)]).toEqual([15_001, 3]);
    expect(words.getUint32(8, true) & 0xffff).toBe(15_001 & 0xffff);
  });

  it('evaluates chains of constants of any length, in either order, and reports a stack overflow once, at its definition', () => {
    // A0 = A1 + 1, ..., A(n-1) = An + 1, An = 0 (each used before its definition), and the
    // same defined in order; a chain of 3,400 once overflowed the stack, whose handler
    // overflowed again ("internal error"), and a bound of 500 rejected programs that worked
    const forward = (n: number, use: string) => ['start: hlt', use, ...Array.from({ length: n }, (_, i) => `A${i} = A${i + 1} + 1`), `A${n} = 0`].join('\n');
    const natural = (n: number, use: string) => ['start: hlt', 'A0 = 0', ...Array.from({ length: n }, (_, i) => `A${i + 1} = A${i} + 1`), use].join('\n');
    for (const source of [forward(5000, '.word A0'), forward(5000, 'li r1, A0'), natural(5000, 'li r1, A5000'), natural(5000, '.if A5000 - 5000\n.word 1\n.endif')]) {
      const r = assembleSource(source, 'a.s');
      expect(r.diagnostics).toEqual([]);
      expect(r.image!.symbols.find((s) => s.name === 'A0')!.value).toBe(source.includes('A0 = 0') ? 0 : 5000);
    }
    expect(assembleSource(natural(5000, 'li r1, A5000'), 'a.s').image!.symbols.find((s) => s.name === 'A5000')!.value).toBe(5000);
    // (a cycle at the end of a long chain: reported once, in the definition that closes it)
    expect(assembleSource(forward(3000, '.word A0').replace('A3000 = 0', 'A3000 = A0'), 'a.s').diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(["3003:9: circular definition of 'A0'"]);
    // a chain waiting for a later label, used many times before it: each use finds it not
    // known yet at once (it cannot become known until another symbol is defined)
    const waiting = ['start: hlt', ...Array.from({ length: 2000 }, (_, i) => `B${i} = B${i + 1} + 1`), 'B2000 = end', ...Array<string>(5000).fill('li r1, B0'), 'end: hlt'].join('\n');
    const t0 = performance.now();
    expect(assembleSource(waiting, 'a.s').image!.symbols.find((s) => s.name === 'B0')!.value).toBe(2000 + 4 + 5000 * 8);
    expect(performance.now() - t0).toBeLessThan(20_000); // (a bound on a hang, not a speed test)
    // an expression too deep to evaluate, in a chain, used by li (sized in the first pass,
    // which once swallowed the overflow and wrote zeros): one error, at its definition
    const deep = `A1 = ${'-'.repeat(16_000)}1`;
    const r = assembleSource(['start: hlt', 'li r1, A0', 'A0 = A1 + 1', deep].join('\n'), 'a.s');
    expect(r.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(['4: statement nested too deeply']);
    expect(r.image).toBeUndefined();
  });

  it('stops runaway macro expansion', () => {
    const lines = ['.macro l0', ...Array<string>(10).fill(''), '.endm'];
    for (let i = 1; i <= 7; i++) lines.push(`.macro l${i}`, ...Array<string>(10).fill(`l${i - 1}`), '.endm');
    lines.push('l7');
    const r = assembleSource(lines.join('\n'), 'a.s');
    expect(r.diagnostics.map((d) => `${d.line}: ${d.message}`)).toEqual(['2: too many lines: more than 1000000 after macro expansion']);
  });

  it('assembles long lines', () => {
    const r = assembleSource(`.word ${Array.from({ length: 5000 }, (_, i) => i).join(', ')}`, 'a.s');
    expect(r.image!.segments[0]!.bytes.length).toBe(20000);
    // up to MAX_STATEMENT characters outside strings, and any string
    const most = `.word ${'1,'.repeat((MAX_STATEMENT - 8) / 2)}1`;
    expect(most.length).toBeLessThanOrEqual(MAX_STATEMENT);
    expect(assembleSource(most, 'a.s').diagnostics).toEqual([]);
    expect(assembleSource(`.ascii "${'a'.repeat(4 * MAX_STATEMENT)}"`, 'a.s').image!.segments[0]!.bytes.length).toBe(4 * MAX_STATEMENT);
  });

  it('refuses a statement longer than MAX_STATEMENT characters outside strings, at once, and goes on', () => {
    // (two million values on one line took minutes and ended with the heap exhausted: the
    // grammar's matcher keeps a memo per character)
    const t0 = performance.now();
    const r = assembleSource(`start: nop\n  .word ${'1,'.repeat(2_000_000)}1\nfoo`, 'a.s');
    expect(r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`)).toEqual(['2:3: statement too long: 4,000,007 characters outside strings, at most 65,536 (split it over several lines)', "3:1: unknown mnemonic 'foo'"]);
    expect(performance.now() - t0).toBeLessThan(20_000); // (a bound on a hang, not a speed test)
    // the line an error shows is cut to the part around its column
    const shown = formatDiagnostic(r.diagnostics[0]!).split('\n');
    expect(shown[1]).toBe(`    .word ${'1,'.repeat(76)}...`);
    expect(shown[2]).toBe('    ^');
    const late = assembleSource(`.word ${'1,'.repeat(500)}bogus${',1'.repeat(500)}`, 'a.s').diagnostics[0]!;
    expect(late.column).toBe(1007);
    const [, line, caret] = formatDiagnostic(late).split('\n');
    expect(line!.length).toBeLessThanOrEqual(2 + 3 + 160 + 3);
    expect(line![caret!.length - 1 + 0]).toBe('b'); // (the caret under the b of bogus)
    expect(line!.slice(2, 5)).toBe('...');
    // a malformed string keeps a long line from being set aside string by string: refused too
    for (const bad of [`.ascii "${'A'.repeat(2_000_000)}`, `.ascii "${'A'.repeat(2_000_000)}\\q"`]) {
      const t1 = performance.now();
      const d = assembleSource(bad, 'a.s').diagnostics;
      expect(d.map((x) => x.message)).toEqual([`statement too long: ${bad.length.toLocaleString('en-US')} characters, at most 65,536 but for well-formed strings, and it has a syntax error (an unclosed string? a bad escape?): split it over several lines to find it`]);
      expect(performance.now() - t1).toBeLessThan(20_000);
    }
  });
});
