// Text that a terminal shows as it is: no control sequence in it can steer the screen
// (return the cursor, change colours, erase a line). The console on a terminal
// (cli/guest-console.ts) and vmm compare's quotes of a guest's output (report/compare.ts)
// show a guest's bytes through visible(); the assembler's diagnostics show a source's text
// through printable() and masked().

import { CONTROL, hexEscape as hex, printable } from './printable.js';

export { printable };

/** A line's bytes as text a terminal shows as they are: UTF-8 decoded; C0 controls but
 *  newline and tab, DEL and invalid bytes as `\xNN`; C1 controls (U+0080..U+009F) as
 *  `\u00NN`. */
export function visible(bytes: Uint8Array): string {
  let out = '';
  let plain = true;
  for (const b of bytes) if (b < 0x20 ? b !== 10 && b !== 9 : b >= 0x7f) plain = false;
  if (plain) return Buffer.from(bytes).toString('latin1');
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      out += (b < 0x20 && b !== 10 && b !== 9) || b === 0x7f ? hex(b) : String.fromCharCode(b);
      i++;
      continue;
    }
    const length = b >= 0xf0 && b < 0xf5 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 && b < 0xe0 ? 2 : 0;
    const text = length && i + length <= bytes.length ? strictUtf8(bytes.subarray(i, i + length)) : undefined;
    if (text === undefined) {
      out += hex(b);
      i++;
      continue;
    }
    const code = text.codePointAt(0)!;
    out += code >= 0x80 && code <= 0x9f ? `\\u${code.toString(16).padStart(4, '0')}` : text;
    i += length;
  }
  return out;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** The character of one complete UTF-8 sequence, or undefined if it is not one. */
function strictUtf8(sequence: Uint8Array): string | undefined {
  try {
    const text = decoder.decode(sequence);
    return [...text].length === 1 ? text : undefined;
  } catch {
    return undefined;
  }
}

/** The same with each CONTROL character shown as `?`: a line keeps its columns (a caret
 *  under one stays under it). */
export function masked(text: string): string {
  return text.replace(CONTROL, '?');
}

/** Characters a terminal shows two cells wide (East Asian Wide and Fullwidth: CJK, Hangul,
 *  fullwidth forms, and emoji shown as pictures), by code point range. */
const WIDE = /[\u1100-\u115f\u231a\u231b\u2329\u232a\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff00-\uff60\uffe0-\uffe6\u{16fe0}-\u{16fe4}\u{17000}-\u{18cff}\u{1b000}-\u{1b2ff}\u{1f004}\u{1f0cf}\u{1f18e}\u{1f191}-\u{1f19a}\u{1f200}-\u{1f251}\u{1f300}-\u{1f64f}\u{1f680}-\u{1f6ff}\u{1f7e0}-\u{1f7eb}\u{1f90c}-\u{1f9ff}\u{1fa70}-\u{1faff}\u{20000}-\u{2fffd}\u{30000}-\u{3fffd}]/u;

/** Blanks as wide as `text` shows on a terminal, for a caret under the character after it:
 *  a tab stays a tab (the caret then lines up however tabs are shown), a wide character is
 *  two spaces, a combining mark or a zero-width character none, any other one space. */
export function blanksUnder(text: string): string {
  let out = '';
  for (const ch of text) out += ch === '\t' ? '\t' : WIDE.test(ch) ? '  ' : /^[\p{M}\u200b-\u200f\u2060\ufeff]$/u.test(ch) ? '' : ' ';
  return out;
}
