// The host topologies (--host): where the VMM runs, as three pictures of the lecture
// (docs/topologies.md). The CLI, the summary and the tests take the list from here.

/** Every topology, in the order they are listed. */
export const TOPOLOGIES = [
  {
    name: 'bare-metal',
    summary: 'type 1: the VMM owns the machine and emulates each guest\'s devices itself',
    paravirtOnly: false,
    exactTiming: true,
  },
  {
    name: 'hosted',
    summary: 'type 2: a host OS (TOY32: guests/host/hostos.s) boots first and owns the machine; the VMM is one of its processes, so the guests run in its time slices and their I/O goes through world switches and host system calls',
    paravirtOnly: false,
    exactTiming: true,
  },
  {
    name: 'dom0',
    summary: 'Xen\'s driver domain: guest 0 (TOY32: guests/dom0/dom0.s), a paravirtual kernel beside the guests, owns the physical disk and terminal lines and runs the back ends; the guests\' front ends reach it over rings, event channels and grants, and the VMM emulates no device',
    // Its guests are paravirtual (their front ends talk to guest 0), and a disk read's
    // completion comes when guest 0 has carried it out, not when the guest's own disk would.
    paravirtOnly: true,
    exactTiming: false,
  },
] as const;

export type Topology = (typeof TOPOLOGIES)[number]['name'];

/** The topology `vmm run` and `vmm trace` use when none is named. */
export const DEFAULT_TOPOLOGY: Topology = 'bare-metal';

/** The host OS `--host hosted` boots when --host-image names none (relative to guests/). */
export const DEFAULT_HOST_IMAGE = 'host/hostos.s';

/** Guest 0's kernel `--host dom0` boots when --dom0-image names none (relative to guests/). */
export const DEFAULT_DOM0_IMAGE = 'dom0/dom0.s';

export function isTopology(name: string): name is Topology {
  return TOPOLOGIES.some((t) => t.name === name);
}

/** Whether guests of a mode whose build is `build` run under `topology` (docs/topologies.md
 *  has the table). */
export function combines(topology: Topology, build: 'native' | 'paravirt'): boolean {
  return !TOPOLOGIES.find((t) => t.name === topology)!.paravirtOnly || build === 'paravirt';
}

/** Whether a guest sees the same timing under `topology` as under the default one (its
 *  instructions, ticks and traps), not only the same output. */
export function exactTiming(topology: Topology): boolean {
  return TOPOLOGIES.find((t) => t.name === topology)!.exactTiming;
}
