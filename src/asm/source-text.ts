// The text of a source file: UTF-8 without the byte-order mark. A file with a NUL byte or
// bytes that are not UTF-8 is not source text (typically a .bin image given by mistake): it
// is refused as a whole with one error, rather than assembled into an error per line.

import { masked } from '../text/visible.js';

/** A source file that is not text: where its first offending byte is, and why. */
export class NotText extends Error {
  constructor(
    /** 'nul': a NUL byte (a binary); 'utf8': a byte that is not valid UTF-8. */
    readonly kind: 'nul' | 'utf8',
    /** The offending byte's value, its line and its 1-based column (in characters). */
    readonly byte: number,
    readonly line: number,
    readonly column: number,
    /** Its line, for a diagnostic: unprintable characters shown as '?', cut a little after the byte. */
    readonly lineText: string,
  ) {
    super(notTextReason(kind, byte, ''));
  }

  /** "not a text file: ..."; `at` places the byte (" at line 1, column 9"), or "" when the
   *  diagnostic itself points at it (then the reason says "here"). */
  reason(at: string): string {
    return notTextReason(this.kind, this.byte, at);
  }
}

function notTextReason(kind: 'nul' | 'utf8', byte: number, at: string): string {
  const place = at === '' ? ' here' : at;
  return kind === 'nul'
    ? `not a text file: it looks like a binary, with a NUL byte${place} (a .bin image? use vmm disasm)`
    : `not a text file: byte 0x${byte.toString(16).padStart(2, '0')}${place} is not UTF-8 (sources are UTF-8 text; a .bin image? use vmm disasm)`;
}

const STRICT = new TextDecoder('utf-8', { fatal: true });
const LOSSY = new TextDecoder('utf-8');
/** How much of an offending line a diagnostic shows after the offending character. */
const SHOWN = 16;

/**
 * A source file's text, from its bytes (decoded as UTF-8) or from a string already decoded,
 * without a leading byte-order mark. Throws NotText for a NUL byte or invalid UTF-8.
 */
export function sourceText(content: string | Uint8Array): string {
  if (typeof content === 'string') {
    const nul = content.indexOf('\0');
    if (nul >= 0) throw notTextAt(content, nul, 'nul', 0);
    return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  }
  const nul = content.indexOf(0);
  if (nul >= 0) throw notTextIn(content, nul, 'nul');
  try {
    return STRICT.decode(content); // drops a byte-order mark
  } catch {
    throw notTextIn(content, Math.max(0, firstInvalidUtf8(content)), 'utf8');
  }
}

/** The NotText for the byte at `offset` of a file's bytes. */
function notTextIn(bytes: Uint8Array, offset: number, kind: 'nul' | 'utf8'): NotText {
  const before = LOSSY.decode(bytes.subarray(0, offset));
  const text = before + LOSSY.decode(bytes.subarray(offset, lineEnd(bytes, offset)));
  return notTextAt(text, before.length, kind, bytes[offset]!);
}

/** Where the line holding byte `at` ends (its newline, or the end), bounded so that a huge
 *  binary "line" is not decoded whole. */
function lineEnd(bytes: Uint8Array, at: number): number {
  const nl = bytes.indexOf(10, at);
  return Math.min(nl < 0 ? bytes.length : nl, at + 4 * (SHOWN + 1));
}

/** The NotText for the character at index `at` of `text` (the text up to at least its line's end). */
function notTextAt(text: string, at: number, kind: 'nul' | 'utf8', byte: number): NotText {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  const nl = text.indexOf('\n', at);
  let shown = text.slice(start, nl < 0 ? text.length : nl).replace(/\r$/, '');
  const column = at - start + 1;
  if (shown.length > column + SHOWN) shown = shown.slice(0, column + SHOWN) + '...';
  // Control characters (but tabs) and undecodable bytes would garble the terminal.
  shown = masked(shown).replace(/\ufffd/g, '?');
  return new NotText(kind, byte, line, column, shown);
}

/** The offset of the first byte that does not begin a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    // Sequence length after the lead byte, and the least code point it may encode.
    const n = c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : 0;
    if (n === 0 || i + n >= b.length) return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]!;
      if ((d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    const min = n === 1 ? 0x80 : n === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}
