// The TOY32 platform: where each device sits on the I/O-port bus and which interrupt line it
// drives. docs/devices.md documents the registers; guests/include/platform.inc mirrors these
// numbers for assembly programs (a test keeps them in step).

export const PORT_BASE = { console: 0x10, timer: 0x20, disk: 0x30, pic: 0x40 } as const;
export const IRQ = { timer: 0, console: 1, disk: 2 } as const;

/** Register offsets of each device, from its base port. */
export const CONSOLE_REG = { DATA: 0, STATUS: 1, CTRL: 2 } as const;
export const CONSOLE_STATUS = { INPUT_READY: 1, INPUT_END: 2 } as const;
export const TIMER_REG = { PERIOD: 0, REMAINING: 1, NOW: 2 } as const;
export const DISK_REG = { SECTOR: 0, ADDRESS: 1, COUNT: 2, COMMAND: 3, STATUS: 4, SIZE: 5 } as const;
export const DISK_COMMAND = { READ: 1, WRITE: 2 } as const;
export const DISK_STATUS = { IDLE: 0, BUSY: 1, OK: 2, BAD_SECTOR: 3, BAD_ADDRESS: 4, BAD_COMMAND: 5 } as const;
/** STATUS values in words (traces). */
export const DISK_STATUS_NAMES: Readonly<Record<number, string>> = Object.fromEntries(Object.entries(DISK_STATUS).map(([name, value]) => [value, name.toLowerCase().replace('_', ' ')]));
export const PIC_REG = { MASK: 0, PENDING: 1, ACK: 2, NEXT: 3 } as const;
export const SECTOR_SIZE = 512;

/** The memory-mapped device (docs/devices.md): the console's registers, mirrored at a
 *  physical address past any memory (physical memory is at most 1 GiB): word i of the page
 *  at MMIO_BASE is console register i (DATA, STATUS, CTRL). Loads and stores there reach
 *  the device; other offsets of the page read 0 and ignore writes; nothing is fetched
 *  from it (a fetch is a bus error). */
export const MMIO_BASE = 0x60000000;

/** Whether physical address `pa` is in the memory-mapped device's page. */
export function isMmio(pa: number): boolean {
  return pa >>> 12 === MMIO_BASE >>> 12;
}

/** The port the memory-mapped register at `pa` mirrors, or -1 (an unused offset). */
function mmioPort(pa: number): number {
  const offset = pa & 4095;
  return offset < 4 * Object.keys(CONSOLE_REG).length ? PORT_BASE.console + (offset >>> 2) : -1;
}

/** Where a memory-mapped access goes: the ports of the machine or of a guest's platform. */
interface PortSpace {
  portIn(port: number): number;
  portOut(port: number, value: number): void;
}

/** A load from the memory-mapped device at `pa`: its port read (an unused offset reads 0). */
export function mmioRead(ports: PortSpace, pa: number): number {
  const port = mmioPort(pa);
  return port < 0 ? 0 : ports.portIn(port);
}

/** A store to the memory-mapped device at `pa`: its port written (an unused offset: ignored). */
export function mmioWrite(ports: PortSpace, pa: number, value: number): void {
  const port = mmioPort(pa);
  if (port >= 0) ports.portOut(port, value);
}
