// VM exits: every way control passes from a guest to the VMM, as one numbered table. Codes
// follow VT-x basic exit reasons where one fits; 64 and up are the software VMM's own.
// docs/trace-format.md is written from this table (a test keeps them in step).

export const EXIT_REASONS = [
  { name: 'exception', code: 0, summary: 'a guest trap (system call, fault, breakpoint) came to the VMM and was reflected into the guest kernel' },
  { name: 'external-interrupt', code: 1, summary: 'the host timer ended the guest\'s slice: its quantum is over or one of its virtual devices is due' },
  { name: 'triple-fault', code: 2, summary: 'the guest cannot take a trap (no handler, or a fault while entering it): the VMM stops it' },
  { name: 'hlt', code: 12, summary: 'the guest kernel executed hlt: its vCPU waits for a virtual interrupt' },
  { name: 'cr-access', code: 28, summary: 'mfcr or mtcr trapped and was emulated on the virtual control registers' },
  { name: 'io', code: 30, summary: 'in or out trapped and was emulated on the guest\'s virtual device' },
  { name: 'privileged', code: 64, summary: 'another privileged instruction (rfe, cli, sti, tlbflush, invlpg, or a sensitive one under --strict) trapped and was emulated' },
  { name: 'hidden-page-fault', code: 65, summary: 'a fault the guest must not see: the shadow page table lacked an entry the guest\'s own tables allow, and the VMM filled it' },
  { name: 'page-table-write', code: 66, summary: 'a write to a write-protected guest page-table page: the VMM emulated it and dropped the shadow entries it invalidates' },
  { name: 'bt-translate', code: 67, summary: 'binary translation: a basic block of guest-kernel code was scanned and translated before running' },
  { name: 'bt-callout', code: 68, summary: 'binary translation: translated code called into the VMM in place of a sensitive or privileged instruction' },
  { name: 'code-write', code: 69, summary: 'a write to a write-protected page of translated guest code: the VMM emulated it and forgot the translation of the word written' },
  { name: 'sensitive-unprivileged', code: 70, summary: 'NOT an exit (a note): a sensitive instruction ran deprivileged without trapping, so the VMM never saw it' },
  { name: 'interrupt-injection', code: 71, summary: 'NOT an exit (a note): on the way back into the guest, the VMM delivered a virtual interrupt to the guest kernel' },
] as const;

export type ExitReason = (typeof EXIT_REASONS)[number]['name'];
export const REASON_INDEX: Readonly<Record<ExitReason, number>> = Object.fromEntries(EXIT_REASONS.map((r, i) => [r.name, i])) as Record<ExitReason, number>;

export type ExitAction = 'emulated' | 'reflected' | 'injected' | 'filled' | 'callout' | 'translated' | 'invalidated' | 'killed' | 'halted' | 'resumed' | 'switched' | 'none';

/** One VM exit (kind 'exit') or one note about something the VMM did not see (kind 'note'). */
export interface ExitRecord {
  kind: 'exit' | 'note';
  seq: number;
  /** Host cycle count when the exit happened. */
  cycle: number;
  guest: string;
  vcpu: number;
  mode: string;
  reason: ExitReason;
  code: number;
  pc: number;
  /** The guest instruction at pc, disassembled. */
  insn: string;
  /** file:line of pc, when the image has a line map. */
  source?: string;
  /** Qualification: what the exit was about. */
  port?: number;
  value?: number;
  address?: number;
  access?: 'read' | 'write' | 'fetch';
  cause?: string;
  cr?: string;
  irq?: number;
  count?: number;
  action: ExitAction;
  /** Cycles this exit cost under the cost model. */
  cost: number;
  detail?: string;
}

/** Where exit records go when tracing is on. With no probe the VMM builds no records.
 *  The record passed is reused for the next exit: a probe that keeps records copies them. */
export interface ExitProbe {
  record(r: Readonly<ExitRecord>): void;
}
