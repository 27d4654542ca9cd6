// How the bench turns repeated runs into one figure.

/** The middle value; of an even count, the mean of the two middle ones. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Run something until it is warm, and say how many runs that took. `run` runs it once and
 *  returns its time. Warm: its last five runs are no more than 10% faster than the fastest
 *  before them (at least ten runs, at most 40). A guest needs more than its plain-JavaScript
 *  twin: the JavaScript engine optimizes each compiled region of guest code anew, as a large
 *  function (an interrupt-driven kernel's take about a dozen runs, some on a plateau). */
export function warmUp(run: () => number): number {
  const times: number[] = [];
  const settled = () => times.length >= 10 && Math.min(...times.slice(-5)) >= 0.9 * Math.min(...times.slice(0, -5));
  while (!settled() && times.length < 40) times.push(run());
  return times.length;
}
