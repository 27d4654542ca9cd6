// --passthrough GUEST under --host bare-metal (docs/topologies.md): the physical disk given
// to one guest. Its own driver drives it; its interrupt keeps host time, so it can arrive
// while another guest has the CPU: an external-interrupt exit, the VMM routes it to the
// owner (irq-route), which takes it later (host-interrupt, with the latency). The guest
// sees what it sees with its own virtual disk; the others are untouched.

import { describe, expect, it } from 'vitest';
import { expectUsageError, vmmIn as cli } from '../cli/helpers.js';
import { sameLines } from './helpers.js';

interface Json {
  guests: { name: string; status: string; console: string; instructions: number; notes?: Record<string, number> }[];
}

const GUESTS = ['guests/kernel/tinyos.s', 'guests/bench/sieve.s', '--disk', 'tinyos=guests/kernel/disk.txt', '--quantum', '1000'];

describe('a disk passed through to one guest', () => {
  // (tinyos reads its disk under these; under trap without --strict it goes wrong with or
  // without the device, as docs/vmm.md says)
  for (const mode of ['full', 'hw']) {
    it(`--mode ${mode}: the owner reads its disk, the other guest runs as without it`, async () => {
      const plain = JSON.parse((await cli(['run', ...GUESTS, '--mode', mode, '--json', '--no-overhead'])).stdout) as Json;
      const r = await cli(['run', ...GUESTS, '--mode', mode, '--passthrough', 'tinyos', '--json', '--no-overhead']);
      const through = JSON.parse(r.stdout) as Json;
      // the same lines, each task's in order: the disk's completion time is the host's now
      expect(sameLines(through.guests[0]!.console, plain.guests[0]!.console)).toBeUndefined();
      expect(through.guests[0]!.console).toContain('tinyos: disk: hello from the disk');
      expect(through.guests[1]!.console).toBe(plain.guests[1]!.console);
      expect(through.guests[1]!.instructions).toBe(plain.guests[1]!.instructions);
      expect(through.guests[0]!.notes?.['irq-route']).toBe(1);
      expect(through.guests[0]!.notes?.['host-interrupt']).toBe(1);
    });
  }

  it('its interrupt arrives while the other guest has the CPU: routed, then taken with its latency', async () => {
    const r = await cli(['trace', ...GUESTS, '--mode', 'full', '--passthrough', 'tinyos', '--format', 'jsonl', '-q']);
    const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { guest: string; reason: string; detail?: string; seq: number });
    const route = records.find((x) => x.reason === 'irq-route')!;
    expect(route.guest).toBe('tinyos');
    expect(route.detail).toMatch(/arrived while sieve had the CPU, routed to its owner/);
    const exit = records.filter((x) => x.reason === 'external-interrupt' && x.seq < route.seq).pop()!;
    expect(exit.detail).toMatch(/a physical device passed through to a guest is due/);
    const taken = records.find((x) => x.reason === 'host-interrupt' && x.seq > route.seq)!;
    expect(taken.guest).toBe('tinyos');
    expect(taken.detail).toMatch(/took its passed-through disk's interrupt [\d,]+ cycles after it arrived/);
  });

  it.each([
    [['--passthrough', 'nobody', '--mode', 'full'], /--passthrough nobody: no such guest/],
    [['--passthrough', 'sieve', '--mode', 'full'], /--passthrough sieve: the guest has no --disk/],
    [['--passthrough', 'tinyos', '--mode', 'bare'], /--passthrough needs a VMM/],
    [['--passthrough', 'tinyos', '--mode', 'para'], /--passthrough: under --mode para/],
    [['--passthrough', 'tinyos', '--mode', 'para', '--host', 'dom0'], /--passthrough gives a device to one guest of a bare-metal VMM/],
  ])('%j: exit 2', async (flags, message) => {
    const args = flags.includes('bare') ? ['guests/kernel/tinyos.s', '--disk', 'guests/kernel/disk.txt', ...flags] : [...GUESTS, ...flags];
    expectUsageError(await cli(['run', ...args]), message);
  });
});
