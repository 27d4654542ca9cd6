// Compiled JSON lines: the JSON-lines sink's fast path for lines of a shape it has written
// often. A shape is everything in a line but its numbers: the repeating fields (the sink's
// middle: guest, mode, reason, pc, instruction, source), which of the optional numbers it
// has, its access, cause and control register, and its action. For a hot shape the sink
// compiles one JavaScript function that writes the whole line: the constant text as 32-bit
// stores of known words, the numbers as digits, with no loop over bytes and no lookups (as
// the CPU's block compiler turns hot guest code into functions of constants). A long exit
// trace has few shapes (an exit-heavy loop: one or two), so a few functions write nearly all
// of it. The line is byte for byte the one recordToJson gives (tests hold them to it).

import type { ExitRecord } from '../vmm/exits.js';

/** Writes one line of its shape into `buffer` (seen as `view` too) at `at`; the offset after it. */
export type LineWriter = (buffer: Uint8Array, view: DataView, at: number, r: Readonly<ExitRecord>) => number;

/** The optional numbers of a line, in the order a line gives them (recordToJson), with
 *  their bits in a shape's mask: port, value and address come before access, cause and
 *  cr; irq, count and request after them. */
const BEFORE = ['port', 'value', 'address'] as const;
const AFTER = ['irq', 'count', 'request'] as const;
const BIT = { port: 1, value: 2, address: 4, irq: 8, count: 16, request: 32 } as const;

/** Which optional numbers record `r` has (the mask of its shape). */
export function numbersOf(r: Readonly<ExitRecord>): number {
  return (
    (r.port === undefined ? 0 : BIT.port) |
    (r.value === undefined ? 0 : BIT.value) |
    (r.address === undefined ? 0 : BIT.address) |
    (r.irq === undefined ? 0 : BIT.irq) |
    (r.count === undefined ? 0 : BIT.count) |
    (r.request === undefined ? 0 : BIT.request)
  );
}

/** A shape: the text between its numbers. `middle` is the line's repeating fields from
 *  `"kind"` on (without the comma before them); `access`, `cause` and `cr` the JSON text of
 *  those fields (`,"cause":"page-read"`) or ''. */
export interface Shape {
  readonly middle: string;
  readonly numbers: number;
  readonly access: string;
  readonly cause: string;
  readonly cr: string;
  readonly action: string;
}

/** Compiled writers by their shape's text, shared by every sink of the process; emptied when
 *  it holds this many. */
const writers = new Map<string, LineWriter>();
const WRITER_LIMIT = 256;

const encoder = new TextEncoder();

/** The writer of a shape, compiled now or found compiled. `digits` writes a number as
 *  decimal digits (the sink's), and is compiled into the writer. */
export function lineWriter(shape: Shape, digits: (buffer: Uint8Array, at: number, n: number) => number): LineWriter {
  // (the text between the numbers: before seq, cycle, each optional number, and cost)
  const texts = ['{"seq":', ',"cycle":'];
  const numbers = ['seq', 'cycle'];
  let text = `,${shape.middle}`;
  for (const name of BEFORE) {
    if ((shape.numbers & BIT[name]) === 0) continue;
    texts.push(`${text},"${name}":`);
    numbers.push(name);
    text = '';
  }
  text += shape.access + shape.cause + shape.cr;
  for (const name of AFTER) {
    if ((shape.numbers & BIT[name]) === 0) continue;
    texts.push(`${text},"${name}":`);
    numbers.push(name);
    text = '';
  }
  texts.push(`${text},"action":"${shape.action}","cost":`);
  numbers.push('cost');
  const key = texts.join('\u0000');
  let writer = writers.get(key);
  if (writer === undefined) {
    const body = texts.map((t, i) => `${constant(encoder.encode(t))} at = digits(b, at, r.${numbers[i]});`).join('\n  ');
    const source = `'use strict';\nreturn function line(b, v, at, r) {\n  ${body}\n  ${constant(encoder.encode('}\n'))}\n  return at;\n};`;
    if (writers.size >= WRITER_LIMIT) writers.clear();
    writer = new Function('digits', source)(digits) as LineWriter;
    writers.set(key, writer);
  }
  return writer;
}

/** The statements that write `bytes` at `at` (32-bit little-endian stores of known words,
 *  then the bytes left over) and advance `at` past them. */
function constant(bytes: Uint8Array): string {
  const out: string[] = [];
  const offset = (i: number) => (i === 0 ? 'at' : `at + ${i}`);
  let i = 0;
  for (; i + 4 <= bytes.length; i += 4) out.push(`v.setInt32(${offset(i)}, ${bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)}, true);`);
  for (; i < bytes.length; i++) out.push(`b[${offset(i)}] = ${bytes[i]};`);
  out.push(`at += ${bytes.length};`);
  return out.join(' ');
}
