// The shape of the source tree (docs/vmm.md, "Layers"): data flows one way, source -> asm ->
// image -> machine (+ vmm) -> report/trace -> cli, so no module imports from a later layer,
// and no modules import each other in a circle. The VMM core never reaches into a mode's
// folder: only src/vmm/modes/ knows the modes, and nothing outside it names one.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODES, REFERENCE } from '../../src/vmm/modes/index.js';
import { ROOT } from '../support/guests.js';

const SRC = join(ROOT, 'src');

/** Layers in the order data flows; a module may import its own layer and earlier ones. */
/** Layers by rank in the order data flows: a module may import its own layer and lower
 *  ranks; report and trace are side by side and may not import each other. */
const RANK: Record<string, number> = { version: 0, text: 0, isa: 1, image: 2, asm: 3, machine: 4, vmm: 5, report: 6, trace: 6, cli: 7 };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every relative import of a file (static, type-only and dynamic), resolved to a .ts path. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import\()\s*'(\.[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts')).filter((p) => !p.endsWith('.ohm-bundle.ts'));
}

const LAYERS = Object.keys(RANK);
const layerOf = (file: string) => relative(SRC, file).split('/')[0]!.replace(/\.ts$/, '');
const files = sources(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(ROOT, f);

describe('the import graph', () => {
  it('knows every layer under src/', () => {
    for (const f of files) expect(LAYERS, rel(f)).toContain(layerOf(f));
  });

  it('has no back-flows: no module imports from a later layer', () => {
    const back: string[] = [];
    for (const [f, deps] of graph) {
      for (const d of deps) {
        const from = layerOf(f);
        const to = layerOf(d);
        if (from !== to && RANK[to]! >= RANK[from]!) back.push(`${rel(f)} -> ${rel(d)}`);
      }
    }
    expect(back).toEqual([]);
  });

  it('has no circles', () => {
    // Tarjan's strongly connected components: any component of more than one module is a circle.
    let index = 0;
    const idx = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const circles: string[][] = [];
    const visit = (v: string) => {
      idx.set(v, index);
      low.set(v, index++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!idx.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
      if (low.get(v) === idx.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(rel(w));
        } while (w !== v);
        if (component.length > 1) circles.push(component.sort());
      }
    };
    for (const f of files) if (!idx.has(f)) visit(f);
    expect(circles).toEqual([]);
  });
});

describe('modes stay in their folders', () => {
  const MODES_DIR = join(SRC, 'vmm', 'modes');
  const outside = files.filter((f) => !f.startsWith(MODES_DIR + '/'));
  const names = [REFERENCE.name, ...MODES.map((m) => m.name)];

  it('registers at least the software modes, each in a folder of its own', () => {
    for (const m of MODES) expect(readdirSync(join(MODES_DIR, m.name)).length, m.name).toBeGreaterThan(0);
  });

  it('no module outside src/vmm/modes/ imports from a mode folder', () => {
    const offenders: string[] = [];
    for (const f of outside) {
      for (const d of graph.get(f)!) {
        const inside = relative(MODES_DIR, d);
        if (!inside.startsWith('..') && inside.includes('/')) offenders.push(`${rel(f)} -> ${rel(d)}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('(the check finds a name written as a string literal, and only in code)', () => {
    expect(stringLiterals("if (m === 'trap') f(`bare`, \"x\"); // 'full'\n/* 'full' */")).toEqual(['trap', 'bare', 'x']);
  });

  it('no module outside src/vmm/modes/ names a mode (or the bare reference) in its code', () => {
    const offenders: string[] = [];
    for (const f of outside) {
      for (const literal of stringLiterals(readFileSync(f, 'utf8'))) {
        if (names.includes(literal)) offenders.push(`${rel(f)}: '${literal}'`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

/** The string literals of TypeScript source (quotes and templates; comments skipped). A
 *  template's text is taken whole, its substitutions included: enough to find a literal
 *  that is exactly a name. */
function stringLiterals(code: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!;
    if (ch === '/' && code[i + 1] === '/') i = code.indexOf('\n', i) < 0 ? code.length : code.indexOf('\n', i);
    else if (ch === '/' && code[i + 1] === '*') i = code.indexOf('*/', i + 2) + 1;
    else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < code.length && code[j] !== ch) j += code[j] === '\\' ? 2 : 1;
      out.push(code.slice(i + 1, j));
      i = j;
    }
  }
  return out;
}
