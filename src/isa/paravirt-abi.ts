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
  DOMID: 40,
  BACKEND_DOMID: 44,
  DOMAINS: 48,
  CRASH_AT: 52,
  DOMAIN_TABLE: 64,
} as const;

/** Guest 0's start-info page lists the domains it serves: DOMAINS rows of DOMAIN_ROW bytes
 *  from DOMAIN_TABLE (docs/topologies.md, "Guest 0"). */
export const DOMAIN_ROW = { DOMID: 0, FIRST_SECTOR: 4, SECTORS: 8, LINE: 12, SIZE: 16 } as const;

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
  GRANT_TABLE: 2048,
} as const;

/** The grant table (Xen's grant_entry_v1, grant_table.h): GNT_ENTRIES entries of two words
 *  from SH_GRANT_TABLE in the shared-info page. Word 0: flags (low half) and the domain
 *  granted (high half); word 1: the pseudo-physical frame. A reference is an entry's index. */
export const GRANT = {
  ENTRIES: 256,
  ENTRY_SIZE: 8,
  FLAGS: 0,
  FRAME: 4,
  PERMIT_ACCESS: 1,
  READONLY: 4,
  DOMID_SHIFT: 16,
  /** Reserved: the block ring page, granted to the back end's domain by the VMM at boot. */
  RING_REF: 0,
  /** The first reference the front end uses: ring slot s has FIRST_FREE + 2s and + 2s + 1. */
  FIRST_FREE: 2,
} as const;

/** grant_table_op's copy (GNTTABOP_copy): one operation is COPY_WORDS words. A side with
 *  domain DOMID_SELF names a pseudo-physical frame of the caller; else a grant reference of
 *  that domain, which must grant the caller (writable, for the destination). */
export const GNTCOPY = { SRC_DOM: 0, SRC_REF: 4, SRC_OFF: 8, DST_DOM: 12, DST_REF: 16, DST_OFF: 20, LEN: 24, STATUS: 28, WORDS: 8 } as const;
export const DOMID_SELF = 0x7ff0;
/** The domain that runs the back ends: guest 0 (under --host dom0; else the VMM's own back
 *  end stands in for it). */
export const BACKEND_DOMID = 0;
export const GNTTABOP_COPY = 5;
/** Status of one copy (Xen's GNTST_*). */
export const GNTST = { OKAY: 0, BAD_DOMAIN: -2, BAD_GNTREF: -4, PERMISSION_DENIED: -8, BAD_PAGE: -9, BAD_COPY_ARG: -10 } as const;

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
  REQ_GREF: 16,
  REQ_OFFSET: 20,
  /** Response words (in the same slot, once answered). */
  RSP_ID: 0,
  RSP_OP: 4,
  RSP_STATUS: 8,
  /** Most sectors one request moves (one page). */
  MAX_SECTORS: 8,
  /** A response status no disk gives: the back end is gone (guest 0 crashed). */
  STATUS_NO_BACKEND: 6,
  /** A status the front end gives itself: the response's id is not its request's. */
  STATUS_FORGED: 7,
} as const;

/** Event channels: ports 0..EVTCHN_PORTS-1, and the virtual interrupts a port can be bound to. */
export const EVTCHN_PORTS = 32;
export const VIRQ = { TIMER: 0, CONSOLE: 1, DISK: 2 } as const;

/** Commands of the batched and multiplexed calls (Xen's numbers). */
export const MMUEXT = { PIN_L2_TABLE: 1, UNPIN_TABLE: 4, NEW_BASEPTR: 5, TLB_FLUSH_LOCAL: 6, INVLPG_LOCAL: 7, NEW_USER_BASEPTR: 15 } as const;
export const SCHEDOP = { YIELD: 0, BLOCK: 1, SHUTDOWN: 2 } as const;
export const SHUTDOWN = { POWEROFF: 0, REBOOT: 1, SUSPEND: 2, CRASH: 3 } as const;
export const EVTCHNOP = { BIND_INTERDOMAIN: 0, BIND_VIRQ: 1, SEND: 4, UNMASK: 9 } as const;
/** domctl's commands (guest 0 only). */
export const DOMCTL = { DESTROY: 2 } as const;
/** Why guest 0's back end stops a front end (domctl DESTROY's reason). */
export const BACKEND_VERDICT = { RING: 1, STORM: 2, UNREADABLE: 3, UNWRITABLE: 4 } as const;
export const UVMF = { TLB_FLUSH: 1, INVLPG: 2 } as const;
export const CONSOLEIO_WRITE = 0;
export const CONSOLEIO_READ = 1;
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
        DISK_SECTORS: 'size of the guest\'s disk in 512-byte sectors (0: no disk; guest 0: the physical disk\'s)',
        DOMID: 'this domain\'s id (guest 0 is 0; the others 1, 2, ... in the order given)',
        BACKEND_DOMID: 'the domain that runs the back ends, which the front ends grant their buffers to: 0 (guest 0 under --host dom0; the VMM\'s own back end stands in for it otherwise)',
        DOMAINS: 'guest 0 only: the number of domains it serves (rows of the domain table)',
        CRASH_AT: 'guest 0 only: its back end crashes (a fault) as it takes its N-th request, N from --dom0-crash (0: never)',
        DOMAIN_TABLE: 'guest 0 only: offset of the domain table, one row per domain it serves',
      }),
      ...rows('DOM_', DOMAIN_ROW, {
        DOMID: 'domain table row: the domain\'s id',
        FIRST_SECTOR: 'domain table row: the first sector of its partition of the physical disk',
        SECTORS: 'domain table row: its partition\'s size in sectors',
        LINE: 'domain table row: its terminal line',
        SIZE: 'bytes per row',
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
      GRANT_TABLE: 'offset of the grant table (the page\'s second half)',
    }),
  },
  {
    title: 'Grant table and grant copy',
    constants: [
      ...rows('GNT_', GRANT, {
        ENTRIES: 'entries in the grant table',
        ENTRY_SIZE: 'bytes per entry',
        FLAGS: 'entry word 0: flags (bits 0..15) and the domain granted (bits 16..31)',
        FRAME: 'entry word 1: the pseudo-physical frame granted',
        PERMIT_ACCESS: 'flag: the grant is in force (clear it to revoke)',
        READONLY: 'flag: the grantee may read the frame, not write it',
        DOMID_SHIFT: 'where the domain granted sits in word 0',
        RING_REF: 'reserved reference: the block ring page, granted by the VMM at boot',
        FIRST_FREE: 'first reference the front end uses (ring slot s: FIRST_FREE + 2s, and + 1 for a buffer\'s second page)',
      }),
      ...rows('GC_', GNTCOPY, {
        SRC_DOM: 'copy operation: the source\'s domain (DOMID_SELF: the caller\'s own frame)',
        SRC_REF: 'copy operation: the source\'s grant reference, or the caller\'s pseudo-physical frame',
        SRC_OFF: 'copy operation: byte offset in the source frame',
        DST_DOM: 'copy operation: the destination\'s domain',
        DST_REF: 'copy operation: the destination\'s grant reference, or the caller\'s frame',
        DST_OFF: 'copy operation: byte offset in the destination frame',
        LEN: 'copy operation: bytes (both sides stay inside their frame)',
        STATUS: 'copy operation: its result, written back (GNTST_*)',
        WORDS: 'words per copy operation',
      }),
      { name: 'DOMID_SELF', value: DOMID_SELF, meaning: 'a copy side in the caller\'s own memory' },
      { name: 'GNTTABOP_COPY', value: GNTTABOP_COPY, meaning: 'grant_table_op\'s copy command' },
      ...rows('GNTST_', GNTST, {
        OKAY: 'copied',
        BAD_DOMAIN: 'no such domain, or it has ended',
        BAD_GNTREF: 'the reference is out of range, or the entry is not in force (revoked)',
        PERMISSION_DENIED: 'the entry grants another domain, or is read-only and was the destination',
        BAD_PAGE: 'the frame is outside the granting domain\'s memory, or (as the destination) a page the VMM keeps read-only',
        BAD_COPY_ARG: 'an offset or length leaves the frame',
      }),
    ],
  },
  {
    title: 'Block ring (bytes)',
    constants: rows('RING_', BLK_RING, {
      REQ_PROD: 'requests produced (the guest writes it; free-running)',
      RSP_PROD: 'responses produced (the VMM writes it; free-running)',
      RSP_CONS: 'the front end\'s own: responses consumed (the PV layer keeps it here; the VMM reads it only to answer the ring itself once guest 0 is gone, if rsp_prod cannot be true)',
      SLOTS: 'offset of slot 0',
      SLOT_SIZE: 'bytes per slot',
      SIZE: 'slots (index & (SIZE - 1) is the slot)',
      REQ_ID: 'request: an id the guest chooses, copied to the response',
      REQ_OP: 'request: 1 read, 2 write (the disk commands)',
      REQ_SECTOR: 'request: first sector',
      REQ_COUNT: `request: sectors, 1..${BLK_RING.MAX_SECTORS}`,
      REQ_GREF: 'request: the grant reference of the buffer\'s page (a buffer that runs into the next page continues in reference REQ_GREF + 1)',
      REQ_OFFSET: 'request: the buffer\'s byte offset in its page, a multiple of 512',
      RSP_ID: 'response: the request\'s id',
      RSP_OP: 'response: the request\'s operation',
      RSP_STATUS: 'response: the disk\'s status (DISK_OK, DISK_BAD_SECTOR, DISK_BAD_ADDRESS, DISK_BAD_COMMAND), or RING_STATUS_NO_BACKEND',
      MAX_SECTORS: 'most sectors in one request',
      STATUS_NO_BACKEND: 'response status: the back end is gone (guest 0 crashed or stopped); the request was not carried out',
      STATUS_FORGED: 'the status the front end (paravirt.s) reports for a response whose id is not its request\'s (a forged or misplaced answer): it trusts nothing else in it',
    }),
  },
  {
    title: 'Commands and numbers',
    constants: [
      ...rows('VIRQ_', VIRQ, { TIMER: 'the one-shot timer (set_timer_op)', CONSOLE: 'the console: no event ever comes, as the PV console has no input (tinyos binds it so that its ports follow its interrupt lines)', DISK: 'the disk back end answered requests' }),
      ...rows('MMUEXT_', MMUEXT, {}),
      ...rows('SCHEDOP_', SCHEDOP, {}),
      ...rows('SHUTDOWN_', SHUTDOWN, {}),
      ...rows('EVTCHNOP_', EVTCHNOP, {}),
      ...rows('DOMCTL_', DOMCTL, {}),
      ...rows('VERDICT_', BACKEND_VERDICT, { RING: 'the front end\'s ring indices cannot be true', STORM: 'the front end notifies without requests, without end', UNREADABLE: 'the front end\'s ring cannot be read (it revoked the ring\'s grant)', UNWRITABLE: 'the front end\'s ring cannot be written (it made the ring\'s grant read-only, or revoked it): no answer can reach it' }),
      ...rows('UVMF_', UVMF, {}),
      { name: 'CONSOLEIO_WRITE', value: CONSOLEIO_WRITE, meaning: '' },
      { name: 'CONSOLEIO_READ', value: CONSOLEIO_READ, meaning: 'guest 0 only: take a domain\'s console output' },
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
