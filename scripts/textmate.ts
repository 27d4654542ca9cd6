// `npm run textmate`: writes the TextMate grammar of TOY32 assembly (scripts/textmate/grammar.ts)
// to editors/vscode-toy32/syntaxes/toy32.tmLanguage.json, the file editors read. Run it after a
// change to the ISA table, the pseudo-instructions or the directives; a test fails until then.

import { writeFileSync } from 'node:fs';
import { GRAMMAR_FILE, grammarText } from './textmate/grammar.js';

writeFileSync(GRAMMAR_FILE, grammarText());
console.log(`wrote ${GRAMMAR_FILE}`);
