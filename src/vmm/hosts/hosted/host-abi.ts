// The hosted topology's contract between the host OS (TOY32: guests/host/hostos.s), its
// VMM process and the VMM (docs/topologies.md, "hosted"), as one table: the boot-info page
// the loader writes for the host OS, the two devices only the hosted machine has (the VMM
// driver's world-switch port, and the terminal lines guests' consoles reach the outside
// by), and the request page through which the VMM's process asks the host OS for I/O.
// guests/include/host.inc is written from it (a test keeps them equal).
//
// The model is VMware Workstation's hosted architecture (Sugerman et al., USENIX ATC 2001):
// a driver in the host OS (VMware's vmmon) switches the CPU from the host's world to the
// VMM's; a guest's I/O leaves the VMM, goes back to the VMM's user process in the host
// world (the VMX), which makes an ordinary host system call; the host's own driver does the
// I/O, and the result goes back into the guest.

import { abiInclude, type AbiGroup } from '../../../isa/paravirt-abi.js';
import { LINES_REG } from '../../../machine/devices/lines.js';

/** Host memory the host OS has: its kernel, its processes and the boot-info page (the top
 *  page). The VMM's frames for its guests come after it. */
export const HOST_OS_BYTES = 0x80000;

/** Ports of the hosted machine's own devices. */
export const HOST_PORT = { vmmon: 0x60, lines: 0x50 } as const;

/** The VMM driver's device (vmmon): writing RUN the physical address of the VMM process's
 *  request page switches the CPU to the VMM's world; STATUS then says why it came back. */
export const VMMON_REG = { RUN: 0, STATUS: 1 } as const;
export const VMMON_STATUS = {
  /** Every guest has ended: the VMM process may exit. */
  DONE: 0,
  /** The host OS's timer fired: the host takes the CPU (the process asks again later). */
  PREEMPTED: 1,
  /** The request page holds an I/O request for the host OS (the process makes the call). */
  REQUEST: 2,
} as const;

/** Terminal lines (a serial concentrator): LINE selects a line, DATA writes a byte to it.
 *  Line 0 is the host's own console; line k + 1 is guest k's. */

/** The request page (byte offsets): written by the VMM, carried out by the host OS. */
export const REQUEST = {
  OP: 0,
  /** The guest the request is for: its disk partition, its terminal line (FD + 1). */
  FD: 4,
  SECTOR: 8,
  /** Sectors (disk) or bytes (console). */
  COUNT: 12,
  /** Written by the host OS: the disk's STATUS, or the bytes written. */
  STATUS: 16,
  /** The request's id, shared by every hop of its path in the trace. */
  ID: 20,
  /** Written by the host OS when it makes the process: the physical address of the data
   *  page (the disk's DMA target; the console bytes). */
  DATA_PA: 24,
} as const;
export const REQUEST_OP = { NONE: 0, DISK_READ: 1, DISK_WRITE: 2, CONSOLE_WRITE: 3 } as const;
/** Most sectors (and console bytes: one page) one request moves. */
export const REQUEST_MAX_SECTORS = 8;

/** The boot-info page the loader writes for the host OS (r1 points at it at boot). */
export const HOST_INFO = {
  MAGIC: 0,
  GUESTS: 4,
  /** 0: the host application is idle (it waits for ever); 1: busy (it computes for ever). */
  APP: 8,
  /** 0: never; n: the host OS faults at its n-th timer tick (--host-fault). */
  FAULT_TICK: 12,
  /** Ticks of the host OS's timer: its time slice. */
  TIMER: 16,
  /** Per guest, its disk partition on the physical disk: first sector, sectors. */
  PARTITIONS: 32,
} as const;
/** "THO1" in memory order. */
export const HOST_INFO_MAGIC = 0x314f4854;
/** Most guests one hosted run takes (partition slots in the boot-info page). */
export const HOST_MAX_GUESTS = 16;
export const HOST_APP = { idle: 0, busy: 1 } as const;

const rows = (prefix: string, table: Record<string, number>, meanings: Record<string, string> = {}) =>
  Object.entries(table).map(([k, value]) => ({ name: `${prefix}${k}`, value, meaning: meanings[k] ?? '' }));

/** The contract as documented groups of assembler constants. */
export const HOST_ABI: readonly AbiGroup[] = [
  { title: 'Devices of the hosted machine (ports)', constants: [
    ...rows('VMMON_', { RUN: HOST_PORT.vmmon + VMMON_REG.RUN, STATUS: HOST_PORT.vmmon + VMMON_REG.STATUS }, { RUN: 'write the request page\'s physical address: world switch to the VMM', STATUS: 'why the VMM gave the CPU back' }),
    ...rows('LINES_', { LINE: HOST_PORT.lines + LINES_REG.LINE, DATA: HOST_PORT.lines + LINES_REG.DATA }, { LINE: 'select a terminal line (0 the host\'s, k + 1 guest k\'s)', DATA: 'write a byte to it' }),
  ] },
  { title: 'Why the VMM gave the CPU back (VMMON_STATUS)', constants: rows('VMMON_', VMMON_STATUS) },
  { title: 'The request page (byte offsets)', constants: rows('REQ_', REQUEST) },
  { title: 'Requests', constants: rows('REQ_', { ...REQUEST_OP, MAX_SECTORS: REQUEST_MAX_SECTORS }) },
  { title: 'Host memory', constants: [{ name: 'HOST_OS_END', value: HOST_OS_BYTES, meaning: 'the end of the host OS\'s memory: the VMM\'s frames for its guests start here' }] },
  { title: 'The boot-info page (byte offsets)', constants: [...rows('HI_', HOST_INFO), ...rows('HI_', { MAGIC_VALUE: HOST_INFO_MAGIC, MAX_GUESTS: HOST_MAX_GUESTS, APP_IDLE: HOST_APP.idle, APP_BUSY: HOST_APP.busy })] },
];

/** The contract as an assembler include (guests/include/host.inc). */
export function hostInclude(): string {
  return [
    '; host.inc - the hosted topology: the host OS\'s boot info, its VMM driver and terminal',
    '; lines, and the VMM process\'s request page. Generated from',
    '; src/vmm/hosts/hosted/host-abi.ts (a test keeps them equal); docs/topologies.md.',
    ...abiInclude(HOST_ABI),
    '',
  ].join('\n');
}
