// What the HTML report's timeline is drawn from (docs/report.md): an ExitProbe that watches
// a run's exit records and keeps, in bounded memory however long the run:
//   - which guest held the CPU over host cycles, as cycles held per guest in each of at most
//     BUCKETS buckets (a guest switch note starts a guest's hold); when a run outgrows the
//     buckets, neighbours merge and a bucket covers twice the cycles. Under a hosted
//     topology the host OS has a lane of its own: it holds the CPU from the start, and each
//     world-switch note passes the CPU between it and the VMM's guests (they alternate:
//     into the VMM, back to the host, ...);
//   - exits and notes by reason per guest per bucket;
//   - a sample of whole records for the marks and their tooltips, reason by reason (so a
//     rare reason keeps all its records beside a frequent one): every record of a reason
//     while it has at most MARKS_PER_REASON, then every second one, every fourth, ... (by
//     its own count, so the same run keeps the same records);
//   - exact counts and cycles by reason per guest.

import { qualification, type ExitProbe, type ExitRecord } from '../../vmm/exits.js';

/** Buckets of the timeline, and whole records kept for marks, per reason. */
export const BUCKETS = 512;
export const MARKS_PER_REASON = 400;

export interface ReasonTotals {
  count: number;
  cycles: number;
  kind: 'exit' | 'note';
}

export interface TimelineData {
  /** One lane per guest, in run order (then the host OS's, under a hosted topology). */
  lanes: string[];
  /** Host cycles each bucket covers; buckets start at 0. */
  bucketCycles: number;
  /** Host cycles at the end of the run. */
  end: number;
  /** held[lane][bucket]: cycles that guest held the CPU in that bucket. */
  held: number[][];
  /** Exits and notes per reason: counts[lane][bucket]. */
  reasons: { reason: string; kind: 'exit' | 'note'; counts: number[][] }[];
  /** Sampled records, in sequence order, each with its qualification as the text trace
   *  gives it (`details`: the tooltip shows it). */
  marks: (ExitRecord & { details: string })[];
  /** Per reason: every how many of its records was kept (1: all). */
  sampledEvery: Record<string, number>;
  /** Exact figures by guest, then reason. */
  totals: Record<string, Record<string, ReasonTotals>>;
}

export class TimelineCollector implements ExitProbe {
  private bucketCycles = 1024;
  private readonly held: Float64Array[];
  private readonly counts = new Map<string, { kind: 'exit' | 'note'; perLane: Int32Array[]; seen: number; every: number; marks: TimelineData['marks'] }>();
  /** (no prototype: a guest may be named __proto__) */
  private readonly totals: Record<string, Record<string, ReasonTotals>> = Object.create(null) as Record<string, Record<string, ReasonTotals>>;
  /** The guest holding the CPU, and since when. */
  private holder = 0;
  private since = 0;

  private readonly lanes: readonly string[];
  /** The host OS's lane (hosted), or -1. */
  private readonly hostLane: number;

  /** `host`: the name of the host OS's lane, under a hosted topology. */
  constructor(guests: readonly string[], host?: string) {
    this.lanes = host === undefined ? [...guests] : [...guests, host];
    this.hostLane = host === undefined ? -1 : guests.length;
    this.holder = Math.max(0, this.hostLane);
    this.held = this.lanes.map(() => new Float64Array(BUCKETS));
    for (const lane of guests) this.totals[lane] = {};
  }

  record(r: Readonly<ExitRecord>): void {
    this.fit(r.cycle);
    const lane = Math.max(0, this.lanes.indexOf(r.guest));
    if (r.reason === 'guest-switch' || r.reason === 'world-switch') {
      this.hold(r.cycle);
      // a world switch into the VMM gives the CPU to the guest that ran last (another
      // guest's turn then comes with a guest switch); one back gives it to the host
      this.holder = r.reason === 'world-switch' && this.holder !== this.hostLane && this.hostLane >= 0 ? this.hostLane : lane;
    }
    let c = this.counts.get(r.reason);
    if (!c) {
      c = { kind: r.kind, perLane: this.lanes.map(() => new Int32Array(BUCKETS)), seen: 0, every: 1, marks: [] };
      this.counts.set(r.reason, c);
    }
    c.perLane[lane]![this.bucketOf(r.cycle)]!++;
    const t = (this.totals[r.guest] ??= {});
    const sum = (t[r.reason] ??= { count: 0, cycles: 0, kind: r.kind });
    sum.count++;
    sum.cycles += r.cost;
    const nth = c.seen++;
    if (nth % c.every === 0) {
      if (c.marks.length >= MARKS_PER_REASON) {
        // keep every second of those kept: the ones whose own number is a multiple of 2 every
        c.marks = c.marks.filter((_, i) => i % 2 === 0);
        c.every *= 2;
      }
      if (nth % c.every === 0) c.marks.push({ ...r, ...(r.args ? { args: [...r.args] } : {}), details: qualification(r).slice(1) });
    }
  }

  /** The timeline, once the run has ended at host cycle `end`. */
  finish(end: number): TimelineData {
    this.fit(end);
    this.hold(end);
    const buckets = Math.min(BUCKETS, Math.max(1, Math.ceil(end / this.bucketCycles)));
    return {
      lanes: [...this.lanes],
      bucketCycles: this.bucketCycles,
      end,
      held: this.held.map((h) => [...h.subarray(0, buckets)]),
      reasons: [...this.counts].map(([reason, c]) => ({ reason, kind: c.kind, counts: c.perLane.map((p) => [...p.subarray(0, buckets)]) })),
      marks: [...this.counts.values()].flatMap((c) => c.marks).sort((a, b) => a.seq - b.seq),
      sampledEvery: Object.fromEntries([...this.counts].map(([reason, c]) => [reason, c.every])),
      totals: this.totals,
    };
  }

  private bucketOf(cycle: number): number {
    return Math.min(BUCKETS - 1, Math.floor(cycle / this.bucketCycles));
  }

  /** Widen the buckets (merging neighbours) until `cycle` falls inside them. */
  private fit(cycle: number): void {
    while (cycle >= this.bucketCycles * BUCKETS) {
      const merge = (a: Float64Array | Int32Array) => {
        for (let i = 0; i < BUCKETS / 2; i++) a[i] = a[2 * i]! + a[2 * i + 1]!;
        a.fill(0, BUCKETS / 2);
      };
      this.held.forEach(merge);
      for (const c of this.counts.values()) c.perLane.forEach(merge);
      this.bucketCycles *= 2;
    }
  }

  /** The current holder held the CPU from `since` to `until`. */
  private hold(until: number): void {
    const held = this.held[this.holder];
    for (let at = this.since; held && at < until; ) {
      const b = this.bucketOf(at);
      const next = Math.min(until, (b + 1) * this.bucketCycles);
      held[b]! += (b === BUCKETS - 1 ? until : next) - at;
      at = b === BUCKETS - 1 ? until : next;
    }
    this.since = Math.max(this.since, until);
  }
}

/** Several probes as one (a trace's sink and the report's collector). */
export function bothProbes(a: ExitProbe | undefined, b: ExitProbe): ExitProbe {
  return a ? { record: (r) => (a.record(r), b.record(r)) } : b;
}
