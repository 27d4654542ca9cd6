// The exit controls of the hardware-assisted CPU (VT-x's VM-execution controls, Intel SDM
// vol. 3C ch. 24.6, reduced to TOY32): one table of named controls, their defaults (KVM's
// choices, which depend on nested paging), and how `--exit-on` and `--no-exit-on` change
// them. The CPU reads the result as bytes (src/machine/vmx.ts); the VMM reads the exception
// bitmap and the interrupt-window control here.

import { CAUSES, CONTROL_REGISTERS } from '../../../isa/arch.js';
import { BY_MNEMONIC } from '../../../isa/table.js';
import type { ExitControls } from '../../../machine/vmx.js';
import { PORT_COUNT, setPortExit } from '../../../machine/vmx.js';

/** A control: its name on the command line, what it makes exit, and when it is on. */
export interface ControlSpec {
  readonly name: string;
  readonly summary: string;
  /** On unless turned off; `nested` is the default with nested paging on, `shadow` with it off. */
  readonly nested: boolean;
  readonly shadow: boolean;
  /** Why it cannot be turned off (always on), or, with shadow paging, why it must stay on. */
  readonly always?: string;
  readonly shadowNeeds?: string;
}

const SHADOW_NEEDS = 'shadow paging (--npt off) needs it: the VMM must see every change of the guest\'s address space';

/** Every control, in the order `--json` and the docs list them. */
export const CONTROLS: readonly ControlSpec[] = [
  { name: 'external-interrupt', summary: 'the host timer ends the guest\'s slice (its quantum, or a virtual device due)', nested: true, shadow: true, always: 'the VMM must get the CPU back: a guest never keeps the physical CPU for good' },
  { name: 'cpuid', summary: 'cpuid exits (the VMM answers it)', nested: true, shadow: true, always: 'cpuid always exits on VT-x' },
  { name: 'hlt', summary: 'hlt exits (else the vCPU halts in non-root operation until its next interrupt)', nested: true, shadow: true },
  { name: 'io', summary: 'every in and out exits (unconditional I/O exiting; port:N sets one port of the I/O bitmap)', nested: true, shadow: true },
  { name: 'interrupt-window', summary: 'the guest\'s enabling interrupts exits when the VMM has one to inject (else it waits for the next exit)', nested: true, shadow: true },
  { name: 'invlpg', summary: 'invlpg exits', nested: false, shadow: true, shadowNeeds: SHADOW_NEEDS },
  { name: 'tlbflush', summary: 'tlbflush exits', nested: false, shadow: true, shadowNeeds: SHADOW_NEEDS },
  ...CONTROL_REGISTERS.flatMap((c) => [
    { name: `cr-read:${c.name}`, summary: `mfcr of ${c.name} exits`, nested: false, shadow: c.name === 'ptbr' || c.name === 'asid', shadowNeeds: c.name === 'ptbr' || c.name === 'asid' ? SHADOW_NEEDS : undefined },
    { name: `cr-write:${c.name}`, summary: `mtcr of ${c.name} exits`, nested: false, shadow: c.name === 'ptbr' || c.name === 'asid', shadowNeeds: c.name === 'ptbr' || c.name === 'asid' ? SHADOW_NEEDS : undefined },
  ]),
  ...CAUSES.filter((c) => c.name !== 'hypercall').map((c) => {
    const page = c.name.startsWith('page-');
    return { name: `exception:${c.name}`, summary: `a ${c.name} trap of the guest exits (the exception bitmap); else the CPU delivers it to the guest kernel`, nested: false, shadow: page, shadowNeeds: page ? SHADOW_NEEDS : undefined };
  }),
];

/** The controls as `vmm explain` lists them: one word per kind of control. */
export const CONTROL_WORDS: readonly { word: string; meaning: string }[] = [
  ...CONTROLS.filter((c) => !c.name.includes(':')).map((c) => ({ word: c.name, meaning: `exit control: ${c.summary}${c.always ? ` (always on: ${c.always})` : c.nested ? ' (on by default)' : ''}` })),
  { word: 'port:N', meaning: 'exit control: in and out of port N exit (one bit of the I/O bitmap; io sets them all)' },
  { word: 'cr-read:NAME', meaning: 'exit control: mfcr of control register NAME exits (cr-read for all, cr for reads and writes; on for ptbr and asid with --npt off)' },
  { word: 'cr-write:NAME', meaning: 'exit control: mtcr of control register NAME exits (cr-write for all; on for ptbr and asid with --npt off)' },
  { word: 'exception:CAUSE', meaning: 'exit control: a guest trap of that cause exits, the exception bitmap (exceptions for all; on for the page faults with --npt off); else the CPU delivers it to the guest kernel' },
];

/** Names that stand for several controls. */
const GROUPS: Readonly<Record<string, (name: string) => boolean>> = {
  cr: (n) => n.startsWith('cr-'),
  'cr-read': (n) => n.startsWith('cr-read:'),
  'cr-write': (n) => n.startsWith('cr-write:'),
  exceptions: (n) => n.startsWith('exception:'),
};

export class ControlError extends Error {}

/** A port's control: port:N, N decimal or 0x hexadecimal. */
const PORT_NAME = /^port:(0x[0-9a-f]+|\d+)$/i;

/** The controls in effect: a set of control names, and the ports set one by one. */
export interface ControlSettings {
  readonly on: ReadonlySet<string>;
  /** Ports whose bit in the I/O bitmap differs from the io control: exit (true) or not. */
  readonly ports: ReadonlyMap<number, boolean>;
}

/** The defaults changed by `exitOn` and `noExitOn` (lists of names, groups and port:N):
 *  groups first, then single controls and ports, each list's `on` before `off`. */
export function controlSettings(nestedPaging: boolean, exitOn: readonly string[], noExitOn: readonly string[]): ControlSettings {
  const on = new Set(CONTROLS.filter((c) => (nestedPaging ? c.nested : c.shadow)).map((c) => c.name));
  const ports = new Map<number, boolean>();
  const items = (list: readonly string[], value: boolean) =>
    list.flatMap((text) => {
      const names = text.split(',').map((t) => t.trim());
      if (names.some((t) => t === '')) throw new ControlError(`${value ? '--exit-on' : '--exit-off'} '${text}': expects comma-separated names of exit controls (vmm explain lists them)`);
      return names.map((name) => ({ name, value }));
    });
  const all = [...items(exitOn, true), ...items(noExitOn, false)];
  const isGroup = (name: string) => Object.hasOwn(GROUPS, name);
  for (const { name, value } of [...all.filter((i) => isGroup(i.name)), ...all.filter((i) => !isGroup(i.name))]) {
    const flag = value ? '--exit-on' : '--exit-off';
    let names: string[];
    if (isGroup(name)) names = CONTROLS.filter((c) => GROUPS[name]!(c.name)).map((c) => c.name);
    else if (name.startsWith('port:')) {
      const port = Number(name.slice(5));
      if (!PORT_NAME.test(name) || !(port >= 0 && port < PORT_COUNT)) throw new ControlError(`${flag} ${name}: a port is a number from 0 to ${PORT_COUNT - 1} (port:16 or port:0x10)`);
      ports.set(port, value);
      continue;
    } else {
      if (!CONTROLS.some((c) => c.name === name)) throw new ControlError(`${flag} ${name}: no such exit control (vmm explain lists them; known: ${[...Object.keys(GROUPS), 'hlt', 'io', 'port:N', 'invlpg', 'tlbflush', 'cr-read:NAME', 'cr-write:NAME', 'exception:CAUSE', 'interrupt-window'].join(', ')})`);
      names = [name];
    }
    for (const n of names) {
      const spec = CONTROLS.find((c) => c.name === n)!;
      if (value) on.add(n);
      else if (spec.always) {
        if (!isGroup(name)) throw new ControlError(`${flag} ${n}: it stays on: ${spec.always}`);
      } else if (!nestedPaging && spec.shadowNeeds) {
        if (!isGroup(name)) throw new ControlError(`${flag} ${n}: it stays on: ${spec.shadowNeeds}`);
      } else on.delete(n);
    }
  }
  // (every name is a control, a group or a port in range: a control turned on and off at
  // once says nothing: which should win? A port is the same however it is written: port:16,
  // port:0x10, port:016)
  const control = (name: string) => (PORT_NAME.test(name) ? `port:${Number(name.slice(5))}` : name);
  for (const i of all.filter((x) => x.value)) {
    const off = all.find((j) => !j.value && control(j.name) === control(i.name));
    if (off) throw new ControlError(`--exit-on ${i.name} and --exit-off ${off.name} contradict each other: name ${i.name === off.name ? 'it' : 'the port'} in one of them`);
  }
  return { on, ports };
}

const CAUSE_BY_NAME = new Map<string, number>(CAUSES.map((c) => [c.name, c.code]));

/** The exception bitmap: bit per trap cause (below the interrupts) whose traps exit. */
export function exceptionBitmap(settings: ControlSettings): number {
  let bits = 0;
  for (const name of settings.on) if (name.startsWith('exception:')) bits |= 1 << CAUSE_BY_NAME.get(name.slice(10))!;
  return bits;
}

/** Write the settings into the CPU's exit controls. */
export function applyControls(settings: ControlSettings, x: ExitControls): void {
  const on = (name: string) => (settings.on.has(name) ? 1 : 0);
  x.opcode.fill(0);
  for (const m of ['hlt', 'invlpg', 'tlbflush', 'cpuid']) x.opcode[BY_MNEMONIC.get(m)!.opcode] = on(m);
  x.port.fill(on('io') ? 0xff : 0);
  for (const [port, value] of settings.ports) setPortExit(x.port, port, value);
  CONTROL_REGISTERS.forEach((c, i) => {
    x.crRead[i] = on(`cr-read:${c.name}`);
    x.crWrite[i] = on(`cr-write:${c.name}`);
  });
}

/** The controls in effect, for `--json` and the trace: every control that is on, and the
 *  ports that differ from the io control. */
export function describeControls(settings: ControlSettings): { on: string[]; ports: Record<string, boolean> } {
  return {
    on: CONTROLS.filter((c) => settings.on.has(c.name)).map((c) => c.name),
    ports: Object.fromEntries([...settings.ports].sort((a, b) => a[0] - b[0]).map(([p, v]) => [`0x${p.toString(16)}`, v])),
  };
}
