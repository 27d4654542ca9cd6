// Disassemble a whole image to assembly source that `vmm asm` turns back into the same
// segments and entry: .org per segment, labels from the symbol table, instructions where a
// word decodes, .word/.byte where it does not or where a label falls inside a word.

import { disassemble, hex } from '../isa/disasm.js';
import { isParavirt, PARAVIRT_SYMBOL, sourceOf, type Image, type ImageSymbol } from './model.js';

/** "pc 0x... (instruction, file:line)": an instruction named in a message, with what is known
 *  of it (the word there, if mapped; the source line, if the image has a line map). */
export function describeAt(pc: number, word: number | undefined, image: Image | undefined): string {
  const source = image ? sourceOf(image, pc) : undefined;
  const parts = [word === undefined ? undefined : disassemble(word, pc), source ? `${source.file}:${source.line}` : undefined].filter(Boolean);
  // A zero word where the image has nothing, just after a word it has: the program ran off
  // the end of its code (a jump to nowhere lands elsewhere, and is not called that).
  const inImage = (at: number) => image!.segments.some((s) => at >= s.address && at < s.address + s.bytes.length);
  if (word === 0 && image !== undefined && !inImage(pc) && inImage(pc - 4)) parts.push('just past the end of its code: the program ran off its end; end it with hlt');
  return `pc ${hex(pc, 8)}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** Words of one byte repeated, at least, that disassemble as one .space. */
const SPACE_RUN = 64 * 4;

/** Bytes from `i` (a word with no label inside it) that repeat the byte at `i`, in whole
 *  words, up to the next label (which must be printed at its address). */
function uniformRun(bytes: Uint8Array, i: number, base: number, labels: ReadonlyMap<number, string[]>): number {
  const b = bytes[i]!;
  let end = i + 4;
  while (end + 4 <= bytes.length && bytes[end] === b && bytes[end + 1] === b && bytes[end + 2] === b && bytes[end + 3] === b) {
    if ([0, 1, 2, 3].some((k) => labels.has(base + end + k))) break;
    end += 4;
  }
  return end - i;
}

/** The length of the run of one byte at `i` (a word with no label inside it) when it is long
 *  enough to list as one .space (SPACE_RUN bytes or more); else 0. */
function spaceRun(bytes: Uint8Array, i: number, base: number, labels: ReadonlyMap<number, string[]>): number {
  const b = bytes[i];
  if (bytes[i + 1] !== b || bytes[i + 2] !== b || bytes[i + 3] !== b) return 0;
  const run = uniformRun(bytes, i, base, labels);
  return run >= SPACE_RUN ? run : 0;
}

/** The most lines a segment's bytes take at a word a line: a line a word or byte, but one for
 *  each long run of one byte. */
function wordLines(bytes: Uint8Array, base: number, labels: ReadonlyMap<number, string[]>): number {
  let lines = 0;
  for (let i = 0; i < bytes.length; lines++) i += (base + i) % 4 !== 0 || i + 4 > bytes.length ? 1 : spaceRun(bytes, i, base, labels) || 4;
  return lines;
}

/** Words a `.word` line holds when the listing must be compact (below). */
const PACKED_WORDS = 16;

/** The image as assembly. With `emit`, the text goes to it a few thousand lines at a time,
 *  with their count (an image of up to 1 GiB is written as it is made, never held whole) and
 *  '' is returned. An
 *  image that would take more than `maxLines` lines at a word a line (the assembler's
 *  limit) is listed compact, so that it still assembles: words (and bytes between labels)
 *  run PACKED_WORDS to a `.word` (`.byte`) line. */
export function disassembleImage(image: Image, title = '', emit?: (text: string, lines: number) => void, maxLines = Infinity): string {
  const labels = new Map<number, string[]>();
  for (const s of image.symbols) {
    if (s.kind !== 'label') continue;
    const at = s.value >>> 0;
    labels.set(at, [...(labels.get(at) ?? []), s.name]);
  }
  const symbolize = (address: number) => labels.get(address >>> 0)?.[0];
  // (lines go out a few thousand at a time: to `emit`, or kept whole for the return)
  const whole: string[] = [];
  const send = emit ?? ((text: string) => void whole.push(text));
  let lines: string[] = [];
  const flush = () => {
    if (lines.length) send(lines.join('\n') + '\n', lines.length);
    lines = [];
  };
  const out = {
    push(...more: string[]): void {
      lines.push(...more);
      if (lines.length >= 4096) flush();
    },
  };
  if (title) out.push(`; ${title}`);
  const constants = image.symbols.filter((s) => s.kind === 'constant');
  for (const s of constants) out.push(`.equ ${s.name}, ${hex(s.value)}`);
  // A PARAVIRT build is one that defines PARAVIRT (the assembler flags the image so): an
  // image flagged without the name gets it, so that it reassembles flagged.
  if (isParavirt(image) && !image.symbols.some((s) => s.name === PARAVIRT_SYMBOL)) out.push(`.equ ${PARAVIRT_SYMBOL}, 0x1    ; the image is flagged a PARAVIRT build`);
  const printed = new Set<number>();
  // (each address's labels once: one where a segment ends and the next begins is printed
  // at the end of the first)
  const emitLabels = (at: number) => {
    if (printed.has(at)) return;
    for (const name of labels.get(at) ?? []) out.push(`${name}:`);
    printed.add(at);
  };
  const segments = [...image.segments].sort((a, b) => a.address - b.address);
  // (at most: a line per word outside long runs of one byte, per run, per constant, four per
  // label (its own, and bytes for a word it falls inside), and a few per segment)
  const mostLines = segments.reduce((n, seg) => n + wordLines(seg.bytes, seg.address, labels) + 6, 0) + 4 * image.symbols.length + 8;
  const compact = mostLines > maxLines;
  if (compact) out.push(`; listed ${PACKED_WORDS} words to a line: at a word a line the image would take more than the ${maxLines.toLocaleString('en-US')} lines the assembler reads`);
  for (const seg of segments) {
    out.push('', `.org ${hex(seg.address)}`);
    const bytes = seg.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let i = 0;
    while (i < bytes.length) {
      const at = seg.address + i;
      emitLabels(at);
      const wordFits = at % 4 === 0 && i + 4 <= bytes.length && ![1, 2, 3].some((k) => labels.has(at + k));
      if (wordFits) {
        const word = view.getUint32(i, true);
        // A long run of one byte (a .space, filled or not) is one .space, not a word a line:
        // a 40 MB image of it once took gigabytes to disassemble.
        const run = spaceRun(bytes, i, seg.address, labels);
        if (run) {
          out.push(`    ${`.space ${hex(run)}, ${hex(word & 0xff, 2)}`.padEnd(32)} ; ${hex(at, 8)}: ${(run / 4).toLocaleString('en-US')} words of ${hex(word, 8)}`);
          i += run;
          continue;
        }
        if (compact) {
          // (words up to the next label, a long run of one byte, or a word that does not fit)
          const words = [hex(word, 8)];
          const packs = (j: number) => j + 4 <= bytes.length && ![0, 1, 2, 3].some((k) => labels.has(seg.address + j + k)) && !spaceRun(bytes, j, seg.address, labels);
          while (words.length < PACKED_WORDS && packs(i + 4 * words.length)) words.push(hex(view.getUint32(i + 4 * words.length, true), 8));
          out.push(`    .word ${words.join(', ')} ; ${hex(at, 8)}`);
          i += 4 * words.length;
          continue;
        }
        out.push(`    ${disassemble(word, at, symbolize).padEnd(32)} ; ${hex(at, 8)}: ${hex(word, 8)}`);
        i += 4;
      } else if (compact) {
        // (bytes up to the next label, or to a whole word)
        const packed = [hex(bytes[i]!, 2)];
        const next = () => seg.address + i + packed.length;
        while (packed.length < PACKED_WORDS && i + packed.length < bytes.length && !labels.has(next()) && next() % 4 !== 0) packed.push(hex(bytes[i + packed.length]!, 2));
        out.push(`    .byte ${packed.join(', ')} ; ${hex(at, 8)}`);
        i += packed.length;
      } else {
        out.push(`    .byte ${hex(bytes[i]!, 2)}${' '.repeat(22)} ; ${hex(at, 8)}`);
        i += 1;
      }
    }
    emitLabels(seg.address + bytes.length);
  }
  // Labels outside every segment (between two .orgs in the source): each at its address,
  // which emits no byte.
  const stray = image.symbols.filter((s: ImageSymbol) => s.kind === 'label' && !printed.has(s.value >>> 0));
  for (const at of [...new Set(stray.map((s) => s.value >>> 0))].sort((a, b) => a - b)) {
    out.push('', `.org ${hex(at)}    ; no code or data here`);
    emitLabels(at);
  }
  out.push('', `.entry ${symbolize(image.entry) ?? hex(image.entry)}`);
  flush();
  return whole.join('');
}
