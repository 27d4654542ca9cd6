// The hint added to "immediate ... out of range" where the fix is `li`, the pseudo-instruction
// that loads any 32-bit value (src/asm/pseudo.ts): instead of movi, or into a free register
// that the register form of the instruction then uses.

/** Instructions with an immediate operand (the ISA's, and the pseudo subi) and their register
 *  form, which takes the value from a register instead (a test checks them against the ISA). */
export const REGISTER_FORM: Readonly<Record<string, string>> = { addi: 'add', subi: 'sub', muli: 'mul', andi: 'and', ori: 'or', xori: 'xor', cmpi: 'cmp' };

/**
 * " (li r1, 100000 loads any 32-bit value)" for movi; for the instructions of REGISTER_FORM,
 * " (li rX, 70000 loads it into a free register rX; then add r1, r2, rX)"; "" for the rest.
 * `operands` are the instruction's operands as written, the immediate last.
 */
export function liHint(mnemonic: string, operands: readonly string[]): string {
  const name = mnemonic.toLowerCase();
  const value = operands[operands.length - 1];
  if (value === undefined) return '';
  if (name === 'movi' && operands.length === 2) return ` (li ${operands[0]}, ${value} loads any 32-bit value)`;
  const form = REGISTER_FORM[name];
  if (form === undefined) return '';
  return ` (li rX, ${value} loads it into a free register rX; then ${form} ${[...operands.slice(0, -1), 'rX'].join(', ')})`;
}
