// Every guest source (guests/**/*.s, guests/include/*.inc), tokenized with the committed TextMate
// grammar by a real TextMate engine, is scoped the way the assembler reads it. The assembler's
// own parser (src/asm/parse.ts) says what each line is: its label, the first name (an ISA
// mnemonic, a pseudo-instruction, a directive or a macro), its operands and its comment; in a
// macro body the `\param` and `\@` that src/asm/macros.ts substitutes. And no token is left
// without a scope, or scoped invalid.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Expr, Operand } from '../../src/asm/ast.js';
import { DIRECTIVES } from '../../src/asm/directives.js';
import { codeSpan } from '../../src/asm/lexical.js';
import { lineHead, parseLine } from '../../src/asm/parse.js';
import { PSEUDO_BY_NAME } from '../../src/asm/pseudo.js';
import { FORMATS } from '../../src/isa/formats.js';
import { controlRegisterNumber, registerNumber } from '../../src/isa/registers.js';
import { BY_MNEMONIC } from '../../src/isa/table.js';
import { SCOPE_NAME, SCOPES } from '../../scripts/textmate/grammar.js';
import { hasScope, loadTokenizer, ROOT, tokenAt, type Tokenize } from './helpers.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.s$/.test(e.name) || (/\.inc$/.test(e.name) && dir.endsWith('include')) ? [path] : [];
  });
}

/** A `\name` or `\@` that a macro expansion replaces (src/asm/macros.ts, substitute). */
const PARAM = /\\(@|[A-Za-z_][A-Za-z0-9_]*)/g;

let tokenize: Tokenize;
beforeAll(async () => {
  tokenize = await loadTokenizer();
});

/** Checks one file; returns what went wrong, one message per problem ("file:line:col: ..."). */
function check(file: string): { problems: string[]; mnemonics: number } {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const tokens = tokenize(lines);
  const problems: string[] = [];
  let mnemonics = 0;
  const params: string[][] = []; // parameters of the enclosing .macro definitions, innermost last

  lines.forEach((text, i) => {
    const line = tokens[i]!;
    const where = (col: number) => `${relative(ROOT, file)}:${i + 1}:${col + 1}: '${text.trim()}'`;
    /** The token at `col` has the scope `scope` (or one below it, unless `exact`). */
    const expect = (col: number, scope: string, what: string, exact = true) => {
      const token = tokenAt(line, col);
      if (!(exact ? token?.scopes.includes(`${scope}.toy32`) : hasScope(token, scope))) problems.push(`${where(col)}: ${what} '${token?.text}' has scopes ${token?.scopes.join(' ')}, not ${scope}`);
    };

    for (const t of line) {
      if (t.text.trim() === '') continue;
      if (t.scopes.some((s) => s.startsWith(SCOPES.invalid))) problems.push(`${where(t.start)}: '${t.text}' is scoped ${t.scopes.join(' ')}`);
      if (!t.scopes.some((s) => s !== SCOPE_NAME && s !== 'meta.macro.toy32')) problems.push(`${where(t.start)}: '${t.text}' has no scope`);
    }

    // The comment: from the first character after the code to the end of the line.
    const [start, end] = codeSpan(text);
    const commentAt = text.slice(end).search(/\S/);
    for (const t of line) {
      const inComment = commentAt >= 0 && t.start >= end + commentAt;
      if (t.text.trim() !== '' && hasScope(t, SCOPES.comment) !== inComment) problems.push(`${where(t.start)}: '${t.text}' ${inComment ? 'is not' : 'is'} scoped as a comment`);
    }
    if (start === end) return;

    // In a macro body: the parameters, replaced by names of the same length for the parser.
    let code = text;
    const inBody = params.length > 0;
    const placeholders = new Set<number>();
    if (inBody) {
      for (const m of text.slice(0, end).matchAll(PARAM)) {
        if (m[1] !== '@' && !params.some((p) => p.includes(m[1]!))) continue;
        expect(m.index, SCOPES.macroParameter, 'parameter');
        placeholders.add(m.index + 1);
        code = code.slice(0, m.index) + '_'.padEnd(m[0].length, 'p') + code.slice(m.index + m[0].length);
      }
    }
    const head = lineHead(code);
    if (inBody && head?.name?.toLowerCase() === '.endm') {
      expect(head.col - 1, SCOPES.directive, 'directive');
      params.pop();
      return;
    }
    let parsed;
    try {
      parsed = parseLine(code);
    } catch (error) {
      problems.push(`${where(0)}: does not parse: ${(error as Error).message}`);
      return;
    }
    const { label, op, assign } = parsed;
    if (label) expect(label.col - 1, label.name.startsWith('.') ? SCOPES.localLabel : SCOPES.label, 'label');
    if (assign) expect(assign.col - 1, SCOPES.constantDefinition, 'constant');
    if (!op) return;

    const name = op.name.toLowerCase();
    const spec = BY_MNEMONIC.get(name);
    if (name === '.macro') {
      expect(op.col - 1, SCOPES.directive, 'directive');
      const [macroName, ...rest] = op.operands;
      if (macroName) expect(macroName.col - 1, SCOPES.macroName, 'macro name');
      for (const p of rest) expect(p.col - 1, SCOPES.macroParameter, 'parameter');
      params.push(rest.map((p) => (p.k === 'expr' && p.expr.k === 'sym' ? p.expr.name : '')));
      return;
    }
    if (placeholders.has(op.col)) {
      // a parameter in the place of a mnemonic: checked above
    } else if (spec) {
      expect(op.col - 1, `${SCOPES.mnemonic}.${spec.class}`, 'mnemonic');
      mnemonics++;
    } else if (PSEUDO_BY_NAME.has(name)) {
      expect(op.col - 1, `${SCOPES.mnemonic}.pseudo`, 'pseudo-instruction');
      mnemonics++;
    } else if (name.startsWith('.')) {
      if (!DIRECTIVES.has(name)) problems.push(`${where(op.col - 1)}: unknown directive ${name}`);
      expect(op.col - 1, SCOPES.directive, 'directive');
    } else {
      expect(op.col - 1, SCOPES.macroName, 'macro invocation');
    }
    if (name === '.equ' && op.operands[0]) expect(op.operands[0].col - 1, SCOPES.constantDefinition, 'constant');

    const kinds = spec ? (FORMATS[spec.format].operands as readonly string[]) : [];
    const operand = (o: Operand, kind: string | undefined) => {
      if (o.k === 'str') return expect(o.col - 1, SCOPES.string, 'string');
      walk(o.expr, kind === 'cr');
    };
    const walk = (e: Expr, controlRegister: boolean): void => {
      if (placeholders.has(e.col)) return;
      if (e.k === 'num') return expect(e.col - 1, 'constant', 'number', false);
      if (e.k === 'here') return expect(e.col - 1, SCOPES.here, '$');
      if (e.k === 'un' || e.k === 'bin') {
        expect(e.col - 1, SCOPES.operator, 'operator', false);
        if (e.k === 'un') return walk(e.arg, controlRegister);
        walk(e.left, controlRegister);
        return walk(e.right, controlRegister);
      }
      if (name === '.equ' && e === (op.operands[0] as { expr?: Expr }).expr) return;
      if (registerNumber(e.name) !== undefined) return expect(e.col - 1, SCOPES.register, 'register');
      if (controlRegister && controlRegisterNumber(e.name) !== undefined) return expect(e.col - 1, SCOPES.controlRegister, 'control register');
      expect(e.col - 1, 'variable.other', 'name', false);
    };
    op.operands.forEach((o, k) => operand(o, kinds[k]));
  });
  return { problems, mnemonics };
}

describe('the TextMate grammar scopes every guest source as the assembler reads it', () => {
  const files = sources(join(ROOT, 'guests'));

  it('finds the guest sources and the platform include', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files).toContain(join(ROOT, 'guests', 'include', 'platform.inc'));
  });

  let mnemonics = 0;
  for (const file of files) {
    it(relative(ROOT, file), () => {
      const result = check(file);
      expect(result.problems).toEqual([]);
      mnemonics += result.mnemonics;
    });
  }

  it('checked the mnemonics of thousands of lines', () => {
    expect(mnemonics).toBeGreaterThan(5000);
  });
});
