// Text that a terminal shows as it is: no control sequence in it can steer the screen
// (return the cursor, change colours, erase a line). The console on a terminal
// (cli/guest-console.ts) and vmm compare's quotes of a guest's output (report/compare.ts)
// show a guest's bytes through visible(); the assembler's diagnostics show a source's text
// through printable() and masked().

/** C0 controls but tab, DEL and C1 controls (a newline too: a quoted name or message is
 *  one line). */
const CONTROL = /[\0-\x08\x0a-\x1f\x7f-\x9f]/g;

/** `\xNN` for a character code below 0x100. */
const hex = (code: number) => `\\x${code.toString(16).padStart(2, '0')}`;

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

/** Text quoted from a source file or a file name (a diagnostic, the name of an included
 *  file): CONTROL characters as `\xNN`, so a source file cannot steer the screen through
 *  an error message. */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => hex(c.charCodeAt(0)));
}

/** The same with each CONTROL character shown as `?`: a line keeps its columns (a caret
 *  under one stays under it). */
export function masked(text: string): string {
  return text.replace(CONTROL, '?');
}
