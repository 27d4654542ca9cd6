// The legend: every word the summary of `vmm run` prints, with every exit reason, note,
// action and trap cause, each explained in a line or two. `vmm explain` prints it from these
// tables; docs/cli.md's table of summary words is SUMMARY_WORDS word for word (a test keeps
// them equal), docs/trace-format.md's tables are the exit tables'.

import { CAUSES, CONTROL_REGISTERS, INTERRUPT_BASE } from '../isa/arch.js';
import { PORT_SPACE } from '../machine/bus.js';
import { IRQ } from '../machine/platform.js';
import { EXIT_ACTIONS, EXIT_REASONS } from '../vmm/exits.js';
import { TOPOLOGIES } from '../vmm/hosts/index.js';
import { MODES, REFERENCE } from '../vmm/modes/index.js';

/** The summary's own words, in the order a summary shows them. */
export const SUMMARY_WORDS = [
  { word: 'halted', meaning: 'status: the guest finished as it meant to, with hlt and interrupts off, or (a PARAVIRT guest) the shutdown hypercall (exit status 0)' },
  { word: 'faulted', meaning: 'status: the guest hit a trap it has no handler for, a double fault or a deadlock, as on bare hardware (exit status 1)' },
  { word: 'killed', meaning: 'status: the VMM stopped the guest, which could not make progress for a reason the mode knows (exit status 1)' },
  { word: 'limit', meaning: 'status: the guest reached --max-instructions or the guest-time bound before it halted (exit status 1)' },
  { word: 'WARNING', meaning: 'the guest silently diverged from bare hardware (sensitive instructions ran deprivileged unseen): it may have halted, but its output and figures are not what bare hardware gives' },
  { word: 'instructions', meaning: 'guest instructions retired; the same in every mode for a correct guest' },
  { word: 'cycles', meaning: 'simulated time: each instruction\'s cost plus each VMM event\'s (exits, fills, switches), by the cost model' },
  { word: 'overhead', meaning: 'cycles of this run divided by the cycles of the same guest alone on bare hardware (1.00x: none), run once per image and machine and kept for later runs (docs/cli.md, VMM_CACHE_DIR); "n/a" with the reason where there is no like-for-like bare run' },
  { word: 'tlb', meaning: 'the TLB while the guest ran: under the VMM the host TLB, so it includes what the shadow tables cost' },
  { word: 'hits', meaning: 'TLB lookups that found their translation' },
  { word: 'misses', meaning: 'TLB lookups that did not, each costing a page walk' },
  { word: 'flushes', meaning: 'whole-TLB flushes the guest made (tlbflush, a ptbr write on an untagged TLB), counted as bare hardware counts them' },
  { word: 'invalidations', meaning: 'single-page TLB invalidations the guest made (invlpg)' },
  { word: 'walk references', meaning: 'memory reads of page walks after TLB misses: directory and table entries, and under nested paging the nested table\'s too (json: walkReferences)' },
  { word: 'walk writes', meaning: 'A and D bits written back by page walks, counted apart from the reads (json: walkWrites)' },
  { word: 'vmm tlb', meaning: 'flushes and invalidations the VMM made besides the guest\'s own (switching or dropping shadow tables) (json: vmmFlushes, vmmInvalidations)' },
  { word: 'traps', meaning: 'traps and interrupts the guest kernel took, by cause (the same in every mode for a correct guest)' },
  { word: 'exits', meaning: 'VM exits: each time the CPU left the guest for the VMM, by reason (not in bare mode)' },
  { word: 'notes', meaning: 'things the VMM did or missed that are not exits (interrupt injections, guest switches, sensitive instructions it never saw)' },
  { word: 'hypercalls', meaning: 'under para: the hypercalls the PARAVIRT guest kernel made, by name (docs/hypercalls.md; numbers that name none, all as unknown); each is a hypercall exit' },
  { word: 'vmm work', meaning: "under para: units of the VMM's work for the guest's hypercalls (operations carried, table entries examined, console bytes written), counted as the guest's time (its clock, its quantum, --max-instructions), not as instructions (json: vmmWork)" },
  { word: 'host', meaning: 'under --host hosted: the host OS, how it ended, and its own console (docs/topologies.md)' },
  { word: 'application', meaning: 'under --host hosted: the host application competing with the VMM\'s process for the CPU (--host-app: idle or busy)' },
  { word: "guests' share", meaning: 'under --host hosted: the guests\' instructions over every instruction the CPU retired (the host OS\'s and its processes\' too): their share of the CPU as the host\'s timer sees it (json: guestShare)' },
  { word: 'world switches', meaning: 'under --host hosted: times the CPU passed between the host OS\'s world and the VMM\'s, either way (json: worldSwitches)' },
  { word: 'requests', meaning: 'under --host hosted: per guest, the I/O the host OS did for it (disk reads, disk writes, console lines), and the host cycles from posting each request to its completion' },
  { word: 'console', meaning: 'under --host hosted and dom0: a line the host OS, or guest 0, printed on its own console' },
  { word: 'guest 0', meaning: 'under --host dom0: the driver domain, how it ended, and its own console (docs/topologies.md)' },
  { word: 'host cycles', meaning: 'under --host dom0: the cycles of the whole machine, every domain\'s and the VMM\'s (json: hostCycles); under --host hosted, after a guest\'s requests: the host cycles from posting each to its completion, in all' },
  { word: 'domain switches', meaning: 'under --host dom0: times the CPU passed from one domain to another, guest 0 included (json: domainSwitches)' },
  { word: 'events routed', meaning: 'under --host dom0: events the VMM routed between domains: front ends to guest 0, its answers back, the physical disk\'s interrupts to it (json: eventsRouted)' },
  { word: 'disk interrupts routed', meaning: 'under --host dom0: the physical disk\'s interrupts the VMM routed to guest 0, whose driver drives it (json: interruptsRouted)' },
  { word: 'DMA refused by the IOMMU', meaning: 'under --host dom0 with an IOMMU: transfers of guest 0\'s devices outside the memory it may reach, refused (json: iommuRefused; shown when there are any)' },
  { word: 'front ends', meaning: 'under --host dom0: per guest, its block requests and notifications, its console bytes (and those dropped while guest 0 fell behind), requests the VMM answered itself once guest 0 was gone, and requests it notified guest 0 of that no answer reached before the run ended (requests left unanswered)' },
] as const;

/** The text trace's columns (src/trace/text.ts's header), in its order. */
export const TRACE_COLUMNS = [
  { word: 'seq', meaning: "the record's number, from 1, over the whole run (json: seq)" },
  { word: 'cycle', meaning: "the host's cycle count when the exit happened: every guest's and the VMM's, by the cost model (json: cycle)" },
  { word: 'guest', meaning: "the guest's name: its file's, without directory and extension" },
  { word: 'mode', meaning: 'the VMM mode the guest runs under (vmm explain MODE)' },
  { word: 'reason', meaning: 'why the CPU left the guest: an exit reason, or note:NAME for a note, which is no exit (vmm explain REASON)' },
  { word: 'code', meaning: "the reason's number: VT-x's basic exit reason where one fits, 64 and up the software VMM's own" },
  { word: 'pc', meaning: 'the guest pc of the instruction concerned' },
  { word: 'instruction', meaning: 'that instruction, disassembled (json: insn)' },
  { word: 'action', meaning: 'what the VMM did about it (vmm explain ACTION)' },
  { word: 'cost', meaning: 'the cycles this exit cost, by the cost model' },
  { word: 'details', meaning: "the record's other fields (port=, value=, address=, access=, cause=, ...), the source line of pc, and words on why" },
] as const;

export interface LegendEntry {
  /** What kind of word it is: "summary", "trace column", "mode", "topology", "exit reason",
   *  "note", "action", "trap cause", or "--mode NAME" for a mode's own (hw's exit controls). */
  kind: string;
  word: string;
  meaning: string;
}

/** Every entry of the legend, grouped by kind in the order `vmm explain` prints them. */
export function legend(): LegendEntry[] {
  return [
    ...SUMMARY_WORDS.map((w) => ({ kind: 'summary', word: w.word, meaning: w.meaning })),
    ...TRACE_COLUMNS.map((w) => ({ kind: 'trace column', word: w.word, meaning: w.meaning })),
    ...[REFERENCE, ...MODES].map((m) => ({ kind: 'mode', word: m.name, meaning: `--mode ${m.name}: ${m.summary}` })),
    ...TOPOLOGIES.map((t) => ({ kind: 'topology', word: t.name, meaning: `--host ${t.name}: ${t.summary}` })),
    // (the exit reasons, then the notes: the table lists them by code, which mixes them)
    ...EXIT_REASONS.filter((r) => !('note' in r)).map((r) => ({ kind: 'exit reason', word: r.name, meaning: `${r.summary} (code ${r.code})` })),
    ...EXIT_REASONS.filter((r) => 'note' in r).map((r) => ({ kind: 'note', word: r.name, meaning: `${r.summary} (code ${r.code})` })),
    ...EXIT_ACTIONS.map((a) => ({ kind: 'action', word: a.name, meaning: a.summary })),
    ...CAUSES.map((c) => ({ kind: 'trap cause', word: c.name, meaning: `${c.summary} (cause ${c.code})` })),
    {
      kind: 'trap cause',
      word: 'irqN',
      meaning: `interrupt on line N of the interrupt controller: ${Object.entries(IRQ).map(([device, line]) => `irq${line} ${device}`).join(', ')} (cause ${INTERRUPT_BASE} + N)`,
    },
    ...MODES.flatMap((m) => (m.words ?? []).map((w) => ({ kind: `--mode ${m.name}`, word: w.word, meaning: w.meaning }))),
  ];
}

/** Words that stand for the legend's words (lower case): an instance of a pattern (irq3
 *  of irqN, for the interrupt controller's 32 lines; what --exit-on takes: port:0x10 of
 *  port:N for a port of the 16-bit port space, cr-read:ptbr of cr-read:NAME for a control
 *  register's name, exception:page-read of exception:CAUSE for a trap cause's) or a group
 *  of exit controls (cr, cr-read, cr-write, exceptions). */
const CR_NAMES = `(${CONTROL_REGISTERS.map((c) => c.name).join('|')})`;
// (hcall's trap is no exception a guest can make exit: para's VMM takes it)
const CAUSE_NAMES = `(${CAUSES.filter((c) => c.name !== 'hypercall').map((c) => c.name).join('|')})`;
const CR_READ = new RegExp(`^cr-read(:${CR_NAMES})?$`);
const CR_WRITE = new RegExp(`^cr-write(:${CR_NAMES})?$`);
const EXCEPTION = new RegExp(`^exception:${CAUSE_NAMES}$`);
const STANDS_FOR: readonly (readonly [(word: string) => boolean, readonly string[]])[] = [
  [(w) => /^irq([0-9]|[12][0-9]|3[01])$/.test(w), ['irqn']],
  [(w) => /^port:([0-9]+|0x[0-9a-f]+)$/.test(w) && Number(w.slice(5)) < PORT_SPACE, ['port:n']],
  [(w) => w === 'cr', ['cr-read:name', 'cr-write:name']],
  [(w) => CR_READ.test(w), ['cr-read:name']],
  [(w) => CR_WRITE.test(w), ['cr-write:name']],
  [(w) => w === 'exceptions' || EXCEPTION.test(w), ['exception:cause']],
];

/** The entries for a word, in any case: its own, else those of the words it stands for. */
export function explain(word: string): LegendEntry[] {
  const key = word.toLowerCase();
  const own = legend().filter((e) => e.word.toLowerCase() === key);
  if (own.length > 0) return own;
  const words = STANDS_FOR.find(([standsFor]) => standsFor(key))?.[1] ?? [];
  return legend().filter((e) => words.includes(e.word.toLowerCase()));
}
