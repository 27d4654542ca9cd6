// The listing: one row per source line that emits or defines something (labels, .equ,
// instructions, data, macro invocations), with its address and bytes.

import type { Stmt } from './statement.js';

export interface ListingRow {
  address: number | undefined;
  bytes: Uint8Array;
  file: string;
  line: number;
  text: string;
}

const NO_BYTES = new Uint8Array(0);
const BYTES_PER_ROW = 4;

/** The rows of the recorded statements, in source order (macro lines as expanded). */
export function listingRows(stmts: readonly Stmt[]): ListingRow[] {
  return stmts.map((s) => ({
    address: s.kind === 'equ' ? undefined : s.address,
    bytes: s.segment && !s.skip ? s.segment.subarray(s.offset, s.offset + s.size) : NO_BYTES,
    file: s.where.frame.file,
    line: s.where.line,
    text: s.where.text,
  }));
}

/**
 * Listing text: address (8 hex digits), up to 4 bytes in hex, line number and source text
 * in aligned columns; more bytes continue on rows of their own (address and bytes only),
 * rows that repeat the one before shown as one `*` (as hexdump does), the last one kept.
 * Where the rows move to another file (into an .include and back), a line `; <file>` says so.
 *   00000000  10 21 00 05   12  start: addi r2, r1, 5
 */
export function formatListing(rows: readonly ListingRow[]): string {
  const lineWidth = rows.reduce((w, r) => Math.max(w, String(r.line).length), 1);
  const out: string[] = [];
  let file: string | undefined;
  for (const r of rows) {
    if (r.file !== file) {
      file = r.file;
      out.push(`; ${file}`);
    }
    const address = r.address === undefined ? '        ' : hex8(r.address);
    out.push(`${address}  ${hexBytes(r.bytes, 0).padEnd(3 * BYTES_PER_ROW - 1)}  ${String(r.line).padStart(lineWidth)}  ${r.text}`.trimEnd());
    // (rows the same as the one before are one `*`, as hexdump prints them: a .space of
    // 96 MiB was 25 million rows; the last row stays, with its address)
    let starred = false;
    for (let i = BYTES_PER_ROW; i < r.bytes.length; i += BYTES_PER_ROW) {
      if (i + BYTES_PER_ROW < r.bytes.length && i >= 2 * BYTES_PER_ROW && sameRow(r.bytes, i)) {
        if (!starred) out.push('*');
        starred = true;
        continue;
      }
      out.push(`${hex8((r.address ?? 0) + i)}  ${hexBytes(r.bytes, i)}`);
      starred = false;
    }
  }
  return out.join('\n');
}

/** Whether the full row of bytes at `i` repeats the one before it. */
function sameRow(bytes: Uint8Array, i: number): boolean {
  for (let k = 0; k < BYTES_PER_ROW; k++) if (bytes[i + k] !== bytes[i + k - BYTES_PER_ROW]) return false;
  return true;
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function hexBytes(bytes: Uint8Array, from: number): string {
  const parts: string[] = [];
  for (let i = from; i < Math.min(bytes.length, from + BYTES_PER_ROW); i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}
