// How the bench turns repeated runs into one figure (scripts/bench/stats.ts).

import { describe, expect, it } from 'vitest';
import { median, warmUp } from '../../scripts/bench/stats.js';

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('is the mean of the two middle values of an even count', () => {
    expect(median([0.15, 0.35, 0.17, 0.27])).toBeCloseTo(0.22);
  });
});

describe('warmUp', () => {
  /** A run whose times are these, then the last one for ever. */
  const runs = (times: number[]) => {
    let i = 0;
    return () => times[Math.min(i++, times.length - 1)]!;
  };

  it('stops after ten runs of a thing that is warm at once', () => {
    expect(warmUp(runs([10]))).toBe(10);
  });

  it('goes on until five runs in a row bring no gain of more than 10%', () => {
    const times = [200, 100, 90, 30, 25, 20, 15, 12, 10, 10, 10, 10, 10, 10, 10];
    // (at 13 runs the five last, all 10, are still more than 10% faster than the 12 before)
    expect(warmUp(runs(times))).toBe(14);
  });

  it('stops at 40 runs of a thing that never settles', () => {
    let t = 1e6;
    expect(warmUp(() => (t *= 0.8))).toBe(40);
  });
});
