// Running guests and reporting how each went: the step above the two runners (the bare
// machine, and the VMM in one of its modes). It also measures each guest's overhead: its
// cycles under the VMM against the same guest alone on bare hardware, under the same cost
// model (vmm run's summary, and the comparisons built on it, use this one step).

import type { GuestInput, MachineConfig } from '../machine/config.js';
import { Machine } from '../machine/machine.js';
import type { ExitProbe } from '../vmm/exits.js';
import { bootVmm } from '../vmm/boot.js';
import { runHosted, type HostedSetup, type HostReport } from '../vmm/hosts/hosted/hosted-host.js';
import { runDom0, type Dom0Report, type Dom0Setup } from '../vmm/hosts/dom0/dom0-host.js';
import { runPassthrough } from '../vmm/hosts/passthrough.js';
import type { Hypervisor } from '../vmm/hypervisor.js';
import { modeNamed } from '../vmm/modes/index.js';
import type { HardwareAssist, Mode } from '../vmm/modes/mode.js';
import type { Image } from '../image/model.js';
import { wholeCharacters } from '../text/utf8.js';
import { withCutNote } from '../text/cut-note.js';
import { KEPT_CONSOLE_LIMIT, machineReport, vmReport, type ConsoleSink, type GuestReport } from './guest-report.js';

/** The report layer's configuration: the machine, and how a run goes. */
export interface RunConfig extends MachineConfig {
  /** A guest is stopped (status `limit`) when it has retired this many instructions. */
  maxInstructions: number;
  /** Guest instructions per scheduling slice under the VMM. */
  quantum: number;
  /** Also run each guest alone on bare hardware to report its overhead. */
  overhead: boolean;
  /** The hardware-assisted CPU's settings (--mode hw). */
  assist?: HardwareAssist;
  /** --bt inline (--mode full): the translator turns a control-register access only the
   *  virtual CPU sees into an access to its register, with no callout. */
  inlineTranslation?: boolean;
  /** Where the overhead's bare runs are kept between runs of vmm (none: each is run). */
  bareCache?: BareCache;
}

/** What the overhead figure needs of a guest's run alone on bare hardware. */
export interface BareFacts {
  status: string;
  instructions: number;
  cycles: number;
  /** Its console output (the first KEPT_CONSOLE_LIMIT bytes), to compare a PARAVIRT
   *  build's lines with. */
  console: string;
}

/** Bare runs kept between runs of vmm: the same image, devices' contents and machine give
 *  the same run (the simulation is deterministic), so it need not run again. `key` names
 *  what the run depends on; the cache adds what identifies vmm's own code. */
export interface BareCache {
  get(key: BareKey): BareFacts | undefined;
  put(key: BareKey, facts: BareFacts): void;
}

/** Everything a bare run's result depends on. */
export interface BareKey {
  image: Image;
  disk?: Uint8Array;
  input?: Uint8Array;
  /** The machine: memory, TLB, cost model, the instruction bound. */
  machine: string;
}

/** Run one guest on the bare machine. */
export function runBare(guest: GuestInput, config: RunConfig, console: ConsoleSink): GuestReport {
  const machine = new Machine({ ...config, memoryBytes: guest.memoryBytes ?? config.memoryBytes }, { console, input: guest.input, disk: guest.disk });
  try {
    machine.load(guest.image, guest.file);
    const end = machine.run(config.maxInstructions);
    return machineReport(guest.name, machine, end, console);
  } finally {
    machine.release();
  }
}

/** Run guests the way `mode` names (the bare reference takes exactly one guest), each
 *  console to its sink; exit records go to `probe` when given. */
export function runGuests(guests: readonly GuestInput[], mode: string, config: RunConfig, consoles: readonly ConsoleSink[], probe?: ExitProbe): GuestReport[] {
  const vmmMode = modeNamed(mode);
  if (!vmmMode) {
    if (guests.length !== 1) throw new RangeError(`${mode} runs exactly one guest, got ${guests.length}`);
    return [{ ...runBare(guests[0]!, config, consoles[0]!), overheadMissing: 'bare hardware is the reference' }];
  }
  const hv = bootVmm(guests, { ...config, probe }, vmmMode, consoles);
  hv.run();
  return vmReports(hv, guests, config, vmmMode, consoles);
}

/** Run guests under `mode` with the VMM as a process of a host OS (--host hosted). */
export function runGuestsHosted(guests: readonly GuestInput[], mode: string, config: RunConfig, consoles: readonly ConsoleSink[], setup: HostedSetup, probe?: ExitProbe): { guests: GuestReport[]; host: HostReport } {
  const vmmMode = modeNamed(mode);
  if (!vmmMode) throw new RangeError(`${mode} has no VMM to run as a host process`);
  const { hv, host } = runHosted(guests, { ...config, probe }, vmmMode, consoles, setup, keptConsole('utf8'));
  return { guests: vmReports(hv, guests, config, vmmMode, consoles), host };
}

/** Run guests under `mode` beside guest 0, which runs their back ends (--host dom0). */
export function runGuestsDom0(guests: readonly GuestInput[], mode: string, config: RunConfig, consoles: readonly ConsoleSink[], setup: Dom0Setup, probe?: ExitProbe): { guests: GuestReport[]; dom0: Dom0Report } {
  const vmmMode = modeNamed(mode);
  if (!vmmMode) throw new RangeError(`${mode} has no VMM to run guest 0 under`);
  const { hv, host } = runDom0(guests, { ...config, probe }, vmmMode, consoles, setup, keptConsole('utf8'));
  return { guests: vmReports(hv, guests, config, vmmMode, consoles), dom0: host };
}

/** Run guests under `mode` with the physical disk passed through to guest `owner`. */
export function runGuestsPassthrough(guests: readonly GuestInput[], mode: string, config: RunConfig, consoles: readonly ConsoleSink[], owner: number, probe?: ExitProbe): GuestReport[] {
  const vmmMode = modeNamed(mode);
  if (!vmmMode) throw new RangeError(`${mode} has no VMM to pass a device through`);
  const hv = runPassthrough(guests, { ...config, probe }, vmmMode, consoles, owner);
  return vmReports(hv, guests, config, vmmMode, consoles);
}

/** Each guest's report, with its overhead against bare when asked for. The reports are the
 *  last look at the host, whose memory then goes to the next machine of the process
 *  (Hypervisor.release): the bare runs for the overhead come after, so a guest's memory is
 *  never held twice (a 1 GiB guest took 2 GB). */
function vmReports(hv: Hypervisor, guests: readonly GuestInput[], config: RunConfig, vmmMode: Mode, consoles: readonly ConsoleSink[]): GuestReport[] {
  let reports: GuestReport[];
  try {
    reports = hv.vms.map((vm, i) => vmReport(vm, consoles[i]!));
  } finally {
    hv.release();
  }
  reports.forEach((report, i) => {
    const ratio = config.overhead ? overhead(report, guests[i]!, config, vmmMode.equivalence.byLines === true, consoles[i]) : 'not measured (--no-overhead)';
    if (typeof ratio === 'number') report.overhead = Math.round(ratio * 100) / 100;
    else report.overheadMissing = ratio;
  });
  return reports;
}

/** A guest's cycles against the same guest run alone on bare hardware, when both ran the
 *  same work to a normal halt; else why there is no such figure (docs/cli.md). A PARAVIRT
 *  build (`otherBuild`) is set against its native build, which runs other instructions: the
 *  same work is then the same console output. */
export function overhead(report: GuestReport, guest: GuestInput, config: RunConfig, otherBuild = false, console?: ConsoleSink): number | string {
  if (report.status !== 'halted') return `the guest did not halt normally (${report.status})`;
  const native = otherBuild ? guest.native : guest.image;
  if (!native) return 'no native build to run on bare hardware (give vmm the .s source: it assembles both builds)';
  const bare = bareFacts({ ...guest, image: native }, config);
  if (bare.status !== 'halted') return `on bare hardware the guest did not halt normally (${bare.status})`;
  if (otherBuild) {
    // (the bare run's output is kept byte for byte, as latin1 text, with a note past
    // KEPT_CONSOLE_LIMIT bytes; the guest's console gives its bytes, or else its text)
    const mine = console?.kept?.();
    if (bare.console.length > KEPT_CONSOLE_LIMIT || (mine ? mine.cut : report.console.length > KEPT_CONSOLE_LIMIT)) return `console output beyond ${KEPT_CONSOLE_LIMIT} bytes, too much to hold against the native build's on bare hardware`;
    const same = mine ? sameLines(bare.console, Buffer.from(mine.bytes).toString('latin1')) : sameLines(Buffer.from(bare.console, 'latin1').toString('utf8'), report.console);
    if (!same) return 'not the same console output as the native build on bare hardware';
  } else if (bare.instructions !== report.instructions) {
    return `not the same work as on bare hardware (${bare.instructions.toLocaleString('en-US')} instructions there)`;
  }
  return cyclesAgainstBare(report.cycles, bare.cycles) ?? 'no cycles on bare hardware';
}

/** The guest's run alone on bare hardware: from the cache when it has it, else run (and
 *  kept there). */
function bareFacts(guest: GuestInput, config: RunConfig): BareFacts {
  const memoryBytes = guest.memoryBytes ?? config.memoryBytes;
  const key: BareKey = {
    image: guest.image,
    disk: guest.disk,
    input: guest.input,
    machine: JSON.stringify({ memoryBytes, tlbSize: config.tlbSize, tlbTagged: config.tlbTagged, strict: config.strict, bounds: config.bounds ?? {}, maxInstructions: config.maxInstructions, costs: config.costs }),
  };
  const kept = config.bareCache?.get(key);
  if (kept) return kept;
  config.progress?.stage(`${guest.name} alone on bare hardware, for its overhead`);
  const console = keptConsole();
  const bare = runBare(guest, config, console);
  const facts = { status: bare.status, instructions: bare.instructions, cycles: bare.cycles, console: console.text() };
  config.bareCache?.put(key, facts);
  return facts;
}

/** The overhead against bare of the same work: cycles under a technique over cycles on bare
 *  hardware (undefined when bare hardware took none). vmm run's summary and vmm compare's
 *  table both take it from here. */
export function cyclesAgainstBare(cycles: number, bareCycles: number): number | undefined {
  return bareCycles > 0 ? cycles / bareCycles : undefined;
}

/** A console that keeps nothing (runs whose output no one reads). */
export function silentConsole(): ConsoleSink {
  return { putByte() {}, finish() {}, text: () => '' };
}

/** Console output kept to compare runs (a PARAVIRT build's lines against its native
 *  build's on bare hardware; vmm compare's techniques against bare): the first
 *  KEPT_CONSOLE_LIMIT bytes, and the length and an FNV-1a hash of all of them (a guest that
 *  prints for ever stays within bounds). Its text is the bytes one character each
 *  (`latin1`: compared byte for byte), or (`utf8`) as a guest's console shows them: the
 *  host OS's and guest 0's, which the summary and the report show. */
export function keptConsole(encoding: 'latin1' | 'utf8' = 'latin1'): ConsoleSink {
  let bytes = new Uint8Array(4096);
  let length = 0;
  let hash = 0x811c9dc5;
  return {
    putByte(b) {
      hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
      if (length < KEPT_CONSOLE_LIMIT) {
        if (length === bytes.length) {
          const more = new Uint8Array(bytes.length * 2);
          more.set(bytes);
          bytes = more;
        }
        bytes[length] = b;
      }
      length++;
    },
    finish() {},
    text: () => {
      if (length <= KEPT_CONSOLE_LIMIT) return Buffer.from(bytes.subarray(0, length)).toString(encoding);
      // (compared: the length and hash of all of it stand for the rest; shown: the first 4 MiB,
      // cut between characters, and the note a guest's console ends with)
      if (encoding === 'latin1') return `${Buffer.from(bytes.subarray(0, KEPT_CONSOLE_LIMIT)).toString('latin1')}\n[${length} bytes in all, hash ${hash.toString(16)}]`;
      const text = Buffer.from(bytes.subarray(0, wholeCharacters(bytes, KEPT_CONSOLE_LIMIT))).toString('utf8');
      return withCutNote(text, KEPT_CONSOLE_LIMIT, length);
    },
    kept: () => ({ bytes: bytes.subarray(0, Math.min(length, KEPT_CONSOLE_LIMIT)), cut: length > KEPT_CONSOLE_LIMIT }),
  };
}

/** The same lines, in any interleaving (docs/vmm.md: a PARAVIRT build's equivalence). */
export function sameLines(a: string, b: string): boolean {
  const sorted = (s: string) => s.split('\n').sort().join('\n');
  return sorted(a) === sorted(b);
}
