// The committed TextMate grammar (editors/vscode-toy32/syntaxes/toy32.tmLanguage.json) run by
// the engine VS Code uses: vscode-textmate with the Oniguruma regex engine compiled to wasm.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';
import { GRAMMAR_FILE, SCOPE_NAME } from '../../scripts/textmate/grammar.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A token of a line: columns [start, end) (0-based) and its scopes, outermost first. */
export interface Token {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly scopes: readonly string[];
}

export type Tokenize = (lines: readonly string[]) => Token[][];

/** Loads the engine and the committed grammar; the result tokenizes a file's lines in order. */
export async function loadTokenizer(): Promise<Tokenize> {
  const wasm = readFileSync(createRequire(import.meta.url).resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => oniguruma.createOnigScanner(patterns),
      createOnigString: (text: string) => oniguruma.createOnigString(text),
    }),
    loadGrammar: async (scope: string) => (scope === SCOPE_NAME ? textmate.parseRawGrammar(readFileSync(join(ROOT, GRAMMAR_FILE), 'utf8'), GRAMMAR_FILE) : null),
  });
  const grammar = await registry.loadGrammar(SCOPE_NAME);
  if (!grammar) throw new Error(`no grammar ${SCOPE_NAME}`);
  return (lines) => {
    let state = textmate.INITIAL;
    return lines.map((line) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      return result.tokens.map((t) => ({ start: t.startIndex, end: Math.min(t.endIndex, line.length), text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    });
  };
}

/** The token of `tokens` that covers column `col` (0-based). */
export function tokenAt(tokens: readonly Token[], col: number): Token | undefined {
  return tokens.find((t) => t.start <= col && col < t.end);
}

/** Whether a token has a scope that is `scope` or below it (`comment.line` covers `comment.line.semicolon.toy32`). */
export function hasScope(token: Token | undefined, scope: string): boolean {
  return token !== undefined && token.scopes.some((s) => s === scope || s.startsWith(`${scope}.`));
}
