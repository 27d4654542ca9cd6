// The HTML report (docs/report.md): one self-contained page, readable offline. It carries the
// run's data as JSON, Chart.js (bundled: no network at view time) and the viewer script that
// draws the page from the data (viewer.js, beside this file; in the bundle, dist/assets/).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompareRow } from '../compare.js';
import type { CompareCells, SubjectHeading } from '../compare-table.js';
import type { GuestReport } from '../guest-report.js';
import type { HostReport } from '../../vmm/hosts/hosted/hosted-host.js';
import type { Dom0Report } from '../../vmm/hosts/dom0/dom0-host.js';
import type { TimelineData } from './timeline.js';

/** What the page shows: a run (one or several guests, with its timeline), or a comparison. */
export interface ReportData {
  /** The command line that made it. */
  title: string;
  /** vmm's version. */
  version: string;
  run?: {
    mode: string;
    /** Each guest's report but its console, which the page does not show (up to 4 MiB a
     *  guest: the page stays small however long the run). */
    guests: Omit<GuestReport, 'console'>[];
    /** Cycles of one page-walk reference (the cost model's walkReference). */
    walkReference: number;
    timeline?: TimelineData;
    /** --host hosted: what the host OS did. */
    host?: HostReport;
    /** The warning of each guest that silently diverged, by name (summary.ts divergenceWords). */
    warnings?: Readonly<Record<string, string>>;
    /** --host dom0: what guest 0 did, and each domain's I/O figures in words. */
    dom0?: Dom0Report & { ioWords: Readonly<Record<string, string>> };
  };
  compare?: {
    techniques: { id: string; label: string }[];
    subjects: SubjectHeading[];
    rows: CompareRow[];
    /** The table as vmm compare prints it. */
    table: CompareCells;
  };
}

/** The assets the page embeds: from dist/assets/ when running from the bundle, else from
 *  the sources and node_modules (tests, development). */
function asset(name: 'viewer.js' | 'viewer.css' | 'chart.umd.min.js'): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = /[\\/]dist([\\/]chunks)?$/.test(here);
  const root = bundled ? here.replace(/[\\/]dist([\\/]chunks)?$/, '') : join(here, '..', '..', '..');
  const path = bundled ? join(root, 'dist', 'assets', name) : name === 'chart.umd.min.js' ? join(root, 'node_modules', 'chart.js', 'dist', name) : join(here, name);
  // (a source map comment would name a file the page does not have)
  return readFileSync(path, 'utf8').replace(/\n\/\/# sourceMappingURL=\S*\s*$/, '\n');
}

/** JSON that may sit inside a <script> element (no "</script>", no "<!--"). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The whole page. */
export function reportPage(data: ReportData): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="vmm ${escapeHtml(data.version)}">
<title>vmm report: ${escapeHtml(data.title)}</title>
<style>
${asset('viewer.css')}
</style>
</head>
<body>
<header><h1>vmm report</h1><code id="title">${escapeHtml(data.title)}</code></header>
<main id="report"><noscript>This report draws its charts with JavaScript.</noscript></main>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>
${asset('chart.umd.min.js')}
</script>
<script>
${asset('viewer.js')}
</script>
</body>
</html>
`;
}
