// The .bin image format: write and load with full validation. Layout in docs/image-format.md.
// Every rejection is an ImageError naming the byte offset of what is wrong.

import { fileNameProblem, IMAGE_FLAGS, quotedName, type Image, type ImageSymbol, type LineEntry, type Segment, type SymbolKind } from './model.js';
import { isRegisterName } from '../isa/registers.js';

export const MAGIC = 'TOY32IMG';
/** Version 1: a 40-byte header. Version 2 adds a flags word (IMAGE_FLAGS) at offset 40; an
 *  image without flags is written as version 1, so older readers keep reading it. */
export const VERSION = 1;
export const HEADER_SIZE = 40;
export const FLAGS_VERSION = 2;
export const FLAGS_HEADER_SIZE = 44;
/** Where the header keeps the format version (a 16-bit little-endian number), and where
 *  version 2 keeps its flags word (just past version 1's header). */
const VERSION_OFFSET = 8;
const FLAGS_OFFSET = HEADER_SIZE;
const SEGMENT_ROW = 12;
const SYMBOL_ROW = 12;
const FILE_ROW = 4;
const LINE_ROW = 12;
const SYMBOL_KINDS: readonly SymbolKind[] = ['label', 'constant'];
/** What the assembler accepts as a symbol name (so disassembly reassembles). */
const SYMBOL_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;
/** Limits that keep a hostile header from asking for absurd allocations. */
export const LIMITS = { segments: 4096, symbols: 1 << 20, files: 4096, lines: 1 << 22 } as const;

export class ImageError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function writeImage(image: Image): Uint8Array {
  const strings = new StringTable();
  const symbolNames = image.symbols.map((s) => strings.add(s.name));
  const fileNames = image.files.map((f) => strings.add(f));
  const stringBytes = strings.bytes();
  const dataSize = image.segments.reduce((n, s) => n + s.bytes.length, 0);
  const flags = image.flags ?? 0;
  const headerSize = flags ? FLAGS_HEADER_SIZE : HEADER_SIZE;
  const tablesEnd =
    headerSize +
    image.segments.length * SEGMENT_ROW +
    image.symbols.length * SYMBOL_ROW +
    image.files.length * FILE_ROW +
    image.lines.length * LINE_ROW;
  const total = tablesEnd + stringBytes.length + dataSize;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint16(VERSION_OFFSET, flags ? FLAGS_VERSION : VERSION, true);
  view.setUint16(10, headerSize, true);
  const header = [image.entry, image.segments.length, image.symbols.length, image.files.length, image.lines.length, stringBytes.length, dataSize];
  header.forEach((v, i) => view.setUint32(12 + 4 * i, v >>> 0, true));
  if (flags) view.setUint32(FLAGS_OFFSET, flags >>> 0, true);
  let at = headerSize;
  let dataOffset = 0;
  for (const seg of image.segments) {
    view.setUint32(at, seg.address >>> 0, true);
    view.setUint32(at + 4, seg.bytes.length, true);
    view.setUint32(at + 8, dataOffset, true);
    out.set(seg.bytes, tablesEnd + stringBytes.length + dataOffset);
    dataOffset += seg.bytes.length;
    at += SEGMENT_ROW;
  }
  image.symbols.forEach((sym, i) => {
    view.setUint32(at, sym.value >>> 0, true);
    view.setUint32(at + 4, symbolNames[i]!, true);
    view.setUint32(at + 8, SYMBOL_KINDS.indexOf(sym.kind), true);
    at += SYMBOL_ROW;
  });
  for (const name of fileNames) {
    view.setUint32(at, name, true);
    at += FILE_ROW;
  }
  for (const row of image.lines) {
    view.setUint32(at, row.address >>> 0, true);
    view.setUint32(at + 4, row.file, true);
    view.setUint32(at + 8, row.line, true);
    at += LINE_ROW;
  }
  out.set(stringBytes, at);
  return out;
}

/** The format version in the header of an image's bytes (one loadImage accepted: it reads
 *  only those it knows). */
export function formatVersion(bytes: Uint8Array): number {
  return bytes[VERSION_OFFSET]! | (bytes[VERSION_OFFSET + 1]! << 8);
}

/** Parse and validate an image; throws ImageError with the offset of the first problem. */
export function loadImage(bytes: Uint8Array): Image {
  const r = new Reader(bytes);
  // The magic first, as far as there are bytes: a short file of something else is not an
  // image at all rather than a truncated one. (Once the header is there, the 8 bytes that
  // begin MAGIC are MAGIC.)
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 8));
  if (!MAGIC.startsWith(magic)) throw new ImageError(0, `bad magic ${JSON.stringify(magic)}: not a TOY32 image (expected "${MAGIC}")`);
  r.need(0, HEADER_SIZE, 'header');
  const version = r.u16(VERSION_OFFSET);
  if (version !== VERSION && version !== FLAGS_VERSION) throw new ImageError(VERSION_OFFSET, `unsupported image version ${version} (this vmm reads versions ${VERSION} and ${FLAGS_VERSION})`);
  const headerSize = r.u16(10);
  const expectedHeader = version === VERSION ? HEADER_SIZE : FLAGS_HEADER_SIZE;
  if (headerSize !== expectedHeader) throw new ImageError(10, `bad header size ${headerSize} (version ${version} has ${expectedHeader})`);
  r.need(0, headerSize, 'header');
  const flags = version === VERSION ? 0 : r.u32(FLAGS_OFFSET);
  const known = Object.values(IMAGE_FLAGS).reduce((m, bit) => m | bit, 0);
  if (flags & ~known) throw new ImageError(FLAGS_OFFSET, `unknown flags 0x${((flags & ~known) >>> 0).toString(16)} (known: ${Object.entries(IMAGE_FLAGS).map(([n, b]) => `${b} ${n}`).join(', ')})`);
  const entry = r.u32(12);
  const counts = { segments: r.u32(16), symbols: r.u32(20), files: r.u32(24), lines: r.u32(28) };
  for (const [i, key] of (['segments', 'symbols', 'files', 'lines'] as const).entries()) {
    if (counts[key] > LIMITS[key]) throw new ImageError(16 + 4 * i, `${key} count ${counts[key]} exceeds the limit of ${LIMITS[key]}`);
  }
  const stringSize = r.u32(32);
  const dataSize = r.u32(36);

  const segAt = headerSize;
  const symAt = segAt + counts.segments * SEGMENT_ROW;
  const fileAt = symAt + counts.symbols * SYMBOL_ROW;
  const lineAt = fileAt + counts.files * FILE_ROW;
  const stringAt = lineAt + counts.lines * LINE_ROW;
  const dataAt = stringAt + stringSize;
  const end = dataAt + dataSize;
  r.need(segAt, counts.segments * SEGMENT_ROW, 'segment table');
  r.need(symAt, counts.symbols * SYMBOL_ROW, 'symbol table');
  r.need(fileAt, counts.files * FILE_ROW, 'file table');
  r.need(lineAt, counts.lines * LINE_ROW, 'line map');
  r.need(stringAt, stringSize, 'string table');
  r.need(dataAt, dataSize, 'segment data');
  if (bytes.length > end) throw new ImageError(end, `${bytes.length - end} unexpected bytes after the end of the image`);

  const segments = readSegments(r, segAt, counts.segments, dataAt, dataSize);
  const strings = new StringReader(bytes, stringAt, stringSize);
  const symbols: ImageSymbol[] = [];
  const symbolIndex = new Map<string, number>();
  for (let i = 0; i < counts.symbols; i++) {
    const at = symAt + i * SYMBOL_ROW;
    const kind = SYMBOL_KINDS[r.u32(at + 8)];
    if (!kind) throw new ImageError(at + 8, `symbol ${i}: bad kind ${r.u32(at + 8)} (0 = label, 1 = constant)`);
    const name = strings.get(r.u32(at + 4), at + 4, `symbol ${i} name`);
    if (!SYMBOL_NAME.test(name) || isRegisterName(name)) throw new ImageError(at + 4, `symbol ${i}: name ${quotedName(name)} is not an assembler identifier`);
    const first = symbolIndex.get(name);
    if (first !== undefined) throw new ImageError(at + 4, `symbol ${i}: name ${quotedName(name)} repeats symbol ${first}`);
    symbolIndex.set(name, i);
    symbols.push({ value: r.u32(at) | 0, name, kind });
  }
  const files: string[] = [];
  for (let i = 0; i < counts.files; i++) {
    const name = strings.get(r.u32(fileAt + i * FILE_ROW), fileAt + i * FILE_ROW, `file ${i} name`);
    const problem = fileNameProblem(name);
    if (problem) throw new ImageError(fileAt + i * FILE_ROW, `file ${i}: ${problem}`);
    files.push(name);
  }
  const lines: LineEntry[] = [];
  for (let i = 0; i < counts.lines; i++) {
    const at = lineAt + i * LINE_ROW;
    const row = { address: r.u32(at), file: r.u32(at + 4), line: r.u32(at + 8) };
    if (row.file >= files.length) throw new ImageError(at + 4, `line map row ${i}: file index ${row.file} out of range (${files.length} files)`);
    if (row.line === 0) throw new ImageError(at + 8, `line map row ${i}: line number 0 (lines count from 1)`);
    if (i > 0 && row.address < lines[i - 1]!.address) throw new ImageError(at, `line map row ${i}: address 0x${row.address.toString(16)} is below the previous row's (rows must be sorted)`);
    lines.push(row);
  }
  if (!segments.some((s) => entry >= s.address && entry < s.address + s.bytes.length)) {
    throw new ImageError(12, `entry point 0x${entry.toString(16)} is outside every segment`);
  }
  if (entry % 4 !== 0) throw new ImageError(12, `entry point 0x${entry.toString(16)} is not a multiple of 4`);
  return flags ? { entry, flags, segments, symbols, files, lines } : { entry, segments, symbols, files, lines };
}

function readSegments(r: Reader, segAt: number, count: number, dataAt: number, dataSize: number): Segment[] {
  const segments: (Segment & { row: number })[] = [];
  let expectedOffset = 0;
  for (let i = 0; i < count; i++) {
    const at = segAt + i * SEGMENT_ROW;
    const address = r.u32(at);
    const size = r.u32(at + 4);
    const offset = r.u32(at + 8);
    if (size === 0) throw new ImageError(at + 4, `segment ${i}: size 0`);
    if (address + size > 0x1_0000_0000) throw new ImageError(at, `segment ${i}: 0x${address.toString(16)} + ${size} bytes runs past the 4 GiB address space`);
    if (offset !== expectedOffset) throw new ImageError(at + 8, `segment ${i}: data offset ${offset}, expected ${expectedOffset} (segment data is stored in table order)`);
    if (offset + size > dataSize) throw new ImageError(at + 4, `segment ${i}: ${size} bytes at data offset ${offset} run past the ${dataSize}-byte data area`);
    expectedOffset += size;
    segments.push({ address, bytes: r.bytes.slice(dataAt + offset, dataAt + offset + size), row: at });
  }
  if (expectedOffset !== dataSize) throw new ImageError(36, `data size ${dataSize} but the segments hold ${expectedOffset} bytes`);
  const sorted = [...segments].sort((x, y) => x.address - y.address);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.address < prev.address + prev.bytes.length) {
      throw new ImageError(cur.row, `segment at 0x${cur.address.toString(16)} overlaps the segment at 0x${prev.address.toString(16)}..0x${(prev.address + prev.bytes.length).toString(16)}`);
    }
  }
  return segments.map(({ address, bytes }) => ({ address, bytes }));
}

class Reader {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(at: number, size: number, what: string): void {
    if (at + size > this.bytes.length) {
      throw new ImageError(this.bytes.length, `truncated: the ${what} needs ${size} bytes at offset ${at}, but the file ends at ${this.bytes.length}`);
    }
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
}

/** The names of the string table, by offset. A name starts at the table's start or after a
 *  NUL, so names never overlap and decoding them all costs at most the table's size (names
 *  starting one byte apart inside one long run would cost its square), and each offset is
 *  decoded once however many rows name it. */
class StringReader {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  private readonly decoded = new Map<number, string>();
  constructor(
    private readonly bytes: Uint8Array,
    private readonly at: number,
    private readonly size: number,
  ) {}
  get(offset: number, rowAt: number, what: string): string {
    if (offset >= this.size) throw new ImageError(rowAt, `${what}: string offset ${offset} outside the ${this.size}-byte string table`);
    const known = this.decoded.get(offset);
    if (known !== undefined) return known;
    const start = this.at + offset;
    if (offset > 0 && this.bytes[start - 1] !== 0) throw new ImageError(rowAt, `${what}: string offset ${offset} is inside another string (a name starts at the table's start or after a NUL)`);
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= this.at + this.size) throw new ImageError(start, `${what}: string not terminated inside the string table`);
    if (nul === start) throw new ImageError(start, `${what}: empty string`);
    try {
      const name = this.decoder.decode(this.bytes.subarray(start, nul));
      this.decoded.set(offset, name);
      return name;
    } catch {
      throw new ImageError(start, `${what}: not valid UTF-8`);
    }
  }
}

class StringTable {
  private readonly parts: Uint8Array[] = [];
  private readonly index = new Map<string, number>();
  private size = 0;
  add(s: string): number {
    const known = this.index.get(s);
    if (known !== undefined) return known;
    const b = new TextEncoder().encode(s + '\0');
    const at = this.size;
    this.parts.push(b);
    this.index.set(s, at);
    this.size += b.length;
    return at;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
