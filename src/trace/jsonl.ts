// JSON-lines trace sink: one JSON object per record, streamed (nothing is kept in memory).
// Field names and meanings: docs/trace-format.md.
//
// At millions of records per second, building a string per record (and then flattening and
// encoding it) is the bottleneck. So the sink writes each line straight into a byte buffer:
// the fields that repeat from record to record (guest, mode, reason, pc, instruction,
// source) are serialized and UTF-8-encoded once per reason and pc, numbers are written as
// ASCII digits, and the buffer goes to the writer 64 KiB at a time. recordToJson gives the
// same line as a string (tests hold the two to each other).

import type { Writer } from './writer.js';
import type { ExitProbe, ExitRecord } from '../vmm/exits.js';

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
  bytes: Uint8Array;
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
  const fresh = { reason: r.reason, pc: r.pc, kind: r.kind, guest: r.guest, vcpu: r.vcpu, mode: r.mode, insn: r.insn, source: r.source, text, bytes: encoder.encode(text) };
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

/** Bytes of the constant pieces of a line. */
const B = Object.fromEntries(
  Object.entries({
    seq: '{"seq":', cycle: ',"cycle":', comma: ',', port: ',"port":', value: ',"value":', address: ',"address":', access: ',"access":"',
    cause: ',"cause":', cr: ',"cr":', irq: ',"irq":', count: ',"count":', request: ',"request":', detail: ',"detail":', quote: '"', end: '}\n',
  }).map(([k, v]) => [k, encoder.encode(v)]),
) as Record<string, Uint8Array>;

/** `,"action":"<action>","cost":` as bytes, by action (a name of EXIT_ACTIONS: a few). */
const actions = new Map<string, Uint8Array>();
function actionBytes(action: string): Uint8Array {
  let bytes = actions.get(action);
  if (bytes === undefined) {
    bytes = encoder.encode(`,"action":"${action}","cost":`);
    actions.set(action, bytes);
  }
  return bytes;
}

/** "00" to "99" as ASCII: two digits per division when writing numbers. */
const TWO_DIGITS = encoder.encode(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));

/** Records whose free-text fields are longer than this go through recordToJson. */
const LONG_RECORD = 2048;
const RESERVE = 6 * LONG_RECORD + 1024;

export class JsonLinesSink implements ExitProbe {
  records = 0;
  private readonly buffer = new Uint8Array(1 << 16);
  private at = 0;
  private last: Middle | undefined;

  constructor(private readonly out: Writer) {}

  record(r: Readonly<ExitRecord>): void {
    this.records++;
    // Long free text, and hypercalls (rare next to other exits, with an array of arguments),
    // go through recordToJson.
    if ((r.detail?.length ?? 0) + (r.cause?.length ?? 0) + (r.cr?.length ?? 0) > LONG_RECORD || r.hypercall !== undefined) {
      this.flush();
      this.out.write(recordToJson(r));
      return;
    }
    // (consecutive records mostly share their repeating fields: the last middle is kept)
    let m = this.last;
    if (m === undefined || !holds(m, r)) this.last = m = middle(r);
    // Room for the repeating fields, the numbers, and free text of up to LONG_RECORD
    // characters at up to 6 bytes each once escaped.
    if (this.at + m.bytes.length + RESERVE > this.buffer.length) this.flush();
    this.put(B.seq!);
    this.number(r.seq);
    this.put(B.cycle!);
    this.number(r.cycle);
    this.put(B.comma!);
    this.put(m.bytes);
    if (r.port !== undefined) this.field(B.port!, r.port);
    if (r.value !== undefined) this.field(B.value!, r.value);
    if (r.address !== undefined) this.field(B.address!, r.address);
    if (r.access !== undefined) {
      this.put(B.access!);
      this.ascii(r.access);
      this.put(B.quote!);
    }
    if (r.cause !== undefined) this.text(B.cause!, r.cause);
    if (r.cr !== undefined) this.text(B.cr!, r.cr);
    if (r.irq !== undefined) this.field(B.irq!, r.irq);
    if (r.count !== undefined) this.field(B.count!, r.count);
    if (r.request !== undefined) this.field(B.request!, r.request);
    this.put(actionBytes(r.action));
    this.number(r.cost);
    if (r.detail !== undefined) this.text(B.detail!, r.detail);
    this.put(B.end!);
  }

  /** Hand what is buffered to the writer (call before flushing the writer). */
  flush(): void {
    if (this.at === 0) return;
    this.out.write(this.buffer.subarray(0, this.at));
    this.at = 0;
  }

  private put(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n > 24) {
      this.buffer.set(bytes, this.at);
      this.at += n;
      return;
    }
    // A byte loop beats set() for the short constant pieces.
    const buffer = this.buffer;
    let at = this.at;
    for (let i = 0; i < n; i++) buffer[at++] = bytes[i]!;
    this.at = at;
  }

  private field(name: Uint8Array, value: number): void {
    this.put(name);
    this.number(value);
  }

  private text(name: Uint8Array, value: string): void {
    this.put(name);
    this.put(encoder.encode(str(value)));
  }

  /** Plain ASCII (action and access names). */
  private ascii(s: string): void {
    for (let i = 0; i < s.length; i++) this.buffer[this.at++] = s.charCodeAt(i);
  }

  /** A non-negative whole number as decimal digits (as JSON.stringify writes it). Below
   *  2^31 (nearly every figure) in integer arithmetic, two digits a step (TWO_DIGITS). */
  private number(n: number): void {
    if (n < 0 || n > 0x7fffffff || !Number.isInteger(n)) {
      this.ascii(String(n));
      return;
    }
    let digits = 1;
    for (let p = 10; p <= n; p *= 10) digits++;
    const buffer = this.buffer;
    let at = this.at + digits;
    this.at = at;
    let v = n | 0;
    while (v >= 100) {
      const q = (v / 100) | 0;
      const pair = (v - q * 100) << 1;
      buffer[--at] = TWO_DIGITS[pair + 1]!;
      buffer[--at] = TWO_DIGITS[pair]!;
      v = q;
    }
    if (v >= 10) {
      buffer[--at] = TWO_DIGITS[(v << 1) + 1]!;
      buffer[--at] = TWO_DIGITS[v << 1]!;
    } else buffer[--at] = 48 + v;
  }
}
