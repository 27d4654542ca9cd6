// Layout: after the first pass every statement has its address and size. This groups the
// emitted bytes into segments (maximal runs of contiguous bytes, so no two segments touch),
// reports bytes emitted twice, and gives each statement its place in a segment buffer.

import { chainOf, type DiagnosticList } from './diagnostics.js';
import type { Stmt } from './statement.js';
import type { Segment } from '../image/model.js';

/**
 * Builds the (zero-filled) segments for the statements with bytes and points each statement
 * at its segment buffer. A statement whose bytes overlap another's gets the error
 * "bytes at 0x... already emitted (by a.s:3:9)" (on whichever comes later in the source,
 * naming the other) and is skipped.
 */
export function layOut(stmts: readonly Stmt[], diags: DiagnosticList): Segment[] {
  const emitting = stmts.filter((s) => s.size > 0);
  // Usually already in address order; the sort is stable, so equal addresses keep source order.
  if (!isSorted(emitting)) emitting.sort((a, b) => a.address - b.address);
  const runs: { address: number; end: number; members: Stmt[] }[] = [];
  // (the statement that ends last so far, placed or skipped: a skipped one's bytes were
  // emitted too, and overlap what follows as much as a placed one's)
  let owner: Stmt | undefined;
  for (const s of emitting) {
    const run = runs[runs.length - 1];
    if (run && owner && s.address < owner.address + owner.size) {
      const [earlier, later] = s.where.order > owner.where.order ? [owner, s] : [s, owner];
      diags.add(later.where, later.col, `bytes at 0x${s.address.toString(16)} already emitted (by ${site(earlier)})`);
      s.skip = true;
      if (s.address + s.size > owner.address + owner.size) owner = s;
      continue;
    }
    if (run && s.address === run.end) {
      run.end += s.size;
      run.members.push(s);
    } else {
      runs.push({ address: s.address, end: s.address + s.size, members: [s] });
    }
    owner = s;
  }
  return runs.map((run) => {
    const bytes = new Uint8Array(run.end - run.address);
    for (const s of run.members) {
      s.segment = bytes;
      s.offset = s.address - run.address;
    }
    return { address: run.address, bytes };
  });
}

/** "a.s:3:9", and for a line of a macro "m.s:3:9 in macro 'm' invoked at a.s:12:1". */
function site(s: Stmt): string {
  const at = `${s.where.frame.file}:${s.where.line}:${s.col}`;
  return s.where.frame.kind === 'macro' ? `${at} ${chainOf(s.where.frame)[0]}` : at;
}

function isSorted(stmts: readonly Stmt[]): boolean {
  for (let i = 1; i < stmts.length; i++) if (stmts[i]!.address < stmts[i - 1]!.address) return false;
  return true;
}
