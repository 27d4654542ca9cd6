// Where a paravirtual guest's shared pages, boot page tables and frame list sit in its
// memory, and the boot state the VMM builds there (Xen's domain builder: start_info, the
// initial page tables, the P2M list; docs/hypercalls.md, "Boot"). They take the top of the
// guest's memory; everything below `usableEnd` is the guest's to use, and sp starts there.
//
//   usableEnd  start-info | shared-info | console | block ring | boot directory |
//              fixmap table | identity tables (1 per 4 MiB) | frame list (1 page per 4 MiB)
//
// The boot directory maps every guest frame at its pseudo-physical address (user-accessible:
// the guest kernel runs deprivileged; writable except the tables themselves, the start-info
// page and the frame list), and slot 1023 (the fixmap) maps the shared pages and the frame
// list at the fixed addresses of src/isa/paravirt-abi.ts.

import { PTE, PAGE_SIZE } from '../../../isa/arch.js';
import { BACKEND_DOMID, DOMAIN_ROW, FIXMAP_SLOT, GRANT, PV_VA, SHARED_INFO, START_INFO, START_INFO_MAGIC } from '../../../isa/paravirt-abi.js';
import type { DomainRow } from '../../links.js';

/** Pages of the area before the identity tables and the frame list. */
const FIXED_PAGES = 6;

export interface PvLayout {
  /** Frames of the guest's memory. */
  readonly frames: number;
  /** Pseudo-physical end of the memory the guest may use (bytes). */
  readonly usableEnd: number;
  /** Guest frame numbers (pseudo-physical) of each page of the area. */
  readonly startInfo: number;
  readonly sharedInfo: number;
  readonly console: number;
  readonly blkRing: number;
  readonly bootDir: number;
  readonly fixmapTable: number;
  readonly identityTables: number;
  readonly identityTableCount: number;
  readonly p2m: number;
  readonly p2mPages: number;
}

/** The layout for a guest of `frames` frames, or undefined when it is too small to hold it
 *  and a page of its own. */
export function pvLayout(frames: number): PvLayout | undefined {
  const perTable = 1024;
  const tables = Math.ceil(frames / perTable);
  const p2mPages = Math.ceil(frames / perTable);
  const area = FIXED_PAGES + tables + p2mPages;
  if (area >= frames) return undefined;
  const first = frames - area;
  return {
    frames,
    usableEnd: first * PAGE_SIZE,
    startInfo: first,
    sharedInfo: first + 1,
    console: first + 2,
    blkRing: first + 3,
    bootDir: first + 4,
    fixmapTable: first + 5,
    identityTables: first + FIXED_PAGES,
    identityTableCount: tables,
    p2m: first + FIXED_PAGES + tables,
    p2mPages,
  };
}

/** Pages a guest needs for the area (the smallest memory that holds it is one page more). */
export function pvAreaPages(frames: number): number {
  return FIXED_PAGES + 2 * Math.ceil(frames / 1024);
}

/** What start-info says of the domain beyond its memory. */
export interface BootInfo {
  readonly diskSectors: number;
  readonly domid: number;
  /** Guest 0: the domains it serves. */
  readonly domains?: readonly DomainRow[] | undefined;
  readonly crashAt?: number | undefined;
}

/** Guest memory as the builder writes it (pseudo-physical byte addresses). */
export interface BootMemory {
  write32(gpa: number, value: number): void;
}

/** Write the area: start-info, shared-info (events masked), the frame list and the boot page
 *  tables. `mfnOf` gives each guest frame's machine frame. */
export function buildBootArea(layout: PvLayout, memory: BootMemory, mfnOf: (pfn: number) => number, boot: BootInfo): void {
  const { diskSectors, domid, domains, crashAt } = boot;
  const page = (pfn: number) => pfn * PAGE_SIZE;
  const si = page(layout.startInfo);
  const fields: [number, number][] = [
    [START_INFO.MAGIC, START_INFO_MAGIC],
    [START_INFO.NR_PAGES, layout.frames],
    [START_INFO.USABLE_END, layout.usableEnd],
    [START_INFO.SHARED_INFO_MFN, mfnOf(layout.sharedInfo)],
    [START_INFO.CONSOLE_MFN, mfnOf(layout.console)],
    [START_INFO.BLK_RING_MFN, mfnOf(layout.blkRing)],
    [START_INFO.PT_BASE, page(layout.bootDir)],
    [START_INFO.NR_PT_FRAMES, 2 + layout.identityTableCount],
    [START_INFO.MFN_LIST, PV_VA.P2M],
    [START_INFO.DISK_SECTORS, diskSectors],
    [START_INFO.DOMID, domid],
    [START_INFO.BACKEND_DOMID, BACKEND_DOMID],
    [START_INFO.DOMAINS, domains?.length ?? 0],
    [START_INFO.CRASH_AT, crashAt ?? 0],
  ];
  for (const [offset, value] of fields) memory.write32(si + offset, value);
  (domains ?? []).forEach((d, i) => {
    const row = si + START_INFO.DOMAIN_TABLE + i * DOMAIN_ROW.SIZE;
    memory.write32(row + DOMAIN_ROW.DOMID, d.domid);
    memory.write32(row + DOMAIN_ROW.FIRST_SECTOR, d.firstSector);
    memory.write32(row + DOMAIN_ROW.SECTORS, d.sectors);
    memory.write32(row + DOMAIN_ROW.LINE, d.line);
  });
  const shared = page(layout.sharedInfo);
  memory.write32(shared + SHARED_INFO.UPCALL_MASK, 1);
  memory.write32(shared + SHARED_INFO.EVTCHN_MASK, -1);
  // The domain builder grants the back end's domain the block ring (GNT_RING_REF).
  const ring = shared + SHARED_INFO.GRANT_TABLE + GRANT.RING_REF * GRANT.ENTRY_SIZE;
  memory.write32(ring + GRANT.FLAGS, GRANT.PERMIT_ACCESS | (BACKEND_DOMID << GRANT.DOMID_SHIFT));
  memory.write32(ring + GRANT.FRAME, layout.blkRing);
  for (let pfn = 0; pfn < layout.frames; pfn++) memory.write32(page(layout.p2m) + pfn * 4, mfnOf(pfn));

  const readOnly = (pfn: number) =>
    pfn === layout.startInfo || (pfn >= layout.bootDir && pfn < layout.p2m) || (pfn >= layout.p2m && pfn < layout.p2m + layout.p2mPages);
  const entry = (pfn: number, writable: boolean) => (mfnOf(pfn) << 12) | PTE.V | PTE.U | (writable ? PTE.W : 0);
  const dir = page(layout.bootDir);
  for (let t = 0; t < layout.identityTableCount; t++) {
    const table = layout.identityTables + t;
    memory.write32(dir + t * 4, (mfnOf(table) << 12) | PTE.V | PTE.W | PTE.U);
    for (let i = 0; i < 1024; i++) {
      const pfn = t * 1024 + i;
      if (pfn < layout.frames) memory.write32(page(table) + i * 4, entry(pfn, !readOnly(pfn)));
    }
  }
  memory.write32(dir + FIXMAP_SLOT * 4, (mfnOf(layout.fixmapTable) << 12) | PTE.V | PTE.W | PTE.U);
  const fix = page(layout.fixmapTable);
  const slot = (va: number) => fix + ((va >>> 12) & 1023) * 4;
  for (let i = 0; i < layout.p2mPages; i++) memory.write32(slot(PV_VA.P2M + i * PAGE_SIZE), entry(layout.p2m + i, false));
  memory.write32(slot(PV_VA.START_INFO), entry(layout.startInfo, false));
  memory.write32(slot(PV_VA.SHARED_INFO), entry(layout.sharedInfo, true));
  memory.write32(slot(PV_VA.CONSOLE), entry(layout.console, true));
  memory.write32(slot(PV_VA.BLK_RING), entry(layout.blkRing, true));
}
