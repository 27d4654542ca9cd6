// The equivalence oracle across host topologies (docs/topologies.md): every guest program,
// in every mode that runs one of its builds, under every topology of the registry, ends as
// it ends under the default topology: the same console output, status and reason, the same
// instruction count and time, traps, and (for a native build) final registers, pc, FLAGS,
// control registers and memory. Only cycles, exits and notes may differ (a back end or host
// OS sits between a guest and its devices; what the guest sees does not change). And a run
// under each topology is deterministic: its trace is the same byte for byte. The runners
// are TOPOLOGY_RUNNERS (helpers.ts), one per topology of the registry.

import { describe, expect, it } from 'vitest';
import type { GuestReport } from '../../src/report/guest-report.js';
import { recordToJson } from '../../src/trace/jsonl.js';
import { combines, DEFAULT_TOPOLOGY, exactTiming, TOPOLOGIES } from '../../src/vmm/hosts/index.js';
import { MODES } from '../../src/vmm/modes/index.js';
import { existsSync } from 'node:fs';
import { guestPath } from '../support/guests.js';
import { buildsOf, guest, programs, sameLines, TOPOLOGY_RUNNERS, vmState } from './helpers.js';

const reasonCore = (r: GuestReport) => r.reason.replace(/ \([^)]*\)/g, '');

describe.each(TOPOLOGIES.filter((t) => t.name !== DEFAULT_TOPOLOGY).map((t) => t.name))('--host %s', (topology) => {
  for (const rel of programs()) {
    for (const mode of MODES) {
      if (!buildsOf(rel).includes(mode.build) || !combines(topology, mode.build)) continue;
      // A hostile guest whose outcome under this topology differs is pinned by its own
      // X.<topology>.expected (test/guests/expected.test.ts; docs/topologies.md says why).
      if (existsSync(guestPath(rel.replace(/\.s$/, `.${topology}.expected`)))) continue;
      it(`${rel} under --mode ${mode.name} ends as under --host ${DEFAULT_TOPOLOGY}`, () => {
        const { input, options } = guest(rel, undefined, mode.build);
        const want = TOPOLOGY_RUNNERS[DEFAULT_TOPOLOGY]([input], mode.name, options);
        const got = TOPOLOGY_RUNNERS[topology]([input], mode.name, options);
        const [w, g] = [want.reports[0]!, got.reports[0]!];
        const label = `${rel} --mode ${mode.name} --host ${topology}`;
        expect(g.status, `${label}: status`).toBe(w.status);
        expect(reasonCore(g), `${label}: reason`).toBe(reasonCore(w));
        if (!exactTiming(topology)) {
          // A back end sits between (dom0): the same lines, each task's in order, as the
          // paravirtual equivalence has it (docs/vmm.md); the timing may differ.
          expect(sameLines(g.console, w.console), `${label}: console lines`).toBeUndefined();
          return;
        }
        expect(g.console, `${label}: console`).toBe(w.console);
        expect(g.instructions, `${label}: instructions`).toBe(w.instructions);
        expect(g.ticks, `${label}: ticks`).toBe(w.ticks);
        expect(g.traps, `${label}: traps`).toEqual(w.traps);
        // A PARAVIRT guest sees machine frames (its page tables hold them; docs/hypercalls.md),
        // and the host OS's memory moves them: its registers and memory may differ there.
        if (mode.build !== 'paravirt') expect(vmState(got.vms[0]!), `${label}: final state and memory`).toEqual(vmState(want.vms[0]!));
      });
    }
  }
});

describe.each(TOPOLOGIES.map((t) => t.name))('--host %s is deterministic', (topology) => {
  it.each(MODES.filter((m) => combines(topology, m.build)).map((m) => m.name))('--mode %s: the same guests give the same trace, byte for byte', (mode) => {
    const build = MODES.find((m) => m.name === mode)!.build;
    const trace = () => {
      const lines: string[] = [];
      const guests = ['kernel/tinyos.s', 'bare/primes.s', 'bench/diskread.s'].map((g) => guest(g, undefined, build).input);
      TOPOLOGY_RUNNERS[topology](guests, mode, {}, { record: (r) => void lines.push(recordToJson(r)) });
      return lines.join('');
    };
    const first = trace();
    expect(first.length).toBeGreaterThan(1000);
    expect(trace()).toBe(first);
  });
});
