// vmm run keeps the overhead's bare runs between runs (src/cli/bare-cache.ts, docs/cli.md):
// the second run of a guest on the same machine takes the bare figures from the cache and
// prints exactly what the first printed; another machine, another disk or another image is
// another key; a damaged file is a run made again; VMM_CACHE_DIR=off keeps nothing.

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanTemp, requireBundle, tempDir, vmm } from './helpers.js';

let dir = '';
beforeAll(() => {
  requireBundle();
  dir = tempDir();
});
afterAll(cleanTemp);

const kept = () => (existsSync(join(dir, 'bare-runs')) ? readdirSync(join(dir, 'bare-runs')).filter((f) => f.endsWith('.json')) : []);
const run = (args: string[], cacheDir = dir) => vmm(['run', ...args], { env: { VMM_CACHE_DIR: cacheDir } });

describe('the bare runs kept for the overhead figure', () => {
  it('one per guest and machine; a second run prints the same, from the cache', () => {
    const first = run(['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'full']);
    expect(first.status).toBe(0);
    expect(first.stderr).toMatch(/overhead \d+\.\d\dx bare/);
    expect(kept()).toHaveLength(1);
    const again = run(['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'hw']);
    expect(kept()).toHaveLength(1); // the same bare run serves every mode
    expect(run(['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'full'])).toEqual(first);
    expect(again.stderr).toMatch(/overhead \d+\.\d\dx bare/);
    // another machine, another disk (none), another image: three more
    run(['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', '--mode', 'full', '--tlb', '16']);
    run(['guests/kernel/tinyos.s', '--mode', 'full']);
    run(['guests/bare/primes.s', '--mode', 'full']);
    expect(kept()).toHaveLength(4);
  });

  it('the figure from the cache is the one a fresh bare run gives', () => {
    const fresh = run(['guests/bare/primes.s', '--mode', 'trap', '--json'], 'off');
    const cached = run(['guests/bare/primes.s', '--mode', 'trap', '--json']);
    expect(JSON.parse(cached.stdout).guests[0].overhead).toBe(JSON.parse(fresh.stdout).guests[0].overhead);
  });

  it('a damaged file is a run made again, and VMM_CACHE_DIR=off keeps nothing', () => {
    for (const f of kept()) writeFileSync(join(dir, 'bare-runs', f), '{"status": 3');
    const r = run(['guests/bare/primes.s', '--mode', 'full']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/overhead \d+\.\d\dx bare/);
    const off = tempDir();
    expect(vmm(['run', 'guests/bare/primes.s', '--mode', 'full'], { env: { VMM_CACHE_DIR: 'off', XDG_CACHE_HOME: off, HOME: off } }).status).toBe(0);
    expect(readdirSync(off)).toEqual([]);
  });

  it('a FIFO, a device or a file of impossible facts in a kept run\'s place is no kept run: the run is made again', () => {
    const fresh = run(['guests/bare/primes.s', '--mode', 'trap', '--json'], 'off');
    const own = tempDir();
    run(['guests/bare/primes.s', '--mode', 'trap'], own);
    const [name] = readdirSync(join(own, 'bare-runs')).filter((f) => f.endsWith('.json'));
    const path = join(own, 'bare-runs', name!);
    const facts = JSON.parse(readFileSync(path, 'utf8'));
    const replace = (make: () => void) => {
      rmSync(path, { force: true });
      make();
      const r = run(['guests/bare/primes.s', '--mode', 'trap', '--json'], own);
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).guests[0].overhead).toBe(JSON.parse(fresh.stdout).guests[0].overhead);
    };
    replace(() => execFileSync('mkfifo', [path])); // (read, it would wait for ever)
    replace(() => symlinkSync('/dev/zero', path)); // (read, it would never end)
    replace(() => writeFileSync(path, JSON.stringify({ ...facts, status: 'weird' })));
    replace(() => writeFileSync(path, JSON.stringify({ ...facts, cycles: -5 })));
    expect(readdirSync(join(own, 'bare-runs')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an unwritable cache folder changes nothing but the time', () => {
    const r = run(['guests/bare/primes.s', '--mode', 'full'], '/proc/no-such-folder');
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/overhead \d+\.\d\dx bare/);
  });
});
