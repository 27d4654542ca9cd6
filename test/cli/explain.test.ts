// `vmm explain`: the legend covers every word a real summary prints, and docs/cli.md's table of
// summary words is the code's (docs/cli.md, "vmm explain").

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain, legend, SUMMARY_WORDS } from '../../src/report/legend.js';
import { TEXT_HEADER } from '../../src/trace/text.js';
import { ROOT, vmmIn } from './helpers.js';

/** Every word of a summary a student may ask about: the status, each line's label, the
 *  figures' words and the counted names. */
function summaryWords(summary: string): Set<string> {
  const words = new Set<string>();
  for (const line of summary.split('\n')) {
    const status = /^\S+ \(\w+\): (\w+):/.exec(line);
    if (status) words.add(status[1]!);
    const labelled = /^ {2}(vmm tlb|tlb|traps|exits|notes|WARNING)\s+(.*)$/.exec(line);
    if (labelled) {
      words.add(labelled[1]!);
      if (labelled[1] !== 'WARNING') for (const [, name] of labelled[2]!.matchAll(/([a-z][a-z0-9 -]*?) [\d,]+(?=\s|$)/g)) words.add(name!.trim());
    }
    if (/^ {2}instructions /.test(line)) for (const w of ['instructions', 'cycles', 'overhead']) if (line.includes(` ${w} `) || line.startsWith(`  ${w}`)) words.add(w);
  }
  return words;
}

describe('vmm explain', () => {
  it('knows every word that summaries of real runs print', async () => {
    const runs = [
      ['run', 'guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--mode', 'full'],
      ['run', 'guests/kernel/tinyos.s', '--mode', 'trap', '--no-overhead'],
      ['run', 'guests/attack/storm.s', '--mode', 'trap', '--max-instructions', '20000'],
      ['run', 'test/cli/fixtures/divzero.s', '--mode', 'bare'],
    ];
    const words = new Set<string>();
    for (const args of runs) for (const w of summaryWords((await vmmIn(args)).stderr)) words.add(w);
    for (const w of ['halted', 'faulted', 'limit', 'WARNING', 'vmm tlb', 'walk references', 'hidden-page-fault', 'interrupt-injection', 'irq0', 'syscall']) expect(words).toContain(w);
    for (const w of words) expect(explain(w).length, `vmm explain ${w}`).toBeGreaterThan(0);
  });

  it('prints the entries of the words asked for, each with its kind', async () => {
    const r = await vmmIn(['explain', 'privileged', 'walk references', 'irq2']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.slice(0, l.indexOf(':')))).toEqual([
      'privileged (exit reason)',
      'privileged (trap cause)',
      'walk references (summary)',
      'irqN (trap cause)',
    ]);
    expect(r.stdout).toContain('irq2 disk');
  });

  it('with no words prints the whole legend, within 100 columns', async () => {
    const r = await vmmIn(['explain']);
    expect(r.status).toBe(0);
    for (const e of legend()) expect(r.stdout).toMatch(new RegExp(`^ {2}${e.word.replace(/[-]/g, '\\-')} +\\S`, 'm'));
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('takes words in any case, and explains the modes a summary header names', async () => {
    for (const w of ['IRQ2', 'Halted', 'warning', 'Hidden-Page-Fault']) expect((await vmmIn(['explain', w])).status, w).toBe(0);
    for (const m of ['bare', 'trap', 'full']) expect((await vmmIn(['explain', m])).stdout, m).toMatch(new RegExp(`^${m} \\(mode\\): --mode ${m}: `));
  });

  it('explains what --exit-on takes by the word it stands for (port:16 by port:N, a group of controls by its kind), and irqN for the 32 lines only', async () => {
    const stands = { 'port:16': ['port:N'], 'port:0x10': ['port:N'], 'cr-read:ptbr': ['cr-read:NAME'], 'cr-write': ['cr-write:NAME'], cr: ['cr-read:NAME', 'cr-write:NAME'], exceptions: ['exception:CAUSE'], 'exception:page-read': ['exception:CAUSE'], irq31: ['irqN'] };
    for (const [word, words] of Object.entries(stands)) {
      const r = await vmmIn(['explain', word]);
      expect(r.status, word).toBe(0);
      expect(r.stdout.split('\n').filter(Boolean).map((line) => line.split(' ')[0]), word).toEqual(words);
    }
    // (its own word first: the exit reason, not the exception controls)
    expect((await vmmIn(['explain', 'exception'])).stdout).toMatch(/^exception \(exit reason\): /);
    for (const word of ['irq32', 'irq99', 'port:x']) expect((await vmmIn(['explain', word])).status, word).toBe(2);
  });

  it("knows every column of the text trace, and the host's and guest 0's words", () => {
    for (const column of TEXT_HEADER.trim().split(/\s+/)) expect(explain(column).map((e) => e.kind), column).toContain('trace column');
    for (const word of ['application', 'console', 'host cycles', 'disk interrupts routed', 'DMA refused by the IOMMU']) expect(explain(word), word).not.toEqual([]);
  });

  it('what --exit-on takes finds its control only when it names one: a port of the port space, a control register, a trap cause', () => {
    for (const word of ['port:65535', 'port:0x10', 'cr-read:ptbr', 'cr-write:asid', 'exception:divide', 'exceptions']) expect(explain(word), word).not.toEqual([]);
    for (const word of ['port:65536', 'port:70000', 'cr-read:nope', 'cr-write:', 'exception:nope', 'exception:hypercall']) expect(explain(word), word).toEqual([]);
  });

  it('the whole legend has each kind under one heading', async () => {
    const r = await vmmIn(['explain']);
    const headings = r.stdout.split('\n').filter((line) => /^\S/.test(line));
    expect(new Set(headings).size).toBe(headings.length);
    expect(headings).toContain('Host topologies (--host; the summary\'s host and guest 0 lines)');
  });

  it('a word it does not know is a usage error that names the nearest', async () => {
    const r = await vmmIn(['explain', 'hiden-page-fault']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("'hiden-page-fault' is not a word of the summary or the trace (did you mean 'hidden-page-fault'?)");
  });

  it('docs/cli.md has the table of summary words exactly as SUMMARY_WORDS', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
    const m = /<!-- summary-words:begin -->\n([\s\S]*?)\n<!-- summary-words:end -->/.exec(doc);
    expect(m).not.toBeNull();
    const rows = m![1]!.split('\n').slice(2).map((l) => l.slice(2, -2).split(' | '));
    expect(rows).toEqual(SUMMARY_WORDS.map((w) => [`\`${w.word}\``, w.meaning]));
  });
});
