import { describe, expect, it } from 'vitest';
import { parseLine } from '../../src/asm/parse.js';
import { error, errors, words } from './helpers.js';

/** The syntax error of a line as "col: message". */
function syntax(line: string): string {
  try {
    parseLine(line);
  } catch (e) {
    const err = e as { column: number; message: string };
    return `${err.column}: ${err.message}`;
  }
  return 'no error';
}

describe('parsing', () => {
  it('parses a line again from its text (the cache) to an equal tree, and fails a bad line every time', () => {
    const text = 'again:\tldw r1, [sp + 8]  ; x';
    const first = parseLine(text);
    expect(parseLine(text)).toBe(first);
    expect(parseLine(text, false)).toEqual(first);
    expect(syntax('again: ldw r1, [sp +')).toBe(syntax('again: ldw r1, [sp +'));
    expect(syntax('again: ldw r1, [sp +')).not.toBe('no error');
  });

  it('reads a label, an operation and its operands with their columns', () => {
    const p = parseLine('loop:\tldw r1, [sp + 8]  ; x');
    expect(p.label).toEqual({ name: 'loop', col: 1 });
    expect(p.op?.name).toBe('ldw');
    expect(p.op?.col).toBe(7);
    expect(p.op?.operands.map((o) => [o.k, o.col, o.end])).toEqual([
      ['expr', 11, 13],
      ['mem', 15, 23],
    ]);
  });

  it('reads assignments', () => {
    const p = parseLine('  SIZE = 4 * 4');
    expect(p.assign?.name).toBe('SIZE');
    expect(p.assign?.col).toBe(3);
    expect(p.assign?.expr).toMatchObject({ k: 'bin', op: '*', col: 12 });
  });

  it('accepts comments with ; and //, blank lines and CRLF line ends', () => {
    expect(words(['nop ; one', 'nop // two', '// three', '   ', '\t', 'nop;four']).length).toBe(3);
    expect(words('nop\r\nnop\r\n')).toEqual(words('nop\nnop'));
    expect(words('.ascii "a//b;c" // comment').length).toBe(1);
    expect(parseLine("movi r1, ';' ; c").op?.operands[1]).toMatchObject({ col: 10, end: 13 });
  });

  it('accepts any amount of blanks between tokens', () => {
    expect(words('  add\t r1 ,r2,\t\tr3  ')).toEqual(words('add r1, r2, r3'));
    expect(words('ldw r1,[ sp+8 ]')).toEqual(words('ldw r1, [sp + 8]'));
  });

  it('explains syntax errors, at the offending column', () => {
    expect(syntax('add r1 r2')).toBe('8: syntax error: expected ",", an operator or end of line');
    expect(syntax('.word 1 +')).toBe('10: syntax error: expected an expression');
    expect(syntax('add r1,, r2')).toBe('8: syntax error: expected an operand');
    expect(syntax('x = = 3')).toBe('5: syntax error: expected an expression');
    expect(syntax('ldw r1, [r2')).toBe('12: syntax error: expected "]"');
    expect(syntax('movi r1, (1')).toBe('12: syntax error: expected ")"');
    expect(syntax('12: nop')).toBe('1: syntax error: expected a label, an instruction or a directive');
    expect(syntax('"str"')).toBe('1: syntax error: expected a label, an instruction or a directive');
    expect(syntax('.ascii "abc')).toBe(`12: syntax error: expected '"'`);
    expect(syntax(".byte 'ab'")).toBe(`9: syntax error: expected "'"`);
    expect(syntax("movi r1, ''")).toBe('11: syntax error: expected a character (or an escape)');
    expect(syntax('.ascii "\\q"')).toBe('10: syntax error: expected an escape (\\n \\t \\r \\0 \\\\ \\\' \\" \\xHH)');
    expect(syntax('x = 1 2')).toBe('7: syntax error: expected an operator or end of line');
    expect(syntax('add r1, r2 @')).toBe('12: syntax error: expected ",", an operator or end of line');
  });

  it('reports syntax errors of every bad line', () => {
    expect(errors(['add r1 r2', 'nop', '.word (1', '.byte 1 2'])).toEqual([
      '1:8: syntax error: expected ",", an operator or end of line',
      '3:9: syntax error: expected ")"',
      '4:9: syntax error: expected ",", an operator or end of line',
    ]);
  });

  it('counts a tab as one column', () => {
    expect(error('\tfoo')).toBe("1:2: unknown mnemonic 'foo'");
  });
});
