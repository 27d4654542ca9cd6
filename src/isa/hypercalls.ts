// The paravirtual ABI: every hypercall a PARAVIRT guest may make with `hcall`, and every
// error it may get back, as one table each (docs/hypercalls.md is written from them, and a
// test keeps them equal; `vmm isa --hypercalls` prints them). Numbers follow Xen's public
// headers (xen/include/public/xen.h, errno.h) where a call has a Xen counterpart.
//
// Calling convention: the number in r0, arguments in r1..r4; the result in r0 (0, a count,
// or a negative error code), other registers kept unless a call says otherwise.

import { abiInclude } from './paravirt-abi.js';

export interface HypercallArgument {
  readonly reg: 'r1' | 'r2' | 'r3' | 'r4';
  readonly name: string;
  readonly meaning: string;
}

export interface Hypercall {
  readonly number: number;
  readonly name: string;
  /** What it does, in a line. */
  readonly summary: string;
  readonly args: readonly HypercallArgument[];
  /** What r0 holds after it. */
  readonly result: string;
  /** The errors it can return, by name (HYPERCALL_ERRORS). */
  readonly errors: readonly ErrorName[];
  /** Its Xen counterpart, and how this one differs. */
  readonly xen: string;
}

/** Negative results, Xen's errno values (xen/include/public/errno.h). */
export const HYPERCALL_ERRORS = [
  { name: 'EPERM', value: -1, meaning: 'not allowed: the operation would break isolation or the page-table rules' },
  { name: 'ENOENT', value: -2, meaning: 'no such object (an event channel that is not bound, a domain that does not exist or has ended)' },
  { name: 'EIO', value: -5, meaning: 'the back end that would carry the request out is gone (guest 0 crashed or stopped)' },
  { name: 'EFAULT', value: -14, meaning: 'an address the call was given is outside the guest\'s memory, or not mapped' },
  { name: 'EBUSY', value: -16, meaning: 'the object is in use (a pinned table that is still a root, a frame a disk request in flight reads into, a virtual interrupt or a domain already bound to a port)' },
  { name: 'EINVAL', value: -22, meaning: 'a bad argument: an unknown command, a count out of range, a misaligned address' },
  { name: 'ENOSYS', value: -38, meaning: 'no hypercall with this number' },
] as const;

export type ErrorName = (typeof HYPERCALL_ERRORS)[number]['name'];

/** The error codes by name (negative, as a hypercall returns them). */
export const ERR: Readonly<Record<ErrorName, number>> = Object.fromEntries(HYPERCALL_ERRORS.map((e) => [e.name, e.value])) as Record<ErrorName, number>;

/** Most operations one batched call (mmu_update, mmuext_op, multicall) may carry. */
export const MAX_BATCH = 1024;

export const HYPERCALLS: readonly Hypercall[] = [
  {
    number: 0,
    name: 'set_trap_table',
    summary: 'register the guest kernel\'s trap entry point (its tvec)',
    args: [{ reg: 'r1', name: 'entry', meaning: 'virtual address of the trap handler, 4-aligned (0: none)' }],
    result: '0',
    errors: ['EINVAL'],
    xen: 'HYPERVISOR_set_trap_table (0); Xen takes a table of vectors, TOY32 has one entry point that reads cause',
  },
  {
    number: 1,
    name: 'mmu_update',
    summary: 'apply a batch of page-table entry writes, each validated',
    args: [
      { reg: 'r1', name: 'requests', meaning: 'guest virtual address of `count` pairs {machine address of the entry, new value}' },
      { reg: 'r2', name: 'count', meaning: `number of pairs, 1..${MAX_BATCH}` },
    ],
    result: 'the number of entries applied (all of them, or those before the first refused one), or an error if none was',
    errors: ['EBUSY', 'EFAULT', 'EINVAL', 'EPERM'],
    xen: 'HYPERVISOR_mmu_update (1); only MMU_NORMAL_PT_UPDATE (the entry address is a machine address, as in Xen); the count applied is the result instead of a success_count pointer',
  },
  {
    number: 4,
    name: 'set_callbacks',
    summary: 'register the event callback: where the guest kernel is entered when an event is delivered (a trap entry must be set too: without one every trap and event is unhandled)',
    args: [{ reg: 'r1', name: 'callback', meaning: 'virtual address of the event handler, 4-aligned' }],
    result: '0',
    errors: ['EINVAL'],
    xen: 'HYPERVISOR_set_callbacks (4); one callback (no failsafe callback)',
  },
  {
    number: 13,
    name: 'multicall',
    summary: 'make several hypercalls in one exit',
    args: [
      { reg: 'r1', name: 'calls', meaning: 'guest address of `count` entries {number, r1, r2, r3, r4, result}' },
      { reg: 'r2', name: 'count', meaning: `number of entries, 1..${MAX_BATCH}` },
    ],
    result: 'the number of calls made; each entry\'s result word holds its own r0',
    errors: ['EFAULT', 'EINVAL'],
    xen: 'HYPERVISOR_multicall (13); a multicall inside a multicall is refused (EINVAL), as in Xen',
  },
  {
    number: 14,
    name: 'update_va_mapping',
    summary: 'write the page-table entry that maps one virtual page, validated, then flush as asked',
    args: [
      { reg: 'r1', name: 'va', meaning: 'the virtual address whose entry changes (in the current address space)' },
      { reg: 'r2', name: 'pte', meaning: 'the new entry' },
      { reg: 'r3', name: 'flags', meaning: '1: flush the whole TLB after; 2: invalidate this page only; 0: neither' },
    ],
    result: '0',
    errors: ['EINVAL', 'EPERM'],
    xen: 'HYPERVISOR_update_va_mapping (14); flags are UVMF_TLB_FLUSH (1) and UVMF_INVLPG (2), local only',
  },
  {
    number: 15,
    name: 'set_timer_op',
    summary: 'set the timer: an event on the timer\'s port after `ticks` guest ticks, then every `period` ticks (0: once)',
    args: [
      { reg: 'r1', name: 'ticks', meaning: 'ticks from now to the first event, 1..2^31-1 (0: cancel the timer)' },
      { reg: 'r2', name: 'period', meaning: 'ticks between later events, 0..2^31-1 (0: one shot)' },
    ],
    result: '0',
    errors: ['EINVAL'],
    xen: 'HYPERVISOR_set_timer_op (15) is one-shot at an absolute time in ns, and Xen 3\'s VCPUOP_set_periodic_timer is periodic; here relative guest ticks, both in one call',
  },
  {
    number: 17,
    name: 'xen_version',
    summary: 'the interface version; does nothing else, so the PV layer makes it to have a pending event delivered at once',
    args: [],
    result: 'the version: 1',
    errors: [],
    xen: 'HYPERVISOR_xen_version (17) with XENVER_version; Linux\'s xen_force_evtchn_callback makes it for the same reason',
  },
  {
    number: 18,
    name: 'console_io',
    summary: 'write a buffer to the guest\'s console in one exit; guest 0 also reads another domain\'s console output, to write it to that domain\'s terminal line',
    args: [
      { reg: 'r1', name: 'cmd', meaning: '0: write (CONSOLEIO_write); 1: read a domain\'s output (CONSOLEIO_read, guest 0 only)' },
      { reg: 'r2', name: 'count', meaning: 'bytes to write, 0..4096 (read: most bytes to take)' },
      { reg: 'r3', name: 'buffer', meaning: 'guest virtual address of the bytes' },
      { reg: 'r4', name: 'domain', meaning: 'read: the domain whose output to take' },
    ],
    result: 'the number of bytes written (read: taken)',
    errors: ['EFAULT', 'EINVAL', 'EIO', 'ENOENT', 'EPERM'],
    xen: 'HYPERVISOR_console_io (18); CONSOLEIO_write 0 and CONSOLEIO_read 1. Under --host dom0 a write goes to guest 0, not to the VMM\'s console: it queues the bytes for guest 0\'s console back end and notifies it (Xen\'s front end would write a shared ring that guest 0 maps); guest 0 takes them with CONSOLEIO_read (Xen\'s dom0 reads the hypervisor\'s console ring the same way); once guest 0 is gone the VMM writes them itself, as Xen\'s own console',
  },
  {
    number: 20,
    name: 'grant_table_op',
    summary: 'grant copy: copy bytes between frames of domains that granted the caller access (checked: the entry in force, granted to the caller, writable for a destination, the frame the granter\'s own, the range inside the frame)',
    args: [
      { reg: 'r1', name: 'cmd', meaning: '5: copy (GNTTABOP_copy)' },
      { reg: 'r2', name: 'ops', meaning: 'guest virtual address of `count` copy operations of 8 words {src_dom, src_ref, src_off, dst_dom, dst_ref, dst_off, len, status} (docs/hypercalls.md, "Grant table and grant copy")' },
      { reg: 'r3', name: 'count', meaning: `number of operations, 1..${MAX_BATCH}` },
    ],
    result: 'the number of operations carried (each has its own status word: 0, or a GNTST_ code)',
    errors: ['EFAULT', 'EINVAL'],
    xen: 'HYPERVISOR_grant_table_op (20) with GNTTABOP_copy (5); one copy is {source, destination, length, status} with each side a (domain, reference or frame, offset); no GNTTABOP_map_grant_ref: guest 0 copies, it never maps another domain\'s frame',
  },
  {
    number: 23,
    name: 'iret',
    summary: 'return from a trap or event: pc, FLAGS (mode, conditions; IE unmasks events) and r0 from the shared-info page',
    args: [],
    result: 'r0 as saved in the shared-info page (SH_R0)',
    errors: ['EINVAL'],
    xen: 'HYPERVISOR_iret (23); Xen pops the frame from the guest kernel stack, here it is in the shared-info page; not inside a multicall (EINVAL): it returns from a trap, not from a call',
  },
  {
    number: 26,
    name: 'mmuext_op',
    summary: 'extended MMU operations, batched: pin and unpin page-table pages, new page-table base, TLB flush, invlpg',
    args: [
      { reg: 'r1', name: 'ops', meaning: 'guest address of `count` pairs {command, argument}: 1 pin a page directory (machine frame), 4 unpin (machine frame), 5 new kernel base (machine frame of a pinned directory), 6 flush the TLB, 7 invalidate one page (va), 15 new user base (machine frame of a pinned directory; 0: none, so machine frame 0 is never a user root)' },
      { reg: 'r2', name: 'count', meaning: `number of pairs, 1..${MAX_BATCH}` },
    ],
    result: 'the number of operations done (all, or those before the first refused one), or an error if none was',
    errors: ['EBUSY', 'EFAULT', 'EINVAL', 'EPERM'],
    xen: 'HYPERVISOR_mmuext_op (26); commands keep Xen\'s numbers (MMUEXT_PIN_L2_TABLE 1, UNPIN_TABLE 4, NEW_BASEPTR 5, TLB_FLUSH_LOCAL 6, INVLPG_LOCAL 7, NEW_USER_BASEPTR 15, as on x86-64); two-level tables, so only L2 roots are pinned',
  },
  {
    number: 29,
    name: 'sched_op',
    summary: 'scheduler operations: yield the CPU, block until an event, shut down with a reason',
    args: [
      { reg: 'r1', name: 'cmd', meaning: '0: yield; 1: block (events enabled) until one is pending; 2: shut down' },
      { reg: 'r2', name: 'reason', meaning: 'for shutdown: 0 poweroff (the guest halts), 1 reboot and 2 suspend (the guest ends: vmm restarts nothing), 3 crash (the guest is stopped as faulted)' },
    ],
    result: '0 (shutdown does not return)',
    errors: ['EINVAL'],
    xen: 'HYPERVISOR_sched_op (29); SCHEDOP_yield 0, SCHEDOP_block 1, SCHEDOP_shutdown 2 with SHUTDOWN_poweroff 0, reboot 1, suspend 2, crash 3',
  },
  {
    number: 32,
    name: 'event_channel_op',
    summary: 'event channels: bind a virtual interrupt to a port, send on a port, unmask a port',
    args: [
      { reg: 'r1', name: 'cmd', meaning: '0: bind a port to another domain\'s front ends (guest 0 only; r2 = the domain): its notifications arrive there, and a send there notifies it; 1: bind a virtual interrupt to the lowest free port (r2 = virq: 0 timer, 1 console, 2 disk; for guest 0 the disk\'s is the physical disk\'s interrupt); 4: send on a port (to the disk\'s port: the back end takes the new requests); 9: unmask (r2 = port)' },
      { reg: 'r2', name: 'arg', meaning: 'the domain, the virq or the port' },
    ],
    result: 'for a bind, the port bound; else 0',
    errors: ['EBUSY', 'EINVAL', 'EIO', 'ENOENT', 'EPERM'],
    xen: 'HYPERVISOR_event_channel_op (32); EVTCHNOP_bind_interdomain 0 (here the toolstack\'s alloc_unbound is implied: the VMM connected each front end at boot), bind_virq 1, send 4, unmask 9; at most 32 ports, one pending bit each in the shared-info page',
  },
  {
    number: 36,
    name: 'domctl',
    summary: 'guest 0 only: destroy a domain whose front end broke the split driver\'s rules (the VMM stops it, with the verdict as its reason)',
    args: [
      { reg: 'r1', name: 'cmd', meaning: '2: destroy (DOMCTL_DESTROY)' },
      { reg: 'r2', name: 'domain', meaning: 'the domain (not 0)' },
      { reg: 'r3', name: 'verdict', meaning: '1: its ring indices cannot be true; 2: it notifies without requests, without end; 3: its ring cannot be read (its grant revoked); 4: its ring cannot be written (its grant read-only or revoked)' },
    ],
    result: '0',
    errors: ['EINVAL', 'ENOENT', 'EPERM'],
    xen: 'HYPERVISOR_domctl (36) with XEN_DOMCTL_destroydomain (2), which Xen\'s toolstack in dom0 issues; the verdict is TOY32\'s, so the stopped guest\'s reason says why',
  },
];

/** The hypercall with this number, if there is one. */
export function hypercallNumbered(number: number): Hypercall | undefined {
  return HYPERCALLS.find((h) => h.number === number);
}

/** The hypercall table as Markdown (docs/hypercalls.md). */
export function hypercallsMarkdown(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const rows = ['| number | name | arguments | result | errors | does |', '|---:|---|---|---|---|---|'];
  for (const h of HYPERCALLS) {
    const args = h.args.map((a) => `\`${a.reg}\` ${a.name}: ${esc(a.meaning)}`).join('<br>');
    rows.push(`| ${h.number} | \`${h.name}\` | ${args} | ${esc(h.result)} | ${h.errors.map((e) => `\`${e}\``).join(', ')} | ${esc(h.summary)} |`);
  }
  return rows.join('\n');
}

/** The error table as Markdown (docs/hypercalls.md). */
export function hypercallErrorsMarkdown(): string {
  return ['| name | value | meaning |', '|---|---:|---|', ...HYPERCALL_ERRORS.map((e) => `| \`${e.name}\` | ${e.value} | ${e.meaning} |`)].join('\n');
}

/** The table as assembler constants (guests/include/hypercalls.inc): HC_NAME and ENAME. */
export function hypercallsInclude(): string {
  return [
    '; hypercalls.inc - the paravirtual ABI: hypercall numbers, error codes, the shared pages.',
    '; Generated from src/isa/hypercalls.ts and src/isa/paravirt-abi.ts (a test keeps them',
    '; equal); docs/hypercalls.md.',
    '',
    ...HYPERCALLS.map((h) => `.equ HC_${h.name.toUpperCase()}, ${h.number}`),
    '',
    ...HYPERCALL_ERRORS.map((e) => `.equ ${e.name}, ${e.value}`),
    ...abiInclude(),
    '',
  ].join('\n');
}
