// The software VMM's modes, as data: the hypervisor is the same; a mode says whether the
// guest kernel's code is binary-translated and whether sensitive instructions that run
// deprivileged are reported. Each mode's folder holds its mode.ts (and full/ its translator).

export interface ModeSpec {
  readonly name: 'trap' | 'full';
  readonly summary: string;
  /** Scan guest-kernel code before it runs and plant callouts for sensitive and privileged
   *  instructions (full virtualization, VMware style). */
  readonly binaryTranslation: boolean;
  /** Report each sensitive instruction that ran deprivileged without an exit (the places
   *  where trap-and-emulate is silently bypassed). */
  readonly reportSilentDivergence: boolean;
}
