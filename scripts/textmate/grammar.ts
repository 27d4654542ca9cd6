// The TextMate grammar of TOY32 assembly (scope source.toy32), built from the tables the
// assembler itself uses: mnemonics from the ISA table (src/isa/table.ts, scoped by their
// privilege class), pseudo-instructions (src/asm/pseudo.ts), directives (src/asm/directives.ts),
// registers and control registers (src/isa/arch.ts). The lexical rules (names, numbers,
// literals, comments, `\param` in macro bodies) follow src/asm/toy32.ohm, src/asm/lexical.ts
// and src/asm/macros.ts; test/editors/textmate.test.ts checks them against the assembler.
//
// A line is `[label:] [statement] [; comment]` (docs/assembler.md), so the grammar works one
// line at a time: a statement's head (label and first name, anchored at the line start) is
// one match, which decides what the first name is; the operands after it are matched token
// by token. The one region that spans lines is a macro body (.macro ... .endm), where names
// and strings may hold `\param` and `\@`. Whatever no rule knows is scoped invalid.illegal.

import { CONTROL_REGISTERS, REGISTER_ALIASES, REGISTER_COUNT } from '../../src/isa/arch.js';
import { FORMATS } from '../../src/isa/formats.js';
import { CLASS_ORDER, INSTRUCTIONS } from '../../src/isa/table.js';
import { DIRECTIVE_LIST } from '../../src/asm/directives.js';
import { PSEUDO_INSTRUCTIONS } from '../../src/asm/pseudo.js';

export const SCOPE_NAME = 'source.toy32';

/** Where the grammar is committed, from the project root. */
export const GRAMMAR_FILE = 'editors/vscode-toy32/syntaxes/toy32.tmLanguage.json';

/** The scopes a theme or a test looks for (in the grammar each ends in `.toy32`). */
export const SCOPES = {
  mnemonic: 'keyword.other.mnemonic', // + .innocuous, .privileged, .sensitive, .hypercall (the ISA's classes), .pseudo
  directive: 'keyword.control.directive',
  macroName: 'entity.name.function.macro', // a macro's definition and its invocations
  macroParameter: 'variable.parameter.macro', // the .macro line's parameters; `\name` and `\@` in its body
  label: 'entity.name.function.label', // `name:`
  localLabel: 'entity.name.function.label.local', // `.name:`
  constantDefinition: 'entity.name.constant', // `NAME = ...`, `.equ NAME, ...`
  constant: 'variable.other.constant', // a name in capitals: by convention a symbolic constant
  symbol: 'variable.other.symbol', // any other name: a label or a constant
  register: 'variable.language.register', // r0..r15, sp, lr
  controlRegister: 'variable.language.register.control', // in the operands of mfcr / mtcr only
  here: 'variable.language.here', // `$`
  number: 'constant.numeric', // + .decimal, .hex, .binary
  character: 'constant.character',
  escape: 'constant.character.escape',
  string: 'string.quoted.double',
  comment: 'comment.line', // + .semicolon, .double-slash
  operator: 'keyword.operator',
  invalid: 'invalid.illegal',
} as const;

const s = (scope: string) => `${scope}.toy32`;

/** Regex alternation of words, longest first, any case. */
const words = (list: readonly string[]) => `(?i:${[...list].sort((a, b) => b.length - a.length || a.localeCompare(b)).join('|')})`;

// Lexical pieces: src/asm/toy32.ohm (symbol, number, char, string, escape) and
// src/asm/macros.ts (the `\name` and `\@` a macro body substitutes).
const PARAM = String.raw`\\(?:@|[A-Za-z_][A-Za-z0-9_]*)`;
/** Before and after a whole name: nothing that would continue it. */
const START = String.raw`(?<![A-Za-z0-9_.\\])`;
const END = String.raw`(?![A-Za-z0-9_.\\])`;
/** After the first name of a statement, where `name:` would be a label. */
const HEAD_END = String.raw`(?![A-Za-z0-9_.:\\])`;
const ESCAPE = String.raw`\\(?:[ntr0\\'"]|x[0-9A-Fa-f]{2})`;

/** Names outside and inside a macro body, where they may hold `\param` and `\@` pieces. */
interface Lexicon {
  /** Repository names of this variant end in this. */
  readonly suffix: string;
  readonly name: string;
  readonly localName: string;
}
const PLAIN: Lexicon = { suffix: '', name: String.raw`\.?[A-Za-z_][A-Za-z0-9_.]*`, localName: String.raw`\.[A-Za-z_][A-Za-z0-9_.]*` };
const IN_MACRO: Lexicon = {
  suffix: '-in-macro',
  name: String.raw`(?:\.?[A-Za-z_]|${PARAM})(?:[A-Za-z0-9_.]|${PARAM})*`,
  localName: String.raw`\.[A-Za-z_](?:[A-Za-z0-9_.]|${PARAM})*`,
};

/** A label and its colon: groups 1 (a local label), 2 (a global label) and 3 (the colon). */
const label = (x: Lexicon) => String.raw`(?:(${x.localName})|(${x.name}))(:)`;
/** The start of a line up to its statement: blanks and an optional label (groups 1 to 3). */
const lineStart = (x: Lexicon) => String.raw`^[ \t]*(?:${label(x)}[ \t]*)?`;

type Captures = Record<string, { name?: string; patterns?: { include: string }[] }>;
const PARAMS = [{ include: '#macro-parameter' }];

function labelCaptures(x: Lexicon): Captures {
  const params = x === IN_MACRO ? { patterns: PARAMS } : {};
  return {
    '1': { name: s(SCOPES.localLabel), ...params },
    '2': { name: s(SCOPES.label), ...params },
    '3': { name: s('punctuation.separator.label') },
  };
}

/** A statement head: the line start, then `pattern` whose groups (numbered from 4) get `scopes`. */
function head(x: Lexicon, pattern: string, scopes: readonly string[]) {
  const captures = labelCaptures(x);
  scopes.forEach((scope, i) => (captures[String(i + 4)] = { name: s(scope), ...(x === IN_MACRO && scope !== SCOPES.macroParameter ? { patterns: PARAMS } : {}) }));
  return { match: lineStart(x) + pattern, captures };
}

/** The mnemonics whose operands include a control register (by name or number). */
function controlRegisterMnemonics(): string[] {
  return INSTRUCTIONS.filter((i) => (FORMATS[i.format].operands as readonly string[]).includes('cr')).map((i) => i.mnemonic);
}

const mnemonicScope = (cls: string) => `${SCOPES.mnemonic}.${cls}`;

function directive(name: string): string {
  if (!DIRECTIVE_LIST.some((d) => d.name === name)) throw new Error(`textmate grammar: no directive ${name} in src/asm/directives.ts`);
  return name.slice(1);
}

/** The heads of statements: the first name of a line, which says what the line is. */
function statement(x: Lexicon) {
  const crMnemonics = controlRegisterMnemonics();
  const crClasses = new Set(crMnemonics.map((m) => INSTRUCTIONS.find((i) => i.mnemonic === m)!.class));
  if (crClasses.size !== 1) throw new Error('textmate grammar: the control-register instructions are of more than one class');
  const mnemonics = CLASS_ORDER.map((cls) => INSTRUCTIONS.filter((i) => i.class === cls && !crMnemonics.includes(i.mnemonic)).map((i) => i.mnemonic))
    .map((list, i) => (list.length === 0 ? undefined : head(x, `(${words(list)})${HEAD_END}`, [mnemonicScope(CLASS_ORDER[i]!)])))
    .filter((h) => h !== undefined);
  return {
    patterns: [
      head(x, String.raw`(\.(?i:${directive('.equ')}))${HEAD_END}(?:[ \t]+(${x.name})${END})?`, [SCOPES.directive, SCOPES.constantDefinition]),
      head(x, String.raw`(${x.name})[ \t]*(=)`, [SCOPES.constantDefinition, `${SCOPES.operator}.assignment`]),
      {
        // Control-register names are registers only here: elsewhere they are plain symbols.
        begin: lineStart(x) + String.raw`(${words(crMnemonics)})${HEAD_END}`,
        beginCaptures: { ...labelCaptures(x), '4': { name: s(mnemonicScope([...crClasses][0]!)) } },
        end: '$',
        patterns: [
          { include: '#comment' },
          { match: START + words(CONTROL_REGISTERS.map((c) => c.name)) + END, name: s(SCOPES.controlRegister) },
          { include: `#operands${x.suffix}` },
        ],
      },
      ...mnemonics,
      head(x, `(${words(PSEUDO_INSTRUCTIONS.map((p) => p.name))})${HEAD_END}`, [mnemonicScope('pseudo')]),
      head(x, String.raw`(\.${words(DIRECTIVE_LIST.map((d) => d.name.slice(1)))})${HEAD_END}`, [SCOPES.directive]),
      head(x, String.raw`(\.[A-Za-z_][A-Za-z0-9_.]*)${HEAD_END}`, [`${SCOPES.invalid}.directive`]),
      ...(x === IN_MACRO ? [head(x, `(${PARAM})${HEAD_END}`, [SCOPES.macroParameter])] : []),
      head(x, String.raw`(${x.name})${HEAD_END}`, [SCOPES.macroName]),
      { match: String.raw`^[ \t]*${label(x)}`, captures: labelCaptures(x) },
    ],
  };
}

/** Operands: whatever follows the head, token by token. */
function operands(x: Lexicon) {
  const registers = [...Array.from({ length: REGISTER_COUNT }, (_, i) => `r${i}`), ...Object.keys(REGISTER_ALIASES)];
  return {
    patterns: [
      { include: '#comment' },
      { include: `#string${x.suffix}` },
      { include: '#character' },
      { include: '#number' },
      { match: START + words(registers) + END, name: s(SCOPES.register) },
      ...(x === IN_MACRO ? [{ match: PARAM + END, name: s(SCOPES.macroParameter) }] : []),
      { match: String.raw`${START}_*[A-Z][A-Z0-9_]*${END}`, name: s(SCOPES.constant) },
      { match: START + x.name + END, name: s(SCOPES.symbol), ...(x === IN_MACRO ? { captures: { '0': { patterns: PARAMS } } } : {}) },
      { match: String.raw`\$`, name: s(SCOPES.here) },
      { match: '<<|>>', name: s(`${SCOPES.operator}.bitwise.shift`) },
      { match: '[-+*/%]', name: s(`${SCOPES.operator}.arithmetic`) },
      { match: '[&|^~]', name: s(`${SCOPES.operator}.bitwise`) },
      { match: ',', name: s('punctuation.separator.delimiter') },
      { match: String.raw`\[`, name: s('punctuation.section.brackets.begin') },
      { match: String.raw`\]`, name: s('punctuation.section.brackets.end') },
      { match: String.raw`\(`, name: s('punctuation.section.parens.begin') },
      { match: String.raw`\)`, name: s('punctuation.section.parens.end') },
      { match: String.raw`\S`, name: s(`${SCOPES.invalid}.character`) },
    ],
  };
}

/**
 * A string literal. In a macro body `\name` is a parameter even inside one (src/asm/macros.ts);
 * an escape comes first, though, so `"\n"` shows as a newline even where a parameter is named n.
 */
function string(x: Lexicon) {
  return {
    begin: '"',
    beginCaptures: { '0': { name: s('punctuation.definition.string.begin') } },
    end: '(")|$',
    endCaptures: { '1': { name: s('punctuation.definition.string.end') } },
    name: s(SCOPES.string),
    patterns: [{ include: '#escape' }, ...(x === IN_MACRO ? PARAMS : []), { match: String.raw`\\.?`, name: s(`${SCOPES.invalid}.escape`) }],
  };
}

/** .macro NAME p1, p2 ... up to its .endm (nested definitions nest). */
function macro() {
  const macroWord = directive('.macro');
  const endm = directive('.endm');
  return {
    begin: String.raw`^[ \t]*(\.(?i:${macroWord}))(?=[ \t;]|//|$)(?:[ \t]+(${PLAIN.name}))?`,
    beginCaptures: { '1': { name: s(SCOPES.directive) }, '2': { name: s(SCOPES.macroName) } },
    end: lineStart(IN_MACRO) + String.raw`(\.(?i:${endm}))${HEAD_END}`,
    endCaptures: { ...labelCaptures(IN_MACRO), '4': { name: s(SCOPES.directive) } },
    name: s('meta.macro'),
    patterns: [
      // The rest of the .macro line: the parameters, by commas or blanks (src/asm/toy32.ohm, macroDef).
      { match: String.raw`\G([ \t,].*?)(?=;|//|$)`, captures: { '1': { patterns: [{ include: '#macro-parameter-list' }] } } },
      { include: '#comment' },
      { include: '#macro' },
      { include: '#statement-in-macro' },
      { include: '#operands-in-macro' },
    ],
  };
}

/** The grammar, as the JSON object editors read. */
export function toy32Grammar(): Record<string, unknown> {
  return {
    information_for_contributors: [
      'Generated by scripts/textmate.ts (npm run textmate) from src/isa/table.ts, src/asm/pseudo.ts,',
      'src/asm/directives.ts and src/isa/arch.ts; test/editors/textmate.test.ts keeps it up to date. Do not edit.',
    ],
    name: 'TOY32 assembly',
    scopeName: SCOPE_NAME,
    fileTypes: ['s', 'inc'],
    patterns: [{ include: '#comment' }, { include: '#macro' }, { include: '#statement' }, { include: '#operands' }],
    repository: {
      comment: {
        patterns: [
          { match: '(;).*$', name: s(`${SCOPES.comment}.semicolon`), captures: { '1': { name: s('punctuation.definition.comment') } } },
          { match: '(//).*$', name: s(`${SCOPES.comment}.double-slash`), captures: { '1': { name: s('punctuation.definition.comment') } } },
        ],
      },
      macro: macro(),
      statement: statement(PLAIN),
      'statement-in-macro': statement(IN_MACRO),
      operands: operands(PLAIN),
      'operands-in-macro': operands(IN_MACRO),
      string: string(PLAIN),
      'string-in-macro': string(IN_MACRO),
      // src/asm/lexical.ts, numberValue: 0x / 0X hex, 0b / 0B binary, else decimal digits. Any
      // other word that starts with a digit is a number token the assembler refuses.
      number: {
        patterns: [
          { match: String.raw`\b0[xX][0-9A-Fa-f]+\b`, name: s(`${SCOPES.number}.hex`) },
          { match: String.raw`\b0[bB][01]+\b`, name: s(`${SCOPES.number}.binary`) },
          { match: String.raw`\b[0-9]+\b`, name: s(`${SCOPES.number}.decimal`) },
          { match: String.raw`\b[0-9][A-Za-z0-9_]*`, name: s(`${SCOPES.invalid}.numeric`) },
        ],
      },
      character: {
        patterns: [
          {
            match: String.raw`(')([^'\\]|${ESCAPE})(')`,
            name: s(SCOPES.character),
            captures: {
              '1': { name: s('punctuation.definition.character.begin') },
              '2': { patterns: [{ include: '#escape' }] },
              '3': { name: s('punctuation.definition.character.end') },
            },
          },
          { match: String.raw`'(?:[^'\\]|\\.)*'?`, name: s(`${SCOPES.invalid}.character`) },
        ],
      },
      escape: { match: ESCAPE, name: s(SCOPES.escape) },
      'macro-parameter': { match: PARAM, name: s(SCOPES.macroParameter) },
      'macro-parameter-list': {
        patterns: [
          { match: START + PLAIN.name + END, name: s(SCOPES.macroParameter) },
          { match: ',', name: s('punctuation.separator.delimiter') },
          { match: String.raw`\S`, name: s(`${SCOPES.invalid}.character`) },
        ],
      },
    },
  };
}

/** The text of GRAMMAR_FILE. */
export function grammarText(): string {
  return `${JSON.stringify(toy32Grammar(), null, 2)}\n`;
}
