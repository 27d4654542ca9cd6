// Text trace sink: one aligned line per record, coloured on a TTY. Streamed like JSON lines.

import type { ChalkInstance } from 'chalk';
import { hex } from '../isa/disasm.js';
import { EXIT_REASONS, qualification, type ExitRecord } from '../vmm/exits.js';
import { LineSink } from './line-sink.js';
import type { Writer } from './writer.js';

/** Wide enough for every reason name, and for notes with their "note:" mark. */
const REASON_WIDTH = Math.max(...EXIT_REASONS.map((r) => r.name.length)) + 'note:'.length;

/** The guest column's width: at least this, or the longest guest name of the run. */
export const GUEST_WIDTH = 10;

/** The header line, for guest names of up to `guestWidth` characters. */
export function textHeader(guestWidth = GUEST_WIDTH): string {
  return `${'seq'.padStart(8)} ${'cycle'.padStart(12)}  ${'guest'.padEnd(guestWidth)} ${'mode'.padEnd(4)}  ${'reason'.padEnd(REASON_WIDTH)} ${'code'.padStart(4)}  ${'pc'.padEnd(10)}  ${'instruction'.padEnd(24)} ${'action'.padEnd(11)} ${'cost'.padStart(6)}  details`;
}

export const TEXT_HEADER = textHeader();

export class TextSink extends LineSink {
  /** The last record's columns from guest to action, and their text (middle). */
  private last = { guest: '', mode: '', kind: '', reason: '', action: '', code: -1, pc: -1, insn: '', text: '' };
  /** The last source column, and the same dimmed (dimmed). */
  private source = '';
  private sourceText = '';

  /** `guests`: the names of the run's guests (the guest column is as wide as the longest). */
  constructor(out: Writer, c: ChalkInstance, guests: readonly string[] = []) {
    const guestWidth = Math.max(GUEST_WIDTH, ...guests.map((g) => g.length));
    super(out, c, textHeader(guestWidth));
    this.guestWidth = guestWidth;
  }

  private readonly guestWidth: number;

  protected line(r: ExitRecord): string {
    const note = r.kind === 'note';
    // the qualification, then the source and the detail
    let details = qualification(r);
    if (r.source) details += ` ${this.dimmed(r.source)}`;
    if (r.detail) details += ` ${note ? this.c.yellow(r.detail) : r.detail}`;
    return `${String(r.seq).padStart(8)} ${String(r.cycle).padStart(12)}  ${this.middle(r)} ${String(r.cost).padStart(6)}  ${details.slice(1)}`;
  }

  /** The columns from guest to action, as the last record's when they are the same (exits
   *  come from the same few instructions over and over). */
  private middle(r: ExitRecord): string {
    const m = this.last;
    if (m.guest === r.guest && m.mode === r.mode && m.kind === r.kind && m.reason === r.reason && m.action === r.action && m.code === r.code && m.pc === r.pc && m.insn === r.insn) return m.text;
    const c = this.c;
    const note = r.kind === 'note';
    const label = (note ? `note:${r.reason}` : r.reason).padEnd(REASON_WIDTH);
    const reason = note ? c.yellow(label) : r.action === 'killed' ? c.red(label) : c.cyan(label);
    const text = `${r.guest.padEnd(this.guestWidth)} ${r.mode.padEnd(4)}  ${reason} ${String(r.code).padStart(4)}  ${hex(r.pc, 8)}  ${r.insn.padEnd(24)} ${r.action.padEnd(11)}`;
    this.last = { guest: r.guest, mode: r.mode, kind: r.kind, reason: r.reason, action: r.action, code: r.code, pc: r.pc, insn: r.insn, text };
    return text;
  }

  /** The source column, dimmed (the last one kept). */
  private dimmed(source: string): string {
    if (source !== this.source) {
      this.source = source;
      this.sourceText = this.c.dim(source);
    }
    return this.sourceText;
  }
}
