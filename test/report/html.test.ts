// The HTML report (docs/report.md) in a real browser: Debian's chromium driven by
// playwright-core (.ci/run installs chromium when it is missing). The page made by the built
// bundle renders with no console errors, shows the numbers of the run's --json, has one lane
// per guest, and at 1280x800 shows the lanes with their exit marks, the legend, the axis
// labels and the summary table without scrolling, in text of at least 12 px. Screenshots go
// to test-results/ (not committed). The timeline's memory bound is checked without a browser.

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TECHNIQUES, type CompareRow } from '../../src/report/compare.js';
import type { RunReport } from '../../src/report/guest-report.js';
import { BUCKETS, MARKS_PER_REASON, TimelineCollector } from '../../src/report/html/timeline.js';
import { qualification, type ExitRecord } from '../../src/vmm/exits.js';
import { cleanTemp, requireBundle, ROOT, tempDir, vmm } from '../cli/helpers.js';

// (the callbacks given to page.evaluate run in the page: the browser's names)
declare const window: any, document: any, getComputedStyle: (e: unknown) => { fontSize: string };
type HTMLElement = { innerText?: string };

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = join(ROOT, 'test-results');
let browser: Browser;

beforeAll(async () => {
  requireBundle();
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (apt-get install -y chromium)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  cleanTemp();
});

/** Open a report at 1280x800; the console's errors and warnings, and the page's own. */
async function open(file: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // offline: any request beyond the file itself is a failure
  await page.route(/^(?!file:)/, (route) => {
    problems.push(`network: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => (window as unknown as { vmmReport?: unknown }).vmmReport !== undefined);
  return { page, problems };
}

/** The smallest font size of any text on the page, and of the charts. */
async function smallestText(page: Page): Promise<number> {
  return page.evaluate(() => {
    const sizes = [...document.querySelectorAll('body *')].filter((e) => (e as HTMLElement).innerText?.trim() && e.children.length === 0).map((e) => parseFloat(getComputedStyle(e).fontSize));
    const chart = (window as unknown as { Chart: { defaults: { font: { size: number } } } }).Chart.defaults.font.size;
    return Math.min(chart, ...sizes);
  });
}

describe('the report of a run', () => {
  it('renders offline with no console error, one lane per guest, and the numbers of --json; at 1280x800 the lanes, marks, legend, axes and summary show without scrolling', async () => {
    const dir = tempDir();
    const file = join(dir, 'run.html');
    const r = vmm(['run', 'guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--json', '--report', file]);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as RunReport;
    const { page, problems } = await open(file);
    await page.screenshot({ path: join(SHOTS, 'report-run.png') });

    // one lane per guest, in run order, each with exit marks drawn inside the chart
    const timeline = await page.evaluate(() => {
      const { data, charts } = (window as unknown as { vmmReport: { data: { run: { timeline: { lanes: string[] } } }; charts: Record<string, any> } }).vmmReport;
      const c = charts.timeline;
      const y = c.scales.y;
      return {
        lanes: data.run.timeline.lanes,
        ticks: y.ticks.map((t: { value: number }) => c.options.scales.y.ticks.callback(t.value)),
        marksInside: c.getSortedVisibleDatasetMetas().flatMap((m: any) => m.data).filter((p: any) => p.x >= c.chartArea.left && p.x <= c.chartArea.right && p.y >= c.chartArea.top && p.y <= c.chartArea.bottom).length,
        legend: c.legend.legendItems.map((i: { text: string }) => i.text),
        xTitle: c.options.scales.x.title.text,
        box: c.canvas.getBoundingClientRect().toJSON(),
      };
    });
    expect(timeline.lanes).toEqual(json.guests.map((g) => g.name));
    expect(timeline.ticks).toEqual(timeline.lanes);
    expect(timeline.marksInside).toBeGreaterThan(100);
    expect(timeline.legend).toContain('bt-callout');
    expect(timeline.xTitle).toBe('host cycles');
    expect(timeline.box.bottom).toBeLessThanOrEqual(800);

    // the summary table: visible, and the run's own numbers
    const summary = await page.evaluate(() => {
      const table = document.querySelector('#summary table')!;
      return { bottom: table.getBoundingClientRect().bottom, rows: [...table.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)) };
    });
    expect(summary.bottom).toBeLessThanOrEqual(800);
    const n = (x: number) => x.toLocaleString('en-US');
    expect(summary.rows).toEqual(
      json.guests.map((g) => [g.name, g.status, n(g.instructions), n(g.cycles), n(Object.values(g.exits ?? {}).reduce((a, b) => a + b, 0)), n(g.tlb.misses), n(g.tlb.walkReferences), `${g.overhead!.toFixed(2)}x`]),
    );
    // exits by reason: the exact table equals --json's exits
    const exits = await page.evaluate(() => [...document.querySelectorAll('#exits tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    for (const g of json.guests) {
      for (const [reason, count] of Object.entries(g.exits ?? {})) expect(exits.find((row) => row[0] === g.name && row[1] === reason)?.[3]).toBe(n(count));
    }
    expect(await smallestText(page)).toBeGreaterThanOrEqual(12);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a bare run has one lane that holds the CPU throughout, and no exits', async () => {
    const file = join(tempDir(), 'bare.html');
    expect(vmm(['run', 'guests/bare/primes.s', '--mode', 'bare', '-q', '--report', file]).status).toBe(0);
    const { page, problems } = await open(file);
    const lane = await page.evaluate(() => {
      const t = (window as unknown as { vmmReport: { data: { run: { timeline: { held: number[][]; end: number } } } } }).vmmReport.data.run.timeline;
      return { lanes: t.held.length, held: t.held[0]!.reduce((a, b) => a + b, 0), end: t.end };
    });
    expect(lane.lanes).toBe(1);
    expect(lane.held).toBe(lane.end);
    // every span is shaded as held throughout, the last too (by its share of the span as
    // drawn, which ends with the run, not of a whole span's cycles)
    const alphas = await page.evaluate(() => {
      const seen: number[] = [];
      const proto = (window as any).CanvasRenderingContext2D.prototype;
      const fill = proto.fillRect;
      proto.fillRect = function (this: { globalAlpha: number }, ...args: unknown[]) {
        seen.push(this.globalAlpha);
        return fill.apply(this, args);
      };
      (window as any).vmmReport.charts.timeline.update('none');
      proto.fillRect = fill;
      return seen;
    });
    const spans = alphas.filter((a) => a < 1);
    expect(spans.length).toBeGreaterThan(0);
    expect(new Set(spans)).toEqual(new Set([0.75]));
    expect(await page.textContent('#exits')).toContain('No exits');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the report of a run', () => {
  it('is headed by the whole command line that made it, every option in it', async () => {
    const dir = tempDir();
    const file = join(dir, "it's  \r.html");
    const args = ['run', 'guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'trap', '--strict', '--tlb-tagged', '-D', 'ROUNDS=1', '-q', '--report', file];
    expect(vmm(args).status).toBe(0);
    const { page, problems } = await open(file);
    // (quoted as a shell takes it back: a control character as an escape, which a page keeps)
    const line = `vmm ${args.slice(0, -1).join(' ')} $'${file.replace("'", "\\'").replace('\r', '\\r')}'`;
    expect(await page.textContent('#title')).toBe(line);
    expect(await page.title()).toBe(`vmm report: ${line}`.replace(/ +/g, ' '));
    // (and the settings the run had, typed or not, head its summary)
    expect(await page.textContent('#summary h2')).toBe('Summary (--mode trap)');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says in words how a guest that did not halt ended, and that it silently diverged (tinyos under trap)', async () => {
    const file = join(tempDir(), 'trap.html');
    const r = vmm(['run', 'guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'trap', '--json', '--report', file]);
    expect(r.status).toBe(1);
    const g = (JSON.parse(r.stdout) as RunReport).guests[0]!;
    const { page, problems } = await open(file);
    expect(await page.textContent('#summary p.bad')).toBe(`tinyos: ${g.status}: ${g.reason}${g.reason.includes('pc 0x') ? '' : ` at pc 0x${g.pc.toString(16).padStart(8, '0')}`}`);
    const warning = await page.textContent('#summary p.warn');
    expect(warning).toContain(`tinyos: WARNING: ${g.divergences!.count.toLocaleString('en-US')} sensitive instructions ran deprivileged without an exit`);
    expect(warning).toContain(`The first: ${g.divergences!.first.where}: ${g.divergences!.first.detail}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('under --host dom0 shows guest 0: its figures are --json\'s', async () => {
    const file = join(tempDir(), 'dom0.html');
    const r = vmm(['run', 'guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'para', '--host', 'dom0', '--json', '--report', file]);
    expect(r.status, r.stderr).toBe(0);
    const dom0 = (JSON.parse(r.stdout) as RunReport).dom0!;
    const { page, problems } = await open(file);
    const cells = await page.evaluate(() => [...document.querySelectorAll('#dom0 table')[0].querySelectorAll('tbody td')].map((td: any) => td.textContent));
    const n = (x: number) => x.toLocaleString('en-US');
    expect(cells).toEqual([dom0.status, n(dom0.cycles), n(dom0.hostCycles), n(dom0.exits), n(dom0.domainSwitches), n(dom0.eventsRouted), n(dom0.interruptsRouted), n(dom0.iommuRefused)]);
    expect(await page.textContent('#dom0 h3')).toBe('Guest 0 (dom0: guests/dom0/dom0.s)');
    expect(await page.textContent('#summary h2')).toBe('Summary (--mode para --host dom0)');
    const io = await page.evaluate(() => [...document.querySelectorAll('#dom0 table')[1].querySelectorAll('th')].map((th: any) => th.textContent));
    expect(io).toEqual(['guest', 'block requests', 'notifications', 'console bytes', 'console bytes dropped', 'answered by the VMM (no back end)', 'console bytes written by the VMM (no back end)', 'requests left unanswered']);
    // the TLB table has the VMM's invalidations too
    const tlb = await page.evaluate(() => [...document.querySelectorAll('#tlb th')].map((th: any) => th.textContent));
    expect(tlb.at(-1)).toBe('VMM invalidations');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the report of vmm compare', () => {
  it('shows the table of --json and its chart, with no console error', async () => {
    const file = join(tempDir(), 'compare.html');
    const r = vmm(['compare', '--json', '--report', file]);
    expect(r.status).toBe(0);
    const rows = (JSON.parse(r.stdout) as { rows: CompareRow[] }).rows;
    const { page, problems } = await open(file);
    await page.screenshot({ path: join(SHOTS, 'report-compare.png') });
    const cells = await page.evaluate(() => [...document.querySelectorAll('#compare-table tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(cells.map((c) => [c[0], c[1]])).toEqual(rows.map((row) => [row.label, row.perPass!.cycles.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })]));
    // every row as the text table prints it, notes included
    const text = vmm(['compare']).stdout.split('\n');
    const squeeze = (s: string) => s.trim().replace(/ +/g, ' ');
    const textRows = text.filter((l) => rows.some((row) => l.startsWith(`  ${row.label} `)));
    expect(cells.map((c) => squeeze(c.join(' ')))).toEqual(textRows.map(squeeze));
    expect(cells.some((c) => c.at(-1)!.includes('; notes: 1 guest-switch'))).toBe(true);
    // each guest's heading (what a pass does, and how many were run) and the note
    const headings = await page.evaluate(() => [...document.querySelectorAll('#compare-table h3')].map((h: any) => h.textContent));
    expect(headings).toEqual(text.filter((_, i) => text[i + 1]?.startsWith('  technique ')));
    expect(await page.textContent('#compare-table p')).toBe(text[0]);
    const bars = await page.evaluate(() => (window as unknown as { vmmReport: { charts: Record<string, any> } }).vmmReport.charts.compare.data.datasets.length);
    expect(bars).toBe(TECHNIQUES.length); // (a bar for each technique)
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the report of vmm compare with a row that has no figures', () => {
  it('shows the problem in its place, in red', async () => {
    const file = join(tempDir(), 'problem.html');
    expect(vmm(['compare', 'guests/bench/diskread.s', '--modes', 'bare,full', '--report', file]).status).toBe(1);
    const { page, problems } = await open(file);
    const bad = await page.evaluate(() => [...document.querySelectorAll('#compare-table td.bad')].map((td: any) => td.textContent));
    expect(bad).toHaveLength(2);
    for (const text of bad) expect(text).toContain('it printed "diskread: read failed');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the timeline in bounded memory', () => {
  it('a million records keep at most MARKS_PER_REASON marks a reason (the rare reason all of its own) and BUCKETS buckets, and count every record exactly', () => {
    const c = new TimelineCollector(['a', 'b']);
    const r: ExitRecord = { kind: 'exit', seq: 0, cycle: 0, guest: 'a', vcpu: 0, mode: 'full', reason: 'io', code: 30, pc: 0, insn: 'out 0x10, r1', action: 'emulated', cost: 500 };
    for (let i = 1; i <= 1_000_000; i++) {
      r.seq = i;
      r.cycle = i * 700;
      r.guest = i % 3 === 0 ? 'b' : 'a';
      r.reason = i % 100_000 === 0 ? 'hlt' : i % 1000 === 0 ? 'guest-switch' : 'io';
      r.kind = r.reason === 'guest-switch' ? 'note' : 'exit';
      c.record(r);
    }
    const t = c.finish(1_000_001 * 700);
    const io = t.marks.filter((m) => m.reason === 'io');
    expect(io.length).toBeLessThanOrEqual(MARKS_PER_REASON);
    expect(io.length).toBeGreaterThan(MARKS_PER_REASON / 2);
    expect(t.marks.filter((m) => m.reason === 'guest-switch').length).toBeLessThanOrEqual(MARKS_PER_REASON);
    expect(t.marks.filter((m) => m.reason === 'hlt').length).toBe(10); // a rare reason keeps every record
    expect(t.sampledEvery['io']).toBeGreaterThan(1);
    expect(t.sampledEvery['hlt']).toBe(1);
    expect(t.held.every((h) => h.length <= BUCKETS)).toBe(true);
    // every cycle of the run is held by one guest or the other
    expect(t.held.flat().reduce((a, b) => a + b, 0)).toBe(t.end);
    const counted = t.reasons.flatMap((x) => x.counts.flat()).reduce((a, b) => a + b, 0);
    expect(counted).toBe(1_000_000);
    expect(t.totals.a!.io!.count + t.totals.b!.io!.count).toBe(999_000); // the millionth's multiples of 1,000 are switches (or hlt)
    expect(t.totals.a!.io!.cycles + t.totals.b!.io!.cycles).toBe(999_000 * 500);
    // a page of such a run stays small
    expect(JSON.stringify(t).length).toBeLessThan(1 << 20);
  });
});

describe('the data of a run\'s page', () => {
  it('counts the exits of a guest named __proto__ (totals have no prototype, in the collector and in the page\'s JSON)', () => {
    const c = new TimelineCollector(['__proto__', 'b']);
    const r: ExitRecord = { kind: 'exit', seq: 1, cycle: 10, guest: '__proto__', vcpu: 0, mode: 'trap', reason: 'io', code: 30, pc: 0, insn: 'out 0x10, r1', action: 'emulated', cost: 500 };
    c.record(r);
    const t = c.finish(100);
    expect(Object.keys(t.totals)).toEqual(['__proto__', 'b']);
    const parsed = JSON.parse(JSON.stringify(t)) as typeof t;
    expect(Object.hasOwn(parsed.totals, '__proto__')).toBe(true);
    expect(parsed.totals['__proto__']!['io']!.count).toBe(1);
  });

  it('carries no guest\'s console, which the page does not show (the page stays small)', () => {
    requireBundle();
    const dir = tempDir();
    const page = join(dir, 'hello.html');
    const r = vmm(['run', 'guests/bare/hello.s', '--mode', 'trap', '-q', '--report', page]);
    expect(r.status, r.stderr).toBe(0);
    const json = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(readFileSync(page, 'utf8'))![1]!;
    const data = JSON.parse(json) as { run: { guests: Record<string, unknown>[] } };
    expect(data.run.guests[0]!.name).toBe('hello');
    expect(data.run.guests[0]).not.toHaveProperty('console');
  });
});

describe('the tooltip of a mark', () => {
  it('gives the record\'s qualification as vmm trace prints it: a hypercall\'s arguments and signed result, the request', () => {
    const c = new TimelineCollector(['a']);
    const r: ExitRecord = { kind: 'exit', seq: 1, cycle: 10, guest: 'a', vcpu: 0, mode: 'para', reason: 'hypercall', code: 18, pc: 8, insn: 'hcall', action: 'serviced', cost: 300, request: 3, hypercall: 'event_channel_op', args: [4, 0], result: -1 };
    c.record(r);
    const mark = c.finish(1000).marks[0]!;
    expect(mark.details).toBe('request=3 hypercall=event_channel_op(0x4, 0x0) result=-1');
    expect(`0 ${mark.details}`).toBe(`0${qualification(r)}`); // (the text trace's words)
    // and the viewer shows it, instead of wording the fields again
    expect(readFileSync(join(ROOT, 'src', 'report', 'html', 'viewer.js'), 'utf8')).toMatch(/if \(r\.details\) lines\.push\(r\.details\)/);
  });
});

describe('the timeline of a hosted run', () => {
  it('has the host OS\'s lane: it holds the CPU from the start and between a world switch back and the next one into the VMM', () => {
    const c = new TimelineCollector(['a', 'b'], 'host OS');
    const r: ExitRecord = { kind: 'note', seq: 0, cycle: 0, guest: 'a', vcpu: 0, mode: 'full', reason: 'world-switch', code: 76, pc: 0, insn: 'nop', action: 'switched', cost: 3000 };
    const at = (cycle: number, reason: ExitRecord['reason'], guest: string) => c.record({ ...r, seq: cycle, cycle, reason, guest });
    at(1000, 'world-switch', 'a'); // into the VMM: a runs
    at(3000, 'guest-switch', 'b'); // b gets the CPU
    at(4000, 'world-switch', 'b'); // back to the host
    at(9000, 'world-switch', 'b'); // into the VMM: b again
    const t = c.finish(10_000);
    expect(t.lanes).toEqual(['a', 'b', 'host OS']);
    const held = t.held.map((h) => h.reduce((x, y) => x + y, 0));
    expect(held).toEqual([2000, 2000, 6000]);
  });

  it('is drawn in the page of a hosted run, with the host OS\'s lane', async () => {
    const dir = tempDir();
    const file = join(dir, 'hosted.html');
    const r = vmm(['run', 'guests/kernel/tinyos.s', 'guests/bare/primes.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--host', 'hosted', '--host-app', 'busy', '-q', '--report', file]);
    expect(r.status).toBe(0);
    const { page, problems } = await open(file);
    await page.screenshot({ path: join(SHOTS, 'report-hosted.png') });
    const lanes = await page.evaluate(() => (window as unknown as { vmmReport: { data: { run: { timeline: { lanes: string[]; held: number[][] } } } } }).vmmReport.data.run.timeline);
    expect(lanes.lanes).toEqual(['tinyos', 'primes', 'host OS']);
    // with a busy host application the host holds a good part of the CPU
    const held = lanes.held.map((h) => h.reduce((x, y) => x + y, 0));
    expect(held[2]! / held.reduce((x, y) => x + y, 0)).toBeGreaterThan(0.2);
    expect(await page.title()).toContain('--host hosted');
    const host = await page.evaluate(() => document.querySelector('#host')?.textContent ?? '');
    expect(host).toMatch(/Host OS \(hosted: guests\/host\/hostos\.s, application busy\)/);
    expect(host).toContain('host: the VMM process exited: shutting down');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('--report errors', () => {
  it('a report file that is an input, or stdout, is a usage error (status 2)', () => {
    const r = vmm(['run', 'guests/bare/hello.s', '--report', 'guests/bare/hello.s']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--report guests/bare/hello.s: that is an input');
    const s = vmm(['compare', 'guests/bench/in.s', '--report', '-']);
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('--report expects a file name');
    // (nor the file stdout goes to, by another name: here a pipe; nor stderr's)
    const t = vmm(['run', 'guests/bare/hello.s', '--report', '/dev/stdout']);
    expect(t.status).toBe(2);
    expect(t.stderr).toContain('--report expects a file name: the page is not written to standard output');
    expect(t.stdout).toBe('');
    const e = vmm(['run', 'guests/bare/hello.s', '--report', '/dev/stderr']);
    expect(e.status).toBe(2);
    expect(e.stderr).toContain('--report /dev/stderr: that is where standard error goes; the page is written to a file of its own');
    // (/dev/null is no stream's own: a script may send the page there with stdout)
    const nullFd = openSync('/dev/null', 'w');
    try {
      const n = spawnSync(process.execPath, [join(ROOT, 'dist', 'vmm.js'), 'run', 'guests/bare/hello.s', '-q', '--report', '/dev/null'], { cwd: ROOT, stdio: ['ignore', nullFd, 'pipe'], encoding: 'utf8' });
      expect(n.status, n.stderr).toBe(0);
    } finally {
      closeSync(nullFd);
    }
  });

  it('a trace with --report writes both the trace and the page', () => {
    const dir = tempDir();
    const file = join(dir, 'trace.html');
    const r = vmm(['trace', 'guests/bare/hello.s', '--mode', 'trap', '--format', 'jsonl', '-q', '--reason', 'hlt', '--report', file]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    // the page counts every exit, not just the ones the trace filter kept
    expect(readFileSync(file, 'utf8')).toContain('"io":{"count":13');
  });
});
