// The options `vmm run` and `vmm trace` share: which guests, which mode, which machine, and
// the per-guest inputs (console input, disk). How they are declared (loaded at start-up);
// run-inputs.ts reads them into RunInputs.

import type { Command } from 'commander';
import type { GuestInput } from '../machine/config.js';
import type { RunConfig } from '../report/run.js';
import { collect } from './command.js';
import { defineMachineOptions } from './machine-options.js';
import { REPORT_OPTION } from './report-file.js';
import type { HostedSetup } from '../vmm/hosts/hosted/hosted-host.js';
import type { Dom0Setup } from '../vmm/hosts/dom0/dom0-host.js';
import { DOM0_MEMORY_BYTES } from '../vmm/hosts/dom0/dom0-abi.js';
import { DEFAULT_DOM0_IMAGE, DEFAULT_HOST_IMAGE, DEFAULT_TOPOLOGY, TOPOLOGIES } from '../vmm/hosts/index.js';

export const DEFAULT_QUANTUM = '10000';

export interface RunInputs {
  guests: GuestInput[];
  /** A name from RUN_MODES. */
  mode: string;
  config: RunConfig;
  /** --host hosted: the host OS and its setup (undefined: bare-metal). */
  host?: HostedSetup;
  /** --host dom0: guest 0 and its setup. */
  dom0?: Dom0Setup;
  /** --passthrough: the guest (an index) the physical disk is passed through to. */
  passthrough?: number;
}

/** The argument of `vmm run` and `vmm trace` (declared at start-up). */
export const IMAGES_ARGUMENT = ['<images...>', 'guest images (.bin) or sources (.s)'] as const;

/** `--input` and `--disk`: a guest's console input and disk (run-inputs.ts assignGuestFiles). */
export function defineGuestFileOptions(cmd: Command): Command {
  return cmd
    .option('--input <[guest=]file>', 'console input for a guest (- for stdin; repeatable)', collect)
    .option('--disk <[guest=]file>', 'disk image for a guest (repeatable; without one a guest has an empty disk)', collect);
}

/** The options, with the modes `--mode` offers (from the mode registry, which the commands
 *  load only when they run: see CommandSpec.prepare). */
export function defineRunOptions(cmd: Command, modes: readonly string[], defaultMode: string): Command {
  cmd.option('--mode <mode>', `how guests run: ${modes.join(', ')}`, defaultMode);
  return defineGuestFileOptions(defineMachineOptions(cmd).option('--quantum <n>', 'ticks of a guest\'s clock (instructions retired, ticks halted) per scheduling slice under the VMM (10k is 10,000)', DEFAULT_QUANTUM))
    .option('--no-overhead', 'do not run each guest alone in bare mode to measure overhead')
    .option('--bt <callout|inline>', 'full: how binary translation handles a control-register access only the virtual CPU sees: callout (a call into the VMM, like every privileged instruction) or inline (the translated code reads or writes the virtual CPU\'s register itself, with no exit)', 'callout')
    .option('--npt <on|off>', 'hw: nested paging; off: shadow page tables, as on first-generation VT-x', 'on')
    .option('--vpid <on|off>', 'hw: tag TLB entries with the guest\'s VPID; off: the TLB is flushed on every VM entry, as before VPID', 'on')
    .option('--exit-on <controls>', 'hw: turn exit controls on, comma-separated: hlt, io, port:N, interrupt-window, invlpg, tlbflush, cr-read:NAME, cr-write:NAME (cr for all), exception:CAUSE (exceptions for all) (repeatable)', collect)
    .option('--host <topology>', `where the VMM runs: ${TOPOLOGIES.map((t) => t.name).join(', ')} (docs/topologies.md)`, DEFAULT_TOPOLOGY)
    .option('--host-image <file>', `hosted: the host OS to boot, .s or .bin (default guests/${DEFAULT_HOST_IMAGE})`)
    .option('--host-app <idle|busy>', 'hosted: the host application that competes with the VMM\'s process for the CPU', 'idle')
    .option('--host-fault <tick>', 'hosted: the host OS faults at its N-th timer tick (every guest stops with it)')
    .option('--dom0-image <file>', `dom0: guest 0's kernel, .s (assembled with PARAVIRT defined) or a PARAVIRT .bin (default guests/${DEFAULT_DOM0_IMAGE})`)
    .option('--dom0-mem <size>', `dom0: guest 0's memory, e.g. 512K, 2M (a multiple of 4K; default ${DOM0_MEMORY_BYTES / 1024 / 1024}M)`)
    .option('--passthrough <guest>', 'bare-metal: pass the physical disk through to this guest (its --disk is on it): its own driver drives it, its interrupts keep host time and may come while another guest runs')
    .option('--dom0-crash <n>', 'dom0: guest 0\'s back end crashes as it takes its N-th request (the guests go on; their requests get error responses)')
    .option(...REPORT_OPTION)
    .option('--exit-off <controls>', 'hw: turn exit controls off, as --exit-on names them (external-interrupt and cpuid stay on: the VMM must get the CPU back, and cpuid always exits on VT-x) (repeatable)', collect);
}
