// The host topologies (--host): where the VMM runs, as three pictures of the lecture
// (docs/topologies.md). The CLI, the summary and the tests take the list from here.

/** Every topology, in the order they are listed. */
export const TOPOLOGIES = [
  {
    name: 'bare-metal',
    summary: 'type 1: the VMM owns the machine and emulates each guest\'s devices itself',
  },
  {
    name: 'hosted',
    summary: 'type 2: a host OS (TOY32: guests/host/hostos.s) boots first and owns the machine; the VMM is one of its processes, so the guests run in its time slices and their I/O goes through world switches and host system calls',
  },
] as const;

export type Topology = (typeof TOPOLOGIES)[number]['name'];

/** The topology `vmm run` and `vmm trace` use when none is named. */
export const DEFAULT_TOPOLOGY: Topology = 'bare-metal';

/** The host OS `--host hosted` boots when --host-image names none (relative to guests/). */
export const DEFAULT_HOST_IMAGE = 'host/hostos.s';

export function isTopology(name: string): name is Topology {
  return TOPOLOGIES.some((t) => t.name === name);
}
