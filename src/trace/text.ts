// Text trace sink: one aligned line per record, coloured on a TTY. Streamed like JSON lines.

import type { ChalkInstance } from 'chalk';
import { hex } from '../isa/disasm.js';
import { EXIT_REASONS, type ExitRecord } from '../vmm/exits.js';
import { LineSink } from './line-sink.js';
import type { Writer } from './writer.js';

/** Wide enough for every reason name, and for notes with their "note:" mark. */
const REASON_WIDTH = Math.max(...EXIT_REASONS.map((r) => r.name.length)) + 'note:'.length;
const QUALIFIERS = ['port', 'value', 'address', 'access', 'cause', 'cr', 'irq', 'count', 'request'] as const;
const HEX_QUALIFIERS = new Set(['port', 'value', 'address']);

export const TEXT_HEADER = `${'seq'.padStart(8)} ${'cycle'.padStart(12)}  ${'guest'.padEnd(10)} ${'mode'.padEnd(4)}  ${'reason'.padEnd(REASON_WIDTH)} ${'code'.padStart(4)}  ${'pc'.padEnd(10)}  ${'instruction'.padEnd(24)} ${'action'.padEnd(11)} ${'cost'.padStart(6)}  details`;

export class TextSink extends LineSink {
  constructor(out: Writer, c: ChalkInstance) {
    super(out, c, TEXT_HEADER);
  }

  protected line(r: ExitRecord): string {
    const c = this.c;
    const note = r.kind === 'note';
    const label = (note ? `note:${r.reason}` : r.reason).padEnd(REASON_WIDTH);
    const reason = note ? c.yellow(label) : r.action === 'killed' ? c.red(label) : c.cyan(label);
    const details: string[] = [];
    for (const q of QUALIFIERS) {
      const v = r[q];
      if (v !== undefined) details.push(`${q}=${HEX_QUALIFIERS.has(q) && typeof v === 'number' ? hex(v) : v}`);
    }
    if (r.hypercall !== undefined) details.push(`hypercall=${r.hypercall}(${(r.args ?? []).map((v) => hex(v)).join(', ')})${r.result === undefined ? '' : ` result=${r.result}`}`);
    if (r.source) details.push(c.dim(r.source));
    if (r.detail) details.push(note ? c.yellow(r.detail) : r.detail);
    return `${String(r.seq).padStart(8)} ${String(r.cycle).padStart(12)}  ${r.guest.padEnd(10)} ${r.mode.padEnd(4)}  ${reason} ${String(r.code).padStart(4)}  ${hex(r.pc, 8)}  ${r.insn.padEnd(24)} ${r.action.padEnd(11)} ${String(r.cost).padStart(6)}  ${details.join(' ')}`;
  }
}
