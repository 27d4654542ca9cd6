// The exit controls' names (src/vmm/modes/hw/controls.ts): only the table's names, its
// groups and port:N are controls; anything else, JavaScript's own property names included,
// is refused with the flag that named it.

import { describe, expect, it } from 'vitest';
import { ControlError, controlSettings } from '../../src/vmm/modes/hw/controls.js';

describe('exit-control names', () => {
  it('names that are no control, built-in property names included, are refused', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'nope', 'port:', 'port:65536', 'cr-write:nope']) {
      expect(() => controlSettings(true, [name], []), name).toThrow(ControlError);
      expect(() => controlSettings(true, [], [name]), name).toThrow(/^--exit-off /);
    }
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
