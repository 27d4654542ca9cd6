// JSON-lines trace sink: one JSON object per record, streamed (nothing is kept in memory).
// Field names and meanings: docs/trace-format.md.
//
// At millions of records per second, building a string per record (and then flattening and
// encoding it) is the bottleneck. So the sink writes each line straight into a byte buffer:
// the fields that repeat from record to record (guest, mode, reason, pc, instruction,
// source) are serialized and UTF-8-encoded once per reason and pc, numbers are written as
// ASCII digits, records are formatted in batches (BATCH), and the buffer goes to the writer
// 64 KiB at a time. A shape of line written often (its repeating fields, which optional
// numbers it has, its action) gets a function of its own that writes the whole line
// (jsonl-shapes.ts). recordToJson gives the same line as a string (tests hold the three to
// each other).

import { lineWriter, numbersOf, type LineWriter } from './jsonl-shapes.js';
import type { Writer } from './writer.js';
import { blankExitRecord, copyExitRecord, type ExitProbe, type ExitRecord } from '../vmm/exits.js';

const encoder = new TextEncoder();

/** JSON string literals of the strings seen lately (instructions, sources, guest names). */
const literals = new Map<string, string>();

function str(s: string): string {
  let literal = literals.get(s);
  if (literal === undefined) {
    if (literals.size >= 10_000) literals.clear();
    literal = JSON.stringify(s);
    literals.set(s, literal);
  }
  return literal;
}

/** `"kind":...,"guest":...,"vcpu":...,"mode":...,"reason":...,"code":...,"pc":...,"insn":...[,"source":...]`
 *  for one reason and pc, kept while the record's repeating fields stay the same. */
interface Middle {
  reason: string;
  pc: number;
  kind: string;
  guest: string;
  vcpu: number;
  mode: string;
  insn: string;
  source: string | undefined;
  text: string;
  /** The text after the comma that precedes it in a line, UTF-8-encoded. */
  bytes: Uint8Array;
  /** The shape (jsonl-shapes.ts) of its latest lines: their optional numbers, access, cause,
   *  control register and action; how many lines in a row had it, and its compiled writer
   *  once that reached HOT_SHAPE. */
  numbers: number;
  access: string | undefined;
  cause: string | undefined;
  cr: string | undefined;
  action: string;
  uses: number;
  writer: LineWriter | undefined;
}
const middles = new Map<string, Map<number, Middle>>();

/** Whether a middle is the one of record r (its reason and pc, and the fields it holds). */
function holds(m: Middle, r: Readonly<ExitRecord>): boolean {
  return m.reason === r.reason && m.pc === r.pc && m.kind === r.kind && m.guest === r.guest && m.vcpu === r.vcpu && m.mode === r.mode && m.insn === r.insn && m.source === r.source;
}

function middle(r: Readonly<ExitRecord>): Middle {
  let byPc = middles.get(r.reason);
  if (!byPc) middles.set(r.reason, (byPc = new Map()));
  const m = byPc.get(r.pc);
  if (m && holds(m, r)) return m;
  const text =
    `"kind":"${r.kind}","guest":${str(r.guest)},"vcpu":${r.vcpu},"mode":"${r.mode}","reason":"${r.reason}","code":${r.code},"pc":${r.pc},"insn":${str(r.insn)}` +
    (r.source !== undefined ? `,"source":${str(r.source)}` : '');
  if (byPc.size >= 4096) byPc.clear();
  const fresh: Middle = {
    reason: r.reason, pc: r.pc, kind: r.kind, guest: r.guest, vcpu: r.vcpu, mode: r.mode, insn: r.insn, source: r.source, text, bytes: encoder.encode(`,${text}`),
    numbers: -1, access: undefined, cause: undefined, cr: undefined, action: '', uses: 0, writer: undefined,
  };
  byPc.set(r.pc, fresh);
  return fresh;
}

/** The record's JSON line (with its newline), as a string. */
export function recordToJson(r: Readonly<ExitRecord>): string {
  const q =
    (r.port === undefined ? '' : `,"port":${r.port}`) +
    (r.value === undefined ? '' : `,"value":${r.value}`) +
    (r.address === undefined ? '' : `,"address":${r.address}`) +
    (r.access === undefined ? '' : `,"access":"${r.access}"`) +
    (r.cause === undefined ? '' : `,"cause":${str(r.cause)}`) +
    (r.cr === undefined ? '' : `,"cr":${str(r.cr)}`) +
    (r.irq === undefined ? '' : `,"irq":${r.irq}`) +
    (r.count === undefined ? '' : `,"count":${r.count}`) +
    (r.request === undefined ? '' : `,"request":${r.request}`) +
    (r.hypercall === undefined ? '' : `,"hypercall":${str(r.hypercall)}`) +
    (r.args === undefined ? '' : `,"args":[${r.args.join(',')}]`) +
    (r.result === undefined ? '' : `,"result":${r.result}`);
  const detail = r.detail === undefined ? '' : `,"detail":${str(r.detail)}`;
  return `{"seq":${r.seq},"cycle":${r.cycle},${middle(r).text}${q},"action":"${r.action}","cost":${r.cost}${detail}}\n`;
}

/** A constant piece of a line: its bytes, and the same as big-endian 32-bit words and the
 *  bytes left over, which putPiece writes four at a time (a DataView store is a few machine
 *  instructions; a byte loop or set() costs several times more for so few bytes). */
interface Piece {
  readonly words: Uint32Array;
  readonly tail: Uint8Array;
}

function piece(text: string): Piece {
  const bytes = encoder.encode(text);
  const whole = bytes.length & ~3;
  const words = new Uint32Array(whole / 4);
  for (let i = 0; i < whole; i += 4) words[i / 4] = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0;
  return { words, tail: bytes.subarray(whole) };
}

/** The field names of a line, as pieces. */
const B = {
  seq: piece('{"seq":'), cycle: piece(',"cycle":'), port: piece(',"port":'), value: piece(',"value":'), address: piece(',"address":'), access: piece(',"access":"'),
  cause: piece(',"cause":'), cr: piece(',"cr":'), irq: piece(',"irq":'), count: piece(',"count":'), request: piece(',"request":'), detail: piece(',"detail":'),
};

/** `,"action":"<action>","cost":` by action (a name of EXIT_ACTIONS: a few). */
const actions = new Map<string, Piece>();
function actionPiece(action: string): Piece {
  let p = actions.get(action);
  if (p === undefined) {
    p = piece(`,"action":"${action}","cost":`);
    actions.set(action, p);
  }
  return p;
}

/** "00" to "99" as ASCII: two digits per division when writing numbers. */
const TWO_DIGITS = encoder.encode(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** Lines of one middle and shape in a row after which the shape's writer is compiled
 *  (jsonl-shapes.ts): a few hundred lines cost less than compiling one. */
const HOT_SHAPE = 256;
/** The longest cause and control register (together) a compiled shape holds: names, not
 *  free text. */
const SHAPE_TEXT = 64;

/** Records whose free-text fields are longer than this go through recordToJson. */
const LONG_RECORD = 2048;
const RESERVE = 6 * LONG_RECORD + 1024;

/** Records formatted together: the probe only copies a record (cheap, beside the VMM's own
 *  work at an exit) and formats a batch of them in one loop, where the formatting code and
 *  its tables stay hot (as a kernel tracer writes records to a buffer and formats them
 *  later). 256 records are about 60 KB of lines. */
const BATCH = 256;

export class JsonLinesSink implements ExitProbe {
  records = 0;
  /** Lines written by a shape's compiled writer (jsonl-shapes.ts), of `records`. */
  compiledLines = 0;
  private readonly batch: ExitRecord[] = Array.from({ length: BATCH }, blankExitRecord);
  private batched = 0;
  /** Formatted lines not yet handed to the writer. */
  private readonly buffer = new Uint8Array(1 << 16);
  private readonly view = new DataView(this.buffer.buffer);
  private at = 0;
  private last: Middle | undefined;
  /** The last record's action, and its piece. */
  private action = '';
  private actionText = actionPiece('none');

  constructor(private readonly out: Writer) {}

  record(r: Readonly<ExitRecord>): void {
    this.records++;
    copyExitRecord(this.batch[this.batched++]!, r);
    if (this.batched === BATCH) this.drain();
  }

  /** Format every record of the batch, in order. */
  private drain(): void {
    const n = this.batched;
    this.batched = 0;
    for (let i = 0; i < n; i++) this.format(this.batch[i]!);
  }

  /** Hand the buffered lines to the writer. */
  private writeOut(): void {
    if (this.at === 0) return;
    this.out.write(this.buffer.subarray(0, this.at));
    this.at = 0;
  }

  private format(r: ExitRecord): void {
    // Long free text, and hypercalls (rare next to other exits, with an array of arguments),
    // go through recordToJson.
    if ((r.detail?.length ?? 0) + (r.cause?.length ?? 0) + (r.cr?.length ?? 0) > LONG_RECORD || r.hypercall !== undefined) {
      this.writeOut();
      this.out.write(recordToJson(r));
      return;
    }
    // (consecutive records mostly share their repeating fields: the last middle is kept)
    let m = this.last;
    if (m === undefined || !holds(m, r)) this.last = m = middle(r);
    // Room for the repeating fields, the numbers, and free text of up to LONG_RECORD
    // characters at up to 6 bytes each once escaped.
    if (this.at + m.bytes.length + RESERVE > this.buffer.length) this.writeOut();
    const buffer = this.buffer;
    const view = this.view;
    // A line of its middle's hot shape: its compiled writer (a line with a detail: never).
    if (r.detail === undefined) {
      const numbers = numbersOf(r);
      if (m.numbers === numbers && m.action === r.action && m.access === r.access && m.cause === r.cause && m.cr === r.cr) {
        if (m.writer !== undefined) {
          this.at = m.writer(buffer, view, this.at, r);
          this.compiledLines++;
          return;
        }
        if (++m.uses === HOT_SHAPE && (r.cause?.length ?? 0) + (r.cr?.length ?? 0) <= SHAPE_TEXT) m.writer = shapeWriter(m);
      } else {
        m.numbers = numbers;
        m.action = r.action;
        m.access = r.access;
        m.cause = r.cause;
        m.cr = r.cr;
        m.uses = 1;
        m.writer = undefined;
      }
    }
    let at = putPiece(view, buffer, this.at, B.seq);
    at = digits(buffer, at, r.seq);
    at = putPiece(view, buffer, at, B.cycle);
    at = digits(buffer, at, r.cycle);
    buffer.set(m.bytes, at);
    at += m.bytes.length;
    if (r.port !== undefined) at = digits(buffer, putPiece(view, buffer, at, B.port), r.port);
    if (r.value !== undefined) at = digits(buffer, putPiece(view, buffer, at, B.value), r.value);
    if (r.address !== undefined) at = digits(buffer, putPiece(view, buffer, at, B.address), r.address);
    if (r.access !== undefined) {
      at = ascii(buffer, putPiece(view, buffer, at, B.access), r.access);
      buffer[at++] = 34; // "
    }
    if (r.cause !== undefined) at = text(view, buffer, at, B.cause, r.cause);
    if (r.cr !== undefined) at = text(view, buffer, at, B.cr, r.cr);
    if (r.irq !== undefined) at = digits(buffer, putPiece(view, buffer, at, B.irq), r.irq);
    if (r.count !== undefined) at = digits(buffer, putPiece(view, buffer, at, B.count), r.count);
    if (r.request !== undefined) at = digits(buffer, putPiece(view, buffer, at, B.request), r.request);
    if (r.action !== this.action) this.actionText = actionPiece((this.action = r.action));
    at = putPiece(view, buffer, at, this.actionText);
    at = digits(buffer, at, r.cost);
    if (r.detail !== undefined) at = text(view, buffer, at, B.detail, r.detail);
    buffer[at++] = 125; // }
    buffer[at++] = 10; // newline
    this.at = at;
  }

  /** Format the records not yet formatted and hand every line to the writer (call before
   *  flushing the writer). */
  flush(): void {
    this.drain();
    this.writeOut();
  }
}

/** The compiled writer of middle m's shape (the one its latest lines had). */
function shapeWriter(m: Middle): LineWriter {
  return lineWriter(
    {
      middle: m.text,
      numbers: m.numbers,
      access: m.access === undefined ? '' : `,"access":"${m.access}"`,
      cause: m.cause === undefined ? '' : `,"cause":${str(m.cause)}`,
      cr: m.cr === undefined ? '' : `,"cr":${str(m.cr)}`,
      action: m.action,
    },
    digits,
  );
}

/** Write piece `p` into `buffer` (seen through `view`) at `at`; the offset after it. */
function putPiece(view: DataView, buffer: Uint8Array, at: number, p: Piece): number {
  const words = p.words;
  for (let i = 0; i < words.length; i++, at += 4) view.setUint32(at, words[i]!);
  const tail = p.tail;
  for (let i = 0; i < tail.length; i++) buffer[at++] = tail[i]!;
  return at;
}

/** A JSON string field (its name, then the value's literal). */
function text(view: DataView, buffer: Uint8Array, at: number, name: Piece, value: string): number {
  at = putPiece(view, buffer, at, name);
  const literal = encoder.encode(str(value));
  buffer.set(literal, at);
  return at + literal.length;
}

/** Plain ASCII (action and access names). */
function ascii(buffer: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) buffer[at++] = s.charCodeAt(i);
  return at;
}

/** A non-negative whole number as decimal digits (as JSON.stringify writes it); the offset
 *  after them. Below 2^31 (nearly every figure) in integer arithmetic, two digits a step
 *  (TWO_DIGITS). */
function digits(buffer: Uint8Array, at: number, n: number): number {
  if (n < 0 || n > 0x7fffffff || !Number.isInteger(n)) return ascii(buffer, at, String(n));
  const count = n < 1e5 ? (n < 100 ? (n < 10 ? 1 : 2) : n < 1e3 ? 3 : n < 1e4 ? 4 : 5) : n < 1e7 ? (n < 1e6 ? 6 : 7) : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  const end = at + count;
  let i = end;
  let v = n | 0;
  while (v >= 100) {
    const q = (v / 100) | 0;
    const pair = (v - q * 100) << 1;
    buffer[--i] = TWO_DIGITS[pair + 1]!;
    buffer[--i] = TWO_DIGITS[pair]!;
    v = q;
  }
  if (v >= 10) {
    buffer[--i] = TWO_DIGITS[(v << 1) + 1]!;
    buffer[--i] = TWO_DIGITS[v << 1]!;
  } else buffer[--i] = 48 + v;
  return end;
}
