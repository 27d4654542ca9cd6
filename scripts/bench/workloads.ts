// The bench's CPU-bound workloads of varied shape (guests/bench/: fib.s, memwalk.s,
// dispatch.s, tasks.s), each with its plain-JavaScript twin: the same algorithm on the same
// data, in typed arrays, which must compute what the guest prints. The bench sets each
// guest's run time (in-process, warm, the image assembled beforehand) against its twin's.

/** A workload: its guest, the defines that size it, and its twin. */
export interface Workload {
  readonly name: string;
  readonly file: string;
  readonly defines: Record<string, number>;
  /** What the guest prints when built with `defines`: its result(s), one per line. */
  twin(defines: Record<string, number>): string;
}

function fib(n: number): number {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

function memwalk(passes: number): number {
  const words = 65536;
  const a = new Int32Array(words);
  let x = 12345;
  for (let i = 0; i < words; i++) {
    a[i] = x;
    x = (Math.imul(x, 1103515245) + 12345) | 0;
  }
  let sum = 0;
  for (let p = 0; p < passes; p++) {
    let j = 0;
    for (let k = 0; k < words; k++) {
      const i = j & (words - 1);
      sum = (sum + a[i]!) | 0;
      a[i] = sum ^ k;
      j = (j + 1031) | 0;
    }
  }
  return sum >>> 0;
}

function dispatch(iterations: number): number {
  let x = 1;
  let acc = 0;
  for (let n = 0; n < iterations; n++) {
    switch ((x >>> 13) & 7) {
      case 0: acc = (acc + x) | 0; break;
      case 1: acc ^= x; break;
      case 2: acc = (acc - (x >>> 3)) | 0; break;
      case 3: acc = (acc + (acc << 1)) | 0; break;
      case 4: acc = (acc + 7) | 0; break;
      case 5: acc ^= x << 5; break;
      case 6: acc = (acc - x) | 0; break;
      default: acc = ((acc >>> 1) + x) | 0;
    }
    x = (Math.imul(x, 1664525) + 1013904223) | 0;
  }
  return acc >>> 0;
}

/** tasks.s's two tasks, one after the other (the guest interleaves them on its timer; each
 *  keeps its running figure in memory, as here). */
function tasks(primes: number, collatz: number): [number, number] {
  const progress = new Int32Array(2);
  let count = 0;
  for (let c = 2; c < primes; c++) {
    let prime = true;
    for (let d = 2; d * d <= c; d++) {
      if (c % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
    progress[0] = count;
  }
  let steps = 0;
  for (let n = 1; n <= collatz; n++) {
    for (let v = n; v !== 1; ) {
      v = v & 1 ? (Math.imul(v, 3) + 1) | 0 : v >>> 1;
      steps++;
      progress[1] = steps;
    }
  }
  return [count, steps];
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'fib (recursive calls)', file: 'guests/bench/fib.s', defines: { N: 27 }, twin: (d) => `${fib(d.N!)}\n` },
  { name: 'memwalk (paged user-mode memory loop)', file: 'guests/bench/memwalk.s', defines: { PASSES: 12 }, twin: (d) => `${memwalk(d.PASSES!)}\n` },
  { name: 'dispatch (branchy jump-table loop)', file: 'guests/bench/dispatch.s', defines: { ITER: 400_000 }, twin: (d) => `${dispatch(d.ITER!)}\n` },
  { name: 'tasks (interrupt-driven kernel, two tasks)', file: 'guests/bench/tasks.s', defines: { PRIMES: 30_000, COLLATZ: 6_000 }, twin: (d) => `${tasks(d.PRIMES!, d.COLLATZ!).join('\n')}\n` },
];
