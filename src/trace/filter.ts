// Which exit records a trace keeps: by guest name and by reason (names or numeric codes).

import { EXIT_REASONS, type ExitProbe, type ExitRecord } from '../vmm/exits.js';

export class FilterError extends Error {}

export interface TraceFilter {
  guests?: ReadonlySet<string>;
  reasons?: ReadonlySet<string>;
  /** Only the hops of these host I/O requests (hosted: `--request ID`). */
  requests?: ReadonlySet<number>;
}

/** The reasons of `--reason io,hlt,28` (split): every entry must name a reason or its code. */
export function parseReasons(parts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const part of parts) {
    const reason = EXIT_REASONS.find((r) => r.name === part || String(r.code) === part);
    if (!reason) throw new FilterError(`unknown exit reason '${part}' (known: ${EXIT_REASONS.map((r) => `${r.name} (${r.code})`).join(', ')})`);
    out.add(reason.name);
  }
  return out;
}

/** A probe that passes on only the records the filter keeps, and notes which of the
 *  requests it asks for the run made (a request's id is known only once it is made). */
export class FilteredProbe implements ExitProbe {
  /** The highest request id of any record, kept or not (ids count from 1). */
  lastRequest = 0;
  private readonly seen = new Set<number>();

  constructor(
    private readonly sink: ExitProbe,
    private readonly filter: TraceFilter,
  ) {}

  record(r: ExitRecord): void {
    const filter = this.filter;
    if (r.request !== undefined) {
      if (r.request > this.lastRequest) this.lastRequest = r.request;
      if (filter.requests?.has(r.request)) this.seen.add(r.request);
    }
    if (filter.guests && !filter.guests.has(r.guest)) return;
    if (filter.reasons && !filter.reasons.has(r.reason)) return;
    if (filter.requests && (r.request === undefined || !filter.requests.has(r.request))) return;
    this.sink.record(r);
  }

  /** The requests asked for that no record of the run belongs to, in order. */
  missingRequests(): number[] {
    return [...(this.filter.requests ?? [])].filter((id) => !this.seen.has(id)).sort((a, b) => a - b);
  }
}
