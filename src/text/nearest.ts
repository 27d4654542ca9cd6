// "Did you mean ...?": the known word nearest to a misspelt one, for error messages of every
// layer (assembler mnemonics and directives, vmm explain).

/** Levenshtein distance between a and b (insert, delete, substitute: 1 each), with an
 *  adjacent swap counting 1 too (Damerau's transposition: `mvoi` is one step from `movi`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate nearest to `word` (case ignored), if it is near enough to be a likely typo:
 *  at most a third of the word's length away (and at least one step). Ties go to the first. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.max(1, Math.floor(w.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (Math.abs(w.length - c.length) >= bestDistance) continue; // at least that many edits apart
    const distance = editDistance(w, c.toLowerCase());
    if (distance < bestDistance) {
      best = c;
      bestDistance = distance;
    }
  }
  return best;
}

/** A word as a message quotes it: at most 40 characters, a longer one cut with "...". */
export function quoted(word: string): string {
  return word.length <= 40 ? word : `${word.slice(0, 37)}...`;
}

/** " (did you mean 'x'?)" for the nearest candidate, or "" when none is near. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const n = nearest(word, candidates);
  return n === undefined ? '' : ` (did you mean '${n}'?)`;
}
