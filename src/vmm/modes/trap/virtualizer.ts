// --mode trap, per VM: the software modes' trap-and-emulate on shadow page tables, run in the
// CPU variant that reports each sensitive instruction the guest kernel executes
// deprivileged. The VMM could not see those (that is the point: TOY32, like x86 before VT-x,
// is not classically virtualizable); the simulator can, and records them as notes. When a
// silent setf has left the virtual IE off and the kernel then waits for an interrupt, the
// guest is stopped with that setf named as the reason.

import { FLAG } from '../../../isa/arch.js';
import { hex } from '../../../isa/disasm.js';
import { BY_MNEMONIC, BY_OPCODE } from '../../../isa/table.js';
import { REASON, type ExitAnswer, type VcpuExit } from '../../exits.js';
import type { Vm } from '../../vm.js';
import type { Virtualizer } from '../../virtualizer.js';
import type { VmmHost } from '../mode.js';
import type { AsidAllocator } from '../software/asids.js';
import { SoftwareVirtualizer, type SoftwareExtension } from '../software/virtualizer.js';

/** 1 for the opcodes of the instructions that set the interrupt flag explicitly. */
const SETS_IE = new Uint8Array(256);
for (const m of ['cli', 'sti', 'setf', 'rfe']) SETS_IE[BY_MNEMONIC.get(m)!.opcode] = 1;

interface Divergence {
  pc: number;
  insn: string;
  detail: string;
}

export function trapVirtualizer(vm: Vm, host: VmmHost, shadowPool: Int32Array, asids: AsidAllocator): Virtualizer {
  return new SoftwareVirtualizer(vm, host, shadowPool, asids, () => new SensitiveDiagnosis(vm, host));
}

/** What trap mode adds: notes of the sensitive instructions that ran unseen, and the
 *  divergence they left behind. */
class SensitiveDiagnosis implements SoftwareExtension {
  readonly probesSensitive = true;
  /** The last silent divergence that left the virtual IE wrong. */
  private divergence: Divergence | undefined;

  constructor(
    private readonly vm: Vm,
    private readonly host: VmmHost,
  ) {}

  handle(exit: VcpuExit, a: ExitAnswer): boolean {
    if (exit.kind !== 'sensitive') return false;
    this.sensitive(exit.pc, exit.word, exit.flags, a);
    return true;
  }

  /** The guest now says for itself what IE should be (an emulated cli, sti, setf or rfe
   *  cannot trap in its kernel): an earlier silent failure no longer explains the virtual IE. */
  emulating(word: number): void {
    if (SETS_IE[word >>> 24]) this.divergence = undefined;
  }

  codeFor(): undefined {
    return undefined;
  }

  explainStuck(): string | undefined {
    const d = this.divergence;
    return d && `${d.insn} at ${this.host.where(this.vm, d.pc)} ran deprivileged without an exit: ${d.detail}`;
  }

  /** A sensitive instruction is about to run deprivileged, unseen by the VMM. */
  private sensitive(pc: number, word: number, hostFlags: number, a: ExitAnswer): void {
    const vcpu = this.vm.vcpu;
    if (!(vcpu.flags & FLAG.S)) return void a.none(); // guest user code: user mode is what it expects
    const mnemonic = BY_OPCODE[word >>> 24]!.mnemonic;
    const vIE = (vcpu.flags & FLAG.IE) !== 0;
    let detail: string;
    if (mnemonic === 'getf') {
      detail = `getf reads FLAGS ${hex(hostFlags, 2)} (S=0 IE=${hostFlags & FLAG.IE ? 1 : 0}), but the virtual CPU is in supervisor mode with IE=${+vIE}`;
    } else if (mnemonic === 'setf') {
      const value = this.host.processor.cpu.regs[(word >>> 20) & 15]!;
      const wantIE = (value & FLAG.IE) !== 0;
      detail = `setf asks for IE=${+wantIE} S=${value & FLAG.S ? 1 : 0}; in user mode it silently keeps IE and S, so the virtual IE stays ${+vIE}`;
      if (wantIE && !vIE) this.divergence = { pc, insn: 'setf', detail: `it asked for IE=1 and the virtual IE stayed 0` };
    } else {
      detail = `${mnemonic} reads the machine id without the VMM seeing it`;
    }
    a.set(REASON['sensitive-unprivileged'], 'none', 0, pc);
    a.q.detail = detail;
  }
}
