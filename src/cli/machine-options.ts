// The options that describe the simulated machine, shared by `vmm run` and `vmm trace`: how
// they are declared (loaded at start-up; what they mean is in machine-config.ts).

import type { Command } from 'commander';
import { collect } from './command.js';

export const DEFAULTS = { mem: '1M', tlb: '64', maxInstructions: '200000000' } as const;

/** For vmm compare (`perGuest: false`): --mem takes one size for every guest, and --strict
 *  is left out (compare runs trap --strict as a technique of its own). */
export function defineMachineOptions(cmd: Command, { perGuest = true } = {}): Command {
  if (perGuest) cmd.option('--mem <[guest=]size>', `physical memory of the machine or of each guest, e.g. 256K, 1M (a multiple of 4K; default ${DEFAULTS.mem}); NAME=SIZE for one guest (repeatable)`, collect);
  else cmd.option('--mem <size>', `physical memory of each guest, e.g. 256K, 1M (a multiple of 4K; default ${DEFAULTS.mem})`, collect);
  cmd
    .option('--tlb <entries>', 'TLB entries, a power of two from 1 to 4096', DEFAULTS.tlb)
    .option('--tlb-tagged', 'tag TLB entries with the asid register, so writing ptbr does not flush them');
  if (perGuest) cmd.option('--strict', 'make getf, setf and cpuid privileged (the classically virtualizable variant)');
  return cmd
    .option('--max-instructions <n>', 'stop a guest after this many instructions (status 1, reason "limit"); counts are decimal: 10k is 10,000, 2M is 2,000,000', DEFAULTS.maxInstructions)
    .option('--no-jit', 'interpret every instruction instead of compiling hot blocks (slower; the same results)')
    .option('--cost-model <file.json>', 'override cycle costs, e.g. {"instructions": {"div": 40}, "events": {"trap": 80}}')
    .option('-D, --define <NAME[=VALUE]>', 'define a symbol when assembling .s inputs (repeatable)', collect)
    .option('-I, --include <dir>', 'also look for .include files in dir when assembling .s inputs (repeatable)', collect);
}
