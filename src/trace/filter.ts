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

/** A probe that passes on only the records the filter keeps. */
export function filtered(sink: ExitProbe, filter: TraceFilter): ExitProbe {
  if (!filter.guests && !filter.reasons && !filter.requests) return sink;
  return {
    record(r: ExitRecord) {
      if (filter.guests && !filter.guests.has(r.guest)) return;
      if (filter.reasons && !filter.reasons.has(r.reason)) return;
      if (filter.requests && (r.request === undefined || !filter.requests.has(r.request))) return;
      sink.record(r);
    },
  };
}
