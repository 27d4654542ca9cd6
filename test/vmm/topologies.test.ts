// The equivalence oracle across host topologies (docs/topologies.md): every guest program,
// in every mode that runs one of its builds, under every topology of the registry, ends as
// it ends under the default topology: the same console output, status and reason, the same
// instruction count and time, traps, and (for a native build) final registers, pc, FLAGS,
// control registers and memory. Only cycles, exits and notes may differ (a back end or host OS sits between a
// guest and its devices; what the guest sees does not change). Each topology has a runner
// here: a topology added to the registry without one does not compile.

import { describe, expect, it } from 'vitest';
import type { GuestInput } from '../../src/machine/config.js';
import { vmReport, type GuestReport } from '../../src/report/guest-report.js';
import { runHosted } from '../../src/vmm/hosts/hosted/hosted-host.js';
import { DEFAULT_TOPOLOGY, TOPOLOGIES, type Topology } from '../../src/vmm/hosts/index.js';
import { MODES, modeNamed } from '../../src/vmm/modes/index.js';
import { assemble, captureConsole, guestPath, OPTIONS } from '../support/guests.js';
import { buildsOf, guest, programs, runHv, vmState, type RunOptions } from './helpers.js';

const HOST = { image: assemble(guestPath('host', 'hostos.s')), file: 'guests/host/hostos.s', faultTick: 0 };

type Run = { report: GuestReport; state: ReturnType<typeof vmState> };

/** How each topology runs one guest under `mode`. */
const RUNNERS: Record<Topology, (input: GuestInput, mode: string, options: RunOptions) => Run> = {
  'bare-metal': (input, mode, options) => {
    const { reports, vms } = runHv([input], mode, options);
    return { report: reports[0]!, state: vmState(vms[0]!) };
  },
  hosted: (input, mode, options) => {
    const console = captureConsole();
    const hostConsole = captureConsole();
    const { hv } = runHosted([input], { ...OPTIONS, ...options }, modeNamed(mode)!, [console], { ...HOST, app: 'busy' }, hostConsole);
    return { report: vmReport(hv.vms[0]!, console), state: vmState(hv.vms[0]!) };
  },
};

const reasonCore = (r: GuestReport) => r.reason.replace(/ \([^)]*\)/g, '');

describe.each(TOPOLOGIES.filter((t) => t.name !== DEFAULT_TOPOLOGY).map((t) => t.name))('--host %s', (topology) => {
  for (const rel of programs()) {
    for (const mode of MODES) {
      if (!buildsOf(rel).includes(mode.build)) continue;
      it(`${rel} under --mode ${mode.name} ends as under --host ${DEFAULT_TOPOLOGY}`, () => {
        const { input, options } = guest(rel, undefined, mode.build);
        const want = RUNNERS[DEFAULT_TOPOLOGY](input, mode.name, options);
        const got = RUNNERS[topology](input, mode.name, options);
        const label = `${rel} --mode ${mode.name} --host ${topology}`;
        expect(got.report.console, `${label}: console`).toBe(want.report.console);
        expect(got.report.status, `${label}: status`).toBe(want.report.status);
        expect(reasonCore(got.report), `${label}: reason`).toBe(reasonCore(want.report));
        expect(got.report.instructions, `${label}: instructions`).toBe(want.report.instructions);
        expect(got.report.ticks, `${label}: ticks`).toBe(want.report.ticks);
        expect(got.report.traps, `${label}: traps`).toEqual(want.report.traps);
        // A PARAVIRT guest sees machine frames (its page tables hold them; docs/hypercalls.md),
        // and the host OS's memory moves them: its registers and memory may differ there.
        if (mode.build !== 'paravirt') expect(got.state, `${label}: final state and memory`).toEqual(want.state);
      });
    }
  }
});
