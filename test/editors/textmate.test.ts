// The TextMate grammar of TOY32 (scripts/textmate/grammar.ts): the committed file is what the
// generator makes from the ISA table, the pseudo-instructions and the directives (so it never
// drifts from them), the VS Code extension points at it, every name of those tables gets its
// scope, and the grammar's literals are the ones the assembler accepts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleSource } from '../../src/asm/index.js';
import { DIRECTIVE_LIST } from '../../src/asm/directives.js';
import { PSEUDO_INSTRUCTIONS } from '../../src/asm/pseudo.js';
import { CONTROL_REGISTERS, REGISTER_ALIASES, REGISTER_COUNT } from '../../src/isa/arch.js';
import { INSTRUCTIONS } from '../../src/isa/table.js';
import { GRAMMAR_FILE, grammarText, SCOPE_NAME, SCOPES } from '../../scripts/textmate/grammar.js';
import { hasScope, loadTokenizer, ROOT, tokenAt, type Tokenize } from './helpers.js';

let tokenize: Tokenize;
beforeAll(async () => {
  tokenize = await loadTokenizer();
});

/** The scopes of the token at `col` of a one-line source. */
function scopesAt(line: string, col: number): readonly string[] {
  return tokenAt(tokenize([line])[0]!, col)?.scopes ?? [];
}

/** The tokens of a one-line source that are not blank. */
function tokensOf(line: string) {
  return tokenize([line])[0]!.filter((t) => t.text.trim() !== '');
}

const spellings = (name: string) => [name, name.toUpperCase(), name[0]!.toUpperCase() + name.slice(1)];

describe('the committed grammar', () => {
  it(`is what scripts/textmate.ts writes (after a change to the tables, run npm run textmate)`, () => {
    expect(readFileSync(join(ROOT, GRAMMAR_FILE), 'utf8')).toBe(grammarText());
  });

  it('is the one the VS Code extension (editors/vscode-toy32) contributes, for .s files and platform.inc', () => {
    const dir = join(ROOT, 'editors', 'vscode-toy32');
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const [language] = manifest.contributes.languages;
    const [grammar] = manifest.contributes.grammars;
    expect(grammar.scopeName).toBe(SCOPE_NAME);
    expect(grammar.language).toBe(language.id);
    expect(join(dir, grammar.path)).toBe(join(ROOT, GRAMMAR_FILE));
    expect(language.extensions).toContain('.s');
    expect(language.filenames).toContain('platform.inc');
    const config = JSON.parse(readFileSync(join(dir, language.configuration), 'utf8'));
    expect(config.comments.lineComment).toBe(';');
  });
});

describe('every name of the tables, in any case, gets its scope', () => {
  it('each mnemonic of the ISA table, by its privilege class, with or without a label', () => {
    for (const i of INSTRUCTIONS) {
      for (const m of spellings(i.mnemonic)) {
        expect(scopesAt(`        ${m} r1`, 8), m).toContain(`${SCOPES.mnemonic}.${i.class}.toy32`);
        expect(scopesAt(`x: ${m}`, 3), m).toContain(`${SCOPES.mnemonic}.${i.class}.toy32`);
      }
    }
  });

  it('each pseudo-instruction', () => {
    for (const p of PSEUDO_INSTRUCTIONS) {
      for (const m of spellings(p.name)) expect(scopesAt(`.l:     ${m}`, 8), m).toContain(`${SCOPES.mnemonic}.pseudo.toy32`);
    }
  });

  it('each directive; a directive that does not exist is invalid', () => {
    for (const d of DIRECTIVE_LIST) {
      for (const name of spellings(d.name.slice(1)).map((n) => `.${n}`)) expect(scopesAt(`        ${name} 1`, 8), name).toContain(`${SCOPES.directive}.toy32`);
    }
    expect(scopesAt('        .wrod 1', 8)).toContain(`${SCOPES.invalid}.directive.toy32`);
  });

  it('each register and alias; each control register in the operands of mfcr and mtcr only', () => {
    const registers = [...Array.from({ length: REGISTER_COUNT }, (_, i) => `r${i}`), ...Object.keys(REGISTER_ALIASES)];
    for (const r of registers.flatMap(spellings)) expect(scopesAt(`        mov r0, ${r}`, 16), r).toContain(`${SCOPES.register}.toy32`);
    for (const r of ['r16', 'sp1', 'rx']) expect(scopesAt(`        mov r0, ${r}`, 16), r).not.toContain(`${SCOPES.register}.toy32`);
    for (const c of CONTROL_REGISTERS.map((c) => c.name).flatMap(spellings)) {
      expect(scopesAt(`        mfcr r1, ${c}`, 17), c).toContain(`${SCOPES.controlRegister}.toy32`);
      expect(scopesAt(`        MTCR ${c}, r1`, 13), c).toContain(`${SCOPES.controlRegister}.toy32`);
      expect(scopesAt(`        la r1, ${c}`, 15), c).not.toContain(`${SCOPES.controlRegister}.toy32`);
    }
  });

  it('labels, constants, macros and their parameters', () => {
    expect(scopesAt('start:  hlt', 0)).toContain(`${SCOPES.label}.toy32`);
    expect(scopesAt('.next:', 0)).toContain(`${SCOPES.localLabel}.toy32`);
    expect(scopesAt('main.loop: nop', 0)).toContain(`${SCOPES.label}.toy32`);
    expect(scopesAt('UART = 0x10', 0)).toContain(`${SCOPES.constantDefinition}.toy32`);
    expect(scopesAt('        .equ UART, 0x10', 13)).toContain(`${SCOPES.constantDefinition}.toy32`);
    expect(scopesAt('        out UART, r2', 12)).toContain(`${SCOPES.constant}.toy32`);
    expect(scopesAt('        la r1, message', 15)).toContain(`${SCOPES.symbol}.toy32`);
    expect(scopesAt('        .macro delay reg, n', 15)).toContain(`${SCOPES.macroName}.toy32`);
    expect(scopesAt('        .macro delay reg, n', 21)).toContain(`${SCOPES.macroParameter}.toy32`);
    expect(scopesAt('        delay r3, 100', 8)).toContain(`${SCOPES.macroName}.toy32`);
    const macro = tokenize(['        .macro delay reg, n', 'w\\@:    subi \\reg, \\reg, 1', '        .macro inner', '        delay \\reg, "\\cr"', '        .endm', '        .asciz "\\n"', '        .endm', '        subi \\reg, r1, 1']);
    const parameters = macro.map((line) => line.filter((t) => hasScope(t, SCOPES.macroParameter)).map((t) => t.text));
    expect(parameters).toEqual([['reg', 'n'], ['\\@', '\\reg', '\\reg'], [], ['\\reg', '\\cr'], [], [], [], []]);
    // In a string an escape comes first: "\n" is a newline even in a macro with a parameter n.
    expect(tokenAt(macro[5]!, 16)!.scopes).toContain(`${SCOPES.escape}.toy32`);
    expect(macro[4]![1]!.scopes).toContain(`${SCOPES.directive}.toy32`);
    // Outside a macro body, `\reg` is an error.
    expect(tokenAt(macro[7]!, 13)!.scopes).toContain(`${SCOPES.invalid}.character.toy32`);
    expect(scopesAt('        b $ + 4', 10)).toContain(`${SCOPES.here}.toy32`);
  });
});

describe('literals: the grammar accepts what the assembler accepts', () => {
  /** Whether the assembler takes the literal as the operand of `directive`. */
  const assembles = (directive: string, literal: string) => assembleSource(`        ${directive} ${literal}\n`, 'literal.s').image !== undefined;
  /** Whether the grammar scopes the literal as `scope` with nothing invalid in it. */
  const scoped = (directive: string, literal: string, scope: string) => {
    const tokens = tokensOf(`        ${directive} ${literal}`).filter((t) => t.start >= 9 + directive.length);
    return tokens.every((t) => hasScope(t, scope) && !t.scopes.some((s) => s.startsWith(SCOPES.invalid)));
  };

  it('numbers', () => {
    const numbers = ['0', '42', '007', '0x2a', '0X2A', '0xffffffff', '0b101010', '0B1', '0x', '0b', '0b102', '0xg', '12ab', '1_000', '0x_1', '9z'];
    for (const n of numbers) expect(scoped('.word', n, SCOPES.number), n).toBe(assembles('.word', n));
  });

  it('characters', () => {
    const chars = [`'*'`, `'a'`, `'\\n'`, `'\\t'`, `'\\r'`, `'\\0'`, `'\\\\'`, `'\\''`, `'\\"'`, `'\\x2a'`, `'é'`, `'\\q'`, `'ab'`, `'\\x2'`, `''`];
    for (const c of chars) expect(scoped('.word', c, SCOPES.character), c).toBe(assembles('.word', c));
  });

  it('strings and their escapes', () => {
    const strings = [`"hello, world\\n"`, `"tab\\there"`, `"\\x41\\0"`, `"quote \\" inside"`, `"; not a comment"`, `"é"`, `"\\q"`, `"\\x4"`];
    for (const t of strings) expect(scoped('.ascii', t, SCOPES.string), t).toBe(assembles('.ascii', t));
  });

  it('comments, with ; or //, but not inside a string or a character', () => {
    for (const line of ['        hlt ; stop', '        hlt // stop', '; alone', '        .ascii ";" ; c', "        movi r1, ';' // c"]) {
      const tokens = tokensOf(line);
      const first = tokens.findIndex((t) => hasScope(t, SCOPES.comment));
      expect(first, line).toBeGreaterThanOrEqual(0);
      expect(tokens.slice(first).every((t) => hasScope(t, SCOPES.comment)), line).toBe(true);
      expect(tokens[first]!.start, line).toBe(line.lastIndexOf(line.includes('//') ? '//' : ';'));
    }
  });
});
