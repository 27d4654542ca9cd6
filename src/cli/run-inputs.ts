// What `vmm run` and `vmm trace` run: the run options (run-options.ts) checked, the guests
// loaded (images read, sources assembled), and each guest's memory, console input and disk.

import type { GuestInput } from '../machine/config.js';
import { statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { packageGuestsDir } from '../asm/include-path.js';
import { isParavirt } from '../image/model.js';
import { hostedGuestsProblem, type HostedSetup } from '../vmm/hosts/hosted/hosted-host.js';
import { HOST_OS_BYTES } from '../vmm/hosts/hosted/host-abi.js';
import { isTopology, TOPOLOGIES, DEFAULT_DOM0_IMAGE, DEFAULT_HOST_IMAGE, DEFAULT_TOPOLOGY } from '../vmm/hosts/index.js';
import { dom0GuestsProblem, type Dom0Setup } from '../vmm/hosts/dom0/dom0-host.js';
import { DOM0_MEMORY_BYTES } from '../vmm/hosts/dom0/dom0-abi.js';
import { PARAVIRT_SYMBOL } from '../asm/index.js';
import { buildFor, isReference, modeNamed, MODES, RUN_MODES } from '../vmm/modes/index.js';
import { assembleForCli, parseIncludeDirs } from './assemble.js';
import { parseCount, UsageProblem } from './command.js';
import { readImageFile } from './image-file.js';
import { FILE_LIMITS, readStdin } from './files.js';
import { isSource, loadGuests } from './guest-files.js';
import type { Io } from './io.js';
import { checkHostMemory, memValues, parseMemory, runConfig } from './machine-config.js';
import { DEFAULTS } from './machine-options.js';
import type { RunInputs } from './run-options.js';

export async function loadRunInputs(args: readonly string[], options: Record<string, unknown>, io: Io, given: ReadonlySet<string>): Promise<RunInputs> {
  const mode = String(options.mode);
  if (!RUN_MODES.includes(mode)) throw new UsageProblem(`--mode must be one of ${RUN_MODES.join(', ')}, got '${mode}'`);
  for (const why of uselessOptions(mode, args, options, given)) io.err.write(`vmm: warning: ${why}\n`);
  const config = runConfig(options, io);
  if (isReference(mode) && args.length > 1) throw new UsageProblem(`--mode ${mode} runs one image directly on the machine (there is no VMM to share it); got ${args.length} images`);
  const host = await hostSetup(mode, args.length, options, io, given);
  const dom0 = await dom0Setup(mode, args.length, options, io);
  const guests = await loadGuests(args, options, io, buildFor(mode), mode);
  if (dom0 && guests.some((g) => g.name === 'dom0')) throw new UsageProblem('under --host dom0 guest 0 is named dom0: give the guest named dom0 a file of another name');
  // --mem NAME=SIZE: this guest's memory instead of the plain --mem (or the default).
  for (const { guest, text } of perGuest(guests, memValues(options), '--mem', 'every guest', 'one size')) guest.memoryBytes = parseMemory(text);
  const vmmMode = modeNamed(mode);
  const assistProblem = config.assist && vmmMode?.checkAssist?.(config.assist);
  if (assistProblem) throw new UsageProblem(assistProblem);
  const sizes = guests.map((g) => g.memoryBytes ?? config.memoryBytes);
  checkHostMemory(vmmMode, dom0 ? [...sizes, dom0.memoryBytes] : sizes, `--mem ${memValues(options).join(' --mem ') || DEFAULTS.mem} for ${args.length} guest(s)${dom0 ? ` and guest 0's ${options.dom0Mem ?? `${DOM0_MEMORY_BYTES >>> 20}M`}` : ''} needs`, host ? HOST_OS_BYTES : 0);
  assignGuestFiles(guests, options, io);
  const passthrough = passthroughOwner(guests, mode, options);
  return { guests, mode, config, ...(host ? { host } : {}), ...(dom0 ? { dom0 } : {}), ...(passthrough !== undefined ? { passthrough } : {}) };
}

/** --passthrough GUEST: the guest's index (undefined: none). */
function passthroughOwner(guests: readonly GuestInput[], mode: string, options: Record<string, unknown>): number | undefined {
  const name = options.passthrough as string | undefined;
  if (name === undefined) return undefined;
  if (String(options.host) !== DEFAULT_TOPOLOGY) throw new UsageProblem(`--passthrough gives a device to one guest of a bare-metal VMM (--host ${DEFAULT_TOPOLOGY}); under --host ${String(options.host)} the host owns the devices`);
  if (isReference(mode)) throw new UsageProblem(`--passthrough needs a VMM: --mode ${mode} runs the guest on the machine itself, every device already its own`);
  if (buildFor(mode) === 'paravirt') throw new UsageProblem(`--passthrough: under --mode ${mode} a guest's disk is its front end's, served by the VMM's back end; a PARAVIRT guest has no driver of its own to give the device to`);
  const owner = guests.findIndex((g) => g.name === name);
  if (owner < 0) throw new UsageProblem(`--passthrough ${name}: no such guest (guests: ${guests.map((g) => g.name).join(', ')})`);
  if (!guests[owner]!.disk) throw new UsageProblem(`--passthrough ${name}: the guest has no --disk to put on the physical disk`);
  return owner;
}

/** --host dom0 and its options: guest 0's kernel loaded (undefined: another topology). */
async function dom0Setup(mode: string, guests: number, options: Record<string, unknown>, io: Io): Promise<Dom0Setup | undefined> {
  const topology = String(options.host);
  if (topology !== 'dom0') {
    if (options.dom0Image !== undefined || options.dom0Crash !== undefined || options.dom0Mem !== undefined) throw new UsageProblem(`--dom0-image, --dom0-mem and --dom0-crash set up guest 0 of --host dom0 (this run is --host ${topology})`);
    return undefined;
  }
  if (buildFor(mode) !== 'paravirt') throw new UsageProblem(`--host dom0 runs paravirtual domains (guest 0's back ends serve their front ends): use --mode ${MODES.filter((m) => m.build === 'paravirt').map((m) => m.name).join(', ')}`);
  const tooMany = dom0GuestsProblem(guests);
  if (tooMany) throw new UsageProblem(tooMany);
  const crashAt = options.dom0Crash === undefined ? 0 : parseCount('--dom0-crash', String(options.dom0Crash), 1, 2 ** 31 - 1);
  const { file, shown } = packageFile(options.dom0Image as string | undefined, DEFAULT_DOM0_IMAGE, '--host dom0 needs guest 0\'s kernel', '--dom0-image', io);
  // Guest 0 is a paravirtual kernel: its PARAVIRT build, with no -D of the guests' (their
  // -I directories are searched: they say where files are, not what a build is).
  const image = isSource(file) ? (await assembleForCli(file, { defines: { [PARAVIRT_SYMBOL]: 1 }, includeDirs: parseIncludeDirs(options.include as string[] | undefined) }, io)).image : readImageFile(file, io).image;
  if (!isParavirt(image)) throw new UsageProblem(`${file} is a native image: guest 0 is a paravirtual kernel (assemble it with -D PARAVIRT, or give the .s source)`);
  const memoryBytes = options.dom0Mem === undefined ? DOM0_MEMORY_BYTES : parseMemory(String(options.dom0Mem), '--dom0-mem');
  return { image, file: shown, crashAt, memoryBytes };
}

/** A file named by an option, or the package's default one (`guests/DEFAULT`): the path to
 *  read, and the name messages give. Read from here when it is below here (then messages
 *  that cite its lines name it as every other input), else from the package. */
function packageFile(named: string | undefined, fallback: string, what: string, flag: string, io: Io): { file: string; shown: string } {
  if (named !== undefined) return { file: named, shown: named };
  const dir = packageGuestsDir();
  if (!dir) throw new UsageProblem(`${what}: this installation has no guests/${fallback}; name one with ${flag}`);
  const path = join(dir, fallback);
  const rel = relative(io.cwd, path);
  return { file: rel.startsWith('..') || isAbsolute(rel) ? path : rel, shown: `guests/${fallback}` };
}

/** --host and the hosted options: the host OS loaded (undefined: bare-metal). */
async function hostSetup(mode: string, guests: number, options: Record<string, unknown>, io: Io, given: ReadonlySet<string>): Promise<HostedSetup | undefined> {
  const topology = String(options.host);
  if (!isTopology(topology)) throw new UsageProblem(`--host must be one of ${TOPOLOGIES.map((t) => t.name).join(', ')}, got '${topology}'`);
  const hostedOnly = ['hostImage', 'hostFault'].filter((k) => options[k] !== undefined);
  if (topology !== 'hosted') {
    if (hostedOnly.length || given.has('hostApp')) throw new UsageProblem(`--host-image, --host-app and --host-fault set up the host OS of --host hosted (this run is --host ${topology})`);
    return undefined;
  }
  if (isReference(mode)) throw new UsageProblem(`--host hosted runs the VMM as a process of a host OS; --mode ${mode} has no VMM (use --mode ${MODES.map((m) => m.name).join(', ')})`);
  const tooMany = hostedGuestsProblem(guests);
  if (tooMany) throw new UsageProblem(tooMany);
  const app = String(options.hostApp);
  if (app !== 'idle' && app !== 'busy') throw new UsageProblem(`--host-app must be idle or busy, got '${app}'`);
  const faultTick = options.hostFault === undefined ? 0 : parseCount('--host-fault', String(options.hostFault), 1, 2 ** 31 - 1);
  const { file, shown } = packageFile(options.hostImage as string | undefined, DEFAULT_HOST_IMAGE, '--host hosted needs a host OS', '--host-image', io);
  // The host OS runs on the machine itself: always its native build, with no -D of the
  // guests' (but their -I directories, as for guest 0 under dom0).
  const image = isSource(file) ? (await assembleForCli(file, { defines: {}, includeDirs: parseIncludeDirs(options.include as string[] | undefined) }, io)).image : readImageFile(file, io).image;
  if (isParavirt(image)) throw new UsageProblem(`${file} is a PARAVIRT build: the host OS runs on the machine itself, so it must be a native image`);
  return { image, file: shown, app, faultTick };
}

/**
 * The guest each value of a per-guest option is for, with the value's text after `NAME=`:
 * `NAME=VALUE` names one; a plain VALUE is the only guest's when `plain` is 'sole guest' (with
 * several guests it must be named), or is left out when `plain` is 'every guest' (its meaning
 * is read elsewhere). One value a guest: `one` says what (as in "one file a guest").
 */
function perGuest<G extends { readonly name: string }>(guests: readonly G[], values: readonly string[], flag: string, plain: 'sole guest' | 'every guest', one: string): { guest: G; text: string; value: string }[] {
  const given = new Map<G, string>();
  const out: { guest: G; text: string; value: string }[] = [];
  for (const value of values) {
    const eq = value.indexOf('=');
    const named = eq >= 0 ? guests.find((g) => g.name === value.slice(0, eq)) : undefined;
    const noGuest = () => new UsageProblem(`${flag} ${value}: no guest named '${value.slice(0, eq)}' (guests: ${guests.map((g) => g.name).join(', ')})`);
    let guest: G;
    let text: string;
    if (named) {
      [guest, text] = [named, value.slice(eq + 1)];
    } else if (plain === 'every guest') {
      if (eq < 0) continue;
      throw noGuest();
    } else if (guests.length === 1) {
      [guest, text] = [guests[0]!, value];
    } else if (eq > 0) {
      throw noGuest();
    } else {
      throw new UsageProblem(`${flag} ${value}: with several guests, name one as ${flag} NAME=FILE (guests: ${guests.map((g) => g.name).join(', ')})`);
    }
    const before = given.get(guest);
    if (before !== undefined) throw new UsageProblem(`${flag} ${value}: guest '${guest.name}' has ${flag} ${before} already (${one} a guest)`);
    given.set(guest, value);
    out.push({ guest, text, value });
  }
  return out;
}

/** A guest's console input and disk, as `--input` and `--disk` give them. */
export interface GuestFiles {
  readonly name: string;
  input?: Uint8Array;
  disk?: Uint8Array;
}

/** `--input` and `--disk` (FILE for the only guest, or NAME=FILE): each guest's file read in. */
export function assignGuestFiles(guests: readonly GuestFiles[], options: Record<string, unknown>, io: Io): void {
  // (standard input is read once, to its end: it can feed one guest)
  let stdinFor: string | undefined;
  const inputs = runTotal('--input', 'the console inputs', FILE_LIMITS.input, FILE_LIMITS.inputs);
  assignFiles(guests, (options.input as string[] | undefined) ?? [], '--input', (g, path) => {
    if (path === '-' && stdinFor !== undefined) throw new UsageProblem(`--input ${g.name}=-: standard input feeds one guest only, and ${stdinFor} reads it already`);
    if (path === '-') stdinFor = g.name;
    g.input = inputs(g.name, path, () => (path === '-' ? readStdin() : io.readFile(path, FILE_LIMITS.input)));
  });
  const disks = runTotal('--disk', 'the disks', FILE_LIMITS.disk, FILE_LIMITS.disks);
  assignFiles(guests, (options.disk as string[] | undefined) ?? [], '--disk', (g, path) => {
    g.disk = disks(g.name, path, () => io.readFile(path, FILE_LIMITS.disk));
  });
}

/** A reader of one kind of file (`flag`) that keeps the bytes a run reads of it under `total`
 *  together: a regular file is measured first, so one past the total is not read at all. */
function runTotal(flag: string, what: string, perFile: number, total: number): (guest: string, path: string, read: () => Uint8Array) => Uint8Array {
  let held = 0;
  return (guest, path, read) => {
    const over = (bytes: number) => new UsageProblem(`${flag} ${guest}=${path}: ${what} of a run may hold ${total >>> 20} MiB in all, and with this one they hold ${bytes.toLocaleString('en-US')} bytes (${(bytes / 2 ** 20).toFixed(1)} MiB)`);
    const size = path === '-' ? undefined : regularFileSize(path);
    if (size !== undefined && size <= perFile && held + size > total) throw over(held + size);
    const bytes = read();
    held += bytes.length;
    if (held > total) throw over(held);
    return bytes;
  };
}

/** The size of the regular file at `path`; undefined for anything else, or no file (reading
 *  it says why). */
function regularFileSize(path: string): number | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

function assignFiles<G extends GuestFiles>(guests: readonly G[], values: readonly string[], flag: string, assign: (g: G, path: string) => void): void {
  for (const { guest, text, value } of perGuest(guests, values, flag, 'sole guest', 'one file')) {
    if (text === '') throw new UsageProblem(`${flag} ${value}: no file named`);
    assign(guest, text);
  }
}

/** The options given that do nothing in this run, each with why (the run goes on). */
function uselessOptions(mode: string, args: readonly string[], options: Record<string, unknown>, given: ReadonlySet<string>): string[] {
  const out: string[] = [];
  // (--no-overhead with --mode bare is not warned about: it asks for what bare does anyway,
  // and scripts pass it to every mode alike.)
  if (isReference(mode) && given.has('quantum')) out.push(`--quantum does nothing with --mode ${mode} (one guest on the machine itself, no VMM): nothing is scheduled`);
  // (-I is searched for the host OS's and guest 0's sources too; -D is the guests' only)
  const topology = String(options.host);
  const hostSource = topology === 'hosted' ? String(options.hostImage ?? DEFAULT_HOST_IMAGE) : topology === 'dom0' ? String(options.dom0Image ?? DEFAULT_DOM0_IMAGE) : undefined;
  if (!args.some(isSource)) {
    if (given.has('define')) out.push('-D does nothing: no input is assembly source (.s), only images');
    if (given.has('include') && !(hostSource !== undefined && isSource(hostSource))) out.push('-I does nothing: no input is assembly source (.s), only images');
  }
  if (!modeNamed(mode)?.checkAssist) {
    for (const [key, flag] of [['npt', '--npt'], ['vpid', '--vpid'], ['exitOn', '--exit-on'], ['exitOff', '--exit-off']] as const) if (given.has(key)) out.push(`${flag} does nothing with --mode ${mode}: it sets up the hardware-assisted CPU (${MODES.filter((m) => m.checkAssist).map((m) => `--mode ${m.name}`).join(', ')})`);
  }
  // (the overhead's bare run of a source's native build does read it)
  if (given.has('input') && buildFor(mode) === 'paravirt' && (options.overhead === false || !args.some(isSource))) out.push(`--input does nothing with --mode ${mode}: a paravirtual guest's console is the PV console, which has no input (docs/hypercalls.md)`);
  if (given.has('bt') && !modeNamed(mode)?.translates) out.push(`--bt does nothing with --mode ${mode}: it sets up the binary translator (${MODES.filter((m) => m.translates).map((m) => `--mode ${m.name}`).join(', ')})`);
  if (given.has('stats') && !options.quiet && !options.json) out.push('--stats does nothing unless the summary is hidden (-q, or vmm run --json): it is printed anyway');
  return out;
}
