// Helpers of the documentation tests: read a doc, pick its code blocks and tables, assemble
// and run its examples in-process.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assembleSource, formatDiagnostic } from '../../src/asm/index.js';
import type { Image } from '../../src/image/model.js';
import { makeCostModel, type CostModel } from '../../src/machine/costs.js';
import type { ConsoleSink, GuestReport } from '../../src/report/guest-report.js';
import { runBare, type RunConfig } from '../../src/report/run.js';

export const DOCS_DIR = fileURLToPath(new URL('../../docs/', import.meta.url));

/** The docs this suite is about (assembler.md is checked by test/asm/docs.test.ts, but its
 *  links lead here, so they are checked too). */
export const OWN_DOCS = ['isa.md', 'image-format.md', 'devices.md', 'memory-map.md', 'cost-model.md'] as const;

export function readDoc(name: string): string {
  return readFileSync(DOCS_DIR + name, 'utf8');
}

export interface CodeBlock {
  readonly lang: string;
  readonly text: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
}

/** Every fenced code block of a markdown text, in order. */
export function codeBlocks(doc: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = doc.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, text: body.join('\n') + '\n', line: start + 1 });
  }
  return blocks;
}

/** The assembly examples of a doc (```asm and ```s blocks). */
export function asmBlocks(doc: string): CodeBlock[] {
  return codeBlocks(doc).filter((b) => b.lang === 'asm' || b.lang === 's');
}

/** The doc with its fenced code blocks blanked out (for tables, headings and links). */
export function prose(doc: string): string {
  let fence = false;
  return doc
    .split('\n')
    .map((l) => {
      if (/^```/.test(l)) {
        fence = !fence;
        return '';
      }
      return fence ? '' : l;
    })
    .join('\n');
}

/** The cells of every table row (lines starting with `|`), trimmed, outside code blocks. */
export function tableRows(doc: string): string[][] {
  return prose(doc)
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[-| ]+\|$/.test(l))
    .map((l) => l.slice(1, l.trimEnd().length - 1).split(/(?<!\\)\|/).map((c) => c.trim()));
}

/** A file name inside guests/ so that `.include "../include/platform.inc"` resolves. */
export const EXAMPLE_FILE = fileURLToPath(new URL('../../guests/docs/example.s', import.meta.url));

/** Assemble an example; throws with the diagnostics when it does not assemble. */
export function assembleExample(text: string, fileName = EXAMPLE_FILE): Image {
  const r = assembleSource(text, fileName);
  if (!r.image) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.image;
}

export function collectingConsole(): ConsoleSink & { readonly output: string } {
  const bytes: number[] = [];
  return {
    putByte: (b) => void bytes.push(b),
    finish() {},
    text: () => Buffer.from(bytes).toString('latin1'),
    get output() {
      return Buffer.from(bytes).toString('latin1');
    },
  };
}

export function machineOptions(costs: CostModel = makeCostModel()): RunConfig {
  return { memoryBytes: 1 << 20, tlbSize: 64, tlbTagged: false, strict: false, costs, maxInstructions: 10_000_000, quantum: 10_000, overhead: false };
}

/** Run an example alone on the bare machine, as `vmm run --mode bare` does. */
export function runExample(text: string, inputs: { input?: string; disk?: string; costs?: CostModel } = {}): GuestReport {
  const image = assembleExample(text);
  const enc = (s: string | undefined) => (s === undefined ? undefined : new TextEncoder().encode(s));
  return runBare({ name: 'example', image, input: enc(inputs.input), disk: enc(inputs.disk) }, machineOptions(inputs.costs), collectingConsole());
}

/** GitHub's anchor for a heading text. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a doc's headings (duplicates numbered as GitHub does). */
export function anchors(doc: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(doc).split('\n')) {
    const m = /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

/** The static text of a template literal's source, as a regular expression in which each
 *  `${...}` matches any text on one line. */
export function templateRegex(template: string): RegExp {
  const parts = splitTemplate(template);
  const escaped = parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(escaped.join('[^\\n]+?'));
}

/** The static parts of a template literal's source (split at each `${...}`). */
export function splitTemplate(template: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < template.length; i++) {
    if (template[i] === '$' && template[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < template.length; j++) {
        if (template[j] === '{') depth++;
        else if (template[j] === '}' && --depth === 0) break;
      }
      parts.push(current);
      current = '';
      i = j;
    } else {
      current += template[i];
    }
  }
  parts.push(current);
  return parts;
}
