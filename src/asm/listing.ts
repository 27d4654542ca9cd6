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
 * in aligned columns; more bytes continue on rows of their own (address and bytes only).
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
    for (let i = BYTES_PER_ROW; i < r.bytes.length; i += BYTES_PER_ROW) {
      out.push(`${hex8((r.address ?? 0) + i)}  ${hexBytes(r.bytes, i)}`);
    }
  }
  return out.join('\n');
}

function hex8(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

function hexBytes(bytes: Uint8Array, from: number): string {
  const parts: string[] = [];
  for (let i = from; i < Math.min(bytes.length, from + BYTES_PER_ROW); i++) parts.push(bytes[i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}
