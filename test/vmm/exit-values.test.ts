// The exit values a vCPU refills for every exit (src/vmm/exits.ts): one of each kind, all of
// one shape, so that the core's dispatch reads them through one hidden class.

import { describe, expect, it } from 'vitest';
import { exitValues } from '../../src/vmm/exits.js';

describe('exit values', () => {
  const values = exitValues();

  it('has one value of each kind, under its own name', () => {
    for (const [name, value] of Object.entries(values)) expect(value.kind).toBe(name);
  });

  it('gives every value the same fields in the same order', () => {
    const shapes = new Set(Object.values(values).map((v) => Object.keys(v).join(',')));
    expect([...shapes]).toEqual(['kind,pc,cause,addr,word,flags,port,value,index,va']);
  });

  it('gives each vCPU values of its own', () => {
    expect(exitValues().callout).not.toBe(values.callout);
  });
});
