// Popek & Goldberg (1974), theorem 1: a machine can be virtualized by trap-and-emulate when
// its sensitive instructions are a subset of its privileged ones. TOY32 breaks this on
// purpose with getf, setf and cpuid; the --strict machine makes them privileged.

import { FORMATS } from './formats.js';
import { CLASS_ORDER, INSTRUCTIONS, type InstructionClass, type InstructionSpec } from './table.js';

export interface Verdict {
  readonly machine: 'default' | 'strict';
  readonly virtualizable: boolean;
  /** Sensitive instructions that do not trap in user mode. */
  readonly sensitiveUnprivileged: readonly string[];
  readonly text: string;
}

export function verdicts(): Verdict[] {
  const sensitive = INSTRUCTIONS.filter((s) => s.class === 'sensitive').map((s) => s.mnemonic);
  return [
    {
      machine: 'default',
      virtualizable: sensitive.length === 0,
      sensitiveUnprivileged: sensitive,
      text: `sensitive ⊄ privileged: not classically virtualizable (${sensitive.join(', ')} run in user mode without trapping)`,
    },
    {
      machine: 'strict',
      virtualizable: true,
      sensitiveUnprivileged: [],
      text: `sensitive ⊆ privileged: classically virtualizable (with --strict, ${sensitive.join(', ')} trap in user mode, so trap-and-emulate suffices)`,
    },
  ];
}

export const CLASS_SUMMARY: Readonly<Record<InstructionClass, string>> = {
  innocuous: 'the same in every mode; a VMM lets them run natively',
  privileged: 'trap `privileged` in user mode',
  sensitive: 'sensitive but unprivileged: they read or change machine state without trapping in user mode',
  hypercall: 'the paravirtual guest\'s call into the VMM',
};

export function byClass(): Map<InstructionClass, InstructionSpec[]> {
  return new Map(CLASS_ORDER.map((c) => [c, INSTRUCTIONS.filter((s) => s.class === c)]));
}

/** The instruction table of docs/isa.md, generated from the ISA table. */
export function markdownTable(): string {
  const rows = ['| opcode | mnemonic | operands | class | group | cycles | meaning |', '|---|---|---|---|---|---|---|'];
  for (const s of INSTRUCTIONS) {
    const ops = FORMATS[s.format].syntax;
    rows.push(`| 0x${s.opcode.toString(16).padStart(2, '0')} | \`${s.mnemonic}\` | ${ops ? `\`${ops}\`` : ''} | ${s.class} | ${s.group} | ${s.cycles} | ${s.summary.replace(/\|/g, '\\|')} |`);
  }
  return rows.join('\n');
}
