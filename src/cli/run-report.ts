// The HTML report of a run (vmm run and vmm trace --report): a probe that watches the exit
// records while the guests run, and, once they have, the page.

import { TimelineCollector } from '../report/html/timeline.js';
import { DOMAIN_IO_WORDS } from '../vmm/hosts/dom0/switchboard.js';
import type { RunReport } from '../report/guest-report.js';
import { divergenceWords } from '../report/summary.js';
import { VERSION } from '../version.js';
import type { Io } from './io.js';
import { writeReport } from './report-file.js';
import type { RunInputs } from './run-options.js';

export function runReport(inputs: RunInputs) {
  // (guest 0 of --host dom0 is a domain like the others: a lane of its own)
  const probe = new TimelineCollector([...inputs.guests.map((g) => g.name), ...(inputs.dom0 ? ['dom0'] : [])], inputs.host ? 'host OS' : undefined);
  return {
    probe,
    async write(path: string, title: string, report: RunReport, io: Io): Promise<void> {
      // The host's cycles: every guest's (a guest's cycles are the host's while it ran).
      // (Hosted: the whole machine's, the host OS's too; dom0: every domain's, guest 0's too.)
      const end = report.host?.cycles ?? report.dom0?.hostCycles ?? report.guests.reduce((n, g) => n + g.cycles, 0);
      const warnings = Object.fromEntries(report.guests.flatMap((g) => (g.divergences ? [[g.name, divergenceWords(g.divergences).join(' ')]] : [])));
      await writeReport(path, { title, version: VERSION, run: { mode: report.mode, ...(report.translation ? { translation: report.translation } : {}), guests: report.guests.map(({ console: _shown, ...g }) => g), warnings, walkReference: inputs.config.costs.events.walkReference, timeline: probe.finish(end), ...(report.host ? { host: report.host } : {}), ...(report.dom0 ? { dom0: { ...report.dom0, ioWords: DOMAIN_IO_WORDS } } : {}) } }, io);
    },
  };
}
