// The JSON-lines sink writes bytes directly; every line must be exactly recordToJson's
// string, which must be the record as JSON.

import { describe, expect, it } from 'vitest';
import { MemoryWriter } from '../support/io.js';
import { JsonLinesSink, recordToJson } from '../../src/trace/jsonl.js';
import { EXIT_REASONS, type ExitRecord } from '../../src/vmm/exits.js';

function sample(i: number): ExitRecord {
  const reason = EXIT_REASONS[i % EXIT_REASONS.length]!;
  return {
    kind: i % 7 === 0 ? 'note' : 'exit',
    seq: i + 1,
    cycle: i % 5 === 0 ? 2 ** 40 + i : i * 1_000_003,
    guest: i % 3 === 0 ? 'gäst "α"' : 'tinyos',
    vcpu: 0,
    mode: i % 2 ? 'trap' : 'full',
    reason: reason.name,
    code: reason.code,
    pc: (i * 4) % 64 === 0 ? 0xfffffffc : (i * 4) % 64,
    insn: i % 4 ? 'out 0x10, r3' : 'ldw r1, [sp - 4]',
    source: i % 6 ? `guests/kernel/lib.s:${i % 40}` : undefined,
    port: i % 2 ? 0x10 : undefined,
    value: i % 2 ? (i * 2654435761) >>> 0 : undefined,
    address: i % 3 === 1 ? 0x80000000 + i : undefined,
    access: i % 3 === 1 ? (['read', 'write', 'fetch'] as const)[i % 3] : undefined,
    cause: i % 5 === 2 ? 'page-read' : undefined,
    cr: i % 11 === 0 ? 'ptbr' : undefined,
    irq: i % 13 === 0 ? 2 : undefined,
    count: i % 17 === 0 ? 12 : undefined,
    request: i % 29 === 3 ? i : undefined,
    ...(i % 23 === 4 ? { hypercall: 'mmu_update', args: [i, 2, 0xffffffff, 0], result: i % 2 } : {}),
    action: i % 2 ? 'emulated' : 'callout',
    cost: i % 9 ? 500 : 0,
    detail: i % 19 === 0 ? 'a "quoted"\tdetail\nwith control \u0001 characters and é' : i === 50 ? 'x'.repeat(5000) : undefined,
  };
}

describe('JSON-lines sink', () => {
  it('writes exactly recordToJson, which is the record as JSON', () => {
    const out = new MemoryWriter();
    const sink = new JsonLinesSink(out);
    const records = Array.from({ length: 3000 }, (_, i) => sample(i));
    for (const r of records) sink.record(r);
    sink.flush();
    const lines = out.text().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(records.length);
    lines.forEach((line, i) => {
      expect(line + '\n').toBe(recordToJson(records[i]!));
      const parsed = JSON.parse(line);
      const expected = Object.fromEntries(Object.entries(records[i]!).filter(([, v]) => v !== undefined));
      expect(parsed).toEqual(expected);
    });
    expect(sink.records).toBe(records.length);
  });

  it('consecutive records of one reason and pc that differ in another repeating field each get their own', () => {
    const base = sample(1);
    const variants: Partial<ExitRecord>[] = [{}, { guest: 'other' }, { insn: 'in r1, 0x10' }, { source: undefined }, { source: 'x.s:1' }, { mode: 'trap' }, { kind: 'note' }, { vcpu: 1 }, {}];
    const records = variants.map((v, i) => ({ ...base, ...v, seq: i + 1 }));
    const out = new MemoryWriter();
    const sink = new JsonLinesSink(out);
    for (const r of records) sink.record(r);
    sink.flush();
    expect(out.text()).toBe(records.map(recordToJson).join(''));
  });

  it('copies each record it is handed: one record object refilled for every exit (as the VMM hands them) is written as each was', () => {
    const records = Array.from({ length: 1000 }, (_, i) => sample(i));
    const one = { ...sample(0) };
    const out = new MemoryWriter();
    const sink = new JsonLinesSink(out);
    for (const r of records) {
      for (const key of Object.keys(one) as (keyof ExitRecord)[]) delete one[key];
      Object.assign(one, r);
      sink.record(one);
    }
    sink.flush();
    expect(out.text()).toBe(records.map(recordToJson).join(''));
  });

  it('writes every number exactly, at each count of digits and on either side of 2^31', () => {
    const numbers = [0, 1, 2147483647, 2147483648, 4294967295, 2 ** 40];
    for (let p = 10; p <= 1e10; p *= 10) numbers.push(p - 1, p, p + 1);
    const records = numbers.map((n, i) => ({ ...sample(1), seq: i + 1, cycle: n, value: n, cost: n % 2 ** 31, address: n % 2 ** 32 }));
    const out = new MemoryWriter();
    const sink = new JsonLinesSink(out);
    for (const r of records) sink.record(r);
    sink.flush();
    expect(out.text()).toBe(records.map(recordToJson).join(''));
    expect(out.text().split('\n').slice(0, -1).map((line) => JSON.parse(line).cycle)).toEqual(numbers);
  });

  it('keeps nothing back after flush, and nothing is written before it is needed', () => {
    const out = new MemoryWriter();
    const sink = new JsonLinesSink(out);
    sink.record(sample(1));
    expect(out.text()).toBe('');
    sink.flush();
    expect(out.text()).toBe(recordToJson(sample(1)));
  });

  // A small deterministic generator (xorshift32): the same records every run.
  function generator(seed: number): (n: number) => number {
    let x = seed | 0 || 1;
    return (n) => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0) % n;
    };
  }

  /** Records in runs of one shape (middle, optional numbers, access, cause, cr, action),
   *  long enough that shapes grow hot and get compiled writers, with numbers of every
   *  width: what an exit-heavy guest's trace is made of. */
  function shapedRecords(seed: number, count: number): ExitRecord[] {
    const pick = generator(seed);
    const widths = [0, 1, 9, 10, 99, 100, 65535, 2147483647, 2147483648, 4294967295, 2 ** 40 + 7, 2 ** 53 - 1];
    const number = () => (pick(4) === 0 ? widths[pick(widths.length)]! : pick(2 ** 31));
    const shapes = Array.from({ length: 6 }, (_, s) => {
      const reason = EXIT_REASONS[pick(EXIT_REASONS.length)]!;
      const has = pick(64);
      return (seq: number): ExitRecord => ({
        kind: s % 3 === 0 ? 'note' : 'exit',
        seq,
        cycle: number(),
        guest: s === 1 ? 'gäst "α"' : 'tinyos',
        vcpu: s % 2,
        mode: s % 2 ? 'trap' : 'full',
        reason: reason.name,
        code: reason.code,
        pc: (s * 0x1004) >>> 0,
        insn: s === 2 ? 'ldw r1, [sp - 4]' : 'out 0x80, r1',
        source: s === 3 ? undefined : `guests/bench/exits.s:${s + 10}`,
        port: has & 1 ? number() : undefined,
        value: has & 2 ? number() : undefined,
        address: has & 4 ? number() : undefined,
        access: s === 4 ? 'write' : undefined,
        cause: s === 5 ? 'page-read' : undefined,
        cr: s === 2 ? 'ptbr' : undefined,
        irq: has & 8 ? number() : undefined,
        count: has & 16 ? number() : undefined,
        request: has & 32 ? number() : undefined,
        action: s % 2 ? 'emulated' : 'callout',
        cost: number(),
        // (now and then a detail: such a line is never a compiled shape's)
        detail: pick(50) === 0 ? 'a "detail"\n' : undefined,
      });
    });
    const records: ExitRecord[] = [];
    while (records.length < count) {
      const shape = shapes[pick(shapes.length)]!;
      for (let run = 300 + pick(700); run > 0 && records.length < count; run--) records.push(shape(records.length + 1));
    }
    return records;
  }

  it('writes the lines of hot shapes with compiled writers, each exactly recordToJson', () => {
    for (const seed of [1, 2, 3]) {
      const records = shapedRecords(seed, 20_000);
      const out = new MemoryWriter();
      const sink = new JsonLinesSink(out);
      for (const r of records) sink.record(r);
      sink.flush();
      const lines = out.text().split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toHaveLength(records.length);
      lines.forEach((line, i) => expect(line + '\n').toBe(recordToJson(records[i]!)));
      // (most lines came from compiled writers: the test holds them, not only the generic path)
      expect(sink.compiledLines).toBeGreaterThan(records.length / 2);
    }
  });

  it('a middle whose shape changes (a number, the access, cause, control register or action) is written right either way', () => {
    const base = { ...shapedRecords(7, 1)[0]!, value: 5, cr: 'ptbr', cause: undefined, access: undefined, detail: undefined };
    // (each change of one field of the one before, long enough to be compiled; twice over)
    const changes: Partial<ExitRecord>[] = [{}, { value: undefined }, { cr: 'asid' }, { cr: undefined }, { cause: 'page-write' }, { access: 'read' }, { action: 'reflected' }, { irq: 3 }, { value: 9 }];
    let phase: ExitRecord = base;
    const phases = [...changes, ...changes].map((change) => (phase = { ...phase, ...change }));
    const records = phases.flatMap((p, n) => Array.from({ length: 300 }, (_, i) => ({ ...p, seq: n * 300 + i + 1, cycle: i * 7, cost: i })));
    const out = new MemoryWriter();
    const sink = new JsonLinesSink(out);
    for (const r of records) sink.record(r);
    sink.flush();
    expect(out.text()).toBe(records.map(recordToJson).join(''));
    expect(sink.compiledLines).toBeGreaterThan(0);
  });
});
