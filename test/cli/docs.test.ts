// The CLI docs say what the code does: docs/trace-format.md has the exit reasons of
// src/vmm/exits.ts word for word and every field and action a trace can contain; docs/cli.md
// has every option of every command with its default; the README points at every doc and
// every source directory; links lead somewhere.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, type Option } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/main.js';
import { EXIT } from '../../src/cli/errors.js';
import { EXIT_ACTIONS, EXIT_REASONS } from '../../src/vmm/exits.js';
import { ROOT, requireBundle, vmmIn } from './helpers.js';
import { RUN_MODES } from '../../src/vmm/modes/index.js';

beforeAll(requireBundle);

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

/** The text outside fenced code blocks. */
function prose(md: string): string {
  let fence = false;
  return md
    .split('\n')
    .map((l) => {
      if (/^\s*```/.test(l)) {
        fence = !fence;
        return '';
      }
      return fence ? '' : l;
    })
    .join('\n');
}

/** The cells of the table rows of a text. */
function rows(md: string): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[-:| ]+\|$/.test(l))
    .map((l) => l.slice(1, l.trimEnd().length - 1).split('|').map((c) => c.trim()));
}

/** A section of a doc: from its heading to the next heading of the same or a higher level. */
function section(md: string, heading: string): string {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.replace(/^#+\s*/, '') === heading && l.startsWith('#'));
  if (start < 0) throw new Error(`no heading '${heading}'`);
  const level = /^#+/.exec(lines[start]!)![0].length;
  let end = start + 1;
  while (end < lines.length && !(new RegExp(`^#{1,${level}} `).test(lines[end]!))) end++;
  return lines.slice(start, end).join('\n');
}

/** GitHub's anchor for a heading. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

const trace = read('docs/trace-format.md');
const cli = read('docs/cli.md');
const readme = read('README.md');

describe('docs/trace-format.md', () => {
  it('has the table of exit reasons exactly as EXIT_REASONS', () => {
    const m = /<!-- exit-reasons:begin -->\n([\s\S]*?)\n<!-- exit-reasons:end -->/.exec(trace);
    expect(m, 'the exit-reasons markers').not.toBeNull();
    const table = rows(m![1]!);
    expect(table[0]).toEqual(['reason', 'code', 'meaning']);
    expect(table.slice(1)).toEqual(EXIT_REASONS.map((r) => [`\`${r.name}\``, String(r.code), r.summary]));
  });

  it('has the table of actions exactly as EXIT_ACTIONS', () => {
    const m = /<!-- exit-actions:begin -->\n([\s\S]*?)\n<!-- exit-actions:end -->/.exec(trace);
    expect(m, 'the exit-actions markers').not.toBeNull();
    const table = rows(m![1]!);
    expect(table[0]).toEqual(['action', 'meaning']);
    expect(table.slice(1)).toEqual(EXIT_ACTIONS.map((a) => [`\`${a.name}\``, a.summary]));
  });

  it('says which reasons are notes, not exits', () => {
    const notes = EXIT_REASONS.filter((r) => r.summary.startsWith('NOT an exit')).map((r) => r.name);
    expect(notes).toEqual(EXIT_REASONS.filter((r) => 'note' in r).map((r) => r.name));
    expect(notes).toEqual(['sensitive-unprivileged', 'interrupt-injection', 'guest-switch', 'dma', 'host-request', 'world-switch', 'host-io', 'host-interrupt', 'domain-event', 'irq-route']);
    for (const n of notes) expect(trace).toMatch(new RegExp(`\`${n}\` \\(note\\)`));
  });

  const FIELDS = ['seq', 'cycle', 'kind', 'guest', 'vcpu', 'mode', 'reason', 'code', 'pc', 'insn', 'source', 'port', 'value', 'address', 'access', 'cause', 'cr', 'irq', 'count', 'request', 'hypercall', 'args', 'result', 'action', 'cost', 'detail'];

  it('documents every field, in the order the JSON-lines sink writes them', () => {
    const fieldRows = rows(section(trace, 'The record')).slice(1);
    expect(fieldRows.map((r) => r[0])).toEqual(FIELDS.map((f) => `\`${f}\``));
    for (const r of fieldRows) expect(r[1]!.length, r[0]).toBeGreaterThan(0);
  });

  it('covers every field, reason and action that real traces contain', async () => {
    const seen = { fields: new Set<string>(), reasons: new Set<string>(), actions: new Set<string>() };
    for (const args of [
      ['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'trap'],
      ['guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--mode', 'full'],
      ['test/cli/fixtures/divzero.s', '--mode', 'trap'],
    ]) {
      const r = await vmmIn(['trace', ...args, '--format', 'jsonl', '-q']);
      for (const line of r.stdout.trimEnd().split('\n')) {
        const rec = JSON.parse(line) as Record<string, unknown>;
        for (const k of Object.keys(rec)) seen.fields.add(k);
        seen.reasons.add(String(rec.reason));
        seen.actions.add(String(rec.action));
      }
    }
    for (const f of seen.fields) expect(FIELDS).toContain(f);
    for (const a of seen.actions) expect(EXIT_ACTIONS.map((x) => x.name as string)).toContain(a);
    for (const reason of seen.reasons) expect(trace).toContain(`| \`${reason}\``);
    expect(seen.reasons.size).toBeGreaterThan(8);
  });

  it('describes the text format\'s columns', () => {
    const cols = rows(section(trace, 'Text format')).slice(1).map((r) => r[0]);
    expect(cols).toEqual(['`seq`', '`cycle`', '`guest`', '`mode`', '`reason`', '`code`', '`pc`', '`instruction`', '`action`', '`cost`', '`details`']);
  });

  it('has a jq one-liner counting exits by reason', () => {
    expect(trace).toMatch(/^\$ vmm trace .*--format jsonl.*\| jq .*reason/m);
  });
});

describe('docs/cli.md', () => {
  const sectionOf = (name: string) => section(cli, `vmm ${name}`);

  it('has a section per command with a synopsis', () => {
    for (const c of COMMANDS) expect(sectionOf(c.name), c.name).toContain(`vmm ${c.name} [options]`);
  });

  it('documents every option of every command, with its default', () => {
    for (const spec of COMMANDS) {
      const cmd = new Command(spec.name);
      spec.define(cmd);
      // vmm trace shares vmm run's options and documents only its own.
      const text = spec.name === 'trace' ? sectionOf('trace') + sectionOf('run') : sectionOf(spec.name);
      const table = rows(text);
      for (const opt of cmd.options as Option[]) {
        const name = opt.flags.replace(/ <.*|\s*\[.*/, '');
        const row = table.find((r) => r[0] === `\`${opt.flags}\`` || r[0]!.startsWith(`\`${name} `) || r[0] === `\`${name}\``);
        expect(row, `${spec.name} ${opt.flags}`).toBeDefined();
        const d = opt.defaultValue as unknown;
        if (typeof d === 'string') expect(row![1], `${spec.name} ${opt.flags} default`).toContain(`\`${d}\``);
      }
    }
  });

  it('states the exit statuses and the colour rules', () => {
    const status = rows(section(cli, 'Exit status'));
    // (every status vmm chooses, errors.ts EXIT, in order, then the rest)
    expect(status.slice(1).map((r) => r[0])).toEqual([...Object.values(EXIT).map(String), 'anything else']);
    for (const s of ['faulted', 'killed', 'limit']) expect(status[2]![1]).toContain(`**${s}**`);
    const colour = section(cli, 'Colour');
    for (const w of ['NO_COLOR', 'FORCE_COLOR', 'terminal']) expect(colour).toContain(w);
  });
});

describe('README.md', () => {
  it('lists every doc', () => {
    const docs = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md'));
    for (const d of docs) expect(readme, d).toContain(`](docs/${d})`);
    for (const d of ['isa', 'assembler', 'image-format', 'devices', 'memory-map', 'cost-model', 'cli', 'trace-format', 'vmm']) expect(readme).toContain(`](docs/${d}.md)`);
  });

  it('shows the layout of every source directory', () => {
    const tree = section(readme, 'Source tree');
    for (const d of readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory())) expect(tree, d.name).toContain(`src/${d.name}/`);
    for (const d of ['guests/', 'test/', 'docs/']) expect(tree).toContain(d);
  });

  it('gives one example of each command, and mentions npm run bench and the exit statuses', () => {
    for (const c of COMMANDS) expect(readme, c.name).toMatch(new RegExp(`^\\$ vmm ${c.name} `, 'm'));
    for (const m of RUN_MODES) expect(readme).toMatch(new RegExp(`^\\$ vmm run .*--mode ${m}`, 'm'));
    expect(readme).toContain('--strict');
    expect(readme).toContain('`npm run bench`');
    expect(section(readme, 'Exit status')).toMatch(/0 success.*1 a guest failed.*2 a usage or input error/s);
  });
});

describe('links', () => {
  for (const file of ['README.md', 'docs/cli.md', 'docs/trace-format.md']) {
    it(`${file}: relative links lead to files and headings that exist`, () => {
      const text = prose(read(file));
      for (const [, link] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(link!)) continue;
        const [path, anchor] = link!.split('#') as [string, string | undefined];
        const target = path === '' ? file : join(dirname(file), path);
        // Docs that other people write may not exist yet; the ones linked here must.
        expect(existsSync(join(ROOT, target)), `${file}: ${link}`).toBe(true);
        if (anchor && target.endsWith('.md')) {
          const headings = read(target)
            .split('\n')
            .filter((l) => /^#{1,6} /.test(l))
            .map((l) => slug(l.replace(/^#+ /, '')));
          expect(headings, `${file}: ${link}`).toContain(anchor);
        }
      }
    });
  }
});
