// The text trace sink keeps the columns from guest to action, and the dimmed source, while
// consecutive records share them. Every line must be what a sink that has seen no record
// before writes for it: records that differ from the one before in any single field, in
// colour and without.

import { describe, expect, it } from 'vitest';
import { chalkFor } from '../../src/cli/colors.js';
import { TextSink } from '../../src/trace/text.js';
import { EXIT_REASONS, type ExitRecord } from '../../src/vmm/exits.js';
import { MemoryWriter } from '../support/io.js';
import { Random } from '../../scripts/fuzz/generate.js';

/** Records that each change one field of the one before (or none). */
function records(count: number, seed: number): ExitRecord[] {
  const rng = new Random(seed);
  const next = (n: number) => rng.int(n);
  const pick = <T>(xs: readonly T[]): T => xs[next(xs.length)]!;
  const changes: ((r: ExitRecord) => void)[] = [
    (r) => (r.guest = pick(['tinyos', 'g2', 'gäst'])),
    (r) => (r.mode = pick(['full', 'trap', 'para', 'hw'])),
    (r) => (r.kind = pick(['exit', 'note'] as const)),
    (r) => {
      const reason = pick(EXIT_REASONS);
      r.reason = reason.name;
      r.code = reason.code;
    },
    (r) => (r.code = next(100)),
    (r) => (r.action = pick(['emulated', 'killed', 'callout', 'injected'] as const)),
    (r) => (r.pc = pick([0, 4, 0x1000, 0xfffffffc])),
    (r) => (r.insn = pick(['out 0x10, r3', 'mtcr ptbr, r1', 'rfe'])),
    (r) => (r.source = pick([undefined, 'a.s:1', 'b.s:20'])),
    (r) => (r.port = pick([undefined, 0x10])),
    (r) => (r.value = pick([undefined, 0, 0xffffffff])),
    (r) => (r.address = pick([undefined, 0x80000000])),
    (r) => (r.access = pick([undefined, 'read', 'write'] as const)),
    (r) => (r.cause = pick([undefined, 'page-read'])),
    (r) => (r.cr = pick([undefined, 'ptbr'])),
    (r) => (r.irq = pick([undefined, 2])),
    (r) => (r.count = pick([undefined, 12])),
    (r) => (r.request = pick([undefined, 7])),
    (r) => {
      const on = next(2) === 0;
      r.hypercall = on ? 'mmu_update' : undefined;
      r.args = on ? [1, 0xffffffff] : undefined;
      r.result = on ? pick([undefined, -22]) : undefined;
    },
    (r) => (r.detail = pick([undefined, 'why it stopped'])),
    () => {},
  ];
  let r: ExitRecord = { kind: 'exit', seq: 0, cycle: 0, guest: 'tinyos', vcpu: 0, mode: 'full', reason: 'bt-callout', code: 68, pc: 4, insn: 'out 0x10, r3', action: 'callout', cost: 140 };
  return Array.from({ length: count }, (_, i) => {
    r = { ...r, seq: i + 1, cycle: i * 97, cost: next(3) * 100 };
    pick(changes)(r);
    return r;
  });
}

describe('text trace sink', () => {
  for (const color of [false, true]) {
    it(`writes each record as a fresh sink would, whatever field changed from the record before (${color ? 'colour' : 'no colour'})`, () => {
      const c = chalkFor(color);
      const all = records(3000, color ? 7 : 3);
      const out = new MemoryWriter();
      const sink = new TextSink(out, c);
      for (const r of all) sink.record(r);
      const expected = all.map((r) => {
        const alone = new MemoryWriter();
        new TextSink(alone, c).record(r);
        return alone.text().split('\n')[1];
      });
      expect(out.text().split('\n').slice(1, -1)).toEqual(expected);
    });
  }
});
