// Helpers for the assembler tests.
import { assembleSource, type AssembleOptions, type AssembleResult } from '../../src/asm/index.js';
import type { Image } from '../../src/image/model.js';

/** Assembles `lines` joined by newlines as file 'a.s'. */
export function asm(source: string | string[], options?: AssembleOptions): AssembleResult {
  return assembleSource(Array.isArray(source) ? source.join('\n') : source, 'a.s', options);
}

/** The image; fails the test with the diagnostics if there are any. */
export function image(source: string | string[], options?: AssembleOptions): Image {
  const r = asm(source, options);
  if (!r.image) throw new Error('unexpected errors:\n' + r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`).join('\n'));
  return r.image;
}

/** All bytes of the image's segments, concatenated. */
export function bytes(source: string | string[], options?: AssembleOptions): number[] {
  return image(source, options).segments.flatMap((s) => Array.from(s.bytes));
}

/** The emitted words (little-endian), concatenated over segments. */
export function words(source: string | string[], options?: AssembleOptions): number[] {
  const b = bytes(source, options);
  const out: number[] = [];
  for (let i = 0; i + 3 < b.length; i += 4) out.push((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
  return out;
}

/** The diagnostics as "line:column: message" (file names left out). */
export function errors(source: string | string[], options?: AssembleOptions): string[] {
  const r = asm(source, options);
  if (r.image) throw new Error('expected errors, got an image');
  return r.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message}`);
}

/** The one diagnostic's message (fails unless there is exactly one). */
export function error(source: string | string[], options?: AssembleOptions): string {
  const list = errors(source, options);
  if (list.length !== 1) throw new Error(`expected one error, got:\n${list.join('\n')}`);
  return list[0]!;
}

/** The value of a symbol in the image. */
export function symbol(img: Image, name: string): number | undefined {
  return img.symbols.find((s) => s.name === name)?.value;
}

/** A readFile over an in-memory map of files. */
export function files(map: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = map[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return text;
  };
}
