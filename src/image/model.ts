// The in-memory form of a TOY32 program image: what the assembler produces, the .bin
// format stores (docs/image-format.md) and the loader hands to a machine or a VM.

export interface Segment {
  /** Load address (guest-physical when paging is off at boot). */
  readonly address: number;
  readonly bytes: Uint8Array;
}

export type SymbolKind = 'label' | 'constant';

export interface ImageSymbol {
  readonly name: string;
  readonly value: number;
  /** label: an address in the program; constant: a value from .equ or -D. */
  readonly kind: SymbolKind;
}

/** One line-map row: code from `address` on came from files[file]:line. Rows are sorted by address. */
export interface LineEntry {
  readonly address: number;
  readonly file: number;
  readonly line: number;
}

/** The symbol whose definition makes a PARAVIRT build: the assembler flags an image that
 *  defines it (IMAGE_FLAGS.PARAVIRT). */
export const PARAVIRT_SYMBOL = 'PARAVIRT';

/** Bits of an image's flags word (docs/image-format.md). */
export const IMAGE_FLAGS = {
  /** Built for paravirtualization (assembled with PARAVIRT defined): runs under --mode para only. */
  PARAVIRT: 1,
} as const;

export interface Image {
  readonly entry: number;
  /** IMAGE_FLAGS bits; absent or 0: a native image. */
  readonly flags?: number;
  readonly segments: readonly Segment[];
  readonly symbols: readonly ImageSymbol[];
  /** Source file names (no control characters: fileNameProblem). */
  readonly files: readonly string[];
  readonly lines: readonly LineEntry[];
}

/** The source location of an address, by the image's line map, or undefined. */
export function sourceOf(image: Image, address: number): { file: string; line: number } | undefined {
  const rows = image.lines;
  let lo = 0;
  let hi = rows.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (rows[mid]!.address <= address) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return undefined;
  const row = rows[found]!;
  const inSegment = image.segments.some((s) => address >= s.address && address < s.address + s.bytes.length);
  if (!inSegment) return undefined;
  return { file: image.files[row.file] ?? '?', line: row.line };
}

/** Whether the image is a PARAVIRT build. */
export function isParavirt(image: Image): boolean {
  return ((image.flags ?? 0) & IMAGE_FLAGS.PARAVIRT) !== 0;
}

/** Why a source file's name cannot go in an image's file table (a name with control
 *  characters, which would steer a terminal or split a trace line where it is shown), or
 *  undefined if it can. */
export function fileNameProblem(name: string): string | undefined {
  return /[\u0000-\u001f\u007f]/.test(name) ? `name ${quotedName(name)} contains control characters` : undefined;
}

/** A name as a message quotes it: a JSON string, cut after 60 characters (a name in an image
 *  may be as long as its string table). */
export function quotedName(name: string): string {
  if (name.length <= 60) return JSON.stringify(name);
  // (cut between characters, not inside a surrogate pair; characters counted as such)
  const chars = Array.from(name);
  return chars.length > 60 ? `${JSON.stringify(chars.slice(0, 60).join(''))}... (${chars.length} characters)` : JSON.stringify(name);
}
