// The paravirtual ABI's memory layout: where a PARAVIRT guest finds the pages it shares with
// the VMM, and what each word of them means. One table (docs/hypercalls.md, "Shared pages",
// and guests/include/hypercalls.inc are written from it; a test keeps them equal). The model
// is Xen's start_info, shared_info/vcpu_info and io/ring.h (xen/include/public/xen.h),
// reduced to what TOY32 needs; docs/hypercalls.md says how each differs.

import { hex } from './disasm.js';

export interface AbiConstant {
  /** The assembler name (guests/include/hypercalls.inc). */
  readonly name: string;
  readonly value: number;
  readonly meaning: string;
}

export interface AbiGroup {
  readonly title: string;
  readonly constants: readonly AbiConstant[];
}

/** Fixed virtual addresses: the VMM maps these pages there in the boot page tables (page-directory
 *  slot 1023, Xen's "fixmap"), so PARAVIRT code names them with constants. */
export const PV_VA = {
  P2M: 0xffc00000,
  START_INFO: 0xffffc000,
  SHARED_INFO: 0xffffd000,
  CONSOLE: 0xffffe000,
  BLK_RING: 0xfffff000,
} as const;

/** The page-directory slot of the fixmap (the top 4 MiB of the address space). */
export const FIXMAP_SLOT = 1023;

/** Words of the start-info page (byte offsets). */
export const START_INFO = {
  MAGIC: 0,
  NR_PAGES: 4,
  USABLE_END: 8,
  SHARED_INFO_MFN: 12,
  CONSOLE_MFN: 16,
  BLK_RING_MFN: 20,
  PT_BASE: 24,
  NR_PT_FRAMES: 28,
  MFN_LIST: 32,
  DISK_SECTORS: 36,
} as const;

/** "TPV1" in memory order: the start-info page of this ABI. */
export const START_INFO_MAGIC = 0x31565054;

/** Words of the shared-info page: the vCPU's part (Xen's vcpu_info), then the event channels. */
export const SHARED_INFO = {
  UPCALL_MASK: 0,
  UPCALL_PENDING: 4,
  SPC: 8,
  SFLAGS: 12,
  CAUSE: 16,
  FADDR: 20,
  SP: 24,
  R0: 28,
  EVTCHN_PENDING: 64,
  EVTCHN_MASK: 68,
} as const;

/** The block ring (io/ring.h): four index words, then RING_SIZE slots of SLOT_SIZE bytes. */
export const BLK_RING = {
  REQ_PROD: 0,
  RSP_PROD: 8,
  RSP_CONS: 12,
  SLOTS: 16,
  SLOT_SIZE: 32,
  SIZE: 32,
  /** Request words (in a slot). */
  REQ_ID: 0,
  REQ_OP: 4,
  REQ_SECTOR: 8,
  REQ_COUNT: 12,
  REQ_BUFFER: 16,
  /** Response words (in the same slot, once answered). */
  RSP_ID: 0,
  RSP_OP: 4,
  RSP_STATUS: 8,
  /** Most sectors one request moves (one page). */
  MAX_SECTORS: 8,
} as const;

/** Event channels: ports 0..EVTCHN_PORTS-1, and the virtual interrupts a port can be bound to. */
export const EVTCHN_PORTS = 32;
export const VIRQ = { TIMER: 0, CONSOLE: 1, DISK: 2 } as const;

/** Commands of the batched and multiplexed calls (Xen's numbers). */
export const MMUEXT = { PIN_L2_TABLE: 1, UNPIN_TABLE: 4, NEW_BASEPTR: 5, TLB_FLUSH_LOCAL: 6, INVLPG_LOCAL: 7, NEW_USER_BASEPTR: 15 } as const;
export const SCHEDOP = { YIELD: 0, BLOCK: 1, SHUTDOWN: 2 } as const;
export const SHUTDOWN = { POWEROFF: 0, REBOOT: 1, SUSPEND: 2, CRASH: 3 } as const;
export const EVTCHNOP = { BIND_VIRQ: 1, SEND: 4, UNMASK: 9 } as const;
export const UVMF = { TLB_FLUSH: 1, INVLPG: 2 } as const;
export const CONSOLEIO_WRITE = 0;
/** Most bytes one console_io write carries. */
export const CONSOLE_MAX = 4096;
/** Entry words of a multicall: {number, r1, r2, r3, r4, result}. */
export const MULTICALL_ENTRY_WORDS = 6;

const rows = (prefix: string, table: Record<string, number>, meanings: Record<string, string>): AbiConstant[] =>
  Object.entries(table).map(([k, value]) => ({ name: `${prefix}${k}`, value, meaning: meanings[k] ?? '' }));

/** The layout as documented groups of assembler constants. */
export const PV_ABI: readonly AbiGroup[] = [
  {
    title: 'Fixed virtual addresses (the fixmap, page-directory slot 1023)',
    constants: rows('PV_', PV_VA, {
      P2M: 'the frame list (P2M): word i = the machine frame of pseudo-physical frame i; read-only',
      START_INFO: 'the start-info page; read-only',
      SHARED_INFO: 'the shared-info page: the vCPU\'s event mask and trap state, the event channels; the guest and the VMM both write it',
      CONSOLE: 'the console page: a buffer of the guest\'s own for a line being gathered (word 0 = bytes in it, bytes from 4); the VMM reads it only as console_io\'s buffer',
      BLK_RING: 'the block ring shared with the VMM\'s disk back end',
    }),
  },
  {
    title: 'Start-info page (words, byte offsets)',
    constants: [
      ...rows('SI_', START_INFO, {
        MAGIC: `${hex(START_INFO_MAGIC)} ("TPV1")`,
        NR_PAGES: 'frames of the guest\'s memory',
        USABLE_END: 'pseudo-physical end of the memory the guest may use (the shared pages, boot tables and frame list follow); sp at boot',
        SHARED_INFO_MFN: 'machine frame of the shared-info page',
        CONSOLE_MFN: 'machine frame of the console page',
        BLK_RING_MFN: 'machine frame of the block ring',
        PT_BASE: 'virtual (= pseudo-physical) address of the boot page directory, pinned',
        NR_PT_FRAMES: 'frames of boot page tables (the directory and its tables)',
        MFN_LIST: 'virtual address of the frame list (PV_P2M)',
        DISK_SECTORS: 'size of the guest\'s disk in 512-byte sectors (0: no disk)',
      }),
      { name: 'SI_MAGIC_VALUE', value: START_INFO_MAGIC, meaning: 'the value of SI_MAGIC' },
    ],
  },
  {
    title: 'Shared-info page (words, byte offsets)',
    constants: rows('SH_', SHARED_INFO, {
      UPCALL_MASK: 'non-zero: events are masked (the virtual IE is clear); a store, never an exit',
      UPCALL_PENDING: 'non-zero: some port is pending (the VMM sets it; the guest clears it)',
      SPC: 'saved pc of the last trap or event delivered; iret resumes there',
      SFLAGS: 'saved FLAGS: S = the virtual mode, IE = events were unmasked; iret restores them',
      CAUSE: 'trap cause (16 + port for an event)',
      FADDR: 'fault address, as the faddr register',
      SP: 'the sp the trap interrupted',
      R0: 'r0 that iret restores (the hypercall number overwrites r0)',
      EVTCHN_PENDING: 'bit p: port p has an event pending',
      EVTCHN_MASK: 'bit p: port p is masked (set by the guest with a store; cleared by EVTCHNOP_unmask)',
    }),
  },
  {
    title: 'Block ring (bytes)',
    constants: rows('RING_', BLK_RING, {
      REQ_PROD: 'requests produced (the guest writes it; free-running)',
      RSP_PROD: 'responses produced (the VMM writes it; free-running)',
      RSP_CONS: 'the front end\'s own: responses consumed (the PV layer keeps it here; the VMM never reads it)',
      SLOTS: 'offset of slot 0',
      SLOT_SIZE: 'bytes per slot',
      SIZE: 'slots (index & (SIZE - 1) is the slot)',
      REQ_ID: 'request: an id the guest chooses, copied to the response',
      REQ_OP: 'request: 1 read, 2 write (the disk commands)',
      REQ_SECTOR: 'request: first sector',
      REQ_COUNT: `request: sectors, 1..${BLK_RING.MAX_SECTORS}`,
      REQ_BUFFER: 'request: pseudo-physical address of the buffer (inside the guest, not a page-table page)',
      RSP_ID: 'response: the request\'s id',
      RSP_OP: 'response: the request\'s operation',
      RSP_STATUS: 'response: the disk\'s status (DISK_OK, DISK_BAD_SECTOR, DISK_BAD_ADDRESS, DISK_BAD_COMMAND)',
      MAX_SECTORS: 'most sectors in one request',
    }),
  },
  {
    title: 'Commands and numbers',
    constants: [
      ...rows('VIRQ_', VIRQ, { TIMER: 'the one-shot timer (set_timer_op)', CONSOLE: 'console input', DISK: 'the disk back end answered requests' }),
      ...rows('MMUEXT_', MMUEXT, {}),
      ...rows('SCHEDOP_', SCHEDOP, {}),
      ...rows('SHUTDOWN_', SHUTDOWN, {}),
      ...rows('EVTCHNOP_', EVTCHNOP, {}),
      ...rows('UVMF_', UVMF, {}),
      { name: 'CONSOLEIO_WRITE', value: CONSOLEIO_WRITE, meaning: '' },
      { name: 'CONSOLE_MAX', value: CONSOLE_MAX, meaning: 'most bytes one console_io write carries' },
      { name: 'EVTCHN_PORTS', value: EVTCHN_PORTS, meaning: 'event channel ports' },
    ],
  },
];


/** The layout as Markdown tables (docs/hypercalls.md, "Shared pages"). */
export function abiMarkdown(): string {
  return PV_ABI.map((g) => [`### ${g.title}`, '', '| name | value | meaning |', '|---|---:|---|', ...g.constants.map((c) => `| \`${c.name}\` | ${c.value > 255 ? hex(c.value) : c.value} | ${c.meaning.replace(/\|/g, '\\|')} |`)].join('\n')).join('\n\n');
}

/** The layout as assembler constants. */
export function abiInclude(groups: readonly AbiGroup[] = PV_ABI): string[] {
  return groups.flatMap((g) => ['', `; ${g.title}`, ...g.constants.map((c) => `.equ ${c.name}, ${c.value > 255 ? hex(c.value) : c.value}`)]);
}
