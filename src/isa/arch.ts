// TOY32 architectural state: registers, FLAGS, control registers, trap causes,
// page-table entry bits. docs/isa.md describes each; tests check docs and code agree.

/** General registers r0..r15; r14 and r15 have the aliases sp and lr. */
export const REGISTER_COUNT = 16;
export const SP = 14;
export const LR = 15;
export const REGISTER_ALIASES: Readonly<Record<string, number>> = { sp: SP, lr: LR };

/** FLAGS bits. Z N C V are condition bits set by cmp; IE enables interrupts; S is supervisor mode. */
export const FLAG = { Z: 1, N: 2, C: 4, V: 8, IE: 16, S: 32 } as const;
export const CONDITION_MASK = FLAG.Z | FLAG.N | FLAG.C | FLAG.V;
export const FLAGS_MASK = CONDITION_MASK | FLAG.IE | FLAG.S;
/** FLAGS after reset: supervisor mode, interrupts disabled. */
export const RESET_FLAGS = FLAG.S;

/** Control registers, moved with the privileged mfcr/mtcr. Index = the name's position. */
export const CONTROL_REGISTERS = [
  { name: 'ptbr', summary: 'page-table base: bits 31..12 = page-directory frame, bit 0 = paging enable', translation: true },
  { name: 'tvec', summary: 'trap vector: address of the one trap handler (low 2 bits ignored)' },
  { name: 'spc', summary: 'saved pc: set on trap entry, restored by rfe (low 2 bits ignored)' },
  { name: 'sflags', summary: 'saved FLAGS: set on trap entry, restored by rfe' },
  { name: 'cause', summary: 'trap cause code of the last trap' },
  { name: 'faddr', summary: 'fault address of the last page fault, misaligned access or bus error' },
  { name: 'scratch', summary: 'free for the kernel (e.g. to find its stack on trap entry)' },
  { name: 'mid', summary: 'machine id (read-only; writes are ignored)' },
  { name: 'asid', summary: 'address-space id that tags TLB entries when the TLB is tagged (0..2047)', translation: true },
] as const satisfies readonly { name: string; summary: string; translation?: true }[];

/** Control registers a write to which changes how addresses translate (`translation`): after
 *  one the CPU leaves its loop, which keeps translations in locals (the fetch page, the
 *  last data pages); a write to any other goes on in the loop. */
export const TRANSLATION_CRS: readonly boolean[] = CONTROL_REGISTERS.map((c) => 'translation' in c);
export type ControlRegisterName = (typeof CONTROL_REGISTERS)[number]['name'];
export const CR = Object.fromEntries(CONTROL_REGISTERS.map((c, i) => [c.name.toUpperCase(), i])) as {
  readonly [K in ControlRegisterName as Uppercase<K>]: number;
};
export const PTBR_PAGING = 1;
export const ASID_LIMIT = 2048;

/** The machine id read by `cpuid` and `mfcr rX, mid`: ASCII "TOY1" on bare hardware. */
export const MACHINE_ID = 0x31594f54;

/** Trap causes, as found in the cause register. Interrupts are INTERRUPT_BASE + irq line. */
export const CAUSES = [
  { code: 1, name: 'illegal', summary: 'illegal instruction (unknown opcode or bad control register)', savedPc: 'faulting' },
  { code: 2, name: 'privileged', summary: 'privileged instruction in user mode', savedPc: 'faulting' },
  { code: 3, name: 'syscall', summary: 'sys instruction', savedPc: 'next' },
  { code: 4, name: 'breakpoint', summary: 'brk instruction', savedPc: 'next' },
  { code: 5, name: 'page-read', summary: 'page fault on a load (faddr = virtual address)', savedPc: 'faulting' },
  { code: 6, name: 'page-write', summary: 'page fault on a store (faddr = virtual address)', savedPc: 'faulting' },
  { code: 7, name: 'page-fetch', summary: 'page fault on an instruction fetch (faddr = virtual address)', savedPc: 'faulting' },
  { code: 8, name: 'divide', summary: 'divide or remainder by zero', savedPc: 'faulting' },
  { code: 9, name: 'misaligned', summary: 'word access or jump target not a multiple of 4 (faddr = address)', savedPc: 'faulting' },
  { code: 10, name: 'bus', summary: 'physical address outside memory (faddr = virtual address)', savedPc: 'faulting' },
  { code: 11, name: 'hypercall', summary: 'hcall instruction (a hypercall: taken by the VMM of a paravirtual mode; elsewhere a trap like sys)', savedPc: 'next' },
] as const;
export type CauseName = (typeof CAUSES)[number]['name'];
export const CAUSE = Object.fromEntries(CAUSES.map((c) => [c.name.toUpperCase().replace('-', '_'), c.code])) as {
  readonly [K in CauseName as Uppercase<K extends `${infer A}-${infer B}` ? `${A}_${B}` : K>]: number;
};
export const INTERRUPT_BASE = 16;

/** The pc of the instruction that caused a trap, from its saved pc (sys, brk and hcall save
 *  the next instruction's pc; faults their own; interrupts the pc they interrupted). */
export function trappingPc(cause: number, savedPc: number): number {
  return SAVES_NEXT[cause] === 1 ? (savedPc - 4) | 0 : savedPc;
}

/** By cause code: 1 where the saved pc is the next instruction's (a lookup on the path of
 *  every reflected trap, so a table rather than a search). */
const SAVES_NEXT = Uint8Array.from({ length: INTERRUPT_BASE }, (_, code) => (CAUSES.some((c) => c.code === code && c.savedPc === 'next') ? 1 : 0));

/** Name of a cause code, including interrupts ("irq0"...). */
export function causeName(code: number): string {
  if (code >= INTERRUPT_BASE) return `irq${code - INTERRUPT_BASE}`;
  return CAUSES.find((c) => c.code === code)?.name ?? `cause${code}`;
}

/** Page-table entry bits (both levels). Bits 31..12 hold the frame number. */
export const PTE = { V: 1, W: 2, U: 4, A: 8, D: 16 } as const;
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
