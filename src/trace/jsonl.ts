// JSON-lines trace sink: one JSON object per record, streamed (nothing is kept in memory).
// Field names and meanings: docs/trace-format.md. The line is built by hand, reusing the
// serialized text of fields that repeat, because JSON.stringify is the bottleneck at
// millions of records.

import type { ExitProbe, ExitRecord } from '../vmm/exits.js';
import type { Writer } from '../cli/io.js';

/** JSON string literals of the strings seen lately: records repeat the same few
 *  instructions, source lines and guest names over and over. */
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

/** The fields that repeat from record to record (guest, mode, reason, pc, instruction,
 *  source), serialized once per reason and pc and reused while they stay the same. */
interface Middle {
  kind: string;
  guest: string;
  mode: string;
  insn: string;
  source: string | undefined;
  text: string;
}
const middles = new Map<string, Map<number, Middle>>();

function middle(r: ExitRecord): string {
  let byPc = middles.get(r.reason);
  if (!byPc) middles.set(r.reason, (byPc = new Map()));
  const m = byPc.get(r.pc);
  if (m && m.kind === r.kind && m.guest === r.guest && m.mode === r.mode && m.insn === r.insn && m.source === r.source) return m.text;
  const text =
    `"kind":"${r.kind}","guest":${str(r.guest)},"vcpu":${r.vcpu},"mode":"${r.mode}","reason":"${r.reason}","code":${r.code},"pc":${r.pc},"insn":${str(r.insn)}` +
    (r.source !== undefined ? `,"source":${str(r.source)}` : '');
  if (byPc.size >= 4096) byPc.clear();
  byPc.set(r.pc, { kind: r.kind, guest: r.guest, mode: r.mode, insn: r.insn, source: r.source, text });
  return text;
}

export function recordToJson(r: ExitRecord): string {
  const q =
    (r.port === undefined ? '' : `,"port":${r.port}`) +
    (r.value === undefined ? '' : `,"value":${r.value}`) +
    (r.address === undefined ? '' : `,"address":${r.address}`) +
    (r.access === undefined ? '' : `,"access":"${r.access}"`) +
    (r.cause === undefined ? '' : `,"cause":${str(r.cause)}`) +
    (r.cr === undefined ? '' : `,"cr":${str(r.cr)}`) +
    (r.irq === undefined ? '' : `,"irq":${r.irq}`) +
    (r.count === undefined ? '' : `,"count":${r.count}`);
  const detail = r.detail === undefined ? '' : `,"detail":${str(r.detail)}`;
  return `{"seq":${r.seq},"cycle":${r.cycle},${middle(r)}${q},"action":"${r.action}","cost":${r.cost}${detail}}\n`;
}

export class JsonLinesSink implements ExitProbe {
  records = 0;
  constructor(private readonly out: Writer) {}

  record(r: ExitRecord): void {
    this.records++;
    this.out.write(recordToJson(r));
  }
}
