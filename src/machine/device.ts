// The one small device interface (after Firecracker's BusDevice): a device owns a range of
// I/O ports and sees offset-relative reads and writes. Devices keep time in ticks (guest
// instructions retired plus ticks spent halted) and tell the machine when they next need
// to run, so the machine can run the CPU in slices up to that moment.

export interface Device {
  readonly name: string;
  /** Number of consecutive ports, from the base the bus gives it. */
  readonly ports: number;
  read(offset: number): number;
  write(offset: number, value: number): void;
  /** Bring the device's time up to `now` (ticks), raising interrupts that fall due. */
  advance?(now: number): void;
  /** Ticks from `now` until the device next needs `advance`, or Infinity. */
  nextEvent?(now: number): number;
  /** The interrupt line the device drives, if any. */
  readonly irq?: IrqLine;
}

/** An interrupt line, handed to a device at construction (TinyEMU's IRQSignal). */
export interface IrqLine {
  /** The line's number at the interrupt controller (-1 for a line going nowhere). */
  readonly number: number;
  raise(): void;
}

/** Memory as a DMA engine sees it: physical addresses, bounds-checked by the caller. */
export interface DmaMemory {
  readonly size: number;
  /** Copy bytes into memory at address (the caller checked the range). */
  write(address: number, bytes: Uint8Array): void;
  read(address: number, length: number): Uint8Array;
  /** Whether the device may move `length` bytes at `address` (into memory with `write`):
   *  an IOMMU's answer (absent: anywhere inside `size`). */
  permits?(address: number, length: number, write: boolean): boolean;
}
