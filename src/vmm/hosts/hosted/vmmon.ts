// The device only the hosted machine has (host-abi.ts): the VMM driver's world-switch port,
// on the physical bus the host OS drives.

import type { Device } from '../../../machine/device.js';
import { VMMON_REG, VMMON_STATUS } from './host-abi.js';

/** vmmon: a write of RUN asks for a world switch into the VMM (carried out once the `out`
 *  has completed, outside the CPU loop); STATUS reads why the VMM came back. */
export class VmmonDevice implements Device {
  readonly name = 'vmmon';
  readonly ports = 2;
  status: number = VMMON_STATUS.DONE;

  constructor(private readonly run: (requestPage: number) => void) {}

  read(offset: number): number {
    return offset === VMMON_REG.STATUS ? this.status : 0;
  }

  write(offset: number, value: number): void {
    if (offset === VMMON_REG.RUN) this.run(value >>> 0);
  }
}
