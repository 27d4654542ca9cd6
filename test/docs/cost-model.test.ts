// docs/cost-model.md must give every default of the cost model, every error of
// makeCostModel, and the figures of its worked example.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CostModelError, DEFAULT_EVENT_COSTS, groupCycles, makeCostModel } from '../../src/machine/costs.js';
import { INSTRUCTIONS } from '../../src/isa/table.js';
import { runGuests } from '../../src/report/run.js';
import { trapMode } from '../../src/vmm/modes/trap/mode.js';
import { EXIT_REASONS } from '../../src/vmm/exits.js';
import { asmBlocks, assembleExample, codeBlocks, collectingConsole, machineOptions, readDoc, runExample, splitTemplate, tableRows, templateRegex } from './helpers.js';

const doc = readDoc('cost-model.md');
const rows = tableRows(doc);
const example = asmBlocks(doc).find((b) => b.text.startsWith('; cost.s'))!.text;

describe('docs/cost-model.md', () => {
  it('gives a cost for every exit reason and note (the exit-reason table): a row, or under hw its paragraph', () => {
    const vmm = doc.slice(doc.indexOf('### Under the VMM'));
    for (const reason of EXIT_REASONS) expect(vmm.includes(`\`${reason.name}\``), reason.name).toBe(true);
  });

  it('gives every event cost with its default', () => {
    for (const [event, cycles] of Object.entries(DEFAULT_EVENT_COSTS)) {
      const row = rows.find((r) => r[0] === `\`${event}\``);
      expect(row, `event ${event}`).toBeDefined();
      expect(row![1], `default of ${event}`).toBe(String(cycles));
    }
  });

  it('gives every instruction group with its default cycles and members', () => {
    for (const [group, values] of Object.entries(groupCycles())) {
      const row = rows.find((r) => r[0] === `\`${group}\``);
      expect(row, `group ${group}`).toBeDefined();
      const stated = [...row![1]!.matchAll(/(?:^|, )(\d+)/g)].map((m) => Number(m[1]));
      expect(stated.sort(), `cycles of ${group}`).toEqual([...values].sort());
      const members = row![2]!.replace(/`/g, '').split(/\s+/).sort();
      expect(members, `members of ${group}`).toEqual(INSTRUCTIONS.filter((s) => s.group === group).map((s) => s.mnemonic).sort());
      // Where a group has several defaults, each is attributed to the right mnemonics.
      if (values.length > 1) {
        for (const m of row![1]!.matchAll(/(\d+) \(([^)]*)\)/g)) {
          for (const name of m[2]!.replace(/`/g, '').split(/,\s*/)) {
            expect(INSTRUCTIONS.find((s) => s.mnemonic === name)?.cycles, `${name} in ${group}`).toBe(Number(m[1]));
          }
        }
      }
    }
  });

  it('documents every error of makeCostModel', () => {
    const source = readFileSync(new URL('../../src/machine/costs.ts', import.meta.url), 'utf8');
    const templates = [...source.matchAll(/new CostModelError\((`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*')\)/g)].map((m) => m[1]!.slice(1, -1));
    expect(templates.length).toBeGreaterThanOrEqual(6);
    for (const t of templates) {
      const longest = splitTemplate(t).reduce((a, b) => (b.trim().length > a.length ? b.trim() : a), '');
      expect(doc, `the error "${t}"`).toContain(longest);
      expect(doc, `the error "${t}"`).toMatch(templateRegex(t));
    }
  });

  it('has an example file that makeCostModel accepts, with the figure it states', () => {
    const json = codeBlocks(doc).find((b) => b.lang === 'json')!;
    const costs = makeCostModel(JSON.parse(json.text));
    const report = runExample(example, { costs });
    expect(doc).toContain(`costs ${report.cycles} cycles on the bare machine`);
  });

  it('rejects what the error table says it rejects', () => {
    for (const bad of [[1], { foo: 1 }, { instructions: [] }, { instructions: { div: 1.5 } }, { instructions: { bogus: 1 } }, { events: { bogus: 1 } }]) {
      expect(() => makeCostModel(bad)).toThrow(CostModelError);
    }
    // a value as deep or as long as the file likes is named by its kind, or cut: never echoed
    // whole (5,000 levels overflowed the stack: an internal error), never a control character raw
    const deep = JSON.parse(`{"events":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`);
    expect(() => makeCostModel(deep)).toThrow('events.a: expected a whole number of cycles from 0 to 1000000, got an object');
    expect(() => makeCostModel({ events: { trap: `\u001b[2J${'x'.repeat(1_000_000)}` } })).toThrow(/got "\\u001b\[2Jx{36}\.\.\."$/);
    expect(() => makeCostModel({ events: { '\u001b[31m': 1 } })).toThrow('events: unknown event "\\u001b[31m"');
    // a number too large for JSON (read as Infinity) is named as one, not as JSON's null
    expect(() => makeCostModel(JSON.parse('{"instructions":{"alu":1e400}}'))).toThrow('instructions.alu: expected a whole number of cycles from 0 to 1000000, got Infinity');
  });

  it('adds up the bare example as it says, and shows the summary vmm prints for it', async () => {
    const report = runExample(example);
    expect(report.instructions).toBe(10);
    expect(doc).toContain(`Total: ${report.cycles} cycles.`);
    // the console block: the command, then the summary exactly as vmm run prints it
    const { formatSummary } = await import('../../src/report/summary.js');
    const { Chalk } = await import('chalk');
    const block = codeBlocks(doc).find((b) => b.lang === 'console' && b.text.startsWith('$ vmm run --mode bare cost.s'))!.text;
    const summary = formatSummary({ mode: 'bare', guests: [{ ...report, name: 'cost', overheadMissing: 'bare hardware is the reference' }] }, new Chalk({ level: 0 }));
    expect(block.split('\n').slice(1).join('\n').trimEnd()).toBe(summary.trimEnd());
  });

  it('adds up the trap-mode example as it says', () => {
    const image = assembleExample(example);
    const [report] = runGuests([{ name: 'cost', image }], trapMode.name, { ...machineOptions(), overhead: true }, [collectingConsole()]);
    expect(report!.status).toBe('halted');
    expect(doc).toContain(`**${report!.cycles}**`);
    const breakdown = rows.filter((r) => r.length === 2 && /^\d+$/.test(r[1]!)).reduce((n, r) => n + Number(r[1]), 0);
    expect(breakdown, 'the rows of the breakdown add up to the total').toBe(report!.cycles);
    expect(report!.exits).toEqual({ 'hidden-page-fault': 1, 'cr-access': 2, privileged: 1, hlt: 1, exception: 1 });
    expect(doc).toContain(`overhead ${report!.overhead!.toFixed(2)}x bare`);
  });
});
