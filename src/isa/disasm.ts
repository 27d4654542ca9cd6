// Disassemble one TOY32 word to assembly text that `vmm asm` accepts back unchanged.

import { CONTROL_REGISTERS, LR, SP } from './arch.js';
import { decode, operandsOf, type MemOperand } from './encoding.js';
import { FORMATS, type OperandKind } from './formats.js';

/** Names an address (e.g. a label) for branch targets; undefined prints it in hex. */
export type Symbolizer = (address: number) => string | undefined;

export function registerName(r: number): string {
  return r === SP ? 'sp' : r === LR ? 'lr' : `r${r}`;
}

export function hex(value: number, digits = 0): string {
  return '0x' + (value >>> 0).toString(16).padStart(digits, '0');
}

/** The instruction's text, or `.word 0x...` for a word that does not decode. */
export function disassemble(word: number, pc: number, symbolize: Symbolizer = () => undefined): string {
  const d = decode(word);
  if (!d) return `.word ${hex(word, 8)}`;
  const kinds = FORMATS[d.spec.format].operands as readonly OperandKind[];
  const values = operandsOf(d, pc);
  const text = kinds.map((kind, i) => {
    const v = values[i]!;
    switch (kind) {
      case 'reg': return registerName(v as number);
      case 'simm16': return String(v);
      case 'uimm16': return (v as number) < 10 ? String(v) : hex(v as number);
      case 'port': return hex(v as number, 2);
      case 'cr': return CONTROL_REGISTERS[v as number]!.name;
      case 'rel24': return symbolize(v as number) ?? hex(v as number);
      case 'mem': {
        const m = v as MemOperand;
        const off = m.offset === 0 ? '' : m.offset > 0 ? ` + ${m.offset}` : ` - ${-m.offset}`;
        return `[${registerName(m.base)}${off}]`;
      }
    }
  });
  return text.length ? `${d.spec.mnemonic} ${text.join(', ')}` : d.spec.mnemonic;
}
