import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time at least: vitest's default (one fewer than the cores) ran one
    // at a time on the 2-core reference machine, 17 minutes on a slow day against 12 with
    // two. Test files share no paths: each writes in folders of its own (mkdtemp), and the
    // bare runs' cache is written whole (a rename) for runs of vmm side by side.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
