// Deterministic mutations of source text, for the fuzz and skeleton tests.

/** mulberry32: a small seeded generator. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Characters that matter to the syntax, plus a few that never appear in it. */
const ALPHABET = ['"', "'", '\\', '[', ']', '(', ')', ',', ':', ';', '/', '.', '$', '=', '+', '-', '*', '<', '>', '~', '&', '|', '^', '%', ' ', '\t', 'x', '0', '9', 'a', 'r', 'Z', '_', '@', '\n', 'é', '→', '\u0000', '😀', '\r', 'n'];

/** One random edit: delete, duplicate, swap, insert or replace a character. */
export function mutate(text: string, rnd: () => number): string {
  const i = Math.floor(rnd() * (text.length + 1));
  const ch = ALPHABET[Math.floor(rnd() * ALPHABET.length)]!;
  switch (Math.floor(rnd() * 5)) {
    case 0: return text.slice(0, i) + text.slice(i + 1);
    case 1: return text.slice(0, i) + text.slice(i, i + 1) + text.slice(i);
    case 2: return text.length < 2 ? text : text.slice(0, i) + text.slice(i + 1, i + 2) + text.slice(i, i + 1) + text.slice(i + 2);
    case 3: return text.slice(0, i) + ch + text.slice(i);
    default: return text.slice(0, i) + ch + text.slice(i + 1);
  }
}

/** `count` random bytes decoded as Latin-1 text. */
export function randomText(count: number, rnd: () => number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String.fromCharCode(Math.floor(rnd() * 256));
  return s;
}
