// Syntax error messages: ohm's list of what it expected at the failure, in this assembler's
// words ("syntax error: expected an operator, "," or end of line").

import type { MatchResult } from 'ohm-js';

/** An ohm-js 17 failure record (internal API behind MatchResult.getExpectedText). */
interface Failure {
  toString(): string;
  isFluffy(): boolean;
}

const BINARY_OPERATORS = ['"+"', '"-"', '"<<"', '">>"', '"*"', '"&"', '"|"', '"/"', '"%"', '"^"'];
const EXPRESSION_STARTS = ['a name', 'a number', '"("', `"'"`, '"$"'];
const UNARY_OPERATORS = ['"-"', '"~"', '"+"'];
const QUOTE = '"\\""';
/** Inside a character literal: any character but ' and \, or the start of an escape. */
const CHARACTER = [`not ("'" or "\\\\")`, '"\\\\"'];
const ESCAPES = ['"n"', '"t"', '"r"', '"0"', '"\\\\"', `"'"`, QUOTE, '"x"'];

/**
 * "expected ..." for a failed match at `position`: the starts of an expression become
 * "an expression", all binary operators "an operator", end of input "end of line".
 */
export function expectedText(result: MatchResult, position: number): string {
  const failures = (result as unknown as { getRightmostFailures(): Failure[] }).getRightmostFailures();
  let items = [...new Set(failures.filter((f) => !f.isFluffy()).map((f) => f.toString()))];
  const replace = (group: readonly string[], by: string, alsoDrop: readonly string[] = []): void => {
    if (!group.every((g) => items.includes(g))) return;
    const drop = new Set([...group, ...alsoDrop]);
    const first = items.findIndex((i) => drop.has(i));
    items = items.filter((i) => !drop.has(i));
    items.splice(first, 0, by);
  };
  replace(EXPRESSION_STARTS, 'an expression', UNARY_OPERATORS);
  replace(['an expression', '"["', QUOTE], 'an operand');
  replace(BINARY_OPERATORS, 'an operator');
  replace(ESCAPES, 'an escape (\\n \\t \\r \\0 \\\\ \\\' \\" \\xHH)');
  replace(CHARACTER, 'a character (or an escape)');
  items = items.map(word);
  if (position === 0 || items.length === 0) return 'expected a label, an instruction or a directive';
  items.sort((a, b) => Number(a === 'end of line') - Number(b === 'end of line'));
  return 'expected ' + (items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`);
}

function word(item: string): string {
  if (item === 'end of input') return 'end of line';
  if (item === QUOTE) return `'"'`;
  if (item === '"\\t"') return 'a tab';
  if (item === '" "') return 'a space';
  return item;
}
