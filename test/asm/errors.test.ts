import { describe, expect, it } from 'vitest';
import { assembleFile, assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import { builtinIncludeDir } from '../../src/asm/include-path.js';
import { asm, files } from './helpers.js';

const BUILTIN = builtinIncludeDir()!;

/** "file:line:col: message" of every diagnostic. */
function located(source: string[], readFile?: (p: string) => string): string[] {
  return asm(source, readFile ? { readFile } : undefined).diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`);
}

describe('error messages (exact text and location)', () => {
  const cases: [string, string[], string][] = [
    ['unknown mnemonic', ['nop', '  foo r1'], "a.s:2:3: unknown mnemonic 'foo'"],
    ['unknown directive', ['.foo 1'], "a.s:1:1: unknown directive '.foo'"],
    ['operand count', ['add r1, r2'], "a.s:1:1: 'add' takes 3 operands (rd, rs1, rs2), got 2"],
    ['register expected', ['addi r1, 4, 5'], "a.s:1:10: operand 2 of 'addi': expected a register, got an expression"],
    ['immediate expected', ['addi r1, r2, r3'], "a.s:1:14: operand 3 of 'addi': expected an immediate, got a register"],
    ['control register for a register', ['add r1, ptbr, r2'], "a.s:1:9: operand 2 of 'add': expected a register, got the control register 'ptbr'"],
    ['no such register', ['movi r16, 1'], "a.s:1:6: operand 1 of 'movi': expected a register, got 'r16' (the registers are r0..r15)"],
    ['memory expected', ['stw r1, 8'], "a.s:1:9: operand 2 of 'stw': expected a memory operand [reg + offset], got an expression"],
    ['control register expected', ['mtcr r1, r2'], "a.s:1:6: operand 1 of 'mtcr': expected a control register, got a register"],
    ['port expected', ['out r1, r2'], "a.s:1:5: operand 1 of 'out': expected a port, got a register"],
    ['branch target expected', ['call [r1]'], "a.s:1:6: operand 1 of 'call': expected a branch target, got a memory operand"],
    ['immediate range', ['addi r1, r2, 70000'], 'a.s:1:14: immediate 70000 out of range -32768..32767 (li rX, 70000 loads it into a free register rX; then add r1, r2, rX)'],
    ['undefined symbol', ['.word foo'], "a.s:1:7: undefined symbol 'foo'"],
    ['duplicate symbol', ['nop', 'nop', 'foo: nop', 'foo: nop'], "a.s:4:1: duplicate symbol 'foo' (first defined at a.s:3:1)"],
    ['.endif without .if', ['.endif'], 'a.s:1:1: .endif without .if'],
    ['.else without .if', ['.else'], 'a.s:1:1: .else without .if'],
    ['missing .endif', ['nop', 'nop', 'nop', '.if 1'], 'a.s:4:1: missing .endif for .if at a.s:4:1'],
    ['.endm without .macro', ['.endm'], 'a.s:1:1: .endm without .macro'],
    ['missing .endm', ['.macro m', 'nop'], 'a.s:1:1: missing .endm for .macro at a.s:1:1'],
    ['division by zero', ['.word 1 / 0'], 'a.s:1:9: division by zero in expression'],
    ['macro arguments', ['.macro m a, b', '.endm', 'm 1'], "a.s:3:1: macro 'm' takes 2 arguments, got 1"],
    ['macro depth', ['.macro m', 'm', '.endm', 'm'], 'a.s:2:1: macro expansion deeper than 64'],
    ['syntax error', ['add r1,, r2'], 'a.s:1:8: syntax error: expected an operand'],
    ['bytes emitted twice', ['.org 0x100', '.word 1', '.org 0x100', '.byte 2'], 'a.s:4:1: bytes at 0x100 already emitted (by a.s:2:1)'],
    ['instruction alignment', ['.org 0x1001', 'nop'], 'a.s:2:1: instruction at 0x1001 is not a multiple of 4'],
    ['.align', ['.align 3'], 'a.s:1:8: .align 3: not a power of two'],
    ['byte range', ['.byte 300'], 'a.s:1:7: byte value 300 out of range -128..255'],
    ['forward reference', ['.org x', 'x:'], "a.s:1:6: value of 'x' is not known here (forward reference in .org)"],
  ];
  for (const [what, source, message] of cases) {
    it(what, () => expect(located(source)).toEqual([message]));
  }

  it('cannot include', () => {
    expect(located(['.include "x.s"'], files({}))).toEqual([`a.s:1:10: cannot include 'x.s': no such file (searched x.s, ${BUILTIN}/x.s)`]);
  });

  it('include cycle', () => {
    expect(located(['.include "a.s"'], files({ 'a.s': '.include "a.s"' }))).toEqual(["a.s:1:10: include cycle: 'a.s' includes itself"]);
  });
});

describe('reporting', () => {
  it('reports every error, in source order, and goes on after each', () => {
    const src = ['foo r1', 'add r1', 'X = 1 / 0', '.word nowhere', 'ldw r1, [r2 + 99999]', '.byte 1,', 'ok: nop', '.align 6'];
    expect(asm(src).diagnostics.map((d) => d.line)).toEqual([1, 2, 3, 4, 5, 6, 8]);
  });

  it('stops after maxErrors with a final note', () => {
    const src = Array.from({ length: 30 }, (_, i) => `bad${i}`);
    const d = asm(src).diagnostics;
    expect(d).toHaveLength(21);
    expect(d[19]!.message).toBe("unknown mnemonic 'bad19'");
    expect(d[20]).toMatchObject({ severity: 'note', line: 0, message: 'too many errors; only the first 20 are reported' });
    expect(formatDiagnostic(d[20]!)).toBe('a.s: note: too many errors; only the first 20 are reported');
    expect(asm(src, { maxErrors: 3 }).diagnostics.map((x) => x.message)).toEqual([
      "unknown mnemonic 'bad0'",
      "unknown mnemonic 'bad1'",
      "unknown mnemonic 'bad2'",
      'too many errors; only the first 3 are reported',
    ]);
    expect(asm(src.slice(0, 20)).diagnostics).toHaveLength(20);
  });

  it('gives no image (and no listing) when there are errors', () => {
    const r = asm(['nop', 'bad']);
    expect(r.image).toBeUndefined();
    expect(r.listing).toEqual([]);
  });

  it('formats a diagnostic with the source line, a caret and the chain', () => {
    const d = asm(['.macro m', '\taddi r1, 5, 5', '.endm', 'm']).diagnostics[0]!;
    expect(formatDiagnostic(d)).toBe(
      "a.s:2:11: error: operand 2 of 'addi': expected a register, got an expression\n" +
        '  \taddi r1, 5, 5\n' +
        '  \t         ^\n' +
        "  in macro 'm' invoked at a.s:4:1",
    );
    const plain = asm('  foo').diagnostics[0]!;
    expect(formatDiagnostic(plain)).toBe("a.s:1:3: error: unknown mnemonic 'foo'\n    foo\n    ^");
  });

  it('puts the caret under its column as a terminal shows the line: a wide character takes two cells, a combining mark none', () => {
    const caretOf = (source: string) => formatDiagnostic(asm(source).diagnostics[0]!).split('\n')[2];
    // (the error is at 'frob'; before it, on the screen: 'start: .ascii "' and the string)
    const at = (cells: number) => `  ${' '.repeat(cells)}^`;
    expect(caretOf('start: .ascii "ab", frob')).toBe(at(20));
    expect(caretOf('start: .ascii "你好", frob')).toBe(at(22)); // CJK: two cells each
    expect(caretOf('start: .ascii "ｆｕｌｌ", frob')).toBe(at(26)); // fullwidth forms
    expect(caretOf('start: .ascii "한", frob')).toBe(at(20)); // Hangul
    expect(caretOf('start: .ascii "e\u0301", frob')).toBe(at(19)); // e and a combining acute: one cell
    expect(caretOf('start: .ascii "😀", frob')).toBe(at(20)); // an emoji (two UTF-16 units): two cells
    expect(caretOf('start:\t.ascii "你", frob')).toBe(`  ${' '.repeat(6)}\t${' '.repeat(13)}^`);
  });

  it('never throws, whatever the options', () => {
    const weird = { readFile: () => undefined as unknown as string, maxErrors: NaN, defines: { 'r1': 5, ok: NaN } };
    expect(() => assembleSource('.include "x"\nnop', 'a.s', weird)).not.toThrow();
    expect(assembleSource('.include "x"\nnop', 'a.s', weird).diagnostics.map((d) => d.message)).toEqual([
      "'r1' is a register name and cannot be a symbol",
      `cannot include 'x': no such file (searched x, ${BUILTIN}/x)`,
    ]);
    expect(() => assembleFile('a.s', { readFile: () => { throw 'boom'; } })).not.toThrow();
  });
});
