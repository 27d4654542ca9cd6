// The exit controls' names (src/vmm/modes/hw/controls.ts): only the table's names, its
// groups and port:N are controls; anything else, JavaScript's own property names included,
// is refused with the flag that named it.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ControlError, controlSettings } from '../../src/vmm/modes/hw/controls.js';
import { tempDir, vmmIn } from '../cli/helpers.js';

describe('exit-control names', () => {
  it('names that are no control, built-in property names included, are refused', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'nope', 'port:', 'port:65536', 'cr-write:nope']) {
      expect(() => controlSettings(true, [name], []), name).toThrow(ControlError);
      expect(() => controlSettings(true, [], [name]), name).toThrow(/^--exit-off /);
    }
  });

  it('an empty name in a list, and a control turned both on and off, are refused', () => {
    for (const list of ['', ',', 'hlt,', ',io', 'hlt,,io']) {
      expect(() => controlSettings(true, [list], []), list).toThrow(`--exit-on '${list}': expects comma-separated names`);
      expect(() => controlSettings(true, [], [list]), list).toThrow(/^--exit-off /);
    }
    expect(() => controlSettings(true, ['io'], ['hlt,io'])).toThrow('--exit-on io and --exit-off io contradict each other');
    // (a port is one control however it is written)
    for (const [on, off] of [['port:16', 'port:0x10'], ['port:65535', 'port:0xffff'], ['port:16', 'port:016'], ['port:0X10', 'port:0x10']]) {
      expect(() => controlSettings(true, [on!], [off!]), `${on} ${off}`).toThrow(`--exit-on ${on} and --exit-off ${off} contradict each other`);
      expect(() => controlSettings(true, [off!], [on!]), `${off} ${on}`).toThrow(`--exit-on ${off} and --exit-off ${on} contradict each other`);
    }
    expect(controlSettings(true, ['port:16'], ['port:17']).ports.get(17)).toBe(false);
    // (groups: --exit-on's, then --exit-off's, as cli.md says)
    const groups = controlSettings(true, ['cr'], ['cr-read']);
    expect(groups.on.has('cr-write:ptbr') && !groups.on.has('cr-read:ptbr')).toBe(true);
    // (a name that is no control is refused as such first, in either list)
    expect(() => controlSettings(true, ['PORT:16'], ['port:16'])).toThrow('--exit-on PORT:16: no such exit control');
    expect(() => controlSettings(true, ['port:99999'], ['port:99999'])).toThrow('--exit-on port:99999: a port is a number from 0 to 65535');
    // (a group and a control in it are not the same name: the group first, then the control)
    expect(controlSettings(true, ['cr'], ['cr-read:ptbr']).on.has('cr-read:ptbr')).toBe(false);
  });

  it('groups and single controls change exactly what they name; some stay on, and say why with the flag used', () => {
    const base = controlSettings(true, [], []);
    expect([...base.on].sort()).toEqual(['cpuid', 'external-interrupt', 'hlt', 'interrupt-window', 'io']);
    const all = controlSettings(true, ['cr,exceptions'], ['hlt']);
    expect(all.on.has('cr-write:ptbr') && all.on.has('exception:divide') && !all.on.has('hlt')).toBe(true);
    expect(controlSettings(true, [], ['io', 'port:0x10']).ports.get(16)).toBe(false);
    expect(() => controlSettings(true, [], ['cpuid'])).toThrow('--exit-off cpuid: it stays on');
    expect(() => controlSettings(false, [], ['invlpg'])).toThrow('--exit-off invlpg: it stays on: shadow paging');
  });
});

describe('the I/O bitmap (one bit a port)', () => {
  it('an out exits exactly when its port\'s bit is set, for ports in every byte of the bitmap', async () => {
    // out to ports 0x80..0x87 (one byte of the bitmap) and 0xfffe, once each
    const src = join(tempDir(), 'ports.s');
    writeFileSync(src, `start:\n${[0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0xfffe].map((p) => `        out ${p}, r1\n`).join('')}        hlt\n`);
    const ioExits = async (...flags: string[]) => {
      const r = await vmmIn(['run', src, '--mode', 'hw', '--no-overhead', '--json', ...flags]);
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { guests: { exits: Record<string, number> }[] }).guests[0]!.exits.io ?? 0;
    };
    expect(await ioExits()).toBe(9);
    expect(await ioExits('--exit-off', 'io')).toBe(0);
    expect(await ioExits('--exit-off', 'io', '--exit-on', 'port:0x83,port:0xfffe')).toBe(2);
    expect(await ioExits('--exit-off', 'port:0x80,port:0x87')).toBe(7);
  });
});

describe('the exception bitmap', () => {
  it('an illegal word exits when exception:illegal is on, whatever its opcode (0xff, the translator\'s callout, too); the guest sees the same traps', async () => {
    const src = join(tempDir(), 'illegal.s');
    writeFileSync(src, `.include "platform.inc"
start:  la    r1, handler
        mtcr  tvec, r1
        .word 0xff000000
        .word 0x00000000
        cli
        hlt
handler: mfcr r13, spc
        addi  r13, r13, 4
        mtcr  spc, r13
        rfe
`);
    const run = async (...flags: string[]) => {
      const r = await vmmIn(['run', src, '--mode', 'hw', '--no-overhead', '--json', ...flags]);
      expect(r.status, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { guests: { exits: Record<string, number>; traps: Record<string, number> }[] }).guests[0]!;
    };
    for (const flags of [[], ['--npt', 'off']]) {
      const off = await run(...flags);
      const on = await run(...flags, '--exit-on', 'exception:illegal');
      expect(off.traps).toEqual({ illegal: 2 });
      expect(on.traps).toEqual({ illegal: 2 });
      expect(off.exits.exception ?? 0).toBe(0);
      expect(on.exits.exception).toBe(2);
      expect((await run(...flags, '--exit-on', 'exceptions')).exits.exception).toBe(2);
    }
  });
});

describe('--vpid off: the TLB flushed at every VM entry (docs/vmm.md)', () => {
  it('one flush at the first entry and one at each entry after an exit; none after the exit that ends the guest', async () => {
    const flushes = async (...flags: string[]) => {
      const r = await vmmIn(['run', 'guests/bare/hello.s', '--mode', 'hw', '--vpid', 'off', '--no-overhead', '--json', ...flags]);
      expect(r.status, r.stderr).toBe(0);
      const g = (JSON.parse(r.stdout) as { guests: { exits: Record<string, number>; tlb: { vmmFlushes: number } }[] }).guests[0]!;
      return { exits: Object.values(g.exits).reduce((a, b) => a + b, 0), flushes: g.tlb.vmmFlushes };
    };
    // hello: 13 `out`s, then the `hlt` that ends it
    expect(await flushes()).toEqual({ exits: 14, flushes: 14 });
    expect(await flushes('--exit-off', 'io')).toEqual({ exits: 1, flushes: 1 });
    expect(await flushes('--exit-off', 'io,hlt')).toEqual({ exits: 0, flushes: 1 });
    // hosted: also one at each entry after a world switch to the host OS and back
    const hosted = await flushes('--exit-off', 'io,hlt', '--host', 'hosted');
    expect(hosted.exits).toBe(0);
    expect(hosted.flushes).toBeGreaterThan(1);
  });
});
