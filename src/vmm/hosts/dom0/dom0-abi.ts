// --host dom0's contract with guest 0 (guests/dom0/dom0.s): the physical devices the VMM
// passes through to it, and their ports. Everything else guest 0 uses is the paravirtual ABI
// (src/isa/paravirt-abi.ts: start-info's domain table, grant copy, event channels).
// guests/include/dom0.inc is generated from here (a test keeps them equal).

import { abiInclude, type AbiGroup } from '../../../isa/paravirt-abi.js';
import { LINES_MAX_COUNT, LINES_REG } from '../../../machine/devices/lines.js';
import { PORT_BASE } from '../../../machine/platform.js';

/** Where the physical devices sit on guest 0's ports: the disk where a guest's own disk
 *  would be (platform.inc's DISK_* names serve), and the terminal lines. */
export const DOM0_PORT = { disk: PORT_BASE.disk, lines: 0x50 } as const;

/** The most domains guest 0 serves (domain ids 1..16). */
export const DOM0_MAX_DOMAINS = 16;

/** Guest 0's memory when --dom0-mem does not say. */
export const DOM0_MEMORY_BYTES = 1 << 20;

export const DOM0_ABI: readonly AbiGroup[] = [
  {
    title: 'The terminal lines, passed through to guest 0 (ports)',
    constants: [
      { name: 'LINES_LINE', value: DOM0_PORT.lines + LINES_REG.LINE, meaning: 'select a line: 0 guest 0\'s, d domain d\'s' },
      { name: 'LINES_DATA', value: DOM0_PORT.lines + LINES_REG.DATA, meaning: 'write a byte to the line' },
      { name: 'LINES_ADDRESS', value: DOM0_PORT.lines + LINES_REG.ADDRESS, meaning: 'bus address (guest 0\'s pseudo-physical, through the IOMMU) of bytes to send' },
      { name: 'LINES_COUNT', value: DOM0_PORT.lines + LINES_REG.COUNT, meaning: `write n: send n bytes (1..${LINES_MAX_COUNT}) from LINES_ADDRESS by DMA` },
    ],
  },
  {
    title: 'Limits',
    constants: [{ name: 'DOM0_MAX_DOMAINS', value: DOM0_MAX_DOMAINS, meaning: 'most domains guest 0 serves' }],
  },
];

/** guests/include/dom0.inc. */
export function dom0Include(): string {
  return [
    '; dom0.inc - --host dom0: the physical devices passed through to guest 0. Generated from',
    '; src/vmm/hosts/dom0/dom0-abi.ts (a test keeps them equal); docs/topologies.md.',
    ...abiInclude(DOM0_ABI),
    '',
  ].join('\n');
}
