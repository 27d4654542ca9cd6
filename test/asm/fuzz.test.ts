// Whatever it is given, the assembler must not throw, and must give an image or diagnostics.
import { describe, expect, it } from 'vitest';
import { assembleSource } from '../../src/asm/index.js';
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
  });
});
