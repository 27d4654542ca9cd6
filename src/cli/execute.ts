// Running guests for `vmm run` and `vmm trace` (loaded only by those commands), with each
// guest's console output streamed to stdout.

import { modeNamed } from '../vmm/modes/index.js';
import { DEFAULT_ASSIST } from '../vmm/modes/mode.js';
import type { ConsoleSink, RunReport } from '../report/guest-report.js';
import { runGuests, runGuestsDom0, runGuestsHosted, runGuestsPassthrough } from '../report/run.js';
import type { ExitProbe } from '../vmm/exits.js';
import { chalkFor } from './colors.js';
import { GuestConsole } from './guest-console.js';
import { loadingGuests } from './loading.js';
import { allMeters, OutputPacer } from './output-pacer.js';
import { TerminalProgress } from './progress.js';
import type { Io } from './io.js';
import type { Writer } from '../trace/writer.js';
import type { RunInputs } from './run-options.js';

/** Run the guests as the options say; console output streams to stdout unless `quietConsole`.
 *  With `progress`, a long run shows its progress on stderr when that is a terminal.
 *  `flush` writes out what the output buffers hold (stdout's, and a trace's): it is called
 *  about every tenth of a second of the run (OutputPacer). */
export function executeRun(inputs: RunInputs, io: Io, quietConsole: boolean, probe?: ExitProbe, progress = false, flush: () => void = () => io.out.flush()): RunReport {
  const { guests, mode } = inputs;
  const width = Math.max(...guests.map((g) => g.name.length));
  const meter = progress && io.errTerminal ? new TerminalProgress(io.err, io.now) : undefined;
  // guest output erases the progress line first (both may share one terminal)
  const out: Writer = meter ? { write: (data) => (meter.finish(), io.out.write(data)), flush: () => io.out.flush(), close: () => io.out.close() } : io.out;
  const consoles = guests.map((g, i) => consoleFor(g.name.padEnd(width), i, guests.length, { ...io, out }, quietConsole));
  const config = { ...inputs.config, progress: allMeters(meter, new OutputPacer(flush, io.now)) };
  try {
    return loadingGuests(() => {
      const hardware = modeNamed(mode)?.describeAssist?.(config.assist ?? DEFAULT_ASSIST);
      const translation: RunReport['translation'] = modeNamed(mode)?.translates ? (config.inlineTranslation ? 'inline' : 'callout') : undefined;
      const settings = { mode, ...(hardware ? { hardware } : {}), ...(translation ? { translation } : {}) };
      if (inputs.passthrough !== undefined) {
        return { ...settings, guests: runGuestsPassthrough(guests, mode, config, consoles, inputs.passthrough, probe) };
      }
      if (inputs.dom0) {
        const run = runGuestsDom0(guests, mode, config, consoles, inputs.dom0, probe);
        return { ...settings, guests: run.guests, dom0: run.dom0 };
      }
      if (inputs.host) {
        const run = runGuestsHosted(guests, mode, config, consoles, inputs.host, probe);
        return { ...settings, guests: run.guests, host: run.host };
      }
      return { ...settings, guests: runGuests(guests, mode, config, consoles, probe) };
    });
  } finally {
    meter?.finish();
  }
}

const PREFIX_COLORS = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red'] as const;

/** One guest's console: its lines as they are, or prefixed "name | " (names padded to line up). */
function consoleFor(name: string, index: number, count: number, io: Io, quiet: boolean): ConsoleSink {
  if (count === 1) return new GuestConsole(quiet ? undefined : io.out, '', io.outTerminal);
  const c = chalkFor(io.outColor);
  const prefix = c[PREFIX_COLORS[index % PREFIX_COLORS.length]!](`${name} | `);
  return new GuestConsole(quiet ? undefined : io.out, prefix, io.outTerminal);
}
