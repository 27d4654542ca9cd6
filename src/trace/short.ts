// Short text trace sink (`--format short`): one line per record that fits 80 columns, for a
// terminal or a printed handout: sequence, cycle, guest, reason (a note marked `*`), pc and
// the instruction; the full record is the text or JSON-lines format's.

import type { ChalkInstance } from 'chalk';
import { EXIT_REASONS, type ExitRecord } from '../vmm/exits.js';
import { LineSink } from './line-sink.js';
import type { Writer } from './writer.js';

/** The line's width: every line, header included, fits it. */
export const SHORT_WIDTH = 80;
const REASON_WIDTH = Math.max(...EXIT_REASONS.map((r) => r.name.length)) + 1;
const GUEST_WIDTH = 8;
/** What the columns before the instruction take: seq 6, cycle 10, guest, reason, pc 8. */
const INSN_WIDTH = SHORT_WIDTH - (6 + 1 + 10 + 1 + GUEST_WIDTH + 1 + REASON_WIDTH + 1 + 8 + 1);

export const SHORT_HEADER = `${'seq'.padStart(6)} ${'cycle'.padStart(10)} ${'guest'.padEnd(GUEST_WIDTH)} ${'reason'.padEnd(REASON_WIDTH)} ${'pc'.padEnd(8)} instruction`;

/** `text` cut to `width` characters, its end marked with "~" when cut. */
function fit(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}~`;
}

export class ShortTextSink extends LineSink {
  constructor(out: Writer, c: ChalkInstance) {
    super(out, c, SHORT_HEADER);
  }

  protected line(r: ExitRecord): string {
    const note = r.kind === 'note';
    const label = (note ? `*${r.reason}` : r.reason).padEnd(REASON_WIDTH);
    const reason = note ? this.c.yellow(label) : r.action === 'killed' ? this.c.red(label) : this.c.cyan(label);
    const seq = fit(String(r.seq), 6).padStart(6);
    const cycle = fit(String(r.cycle), 10).padStart(10);
    const pc = (r.pc >>> 0).toString(16).padStart(8, '0');
    return `${seq} ${cycle} ${fit(r.guest, GUEST_WIDTH).padEnd(GUEST_WIDTH)} ${reason} ${pc} ${fit(r.insn, INSN_WIDTH)}`;
  }
}
